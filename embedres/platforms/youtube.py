"""YouTube: watch, short, embed and playlist URLs, iframe/object/AMP embeds (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from embedres.detect.found import Found
from embedres.detect.markup import Document, fragment
from embedres.platforms.base import ParseUrl, Platform, PostRef, found_from_ref, src
from embedres.platforms.status import (
    Probe,
    Verdict,
    read_json,
    text_field,
    transient,
)

__all__ = ["LIVENESS", "OEMBED_BASE", "PLATFORM", "classify_oembed"]

_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YT_PATH = re.compile(r"^/(?:embed|shorts|live|v|e)/(?P<id>[A-Za-z0-9_-]{11})(?:[/&;].*)?$")
_YT_LIST = re.compile(r"^[A-Za-z0-9_-]{2,64}$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    vid: str | None = None
    if host == "youtu.be":
        vid = path.strip("/") or None
    elif path.rstrip("/") == "/watch":
        vid = (query.get("v") or [""])[0]
    else:
        m = _YT_PATH.match(path)
        vid = m["id"] if m else None
    plist = (query.get("list") or [""])[0]
    if path.rstrip("/") in ("/playlist", "/embed/videoseries") and _YT_LIST.match(plist):
        return PostRef("youtube", plist, f"https://www.youtube.com/playlist?list={plist}")
    if vid and _YT_ID.match(vid):
        return PostRef("youtube", vid, f"https://www.youtube.com/watch?v={vid}")
    return None


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-youtube":
        vid = el.attrs.get("data-videoid", "")
        return found_from_ref(
            "youtube", doc, index, parse, f"https://www.youtube.com/watch?v={vid}"
        )
    if el.name in ("iframe", "embed"):
        return found_from_ref("youtube", doc, index, parse, src(doc, index))
    if el.name != "object":
        return None
    if el.attrs.get("data"):
        return found_from_ref("youtube", doc, index, parse, el.attrs["data"])
    tag = fragment(doc.source[el.start : el.end])
    movie = tag.find("param", name="movie") if tag is not None else None
    embed = tag.find("embed") if tag is not None else None
    url = (movie.get("value") if movie is not None else None) or (
        embed.get("src") if embed is not None else None
    )
    return found_from_ref("youtube", doc, index, parse, url)


def _shortcode(name: str, positional: tuple[str, ...], kw: Mapping[str, str]) -> str | None:
    """Hugo ``{{< youtube ID >}}`` / ``id="ID"``, WordPress ``[youtube URL]``, MDX
    ``<YouTube id="ID" />`` (or ``videoId``)."""
    if name not in {"youtube", "youtubeembed"}:
        return None
    vid = kw.get("id") or kw.get("videoid") or (positional[0] if positional else "")
    return f"https://www.youtube.com/watch?v={vid}" if _YT_ID.match(vid) else None


PLATFORM = Platform(
    name="youtube",
    label="YouTube",
    genre="Video",
    hosts=frozenset({"youtube.com", "youtube-nocookie.com", "youtu.be"}),
    oembed="https://www.youtube.com/oembed?{query}&format=json",
    oembed_reads=frozenset({"title"}),
    # Share links add si= (since 2023) and feature=.
    tracking={
        "youtube.com": frozenset({"si", "feature", "pp"}),
        "m.youtube.com": frozenset({"si", "feature", "pp"}),
        "youtu.be": frozenset({"si", "feature"}),
    },
    short_hosts=frozenset({"youtu.be"}),
    parse=_parse,
    recognisers=(_recognise,),
    shortcode=_shortcode,
)
"""YouTube (video ids carry no time)."""


# -- liveness (issue #15): the oEmbed endpoint the embed itself depends on --

OEMBED_BASE = "https://www.youtube.com"


def _oembed_url(ref: PostRef, base: str) -> str | None:
    if ref.platform != "youtube" or "watch?v=" not in ref.canonical_url:
        return None
    return f"{base.rstrip('/')}/oembed?{urlencode({'url': ref.canonical_url, 'format': 'json'})}"


def classify_oembed(url: str, status: int, body: bytes) -> Verdict:
    """Read a YouTube oEmbed answer.

    200 is live; 404 is a video that is gone (deleted by its owner, removed by YouTube or on
    a terminated channel: the answer does not say which); 401 a private video; 403 a video
    whose owner disabled embedding.

    >>> classify_oembed("u", 401, b"Unauthorized").status
    'protected'
    """
    early = transient(status, body)
    if early is not None:
        return early
    wording = body[:200].decode("utf-8", "replace").strip() or None
    if status == 404:
        return Verdict("deleted", "HTTP 404 (deleted, removed or channel terminated)", wording)
    if status == 401:
        return Verdict("protected", "HTTP 401 (private video)", wording)
    if status == 403:
        return Verdict("restricted", "HTTP 403 (embedding disabled)", wording)
    data = read_json(body)
    if status != 200 or not isinstance(data, dict):
        return Verdict("unavailable", f"HTTP {status}" if status != 200 else "unreadable answer")
    return Verdict(
        "live",
        "oEmbed answer",
        author_name=text_field(data, "author_name"),
        text=text_field(data, "title"),
    )


LIVENESS = Probe(OEMBED_BASE, _oembed_url, classify_oembed)
"""How :mod:`embedres.liveness` asks whether a YouTube video is still there."""
