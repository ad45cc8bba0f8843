"""Is the post still there? The verdict record and the helpers liveness classifiers share (pure).

A platform module that can tell whether one of its posts still exists declares a
:class:`Probe`: the endpoint its own embed asks (``base``), how to build the request URL for a
post, and a pure classifier ``classify(url, status, body) -> Verdict``. The network side
(:mod:`embedres.liveness`) fetches; nothing here opens a socket.

The one rule every classifier keeps, whatever the platform: a rate limit (429), a server
error (5xx), a redirect (usually to a login page), an HTML page where JSON was expected
(a login wall or a block page) and an unreadable body are ``unavailable``, never ``deleted``
(:func:`transient` says so first; a hypothesis test holds every classifier to it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any, Literal

from embedres._jsonable import load_json
from embedres.platforms.base import PostRef

__all__ = [
    "DEAD",
    "STATUSES",
    "Probe",
    "Status",
    "Verdict",
    "plain_text",
    "read_json",
    "text_field",
    "transient",
]

Status = Literal[
    "live", "deleted", "suspended", "protected", "restricted", "unavailable", "unknown"
]
STATUSES: tuple[Status, ...] = (
    "live",
    "deleted",
    "suspended",
    "protected",
    "restricted",
    "unavailable",
    "unknown",
)
"""Every status, in the order reports sort them."""
DEAD: frozenset[str] = frozenset({"deleted", "suspended", "protected"})
"""Statuses whose embed shows readers nothing: ``embedres check`` exits 1 on these.
``restricted`` (age, region, embedding disabled) still shows to some readers."""

MAX_BODY = 512 * 1024
"""Bytes of an answer a classifier reads: the answers are a few kB; more is not an answer."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one endpoint answer says about a post."""

    status: Status
    """One of :data:`STATUSES`."""
    reason: str
    """Why, in a few words (``tombstone``, ``HTTP 404``, ``rate limited``...)."""
    wording: str | None = None
    """The platform's own words (a tombstone text, an error message), verbatim."""
    author_name: str | None = None
    """The author's display name, when the answer carries it."""
    author_handle: str | None = None
    """The author's handle, when the answer carries it."""
    text: str | None = None
    """The post's current text (or a video's title), when the answer carries it."""


@dataclass(frozen=True, slots=True)
class Probe:
    """How to ask a platform about one of its posts (the endpoint its embed uses)."""

    base: str
    """The default endpoint base (``https://cdn.syndication.twimg.com``); ``""`` means the
    post's own host (Mastodon instances). Callers may replace it (tests use loopback)."""
    request: Callable[[PostRef, str], str | None]
    """``request(ref, base) -> URL`` to GET, or None when this post cannot be asked."""
    classify: Callable[[str, int, bytes], Verdict]
    """``classify(url, http_status, body) -> Verdict``; pure, never raises."""
    confirm: Callable[[PostRef, str, Verdict], str | None] | None = None
    """``confirm(ref, base, verdict) -> URL`` of a second endpoint to ask before trusting
    ``verdict`` (None: trust it); ``base`` is :attr:`confirm_base` or the caller's override."""
    confirm_base: str = ""
    """The default base of the second endpoint."""
    reconcile: Callable[[Verdict, str, int, bytes], Verdict] | None = None
    """``reconcile(first, url, http_status, body) -> Verdict``: the verdict once the second
    endpoint answered; pure, never raises."""


def transient(status: int, body: bytes) -> Verdict | None:
    """The verdict for answers that never say anything about the post itself.

    Args:
        status: the HTTP status (0 when no answer came).
        body: the answer body.

    Returns:
        An ``unavailable`` verdict for no answer, 429, 5xx, 3xx, a body over
        :data:`MAX_BODY` or an HTML page; None when the platform-specific rules must decide.

    >>> transient(429, b"").reason, transient(503, b"").status, transient(200, b"{}") is None
    ('rate limited (HTTP 429)', 'unavailable', True)
    >>> transient(200, b"<!DOCTYPE html><title>Log in</title>").reason
    'HTML page instead of an answer (login wall or block page)'
    """
    if status == 0:
        return Verdict("unavailable", "no answer (network error)")
    if status == 429:
        return Verdict("unavailable", "rate limited (HTTP 429)")
    if status >= 500:
        return Verdict("unavailable", f"server error (HTTP {status})")
    if 300 <= status < 400:
        return Verdict("unavailable", f"redirected (HTTP {status}), usually to a login page")
    if len(body) > MAX_BODY:
        return Verdict("unavailable", "answer too large to be an answer")
    if body.lstrip()[:1] == b"<":
        return Verdict("unavailable", "HTML page instead of an answer (login wall or block page)")
    return None


def read_json(body: bytes) -> Any | None:
    """The decoded JSON body, or None when it is empty, not JSON or nested too deep.

    Hostile answers nest 100,000 levels deep: the nesting cap of
    :func:`embedres._jsonable.load_json` keeps that a ``None``, not a RecursionError.

    >>> read_json(b'{"a": 1}'), read_json(b"{oops"), read_json(b""), read_json(b"[" * 10**5)
    ({'a': 1}, None, None, None)
    """
    try:
        return load_json(body) if body.strip() else None
    except ValueError:
        return None


_BREAK = re.compile(r"<br\s{0,5}/?>|</p\s{0,5}>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,2000}>")


def plain_text(markup: str | None) -> str | None:
    """Text of a small HTML fragment (a Mastodon status ``content``): tags dropped.

    >>> plain_text("<p>Hello <a href='x'>@a</a></p><p>bye &amp; all</p>")
    'Hello @a\\nbye & all'
    """
    if not markup:
        return None
    text = _TAG.sub("", _BREAK.sub("\n", markup))
    text = unescape(text).strip()
    return re.sub(r"\n{2,}", "\n", text) or None


def text_field(data: object, *path: str) -> str | None:
    """The string at ``data[path[0]][path[1]]...``, or None (any other shape).

    >>> text_field({"user": {"name": "A"}}, "user", "name"), text_field([], "x")
    ('A', None)
    """
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data.strip() or None if isinstance(data, str) else None
