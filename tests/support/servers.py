"""Loopback HTTP servers for end-to-end tests of the HTTP layer, the resolver, the hardening rows.

Everything binds to 127.0.0.x or ::1 and is started by the test itself. A route is a function
``route(conn, req)`` that writes the raw answer to the socket, so a test can misbehave at the
byte level (trickle, lie about lengths, send bombs, break framing). Helpers build the usual
routes::

    with LoopbackServer({"/": html(b"<p>hi</p>"), "/r": redirect("/")}) as srv:
        srv.url("/r")          # http://127.0.0.1:PORT/r
        srv.connections        # TCP connections accepted so far
        srv.requests           # Request(method, path, headers, head) received

    with serve({"/": ok()}) as srv:   # the same server as a context manager function
        ...

Connections are kept alive (HTTP/1.1) until a route closes them, the client asks for
``Connection: close`` or the client leaves. There is one accept loop: :class:`LoopbackServer`.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

__all__ = [
    "LoopbackServer",
    "Request",
    "Route",
    "Server",
    "big_body",
    "bomb",
    "bomb_route",
    "gzip_bomb",
    "html",
    "not_found",
    "ok",
    "peak_rss_mib",
    "raw",
    "redirect",
    "respond",
    "send",
    "serve",
    "stream",
    "trickle",
    "trickle_body",
    "trickle_head",
]


@dataclass
class Request:
    """One request as received."""

    method: str
    path: str
    headers: dict[str, str]
    head: bytes = b""
    """The raw request line and header lines, as sent."""


Route = Callable[[socket.socket, Request], None]


class _Close(Exception):
    """Raised by routes that want the connection closed after answering."""


@dataclass
class LoopbackServer:
    """A threaded raw-socket HTTP server bound to a loopback address."""

    routes: dict[str, Route]
    host: str = "127.0.0.1"
    port: int = 0
    latency: float = 0.0
    tls: ssl.SSLContext | None = None
    """Serve HTTPS with this server-side context."""
    connections: int = 0
    requests: list[Request] = field(default_factory=list)
    _sock: socket.socket | None = None
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> LoopbackServer:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        sock.settimeout(0.05)
        self._sock = sock
        self.port = sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self._sock is not None:
            self._sock.close()

    def url(self, path: str = "/", *, host: str | None = None, scheme: str | None = None) -> str:
        """The URL of ``path`` on this server (``host`` replaces the address in the URL)."""
        name = host or (f"[{self.host}]" if ":" in self.host else self.host)
        scheme = scheme or ("https" if self.tls else "http")
        return f"{scheme}://{name}:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        """Paths requested so far, in order."""
        with self._lock:
            return [r.path for r in self.requests]

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(30)
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                conn.close()
                return
        reader = _Reader(conn)
        try:
            while not self._stop.is_set():
                req = _read_request(reader)
                if req is None:
                    return
                with self._lock:
                    self.requests.append(req)
                if self.latency:
                    time.sleep(self.latency)
                route = self.routes.get(req.path.split("?", 1)[0]) or self.routes.get("*")
                (route or not_found)(conn, req)
                if req.headers.get("connection", "").lower() == "close":
                    return
        except (_Close, OSError, ValueError):
            return
        finally:
            conn.close()


Server = LoopbackServer
"""The name the hardening tests use for a running server."""


class _Reader:
    """Buffered reads straight from the socket (no ``makefile``, so a route that closes or
    resets the connection really closes it, and the next read fails at once)."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn, self.buf = conn, b""

    def _fill(self) -> bool:
        chunk = self.conn.recv(65536)
        self.buf += chunk
        return bool(chunk)

    def readline(self, limit: int) -> bytes:
        """One line, at most ``limit`` bytes (b"" when the peer has left)."""
        while b"\n" not in self.buf[:limit] and len(self.buf) < limit and self._fill():
            pass
        end = self.buf.find(b"\n", 0, limit)
        end = min(len(self.buf), limit) if end < 0 else end + 1
        line, self.buf = self.buf[:end], self.buf[end:]
        return line

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes (fewer when the peer leaves)."""
        while len(self.buf) < n and self._fill():
            pass
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


def _read_request(reader: _Reader) -> Request | None:
    line = reader.readline(65537)
    if not line:
        return None
    lines = [line]
    parts = line.decode("latin-1").split()
    headers: dict[str, str] = {}
    while True:
        h = reader.readline(65537)
        if h in (b"\r\n", b"\n", b""):
            break
        lines.append(h)
        name, _, value = h.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length:
        reader.read(length)
    head = b"".join(lines).rstrip(b"\r\n")
    return Request(parts[0] if parts else "", parts[1] if len(parts) > 1 else "/", headers, head)


@contextmanager
def serve(routes: dict[str, Route], host: str = "127.0.0.1") -> Iterator[LoopbackServer]:
    """Run a loopback server with ``routes`` for the duration of the block."""
    with LoopbackServer(routes, host=host) as server:
        yield server


def _head(status: int | str, headers: list[tuple[str, str]], reason: str = "X") -> bytes:
    line = f"HTTP/1.1 {status}" if isinstance(status, str) else f"HTTP/1.1 {status} {reason}"
    lines = [line, *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def send(conn: socket.socket, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
    """Write one complete response (``status`` like ``"200 OK"``), adding a Content-Length."""
    if not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        headers = [*headers, ("Content-Length", str(len(body)))]
    conn.sendall(_head(status, headers) + body)


def respond(status: int, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> Route:
    """A route answering ``status`` with ``headers`` and ``body`` (Content-Length added)."""

    def route(conn: socket.socket, req: Request) -> None:
        head = [*(headers or []), ("Content-Length", str(len(body)))]
        conn.sendall(_head(status, head) + (b"" if req.method == "HEAD" else body))

    return route


def html(body: bytes, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Route:
    """An HTML page."""
    return respond(status, [("Content-Type", "text/html; charset=utf-8"), *(headers or [])], body)


def ok(body: bytes = b"<html><title>ok</title></html>", ctype: str = "text/html") -> Route:
    """A 200 with ``body``."""
    return lambda conn, req: send(conn, "200 OK", [("Content-Type", ctype)], body)


def not_found(conn: socket.socket, req: Request) -> None:
    """A 404."""
    send(conn, "404 Not Found", [("Content-Type", "text/plain")], b"not found")


def redirect(location: str | bytes, status: int | str = 302, body: bytes = b"") -> Route:
    """A redirect to ``location``, sent verbatim; a bytes ``location`` is sent as raw header bytes
    (e.g. UTF-8). ``status`` is a code (``302``) or a whole status (``"301 Moved Permanently"``).
    """
    code = f"{status} R" if isinstance(status, int) else status

    def route(conn: socket.socket, req: Request) -> None:
        loc = location if isinstance(location, bytes) else location.encode("latin-1")
        ctype = b"Content-Type: text/html\r\n" if isinstance(status, str) else b""
        conn.sendall(
            f"HTTP/1.1 {code}\r\nLocation: ".encode()
            + loc
            + b"\r\n"
            + ctype
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    return route


def raw(data: bytes, *, close: bool = True) -> Route:
    """Write ``data`` verbatim, then (by default) shut the connection down."""

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


def trickle_head(interval: float, total: float = 30.0) -> Route:
    """Send a status line, then one header byte every ``interval`` seconds."""

    def route(conn: socket.socket, req: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        end = time.monotonic() + total
        while time.monotonic() < end:
            conn.sendall(b"a")
            time.sleep(interval)
        raise _Close

    return route


def trickle_body(interval: float, total: float = 30.0, ctype: str = "text/html") -> Route:
    """Send headers at once, then one body byte every ``interval`` seconds."""

    def route(conn: socket.socket, req: Request) -> None:
        conn.sendall(_head(200, [("Content-Type", ctype), ("Content-Length", "100000")]))
        end = time.monotonic() + total
        while time.monotonic() < end:
            conn.sendall(b"a")
            time.sleep(interval)
        raise _Close

    return route


def big_body(
    total: int, *, framing: str = "length", ctype: str = "text/html", block: bytes = b"a"
) -> Route:
    """Stream ``total`` bytes without holding them: ``length``, ``chunked`` or ``close`` framing.

    Each 64 KiB piece starts with ``block`` followed by ``a`` bytes.
    """
    piece_of = (block + b"a" * (1 << 16))[: 1 << 16]

    def route(conn: socket.socket, req: Request) -> None:
        headers = [("Content-Type", ctype)]
        if framing == "length":
            headers.append(("Content-Length", str(total)))
        elif framing == "chunked":
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Connection", "close"))
        conn.sendall(_head(200, headers))
        sent = 0
        while sent < total:
            piece = piece_of[: total - sent]
            conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if framing == "chunked" else piece)
            sent += len(piece)
        if framing == "chunked":
            conn.sendall(b"0\r\n\r\n")
        with suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)
        raise _Close

    return route


def stream(total: int, *, framing: str = "length") -> Route:
    """Stream ``total`` bytes of ``<p>aaa…`` blocks (see :func:`big_body`)."""
    return big_body(total, framing=framing, block=b"<p>")


_BOMBS: dict[tuple[str, int], bytes] = {}


def bomb(encoding: str, inflated: int = 256 << 20) -> bytes:
    """A body inflating to ``inflated`` bytes (a multiple of 1 MiB) for ``Content-Encoding``
    ``gzip``, ``deflate``, ``gzip, gzip`` or ``br`` (cached per encoding and size).

    One fully flushed deflate block of 1 MiB of zeros is repeated, so building a 256 MiB bomb
    takes milliseconds instead of compressing 256 MiB.
    """
    key = (encoding, inflated)
    if key not in _BOMBS:
        _BOMBS[key] = _build_bomb(encoding, inflated)
    return _BOMBS[key]


def _build_bomb(encoding: str, inflated: int) -> bytes:
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
    crc = 0
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


def gzip_bomb(inflated: int = 128 << 20, *, encoding: str = "gzip") -> bytes:
    """Bytes that inflate to ``inflated`` zero bytes (``gzip`` or ``deflate``; see :func:`bomb`)."""
    return bomb(encoding, inflated)


def bomb_route(
    body: bytes, *, status: int = 200, encoding: str = "gzip", location: str | None = None
) -> Route:
    """Serve a compressed bomb (optionally as the body of a redirect)."""
    headers = [("Content-Type", "text/html"), ("Content-Encoding", encoding)]
    if location:
        headers.append(("Location", location))
    return respond(status, headers, body)


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux: ru_maxrss is KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
