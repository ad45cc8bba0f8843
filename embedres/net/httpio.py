"""Helpers for :mod:`embedres.net.client`: its error and response types, capped body decoding,
host lookup with a time limit, and the watchdog that enforces a request's total deadline.

Import the public names from :mod:`embedres.net.client`, which re-exports them.

Nothing here opens a socket; the watchdog only shuts down sockets the HTTP layer opened.
"""

from __future__ import annotations

import contextlib
import heapq
import ipaddress
import itertools
import socket
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

from embedres.errors import (  # re-exported: the client raises them
    BlockedAddress,
    FetchError,
    FetchTimeout,
    InvalidArgument,
    InvalidURL,
    NoNetwork,
)
from embedres.net.options import check_user_agent

__all__ = [
    "BlockedAddress",
    "Decoder",
    "FetchError",
    "FetchTimeout",
    "HttpResponse",
    "InvalidURL",
    "NoNetwork",
    "RequestContext",
    "WatchTarget",
    "Watchdog",
    "check_options",
    "is_htmlish",
    "is_ip",
    "lookup_with_timeout",
    "read_body",
    "record",
    "system_resolver",
]

NameResolver = Callable[[str, int], Sequence[str]]
_CHUNK = 16 * 1024
_HTMLISH = ("html", "xml", "text/plain")


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """The answer to one request (never a redirect followed)."""

    url: str
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    truncated: bool
    encoding: str
    peer: str | None
    http_version: str
    request_head: bytes
    header_lines: tuple[tuple[str, str], ...]
    elapsed: float

    @property
    def status_line(self) -> bytes:
        """The response status line, e.g. ``b"HTTP/1.1 200 OK"``."""
        return f"{self.http_version} {self.status} {self.reason}".encode("latin-1", "replace")

    @property
    def content_type(self) -> str:
        """The media type, lower case, without parameters (``""`` when absent)."""
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


class RequestContext:
    """What one in-flight request has checked (host, port, addresses), its deadline, the
    sockets it uses (so the watchdog can cut them) and the request head it sent."""

    def __init__(self, host: str, port: int, addresses: Sequence[str], deadline: float) -> None:
        self.host, self.port, self.addresses, self.deadline = host, port, addresses, deadline
        self.lock = threading.Lock()
        self.socks: list[Any] = []
        self.sent = bytearray()
        self.head_done = False
        self.peer: str | None = None
        self.expired = False
        self.done = False

    def register(self, sock: Any) -> None:
        """Remember a socket this request uses (shut it down at once if already expired)."""
        with self.lock:
            self.socks.append(sock)
            if self.expired:
                _shutdown(sock)

    def expire(self) -> None:
        """Mark the request as out of time and shut its sockets down."""
        with self.lock:
            if self.done:
                return
            self.expired = True
            for sock in self.socks:
                _shutdown(sock)

    def finish(self) -> None:
        """Mark the request as over (later expiries do nothing)."""
        with self.lock:
            self.done = True
            self.socks.clear()


def _shutdown(sock: Any) -> None:
    with contextlib.suppress(OSError):  # the base-class call leaves an SSLSocket's state alone
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Decoder:
    """Undo one ``Content-Encoding`` (gzip or deflate) without inflating beyond a cap.

    Args:
        encoding: ``gzip``, ``x-gzip`` or ``deflate``.

    >>> import gzip
    >>> d = Decoder("gzip")
    >>> d.feed(gzip.compress(b"x" * 1000), limit=10)
    b'xxxxxxxxxx'
    >>> d.exhausted
    False
    """

    SUPPORTED = frozenset({"gzip", "x-gzip", "deflate"})

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        gzip_like = encoding in ("gzip", "x-gzip")
        self._obj: Any = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip_like else zlib.MAX_WBITS)
        self._raw_deflate_tried = gzip_like
        self._started = False
        self.exhausted = True
        """False when output was held back by the limit (more would follow)."""

    def feed(self, data: bytes, *, limit: int) -> bytes:
        """Decode ``data``, returning at most ``limit`` bytes.

        Raises:
            zlib.error: the data is not valid for the encoding.
        """
        try:
            out: bytes = self._obj.decompress(data, max(limit, 1))
        except zlib.error:
            # RFC 9110 says deflate is zlib-wrapped, but some servers send raw deflate.
            if self._started or self._raw_deflate_tried:
                raise
            self._raw_deflate_tried = True
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, max(limit, 1))
        self._started = True
        self.exhausted = not self._obj.unconsumed_tail
        return out


_ROUTE_TABLES = ("/proc/net/route", "/proc/net/ipv6_route")


def has_default_route(tables: Sequence[str] = _ROUTE_TABLES) -> bool:
    """Whether the machine has a route to the internet (a default route that is not loopback).

    Read from the kernel's routing tables; nothing is sent. Where they cannot be read (not
    Linux), True: a name that does not resolve is then reported as an answer about the host.
    """
    readable = False
    for table in tables:
        try:
            with open(table, encoding="ascii", errors="replace") as fh:
                lines = fh.read(1 << 20).splitlines()
        except OSError:
            continue
        readable = True
        for line in lines:
            f = line.split()
            if table.endswith("ipv6_route") and len(f) >= 10:
                if f[0] == "0" * 32 and f[1] == "00" and f[9] != "lo":
                    return True
            elif len(f) >= 2 and f[1] == "00000000" and f[0] != "lo" and f[0] != "Iface":
                return True
    return not readable


def system_resolver(host: str, port: int) -> list[str]:
    """Look ``host`` up with the operating system's resolver.

    Args:
        host: a host name (ASCII).
        port: the port that will be connected to.

    Returns:
        The addresses, in the resolver's order, without duplicates.

    Raises:
        OSError: the name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _DnsPool:
    """A few daemon threads running lookups, so a caller can stop waiting for a slow one."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._jobs: list[tuple[Future[Sequence[str]], NameResolver, str, int]] = []
        self._cv = threading.Condition()
        self._threads = 0
        self._idle = 0

    def submit(self, fn: NameResolver, host: str, port: int) -> Future[Sequence[str]]:
        fut: Future[Sequence[str]] = Future()
        with self._cv:
            self._jobs.append((fut, fn, host, port))
            if self._idle == 0 and self._threads < self._size:
                self._threads += 1
                threading.Thread(target=self._work, name="embedres-dns", daemon=True).start()
            self._cv.notify()
        return fut

    def _work(self) -> None:
        while True:
            with self._cv:
                self._idle += 1
                while not self._jobs:
                    self._cv.wait()
                self._idle -= 1
                fut, fn, host, port = self._jobs.pop(0)
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(host, port))
            except BaseException as exc:  # handed to the waiting caller
                fut.set_exception(exc)


_DNS = _DnsPool()


def lookup_with_timeout(fn: NameResolver, host: str, port: int, timeout: float) -> Sequence[str]:
    """Run ``fn(host, port)`` and give up after ``timeout`` seconds.

    Raises:
        TimeoutError: the lookup took longer than ``timeout``.
        Exception: whatever ``fn`` raised.
    """
    if timeout <= 0:
        raise TimeoutError("no time left for the host lookup")
    return _DNS.submit(fn, host, port).result(timeout=timeout)


class WatchTarget(Protocol):
    """Something the watchdog can interrupt when its deadline passes."""

    def expire(self) -> None:
        """Stop the work in progress (shut its sockets down)."""


class Watchdog:
    """One daemon thread that calls ``expire()`` on targets whose deadline has passed.

    A per-read socket timeout cannot stop a server that sends one byte every few seconds;
    shutting the socket down from another thread can.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._heap: list[tuple[float, int, weakref.ref[WatchTarget]]] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, when: float, target: WatchTarget) -> None:
        """Call ``target.expire()`` at monotonic time ``when`` (targets ignore late calls).

        Only a weak reference is kept: a finished request is freed at once, not at its deadline.
        """
        with self._cv:
            heapq.heappush(self._heap, (when, next(self._seq), weakref.ref(target)))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="embedres-watchdog", daemon=True
                )
                self._thread.start()
            if self._heap[0][2]() is target:
                self._cv.notify()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._heap or self._heap[0][0] > self._clock():
                    wait = self._heap[0][0] - self._clock() if self._heap else None
                    self._cv.wait(wait)
                target = heapq.heappop(self._heap)[2]()
            if target is not None:
                with contextlib.suppress(Exception):  # a failing target must not stop the watchdog
                    target.expire()


def is_ip(host: str) -> bool:
    """Whether ``host`` is an IP address literal (without brackets).

    >>> is_ip("::1"), is_ip("example.com")
    (True, False)
    """
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_htmlish(content_type: str) -> bool:
    """Whether a body of this Content-Type may hold a redirect or metadata worth reading.

    >>> is_htmlish("text/html; charset=utf-8"), is_htmlish("image/png"), is_htmlish("")
    (True, False, True)
    """
    ctype = content_type.lower()
    return not ctype.strip() or any(t in ctype for t in _HTMLISH)


def read_body(raw: Any, cap: int, encoding: str, decode: bool) -> tuple[bytes, bool, str]:
    """Stream a urllib3 response body, keeping at most ``cap`` bytes (after decoding).

    With ``cap`` 0 up to 16 KiB are drained, so a small body's connection can be reused.

    Returns:
        ``(body, truncated, encoding)``: ``truncated`` is True when bytes were left unread or
        cut; ``encoding`` is the Content-Encoding still applied to ``body`` (``""`` if none).
    """
    codings = [c.strip() for c in encoding.split(",") if c.strip() not in ("", "identity")]
    decoder = None
    if decode and len(codings) == 1 and codings[0] in Decoder.SUPPORTED:
        decoder = Decoder(codings[0])
    out = bytearray()
    seen = 0
    for chunk in raw.stream(_CHUNK, decode_content=False):
        seen += len(chunk)
        if cap == 0:
            if seen > _CHUNK:
                return b"", True, ""
            continue
        out += decoder.feed(chunk, limit=cap + 1 - len(out)) if decoder else chunk
        if len(out) > cap or (decoder is not None and not decoder.exhausted):
            del out[cap:]  # in place: a slice would be a third copy of a capped body
            return bytes(out), True, "" if decoder or not codings else ",".join(codings)
    if cap == 0:
        return b"", seen > 0, ""
    return bytes(out), False, "" if decoder or not codings else ",".join(codings)


def record(
    resp: Any,
    url: str,
    ctx: RequestContext,
    body: bytes,
    truncated: bool,
    encoding: str,
    start: float,
) -> HttpResponse:
    """Build the :class:`HttpResponse` of a ``requests`` response streamed for ``ctx``."""
    raw = resp.raw
    msg = getattr(getattr(raw, "_original_response", None), "msg", None)
    pairs = msg.items() if msg is not None else resp.headers.items()
    version = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(
        getattr(raw, "version", 11), "HTTP/1.1"
    )
    return HttpResponse(
        url=url,
        status=resp.status_code,
        reason=resp.reason or "",
        headers=resp.headers,
        body=body,
        truncated=truncated,
        encoding=encoding,
        peer=ctx.peer,
        http_version=version,
        request_head=bytes(ctx.sent),
        header_lines=tuple((str(k), str(v)) for k, v in pairs),
        elapsed=time.monotonic() - start,
    )


def check_options(
    user_agent: object, max_body: object, proxies: object, resolver: object, ca_bundle: object
) -> None:
    """Check the HTTP client's options (see :class:`embedres.net.client.HttpClient`).

    Raises:
        InvalidArgument: an option is malformed.

    >>> check_options(None, 1024, "env", None, None)
    """
    check_user_agent(user_agent)
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 0:
        raise InvalidArgument(f"max_body must be an int >= 0, not {max_body!r}")
    if not (proxies is None or proxies == "env" or isinstance(proxies, Mapping)):
        raise InvalidArgument('proxies must be "env", None or a mapping')
    if resolver is not None and not callable(resolver):
        raise InvalidArgument("resolver must be a function (host, port) -> [ip, ...]")
    if ca_bundle is not None and not (isinstance(ca_bundle, str) and ca_bundle):
        raise InvalidArgument("ca_bundle must be the path of a PEM file of CA certificates")
