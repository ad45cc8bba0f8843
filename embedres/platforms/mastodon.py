"""Mastodon: status URLs on any instance, blockquote and iframe embeds, snowflake ids (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from urllib.parse import urlsplit

from embedres.detect.found import Found, classes
from embedres.detect.markup import Document
from embedres.platforms.base import (
    HANDLE,
    ParseUrl,
    Platform,
    PostRef,
    as_int,
    found_from_ref,
    from_ms,
    split_url,
)
from embedres.platforms.status import (
    Probe,
    Verdict,
    plain_text,
    read_json,
    text_field,
    transient,
)

__all__ = ["LIVENESS", "PLATFORM", "classify_status", "mastodon_time"]

_USER = r"[A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9.-]{1,253})?"
_PATHS = (
    re.compile(rf"^/(?:web/)?@(?P<u>{_USER})/(?P<id>\d{{1,20}})(?:/embed)?/?$"),
    re.compile(
        r"^/users/(?P<u>[A-Za-z0-9_]{1,30})/(?:statuses|updates)/(?P<id>\d{1,20})(?:/embed)?/?$"
    ),
)
# Hosts whose /@user/123 paths are not Mastodon posts (the registry also skips every host
# another platform claims).
_NOT_MASTODON = {"medium.com", "youtube.com", "tiktok.com", "threads.net", "threads.com"}


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    if host in _NOT_MASTODON or "." not in host:
        return None
    for pattern in _PATHS:
        m = pattern.match(path)
        if m:
            user = m["u"]
            handle = user if "@" in user else f"{user}@{host}"
            return PostRef("mastodon", m["id"], f"https://{host}/@{user}/{m['id']}", handle)
    return None


# Mastodon snowflakes appeared in v2.0 (Oct 2017); earlier (and remote-legacy) ids are
# small counters whose ``>> 16`` lands in 1970. Mastodon itself started in 2016.
_MASTODON_MIN = datetime(2016, 3, 1, tzinfo=timezone.utc)


def mastodon_time(post_id: str | int) -> datetime | None:
    """Return the UTC time in a Mastodon status id (ids are per instance): ``id >> 16`` ms.

    Args:
        post_id: the status id, as digits or an int.

    Returns:
        The time, with millisecond precision; None for legacy sequential ids (before
        Mastodon 2.0) whose decoded time falls before March 2016.

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id.

    >>> mastodon_time("114638610368343397").date()
    datetime.date(2025, 6, 6)
    >>> mastodon_time(12345) is None
    True
    """
    when = from_ms(as_int(post_id, "mastodon") >> 16)
    return when if when >= _MASTODON_MIN else None


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe":
        src = el.attrs.get("src", "")
        if "mastodon-embed" not in classes(el) and not src.rstrip("/").endswith("/embed"):
            return None
        return found_from_ref("mastodon", doc, index, parse, src)
    if el.name != "blockquote" or "mastodon-embed" not in classes(el):
        return None
    return found_from_ref("mastodon", doc, index, parse, el.attrs.get("data-embed-url"))


# Text extractors may fuse the two lines: "Post by @user@instanceView on Mastodon".
_POST_BY = re.compile(
    rf"Post by @(?P<h>{HANDLE})[\s\u00a0]{{1,6}}View on Mastodon"
    r"|Post by @(?P<f>[A-Za-z0-9_]{1,30}@[A-Za-z0-9.-]{1,200}?)View on Mastodon"
)


def _find_text(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``Post by @handle View on Mastodon``."""
    for m in _POST_BY.finditer(text):
        yield Found("mastodon", (m.start(), m.end()), form="text", author_handle=m["h"] or m["f"])


# Markdown made from the embed: "[Post by @user@instanceView on\n> Mastodon](permalink)".
_MD_VIEW = re.compile(
    r"\[[ \t]{0,3}(?:Post by @[A-Za-z0-9._@-]{1,90}?[\s>]{0,8})?View on[\s>]{1,8}Mastodon[ \t]{0,3}"
    r"\]\((?P<url>[^()\s]{1,400})\)"
)


def _find_markdown(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``[Post by @user@instance View on Mastodon](permalink)``."""
    if "Mastodon]" not in text:
        return
    for m in _MD_VIEW.finditer(text):
        parts = split_url(m["url"])
        ref = _parse(*parts) if parts is not None else None
        if ref is not None:
            yield Found("mastodon", m.span(), form="text").with_ref(ref)


PLATFORM = Platform(
    name="mastodon",
    label="Mastodon",
    genre="Post",
    hosts=frozenset(),
    parse=_parse,
    recognisers=(_recognise,),
    text_recognisers=(_find_markdown, _find_text),
    embed_classes=frozenset({"mastodon-embed"}),
    widget_scripts=(("", "/embed.js"),),
    oembed="https://{host}/api/oembed?{query}",
    post_time=mastodon_time,
    any_host=True,
)
"""Mastodon (any instance)."""


# -- liveness (issue #15): the statuses API of the post's own instance --


def _status_url(ref: PostRef, base: str) -> str | None:
    if ref.platform != "mastodon" or not ref.post_id.isdigit():
        return None
    host = urlsplit(ref.canonical_url).netloc
    origin = base.rstrip("/") if base else (f"https://{host}" if host else "")
    return f"{origin}/api/v1/statuses/{ref.post_id}" if origin else None


def classify_status(url: str, status: int, body: bytes) -> Verdict:
    """Read a ``GET /api/v1/statuses/:id`` answer from the post's instance.

    200 is live. 404 (``Record not found``) is a deleted post, but Mastodon answers the same
    for followers-only posts and for posts of suspended accounts: the evidence says so.
    410 is gone. 401/403 come from instances in authorized-fetch or limited-federation mode:
    they say nothing about the post.

    >>> classify_status("u", 404, b'{"error":"Record not found"}').wording
    'Record not found'
    """
    early = transient(status, body)
    if early is not None:
        return early
    data = read_json(body)
    wording = text_field(data, "error")
    if status == 404:
        return Verdict("deleted", "HTTP 404 (also for private posts)", wording)
    if status == 410:
        return Verdict("deleted", "HTTP 410 gone", wording)
    if status != 200 or not isinstance(data, dict) or "id" not in data:
        return Verdict("unavailable", f"HTTP {status}", wording)
    return Verdict(
        "live",
        "status returned",
        author_name=text_field(data, "account", "display_name"),
        author_handle=text_field(data, "account", "acct"),
        text=plain_text(data.get("content") if isinstance(data.get("content"), str) else None),
    )


LIVENESS = Probe("", _status_url, classify_status)
"""How :mod:`embedres.liveness` asks whether a Mastodon post is still there."""
