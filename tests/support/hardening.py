"""Loopback test servers for the hardening tests: raw HTTP responses, connection counting.

Every server binds 127.0.0.1 (or ::1) on a free port and only ever talks to the test process.
A route is a function ``(conn, request) -> None`` that writes raw bytes to the socket, so the
tests can send exactly what a hostile server would: trickled heads, bombs, broken framing.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

Route = Callable[[socket.socket, "Request"], None]


@dataclass
class Request:
    """What the server read of one request."""

    method: str
    path: str
    head: bytes
    headers: dict[str, str]


@dataclass
class Server:
    """A running loopback server: ``url(path)`` builds URLs, counters show what reached it."""

    host: str
    port: int
    routes: dict[str, Route]
    connections: int = 0
    requests: list[Request] = field(default_factory=list)
    _sock: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/", *, host: str | None = None, scheme: str = "http") -> str:
        """The URL of ``path`` on this server (``host`` overrides the spelling of the host)."""
        h = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{scheme}://{h}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        """Paths requested so far, in order."""
        with self._lock:
            return [r.path for r in self.requests]

    def _serve(self) -> None:
        assert self._sock is not None
        self._sock.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            while True:
                req = _read_request(conn)
                if req is None:
                    return
                with self._lock:
                    self.requests.append(req)
                route = self.routes.get(req.path.split("?", 1)[0], not_found)
                try:
                    route(conn, req)
                except OSError:
                    return
                if req.headers.get("connection", "").lower() == "close":
                    return


def _read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(65536)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            return None
    head = data.split(b"\r\n\r\n", 1)[0]
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(parts[0], parts[1] if len(parts) > 1 else "/", head, headers)


@contextmanager
def serve(routes: dict[str, Route], host: str = "127.0.0.1") -> Iterator[Server]:
    """Run a loopback server with ``routes`` for the duration of the block."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(128)
    server = Server(host, sock.getsockname()[1], routes, _sock=sock)
    thread = threading.Thread(target=server._serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server._stop.set()
        thread.join(2)
        sock.close()


def send(conn: socket.socket, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
    """Write one complete response with a Content-Length."""
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    if not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        head += f"Content-Length: {len(body)}\r\n"
    conn.sendall(head.encode("latin-1") + b"\r\n" + body)


def ok(body: bytes = b"<html><title>ok</title></html>", ctype: str = "text/html") -> Route:
    """A 200 with ``body``."""
    return lambda conn, req: send(conn, "200 OK", [("Content-Type", ctype)], body)


def redirect(location: str, status: str = "302 Found", body: bytes = b"") -> Route:
    """A redirect to ``location`` (sent verbatim)."""

    def route(conn: socket.socket, req: Request) -> None:
        send(conn, status, [("Location", location), ("Content-Type", "text/html")], body)

    return route


def not_found(conn: socket.socket, req: Request) -> None:
    """A 404."""
    send(conn, "404 Not Found", [("Content-Type", "text/plain")], b"not found")


def raw(data: bytes, *, close: bool = True) -> Route:
    """Write ``data`` verbatim, then close the connection."""

    def route(conn: socket.socket, req: Request) -> None:
        conn.sendall(data)
        if close:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    return route


def trickle(data: bytes, interval: float, limit: float = 30.0) -> Route:
    """Send ``data`` one byte every ``interval`` seconds (at most ``limit`` seconds)."""

    def route(conn: socket.socket, req: Request) -> None:
        stop = time.monotonic() + limit
        for i in range(len(data)):
            if time.monotonic() > stop:
                return
            conn.sendall(data[i : i + 1])
            time.sleep(interval)

    return route


def stream(total: int, *, framing: str = "length", chunk: int = 1 << 16) -> Route:
    """Stream ``total`` zero bytes framed by Content-Length, chunked encoding or a close."""

    def route(conn: socket.socket, req: Request) -> None:
        headers = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
        if framing == "length":
            headers += f"Content-Length: {total}\r\n"
        elif framing == "chunked":
            headers += "Transfer-Encoding: chunked\r\n"
        else:
            headers += "Connection: close\r\n"
        conn.sendall(headers.encode() + b"\r\n")
        block = b"<p>" + b"a" * (chunk - 3)
        sent = 0
        while sent < total:
            piece = block[: min(chunk, total - sent)]
            if framing == "chunked":
                conn.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            else:
                conn.sendall(piece)
            sent += len(piece)
        if framing == "chunked":
            conn.sendall(b"0\r\n\r\n")
        with suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)

    return route


def bomb(encoding: str, inflated: int = 256 << 20) -> bytes:
    """A body inflating to ``inflated`` bytes (a multiple of 1 MiB) for ``Content-Encoding``
    ``gzip``, ``deflate``, ``gzip, gzip`` or ``br``.

    One fully flushed deflate block of 1 MiB of zeros is repeated, so building a 256 MiB bomb
    takes milliseconds instead of compressing 256 MiB.
    """
    mib = 1 << 20
    blocks = inflated // mib
    zeros = b"\0" * mib
    if encoding == "br":
        import brotli  # type: ignore[import-untyped]

        comp = brotli.Compressor(quality=1)
        out: bytes = b"".join(comp.compress(zeros) for _ in range(blocks)) + comp.finish()
        return out
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    raw_deflate = block * blocks + comp.flush(zlib.Z_FINISH)
    crc = adler = 0
    adler = 1
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
        adler = zlib.adler32(zeros, adler)
    if encoding == "deflate":
        return b"\x78\x9c" + raw_deflate + adler.to_bytes(4, "big")
    gz = (
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
        + raw_deflate
        + crc.to_bytes(4, "little")
        + (inflated & 0xFFFFFFFF).to_bytes(4, "little")
    )
    if encoding == "gzip, gzip":
        return gzip.compress(gz, 6)
    return gz


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux: ru_maxrss is KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
