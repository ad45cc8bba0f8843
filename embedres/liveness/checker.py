"""Ask each platform whether a post is still there, through the shared :class:`Network`.

The request goes through the Network's HTTP client (address policy, deadline, body cap) after
its limiter grants a slot for the endpoint's host; answers are cached under ``liveness/v1``
with a TTL per status (:data:`TTLS`); offline, answers come from the cache only and a miss is
``unknown``. The verdict itself is the platform module's pure classifier.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from embedres.errors import BlockedAddress, EmbedresError, InvalidArgument
from embedres.liveness.records import Evidence, PostStatus
from embedres.model import Post
from embedres.net.network import Network, NetworkConfig
from embedres.net.ratelimit import acquire
from embedres.net.retryafter import parse_retry_after
from embedres.platforms.base import PostRef
from embedres.platforms.liveness import PROBES, probe_for
from embedres.platforms.posturls import parse_post_url
from embedres.platforms.status import MAX_BODY, STATUSES, Probe, Verdict

__all__ = ["CACHE_NAMESPACE", "TTLS", "LivenessChecker", "post_identity"]

CACHE_NAMESPACE = "liveness/v1"
TTLS: dict[str, float] = {
    "live": 86400.0,  # a live post can vanish any day: ask again daily
    "deleted": 30 * 86400.0,  # deletion is final
    "suspended": 7 * 86400.0,  # suspensions are appealed and lifted
    "protected": 7 * 86400.0,
    "restricted": 7 * 86400.0,
    "unavailable": 600.0,  # a rate limit or an outage: try again soon
}
"""Seconds an answer is reused, per status, when no ``max_age`` is given (``unknown`` is
never cached). Entries are kept :data:`_KEEP` seconds, so ``max_age`` (``--since 7d``) can
reuse a live answer for longer than its day; an ``unavailable`` one never outlives its TTL."""
_KEEP = max(TTLS.values())
_GLOBAL_IDS = frozenset({"twitter", "youtube", "tiktok", "reddit", "telegram"})
_NOT_SENT = {
    -1: Verdict("unavailable", "address policy refused the endpoint"),
    -2: Verdict("unavailable", "not asked: rate limited (the host's Retry-After still holds)"),
}
"""Verdicts for requests that were never sent (:meth:`LivenessChecker._fetch` codes)."""
_MAX_TIMEOUT = 3600.0  # finite: the client's deadline watchdog cannot wait for inf seconds
_MAX_HOLD = 900.0  # a Retry-After longer than this is not waited for: later posts say unavailable


class LivenessChecker:
    """Checks posts against their platforms' public endpoints.

    Args:
        network: the shared network (None: a private one with no cache, closed by
            :meth:`close`).
        endpoints: endpoint bases per platform, replacing :attr:`Probe.base`
            (``{"twitter": "http://127.0.0.1:8080"}``); for Mastodon the base replaces the
            post's own instance.
        max_age: reuse a cached answer when it is younger than this, up to 30 days (seconds
            or a timedelta; None: the status's own :data:`TTLS`); ``unavailable`` answers
            are reused 10 minutes at most whatever ``max_age`` says.
        timeout: seconds one request may take.

    Raises:
        InvalidArgument: an option is malformed.
    """

    def __init__(
        self,
        *,
        network: Network | None = None,
        endpoints: Mapping[str, str] | None = None,
        max_age: float | timedelta | None = None,
        timeout: float = 15.0,
    ) -> None:
        if network is not None and not isinstance(network, Network):
            raise InvalidArgument("network must be a Network")
        bases = dict(endpoints or {})
        for name, base in bases.items():
            if name not in PROBES:
                raise InvalidArgument(f"no liveness endpoint to replace for {name!r}")
            if not isinstance(base, str) or urlsplit(base).scheme not in ("http", "https"):
                raise InvalidArgument(f"endpoint for {name} must be an http(s) URL: {base!r}")
        if isinstance(max_age, timedelta):
            max_age = max_age.total_seconds()
        if max_age is not None and (
            isinstance(max_age, bool) or not isinstance(max_age, (int, float)) or not max_age >= 0
        ):
            raise InvalidArgument("max_age must be seconds >= 0, a timedelta or None")
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not 0 < timeout <= _MAX_TIMEOUT
        ):
            raise InvalidArgument(f"timeout must be seconds > 0 and <= {_MAX_TIMEOUT:g}")
        self._owned = network is None
        self.network = network or NetworkConfig(cache=None, timeout=timeout).build()
        self.endpoints = bases
        self.max_age = max_age
        self.timeout = float(timeout)

    def check(self, post: Post | str) -> PostStatus:
        """Whether ``post`` (a detected post, or a post URL) is still there.

        Args:
            post: a :class:`~embedres.model.Post` or a post URL of any supported form
                (x.com, twitter.com and the fxtwitter-like mirrors name the same post).

        Returns:
            The status with its evidence; never raises for network outcomes.

        Raises:
            InvalidArgument: ``post`` is neither a Post nor a string.
        """
        if isinstance(post, Post):
            url = post.url or ""
        elif isinstance(post, str):
            url = post.strip()
        else:
            raise InvalidArgument(f"check() takes a Post or a URL, not {type(post).__name__}")
        ref = parse_post_url(url)
        now = datetime.now(timezone.utc)
        if ref is None:
            platform = post.platform if isinstance(post, Post) else "?"
            return PostStatus(url, platform, None, "unknown", now, Evidence("not a post URL"))
        probe = probe_for(ref.platform)
        base = self.endpoints.get(ref.platform, probe.base if probe else "")
        endpoint = probe.request(ref, base) if probe is not None else None
        if probe is None or endpoint is None:
            why = f"{ref.platform} offers no public key-less way to ask"
            return _unknown(ref, now, Evidence(why))
        key = self._key(ref.platform, ref.post_id, ref.canonical_url, base)
        cached = self._cached(key, now)
        if cached is not None:
            return replace(
                cached, url=ref.canonical_url, platform=ref.platform, post_id=ref.post_id
            )
        if self.network.offline:
            return _unknown(ref, now, Evidence("offline: not checked, no cached answer", endpoint))
        status, body = self._fetch(endpoint)
        refused = _NOT_SENT.get(status)
        if refused is not None:
            verdict = refused
        else:
            verdict = probe.classify(endpoint, status, body)
            second = self._confirm(ref, probe, verdict)
            if second is not None:
                endpoint, status, verdict = second
        result = PostStatus(
            ref.canonical_url,
            ref.platform,
            ref.post_id,
            verdict.status,
            datetime.now(timezone.utc),
            Evidence(verdict.reason, endpoint, status if status > 0 else None, verdict.wording),
            author_name=verdict.author_name,
            author_handle=verdict.author_handle,
            text=verdict.text,
        )
        ttl = TTLS.get(result.status)
        if ttl and self.network.cache is not None:
            keep = ttl if result.status == "unavailable" else _KEEP
            self.network.cache.put(CACHE_NAMESPACE, key, result.to_cache(), ttl=keep)
        return result

    def _confirm(
        self, ref: PostRef, probe: Probe, first: Verdict
    ) -> tuple[str, int, Verdict] | None:
        """Ask the probe's second endpoint when the first verdict needs confirming."""
        if probe.confirm is None or probe.reconcile is None:
            return None
        base = self.endpoints.get(ref.platform, probe.confirm_base)
        url = probe.confirm(ref, base, first)
        if url is None:
            return None
        status, body = self._fetch(url)
        refused = _NOT_SENT.get(status)
        if refused is not None:
            return url, status, refused
        return url, status, probe.reconcile(first, url, status, body)

    @staticmethod
    def _key(platform: str, post_id: str, canonical: str, base: str) -> str:
        who = post_identity(platform, post_id, canonical)
        default = PROBES[platform].base
        return who if base == default else f"{who}|{base}"

    def _cached(self, key: str, now: datetime) -> PostStatus | None:
        cache = self.network.cache
        data: Any = cache.get(CACHE_NAMESPACE, key) if cache is not None else None
        if not isinstance(data, dict) or data.get("status") not in STATUSES:
            return None
        try:
            checked = datetime.fromisoformat(str(data["checked_at"]))
        except (KeyError, ValueError):
            return None
        if checked.tzinfo is None:
            return None
        fresh = TTLS[data["status"]] if self.max_age is None else self.max_age
        if data["status"] == "unavailable":  # a rate limit or an outage: ask again soon
            fresh = min(fresh, TTLS["unavailable"])
        if (now - checked).total_seconds() > fresh:
            return None
        http_status = data.get("http_status")
        return PostStatus(
            "",
            "",
            None,
            data["status"],
            checked,
            Evidence(
                str(data.get("reason", "")),
                data.get("endpoint"),
                http_status if isinstance(http_status, int) else None,
                data.get("wording"),
            ),
            author_name=data.get("author_name"),
            author_handle=data.get("author_handle"),
            text=data.get("text"),
            from_cache=True,
        )

    def _fetch(self, url: str) -> tuple[int, bytes]:
        """``(status, body)``; status 0 for no answer, -1 when the policy refused the URL, -2
        when the limiter gave no slot in time (a 429's Retry-After holds the host)."""
        host = urlsplit(url).netloc.lower()
        limiter = self.network.limiter
        if not acquire(limiter, host, timeout=self.timeout):
            return -2, b""
        try:
            resp = self.network.http.request(
                "GET",
                url,
                headers={"Accept": "application/json"},
                read="all",
                max_body=MAX_BODY + 1,
                timeout=self.timeout,
            )
        except BlockedAddress:
            return -1, b""
        except EmbedresError:
            return 0, b""
        finally:
            limiter.release(host)
        if resp.status == 429:  # hold every later request to this host as the service asks
            wait = min(parse_retry_after(resp.headers.get("Retry-After")), _MAX_HOLD)
            limiter.defer(host, time.monotonic() + wait)
        return resp.status, resp.body

    def close(self) -> None:
        """Close the private network, if this checker built one."""
        if self._owned:
            self.network.close()

    def __enter__(self) -> LivenessChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def post_identity(platform: str, post_id: str, canonical_url: str) -> str:
    """What names one post: ``platform:id`` where the id is global, else the canonical URL.

    Tweet, video and Reddit ids name one post whatever the host (x.com, fxtwitter...); a
    Bluesky rkey names one only under its account, a Mastodon id only on its instance.

    >>> post_identity("twitter", "20", "https://twitter.com/jack/status/20")
    'twitter:20'
    >>> post_identity("mastodon", "110", "https://a.social/@x/110")
    'https://a.social/@x/110'
    """
    return f"{platform}:{post_id}" if platform in _GLOBAL_IDS else canonical_url


def _unknown(ref: PostRef, now: datetime, evidence: Evidence) -> PostStatus:
    return PostStatus(ref.canonical_url, ref.platform, ref.post_id, "unknown", now, evidence)
