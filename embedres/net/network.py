"""The one network object that the Resolver, the Archiver and oEmbed hydration share.

A :class:`Network` is the HTTP client, the cache, the rate limiter, the address policy, the
offline switch, the User-Agent and the timeouts, built once. ``offline`` is decided here and
nowhere else: every stage asks its Network.

A :class:`NetworkConfig` is the same thing as plain, frozen, picklable data: send it to a worker
process and call :meth:`NetworkConfig.build` there to get an equal Network.

>>> net = NetworkConfig(cache=None, offline=True).build()
>>> net.offline, net.cache is None, net.policy.allow_private
(True, True, False)
>>> net.close()

The cache and the limiter are Protocols (:class:`~embedres.Cache`,
:class:`~embedres.RateLimiter`): pass any object with their methods to
:class:`Network` to share a store or a limit between processes.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from embedres.errors import CacheError, InvalidArgument
from embedres.net.cache import Cache, SQLiteCache
from embedres.net.httpio import NameResolver
from embedres.net.options import (
    check_flag,
    check_hosts,
    check_number,
    check_positive,
    check_user_agent,
)
from embedres.net.policy import DEFAULT_PORTS, AddressPolicy
from embedres.net.postgres import PostgresCache, PostgresRateLimiter, is_postgres
from embedres.net.ratelimit import HostLimits, InProcessRateLimiter, RateLimiter
from embedres.net.urlsafety import repr_redacted

if TYPE_CHECKING:  # requests is imported on first use only: the pure half needs no sockets
    from embedres.net.client import HttpClient

__all__ = ["Network", "NetworkConfig", "default_cache_path"]

log = logging.getLogger(__name__)

Proxies = Literal["env"] | Mapping[str, str] | None


def default_cache_path() -> Path:
    """The platform's cache directory for embedres (computed on each call, not at import)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("embedres", appauthor=False)) / "resolve.sqlite"


@dataclass(frozen=True)
class NetworkConfig:
    """Everything a :class:`Network` is built from, as plain data (frozen and picklable).

    Raises:
        InvalidArgument: a field is malformed or out of range (checked when built).
    """

    cache: str | None = "default"
    """``"default"`` (a SQLite file in the platform cache directory, disabled with a warning
    when it cannot be opened), the path of a SQLite file, a ``postgresql://`` DSN (a cache and
    a global per-host limiter shared by every worker: :mod:`embedres.net.postgres`), or None."""
    offline: bool = False
    """No socket is opened: answers come only from the cache."""
    allow_private: bool = False
    """Also allow private and loopback addresses (any port)."""
    allow_hosts: tuple[str, ...] = ()
    """``HOST`` or ``HOST:PORT`` entries allowed whatever their address."""
    allow_ports: tuple[int, ...] = tuple(sorted(DEFAULT_PORTS))
    """Ports allowed on public hosts."""
    user_agent: str | None = None
    """The User-Agent (None: embedres and its version)."""
    timeout: float = 30.0
    """The longest one request (connect, headers and body) may take, in seconds."""
    request_timeout: float = 10.0
    """Seconds for one connect or one read."""
    proxies: Literal["env"] | tuple[tuple[str, str], ...] | None = None
    """None (connect directly), ``"env"`` (read ``HTTP(S)_PROXY``) or ``(scheme, url)``
    pairs (a mapping is accepted and turned into pairs)."""
    ca_bundle: str | None = None
    """A PEM file of CA certificates to trust instead of the system's."""
    per_host_concurrency: int = 8
    """Requests in flight to one host (the default limiter)."""
    per_host_interval: float = 0.0
    """Seconds between request starts to one host (the default limiter)."""

    def __repr__(self) -> str:
        return repr_redacted(self)  # a postgresql:// DSN's password never reaches a log

    def __post_init__(self) -> None:
        cache: object = self.cache
        if isinstance(cache, os.PathLike):
            cache = os.fspath(cache)
        if cache is not None and not (isinstance(cache, str) and cache):
            raise InvalidArgument("cache must be 'default', a path or None")
        check_flag(self.offline, "offline")
        check_flag(self.allow_private, "allow_private")
        hosts = check_hosts(self.allow_hosts)
        ports = tuple(sorted(set(self.allow_ports)))
        check_user_agent(self.user_agent)
        check_positive(self.timeout, "timeout")
        check_number(self.request_timeout, "request_timeout")
        check_positive(self.per_host_concurrency, "per_host_concurrency", integer=True)
        check_positive(self.per_host_interval, "per_host_interval", zero=True)
        proxies: object = self.proxies
        if isinstance(proxies, Mapping):
            proxies = tuple(sorted((str(k), str(v)) for k, v in proxies.items()))
        elif not (proxies is None or proxies == "env" or isinstance(proxies, tuple)):
            raise InvalidArgument('proxies must be "env", None or a mapping')
        if self.ca_bundle is not None and not (isinstance(self.ca_bundle, str) and self.ca_bundle):
            raise InvalidArgument("ca_bundle must be the path of a PEM file of CA certificates")
        for name, value in (("cache", cache), ("allow_hosts", hosts), ("allow_ports", ports)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "proxies", proxies)
        self.policy()  # reject bad allow_hosts / allow_ports now

    def policy(self) -> AddressPolicy:
        """The address policy these options describe."""
        return AddressPolicy(
            allow_private=self.allow_private,
            allow_hosts=self.allow_hosts,
            allow_ports=frozenset(self.allow_ports),
        )

    def build(
        self,
        *,
        cache: Cache | None = None,
        limiter: RateLimiter | None = None,
        name_resolver: NameResolver | None = None,
    ) -> Network:
        """A new :class:`Network` from this config (see :class:`Network` for the arguments).

        Raises:
            CacheError: an explicit cache path cannot be used.
        """
        return Network(self, cache=cache, limiter=limiter, name_resolver=name_resolver)


class Network:
    """The HTTP client, cache, rate limiter, address policy and offline switch, shared.

    Args:
        config: the options (default: ``NetworkConfig()``).
        cache: a :class:`~embedres.Cache` to use instead of ``config.cache`` (the
            caller keeps it: :meth:`close` does not close it).
        limiter: a :class:`~embedres.RateLimiter` shared with other networks or
            processes, instead of one built from ``config.per_host_*``.
        name_resolver: ``(host, port) -> [ip, ...]`` instead of the system resolver.

    Raises:
        InvalidArgument: an argument is malformed.
        CacheError: an explicit cache path cannot be used.
    """

    def __init__(
        self,
        config: NetworkConfig | None = None,
        *,
        cache: Cache | None = None,
        limiter: RateLimiter | None = None,
        name_resolver: NameResolver | None = None,
    ) -> None:
        config = NetworkConfig() if config is None else config
        if not isinstance(config, NetworkConfig):
            raise InvalidArgument("config must be a NetworkConfig")
        if cache is not None and not all(
            callable(getattr(cache, m, None)) for m in ("get", "put", "close")
        ):
            raise InvalidArgument("cache must have get, put and close (a Cache)")
        if limiter is not None and not all(
            callable(getattr(limiter, m, None)) for m in ("try_acquire", "release", "defer")
        ):
            raise InvalidArgument("limiter must have try_acquire, release and defer")
        if name_resolver is not None and not callable(name_resolver):
            raise InvalidArgument("name_resolver must be a function (host, port) -> [ip, ...]")
        self.config = config
        self.policy = config.policy()
        self.name_resolver = name_resolver
        self.limiter_shared = limiter is not None
        """True when the limiter was passed in (to be shared), not built from the config."""
        self.limiter: RateLimiter = limiter or InProcessRateLimiter(
            HostLimits(
                min_interval=config.per_host_interval, max_concurrent=config.per_host_concurrency
            )
        )
        self._http: HttpClient | None = None
        self._lock = threading.Lock()
        if cache is not None:
            self.cache: Cache | None = cache
            self._owns_cache = False
        else:
            self.cache, self._owns_cache = _open_cache(config.cache), True
        if limiter is None and isinstance(self.cache, PostgresCache):
            # A shared store: the per-host spacing and Retry-After deferrals become global.
            self.limiter = PostgresRateLimiter(
                self.cache.store,
                HostLimits(
                    min_interval=config.per_host_interval,
                    max_concurrent=config.per_host_concurrency,
                ),
            )

    @property
    def offline(self) -> bool:
        """True when no socket may be opened (answers come only from the cache)."""
        return self.config.offline

    @property
    def http(self) -> HttpClient:
        """The policy-checked HTTP client (one ``requests.Session`` per thread)."""
        with self._lock:
            if self._http is None:
                from embedres.net.client import HttpClient

                c = self.config
                self._http = HttpClient(
                    policy=self.policy,
                    user_agent=c.user_agent,
                    connect_timeout=c.request_timeout,
                    read_timeout=c.request_timeout,
                    deadline=c.timeout,
                    proxies=dict(c.proxies) if isinstance(c.proxies, tuple) else c.proxies,
                    resolver=self.name_resolver,
                    ca_bundle=c.ca_bundle,
                )
            return self._http

    def close(self) -> None:
        """Close connections, and the cache if this Network opened it. Safe to call twice."""
        with self._lock:
            client, self._http = self._http, None
        if client is not None:
            client.close()
        if self.cache is not None and self._owns_cache:
            self.cache.close()
            self._owns_cache = False

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_cache(location: str | None) -> Cache | None:
    if location is None:
        return None
    if location == "default":
        try:
            return SQLiteCache(default_cache_path())
        except CacheError as exc:  # a read-only home must not stop resolution
            log.warning("network cache disabled: %s", exc)
            return None
    if is_postgres(location):
        return PostgresCache(location)
    return SQLiteCache(location)
