"""Archiver.capture(): a redirect chain from a loopback server, read back record by record."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from embedres import Archiver, CaptureFailed, InvalidArgument

PAGE = "<html><body>captured page é</body></html>".encode()
BIG = b"x" * 300_000


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: list[str]

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Transfer-Encoding" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        port = self.server.server_address[1]  # type: ignore[index]
        other = self.server.other_port  # type: ignore[attr-defined]
        routes: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/start": (301, {"Location": "/hop2"}, b""),
            "/hop2": (302, {"Location": f"http://127.0.0.1:{port}/page"}, b"moved"),
            "/page": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE),
            "/gzip": (
                200,
                {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
                gzip.compress(b"zipped text"),
            ),
            "/big": (200, {"Content-Type": "application/octet-stream"}, BIG),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/escape": (302, {"Location": f"http://127.0.0.1:{other}/secret"}, b""),
            "/nolocation": (302, {}, b"no location"),
            "/meta": (
                200,
                {"Content-Type": "text/html", "Refresh": "0; url=/page"},
                b'<meta http-equiv="refresh" content="0; url=/page">',
            ),
            "/busy": (503, {"Retry-After": "1", "Content-Type": "text/plain"}, b"busy"),
        }
        if self.path.startswith("/chain/"):
            n = int(self.path.rsplit("/", 1)[1])
            self._send(302, {"Location": f"/chain/{n + 1}"})
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello ", b"chunked ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path in routes:
            self._send(*routes[self.path])
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"not here")


def _serve(other_port: int = 0) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.hits = []  # type: ignore[attr-defined]
    server.other_port = other_port  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def servers() -> Iterator[tuple[http.server.ThreadingHTTPServer, http.server.ThreadingHTTPServer]]:
    forbidden = _serve()
    main = _serve(forbidden.server_address[1])
    yield main, forbidden
    for s in (main, forbidden):
        s.shutdown()
        s.server_close()


def _archiver(port: int, tmp_path: Path, **kw: Any) -> Archiver:
    return Archiver(
        warc_dir=tmp_path, allow_hosts=[f"127.0.0.1:{port}"], keys=None, timeout=10, **kw
    )


def _read(path: Path) -> list[Any]:
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            out.append(
                (
                    rec.rec_type,
                    dict(rec.rec_headers.headers),
                    rec.http_headers,
                    rec.raw_stream.read(),
                )
            )
    return out


def _b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_redirect_chain_is_recorded_hop_by_hop(servers: Any, tmp_path: Path) -> None:
    main, _ = servers
    port = main.server_address[1]
    base = f"http://127.0.0.1:{port}"
    with _archiver(port, tmp_path) as archiver:
        snap = archiver.capture(f"{base}/start")
    assert snap.service == "warc" and snap.status_code == 200
    assert snap.original_url == f"{base}/start"
    assert snap.digest == _b32(PAGE)
    path = Path(snap.archive_url.removeprefix("file://"))
    assert path.exists() and path.parent == tmp_path.resolve()
    recs = _read(path)
    assert [r[0] for r in recs] == ["warcinfo"] + ["response", "request"] * 3
    hops = [(f"{base}/start", "301"), (f"{base}/hop2", "302"), (f"{base}/page", "200")]
    for (uri, status), (resp, req) in zip(
        hops, zip(recs[1::2], recs[2::2], strict=True), strict=True
    ):
        assert resp[1]["WARC-Target-URI"] == uri == req[1]["WARC-Target-URI"]
        assert resp[2].get_statuscode() == status
        assert resp[1]["WARC-IP-Address"] == "127.0.0.1"
        assert req[1]["WARC-Concurrent-To"] == resp[1]["WARC-Record-ID"]
        assert req[2].protocol == "GET" and req[2].statusline.startswith("/")
        assert req[2].get_header("Host") == f"127.0.0.1:{port}"
        assert resp[1]["WARC-Payload-Digest"] == _b32(resp[3])  # raw payload, as sent
        assert resp[1]["WARC-Block-Digest"].startswith("sha1:")
        assert resp[1]["WARC-Date"].endswith("Z")
    assert recs[-2][3] == PAGE and recs[3][3] == b"moved" and recs[1][3] == b""


def test_chunked_and_gzip_bodies(servers: Any, tmp_path: Path) -> None:
    main, _ = servers
    port = main.server_address[1]
    with _archiver(port, tmp_path) as archiver:
        chunked = archiver.capture(f"http://127.0.0.1:{port}/chunked")
        zipped = archiver.capture(f"http://127.0.0.1:{port}/gzip")
    assert chunked.archive_url == zipped.archive_url  # one file for both captures
    with open(Path(chunked.archive_url.removeprefix("file://")), "rb") as fh:
        bodies = {
            r.rec_headers.get_header("WARC-Target-URI").rsplit("/", 1)[1]: (
                r.http_headers,
                r.content_stream().read(),
            )
            for r in ArchiveIterator(fh)
            if r.rec_type == "response"
        }
    headers, body = bodies["chunked"]
    assert body == b"hello chunked world"
    assert headers.get_header("Transfer-Encoding") is None
    headers, body = bodies["gzip"]
    assert headers.get_header("Content-Encoding") == "gzip"  # stored as sent
    assert body == b"zipped text"  # readers undo it


def test_body_over_the_cap_is_truncated_and_marked(servers: Any, tmp_path: Path) -> None:
    main, _ = servers
    port = main.server_address[1]
    with _archiver(port, tmp_path, max_capture_bytes=100_000) as archiver:
        snap = archiver.capture(f"http://127.0.0.1:{port}/big")
    recs = _read(Path(snap.archive_url.removeprefix("file://")))
    resp = next(r for r in recs if r[0] == "response")
    assert resp[1]["WARC-Truncated"] == "length"
    assert resp[3].endswith(b"x" * 1000) and len(resp[3]) < 101_000


@pytest.mark.parametrize(
    ("path", "status", "options"),
    [
        ("/loop", "loop", {}),
        ("/chain/0", "too_many_redirects", {"max_redirects": 3}),
        ("/escape", "blocked", {}),
    ],
)
def test_capture_failures_are_statuses(
    servers: Any, tmp_path: Path, path: str, status: str, options: dict[str, Any]
) -> None:
    main, forbidden = servers
    port = main.server_address[1]
    with _archiver(port, tmp_path, **options) as archiver, pytest.raises(CaptureFailed) as info:
        archiver.capture(f"http://127.0.0.1:{port}{path}")
    assert info.value.status == status
    assert forbidden.hits == []  # the port that was not allowed received nothing
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    if status == "too_many_redirects":
        assert len(main.hits) == 4


def test_capture_of_loopback_is_blocked_by_default(servers: Any, tmp_path: Path) -> None:
    main, _ = servers
    with Archiver(warc_dir=tmp_path, keys=None) as archiver, pytest.raises(CaptureFailed) as info:
        archiver.capture(f"http://127.0.0.1:{main.server_address[1]}/page")
    assert info.value.status == "blocked" and main.hits == []


def test_redirect_without_location_ends_the_chain(servers: Any, tmp_path: Path) -> None:
    main, _ = servers
    port = main.server_address[1]
    with _archiver(port, tmp_path) as archiver:
        snap = archiver.capture(f"http://127.0.0.1:{port}/nolocation")
    assert snap.status_code == 302


def test_capture_needs_a_warc_dir() -> None:
    with pytest.raises(InvalidArgument, match="warc_dir"):
        Archiver(keys=None).capture("http://example.com/")


def test_threads_capturing_through_one_archiver(servers: Any, tmp_path: Path) -> None:
    main, _ = servers
    port = main.server_address[1]
    snaps: list[Any] = []
    lock = threading.Lock()
    with _archiver(port, tmp_path, warc_max_size=20_000) as archiver:

        def work() -> None:
            for _ in range(5):
                snap = archiver.capture(f"http://127.0.0.1:{port}/start")
                with lock:
                    snaps.append(snap)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    assert len(snaps) == 20 and all(s.digest == _b32(PAGE) for s in snaps)
    files = sorted(tmp_path.iterdir())
    assert files and all(f.name.endswith(".warc.gz") for f in files)
    kinds = [r[0] for f in files for r in _read(f)]
    assert kinds.count("response") == kinds.count("request") == 60  # 3 hops x 20 captures
    assert {s.archive_url for s in snaps} == {f.resolve().as_uri() for f in files}


@pytest.mark.parametrize(("path", "status"), [("/meta", 200), ("/busy", 503)])
def test_capture_records_the_answer_without_in_page_redirects_or_retries(
    servers: Any, tmp_path: Path, path: str, status: int
) -> None:
    """The shared walk (net/hops) runs with in-page redirects and retries off for a capture."""
    main, _ = servers
    port = main.server_address[1]
    with _archiver(port, tmp_path) as archiver:
        snap = archiver.capture(f"http://127.0.0.1:{port}{path}")
    assert snap.status_code == status and main.hits == [path]
    recs = _read(Path(snap.archive_url.removeprefix("file://")))
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]
