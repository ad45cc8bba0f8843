"""A small persistent cache: JSON values under (namespace, key), each with a lifetime.

Interface (a :class:`Cache` Protocol, so other stores such as PostgreSQL can be added)::

    cache = SQLiteCache(path)                     # or any object with these methods
    cache.put("resolve/v1", key, value, ttl=86400)  # value: JSON-able (dicts, lists, str, ...)
    cache.get("resolve/v1", key)                  # the value, or None when missing or expired
    cache.close()

The SQLite store uses WAL journaling and a busy timeout, one connection per thread, and is
safe to share between threads and processes. It is best effort: a row that cannot be decoded,
or a read that fails, is a miss; a write that fails (disk full, read-only file) is logged and
dropped. A file that is not a database is moved aside (``NAME.corrupt``,
or ``NAME.corrupt.N`` when that exists: an earlier one is never overwritten) and rebuilt. Only an
unusable location (a directory, a path whose parent cannot be created) raises
:class:`CacheError`, when the cache is opened.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from embedres._jsonable import load_json
from embedres.errors import CacheError, InvalidArgument

__all__ = ["Cache", "CacheError", "SQLiteCache", "decode_value", "encode_value"]

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires REAL NOT NULL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID
"""
_PURGE_EVERY = 1000  # puts between sweeps of expired rows, so the file does not grow forever


class Cache(Protocol):
    """What the resolver (and oEmbed hydration) need from a cache."""

    def get(self, namespace: str, key: str) -> Any | None:
        """The stored value, or None when missing, expired or unreadable."""

    def put(self, namespace: str, key: str, value: Any, *, ttl: float) -> None:
        """Store a JSON-able value for ``ttl`` seconds."""

    def close(self) -> None:
        """Release connections."""


def encode_value(value: Any, ttl: object) -> str:
    """The stored text of a cache value (every backend stores the same JSON).

    Raises:
        InvalidArgument: ``value`` is not JSON-able or ``ttl`` is not a number.
    """
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise InvalidArgument("ttl must be a number of seconds")
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"cache values must be JSON-able: {exc}") from None


def decode_value(text: object) -> Any | None:
    """A stored value read back; None when it is unreadable (nesting capped, never raises)."""
    try:
        return load_json(text) if isinstance(text, str) else None
    except ValueError:
        return None


class SQLiteCache:
    """A :class:`Cache` in one SQLite file.

    Args:
        path: the database file (its parent directories are created).
        busy_timeout: seconds to wait for another writer's lock.
        clock: wall-clock time in seconds (injectable for tests).

    Raises:
        CacheError: the file cannot be created or opened.

    >>> import tempfile, os
    >>> c = SQLiteCache(os.path.join(tempfile.mkdtemp(), "c.sqlite"))
    >>> c.put("demo", "k", {"n": [1, 2]}, ttl=60)
    >>> c.get("demo", "k"), c.get("demo", "other")
    ({'n': [1, 2]}, None)
    >>> c.close()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(path, (str, os.PathLike)) or not str(path):
            raise InvalidArgument("cache path must be a non-empty path")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
            raise InvalidArgument("busy_timeout must be a number of seconds")
        self.path = Path(path)
        self._busy = float(busy_timeout)
        self.wal = True
        """False when SQLite refused the WAL journal for this file (see the warning logged)."""
        self._clock = clock
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._puts = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"cannot create {self.path.parent}: {exc.strerror}") from None
        if self.path.is_dir():
            raise CacheError(f"cache path {self.path} is a directory")
        self._conn()  # open now, so a bad location fails here and not on first use

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._busy, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                # e.g. a network filesystem: WAL needs shared memory on one host. The default
                # rollback journal still keeps the file consistent, with less concurrency.
                log.warning(
                    "cache %s: WAL journal refused (journal_mode=%s); readers will wait on writers",
                    self.path,
                    mode[0] if mode else None,
                )
                self.wal = False
            conn.execute("PRAGMA synchronous = NORMAL" if self.wal else "PRAGMA synchronous = FULL")
            conn.execute(_SCHEMA)
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _open_retrying(self) -> sqlite3.Connection:
        """Open, retrying "database is locked" until the busy timeout.

        Switching a new file to WAL while another process creates the same file can fail at once
        with SQLITE_BUSY: SQLite does not call the busy handler for that step.
        """
        deadline = time.monotonic() + self._busy
        delay = 0.01
        while True:
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            conn = self._open_retrying()
        except sqlite3.DatabaseError as exc:
            if "not a database" not in str(exc) and "malformed" not in str(exc):
                raise CacheError(f"cannot open cache {self.path}: {exc}") from None
            conn = self._rebuild(exc)
        except sqlite3.Error as exc:
            raise CacheError(f"cannot open cache {self.path}: {exc}") from None
        self._local.conn = conn
        with self._lock:
            self._conns.append(conn)
        return conn

    def _rebuild(self, exc: Exception) -> sqlite3.Connection:
        aside = self.path.with_name(self.path.name + ".corrupt")
        for n in range(1, 1000):  # never overwrite an earlier NAME.corrupt
            if not os.path.lexists(aside):
                break
            aside = self.path.with_name(f"{self.path.name}.corrupt.{n}")
        log.warning("cache %s is unreadable (%s); moving it to %s", self.path, exc, aside)
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            return self._open()
        except (OSError, sqlite3.Error) as err:
            raise CacheError(f"cache {self.path} is corrupt and cannot be rebuilt: {err}") from None

    def get(self, namespace: str, key: str) -> Any | None:
        """Return the value stored under (namespace, key), or None (see :class:`Cache`)."""
        try:
            row = (
                self._conn()
                .execute(
                    "SELECT value, expires FROM entries WHERE namespace = ? AND key = ?",
                    (namespace, key),
                )
                .fetchone()
            )
        except UnicodeEncodeError:
            return None  # a key with a lone surrogate cannot have been stored
        except (sqlite3.Error, CacheError) as exc:
            log.warning("cache read failed: %s", exc)
            return None
        if row is None:
            return None
        value, expires = row
        if not isinstance(expires, (int, float)) or expires <= self._clock():
            return None
        return decode_value(value)

    def put(self, namespace: str, key: str, value: Any, *, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds (see :class:`Cache`).

        Raises:
            InvalidArgument: ``value`` is not JSON-able or ``ttl`` is not a number.
        """
        text = encode_value(value, ttl)
        now = self._clock()
        try:
            conn = self._conn()
            conn.execute(
                "INSERT OR REPLACE INTO entries (namespace, key, value, expires)"
                " VALUES (?, ?, ?, ?)",
                (namespace, key, text, now + ttl),
            )
            self._puts += 1
            if self._puts % _PURGE_EVERY == 0:
                conn.execute("DELETE FROM entries WHERE expires <= ?", (now,))
        except UnicodeEncodeError:
            log.warning("cache write skipped: the key or value holds a lone surrogate")
        except (sqlite3.Error, CacheError) as exc:
            log.warning("cache write failed: %s", exc)

    def close(self) -> None:
        """Close every thread's connection (the cache reopens on next use)."""
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
