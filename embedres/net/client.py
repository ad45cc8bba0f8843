"""The only module that opens sockets: one guarded HTTP request at a time.

Stable API (the resolver, the archiver and oEmbed hydration call it)::

    client = HttpClient(
        policy=AddressPolicy(),      # embedres.net.policy: what may be contacted
        user_agent=None,             # None: "embedres/<version> (...)"
        connect_timeout=5.0,         # seconds per connection attempt
        read_timeout=10.0,           # seconds per socket read
        deadline=30.0,               # total seconds for one request, lookup to last byte
        max_body=1 << 20,            # default body cap in bytes
        proxies=None,                # None (direct), "env" (as requests reads them), or a dict
        resolver=None,               # (host, port) -> [ip, ...]; None: the system resolver
        ca_bundle=None,              # PEM file of CAs to trust instead of the system's
    )
    resp = client.request(
        "GET", url,                  # GET, HEAD or POST; exactly one request, no redirects
        headers=None, data=None,     # extra headers; a request body (bytes, str or a form dict)
        read="html",                 # "html" (body only for HTML/XML/untyped), "all", "none"
        max_body=None,               # cap for this call (None: the client's)
        timeout=None,                # total seconds for this call (capped by the client's)
        decode=True,                 # undo gzip/deflate (capped); False keeps the bytes as sent
    )
    client.prune()                   # close sessions of threads that have ended
    client.close()                   # also a context manager

``resp`` is an :class:`HttpResponse`: ``status``, ``reason``, ``headers`` (case-insensitive),
``body`` (at most the cap), ``truncated``, ``encoding`` (Content-Encoding still applied to
``body``, ``""`` when plain), ``peer`` (the IP connected to), ``http_version``,
``request_head`` (request line and headers exactly as sent), ``status_line`` and
``header_lines`` (the raw response head, for WARC records), ``elapsed``.

Errors (all subclasses of :class:`embedres.errors.EmbedresError`)::

    FetchError                 the request failed (connection, TLS, protocol); .transient
     ├── BlockedAddress        the address policy refused the URL or every address
     ├── FetchTimeout          a connect/read timeout or the total deadline passed
     └── InvalidURL            the URL cannot be parsed or prepared

Guarantees: the host is looked up once per request (through ``resolver``, within the
deadline); each address is checked by the policy and the socket connects to a checked address
(never a second lookup), while SNI, certificate checks and ``Host`` use the name; a kept-alive
connection is reused only for its own host and port, and leads to an address checked when it
was opened. No cookie
jar, no ``.netrc``, no automatic redirects; TLS is always verified. Bodies are streamed and
cut at the cap, compressed ones are never inflated beyond it. Proxies are opt-in: with one,
the target's addresses are still checked, but the proxy makes the connection, so DNS
rebinding is the proxy's business (see docs/security.md).
One ``requests.Session`` per calling thread.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from http.cookiejar import DefaultCookiePolicy
from typing import Any, Literal

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as u3conn

from embedres._version import __version__
from embedres.errors import InvalidArgument
from embedres.net import httpio as _httpio
from embedres.net.httpio import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HttpResponse,
    InvalidURL,
    NoNetwork,
)
from embedres.net.options import check_number
from embedres.net.policy import AddressPolicy

__all__ = [
    "DEFAULT_USER_AGENT",
    "BlockedAddress",
    "FetchError",
    "FetchTimeout",
    "HttpClient",
    "HttpResponse",
    "InvalidURL",
    "NameResolver",
]

NameResolver = _httpio.NameResolver
DEFAULT_USER_AGENT = f"embedres/{__version__} (link resolver and archiver; requests)"
_HEAD_CAP = 64 * 1024


_LOCAL = threading.local()
_WATCHDOG = _httpio.Watchdog()
RequestContext = _httpio.RequestContext


def _context() -> RequestContext | None:
    return getattr(_LOCAL, "ctx", None)


class _GuardMixin:
    """Connects only to addresses the current request's context has checked."""

    host: str
    port: int
    timeout: Any
    socket_options: Any
    proxy: Any

    def _new_conn(self) -> socket.socket:
        if getattr(self, "proxy", None) is not None:  # the configured proxy makes the connection
            return super()._new_conn()  # type: ignore[misc,no-any-return]
        ctx = _context()
        if ctx is None or (self.host.rstrip(".").lower(), self.port) != (ctx.host, ctx.port):
            raise BlockedAddress("connection was not checked by the address policy")
        failure: Exception | None = None
        for address in ctx.addresses:
            left = ctx.deadline - time.monotonic()
            if left <= 0:
                raise FetchTimeout("deadline passed while connecting")
            limit = self.timeout if isinstance(self.timeout, (int, float)) else left
            try:
                sock = u3conn.create_connection(
                    (address, self.port), min(limit, left), socket_options=self.socket_options
                )
            except TimeoutError:
                failure = FetchTimeout(f"connect to {self.host} timed out", transient=True)
                continue
            except OSError as exc:
                if exc.errno == errno.ENETUNREACH:
                    failure = NoNetwork(f"cannot connect to {self.host}: network is unreachable")
                    continue
                failure = FetchError(
                    f"cannot connect to {self.host}: {exc.strerror or exc}", transient=True
                )
                continue
            self._embedres_peer = address
            ctx.peer = address
            return sock
        raise failure or FetchError(f"no address to connect to for {self.host}")

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        ctx = _context()
        if ctx is not None and self.sock is not None:  # type: ignore[attr-defined]
            ctx.register(self.sock)  # type: ignore[attr-defined]

    def send(self, data: Any) -> None:
        ctx = _context()
        if ctx is not None and not ctx.head_done and isinstance(data, (bytes, bytearray)):
            ctx.sent += data[: _HEAD_CAP - len(ctx.sent)]
            end = ctx.sent.find(b"\r\n\r\n")
            if end >= 0 or len(ctx.sent) >= _HEAD_CAP:
                ctx.head_done = True
                del ctx.sent[end + 4 if end >= 0 else _HEAD_CAP :]
        super().send(data)  # type: ignore[misc]


class _HTTPConn(_GuardMixin, HTTPConnection):
    pass


class _HTTPSConn(_GuardMixin, HTTPSConnection):
    pass


class _PoolMixin:
    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        ctx = _context()
        if ctx is not None and conn.sock is not None:
            ctx.register(conn.sock)
        if ctx is not None:
            ctx.peer = getattr(conn, "_embedres_peer", None) if conn.sock else None
        return conn


class _HTTPPool(_PoolMixin, HTTPConnectionPool):
    ConnectionCls = _HTTPConn


class _HTTPSPool(_PoolMixin, HTTPSConnectionPool):
    ConnectionCls = _HTTPSConn


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(HTTPAdapter):
    """An adapter whose pools use the guarded connections, with retries off."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def _translate(exc: BaseException, ctx: RequestContext) -> FetchError:
    """Turn whatever requests/urllib3/sockets raised into one of our errors."""
    if isinstance(exc, FetchError) and not (ctx.expired and not isinstance(exc, BlockedAddress)):
        return exc
    if ctx.expired or time.monotonic() >= ctx.deadline:
        return FetchTimeout("total deadline passed", transient=True)
    timeouts = (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)
    if isinstance(exc, timeouts):
        return FetchTimeout("the server did not answer in time", transient=True)
    if isinstance(exc, requests.exceptions.SSLError):
        return FetchError("TLS error")
    if isinstance(exc, (requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError)):
        return InvalidURL(f"invalid URL: {exc}")
    name = type(exc).__name__
    transient = isinstance(exc, (requests.ConnectionError, OSError, urllib3.exceptions.HTTPError))
    return FetchError(f"request failed ({name})", transient=transient)


class HttpClient:
    """Makes single, policy-checked HTTP requests; see the module docstring for the API.

    Raises:
        InvalidArgument: an option is out of range or of the wrong kind.
    """

    def __init__(
        self,
        *,
        policy: AddressPolicy | None = None,
        user_agent: str | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        deadline: float = 30.0,
        max_body: int = 1 << 20,
        proxies: Literal["env"] | Mapping[str, str] | None = None,
        resolver: NameResolver | None = None,
        ca_bundle: str | None = None,
    ) -> None:
        if policy is not None and not isinstance(policy, AddressPolicy):
            raise InvalidArgument("policy must be an AddressPolicy")
        _httpio.check_options(user_agent, max_body, proxies, resolver, ca_bundle)
        self.policy = policy or AddressPolicy()
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self._headers = {"User-Agent": self.user_agent, "Accept": "*/*"}
        self._headers["Accept-Encoding"] = "gzip, deflate"  # decoded here, with a cap
        self.connect_timeout = check_number(connect_timeout, "connect_timeout")
        self.read_timeout = check_number(read_timeout, "read_timeout")
        self.deadline = check_number(deadline, "deadline")
        self.max_body = max_body
        self.proxies = proxies if proxies is None or proxies == "env" else dict(proxies)
        self.resolver: NameResolver = resolver or _httpio.system_resolver
        self.ca_bundle = ca_bundle
        self._local = threading.local()
        self._sessions: dict[threading.Thread, requests.Session] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every thread's session and its pooled connections."""
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.close()
        self._local = threading.local()

    def prune(self) -> None:
        """Close the sessions of threads that have ended (worker pools come and go)."""
        with self._lock:
            gone = [t for t in self._sessions if not t.is_alive()]
            sessions = [self._sessions.pop(t) for t in gone]
        for session in sessions:
            session.close()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no .netrc, no environment CA/proxy surprises
            session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
            session.headers = CaseInsensitiveDict(self._headers)
            for prefix in ("http://", "https://"):
                session.mount(prefix, _Adapter(max_retries=0))
            self._local.session = session
            with self._lock:
                self._sessions[threading.current_thread()] = session
        return session

    def _proxies_for(self, url: str) -> dict[str, str]:
        if self.proxies is None:
            return {}
        if self.proxies == "env":
            return dict(requests.utils.get_environ_proxies(url, no_proxy=None))
        return dict(self.proxies)

    def _addresses(self, host: str, port: int, deadline: float) -> list[str]:
        if _httpio.is_ip(host):
            found: Sequence[str] = [host]
        else:
            try:
                found = _httpio.lookup_with_timeout(
                    self.resolver, host, port, deadline - time.monotonic()
                )
            except TimeoutError:
                raise FetchTimeout(f"looking up {host} took too long", transient=True) from None
            except socket.gaierror as exc:
                # EAI_AGAIN: no name server could be reached (e.g. no network at all);
                # other codes (EAI_NONAME, ...) are answers about this host.
                if exc.errno == socket.EAI_AGAIN:
                    raise NoNetwork(f"cannot resolve {host}: no name service reachable") from None
                if not _httpio.has_default_route():  # "no such name" from a cut-off machine
                    raise NoNetwork(f"cannot resolve {host}: no route to the internet") from None
                raise FetchError(f"cannot resolve {host} ({exc.strerror or exc})") from None
            except Exception as exc:
                raise FetchError(f"cannot resolve {host} ({type(exc).__name__})") from None
        allowed: list[str] = []
        refusals: list[str] = []
        for address in found:
            why = self.policy.address_refusal(host, port, str(address))
            (refusals if why else allowed).append(why or str(address))
        if not found:
            raise FetchError(f"{host} has no address")
        if not allowed:
            raise BlockedAddress(refusals[0])
        return allowed

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: bytes | str | Mapping[str, str] | None = None,
        read: Literal["html", "all", "none"] = "html",
        max_body: int | None = None,
        timeout: float | None = None,
        decode: bool = True,
    ) -> HttpResponse:
        """Perform exactly one request, checked by the address policy.

        Args:
            method: ``GET``, ``HEAD`` or ``POST``.
            url: an absolute http(s) URL.
            headers: extra request headers.
            data: the request body.
            read: which bodies to read (see the module docstring).
            max_body: the body cap for this call.
            timeout: total seconds for this call (at most the client's ``deadline``).
            decode: undo gzip/deflate up to the cap.

        Returns:
            The response; 3xx answers are returned, not followed.

        Raises:
            BlockedAddress: the policy refused the URL or every address of its host.
            FetchTimeout: a timeout or the deadline passed.
            InvalidURL: the URL cannot be used.
            FetchError: any other failure.
            InvalidArgument: a bad method, ``read`` or ``max_body``.
        """
        method = method.upper() if isinstance(method, str) else ""
        if method not in ("GET", "HEAD", "POST"):
            raise InvalidArgument("method must be GET, HEAD or POST")
        if read not in ("html", "all", "none"):
            raise InvalidArgument('read must be "html", "all" or "none"')
        cap = self.max_body if max_body is None else max_body
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
            raise InvalidArgument("max_body must be an int >= 0")
        budget = self.deadline if timeout is None else min(self.deadline, max(timeout, 0.0))
        start = time.monotonic()
        prep, host, port = self._prepare(method, url, headers, data)
        ctx = RequestContext(host, port, [], start + budget)
        ctx.addresses = self._addresses(host, port, ctx.deadline)
        _WATCHDOG.watch(ctx.deadline, ctx)
        _LOCAL.ctx = ctx
        resp: requests.Response | None = None
        try:
            # The adapter, not Session.send: even with allow_redirects=False the session reads
            # (and inflates) a 3xx body to prepare the next hop, and it stores cookies.
            resp = (
                self._session()
                .get_adapter(prep.url or url)
                .send(
                    prep,
                    stream=True,
                    verify=self.ca_bundle or True,
                    timeout=(self.connect_timeout, self.read_timeout),
                    proxies=self._proxies_for(prep.url or url),
                )
            )
            ctype = resp.headers.get("Content-Type", "")
            want = method != "HEAD" and resp.status_code not in (204, 304)
            want = want and (read == "all" or (read == "html" and _httpio.is_htmlish(ctype)))
            coding = resp.headers.get("Content-Encoding", "").strip().lower()
            body, truncated, coding = _httpio.read_body(
                resp.raw, cap if want else 0, coding, decode
            )
            if ctx.expired:  # the watchdog cut the socket: what was read is incomplete
                raise FetchTimeout("total deadline passed", transient=True)
            return _httpio.record(resp, prep.url or "", ctx, body, truncated, coding, start)
        except Exception as exc:
            raise _translate(exc, ctx) from None
        finally:
            _LOCAL.ctx = None
            if resp is not None:
                resp.close()
            ctx.finish()

    def _prepare(
        self, method: str, url: str, headers: Mapping[str, str] | None, data: Any
    ) -> tuple[requests.PreparedRequest, str, int]:
        if not isinstance(url, str):
            raise InvalidURL("URL is not a string")
        if any(c in url for c in "\r\n\0") or not url.strip():
            raise InvalidURL("URL is empty or has control characters")
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        if scheme not in ("http", "https"):
            raise BlockedAddress(f"scheme {scheme!r} is not allowed" if scheme else "no scheme")
        try:
            # Prepared directly, not through the session: no cookie jar, auth or hooks to merge.
            prep = requests.PreparedRequest()
            prep.prepare(
                method=method, url=url, headers={**self._headers, **(headers or {})}, data=data
            )
            parsed = urllib3.util.parse_url(prep.url or "")
        except Exception as exc:
            raise InvalidURL(f"invalid URL ({type(exc).__name__})") from None
        why = self.policy.url_refusal(prep.url or "")
        if why:
            raise BlockedAddress(why)
        host = (parsed.host or "").strip("[]").rstrip(".").lower()
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        return prep, host, port
