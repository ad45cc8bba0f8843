"""WARC files: temp names until closed, rotation, whole gzip members, threads, processes,
crashes, framing headers, truncation."""

from __future__ import annotations

import base64
import hashlib
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from embedres import WarcWriteError
from embedres.archive.warc import Exchange, WarcFiles

NOW = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)


def exchange(path: str = "/page", body: bytes = b"<p>hello</p>", **kw: object) -> Exchange:
    fields: dict[str, object] = {
        "url": f"http://site.example{path}",
        "method": "GET",
        "request_headers": (("User-Agent", "test"),),
        "status": 200,
        "reason": "OK",
        "response_headers": (("Content-Type", "text/html"), ("Content-Length", str(len(body)))),
        "body": body,
        "fetched_at": NOW,
    }
    fields.update(kw)
    return Exchange(**fields)  # type: ignore[arg-type]


def records(path: Path) -> list[tuple[str, str | None, bytes, dict[str, str]]]:
    """(type, target URI, raw payload, WARC headers) of every record in a file."""
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            headers = dict(rec.rec_headers.headers)
            out.append(
                (rec.rec_type, headers.get("WARC-Target-URI"), rec.raw_stream.read(), headers)
            )
    return out


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_file_keeps_open_suffix_until_closed(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, prefix="t")
    written = files.write([exchange()])
    assert not written.path.exists()
    assert [p.name for p in tmp_path.iterdir()] == [written.path.name + ".open"]
    files.close()
    files.close()  # twice is fine
    assert [p.name for p in tmp_path.iterdir()] == [written.path.name]
    kinds = [r[0] for r in records(written.path)]
    assert kinds == ["warcinfo", "response", "request"]
    assert written.payload_digest == sha1_b32(b"<p>hello</p>")


def test_every_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, prefix="t")
    path = files.write([exchange("/a"), exchange("/b")]).path
    files.close()
    data = path.read_bytes()
    # five records -> five gzip members, each starting with the gzip magic and decodable alone
    assert data.count(b"\x1f\x8b\x08") >= 5
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        offsets = [(it.get_record_offset(), rec.rec_type) for rec in it]
    assert [kind for _, kind in offsets] == ["warcinfo", "response", "request"] * 1 + [
        "response",
        "request",
    ]
    import gzip

    for offset, _ in offsets:
        one = gzip.GzipFile(fileobj=__import__("io").BytesIO(data[offset:])).read(8)
        assert one.startswith(b"WARC/1.1")


def test_rotation_by_size(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, prefix="rot", max_size=1)
    paths = [files.write([exchange(f"/{i}")]).path for i in range(3)]
    files.close()
    assert len(set(paths)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    for i, path in enumerate(paths):
        recs = records(path)
        assert recs[0][0] == "warcinfo" and recs[0][3]["WARC-Filename"] == path.name
        assert recs[1][1] == f"http://site.example/{i}"


def test_threads_share_one_writer_safely(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, prefix="thr", max_size=20_000)

    def work(n: int) -> None:
        for i in range(10):
            files.write([exchange(f"/{n}/{i}", body=os.urandom(300))])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    files.close()
    seen = set()
    for path in tmp_path.iterdir():
        assert path.name.endswith(".warc.gz")
        for kind, uri, payload, headers in records(path):
            if kind == "response":
                assert headers["WARC-Payload-Digest"] == sha1_b32(payload)
                seen.add(uri)
    assert len(seen) == 60


_CHILD = """
import os, signal, sys
from datetime import datetime, timezone
from embedres.archive.warc import Exchange, WarcFiles
files = WarcFiles(sys.argv[1], prefix="proc", max_size=int(sys.argv[2]))
def write(i):
    files.write([Exchange(f"http://site.example/{os.getpid()}/{i}", "GET", (), 200, "OK",
                          (("Content-Length", "3"),), b"abc", datetime.now(timezone.utc))])
for i in range(int(sys.argv[3])):
    write(i)
if sys.argv[4] == "kill":
    files.max_size = 10**9  # the next file stays open
    write(-1)
    os.kill(os.getpid(), signal.SIGKILL)
files.close()
"""


def _child(directory: Path, max_size: int, count: int, end: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(directory), str(max_size), str(count), end]
    )


def test_processes_writing_one_directory_never_share_a_file(tmp_path: Path) -> None:
    procs = [_child(tmp_path, 10**9, 20, "close") for _ in range(3)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    files = sorted(tmp_path.iterdir())
    assert len(files) == 3 and all(f.name.endswith(".warc.gz") for f in files)
    assert sum(1 for f in files for r in records(f) if r[0] == "response") == 60


def test_killed_writer_leaves_only_whole_finished_files(tmp_path: Path) -> None:
    proc = _child(tmp_path, 1, 2, "kill")  # two finished files, then one open when killed
    assert proc.wait(timeout=60) == -signal.SIGKILL
    names = sorted(p.name for p in tmp_path.iterdir())
    finished = [n for n in names if n.endswith(".warc.gz")]
    unfinished = [n for n in names if n.endswith(".open")]
    assert len(finished) == 2 and len(unfinished) == 1
    for name in finished:  # every finished file reads to the end with valid records
        assert next(r[0] for r in records(tmp_path / name)) == "warcinfo"
    # the .open file still holds whole records (each capture is appended and synced at once)
    assert records(tmp_path / unfinished[0])[-1][0] == "request"


def test_chunked_body_is_stored_dechunked_with_consistent_headers(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, prefix="c")
    ex = exchange(
        response_headers=(("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")),
        body=b"hello world",
    )
    path = files.write([ex]).path
    files.close()
    with open(path, "rb") as fh:
        for resp in ArchiveIterator(fh):
            if resp.rec_type == "response":
                assert resp.http_headers.get_header("Transfer-Encoding") is None
                assert resp.http_headers.get_header("Content-Length") == "11"
                assert resp.content_stream().read() == b"hello world"
                break
        else:
            pytest.fail("no response record")


def test_truncated_body_is_marked(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, prefix="t")
    ex = exchange(body=b"x" * 10, truncated=True, response_headers=(("Content-Length", "1000000"),))
    path = files.write([ex]).path
    files.close()
    with open(path, "rb") as fh:
        resp = [(r.rec_headers, r.http_headers) for r in ArchiveIterator(fh)][1]
    assert resp[0].get_header("WARC-Truncated") == "length"
    assert resp[1].get_header("Content-Length") == "10"


def test_unwritable_directory_is_a_warc_write_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WarcWriteError):
        WarcFiles(blocker / "sub", prefix="t")
