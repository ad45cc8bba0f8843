"""Crash safety (checklist row 53, issue #7 item 4): SIGKILL in the middle of writes.

A child process writes continuously and reports on stdout each write that returned; the test
kills it with SIGKILL at a varying moment, then checks that everything reported before the
kill is intact, that the store still opens and answers, and that no partial file carries a
final name.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _run_and_kill(
    code: str, *, after_lines: int, extra_delay: float, timeout: float = 30
) -> list[str]:
    """Run ``code`` in a child; SIGKILL it once it printed ``after_lines`` lines (+ a delay)."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        PYTHONUNBUFFERED="1",
    )
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    lines: list[str] = []
    stop = time.monotonic() + timeout
    assert child.stdout is not None
    try:
        while len(lines) < after_lines and time.monotonic() < stop:
            line = child.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
        time.sleep(extra_delay)
        child.send_signal(signal.SIGKILL)
        rest, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert len(lines) >= after_lines, f"child stopped early: {err[-2000:]}"
    assert child.returncode == -signal.SIGKILL, (child.returncode, err[-2000:])
    return lines + [x for x in rest.splitlines() if x.strip()]


WARC_WRITER = """
import io, json, os, sys
from datetime import datetime, timezone
from embedres.archive.warc import Exchange, WarcFiles
files = WarcFiles(sys.argv[1] if len(sys.argv) > 1 else {dir!r}, prefix="crash",
                  max_size={max_size})
n = 0
while True:
    n += 1
    body = (b"<html>capture %d</html>" % n) + os.urandom({body_kb} * 1024)
    ex = Exchange(url=f"http://example.com/{{n}}", method="GET", request_headers=(),
                  status=200, reason="OK", response_headers=(("Content-Type", "text/html"),),
                  body=body, fetched_at=datetime.now(timezone.utc))
    w = files.write([ex])
    print(json.dumps({{"n": n, "path": str(w.path), "ids": list(w.record_ids)}}), flush=True)
"""


def _records(path: Path) -> tuple[list[tuple[str, str]], bool]:
    """(record type, record id) of every readable record, and whether the file read cleanly."""
    from warcio.archiveiterator import ArchiveIterator

    found: list[tuple[str, str]] = []
    try:
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                rec.content_stream().read()
                found.append((rec.rec_type, rec.rec_headers.get_header("WARC-Record-ID")))
    except Exception:
        return found, False
    return found, True


@pytest.mark.parametrize("delay", [0.0, 0.003, 0.011, 0.029])
def test_row_53_sigkill_during_warc_writes(tmp_path: Path, delay: float) -> None:
    """Row 53: a WARC writer killed mid-write leaves finished files whole and no partial file
    under a final name; every capture reported written is readable."""
    code = WARC_WRITER.format(dir=str(tmp_path), max_size=400_000, body_kb=64)
    lines = _run_and_kill(code, after_lines=8, extra_delay=delay)
    reported = [json.loads(x) for x in lines if x.startswith("{")]
    finals = sorted(tmp_path.glob("*.warc.gz"))
    opens = sorted(tmp_path.glob("*.warc.gz.open"))
    assert finals, "rotation at 400 kB should have finished at least one file"
    assert set(tmp_path.iterdir()) == set(finals) | set(opens), list(tmp_path.iterdir())
    seen: set[str] = set()
    for path in finals:
        recs, clean = _records(path)
        assert clean, f"finished file {path.name} does not read back cleanly"
        assert recs and recs[0][0] == "warcinfo", path.name
        seen |= {rid for _, rid in recs}
    for path in opens:  # the file being written: whole records up to the kill
        recs, _ = _records(path)
        seen |= {rid for _, rid in recs}
    for item in reported:
        missing = set(item["ids"]) - seen
        assert not missing, f"capture {item['n']} reported written but lost: {missing}"
    # The store still works after the crash: a new writer in the same directory.
    from datetime import datetime, timezone

    from embedres.archive.warc import Exchange, WarcFiles

    files = WarcFiles(tmp_path, prefix="after")
    ex = Exchange(
        url="http://example.com/after",
        method="GET",
        request_headers=(),
        status=200,
        reason="OK",
        response_headers=(),
        body=b"after",
        fetched_at=datetime.now(timezone.utc),
    )
    written = files.write([ex])
    files.close()
    recs, clean = _records(written.path)
    assert clean and {rid for _, rid in recs} >= set(written.record_ids)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


CACHE_WRITER = """
import json, sys
from embedres.net.cache import SQLiteCache
cache = SQLiteCache({path!r})
n = 0
while True:
    n += 1
    cache.put("crash/v1", f"k{{n}}", {{"n": n, "pad": "x" * {pad}}}, ttl=1e9)
    print(n, flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.007, 0.019])
def test_row_53_sigkill_during_cache_writes(tmp_path: Path, delay: float) -> None:
    """Row 53: a cache writer killed mid-write loses nothing it reported; the file opens,
    answers, accepts writes and passes SQLite's integrity check."""
    import sqlite3

    from embedres.net.cache import SQLiteCache

    path = tmp_path / "cache.sqlite"
    lines = _run_and_kill(
        CACHE_WRITER.format(path=str(path), pad=4000), after_lines=200, extra_delay=delay
    )
    reported = [int(x) for x in lines if x.isdigit()]
    assert len(reported) >= 200
    cache = SQLiteCache(path)
    try:
        for n in reported:
            value = cache.get("crash/v1", f"k{n}")
            assert value is not None and value["n"] == n, f"entry {n} lost after the kill"
        cache.put("crash/v1", "after", {"ok": True}, ttl=60)
        assert cache.get("crash/v1", "after") == {"ok": True}
    finally:
        cache.close()
    assert not path.with_name(path.name + ".corrupt").exists(), "a clean kill is not corruption"
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        db.close()


def _batch_input(path: Path, n: int) -> list[str]:
    ids = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rid = f"rec-{i:05d}"
            ids.append(rid)
            html = (
                f'<p>Article {i} #topic{i}</p><blockquote class="twitter-tweet"><p lang="en">'
                f"Post number {i} #tag</p>&mdash; Name {i} (@user{i}) "
                f'<a href="https://twitter.com/user{i}/status/{665620211584172032 + i}">'
                "November 14, 2015</a></blockquote>" + "<p>filler text.</p>" * 20
            )
            record: dict[str, Any] = {"id": rid, "html": html}
            if i % 97 == 13:
                record = {"id": rid}  # a bad record: must become an error record, not vanish
            fh.write(json.dumps(record) + "\n")
    return ids


def _batch_cmd(src: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "embedres", "cite", "--offline", "--no-resolve", "--no-hydrate",
        "--no-progress", "--batch", str(src), "--out", str(out),
    ]  # fmt: skip


def test_batch_cite_killed_and_restarted_writes_every_record_once(tmp_path: Path) -> None:
    """Issue #7 item 4: ``embedres cite --batch`` killed (SIGKILL) twice part way, then
    restarted, ends with every record exactly once and every line valid JSON."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids = _batch_input(src, 300)
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    for kill_after in (40, 150):
        child = subprocess.Popen(
            _batch_cmd(src, out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        stop = time.monotonic() + 60
        while time.monotonic() < stop and child.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= kill_after:
                break
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    done = subprocess.run(
        _batch_cmd(src, out), env=env, capture_output=True, timeout=120, check=False
    )
    assert done.returncode in (0, 1), done.stderr.decode()[-2000:]
    assert b"Traceback" not in done.stderr
    records = _jsonl(out)
    got = [r["id"] for r in records]
    dupes = sorted({i for i in got if got.count(i) > 1})
    assert not dupes, f"{len(dupes)} records written twice, e.g. {dupes[:5]}"
    assert sorted(got) == sorted(ids), f"lost: {sorted(set(ids) - set(got))[:5]}"
    bad = [r for r in records if r["id"] in {ids[i] for i in range(len(ids)) if i % 97 == 13}]
    assert bad and all(r["status"] == "error" and r["error"] for r in bad), bad[:2]
    good = [r for r in records if r not in bad]
    assert all(r["status"] != "error" and r["citations"] for r in good), good[:1]
