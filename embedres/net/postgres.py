"""PostgreSQL as the shared store of many workers: the cache and a global per-host limiter.

One server holds what every process and machine of a scale-out run shares::

    store = PostgresStore("postgresql://embedres@db/embedres")   # checks the server at once
    cache = PostgresCache(store)            # the resolution and oEmbed cache (a Cache)
    limiter = PostgresRateLimiter(store, HostLimits(min_interval=0.2, max_concurrent=8))

The schema is created on first use, under an advisory lock so that workers starting together do
not race, and versioned in ``embedres_meta``; a newer schema than this embedres knows is refused.
Every statement is one round trip in autocommit mode, so concurrent upserts from any number of
workers keep one row per key (the primary key) and never lose one.

The limiter spaces request *starts* to a host across all workers with one
``INSERT ... ON CONFLICT ... RETURNING`` per hop (a GCRA slot in ``embedres_host_slot``, timed by
the server's clock so machines need not agree); a ``Retry-After`` deferral moves that host's slot
for everyone. The concurrency cap is global too: a request in flight holds a lease, one of
``max_concurrent`` rows per host in ``embedres_host_lease``, taken with ``FOR UPDATE SKIP
LOCKED`` and given back when it ends. A lease carries an expiry (``lease_ttl``, longer than any
request's deadline), so the slots of a worker killed with ``kill -9`` come back by themselves
instead of blocking the host for good; no connection is held while a request is in flight.

A server that goes away mid-run (restart, failover) pauses the work: the limiter says "try again
shortly" and cache calls wait up to ``outage_timeout`` seconds for the server to come back, then
give a miss or drop the write (logged), like the SQLite cache. psycopg (3) and psycopg-pool are
imported here only (the ``postgres`` extra).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from embedres.errors import CacheError, InvalidArgument
from embedres.net.cache import decode_value, encode_value
from embedres.net.ratelimit import HostLimits
from embedres.net.urlsafety import redact_dsn

__all__ = [
    "SCHEMA_VERSION",
    "PostgresCache",
    "PostgresRateLimiter",
    "PostgresStore",
    "is_postgres",
]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""The schema this module creates and understands (``embedres_meta.schema_version``)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embedres_meta (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS embedres_cache (
    namespace text NOT NULL,
    key text NOT NULL,
    value text NOT NULL,
    expires timestamptz NOT NULL,
    PRIMARY KEY (namespace, key)
);
CREATE INDEX IF NOT EXISTS embedres_cache_expires ON embedres_cache (expires);
CREATE TABLE IF NOT EXISTS embedres_host_slot (
    host text PRIMARY KEY,
    tat timestamptz NOT NULL,
    token text NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS embedres_host_lease (
    host text NOT NULL,
    slot integer NOT NULL,
    holder text NOT NULL DEFAULT '',
    expires timestamptz NOT NULL DEFAULT '-infinity',
    PRIMARY KEY (host, slot)
);
"""
_LOCK_ID = 0x656D6265  # pg_advisory_xact_lock key: "embe"
_PURGE_EVERY = 1000  # puts between sweeps of expired rows

# A slot is taken only when the host's theoretical arrival time (tat) has passed; the token says
# whether this statement took it (RETURNING sees only the new row). statement_timestamp() is
# fixed within the statement and the row lock orders concurrent ones.
_TAKE = """
INSERT INTO embedres_host_slot AS h (host, tat, token)
VALUES (%(h)s, statement_timestamp() + make_interval(secs => %(iv)s), %(tok)s)
ON CONFLICT (host) DO UPDATE SET
    tat = CASE WHEN h.tat <= statement_timestamp()
               THEN statement_timestamp() + make_interval(secs => %(iv)s) ELSE h.tat END,
    token = CASE WHEN h.tat <= statement_timestamp() THEN %(tok)s ELSE h.token END
RETURNING h.token = %(tok)s, EXTRACT(EPOCH FROM (h.tat - statement_timestamp()))::float8
"""
_DEFER = """
INSERT INTO embedres_host_slot AS h (host, tat)
VALUES (%(h)s, statement_timestamp() + make_interval(secs => %(s)s))
ON CONFLICT (host) DO UPDATE SET
    tat = GREATEST(h.tat, statement_timestamp() + make_interval(secs => %(s)s))
"""
# One lease row per slot (created once per host and cap); a free or expired one is taken.
_SLOTS = """
INSERT INTO embedres_host_lease (host, slot)
SELECT %(h)s, n FROM generate_series(0, %(cap)s - 1) AS n
ON CONFLICT DO NOTHING
"""
_LEASE = """
UPDATE embedres_host_lease SET holder = %(tok)s,
    expires = statement_timestamp() + make_interval(secs => %(ttl)s)
WHERE (host, slot) = (
    SELECT host, slot FROM embedres_host_lease
    WHERE host = %(h)s AND slot < %(cap)s AND expires <= statement_timestamp()
    ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING slot
"""
_UNLEASE = """
UPDATE embedres_host_lease SET holder = '', expires = '-infinity'
WHERE host = %(h)s AND slot = %(slot)s AND holder = %(tok)s
"""
_BUSY_RETRY = 0.02  # seconds before asking again for a lease on a host at its cap
_OUTAGE_RETRY = 0.5  # seconds a limiter caller waits before asking a missing server again

T = TypeVar("T")


def is_postgres(location: object) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) DSN.

    >>> is_postgres("postgresql://u@127.0.0.1:5432/db"), is_postgres("cache.sqlite")
    (True, False)
    """
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


_SECRET = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://[^/?#@]*?:([^/?#@]+)@|\bpassword=([^&\s]+)")


def _without_secrets(text: str, dsn: str) -> str:
    """``text`` (a driver message, which may quote the DSN: a malformed URI is echoed whole)
    with the DSN's password replaced by ``***``, like :func:`~embedres.net.urlsafety.redact_dsn`.

    >>> _without_secrets('bad URI: "postgresql://u:pw@[x"', "postgresql://u:pw@[x")
    'bad URI: "postgresql://***@[x"'
    """
    text = text.replace(dsn, str(redact_dsn(dsn)))
    for match in _SECRET.finditer(dsn):
        secret = match.group(1) or match.group(2)
        if len(secret) > 2:  # a 1-2 character password would blank unrelated text
            text = text.replace(secret, "***")
    return text


class PostgresStore:
    """A connection pool to one PostgreSQL database, with the embedres schema in it.

    Args:
        dsn: a ``postgresql://`` URL (libpq parameters such as ``connect_timeout`` allowed).
        max_connections: the pool's size (one per worker thread is plenty).
        connect_timeout: seconds to wait for the server when connecting.
        outage_timeout: seconds a cache call waits for a server that went away.

    Raises:
        InvalidArgument: ``dsn`` is not a ``postgresql://`` URL.
        CacheError: psycopg is not installed, or the server cannot be reached or used (a
            one-line message, before any work starts).
    """

    def __init__(
        self,
        dsn: str,
        *,
        max_connections: int = 16,
        connect_timeout: float = 5.0,
        outage_timeout: float = 30.0,
    ) -> None:
        if not is_postgres(dsn):
            raise InvalidArgument("a PostgreSQL cache needs a postgresql:// URL")
        try:
            import psycopg
            import psycopg_pool
        except ImportError:
            raise CacheError(
                "a postgresql:// cache needs psycopg: pip install 'embedres[postgres]'"
            ) from None
        self._psycopg = psycopg
        self._errors: tuple[type[BaseException], ...] = (
            psycopg.OperationalError,
            psycopg.InterfaceError,
            psycopg_pool.PoolTimeout,
        )
        self.outage_timeout = outage_timeout
        self._connect_timeout = max(1, round(connect_timeout))
        try:
            with psycopg.connect(dsn, connect_timeout=self._connect_timeout) as conn:
                self._create_schema(conn)
        except psycopg.Error as exc:
            message = _without_secrets(_one_line(exc), dsn)
            raise CacheError(f"cannot use PostgreSQL cache: {message}") from None
        self._pool = psycopg_pool.ConnectionPool(
            dsn,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "connect_timeout": self._connect_timeout},
            timeout=connect_timeout,
            open=True,
        )
        self._closed = False

    def _create_schema(self, conn: Any) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
            conn.execute(_SCHEMA)
            conn.execute(
                "INSERT INTO embedres_meta (name, value) VALUES ('schema_version', %s)"
                " ON CONFLICT (name) DO NOTHING",
                (str(SCHEMA_VERSION),),
            )
            row = conn.execute(
                "SELECT value FROM embedres_meta WHERE name = 'schema_version'"
            ).fetchone()
        found = int(row[0]) if row and str(row[0]).isdigit() else -1
        if found != SCHEMA_VERSION:
            raise CacheError(
                f"PostgreSQL cache has schema version {row[0] if row else None}; "
                f"this embedres uses {SCHEMA_VERSION}"
            )

    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        row = self.run(
            lambda c: c.execute(
                "SELECT value FROM embedres_meta WHERE name = 'schema_version'"
            ).fetchone()
        )
        return int(row[0])

    def run(self, fn: Callable[[Any], T], *, wait: float | None = None) -> T:
        """Call ``fn(connection)``, retrying while the server is away.

        Args:
            fn: one statement (or a few) on a pooled autocommit connection.
            wait: seconds to keep retrying (None: ``outage_timeout``; 0: one attempt).

        Raises:
            CacheError: the server did not answer within ``wait`` seconds.
        """
        give_up = time.monotonic() + (self.outage_timeout if wait is None else wait)
        delay = 0.1
        while True:
            try:
                with self._pool.connection() as conn:
                    return fn(conn)
            except self._errors as exc:
                if time.monotonic() + delay > give_up:
                    raise CacheError(f"PostgreSQL unavailable: {_one_line(exc)}") from None
                log.warning("PostgreSQL unavailable (%s); retrying", _one_line(exc))
            except self._psycopg.Error as exc:  # refused data (a NUL in a key...): not retried
                raise CacheError(f"PostgreSQL refused it: {_one_line(exc)}") from None
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def close(self) -> None:
        """Close the pool's connections. Safe to call twice."""
        if not self._closed:
            self._closed = True
            self._pool.close()


class PostgresCache:
    """A :class:`~embedres.net.cache.Cache` in PostgreSQL, shared by every worker.

    Args:
        store: a :class:`PostgresStore`, or a DSN to open one (then closed by :meth:`close`).

    Raises:
        CacheError: the server cannot be reached (see :class:`PostgresStore`).
    """

    def __init__(self, store: PostgresStore | str) -> None:
        self._owns = not isinstance(store, PostgresStore)
        self.store = PostgresStore(store) if isinstance(store, str) else store
        self._puts = 0
        self._lock = threading.Lock()

    def get(self, namespace: str, key: str) -> Any | None:
        """The value under (namespace, key) if not expired, else None (also when unreadable)."""
        try:
            row = self.store.run(
                lambda c: c.execute(
                    "SELECT value FROM embedres_cache WHERE namespace = %s AND key = %s"
                    " AND expires > now()",
                    (namespace, key),
                ).fetchone()
            )
        except UnicodeEncodeError:
            return None  # a key with a lone surrogate cannot have been stored
        except CacheError as exc:
            log.warning("cache read failed: %s", exc)
            return None
        return None if row is None else decode_value(row[0])

    def put(self, namespace: str, key: str, value: Any, *, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds (the last writer wins).

        Raises:
            InvalidArgument: ``value`` is not JSON-able or ``ttl`` is not a number.
        """
        text = encode_value(value, ttl)
        with self._lock:
            self._puts += 1
            purge = self._puts % _PURGE_EVERY == 0

        def write(c: Any) -> None:
            c.execute(
                "INSERT INTO embedres_cache AS e (namespace, key, value, expires)"
                " VALUES (%s, %s, %s, now() + make_interval(secs => %s))"
                " ON CONFLICT (namespace, key) DO UPDATE"
                " SET value = EXCLUDED.value, expires = EXCLUDED.expires",
                (namespace, key, text, float(ttl)),
            )
            if purge:
                c.execute("DELETE FROM embedres_cache WHERE expires <= now()")

        try:
            self.store.run(write)
        except UnicodeEncodeError:
            log.warning("cache write skipped: the key or value holds a lone surrogate")
        except CacheError as exc:
            log.warning("cache write failed: %s", exc)

    def close(self) -> None:
        """Close the store if this cache opened it."""
        if self._owns:
            self.store.close()


class PostgresRateLimiter:
    """A :class:`~embedres.net.ratelimit.RateLimiter` whose limits hold across all workers.

    Request starts to one key are ``min_interval`` apart, at most ``max_concurrent`` requests
    to it are in flight, and :meth:`defer` (a ``Retry-After``) parks the key, across every
    process that shares the database (see the module docstring).

    Args:
        store: the :class:`PostgresStore`.
        default: limits for keys without their own entry.
        per_key: limits for particular keys.
        lease_ttl: seconds after which a lease not given back (a killed worker's) is free
            again; keep it above the longest request.
    """

    def __init__(
        self,
        store: PostgresStore,
        default: HostLimits | None = None,
        *,
        per_key: Mapping[str, HostLimits] | None = None,
        lease_ttl: float = 120.0,
    ) -> None:
        self.store = store
        self._default = default or HostLimits()
        self._per_key = dict(per_key or {})
        if not all(isinstance(x, HostLimits) for x in (self._default, *self._per_key.values())):
            raise InvalidArgument("limits must be HostLimits values")
        if isinstance(lease_ttl, bool) or not isinstance(lease_ttl, (int, float)) or lease_ttl <= 0:
            raise InvalidArgument("lease_ttl must be a number of seconds > 0")
        self._ttl = float(lease_ttl)
        self._lock = threading.Lock()
        self._held: dict[str, list[tuple[int, str]]] = {}
        self._slots_made: set[tuple[str, int]] = set()
        self._parked: dict[str, float] = {}  # Retry-After deferrals this process was told

    def limits(self, key: str) -> HostLimits:
        """The limits that apply to ``key``."""
        return self._per_key.get(key, self._default)

    def _lease(self, key: str, cap: int, token: str) -> int | None:
        params = {"h": key, "cap": cap, "tok": token, "ttl": self._ttl}

        def take(c: Any) -> Any:
            if (key, cap) not in self._slots_made:
                c.execute(_SLOTS, params)
            return c.execute(_LEASE, params).fetchone()

        row = self.store.run(take, wait=0)
        with self._lock:
            self._slots_made.add((key, cap))
        return None if row is None else int(row[0])

    def _unlease(self, key: str, slot: int, token: str) -> None:
        params = {"h": key, "slot": slot, "tok": token}
        try:
            self.store.run(lambda c: c.execute(_UNLEASE, params))
        except CacheError as exc:  # the lease expires by itself
            log.warning("global limiter: lease of %s not given back: %s", key, exc)

    def try_acquire(self, key: str) -> float | None:
        """Take a slot for ``key`` now (None), or return the monotonic time to try again."""
        with self._lock:
            parked = self._parked.get(key, 0.0)
        if parked > time.monotonic():
            return parked
        lim = self.limits(key)
        token = uuid.uuid4().hex
        try:
            slot = self._lease(key, lim.max_concurrent, token)
            if slot is None:
                return time.monotonic() + _BUSY_RETRY
            params = {"h": key, "iv": float(lim.min_interval), "tok": token}
            try:
                taken, seconds = self.store.run(
                    lambda c: c.execute(_TAKE, params).fetchone(), wait=0
                )
            except CacheError:
                self._unlease(key, slot, token)
                raise
        except CacheError as exc:
            log.warning("global limiter paused: %s", exc)
            return time.monotonic() + _OUTAGE_RETRY
        if not taken:
            self._unlease(key, slot, token)
            return time.monotonic() + max(float(seconds), 0.0)
        with self._lock:
            self._held.setdefault(key, []).append((slot, token))
        return None

    def release(self, key: str) -> None:
        """Give back a slot taken by :meth:`try_acquire`."""
        with self._lock:
            held = self._held.get(key)
            if not held:
                return
            slot, token = held.pop()
        self._unlease(key, slot, token)

    def defer(self, key: str, until: float) -> None:
        """Start no request for ``key`` before monotonic time ``until``, in every worker."""
        seconds = until - time.monotonic()
        if seconds <= 0:
            return
        try:
            self.store.run(lambda c: c.execute(_DEFER, {"h": key, "s": seconds}))
        except CacheError as exc:
            log.warning("global limiter: deferral of %s not stored: %s", key, exc)
        with self._lock:
            self._parked[key] = max(self._parked.get(key, 0.0), until)

    def close(self) -> None:
        """Give back the leases still held (the store belongs to its opener)."""
        with self._lock:
            held = [(k, s, t) for k, v in self._held.items() for s, t in v]
            self._held.clear()
        for key, slot, token in held:
            self._unlease(key, slot, token)
