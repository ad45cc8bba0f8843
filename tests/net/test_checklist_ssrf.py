"""Checklist rows 1-21 (docs/security.md 4.1): SSRF and policy, end to end.

Every row runs the real resolver against loopback servers started here and counts what reached
them. Names are looked up through a fake resolver function; connection attempts to any other
address are recorded (and stopped by the conftest guard), so "0 connections" is checked both on
our servers and on the socket layer.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.resolvers import fake_dns, make_resolver
from tests.support.servers import Request, Server, ok, redirect, send, serve

BAD = {"blocked", "error"}


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every address a socket tried to connect to during the test (on top of the guard)."""
    seen: list[Any] = []
    guarded_connect = socket.socket.connect
    guarded_connect_ex = socket.socket.connect_ex

    def connect(sock: socket.socket, address: Any) -> None:
        seen.append(address)
        guarded_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        seen.append(address)
        return guarded_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield seen


@pytest.fixture
def target() -> Iterator[Server]:
    """A loopback server that must never be reached."""
    with serve({"/": ok(), "/x": ok()}) as s:
        yield s


@pytest.fixture
def target6() -> Iterator[Server]:
    """The same on ::1."""
    with serve({"/": ok()}, host="::1") as s:
        yield s


def test_row_1_loopback_literals_blocked(target: Server, target6: Server) -> None:
    """Row 1: 127.0.0.1:P, [::1]:P and 127.0.0.2:P with a default Resolver: blocked, 0 conns."""
    r = make_resolver()
    for url in (target.url("/"), target6.url("/"), f"http://127.0.0.2:{target.port}/"):
        res = r.resolve(url)
        assert res.status == "blocked", (url, res)
        assert res.error
    assert target.connections == target6.connections == 0


SPELLINGS_V4 = [
    "2130706433",
    "0x7f000001",
    "017700000001",
    "127.1",
    "0177.0.0.1",
    "0x7f.0.0.1",
    "127.000.000.001",
    "0x7F.1",
    "127.0.1",
]


def test_row_2_numeric_spellings_blocked(target: Server, attempts: list[Any]) -> None:
    """Row 2: decimal, hex, octal, short and zero-padded spellings of 127.0.0.1."""
    r = make_resolver(dns=fake_dns({}))
    for host in SPELLINGS_V4:
        res = r.resolve(f"http://{host}:{target.port}/")
        assert res.status in BAD, (host, res)
    assert target.connections == 0 and attempts == []


SPELLINGS_V6 = [
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:7f00:1]",
    "[0:0:0:0:0:0:0:1]",
    "[::127.0.0.1]",
    "[::1%25lo]",
]


def test_row_3_ipv6_embeddings_blocked(
    target: Server, target6: Server, attempts: list[Any]
) -> None:
    """Row 3: IPv4-mapped and long-form IPv6 spellings of loopback."""
    r = make_resolver(dns=fake_dns({}))
    for host in SPELLINGS_V6:
        for port in (target.port, target6.port):
            res = r.resolve(f"http://{host}:{port}/")
            assert res.status in BAD, (host, res)
    assert target.connections == target6.connections == 0 and attempts == []


def test_row_4_obfuscated_hosts_blocked(target: Server, attempts: list[Any]) -> None:
    """Row 4: fullwidth digits, percent-encoding, embedded newline, trailing dots, upper case."""
    p = target.port
    urls = [
        f"http://１２７．０．０．１:{p}/",
        f"http://%31%32%37.0.0.1:{p}/",
        f"http://127.0.\n0.1:{p}/",
        f"http://127.0.0.1.:{p}/",
        f"http://127.0.0.1..:{p}/",
        f"HTTP://LOCALHOST:{p}/",
        f"http://LocalHost.:{p}/",
        f"http://127.0.0.1%00.example.com:{p}/",
        f"http://127。0。0。1:{p}/",
    ]
    r = make_resolver(dns=fake_dns({}))
    for url in urls:
        res = r.resolve(url)
        assert res.status in BAD, (url, res)
    assert target.connections == 0 and attempts == []


def test_row_5_local_names_and_rebound_public_names(
    target: Server, target6: Server, attempts: list[Any]
) -> None:
    """Row 5: localhost names, and public-looking names that resolve to loopback."""
    dns = fake_dns(
        {
            "localhost": ["127.0.0.1"],
            "a.b.localhost": ["127.0.0.1"],
            "news.example.com": ["127.0.0.1"],
            "v6.example.com": ["::1"],
            "mixed.example.com": ["::1", "127.0.0.1"],
        }
    )
    r = make_resolver(dns=dns)
    for name, port in [
        ("localhost", target.port),
        ("LOCALHOST.", target.port),
        ("a.b.localhost", target.port),
        ("news.example.com", target.port),
        ("v6.example.com", target6.port),
        ("mixed.example.com", target.port),
    ]:
        res = r.resolve(f"http://{name}:{port}/")
        assert res.status == "blocked", (name, res)
    for name in ("news.example.com", "v6.example.com"):  # default ports too
        assert r.resolve(f"http://{name}/").status == "blocked"
    assert target.connections == target6.connections == 0 and attempts == []


def test_row_6_userinfo_and_parser_differentials(target: Server, attempts: list[Any]) -> None:
    """Row 6: credentials, @, # and backslash tricks never reach 127.0.0.1."""
    p = target.port
    dns = fake_dns({"evil": ["93.184.216.34"], "evil.example": ["93.184.216.34"]})
    urls = [
        f"http://user:pass@127.0.0.1:{p}/",
        f"http://127.0.0.1:{p}@evil/",
        f"http://evil#@127.0.0.1:{p}/",
        f"http://127.0.0.1:{p}\\@evil/",
        f"http://evil\\@127.0.0.1:{p}/",
        f"http://evil.example@127.0.0.1:{p}/",
        f"http://[::1]:{p}@evil.example/",
    ]
    r = make_resolver(dns=dns)
    for url in urls:
        res = r.resolve(url)
        assert res.status != "ok", (url, res)
    assert target.connections == 0
    assert all(a[0] != "127.0.0.1" for a in attempts), attempts


REDIRECT_CODES = [
    "301 Moved Permanently",
    "302 Found",
    "303 See Other",
    "307 Temporary Redirect",
    "308 Permanent Redirect",
]


def _forbidden_targets(t: Server, t6: Server) -> list[str]:
    p = t.port
    return [
        f"http://127.0.0.1:{p}/",
        f"http://[::1]:{t6.port}/",
        f"http://localhost:{p}/",
        f"http://127.0.0.2:{p}/",
        f"http://2130706433:{p}/",
        f"http://0x7f000001:{p}/",
        f"//127.0.0.1:{p}/",
        f"HTTP://127.0.0.1:{p}/",
        f"http://[::ffff:127.0.0.1]:{p}/",
        f"http://news.example.com:{p}/",
    ]


def test_row_7_redirect_to_forbidden_targets_blocked(
    target: Server, target6: Server, attempts: list[Any]
) -> None:
    """Row 7: an allowed origin redirecting (301-308) to another port, IP, ::1, localhost,
    numeric spelling, //host or HTTP://: blocked, the target gets nothing, chain kept."""
    forbidden = _forbidden_targets(target, target6)
    routes = {
        f"/{i}/{code[:3]}": redirect(loc, code)
        for i, loc in enumerate(forbidden)
        for code in REDIRECT_CODES
    }
    with serve(routes) as origin:
        r = make_resolver(
            dns=fake_dns({"news.example.com": ["127.0.0.1"]}),
            allow_hosts=(f"127.0.0.1:{origin.port}",),
        )
        for path in routes:
            res = r.resolve(origin.url(path))
            assert res.status == "blocked", (path, res)
            assert res.chain and res.chain[0].url == origin.url(path), res
    assert target.connections == target6.connections == 0


def test_row_8_two_allowed_hops_then_forbidden(target: Server) -> None:
    """Row 8: allowed -> allowed -> forbidden is blocked at the third hop."""
    with serve({}) as origin:
        origin.routes["/a"] = redirect(origin.url("/b"))
        origin.routes["/b"] = redirect(target.url("/x"))
        r = make_resolver(allow_hosts=(f"127.0.0.1:{origin.port}",))
        res = r.resolve(origin.url("/a"))
    assert res.status == "blocked", res
    assert len(res.chain) >= 2
    assert target.connections == 0


def test_row_9_port_entry_does_not_allow_other_ports(target: Server) -> None:
    """Row 9: allow_hosts=('127.0.0.1:PA',) does not allow 127.0.0.1 on another port."""
    with serve({"/": ok()}) as allowed:
        r = make_resolver(allow_hosts=(f"127.0.0.1:{allowed.port}",))
        assert r.resolve(allowed.url("/")).status == "ok"
        assert r.resolve(target.url("/")).status == "blocked"
        assert allowed.connections >= 1
    assert target.connections == 0


def test_row_10_ip_entry_does_not_follow_redirects_elsewhere() -> None:
    """Row 10: allow_hosts=('127.0.0.2',): redirects to 127.0.0.3 and 127.0.0.1 are blocked."""
    with serve({"/": ok()}, host="127.0.0.3") as three, serve({"/": ok()}) as one:
        with serve(
            {"/3": redirect(three.url("/")), "/1": redirect(one.url("/")), "/ok": ok()},
            host="127.0.0.2",
        ) as two:
            r = make_resolver(allow_hosts=("127.0.0.2",))
            assert r.resolve(two.url("/ok")).status == "ok"
            assert r.resolve(two.url("/3")).status == "blocked"
            assert r.resolve(two.url("/1")).status == "blocked"
        assert three.connections == 0 and one.connections == 0


def test_row_11_dns_rebinding_connects_only_to_the_checked_address() -> None:
    """Row 11: first lookup gives an allowed address, later ones a forbidden one: only the
    validated address is ever connected to."""
    with serve({"/": ok()}, host="127.0.0.2") as good, serve({"/": ok()}, host="127.0.0.3") as bad:
        answers = iter([["127.0.0.2"]] + [["127.0.0.3"]] * 50)

        def rebinding(host: str, port: int) -> list[str]:
            return next(answers)

        r = make_resolver(dns=rebinding, allow_hosts=("127.0.0.2",))
        first = r.resolve(f"http://rebind.example:{good.port}/")
        again = r.resolve(f"http://rebind.example:{good.port}/?again")
        assert first.status == "ok", first
        assert again.status == "blocked", again
        assert good.connections >= 1 and bad.connections == 0


def test_row_12_no_fallback_to_a_forbidden_second_address(attempts: list[Any]) -> None:
    """Row 12: two A records, the allowed one refusing connections: never the forbidden one."""
    with serve({"/": ok()}, host="127.0.0.3") as forbidden:
        port = forbidden.port  # 127.0.0.2 has nothing listening on this port
        for order in (["127.0.0.2", "127.0.0.3"], ["127.0.0.3", "127.0.0.2"]):
            r = make_resolver(
                dns=fake_dns({"two.example": order}), allow_hosts=("127.0.0.2",), max_retries=0
            )
            res = r.resolve(f"http://two.example:{port}/")
            assert res.status in ("error", "blocked"), (order, res)
        assert forbidden.connections == 0
    assert all(a[0] != "127.0.0.3" for a in attempts), attempts


def test_row_13_offline_makes_no_lookup_and_no_connection(
    target: Server, attempts: list[Any]
) -> None:
    """Row 13: offline=True answers ``offline`` with no DNS lookup and no connection."""
    dns = fake_dns({"example.com": ["127.0.0.1"]})
    r = make_resolver(dns=dns, offline=True, allow_private=True)
    for url in ("https://t.co/CJ9ySZge7P", target.url("/"), "http://example.com/"):
        assert r.resolve(url).status == "offline"
    assert [x.status for x in r.resolve_many(["https://t.co/a", target.url("/x")])] == [
        "offline",
        "offline",
    ]
    assert dns.calls == [] and attempts == [] and target.connections == 0  # type: ignore[attr-defined]


SCHEMES = [
    "file:///etc/passwd",
    "ftp://{h}/",
    "gopher://{h}/_GET",
    "dict://{h}/info",
    "ldap://{h}/",
    "sftp://{h}/",
    "ws://{h}/",
    "wss://{h}/",
    "jar:http://{h}/!/",
    "view-source:http://{h}/",
    "netdoc:///etc/passwd",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>",
    "vbscript:msgbox",
    "about:blank",
    "mailto:a@{h}",
    "tel:+1234",
    "FILE:///etc/passwd",
    " http://{h}/",
    "\thttp://{h}/",
]


def test_row_14_non_http_schemes_never_connect(target: Server, attempts: list[Any]) -> None:
    """Row 14: other schemes, in any case or with leading space: blocked/error, no connection,
    even with allow_private=True (leading-space http URLs may be stripped and then allowed)."""
    h = f"127.0.0.1:{target.port}"
    r = make_resolver(allow_private=True, dns=fake_dns({}))
    for pattern in SCHEMES:
        url = pattern.format(h=h)
        res = r.resolve(url)
        if url.strip().startswith("http://"):
            assert res.status in BAD | {"ok"}, (url, res)
            continue
        assert res.status in BAD, (url, res)
        assert res.error, (url, res)
    connected = [a for a in attempts if a[1] == target.port]
    assert len(connected) == target.connections <= 2  # only the two stripped http URLs


def test_row_15_redirect_to_other_schemes(target: Server) -> None:
    """Row 15: redirects to file:, gopher:, ftp:, dict:, javascript:, data: are refused."""
    h = f"127.0.0.1:{target.port}"
    locations = [
        "file:///etc/passwd",
        f"gopher://{h}/",
        f"ftp://{h}/",
        f"dict://{h}/",
        "javascript:alert(1)",
        "data:text/html,x",
        f"ws://{h}/",
        "jar:file:///x!/",
    ]
    routes = {f"/{i}": redirect(loc) for i, loc in enumerate(locations)}
    with serve(routes) as origin:
        r = make_resolver(allow_private=True)
        for path, loc in zip(routes, locations, strict=True):
            res = r.resolve(origin.url(path))
            assert res.status in BAD, (loc, res)
            assert res.chain, res
    assert target.connections == 0


def test_row_17_environment_proxies_ignored(
    attempts: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 17: HTTP(S)_PROXY/ALL_PROXY in the environment are not used (R5).

    The proxy is a documentation address (TEST-NET-2): any attempt to use it is stopped by the
    recorder and the conftest guard before a packet leaves, and shows up in ``attempts``.
    """
    proxy = "http://198.51.100.7:3128"
    looked_up: list[Any] = []
    guarded_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        return guarded_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with serve({"/": ok()}) as site:
        for var in (
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ):
            monkeypatch.setenv(var, proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        r = make_resolver(
            dns=fake_dns({"site.example": ["127.0.0.1"]}),
            allow_hosts=(f"site.example:{site.port}",),
            max_retries=0,
        )
        res = r.resolve(f"http://site.example:{site.port}/")
        assert "198.51.100.7" not in looked_up, "the environment proxy was looked up"
        assert all(a[0] != "198.51.100.7" for a in attempts), "the environment proxy was used"
        assert res.status == "ok", res
        assert site.connections == 1


def test_row_18_no_credentials_or_cookies_to_another_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 18: .netrc credentials, cookies set by hop 1: nothing reaches hop 2's origin."""
    with serve({"/": ok()}, host="127.0.0.2") as second:

        def first_hop(conn: Any, req: Request) -> None:
            send(
                conn,
                "302 Found",
                [
                    ("Location", second.url("/")),
                    ("Set-Cookie", "sid=secret; Path=/"),
                    ("Set-Cookie", "dom=secret; Domain=127.0.0.2; Path=/"),
                ],
                b"",
            )

        with serve({"/": first_hop}) as first:
            netrc = tmp_path / ".netrc"
            netrc.write_text(
                "machine 127.0.0.1 login u password p\nmachine 127.0.0.2 login u password p\n"
            )
            netrc.chmod(0o600)
            monkeypatch.setenv("NETRC", str(netrc))
            monkeypatch.setenv("HOME", str(tmp_path))
            r = make_resolver(allow_private=True)
            res = r.resolve(first.url("/"))
            assert res.status == "ok", res
            for req in first.requests + second.requests:
                assert "authorization" not in req.headers, req.head
                assert "cookie" not in req.headers, req.head
                assert "proxy-authorization" not in req.headers, req.head
            assert second.connections == 1


SPECIAL = [
    "0.0.0.0",
    "::",
    "169.254.169.254",
    "100.64.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",
    "fe80::1",
    "fd00:ec2::254",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "224.0.0.1",
    "255.255.255.255",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "fec0::1",
    "198.18.0.1",
    "240.0.0.1",
]


def test_row_19_special_addresses_blocked_before_connect(attempts: list[Any]) -> None:
    """Row 19: unspecified, link-local, CGNAT, NAT64, 6to4, Teredo, metadata... by literal or
    by name: blocked by classification before any connect."""
    dns = fake_dns({f"h{i}.example": [ip] for i, ip in enumerate(SPECIAL)})
    r = make_resolver(dns=dns)
    for i, ip in enumerate(SPECIAL):
        literal = f"[{ip}]" if ":" in ip else ip
        for url in (f"http://{literal}/", f"http://h{i}.example/"):
            res = r.resolve(url)
            assert res.status == "blocked", (url, res)
    r = make_resolver(dns=dns, allow_private=True)  # never lifted: unspecified, multicast...
    for ip in ("0.0.0.0", "::", "224.0.0.1", "255.255.255.255", "64:ff9b::7f00:1"):
        literal = f"[{ip}]" if ":" in ip else ip
        assert r.resolve(f"http://{literal}/").status in BAD, ip
    assert attempts == []


def test_row_20_cache_never_serves_permissive_results_to_strict(
    target: Server, tmp_path: Path
) -> None:
    """Row 20: a permissive run caches a loopback result; a strict Resolver sharing the cache
    file still answers ``blocked``."""
    cache = str(tmp_path / "shared.sqlite")
    url = target.url("/")
    permissive = make_resolver(allow_private=True, cache=cache)
    assert permissive.resolve(url).status == "ok"
    before = target.connections
    strict = make_resolver(cache=cache)
    res = strict.resolve(url)
    assert res.status == "blocked", res
    assert res.final_url is None or res.status != "ok"
    assert target.connections == before


def test_row_21_archiver_never_submits_internal_urls(target: Server) -> None:
    """Row 21: Archiver.save() refuses internal URLs before contacting the archive."""
    import responses

    from embedres import Archiver
    from embedres.errors import ArchiveError

    dns = fake_dns({"intranet.example": ["10.1.2.3"], "meta.example": ["169.254.169.254"]})
    internal = [
        target.url("/"),
        "http://10.0.0.1/",
        "http://intranet.example/",
        "http://meta.example/latest/",
        "http://[::1]/",
        "file:///etc/passwd",
        "http://2130706433/",
        "gopher://example.com/",
    ]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post("https://web.archive.org/save", json={"job_id": "x", "url": "u"})
        archiver = Archiver(keys=None, name_resolver=dns, allow_private=True)
        for url in internal:
            with pytest.raises(ArchiveError):
                archiver.save(url)
        assert len(mock.calls) == 0
    assert target.connections == 0


def test_row_17_environment_proxy_not_used_for_public_hosts(
    attempts: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row 17: for a public host too, HTTP_PROXY is not used; the connection (stopped by the
    guard before any packet) goes to the checked address, never to the proxy."""
    looked_up: list[Any] = []
    guarded_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        return guarded_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for var in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(var, "http://198.51.100.7:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    r = make_resolver(dns=fake_dns({"public.example": ["93.184.216.34"]}), max_retries=0)
    res = r.resolve("http://public.example/")
    assert res.status == "error", res  # the guard refuses the connection to 93.184.216.34
    assert "198.51.100.7" not in looked_up, "the environment proxy was looked up"
    assert all(a[0] != "198.51.100.7" for a in attempts), attempts
    # The guard stops the numeric look-up (or the connect) of the checked address itself.
    assert "93.184.216.34" in looked_up or any(a[0] == "93.184.216.34" for a in attempts)
