"""The SQLite cache: values, lifetimes, garbage, threads and processes; and the resolver's use
of it (keys per policy, TTLs per status, offline answers)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from embedres.errors import InvalidArgument
from embedres.model import Resolution
from embedres.net.cache import CacheError, SQLiteCache
from embedres.resolve.resolver import CACHE_NAMESPACE, Resolver
from tests.support.servers import LoopbackServer, html, redirect


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_values_namespaces_and_expiry(tmp_path: Path) -> None:
    clock = Clock()
    c = SQLiteCache(tmp_path / "c.sqlite", clock=clock)
    c.put("a", "k", {"x": [1, "é"]}, ttl=10)
    c.put("b", "k", "other", ttl=100)
    assert c.get("a", "k") == {"x": [1, "é"]} and c.get("b", "k") == "other"
    assert c.get("a", "missing") is None
    clock.now += 11
    assert c.get("a", "k") is None and c.get("b", "k") == "other"
    c.put("b", "k", "new", ttl=5)
    assert c.get("b", "k") == "new"
    c.close()


def test_bad_values_and_ttls_raise(tmp_path: Path) -> None:
    c = SQLiteCache(tmp_path / "c.sqlite")
    with pytest.raises(InvalidArgument):
        c.put("a", "k", object(), ttl=1)
    with pytest.raises(InvalidArgument):
        c.put("a", "k", 1, ttl="long")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        c.put("a", "k", float("nan"), ttl=1)


def test_garbage_rows_are_misses(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    c = SQLiteCache(path)
    c.put("a", "k", 1, ttl=100)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE entries SET value = '{not json'")
    raw.execute("INSERT INTO entries VALUES ('a', 'k2', '1', 'soon')")
    raw.commit()
    raw.close()
    assert c.get("a", "k") is None and c.get("a", "k2") is None


@pytest.mark.parametrize("content", [b"", b"garbage" * 100, b"SQLite format 3\x00" + b"\xff" * 500])
def test_corrupt_file_is_moved_aside_and_rebuilt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(content)
    c = SQLiteCache(path)
    c.put("a", "k", 2, ttl=100)
    assert c.get("a", "k") == 2


def test_unusable_location_raises_cache_error(tmp_path: Path) -> None:
    with pytest.raises(CacheError):
        SQLiteCache(tmp_path)  # a directory
    (tmp_path / "file").write_text("x")
    with pytest.raises(CacheError):
        SQLiteCache(tmp_path / "file" / "c.sqlite")  # parent is a file


def test_threads_share_one_file(tmp_path: Path) -> None:
    c = SQLiteCache(tmp_path / "c.sqlite")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                c.put("t", f"{n}-{i}", i, ttl=100)
                assert c.get("t", f"{n}-{i}") == i
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(c.get("t", f"{n}-{i}") == i for n in range(6) for i in range(50))


def _writer(path: str, n: int) -> None:
    c = SQLiteCache(path)
    for i in range(100):
        c.put("p", f"{n}-{i}", [n, i], ttl=100)
    c.close()


def test_two_processes_write_the_same_file(tmp_path: Path) -> None:
    path = str(tmp_path / "c.sqlite")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, n)) for n in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    c = SQLiteCache(path)
    assert all(c.get("p", f"{n}-{i}") == [n, i] for n in range(2) for i in range(100))


def _resolver(srv: LoopbackServer, cache: Any, **kw: Any) -> Resolver:
    return Resolver(cache=cache, allow_hosts=(f"127.0.0.1:{srv.port}",), **kw)


def test_resolver_caches_whole_resolutions_and_answers_offline(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with LoopbackServer({"/s": redirect("/e"), "/e": html(b"x")}) as srv:
        first = _resolver(srv, path).resolve(srv.url("/s"))
        again = _resolver(srv, path).resolve(srv.url("/s"))
        assert len(srv.requests) == 2  # the second answer came from the cache
    offline = _resolver(srv, path, offline=True).resolve(srv.url("/s"))
    for res in (again, offline):
        assert res.from_cache and res.status == "ok"
        assert (res.final_url, res.chain) == (first.final_url, first.chain)
    assert not first.from_cache
    assert _resolver(srv, path, offline=True).resolve(srv.url("/other")).status == "offline"


def test_ttl_per_status(tmp_path: Path) -> None:
    seen: list[tuple[str, float]] = []

    class Recorder:
        def get(self, namespace: str, key: str) -> Any:
            return None

        def put(self, namespace: str, key: str, value: Any, *, ttl: float) -> None:
            assert namespace == CACHE_NAMESPACE
            seen.append((value["status"], ttl))

        def close(self) -> None:
            pass

    with LoopbackServer({"/ok": html(b"x")}) as srv:
        r = _resolver(srv, Recorder(), ttls={"error": 5.0})
        r.resolve(srv.url("/ok"))
        r.resolve(srv.url("/missing"))
        r.resolve("http://[::1")  # garbage is answered before any request and not stored
        r.resolve("http://127.0.0.1:1/")  # blocked
    assert seen == [("ok", 30 * 86400.0), ("dead", 86400.0), ("blocked", 86400.0)]


def test_permissive_results_are_not_served_to_a_strict_resolver(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    with LoopbackServer({"/": html(b"x")}) as srv:
        assert _resolver(srv, path).resolve(srv.url("/")).status == "ok"
        strict = Resolver(cache=path).resolve(srv.url("/"))
    assert strict.status == "blocked" and not strict.from_cache


def test_garbage_in_the_resolver_namespace_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    c = SQLiteCache(path)
    r = Resolver(cache=c, offline=True)
    key = r._key("https://t.co/x")
    for junk in (
        {"status": "ok"},
        {"url": 1, "status": "ok"},
        [1, 2],
        "x",
        {"url": "u", "status": "nope"},
        {"url": "u", "status": "ok", "chain": [{}]},
    ):
        c.put(CACHE_NAMESPACE, key, junk, ttl=100)
        assert r.resolve("https://t.co/x").status == "offline"
    good = Resolution("https://t.co/x", "dead", final_url="https://t.co/x")
    from embedres.resolve.records import to_json

    c.put(CACHE_NAMESPACE, key, to_json(good), ttl=100)
    assert r.resolve("https://t.co/x").status == "dead"


def test_default_cache_location_is_computed_when_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    r = Resolver(offline=True)
    assert isinstance(r.cache, SQLiteCache)
    assert r.cache.path.is_relative_to(tmp_path / "xdg")
    r.close()


def test_a_refused_wal_journal_is_reported_not_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """security.md 2.8: the WAL pragma's answer is checked (NFS refuses WAL)."""
    real_connect = sqlite3.connect

    class NoWal:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self._conn = conn

        def execute(self, sql: str, *args: Any) -> Any:
            if "journal_mode" in sql:
                return self._conn.execute("PRAGMA journal_mode = DELETE")
            return self._conn.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._conn, name)

    def connect(*args: Any, **kwargs: Any) -> Any:
        return NoWal(real_connect(*args, **kwargs))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sqlite3, "connect", connect)
        with caplog.at_level("WARNING", logger="embedres.net.cache"):
            cache = SQLiteCache(tmp_path / "nfs.sqlite")
            cache.put("ns", "k", {"v": 1}, ttl=60)
            assert cache.get("ns", "k") == {"v": 1}
            cache.close()
    assert cache.wal is False
    assert "WAL journal refused" in caplog.text
