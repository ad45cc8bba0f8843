"""Resolve short links to where they lead: safely, politely, cached and concurrently.

>>> r = Resolver(cache=None, offline=True)
>>> r.resolve("https://t.co/CJ9ySZge7P").status
'offline'
>>> r.resolve("http://[::1").status
'error'

Bad links are statuses (``ok``, ``dead``, ``blocked``, ``error``, ``timeout``, ``loop``,
``too_many_redirects``, ``offline``), never exceptions; bad options raise
:class:`~embedres.errors.InvalidArgument` when the resolver is built. See docs/resolver.md.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal

from embedres.errors import InvalidArgument
from embedres.model import Resolution
from embedres.net import hops as _hops
from embedres.net.cache import Cache
from embedres.net.httpio import NameResolver
from embedres.net.network import Network, NetworkConfig, default_cache_path
from embedres.net.options import check_flag, check_hosts, check_positive
from embedres.net.policy import DEFAULT_PORTS, AddressPolicy
from embedres.net.ratelimit import RateLimiter
from embedres.net.urlsafety import CREDENTIALS_REFUSED, has_credentials, usable_text
from embedres.resolve.oembed import Fetch, OEmbedHydrator
from embedres.resolve.records import from_json, to_json
from embedres.resolve.scheduler import run_batch

if TYPE_CHECKING:
    from embedres.net.client import HttpClient

__all__ = ["DEFAULT_TTLS", "Resolver", "default_cache_path"]

log = logging.getLogger(__name__)

DAY = 86400.0
DEFAULT_TTLS: Mapping[str, float] = {
    "ok": 30 * DAY,  # short links are meant to be permanent
    "dead": DAY,  # re-check occasionally: 404s can come back
    "blocked": DAY,
    "loop": DAY,
    "too_many_redirects": DAY,
    "error": 900.0,  # DNS, TLS or connection trouble is often temporary
    "timeout": 900.0,
}
"""Seconds a result is kept in the cache, by status (``offline`` is never stored)."""

CACHE_NAMESPACE = "resolve/v1"
_MAX_URL = 8192
_BARE_HOST = re.compile(
    r"(?:[a-z0-9][a-z0-9-]{0,62}\.){1,10}[a-z]{2,63}(?::\d{1,5})?(?:[/?#]|$)", re.IGNORECASE
)
Progress = Callable[[int, int], None]


def _bad(url: str, why: str) -> Resolution:
    return Resolution(url=url, status="error", error=why, resolved_at=datetime.now(timezone.utc))


def _cache_object(cache: object) -> Cache | None:
    """``cache`` when it is a Cache object, else None (a location or None)."""
    if cache is None or isinstance(cache, (str, os.PathLike)):
        return None
    if all(callable(getattr(cache, m, None)) for m in ("get", "put", "close")):
        return cache  # type: ignore[return-value]
    raise InvalidArgument("cache must be 'default', a path, a Cache or None")


def _cache_location(cache: object) -> str | None:
    if cache is None:
        return None
    if isinstance(cache, os.PathLike):
        cache = os.fspath(cache)
    if not isinstance(cache, str) or not cache:
        raise InvalidArgument("cache must be 'default', a path, a Cache or None")
    return cache


class Resolver:
    """Follows links hop by hop under an address policy, with a cache and politeness limits.

    Args:
        network: a shared :class:`~embedres.Network` (HTTP client, cache, limiter, address
            policy, offline switch); the network options below must then be left out. Without
            it the resolver builds (and closes) its own Network from those options. One
            request never runs longer than the network's ``timeout``.
        cache: ``"default"`` (a SQLite file in the platform's cache directory), a path, a
            :class:`~embedres.Cache`, or None for no cache.
        offline: answer only from the cache (``offline`` for misses); no socket is opened.
        allow_private: also allow private and loopback addresses (any port).
        allow_hosts: ``HOST`` or ``HOST:PORT`` entries allowed whatever their address.
        allow_ports: ports allowed on public hosts.
        user_agent: the User-Agent (default: embedres and its version; a browser UA makes
            t.co answer differently).
        timeout: total seconds of request time per link, over every hop and retry.
        request_timeout: seconds for one connect or one read.
        max_redirects: redirects followed before ``too_many_redirects``.
        max_retries: retries per hop for 429/503/5xx answers and dropped connections.
        max_retry_after: longest ``Retry-After`` honoured, in seconds.
        retry_after_scope: ``"link"`` parks only the link that got a 429/503; ``"host"`` also
            holds back every other link to that host until the wait is over.
        backoff: first backoff in seconds (doubled on each retry).
        per_host_concurrency: requests in flight to one host.
        per_host_interval: seconds between request starts to one host.
        ttls: cache lifetimes by status, merged over :data:`DEFAULT_TTLS`.
        proxies: None (connect directly; environment proxies are ignored), ``"env"`` (read
            ``HTTP(S)_PROXY``/``NO_PROXY`` as requests does), or a scheme -> proxy URL mapping.
        name_resolver: ``(host, port) -> [ip, ...]`` instead of the system resolver.
        ca_bundle: a PEM file of CA certificates to trust instead of the system's (TLS is
            always verified).
        limiter: a shared :class:`~embedres.RateLimiter` (replaces the per-host
            options).

    Raises:
        InvalidArgument: an option is malformed or out of range.
        CacheError: an explicit cache path cannot be used.
    """

    def __init__(
        self,
        *,
        network: Network | None = None,
        cache: Cache | str | os.PathLike[str] | None = "default",
        offline: bool = False,
        allow_private: bool = False,
        allow_hosts: Iterable[str] = (),
        allow_ports: Iterable[int] = DEFAULT_PORTS,
        user_agent: str | None = None,
        timeout: float = 30.0,
        request_timeout: float = 10.0,
        max_redirects: int = 10,
        max_retries: int = 2,
        max_retry_after: float = 60.0,
        retry_after_scope: Literal["link", "host"] = "link",
        backoff: float = 0.5,
        per_host_concurrency: int = 8,
        per_host_interval: float = 0.0,
        ttls: Mapping[str, float] | None = None,
        proxies: Literal["env"] | Mapping[str, str] | None = None,
        name_resolver: NameResolver | None = None,
        ca_bundle: str | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = _hops.Settings(
            timeout=float(check_positive(timeout, "timeout")),
            max_redirects=int(
                check_positive(max_redirects, "max_redirects", integer=True, zero=True)
            ),
            max_retries=int(check_positive(max_retries, "max_retries", integer=True, zero=True)),
            max_retry_after=float(check_positive(max_retry_after, "max_retry_after", zero=True)),
            backoff=float(check_positive(backoff, "backoff", zero=True)),
            host_wide_retry_after=retry_after_scope == "host",
        )
        if retry_after_scope not in ("link", "host"):
            raise InvalidArgument('retry_after_scope must be "link" or "host"')
        self.ttls = dict(DEFAULT_TTLS)
        for status, ttl in (ttls or {}).items():
            if status not in DEFAULT_TTLS:
                raise InvalidArgument(f"ttls: unknown status {status!r}")
            self.ttls[status] = float(check_positive(ttl, f"ttls[{status!r}]", zero=True))
        if network is not None:
            if not isinstance(network, Network):
                raise InvalidArgument("network must be a Network")
            given = {
                "cache": cache != "default", "offline": offline is not False,
                "allow_private": allow_private is not False, "allow_hosts": bool(allow_hosts),
                "allow_ports": frozenset(allow_ports) != DEFAULT_PORTS,
                "user_agent": user_agent is not None, "request_timeout": request_timeout != 10.0,
                "per_host_concurrency": per_host_concurrency != 8,
                "per_host_interval": per_host_interval != 0.0, "proxies": proxies is not None,
                "name_resolver": name_resolver is not None, "ca_bundle": ca_bundle is not None,
                "limiter": limiter is not None,
            }  # fmt: skip
            clash = [name for name, set_ in given.items() if set_]
            if clash:
                raise InvalidArgument(f"pass {', '.join(clash)} to the Network, not with network=")
            self.network, self._owns_network = network, False
            return
        store = _cache_object(cache)
        config = NetworkConfig(
            cache=None if store is not None else _cache_location(cache),
            offline=check_flag(offline, "offline"),
            allow_private=allow_private,
            allow_hosts=check_hosts(allow_hosts),
            allow_ports=tuple(allow_ports),
            user_agent=user_agent,
            timeout=self.settings.timeout,
            request_timeout=request_timeout,
            proxies=proxies,  # type: ignore[arg-type]  # a mapping is turned into pairs
            ca_bundle=ca_bundle,
            per_host_concurrency=per_host_concurrency,
            per_host_interval=per_host_interval,
        )
        self.network = Network(config, cache=store, limiter=limiter, name_resolver=name_resolver)
        self._owns_network = True

    @property
    def offline(self) -> bool:
        """True when the network is offline (answers come only from the cache)."""
        return self.network.offline

    @property
    def policy(self) -> AddressPolicy:
        """The network's address policy."""
        return self.network.policy

    @property
    def http(self) -> HttpClient:
        """The network's HTTP client."""
        return self.network.http

    @property
    def cache(self) -> Cache | None:
        """The network's cache (None: no cache)."""
        return self.network.cache

    @property
    def limiter(self) -> RateLimiter:
        """The network's rate limiter."""
        return self.network.limiter

    def hydrator(self, *, fetch: Fetch | None = None, cache: Cache | None = None) -> OEmbedHydrator:
        """An oEmbed hydrator sharing this resolver's network (cache, client, offline).

        Args:
            fetch: ``fetch(url) -> bytes | None`` instead of the network's client.
            cache: where answers are kept instead of the network's cache.

        Returns:
            An :class:`~embedres.resolve.oembed.OEmbedHydrator`.
        """
        return OEmbedHydrator(network=self.network, fetch=fetch, cache=cache)

    def __enter__(self) -> Resolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the network (connections and cache) if the resolver built it."""
        if self._owns_network:
            self.network.close()

    def _key(self, url: str) -> str:
        return f"{self.policy.fingerprint}|{_hops.cache_key(url)}"

    def _begin(self, url: str) -> _hops.Walk | Resolution:
        """Prepare a walk, or answer at once (bad input, cache hit, offline)."""
        if not isinstance(url, str):
            raise InvalidArgument(f"URLs must be strings, not {type(url).__name__}")
        text = url.strip()
        if not text:
            return _bad(url, "empty URL")
        if len(text) > _MAX_URL:
            return _bad(url, f"URL longer than {_MAX_URL} characters")
        if "://" not in text[:12] and _BARE_HOST.match(text):
            text = "https://" + text  # a link written without its scheme, e.g. t.co/abc
        scheme = text.split(":", 1)[0].lower() if ":" in text else ""
        if scheme not in ("http", "https"):
            return dataclasses.replace(
                _bad(url, f"scheme {scheme!r} is not allowed"), status="blocked"
            )
        if not usable_text(text):
            return _bad(url, "URL holds a lone surrogate (not valid Unicode)")
        if has_credentials(text):
            return dataclasses.replace(_bad(url, CREDENTIALS_REFUSED), status="blocked")
        try:
            key = self._key(text)
        except ValueError as exc:
            return _bad(url, f"malformed URL ({exc})")
        walk = _hops.Walk(url=url, current=text, key=key)
        if self.cache is not None:
            cached = from_json(self.cache.get(CACHE_NAMESPACE, key))
            if cached is not None:
                return dataclasses.replace(cached, url=url, from_cache=True)
        if self.offline:
            return Resolution(url=url, status="offline", error="not in the cache (offline)")
        _hops.start(walk)
        return walk

    def _store(self, walk: _hops.Walk) -> Resolution:
        res = walk.result
        assert res is not None
        if self.cache is not None and res.status in self.ttls:
            self.cache.put(CACHE_NAMESPACE, walk.key, to_json(res), ttl=self.ttls[res.status])
        return res

    def _step(self, walk: _hops.Walk) -> float | None:
        """One hop; the caller holds a limiter slot for the walk's current host."""
        host = walk.host  # the step moves walk.current: release the slot that was taken
        try:
            return _hops.step(walk, self.http, self.limiter, self.settings)
        except Exception as exc:  # never let one link's surprise end a batch
            log.exception("unexpected failure resolving %r", walk.url)
            walk.result = Resolution(
                url=walk.url,
                status="error",
                final_url=None,
                chain=tuple(walk.chain),
                error=f"internal error ({exc!r})",
            )
            return None
        finally:
            self.limiter.release(host)

    def resolve(self, url: str) -> Resolution:
        """Follow one link to its end.

        Args:
            url: the link as written (a scheme-less ``t.co/...`` is read as https).

        Returns:
            The :class:`~embedres.model.Resolution`; bad links are statuses, not exceptions.

        Raises:
            InvalidArgument: ``url`` is not a string.
        """
        begun = self._begin(url)
        if isinstance(begun, Resolution):
            return begun
        walk = begun
        while walk.result is None:
            wait = self.limiter.try_acquire(walk.host)
            if wait is None:
                wake = self._step(walk)
                wait = wake
            if wait is not None:
                time.sleep(max(0.0, wait - time.monotonic()))
        return self._store(walk)

    def resolve_many(
        self, urls: Iterable[str], *, concurrency: int = 10, progress: Progress | None = None
    ) -> list[Resolution]:
        """Resolve many links concurrently; duplicates are resolved once.

        Rate-limited links are parked in a timer queue, never slept on by a worker.

        Args:
            urls: the links (any iterable of strings).
            concurrency: worker threads (requests in flight at once).
            progress: called as ``progress(done, total)`` after each distinct link.

        Returns:
            One Resolution per input, in input order (``res.url`` is the input).

        Raises:
            InvalidArgument: ``urls`` is a string or holds a non-string, or a bad option.
        """
        if isinstance(urls, (str, bytes)):
            raise InvalidArgument("resolve_many takes an iterable of URLs, not one string")
        items = list(urls)
        check_positive(concurrency, "concurrency", integer=True)
        if progress is not None and not callable(progress):
            raise InvalidArgument("progress must be a function (done, total)")
        for u in items:
            if not isinstance(u, str):
                raise InvalidArgument(f"URLs must be strings, not {type(u).__name__}")
        unique = list(dict.fromkeys(items))
        results: dict[str, Resolution] = {}
        walks: list[_hops.Walk] = []
        for u in unique:
            begun = self._begin(u)
            if isinstance(begun, Resolution):
                results[u] = begun
            else:
                walks.append(begun)
        done = len(results)
        if progress is not None and done:
            progress(done, len(unique))

        def finished(walk: _hops.Walk) -> None:
            nonlocal done
            results[walk.url] = self._store(walk)
            done += 1
            if progress is not None:
                progress(done, len(unique))

        if walks:
            try:
                run_batch(
                    walks,
                    workers=min(concurrency, len(walks)),
                    step=self._step,
                    limiter=self.limiter,
                    finished=finished,
                )
            finally:
                self.http.prune()  # the worker threads have ended: close their sessions
        return [results[u] for u in items]
