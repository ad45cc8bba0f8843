"""Round trip through a real pywb: capture() a redirect chain from a loopback server, add the
WARC to a pywb collection, start pywb on loopback, lookup() the capture nearest a date through
pywb's CDX API, and replay it.

The same steps are documented for users in docs/archiving.md.
"""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedres import Archiver
from embedres.archive.archiver import WaybackService
from tests.support.pgserver import free_port
from tests.support.servers import Request, Route, redirect, send, serve

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(
    not (BIN / "wayback").exists() or not (BIN / "wb-manager").exists(),
    reason="pywb is not installed (pip install '.[test]')",
)


def _page(served: list[int]) -> Route:
    """``/page``: its body names how often it was served."""

    def route(conn: socket.socket, req: Request) -> None:
        served.append(1)
        body = f"<html><body><p>version {len(served)}</p></body></html>".encode()
        send(conn, "200 OK", [("Content-Type", "text/html; charset=utf-8")], body)

    return route


@pytest.fixture
def site() -> Iterator[int]:
    """``/old`` redirects (301) to ``/page``."""
    with serve({"/old": redirect("/page", 301), "/page": _page([])}) as server:
        yield server.port


def _run(args: list[str], cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def pywb(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A pywb root in tmp_path, served on a free loopback port once the test adds WARCs."""
    root = tmp_path / "pywb"
    root.mkdir()
    # Unframed replay, so the replay URL itself returns the (rewritten) page.
    (root / "config.yaml").write_text("framed_replay: false\n", encoding="utf-8")
    _run([str(BIN / "wb-manager"), "init", "news"], root)
    yield root, free_port()
    shutil.rmtree(root, ignore_errors=True)


def _start_wayback(root: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(BIN / "wayback"), "-b", "127.0.0.1", "-p", str(port), "-t", "2"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read()[-2000:] if proc.stderr else b""
            raise AssertionError(f"pywb exited: {err.decode('utf-8', 'replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("pywb did not start within 60 s")


def test_pywb_roundtrip_lookup_nearest_and_replay(
    site: int, pywb: tuple[Path, int], tmp_path: Path
) -> None:
    root, port = pywb
    base = f"http://127.0.0.1:{site}"
    warcs = tmp_path / "warcs"
    with Archiver(warc_dir=warcs, allow_hosts=[f"127.0.0.1:{site}"], keys=None) as archiver:
        first = archiver.capture(f"{base}/old")
        time.sleep(1.1)  # Wayback timestamps have one-second resolution
        second = archiver.capture(f"{base}/old")
    assert first.archived_at < second.archived_at
    files = sorted(warcs.glob("*.warc.gz"))
    assert len(files) == 1 and not list(warcs.glob("*.open"))
    _run([str(BIN / "wb-manager"), "add", "news", str(files[0])], root)

    proc = _start_wayback(root, port)
    try:
        coll = f"http://127.0.0.1:{port}/news"
        # A private pywb needs no pacing (the default for other services is 1 request/s).
        service = dataclasses.replace(WaybackService.from_url(coll), interval=0.0)
        reader = Archiver(wayback=service, allow_hosts=[f"127.0.0.1:{port}"], keys=None, timeout=20)
        near_first = reader.lookup(f"{base}/page", near=first.archived_at)
        near_second = reader.lookup(f"{base}/page", near=second.archived_at)
        redirect_only = reader.lookup(f"{base}/old", near=first.archived_at)
        never = reader.lookup(f"{base}/never-captured")
        reader.close()
        assert near_first is not None and near_second is not None
        assert near_first.archived_at == first.archived_at
        assert near_second.archived_at == second.archived_at
        assert near_first.service == f"127.0.0.1:{port}/news"
        assert near_first.status_code == 200
        assert near_first.archive_url.startswith(f"{coll}/")
        assert redirect_only is None  # the 301 hop is archived but is not a successful capture
        assert never is None

        for snap, text in ((near_first, b"version 1"), (near_second, b"version 2")):
            assert snap.digest is not None
            assert snap.archive_url.startswith("http://127.0.0.1:")  # only our own pywb
            with urllib.request.urlopen(snap.archive_url, timeout=20) as resp:  # 127.0.0.1
                assert text in resp.read()
            ts = snap.archived_at.strftime("%Y%m%d%H%M%S")
            raw = f"{coll}/{ts}id_/{base}/page"
            assert raw.startswith("http://127.0.0.1:")
            with urllib.request.urlopen(raw, timeout=20) as resp:  # 127.0.0.1
                assert resp.read() == f"<html><body><p>{text.decode()}</p></body></html>".encode()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
