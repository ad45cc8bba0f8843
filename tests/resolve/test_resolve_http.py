"""The HTTP layer's API (embedres.net.client) as the archiver and oEmbed use it, and the resolver's
eager option checks."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from embedres.errors import InvalidArgument
from embedres.net.client import BlockedAddress, FetchError, HttpClient, InvalidURL
from embedres.net.policy import AddressPolicy
from embedres.resolve.resolver import Resolver
from tests.support.servers import LoopbackServer, Request, html, respond


def client(srv: LoopbackServer, **kw: Any) -> HttpClient:
    return HttpClient(policy=AddressPolicy(allow_hosts=(f"127.0.0.1:{srv.port}",)), **kw)


def echo(conn: Any, req: Request) -> None:
    body = f"{req.method} {req.path} {req.headers.get('content-length', '-')}".encode()
    respond(200, [("Content-Type", "text/plain")], body)(conn, req)


def test_methods_headers_and_data() -> None:
    with LoopbackServer({"/e": echo}) as srv:
        c = client(srv)
        assert c.request("POST", srv.url("/e"), data=b"abc").body == b"POST /e 3"
        assert c.request("post", srv.url("/e"), data={"a": "1"}).body == b"POST /e 3"
        head = c.request("HEAD", srv.url("/e"))
        assert head.status == 200 and head.body == b""
        c.request("GET", srv.url("/e"), headers={"X-Test": "1", "user-agent": "mine/1"})
    sent = srv.requests[-1].headers
    assert sent["x-test"] == "1" and sent["user-agent"] == "mine/1"


def test_read_modes_and_decoding() -> None:
    page = b"<p>" + b"x" * 5000 + b"</p>"
    packed = gzip.compress(page)
    routes = {
        "/img": respond(200, [("Content-Type", "image/png")], b"\x89PNG" * 100),
        "/gz": respond(200, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], packed),
    }
    with LoopbackServer(routes) as srv:
        c = client(srv)
        img = c.request("GET", srv.url("/img"))
        assert img.body == b"" and img.truncated and img.content_type == "image/png"
        assert c.request("GET", srv.url("/img"), read="all").body == b"\x89PNG" * 100
        assert c.request("GET", srv.url("/gz")).body == page
        raw = c.request("GET", srv.url("/gz"), decode=False)
        assert raw.body == packed and raw.encoding == "gzip"
        assert c.request("GET", srv.url("/gz"), read="none").body == b""
        cut = c.request("GET", srv.url("/gz"), max_body=100)
        assert cut.body == page[:100] and cut.truncated


def test_refusals_are_typed() -> None:
    c = HttpClient()
    for url, exc in [
        ("file:///etc/passwd", BlockedAddress),
        ("http://127.0.0.1/", BlockedAddress),
        ("http://[::1", InvalidURL),
        ("http://a b/", InvalidURL),
        ("http://x.example/\r\nX: y", InvalidURL),
    ]:
        with pytest.raises(exc):
            c.request("GET", url)
    failing = HttpClient(resolver=lambda h, p: (_ for _ in ()).throw(OSError("nx")))
    with pytest.raises(FetchError, match="cannot resolve"):
        failing.request("GET", "http://nx.example/")
    with pytest.raises(FetchError, match="no address"):
        HttpClient(resolver=lambda h, p: []).request("GET", "http://none.example/")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"user_agent": ""},
        {"user_agent": "a\nb"},
        {"deadline": 0},
        {"connect_timeout": -1},
        {"max_body": -1},
        {"max_body": 1.5},
        {"proxies": "yes"},
        {"resolver": 3},
        {"policy": "strict"},
    ],
)
def test_client_options_checked_eagerly(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        HttpClient(**kwargs)


@pytest.mark.parametrize(
    ("method", "read", "max_body"),
    [("PUT", "html", None), ("GET", "some", None), ("GET", "html", -5)],
)
def test_request_arguments_checked(method: str, read: str, max_body: Any) -> None:
    with pytest.raises(InvalidArgument):
        HttpClient().request(method, "https://x.example/", read=read, max_body=max_body)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"max_redirects": -1},
        {"max_redirects": 2.5},
        {"max_retries": -1},
        {"concurrency_typo": 1},
        {"allow_hosts": "127.0.0.1"},
        {"allow_private": 1},
        {"ttls": {"bogus": 1}},
        {"ttls": {"ok": -1}},
        {"cache": 42},
        {"offline": "yes"},
        {"retry_after_scope": "world"},
        {"user_agent": "x\ny"},
        {"per_host_concurrency": 0},
    ],
)
def test_resolver_options_checked_eagerly(kwargs: dict[str, Any]) -> None:
    with pytest.raises((InvalidArgument, TypeError)):
        Resolver(
            cache=None,
            **{k: v for k, v in kwargs.items() if k != "cache"},
            **({"cache": kwargs["cache"]} if "cache" in kwargs else {}),
        )


def test_resolve_many_argument_checks() -> None:
    r = Resolver(cache=None, offline=True)
    for bad in ("https://t.co/x", [b"https://t.co/x"], [None]):
        with pytest.raises(InvalidArgument):
            r.resolve_many(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        r.resolve_many([], concurrency=0)
    with pytest.raises(InvalidArgument):
        r.resolve(None)  # type: ignore[arg-type]
    assert r.resolve_many([]) == []


def test_sessions_of_finished_threads_are_closed() -> None:
    with LoopbackServer({"/": html(b"x")}) as srv:
        r = Resolver(cache=None, allow_hosts=(f"127.0.0.1:{srv.port}",))
        r.resolve_many([srv.url("/?1"), srv.url("/?2"), srv.url("/?3")], concurrency=3)
        assert all(t.is_alive() for t in r.http._sessions)
