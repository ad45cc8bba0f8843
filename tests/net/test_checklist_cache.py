"""Checklist rows 50-52 (docs/security.md 4.4): a damaged, shared or starved cache file.

These exercise the SQLite store directly (``embedres.net.cache.SQLiteCache``); the resolver-level
versions (a resolution still ``ok`` over a damaged cache) are in test_checklist_resolve.py.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from embedres.net.cache import CacheError, SQLiteCache
from tests.support.paths import REPO

DAMAGED = {
    "garbage": b"this is not a database at all\n" * 200,
    "truncated header": b"SQLite format 3\x00\x10\x00\x02\x02",
    "empty": b"",
    "random page": b"SQLite format 3\x00" + os.urandom(4096 - 16),
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
def test_row_50_damaged_cache_file_is_rebuilt(tmp_path: Path, content: bytes) -> None:
    """Row 50: garbage, a truncated header or an empty file: the cache opens and answers."""
    path = tmp_path / "cache.sqlite"
    path.write_bytes(content)
    try:
        cache = SQLiteCache(path)
    except CacheError as exc:  # the documented refusal is acceptable; raw sqlite3 is not
        assert str(exc)
        return
    try:
        assert cache.get("ns", "missing") is None
        cache.put("ns", "k", {"v": 1}, ttl=60)
        assert cache.get("ns", "k") == {"v": 1}
    finally:
        cache.close()


def test_row_50_cache_damaged_while_open_never_raises_sqlite(tmp_path: Path) -> None:
    """Row 50: the file overwritten with garbage under an open cache: reads miss, no raise."""
    path = tmp_path / "cache.sqlite"
    cache = SQLiteCache(path)
    try:
        cache.put("ns", "k", {"v": 1}, ttl=60)
        cache.close()
        path.write_bytes(b"\0garbage" * 1000)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        assert cache.get("ns", "k") in (None, {"v": 1})
        cache.put("ns", "k2", {"v": 2}, ttl=60)
        assert cache.get("ns", "k2") in (None, {"v": 2})
    finally:
        cache.close()


def test_row_51_four_threads_share_one_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Row 51: 4 threads x 15 writes and reads on one file: no lock error, nothing lost."""
    path = tmp_path / "cache.sqlite"
    cache = SQLiteCache(path)
    caplog.set_level(logging.WARNING, logger="embedres")
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(15):
                cache.put("ns", f"{t}-{i}", {"t": t, "i": i}, ttl=60)
                assert cache.get("ns", f"{t}-{i}") == {"t": t, "i": i}
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    try:
        assert not errors, errors
        assert "locked" not in caplog.text
        assert all(cache.get("ns", f"{t}-{i}") is not None for t in range(4) for i in range(15))
    finally:
        cache.close()


_PROCESS_WRITER = """
import sys
from embedres.net.cache import SQLiteCache
cache = SQLiteCache(sys.argv[1])
tag = sys.argv[2]
for i in range(300):
    cache.put("ns", f"{tag}-{i}", {"i": i, "pad": "y" * 2000}, ttl=60)
cache.close()
"""


def test_row_51_two_processes_share_one_file(tmp_path: Path) -> None:
    """Row 51: two processes writing one file at once: no lock error logged, nothing lost."""
    path = tmp_path / "cache.sqlite"
    SQLiteCache(path).close()
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_PROCESS_WRITER), str(path), tag],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for tag in ("a", "b")
    ]
    errs = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert not any("locked" in e or "failed" in e for e in errs), errs
    cache = SQLiteCache(path)
    try:
        missing = [
            f"{t}-{i}" for t in "ab" for i in range(300) if cache.get("ns", f"{t}-{i}") is None
        ]
    finally:
        cache.close()
    assert not missing, f"{len(missing)} writes lost, e.g. {missing[:5]}"


_DISK_FULL = """
import logging, resource, signal, sys
logging.basicConfig(level=logging.WARNING)
from embedres.net.cache import SQLiteCache
cache = SQLiteCache(sys.argv[1])
cache.put("ns", "before", {"v": 0}, ttl=60)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
for i in range(200):
    cache.put("ns", f"k{i}", {"pad": "z" * 5000}, ttl=60)
print("before", cache.get("ns", "before"))
"""


def test_row_52_disk_full_is_logged_not_raised(tmp_path: Path) -> None:
    """Row 52: writes past the file size limit (disk full) are dropped with a warning; reads
    keep answering and the process does not crash."""
    path = tmp_path / "cache.sqlite"
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_DISK_FULL), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
        ),
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert "cache write failed" in out.stderr
    assert "before {'v': 0}" in out.stdout


def test_row_52_unusable_location_is_a_documented_error(tmp_path: Path) -> None:
    """Row 52: a directory, or a path under a regular file, gives CacheError (documented)."""
    with pytest.raises(CacheError):
        SQLiteCache(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError):
        SQLiteCache(blocker / "sub" / "cache.sqlite")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_row_52_read_only_directory(tmp_path: Path) -> None:
    """Row 52: a cache in a read-only directory gives CacheError or works read-only."""
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        cache = SQLiteCache(ro / "cache.sqlite")
    except CacheError:
        return
    finally:
        ro.chmod(0o700)
    cache.put("ns", "k", {"v": 1}, ttl=60)
    cache.close()
