"""One link's walk along its redirect chain, one request (hop) at a time.

:class:`Walk` holds a link's state; :func:`step` makes one request and either finishes the
walk (``walk.result``), asks to continue at once (returns None), or asks to be parked until a
monotonic time (returns it) — for a ``Retry-After`` or a backoff — so a scheduler never has to
sleep in a worker. The resolver (:mod:`embedres.resolve.resolver`) owns the scheduling;
:func:`walk_through` drives one walk to its end in the calling thread (a WARC capture: every
answer kept whole, no in-page redirects, no retries). This module holds embedres's only hop
loop; ``tests/net/test_one_hop_loop.py`` fails if a second one appears.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

from embedres.detect.urls import normalize_url
from embedres.model import Hop, Resolution, Status
from embedres.net import redirects as _redirects
from embedres.net.httpio import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HttpResponse,
    InvalidURL,
    NoNetwork,
)
from embedres.net.ratelimit import RateLimiter
from embedres.net.retryafter import retry_after
from embedres.net.urlsafety import CREDENTIALS_REFUSED, has_credentials, redact, usable_text

if TYPE_CHECKING:  # requests is imported only when a resolver is built
    from embedres.net.client import HttpClient

__all__ = [
    "HTML_PREFIX",
    "Settings",
    "Walk",
    "cache_key",
    "start",
    "step",
    "walk_through",
]


HTML_PREFIX = 64 * 1024  # enough for <head> on real pages; nothing else is read
_TRANSIENT = frozenset({500, 502, 504, 520, 521, 522, 523, 524})


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolver's knobs that a walk needs."""

    timeout: float
    max_redirects: int
    max_retries: int
    max_retry_after: float
    backoff: float
    host_wide_retry_after: bool = False
    """Whether a Retry-After pauses every link to that host, not only the one that got it."""
    in_page: bool = True
    """Whether Refresh headers, meta-refresh/JS redirects and interstitials are followed."""
    keep_bodies: bool = False
    """Whether every answer is read whole (up to ``max_body``, still encoded) and kept in
    :attr:`Walk.answers` (a hop left behind keeps only its first :data:`HTML_PREFIX` bytes,
    marked truncated); otherwise only an HTML prefix is read and nothing is kept."""
    max_body: int = HTML_PREFIX
    """The body cap per request when ``keep_bodies`` is set."""
    hop_timeout: float | None = None
    """A cap on each request's time, besides the walk's total ``timeout``."""


@dataclass(slots=True)
class Walk:
    """The state of one link being resolved."""

    url: str
    """The URL as asked."""
    current: str
    """The next URL to request."""
    key: str = ""
    """The cache key of the link."""
    chain: list[Hop] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    attempts: int = 0
    """Retries made at the current hop."""
    spent: float = 0.0
    """Seconds of request and parsing time used (parked time does not count)."""
    result: Resolution | None = None
    answers: list[tuple[datetime, HttpResponse]] = field(default_factory=list)
    """(time sent, response) of every hop, when :attr:`Settings.keep_bodies` is set."""
    _host: tuple[str, str] = ("", "")

    @property
    def host(self) -> str:
        """The host of the next request (the rate limiter's key)."""
        if self._host[0] != self.current:  # parse once per hop, not on every scheduler look
            try:
                name = (urlsplit(self.current).hostname or "").lower()
            except ValueError:
                name = ""
            self._host = (self.current, name)
        return self._host[1]


def cache_key(url: str) -> str:
    """The cache and loop-detection key of an absolute URL: :func:`normalize_url` (the one
    URL normaliser, in ``detect/urls``) without the fragment.

    A URL without a host (``javascript:...``) is its own key: the address policy refuses it
    when it is followed.

    Raises:
        ValueError: the URL has a bad port.

    >>> cache_key("HTTPS://T.CO:443/AbC#x"), cache_key("javascript:alert(1)")
    ('https://t.co/AbC', 'javascript:alert(1)')
    """
    try:
        url = normalize_url(url)
    except ValueError:
        urlsplit(url).port  # noqa: B018 - raises ValueError on a bad port
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def _same_page(url: str, target: str) -> bool:
    """True when ``target`` (relative to ``url``) names ``url`` itself."""
    try:
        return cache_key(urljoin(url, target)) == cache_key(url)
    except ValueError:
        return False  # _follow reports the unusable target


def _finish(
    walk: Walk,
    status: Status,
    final: str | None = None,
    *,
    error: str | None = None,
    canonical: str | None = None,
) -> None:
    walk.result = Resolution(
        url=walk.url,
        status=status,
        final_url=final,
        chain=tuple(walk.chain),
        canonical_url=canonical,
        error=error,
        resolved_at=datetime.now(timezone.utc),
    )


def start(walk: Walk) -> None:
    """Record the pic.twitter.com -> t.co rewrite (same code) before the first request."""
    parts = urlsplit(walk.current)
    if (parts.hostname or "").lower() == "pic.twitter.com" and parts.path.strip("/"):
        target = "https://t.co/" + parts.path.strip("/").split("/")[0]
        walk.chain.append(Hop(walk.current, None, target, "rewrite"))
        walk.current = target


def _next_in_page(walk: Walk, resp: HttpResponse) -> tuple[str, str] | tuple[None, str] | None:
    """(target, via) from a 2xx answer, (None, reason) for a warning page, or None."""
    refresh = _redirects.parse_refresh(resp.headers.get("Refresh", ""))
    if refresh:
        return refresh, "refresh"
    text = _redirects.decode_html(resp.body, resp.headers.get("Content-Type", ""))
    for finder, via in (
        (_redirects.find_meta_refresh, "meta"),
        (_redirects.find_js_redirect, "js"),
    ):
        found = finder(text)
        if found:
            return found, via
    inter = _redirects.interstitial(walk.current, text)
    if inter is None:
        return None
    kind, value = inter
    return (value, "interstitial") if kind == "follow" else (None, value)


def _follow(walk: Walk, resp: HttpResponse, target: str, via: str, s: Settings) -> None:
    try:
        absolute = urljoin(walk.current, target)
        if not usable_text(absolute):
            raise ValueError("lone surrogate")
        key = cache_key(absolute)  # raises ValueError on a bad port
    except ValueError:
        walk.chain.append(Hop(walk.current, resp.status, None, "final"))
        _finish(walk, "error", walk.current, error=f"unusable redirect target {target[:200]!r}")
        return
    absolute = urlunsplit(urlsplit(absolute)._replace(fragment=""))
    if has_credentials(absolute):
        walk.chain.append(Hop(walk.current, resp.status, redact(absolute), via))
        _finish(walk, "blocked", error=f"redirect refused: {CREDENTIALS_REFUSED}")
        return
    walk.chain.append(Hop(walk.current, resp.status, absolute, via))
    if key in walk.visited:
        _finish(walk, "loop", error=f"redirect loop back to {absolute[:200]}")
    elif sum(h.via not in ("rewrite", "final") for h in walk.chain) > s.max_redirects:
        _finish(walk, "too_many_redirects", error=f"more than {s.max_redirects} redirects")
    else:
        walk.current, walk.attempts = absolute, 0


def _retry(walk: Walk, wait: float, s: Settings) -> float | None:
    """Park the walk for ``wait`` seconds if retries remain; None when they are used up."""
    if walk.attempts >= s.max_retries:
        return None
    walk.attempts += 1
    return time.monotonic() + wait


def step(walk: Walk, http: HttpClient, limiter: RateLimiter | None, s: Settings) -> float | None:
    """Make one request for ``walk``; see the module docstring for what it returns.

    Args:
        walk: the link's state (updated in place).
        http: the client that makes the request.
        limiter: told of host-wide Retry-After holds (None: nobody to tell).
        s: the walk's settings.

    Returns:
        None (finished or continue at once) or the monotonic time to resume at.
    """
    left = s.timeout - walk.spent
    if left <= 0:
        walk.chain.append(Hop(walk.current, None, None, "final"))
        _finish(walk, "timeout", error=f"no answer within {s.timeout:g} s")
        return None
    if s.hop_timeout is not None:
        left = min(left, s.hop_timeout)
    walk.visited.add(cache_key(walk.current))
    if s.keep_bodies:
        _trim_passed_hops(walk)
    read: Literal["html", "all"] = "all" if s.keep_bodies else "html"
    sent = datetime.now(timezone.utc)
    began = time.monotonic()
    try:
        resp = http.request(
            "GET",
            walk.current,
            read=read,
            max_body=s.max_body if s.keep_bodies else HTML_PREFIX,
            timeout=left,
            decode=not s.keep_bodies,
        )
    except FetchError as exc:
        walk.spent += time.monotonic() - began
        return _failed(walk, exc, s)
    if s.keep_bodies:
        walk.answers.append((sent, resp))
    try:
        return _answered(walk, resp, limiter, s)
    finally:  # parsing counts against the deadline too, not only the sockets
        walk.spent += time.monotonic() - began


def _trim_passed_hops(walk: Walk) -> None:
    """Keep at most :data:`HTML_PREFIX` of the bodies of hops already left behind (marked
    truncated), so a walk holds one full body at a time, not one per hop."""
    for i, (sent, resp) in enumerate(walk.answers):
        if len(resp.body) > HTML_PREFIX:
            walk.answers[i] = (sent, replace(resp, body=resp.body[:HTML_PREFIX], truncated=True))


def walk_through(walk: Walk, http: HttpClient, s: Settings) -> Resolution:
    """Run ``walk`` to its end in this thread, sleeping when :func:`step` parks it.

    Args:
        walk: a fresh walk (its ``current`` URL must have a usable port).
        http: the client that makes the requests.
        s: the walk's settings.

    Returns:
        The walk's result.

    Raises:
        ValueError: the first URL has a bad port.
    """
    while walk.result is None:
        wake = step(walk, http, None, s)
        if wake is not None:
            time.sleep(max(0.0, wake - time.monotonic()))
    return walk.result


def _failed(walk: Walk, exc: FetchError, s: Settings) -> float | None:
    if exc.transient and not isinstance(exc, (BlockedAddress, FetchTimeout, InvalidURL)):
        wake = _retry(walk, s.backoff * 2**walk.attempts, s)
        if wake is not None:
            return wake
    walk.chain.append(Hop(walk.current, None, None, "final"))
    status: Status = (
        "blocked"
        if isinstance(exc, BlockedAddress)
        else "timeout"
        if isinstance(exc, FetchTimeout)
        else "offline"
        if isinstance(exc, NoNetwork)
        else "error"
    )
    _finish(walk, status, None, error=str(exc))
    return None


def _answered(
    walk: Walk, resp: HttpResponse, limiter: RateLimiter | None, s: Settings
) -> float | None:
    code = resp.status
    if _redirects.is_redirect(code, resp.headers):
        loc = _redirects.location(resp.headers)
        if not loc:
            walk.chain.append(Hop(walk.current, code, None, "final"))
            _finish(walk, "error", walk.current, error=f"{code} redirect without a Location")
            return None
        _follow(walk, resp, loc, "http", s)
        return None
    if code in (429, 503) or code in _TRANSIENT:
        header = resp.headers.get("Retry-After")
        wait = retry_after(header) if header else None
        if wait is None:
            wait = s.backoff * 2**walk.attempts
        if wait <= s.max_retry_after:
            if header and s.host_wide_retry_after and limiter is not None:
                limiter.defer(walk.host, time.monotonic() + wait)
            wake = _retry(walk, wait, s)
            if wake is not None:
                return wake
        walk.chain.append(Hop(walk.current, code, None, "final"))
        if code == 429:
            _finish(
                walk, "error", walk.current, error=f"rate limited (429), retry after {wait:g} s"
            )
        else:
            _finish(walk, "dead", walk.current, error=f"HTTP {code}")
        return None
    if code >= 400 or code < 200:
        walk.chain.append(Hop(walk.current, code, None, "final"))
        _finish(walk, "dead" if code >= 400 else "error", walk.current, error=f"HTTP {code}")
        return None
    found = _next_in_page(walk, resp) if s.in_page and 200 <= code < 300 else None
    if found is not None:
        target, via = found
        if target is None:
            walk.chain.append(Hop(walk.current, code, None, "final"))
            _finish(walk, "blocked", walk.current, error=via)
            return None
        if not _same_page(walk.current, target):
            _follow(walk, resp, target, via, s)
            return None
    walk.chain.append(Hop(walk.current, code, None, "final"))
    text = _redirects.decode_html(resp.body, resp.headers.get("Content-Type", ""))
    canonical = _redirects.find_canonical(text, resp.headers.get("Link", ""))
    try:
        canonical = urljoin(walk.current, canonical) if canonical else None
    except ValueError:
        canonical = None
    _finish(walk, "ok", walk.current, canonical=canonical)
    return None
