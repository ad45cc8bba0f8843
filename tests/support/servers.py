"""Loopback HTTP servers for end-to-end tests of the HTTP layer and the resolver.

Everything binds to 127.0.0.x or ::1 and is started by the test itself. A route is a function
``route(conn, req)`` that writes the raw answer to the socket, so a test can misbehave at the
byte level (trickle, lie about lengths, send bombs). Helpers build the usual routes::

    with LoopbackServer({"/": html(b"<p>hi</p>"), "/r": redirect("/")}) as srv:
        srv.url("/r")          # http://127.0.0.1:PORT/r
        srv.connections        # TCP connections accepted so far
        srv.requests           # (method, path, headers) received

Connections are kept alive (HTTP/1.1) until a route closes them or the client leaves.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LoopbackServer",
    "Request",
    "Route",
    "big_body",
    "bomb_route",
    "gzip_bomb",
    "html",
    "redirect",
    "respond",
    "trickle_body",
    "trickle_head",
]


@dataclass
class Request:
    """One request as received."""

    method: str
    path: str
    headers: dict[str, str]


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
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> LoopbackServer:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(128)
        sock.settimeout(0.2)
        self._sock = sock
        self.port = sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        """The URL of ``path`` on this server (``host`` replaces the address in the URL)."""
        name = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{'https' if self.tls else 'http'}://{name}:{self.port}{path}"

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
        conn.settimeout(10)
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                conn.close()
                return
        reader = conn.makefile("rb")
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
                (route or respond(404))(conn, req)
        except (_Close, OSError):
            return
        finally:
            reader.close()
            conn.close()


def _read_request(reader: Any) -> Request | None:
    line = reader.readline(65537)
    if not line:
        return None
    parts = line.decode("latin-1").split()
    headers: dict[str, str] = {}
    while True:
        h = reader.readline(65537)
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length:
        reader.read(length)
    return Request(parts[0] if parts else "", parts[1] if len(parts) > 1 else "", headers)


def _head(status: int, headers: list[tuple[str, str]], reason: str = "X") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(status: int, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> Route:
    """A route answering ``status`` with ``headers`` and ``body`` (Content-Length added)."""

    def route(conn: socket.socket, req: Request) -> None:
        head = [*(headers or []), ("Content-Length", str(len(body)))]
        conn.sendall(_head(status, head) + (b"" if req.method == "HEAD" else body))

    return route


def html(body: bytes, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Route:
    """An HTML page."""
    return respond(status, [("Content-Type", "text/html; charset=utf-8"), *(headers or [])], body)


def redirect(location: str | bytes, status: int = 302) -> Route:
    """A redirect; a bytes ``location`` is sent as raw (e.g. UTF-8) header bytes."""

    def route(conn: socket.socket, req: Request) -> None:
        loc = location if isinstance(location, bytes) else location.encode("latin-1")
        conn.sendall(
            f"HTTP/1.1 {status} R\r\nLocation: ".encode() + loc + b"\r\nContent-Length: 0\r\n\r\n"
        )

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


def big_body(total: int, *, framing: str = "length", ctype: str = "text/html") -> Route:
    """Stream ``total`` bytes without holding them: ``length``, ``chunked`` or ``close``."""
    block = b"a" * (1 << 16)

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
            piece = block[: total - sent]
            conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if framing == "chunked" else piece)
            sent += len(piece)
        if framing == "chunked":
            conn.sendall(b"0\r\n\r\n")
        raise _Close

    return route


_BOMBS: dict[tuple[str, int], bytes] = {}


def gzip_bomb(inflated: int = 128 << 20, *, encoding: str = "gzip") -> bytes:
    """Bytes that inflate to ``inflated`` zero bytes (built in slices, cached per size)."""
    key = (encoding, inflated)
    if key not in _BOMBS:
        comp = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
        zeros = bytes(1 << 20)
        parts = [comp.compress(zeros) for _ in range(inflated >> 20)]
        _BOMBS[key] = b"".join(parts) + comp.flush()
    return _BOMBS[key]


def bomb_route(
    body: bytes, *, status: int = 200, encoding: str = "gzip", location: str | None = None
) -> Route:
    """Serve a compressed bomb (optionally as the body of a redirect)."""
    headers = [("Content-Type", "text/html"), ("Content-Encoding", encoding)]
    if location:
        headers.append(("Location", location))
    return respond(status, headers, body)
