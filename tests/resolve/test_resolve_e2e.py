"""End to end against loopback servers the tests start: hostile servers and the
connect-time address checks that ``responses`` would skip."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from embedres.net.client import BlockedAddress, FetchError, FetchTimeout, HttpClient
from embedres.net.policy import AddressPolicy
from embedres.resolve.resolver import Resolver
from tests.support.servers import (
    LoopbackServer,
    big_body,
    bomb_route,
    gzip_bomb,
    html,
    redirect,
    respond,
    trickle_body,
    trickle_head,
)

MiB = 1 << 20


def dns(table: dict[str, Sequence[str]]) -> Callable[[str, int], Sequence[str]]:
    """A fake name lookup; unknown names fail like NXDOMAIN."""

    def lookup(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise OSError("Name or service not known")
        return table[host]

    return lookup


def resolver(srv: LoopbackServer, **kw: Any) -> Resolver:
    kw.setdefault("cache", None)
    kw.setdefault("allow_hosts", (f"127.0.0.1:{srv.port}",))
    return Resolver(**kw)


def client(srv: LoopbackServer, **kw: Any) -> HttpClient:
    return HttpClient(policy=AddressPolicy(allow_hosts=(f"127.0.0.1:{srv.port}",)), **kw)


def test_chain_of_every_kind_over_real_sockets() -> None:
    routes = {
        "/a": redirect("/b", 301),
        "/b": html(b'<noscript><META HTTP-EQUIV="refresh" CONTENT="0; URL=/c"></noscript>'),
        "/c": respond(200, [("Refresh", "0;url=/d")]),
        "/d": html(b'<script>location.replace("\\/caf\xc3\xa9")</script>'),
        "/caf%C3%A9": redirect("/end", 308),
        "/end": html(b'<link rel="canonical" href="/canon">'),
    }
    with LoopbackServer(routes) as srv:
        res = resolver(srv).resolve(srv.url("/a"))
    assert res.status == "ok", res
    assert res.final_url == srv.url("/end")
    assert res.canonical_url == srv.url("/canon")
    assert [h.via for h in res.chain] == ["http", "meta", "refresh", "js", "http", "final"]
    assert srv.connections == 1  # one kept-alive connection for the whole chain


def test_utf8_location_is_reencoded_from_latin1() -> None:
    routes = {"/a": redirect("/été".encode()), "/%C3%A9t%C3%A9": html(b"ok")}
    with LoopbackServer(routes) as srv:
        res = resolver(srv).resolve(srv.url("/a"))
    assert res.status == "ok", res
    assert res.chain[0].location == srv.url("/été")


def test_redirect_to_a_port_not_allowed_reaches_nothing() -> None:
    with LoopbackServer({"/": html(b"secret")}) as target:
        with LoopbackServer({"/go": redirect(target.url("/"))}) as origin:
            res = resolver(origin).resolve(origin.url("/go"))
        assert res.status == "blocked", res
        assert res.chain[0].location == target.url("/")
        assert target.connections == 0 and target.requests == []


def test_name_resolving_to_loopback_is_blocked_before_connecting() -> None:
    with LoopbackServer({"/": html(b"secret")}) as target:
        r = Resolver(cache=None, name_resolver=dns({"evil.example": ["127.0.0.1"]}))
        res = r.resolve(f"http://evil.example:{target.port}/")
        res80 = r.resolve("http://evil.example/")
    assert res.status == res80.status == "blocked"
    assert target.connections == 0


def test_dns_answer_is_used_once_per_request() -> None:
    """Rebinding: the address checked is the address connected to; no second lookup."""
    calls: list[str] = []

    good = LoopbackServer({"/": html(b"ok")}, host="127.0.0.2")
    with good, LoopbackServer({"/": html(b"no")}, host="127.0.0.3", port=good.port) as bad:

        def lookup(host: str, port: int) -> list[str]:
            calls.append(host)
            return ["127.0.0.2"] if len(calls) == 1 else ["127.0.0.3"]

        c = HttpClient(policy=AddressPolicy(allow_hosts=("127.0.0.2",)), resolver=lookup)
        assert c.request("GET", f"http://rebind.example:{good.port}/").peer == "127.0.0.2"
        with pytest.raises(BlockedAddress):
            c.request("GET", f"http://rebind.example:{good.port}/again")
        assert bad.connections == 0 and calls == ["rebind.example"] * 2


def test_trickled_headers_time_out_within_the_deadline() -> None:
    with LoopbackServer({"/": trickle_head(0.05, total=10)}) as srv:
        start = time.monotonic()
        res = resolver(srv, timeout=1.0, request_timeout=0.5).resolve(srv.url("/"))
        took = time.monotonic() - start
    assert res.status == "timeout", res
    assert took < 2 * 1.0 + 1.5


def test_trickled_body_cannot_hold_a_worker() -> None:
    with LoopbackServer({"/": trickle_body(0.05, total=10)}) as srv:
        start = time.monotonic()
        with pytest.raises(FetchTimeout):
            client(srv, deadline=1.0).request("GET", srv.url("/"), read="all")
        assert time.monotonic() - start < 2.5


def test_resolve_many_with_trickling_and_good_links_keeps_order() -> None:
    routes = {"/slow": trickle_head(0.05, total=10), "/ok": html(b"fine")}
    with LoopbackServer(routes) as srv:
        urls = [srv.url("/slow"), srv.url("/ok"), srv.url("/slow?2"), srv.url("/slow?3")]
        start = time.monotonic()
        got = resolver(srv, timeout=1.0).resolve_many(urls, concurrency=4)
        assert time.monotonic() - start < 4.0
    assert [r.url for r in got] == urls
    assert [r.status for r in got] == ["timeout", "ok", "timeout", "timeout"]


@pytest.mark.parametrize("framing", ["length", "chunked", "close"])
def test_200_mib_body_is_read_only_up_to_the_cap(framing: str) -> None:
    with LoopbackServer({"/": big_body(200 * MiB, framing=framing)}) as srv:
        c = client(srv)
        tracemalloc.start()
        try:
            resp = c.request("GET", srv.url("/"), read="all", max_body=MiB)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(resp.body) == MiB and resp.truncated
    assert peak < 8 * MiB


def test_200_mib_body_does_not_slow_resolution() -> None:
    with LoopbackServer({"/": big_body(200 * MiB, ctype="video/mp4")}) as srv:
        start = time.monotonic()
        res = resolver(srv).resolve(srv.url("/"))
    assert res.status == "ok" and time.monotonic() - start < 5


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_is_not_inflated(encoding: str) -> None:
    body = gzip_bomb(64 * MiB, encoding=encoding)
    with LoopbackServer({"/": bomb_route(body, encoding=encoding)}) as srv:
        c = client(srv)
        tracemalloc.start()
        try:
            resp = c.request("GET", srv.url("/"), read="all", max_body=MiB)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert resp.truncated and len(resp.body) == MiB and resp.body == bytes(MiB)
    assert peak < 8 * MiB


def test_bomb_in_a_redirect_body_is_not_inflated() -> None:
    body = gzip_bomb(64 * MiB)
    with LoopbackServer(
        {"/r": bomb_route(body, status=302, location="/end"), "/end": html(b"ok")}
    ) as srv:
        tracemalloc.start()
        try:
            res = resolver(srv).resolve(srv.url("/r"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert res.status == "ok" and res.final_url == srv.url("/end")
    assert peak < 8 * MiB


def test_stacked_encodings_are_returned_undecoded() -> None:
    body = gzip_bomb(8 * MiB)
    with LoopbackServer({"/": bomb_route(body, encoding="gzip, gzip")}) as srv:
        resp = client(srv).request("GET", srv.url("/"), read="all", max_body=1024)
    assert resp.encoding == "gzip,gzip" and len(resp.body) == 1024


def test_connection_refused_and_garbage_answers_are_errors() -> None:
    def garbage(conn: Any, req: Any) -> None:
        conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")

    def long_header(conn: Any, req: Any) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX: " + b"a" * (1 << 20) + b"\r\n\r\n")

    with LoopbackServer({"/g": garbage, "/h": long_header}) as srv:
        r = resolver(srv, max_retries=0)
        assert r.resolve(srv.url("/g")).status == "error"
        assert r.resolve(srv.url("/h")).status == "error"
    with pytest.raises(FetchError):  # the server is gone: nothing listens on its port
        client(srv).request("GET", srv.url("/"))


def test_wire_records_for_warc_writers() -> None:
    with LoopbackServer({"/": html(b"<p>x</p>", headers=[("X-Dup", "1"), ("X-Dup", "2")])}) as srv:
        resp = client(srv, user_agent="probe/1").request("GET", srv.url("/"))
    assert resp.request_head.startswith(b"GET / HTTP/1.1\r\n")
    assert b"User-Agent: probe/1\r\n" in resp.request_head
    assert resp.request_head.endswith(b"\r\n\r\n")
    assert resp.status_line == b"HTTP/1.1 200 X" and resp.http_version == "HTTP/1.1"
    assert ("X-Dup", "1") in resp.header_lines and ("X-Dup", "2") in resp.header_lines
    assert resp.peer == "127.0.0.1" and resp.body == b"<p>x</p>" and not resp.truncated


def test_no_cookies_are_kept_or_sent() -> None:
    routes = {"/set": html(b"x", headers=[("Set-Cookie", "sid=1; Path=/")]), "/next": html(b"y")}
    with LoopbackServer(routes) as srv:
        c = client(srv)
        c.request("GET", srv.url("/set"))
        c.request("GET", srv.url("/next"))
    assert all("cookie" not in r.headers for r in srv.requests)


def test_ipv6_loopback_when_allowed() -> None:
    with LoopbackServer({"/a": redirect("/b"), "/b": html(b"v6")}, host="::1") as srv:
        res = Resolver(cache=None, allow_hosts=(f"[::1]:{srv.port}",)).resolve(srv.url("/a"))
        blocked = Resolver(cache=None).resolve(srv.url("/a"))
    assert res.status == "ok" and res.final_url == srv.url("/b"), res
    assert blocked.status == "blocked" and srv.connections == 1
