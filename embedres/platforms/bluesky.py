"""Bluesky: bsky.app and ``at://`` post URIs, blockquote and iframe embeds, TID rkeys (pure)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlencode

from embedres.detect.found import Found, classes
from embedres.detect.markup import Document
from embedres.errors import InvalidArgument
from embedres.platforms.base import (
    EPOCH,
    ParseUrl,
    Platform,
    PostRef,
    found_from_ref,
    quote_post,
)
from embedres.platforms.status import Probe, Status, Verdict, read_json, text_field, transient

__all__ = ["APPVIEW", "LIVENESS", "PLATFORM", "classify_thread", "tid_time"]

_RKEY = r"[a-z2-7]{13}"
_ACTOR = r"did:plc:[a-z2-7]{24}|did:web:[A-Za-z0-9.-]{1,253}|[A-Za-z0-9.-]{1,253}"
_WEB = re.compile(rf"^/profile/(?P<a>{_ACTOR})/post/(?P<id>{_RKEY})/?$")
_AT = re.compile(rf"^(?:/embed/)?(?P<a>{_ACTOR})/app\.bsky\.feed\.post/(?P<id>{_RKEY})/?$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    """bsky.app web URLs; embed.bsky.app and ``at://`` (host ``""``) AT-URI paths."""
    m = _WEB.match(path) if host == "bsky.app" else _AT.match(path)
    if m is None:
        return None
    actor, rkey = m["a"], m["id"]
    handle = None if actor.startswith("did:") else actor.lower()
    return PostRef("bluesky", rkey, f"https://bsky.app/profile/{actor}/post/{rkey}", handle)


_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_TID_INDEX = {c: i for i, c in enumerate(_TID_ALPHABET)}


def tid_time(rkey: str) -> datetime | None:
    """Return the UTC time encoded in a Bluesky record key (a TID).

    Base32-sortable TID, ``n >> 10`` µs (see docs/posts.md for sources).

    Args:
        rkey: the record key from an AT URI or a bsky.app post URL.

    Returns:
        The time, with microsecond precision; None when the key is not a TID (13
        base32-sortable characters with the top bit clear).

    Raises:
        InvalidArgument: ``rkey`` is not a ``str``.

    >>> tid_time("3lbruqxjnjn2n").isoformat(timespec="seconds")
    '2024-11-25T15:49:34+00:00'
    >>> tid_time("self") is None
    True
    """
    if not isinstance(rkey, str):
        raise InvalidArgument(f"a TID is a str, not {type(rkey).__name__}")
    if len(rkey) != 13 or rkey[0] not in _TID_ALPHABET[:16]:
        return None
    n = 0
    for char in rkey:
        digit = _TID_INDEX.get(char)
        if digit is None:
            return None
        n = n * 32 + digit
    return EPOCH + timedelta(microseconds=n >> 10)


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe" and "embed.bsky.app/embed/" in el.attrs.get("src", ""):
        return found_from_ref("bluesky", doc, index, parse, el.attrs["src"])
    if el.name != "blockquote" or "bluesky-embed" not in classes(el):
        return None
    uri = el.attrs.get("data-bluesky-uri")
    return quote_post(doc, index, "bluesky", uri, parse, trailer="[image or embed]")


PLATFORM = Platform(
    name="bluesky",
    label="Bluesky",
    genre="Post",
    hosts=frozenset({"bsky.app", "embed.bsky.app"}),
    parse=_parse,
    recognisers=(_recognise,),
    embed_classes=frozenset({"bluesky-embed"}),
    widget_scripts=(("embed.bsky.app", "/static/embed.js"),),
    oembed="https://embed.bsky.app/oembed?{query}",
    oembed_reads=frozenset({"author_url", "html"}),
    post_time=tid_time,
    schemes=frozenset({"at"}),
)
"""Bluesky."""


# -- liveness (issue #15): the public AppView, which bsky.app and embed.bsky.app read --

APPVIEW = "https://public.api.bsky.app"
"""Bluesky's public, key-less AppView (``app.bsky.feed.getPostThread``)."""


def _thread_url(ref: PostRef, base: str) -> str | None:
    actor = ref.canonical_url.split("/profile/", 1)[-1].split("/", 1)[0]
    if ref.platform != "bluesky" or not actor:
        return None
    uri = f"at://{actor}/app.bsky.feed.post/{ref.post_id}"
    query = urlencode({"uri": uri, "depth": "0", "parentHeight": "0"})
    return f"{base.rstrip('/')}/xrpc/app.bsky.feed.getPostThread?{query}"


# XRPC error names (lexicon app.bsky.feed.getPostThread and com.atproto.admin takedowns).
_ERRORS: dict[str, Status] = {
    "NotFound": "deleted",
    "AccountTakedown": "suspended",
    "AccountDeactivated": "restricted",
    "BlockedActor": "restricted",
    "BlockedByActor": "restricted",
}


def classify_thread(url: str, status: int, body: bytes) -> Verdict:
    """Read an ``app.bsky.feed.getPostThread`` answer.

    200 holds a ``threadViewPost`` (live), a ``notFoundPost`` (deleted) or a ``blockedPost``;
    400 names an XRPC error (``NotFound``: the record is gone). A handle that no longer
    resolves is reported as ``unavailable``: the account may have moved to a new handle.

    >>> classify_thread("u", 400, b'{"error": "NotFound", "message": "Post not found"}').status
    'deleted'
    """
    early = transient(status, body)
    if early is not None:
        return early
    data = read_json(body)
    if not isinstance(data, dict):
        return Verdict("unavailable", f"unreadable answer (HTTP {status})")
    if status == 400:
        error, message = text_field(data, "error"), text_field(data, "message")
        verdict = _ERRORS.get(error or "")
        if verdict is not None:
            return Verdict(verdict, f"XRPC error {error}", message)
        return Verdict("unavailable", f"XRPC error {error or '?'} (HTTP 400)", message)
    thread = data.get("thread")
    kind = text_field(thread, "$type") or ""
    if status != 200 or not kind:
        return Verdict("unavailable", f"HTTP {status}")
    if kind.endswith("#notFoundPost"):
        return Verdict("deleted", "notFoundPost", "Post not found")
    if kind.endswith("#blockedPost"):
        return Verdict("restricted", "blockedPost", "Blocked post")
    if kind.endswith("#threadViewPost"):
        return Verdict(
            "live",
            "threadViewPost",
            author_name=text_field(thread, "post", "author", "displayName"),
            author_handle=text_field(thread, "post", "author", "handle"),
            text=text_field(thread, "post", "record", "text"),
        )
    return Verdict("unavailable", f"unknown thread type {kind}")


LIVENESS = Probe(APPVIEW, _thread_url, classify_thread)
"""How :mod:`embedres.liveness` asks whether a Bluesky post is still there."""
