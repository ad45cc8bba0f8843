"""Checklist rows 22-37 (docs/security.md 4.2): hostile servers and resource limits.

The servers are raw loopback sockets (tests/support/servers.py), so each row sends exactly what a
hostile server would. Memory rows run the resolver in a child process and compare its peak RSS
with the peak after a warm-up request; the servers stay in this process.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.paths import REPO
from tests.support.resolvers import make_resolver
from tests.support.servers import (
    Request,
    Route,
    Server,
    bomb,
    ok,
    raw,
    redirect,
    send,
    serve,
    trickle,
)

STATUSES = {"ok", "dead", "blocked", "error", "timeout", "loop", "too_many_redirects", "offline"}
T = 1.0  # the resolver timeout used by the deadline rows; the suite allows 2*T + 1.5 s
BOUND = 2 * T + 1.5


def resolver(server: Server, **kw: Any) -> Any:
    """A resolver allowed to reach ``server`` only."""
    kw.setdefault("max_retries", 0)
    return make_resolver(allow_hosts=(f"127.0.0.1:{server.port}",), **kw)


def test_row_22_loops_detected_with_few_requests() -> None:
    """Row 22: a self-redirect and A -> B -> A end as ``loop`` after a few requests."""
    with serve({}) as s:
        s.routes["/self"] = redirect(s.url("/self"))
        s.routes["/a"] = redirect(s.url("/b"))
        s.routes["/b"] = redirect(s.url("/a"))
        r = resolver(s)
        for path, most in (("/self", 3), ("/a", 4)):
            before = len(s.requests)
            res = r.resolve(s.url(path))
            assert res.status == "loop", (path, res)
            assert len(s.requests) - before <= most, s.paths


def _chain_routes(s: Server, length: int | None) -> None:
    """``/c/N`` redirects to ``/c/N+1``; with ``length``, ``/c/length`` answers 200."""

    def route(conn: socket.socket, req: Request) -> None:
        n = int(req.path.split("/")[2])
        if length is not None and n >= length:
            ok()(conn, req)
        else:
            redirect(s.url(f"/c/{n + 1}"))(conn, req)

    s.routes.update({f"/c/{i}": route for i in range(0, 64)})


@pytest.mark.parametrize("max_redirects", [3, None])
def test_row_23_infinite_chain_stops(max_redirects: int | None) -> None:
    """Row 23: an endless chain gives ``too_many_redirects`` within 2*(max+1)+2 requests."""
    with serve({}) as s:
        _chain_routes(s, None)
        kw = {} if max_redirects is None else {"max_redirects": max_redirects}
        res = resolver(s, **kw).resolve(s.url("/c/0"))
        limit = 10 if max_redirects is None else max_redirects
        assert res.status == "too_many_redirects", res
        assert len(s.requests) <= 2 * (limit + 1) + 2, s.paths


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_row_24_exactly_max_redirects_is_ok(limit: int) -> None:
    """Row 24: exactly ``max_redirects`` redirects then 200 is ``ok``; one more is not."""
    with serve({}) as s:
        _chain_routes(s, limit)
        r = resolver(s, max_redirects=limit)
        res = r.resolve(s.url("/c/0"))
        assert res.status == "ok", res
        assert res.final_url == s.url(f"/c/{limit}")
    with serve({}) as s:
        _chain_routes(s, limit + 1)
        res = resolver(s, max_redirects=limit).resolve(s.url("/c/0"))
        assert res.status == "too_many_redirects", res


def test_row_25_zero_redirects_allowed() -> None:
    """Row 25: ``max_redirects=0`` and a 302 gives ``too_many_redirects``."""
    with serve({}) as s:
        s.routes["/r"] = redirect(s.url("/ok"))
        s.routes["/ok"] = ok()
        res = resolver(s, max_redirects=0).resolve(s.url("/r"))
        assert res.status == "too_many_redirects", res
        assert "/ok" not in s.paths


BAD_LOCATIONS: dict[str, bytes] = {
    "missing": b"HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n",
    "empty": b"HTTP/1.1 302 Found\r\nLocation: \r\nContent-Length: 0\r\n\r\n",
    "unclosed v6": b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n",
    "bad escape": b"HTTP/1.1 302 Found\r\nLocation: http://%zz/\r\nContent-Length: 0\r\n\r\n",
    "60 KB": b"HTTP/1.1 302 Found\r\nLocation: http://example.com/"
    + b"a" * 60_000
    + b"\r\nContent-Length: 0\r\n\r\n",
    "binary": b"HTTP/1.1 302 Found\r\nLocation: http://\xff\xfe\x00/\r\nContent-Length: 0\r\n\r\n",
    "two": b"HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n",
    "bad port": b"HTTP/1.1 301 X\r\nLocation: http://example.com:99999/\r\n"
    b"Content-Length: 0\r\n\r\n",
    "spaces": b"HTTP/1.1 301 X\r\nLocation:    \t \r\nContent-Length: 0\r\n\r\n",
}


@pytest.mark.parametrize("head", BAD_LOCATIONS.values(), ids=BAD_LOCATIONS.keys())
def test_row_26_garbage_location_headers_give_a_status(head: bytes) -> None:
    """Row 26: 302 without Location, broken, huge, empty or binary Location: a status."""
    with serve({"/r": raw(head)}) as s:
        res = resolver(s).resolve(s.url("/r"))
        assert res.status in STATUSES - {"ok"}, res
        assert res.chain, res


def _timed_resolve(r: Any, url: str) -> tuple[Any, float]:
    start = time.monotonic()
    res = r.resolve(url)
    return res, time.monotonic() - start


def test_row_27_trickled_headers_time_out() -> None:
    """Row 27: headers sent one byte every 0.3 s: ``timeout`` within 2*timeout + 1.5 s."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"
    with serve({"/": trickle(head, 0.3, limit=10)}) as s:
        res, took = _timed_resolve(resolver(s, timeout=T), s.url("/"))
        assert res.status == "timeout", res
        assert took <= BOUND, took


def test_row_28_trickled_body_is_bounded() -> None:
    """Row 28: a body sent one byte every 0.3 s: ``timeout`` or ``ok`` within the bound."""

    def route(conn: socket.socket, req: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 500\r\n\r\n")
        trickle(b"<" * 500, 0.3, limit=10)(conn, req)

    with serve({"/": route}) as s:
        res, took = _timed_resolve(resolver(s, timeout=T), s.url("/"))
        assert res.status in ("timeout", "ok"), res
        assert took <= BOUND, took


def test_row_29_deadline_spans_hops() -> None:
    """Row 29: 12 hops of 0.4 s each with timeout 1 s: ``timeout`` (the deadline spans hops)."""
    with serve({}) as s:

        def slow(conn: socket.socket, req: Request) -> None:
            n = int(req.path.split("/")[2])
            time.sleep(0.4)
            redirect(s.url(f"/h/{n + 1}") if n < 12 else "/done")(conn, req)

        s.routes.update({f"/h/{i}": slow for i in range(13)})
        s.routes["/done"] = ok()
        res, took = _timed_resolve(resolver(s, timeout=T), s.url("/h/0"))
        assert res.status == "timeout", res
        assert took <= BOUND, took
        assert len(s.requests) <= 5


@pytest.fixture
def gate() -> Iterator[threading.Event]:
    """An event the slow fake DNS waits on; set at teardown so no thread lingers."""
    ev = threading.Event()
    yield ev
    ev.set()


def test_row_30_slow_dns_times_out(gate: threading.Event) -> None:
    """Row 30: a DNS answer that takes 8 s, timeout 1 s: ``timeout`` within the bound."""

    def slow_dns(host: str, port: int) -> list[str]:
        gate.wait(8)
        return ["127.0.0.1"]

    r = make_resolver(dns=slow_dns, timeout=T, max_retries=0, allow_private=True)
    res, took = _timed_resolve(r, "http://slow-dns.example/")
    assert res.status == "timeout", res
    assert took <= BOUND, took


def test_row_31_resolve_many_with_trickling_urls() -> None:
    """Row 31: 4 trickling URLs and 1 good one: order kept, statuses right, bounded time."""
    head = b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 50
    with serve({"/slow": trickle(head, 0.3, limit=10), "/good": ok()}) as s:
        urls = [s.url(f"/slow?{i}") for i in range(2)] + [s.url("/good")]
        urls += [s.url(f"/slow?{i}") for i in range(2, 4)]
        r = resolver(s, timeout=T)
        start = time.monotonic()
        results = r.resolve_many(urls)
        took = time.monotonic() - start
        assert [x.url for x in results] == urls
        assert [x.status for x in results] == ["timeout"] * 2 + ["ok"] + ["timeout"] * 2
        assert took <= 2 * BOUND, took


_MEMORY_CHILD = """
import json, resource, sys
from embedres.resolve.resolver import Resolver
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
r = Resolver(cache=None, allow_private=True, timeout=60, max_retries=0)
r.resolve(sys.argv[1])  # warm-up: imports, session, TLS context
base = peak()
out = []
for url in sys.argv[2:]:
    res = r.resolve(url)
    out.append([url, res.status, res.error, peak() - base])
print(json.dumps({"base": base, "results": out}))
"""


def _rss_run(warm: str, urls: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_MEMORY_CHILD), warm, *urls],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
        ),
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


def _stream(total: int, framing: str) -> Route:
    def route(conn: socket.socket, req: Request) -> None:
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        head += {
            "length": f"Content-Length: {total}\r\n",
            "chunked": "Transfer-Encoding: chunked\r\n",
            "close": "Connection: close\r\n",
        }[framing]
        conn.sendall(head.encode() + b"\r\n")
        block = b"<p>" + b"a" * ((1 << 16) - 3)
        sent = 0
        while sent < total:
            if framing == "chunked":
                conn.sendall(b"10000\r\n" + block + b"\r\n")
            else:
                conn.sendall(block)
            sent += len(block)
        if framing == "chunked":
            conn.sendall(b"0\r\n\r\n")
        conn.shutdown(socket.SHUT_RDWR)

    return route


def _quiet(route: Route) -> Route:
    """The client hanging up early is expected: ignore the broken pipe."""

    def wrapped(conn: socket.socket, req: Request) -> None:
        with contextlib.suppress(OSError):
            route(conn, req)

    return wrapped


def test_row_32_huge_bodies_in_flat_memory() -> None:
    """Row 32: 200 MiB bodies framed by Content-Length, chunked or a close: peak RSS grows by
    less than 64 MiB, and each gives a valid status."""
    routes = {f"/{f}": _quiet(_stream(200 << 20, f)) for f in ("length", "chunked", "close")}
    routes["/warm"] = ok()
    with serve(routes) as s:
        report = _rss_run(s.url("/warm"), [s.url(f"/{f}") for f in ("length", "chunked", "close")])
    for url, status, error, grown in report["results"]:
        print(f"row 32 {url}: {status} ({error}), peak RSS +{grown:.1f} MiB")
        assert status in STATUSES, (url, status, error)
        assert grown < 64, f"{url}: peak RSS grew {grown:.1f} MiB"


def test_row_33_oversized_heads_give_a_status() -> None:
    """Row 33: a 1 MiB header line, or 5000 headers: a valid status, no exception."""
    line = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1 << 20) + b"\r\nContent-Length: 0\r\n\r\n"
    many = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(5000))
    many += b"Content-Length: 0\r\n\r\n"
    with serve({"/line": _quiet(raw(line)), "/many": _quiet(raw(many))}) as s:
        r = resolver(s)
        for path in ("/line", "/many"):
            res = r.resolve(s.url(path))
            assert res.status in STATUSES, res
            assert res.status != "ok" or path == "/many", res


@functools.cache
def _bomb(encoding: str) -> bytes:
    return bomb(encoding)


def _bomb_route(encoding: str, status: str = "200 OK", location: str | None = None) -> Route:
    def route(conn: socket.socket, req: Request) -> None:
        headers = [("Content-Type", "text/html"), ("Content-Encoding", encoding)]
        if location:
            headers.append(("Location", location))
        send(conn, status, headers, _bomb(encoding))

    return _quiet(route)


def test_rows_34_35_compression_bombs_in_flat_memory() -> None:
    """Rows 34, 35: gzip, deflate, ``gzip, gzip`` and br bombs (256 MiB inflated), and a gzip
    bomb as a 302 body: peak RSS grows by less than 64 MiB."""
    encodings = ["gzip", "deflate", "gzip, gzip", "br"]
    routes: dict[str, Route] = {f"/{i}": _bomb_route(e) for i, e in enumerate(encodings)}
    routes["/warm"] = ok()
    routes["/target"] = ok()
    with serve(routes) as s:
        routes["/302"] = _bomb_route("gzip", "302 Found", s.url("/target"))
        urls = [s.url(f"/{i}") for i in range(len(encodings))] + [s.url("/302")]
        report = _rss_run(s.url("/warm"), urls)
    for url, status, error, grown in report["results"]:
        print(f"row 34/35 {url}: {status} ({error}), peak RSS +{grown:.1f} MiB")
        assert status in STATUSES, (url, status, error)
        assert grown < 64, f"{url}: peak RSS grew {grown:.1f} MiB"
    assert report["results"][-1][1] == "ok", "the 302's target should still be reached"


def test_row_36_tls_to_plain_port_and_handshake_stall() -> None:
    """Row 36: https to a plain-HTTP port gives ``error``; a handshake that never answers
    gives ``timeout``; both within the bound."""
    plain = ok()

    def stall(conn: socket.socket, req: Request) -> None:
        time.sleep(8)

    with serve({"/": plain}) as s:
        res, took = _timed_resolve(resolver(s, timeout=T), s.url("/", scheme="https"))
        assert res.status in ("error", "timeout"), res
        assert took <= BOUND, took
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts (kernel backlog) and never speaks TLS
    try:
        port = listener.getsockname()[1]
        r = make_resolver(allow_hosts=(f"127.0.0.1:{port}",), timeout=T, max_retries=0)
        res, took = _timed_resolve(r, f"https://127.0.0.1:{port}/")
        assert res.status in ("timeout", "error"), res
        assert took <= BOUND, took
    finally:
        listener.close()
    del stall


def _reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def test_row_37_reset_mid_body_and_bad_chunking() -> None:
    """Row 37: a reset mid-body and invalid chunked framing: ``error`` (or a valid status)."""

    def reset(conn: socket.socket, req: Request) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n"
            b"\r\n<html>" + b"a" * 1000
        )
        time.sleep(0.05)
        _reset(conn)

    bad_chunks = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        b"\r\nzz\r\n<html>\r\n0\r\n\r\n"
    )
    huge_chunk = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
        b"\r\nffffffffffffffffffff\r\n<html>"
    )
    with serve(
        {"/reset": reset, "/chunks": _quiet(raw(bad_chunks)), "/huge": _quiet(raw(huge_chunk))}
    ) as s:
        r = resolver(s, timeout=5.0)
        for path in ("/reset", "/chunks", "/huge"):
            res = r.resolve(s.url(path))
            assert res.status in STATUSES, res
            assert res.status == "error", (path, res)
            assert res.error and len(res.error) < 300, res
