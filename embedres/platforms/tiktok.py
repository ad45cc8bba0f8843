"""TikTok: video URLs, blockquote and iframe embeds, ids carrying seconds (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from embedres.detect.found import Found, block_text, classes
from embedres.detect.markdown import label_text
from embedres.detect.markup import Document, fragment
from embedres.platforms.base import EPOCH, ParseUrl, Platform, PostRef, as_int, found_from_ref, src
from embedres.platforms.status import (
    Probe,
    Verdict,
    read_json,
    text_field,
    transient,
)

__all__ = ["LIVENESS", "OEMBED_BASE", "PLATFORM", "classify_oembed", "tiktok_time"]

_TIKTOK = re.compile(r"^/@(?P<u>[A-Za-z0-9._]{1,30})/(?:video|photo)/(?P<id>\d{1,20})/?$")
_TIKTOK_EMBED = re.compile(r"^/(?:embed(?:/v2)?|player/v1|v)/(?P<id>\d{1,20})(?:\.html)?/?$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _TIKTOK.match(path)
    if m:
        url = f"https://www.tiktok.com/@{m['u']}/video/{m['id']}"
        return PostRef("tiktok", m["id"], url, m["u"])
    m = _TIKTOK_EMBED.match(path)
    return PostRef("tiktok", m["id"], f"https://www.tiktok.com/embed/v2/{m['id']}") if m else None


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe" and "tiktok.com/" in src(doc, index):
        return found_from_ref("tiktok", doc, index, parse, src(doc, index))
    if el.name != "blockquote" or "tiktok-embed" not in classes(el):
        return None
    vid = el.attrs.get("data-video-id", "")
    base = found_from_ref("tiktok", doc, index, parse, el.attrs.get("cite")) or found_from_ref(
        "tiktok", doc, index, parse, f"https://www.tiktok.com/embed/v2/{vid}"
    )
    tag = fragment(doc.source[el.start : el.end])
    if base is None or tag is None:
        return base
    section = tag.find("section") or tag
    anchors = section.find_all("a")
    handle = base.author_handle
    if anchors and anchors[0].get_text().strip().startswith("@"):
        handle = handle or anchors[0].get_text().strip()[1:]
        anchors[0].extract()
    for a in section.find_all("a"):
        if a.get_text().strip().startswith("♬"):
            a.extract()
    caption = block_text(section) or None
    span = (el.vis_start, el.vis_end)
    return replace(base, author_handle=handle, text=caption, text_span=span if caption else None)


_TIKTOK_MIN = datetime(2014, 1, 1, tzinfo=timezone.utc)


def tiktok_time(post_id: str | int) -> datetime | None:
    """Return the UTC time in a TikTok video id.

    Args:
        post_id: the video id, as digits or an int.

    Returns:
        The time, to the second; None when the id decodes to before 2014.

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id.

    >>> tiktok_time("7018217500441627910").isoformat()
    '2021-10-12T16:28:17+00:00'
    """
    when = EPOCH + timedelta(seconds=as_int(post_id, "tiktok") >> 32)
    return when if when >= _TIKTOK_MIN else None


_TIKTOK_TEXT = re.compile(
    r"(?m)^[ \t]{0,4}@(?P<h>[A-Za-z0-9._]{2,24})[ \t](?P<cap>[^\n♬]{0,2200})♬[^\n]{1,200}"
)


def _find_text(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``@handle CAPTION ♬ sound`` at the start of a line."""
    if "♬" not in text:
        return
    for m in _TIKTOK_TEXT.finditer(text):
        body = m["cap"].strip() or None
        span = (m.start("cap"), m.end("cap")) if body else None
        yield Found(
            "tiktok", (m.start(), m.end()), form="text", author_handle=m["h"], text=body,
            text_span=span,
        )  # fmt: skip


# Markdown made from the embed (the cite URL is lost): "[@handle](profile) CAPTION
# [♬ sound](music)", wrapped over quote lines; the caption stops at a blank line.
_TIKTOK_MD = re.compile(
    r"\[@(?P<h>[A-Za-z0-9._]{2,24})\]\((?P<profile>[^()\s]{1,400})(?:\s{1,4}[\s>]{0,4}\"[^\"\n]{0,100}\")?\)"
    r"(?P<cap>(?:[^♬\[\n]|\n(?![ \t>]*\n)|\[(?![@♬])){0,2200}?)\[♬"
)
_MD_LINK = re.compile(r"\[([^\[\]]{0,300})\]\([^()]{0,500}\)")


def _find_markdown(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``[@handle](profile) CAPTION [♬ sound](music)``: a TikTok embed turned into Markdown."""
    if "[♬" not in text:
        return
    for m in _TIKTOK_MD.finditer(text):
        end = text.find(")", m.end(), m.end() + 800) + 1 or m.end()
        body = label_text(_MD_LINK.sub(r"\1", m["cap"])) or None
        span = (m.start("cap"), m.end("cap")) if body else None
        yield Found(
            "tiktok", (m.start(), end), form="text", author_handle=m["h"], text=body,
            text_span=span,
        )  # fmt: skip


PLATFORM = Platform(
    name="tiktok",
    label="TikTok",
    genre="Video",
    hosts=frozenset({"tiktok.com"}),
    embed_classes=frozenset({"tiktok-embed"}),
    widget_scripts=(("www.tiktok.com", "/embed.js"),),
    oembed="https://www.tiktok.com/oembed?{query}",
    oembed_reads=frozenset({"author_url", "title"}),
    post_time=tiktok_time,
    # Share links add _r, _t, is_from_webapp, sender_device.
    tracking={
        "tiktok.com": frozenset({"_r", "_t", "is_from_webapp", "sender_device", "sender_web_id"})
    },
    parse=_parse,
    recognisers=(_recognise,),
    text_recognisers=(_find_text, _find_markdown),
)
"""TikTok."""


# -- liveness (issue #15): the oEmbed endpoint the embed itself depends on --

OEMBED_BASE = "https://www.tiktok.com"


def _oembed_url(ref: PostRef, base: str) -> str | None:
    if ref.platform != "tiktok":
        return None
    return f"{base.rstrip('/')}/oembed?{urlencode({'url': ref.canonical_url})}"


def classify_oembed(url: str, status: int, body: bytes) -> Verdict:
    """Read a TikTok oEmbed answer.

    200 with an author is live; 404 is gone. TikTok answers 400 ``Something went wrong``
    alike for deleted, private and region-blocked videos, so 400 is ``unavailable`` with
    TikTok's words as evidence: calling it deleted would be a guess.

    >>> classify_oembed("u", 400, b'{"code":400,"message":"Something went wrong"}').status
    'unavailable'
    """
    early = transient(status, body)
    if early is not None:
        return early
    data = read_json(body)
    wording = text_field(data, "status_msg") or text_field(data, "message")
    if status == 404:
        return Verdict("deleted", "HTTP 404", wording)
    if status != 200 or not isinstance(data, dict) or not text_field(data, "author_name"):
        return Verdict("unavailable", f"HTTP {status} (deleted, private or blocked)", wording)
    return Verdict(
        "live",
        "oEmbed answer",
        author_name=text_field(data, "author_name"),
        author_handle=text_field(data, "author_unique_id"),
        text=text_field(data, "title"),
    )


LIVENESS = Probe(OEMBED_BASE, _oembed_url, classify_oembed)
"""How :mod:`embedres.liveness` asks whether a TikTok video is still there."""
