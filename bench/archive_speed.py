"""Throughput of the archiver on loopback (run by hand: python bench/archive_speed.py).

Measures, on this machine, with servers this script starts on 127.0.0.1 only:

* WARC writing alone: captures of one 100 KiB response appended by ``WarcFiles``;
* ``capture()`` of a three-hop redirect chain ending in a 50 KiB page, from 1 and 4 threads;
* ``lookup()`` against a loopback CDX endpoint answering in the Internet Archive's JSON shape,
  with pacing off, i.e. the client's own cost per lookup.

No speed target is asserted by the test suite.
"""

from __future__ import annotations

import http.server
import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

from embedres import Archiver
from embedres.archive.archiver import WaybackService
from embedres.archive.warc import Exchange, WarcFiles

PAGE = b"<html><body>" + b"x" * (50 * 1024) + b"</body></html>"
CDX_ROWS = json.dumps(
    [["timestamp", "original", "statuscode"], ["20151117033524", "http://example.com/", "200"]]
).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per response and no Nagle delay: otherwise the server's own small writes
    # (headers, then body) cost a delayed-ACK round of ~40 ms and dominate the figures.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/a/"):
            status, headers, body = 301, {"Location": "/b/" + path[3:]}, b""
        elif path.startswith("/b/"):
            status, headers, body = 302, {"Location": "/page/" + path[3:]}, b""
        elif path.startswith("/page/"):
            status, headers, body = 200, {"Content-Type": "text/html"}, PAGE
        elif path == "/cdx":
            status, headers, body = 200, {"Content-Type": "application/json"}, CDX_ROWS
        else:
            status, headers, body = 404, {}, b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def bench_warc_files(directory: Path, n: int = 500) -> None:
    body = b"y" * (100 * 1024)
    ex = Exchange(
        "http://site.example/p",
        "GET",
        (("User-Agent", "bench"),),
        200,
        "OK",
        (("Content-Type", "text/plain"), ("Content-Length", str(len(body)))),
        body,
        datetime.now(timezone.utc),
    )
    files = WarcFiles(directory, prefix="bench")
    start = time.perf_counter()
    for _ in range(n):
        files.write([ex])
    files.close()
    elapsed = time.perf_counter() - start
    size = sum(p.stat().st_size for p in directory.iterdir())
    print(
        f"WarcFiles.write (100 KiB body, fsync per capture): {n / elapsed:8.1f} captures/s, "
        f"{n * len(body) / elapsed / 2**20:6.1f} MiB/s of payload, file {size / 2**20:.1f} MiB"
    )


def bench_capture(port: int, directory: Path, n: int, threads: int) -> None:
    with Archiver(warc_dir=directory, allow_hosts=[f"127.0.0.1:{port}"], keys=None) as archiver:
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda i: archiver.capture(f"http://127.0.0.1:{port}/a/{i}"), range(n)))
        elapsed = time.perf_counter() - start
    print(
        f"capture() of a 3-hop chain + 50 KiB page, {threads} thread(s): "
        f"{n / elapsed:8.1f} captures/s ({elapsed / n * 1000:.1f} ms each)"
    )


def bench_lookup(port: int, n: int = 300) -> None:
    service = WaybackService(
        "local", f"http://127.0.0.1:{port}/cdx", f"http://127.0.0.1:{port}/web/", interval=0.0
    )
    archiver = Archiver(wayback=service, allow_hosts=[f"127.0.0.1:{port}"], keys=None)
    start = time.perf_counter()
    for _ in range(n):
        assert archiver.lookup("http://example.com/", near=date(2015, 11, 17)) is not None
    elapsed = time.perf_counter() - start
    archiver.close()
    print(
        f"lookup() against a loopback CDX, no pacing:        {n / elapsed:8.1f} lookups/s "
        f"({elapsed / n * 1000:.2f} ms each; the Internet Archive default paces to 0.5/s)"
    )


def main() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    port = int(server.server_address[1])
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for sub in ("files", "c1", "c4"):
                (root / sub).mkdir()
            bench_warc_files(root / "files")
            bench_capture(port, root / "c1", 200, 1)
            bench_capture(port, root / "c4", 200, 4)
            bench_lookup(port)
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
