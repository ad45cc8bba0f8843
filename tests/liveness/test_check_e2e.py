"""LivenessChecker and ``embedres check`` against loopback fakes of the platforms' endpoints."""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedres.cli import main
from embedres.cli.check import render
from embedres.liveness import Evidence, LivenessChecker, PostStatus, check_articles
from embedres.net.network import Network, NetworkConfig
from embedres.platforms.liveness import probe_for
from embedres.platforms.posturls import parse_post_url
from tests.support.liveness import ANSWERS, FakeWayback, answer_table, json_ctype
from tests.support.paths import FIXTURES
from tests.support.servers import LoopbackServer, Request, send

ARTICLE = FIXTURES / "liveness" / "article.html"
# post URL -> (platform, case in ANSWERS)
SCENARIO = {
    "https://twitter.com/jack/status/20": ("twitter", "live"),
    "https://twitter.com/gone/status/1683920951807971329": ("twitter", "deleted"),
    "https://twitter.com/sus/status/1757108153408278773": ("twitter", "suspended"),
    "https://twitter.com/priv/status/1600000000000000000": ("twitter", "protected"),
    "https://bsky.app/profile/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/post/3kabcdefghijk": (
        "bluesky",
        "deleted",
    ),
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ": ("youtube", "deleted"),
}
EXPECTED = {
    "https://twitter.com/jack/status/20": "live",
    "https://twitter.com/gone/status/1683920951807971329": "deleted",
    "https://twitter.com/sus/status/1757108153408278773": "suspended",
    "https://twitter.com/priv/status/1600000000000000000": "protected",
    "https://bsky.app/profile/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/post/3kabcdefghijk": "deleted",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ": "deleted",
}


def endpoint_path(url: str, base: str) -> str:
    ref = parse_post_url(url)
    assert ref is not None
    probe = probe_for(ref.platform)
    assert probe is not None
    built = probe.request(ref, base)
    assert built is not None
    parts = urlsplit(built)
    return parts.path + ("?" + parts.query if parts.query else "")


def serve_scenario(
    scenario: dict[str, tuple[str, str]], answers: dict[str, tuple[int, bytes, str]]
) -> LoopbackServer:
    srv = LoopbackServer({"*": answer_table(answers)})
    srv.__enter__()
    for url, (platform, case) in scenario.items():
        status, body = ANSWERS[platform][case]
        answers[endpoint_path(url, srv.url(""))] = (status, body, json_ctype(body))
    return srv


@pytest.fixture
def fake() -> Iterator[LoopbackServer]:
    srv = serve_scenario(SCENARIO, {})
    try:
        yield srv
    finally:
        srv.__exit__()


def bases(srv: LoopbackServer) -> dict[str, str]:
    return {name: srv.url("") for name in ("twitter", "bluesky", "youtube", "mastodon", "reddit")}


def network(tmp_path: Path, *, offline: bool = False, name: str = "c.sqlite") -> Network:
    config = NetworkConfig(cache=str(tmp_path / name), allow_private=True, offline=offline)
    return config.build()


def test_library_reports_each_status_with_evidence(fake: LoopbackServer, tmp_path: Path) -> None:
    with network(tmp_path) as net, LivenessChecker(network=net, endpoints=bases(fake)) as chk:
        got = check_articles([ARTICLE], chk)
    assert {s.url: s.status for s in got} == EXPECTED
    by = {s.url: s for s in got}
    sus = by["https://twitter.com/sus/status/1757108153408278773"]
    assert sus.evidence.wording == "This Post is from a suspended account. Learn more"
    assert sus.evidence.http_status == 200 and "tweet-result?id=1757" in (
        sus.evidence.endpoint or ""
    )
    live = by["https://twitter.com/jack/status/20"]
    assert (live.text, live.author_handle) == ("Hello world", "jack")
    assert by["https://www.youtube.com/watch?v=dQw4w9WgXcQ"].evidence.http_status == 404
    assert all(s.source == str(ARTICLE) and s.checked_at.tzinfo for s in got)


def test_second_run_comes_from_the_cache(fake: LoopbackServer, tmp_path: Path) -> None:
    with network(tmp_path) as net, LivenessChecker(network=net, endpoints=bases(fake)) as chk:
        first = check_articles([ARTICLE], chk)
        asked = len(fake.requests)
        second = check_articles([ARTICLE], chk)
    assert len(fake.requests) == asked == 6
    assert [s.status for s in first] == [s.status for s in second]
    assert all(s.from_cache for s in second)


def test_max_age_asks_again(fake: LoopbackServer, tmp_path: Path) -> None:
    with network(tmp_path) as net:
        LivenessChecker(network=net, endpoints=bases(fake)).check("https://x.com/jack/status/20")
        again = LivenessChecker(network=net, endpoints=bases(fake), max_age=0)
        assert not again.check("https://x.com/jack/status/20").from_cache
    assert len(fake.requests) == 2


def test_mirror_hosts_share_one_cache_entry(fake: LoopbackServer, tmp_path: Path) -> None:
    with network(tmp_path) as net:
        chk = LivenessChecker(network=net, endpoints=bases(fake))
        a = chk.check("https://fxtwitter.com/jack/status/20")
        b = chk.check("https://vxtwitter.com/someone/status/20")
    assert (a.status, b.status, b.from_cache) == ("live", "live", True)
    assert len(fake.requests) == 1


def test_offline_is_unknown_and_asks_nothing(fake: LoopbackServer, tmp_path: Path) -> None:
    with network(tmp_path, offline=True) as net:
        got = check_articles([ARTICLE], LivenessChecker(network=net, endpoints=bases(fake)))
    assert {s.status for s in got} == {"unknown"}
    assert all(s.evidence.reason.startswith("offline") for s in got)
    assert fake.requests == []


@pytest.mark.parametrize(
    ("status", "body"),
    [(429, b""), (500, b"oops"), (503, b""), (200, b"{broken"), (200, b"<html>Log in</html>")],
)
def test_failures_are_unavailable_and_briefly_cached(
    tmp_path: Path, status: int, body: bytes
) -> None:
    url = "https://twitter.com/jack/status/20"
    answers: dict[str, tuple[int, bytes, str]] = {}
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers[endpoint_path(url, srv.url(""))] = (status, body, "application/json")
        with network(tmp_path) as net:
            got = LivenessChecker(network=net, endpoints={"twitter": srv.url("")}).check(url)
    assert got.status == "unavailable"
    assert got.evidence.http_status == status


def test_huge_body_is_unavailable(tmp_path: Path) -> None:
    url = "https://twitter.com/jack/status/20"
    answers: dict[str, tuple[int, bytes, str]] = {}
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers[endpoint_path(url, srv.url(""))] = (200, b"{" + b" " * 2_000_000 + b"}", "x")
        with network(tmp_path) as net:
            got = LivenessChecker(network=net, endpoints={"twitter": srv.url("")}).check(url)
    assert got.status == "unavailable"


def test_connection_refused_is_unavailable(tmp_path: Path) -> None:
    with LoopbackServer({}) as srv:
        base = srv.url("")
    with network(tmp_path) as net:
        got = LivenessChecker(network=net, endpoints={"twitter": base}).check(
            "https://x.com/jack/status/20"
        )
    assert got.status == "unavailable" and got.evidence.http_status is None


def test_address_policy_is_obeyed(fake: LoopbackServer, tmp_path: Path) -> None:
    with NetworkConfig(cache=None).build() as net:  # strict policy: loopback refused
        got = LivenessChecker(network=net, endpoints=bases(fake)).check(
            "https://x.com/jack/status/20"
        )
    assert got.status == "unavailable" and "policy" in got.evidence.reason
    assert fake.requests == []


def test_mastodon_base_replaces_the_instance(tmp_path: Path) -> None:
    answers: dict[str, tuple[int, bytes, str]] = {}
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers["/api/v1/statuses/110"] = (*ANSWERS["mastodon"]["gone"], "application/json")
        with network(tmp_path) as net:
            chk = LivenessChecker(network=net, endpoints={"mastodon": srv.url("")})
            got = chk.check("https://mastodon.social/@a/110")
    assert got.status == "deleted" and got.evidence.http_status == 410


def test_platform_without_endpoint_is_unknown(tmp_path: Path) -> None:
    with network(tmp_path) as net:
        got = LivenessChecker(network=net).check("https://www.instagram.com/p/CxYz123/")
    assert got.status == "unknown" and "no public" in got.evidence.reason


@pytest.mark.parametrize(
    "kwargs",
    [
        {"endpoints": {"nope": "http://a"}},
        {"endpoints": {"twitter": "ftp://a"}},
        {"max_age": -1},
        {"max_age": float("nan")},
        {"timeout": float("inf")},  # the client's watchdog thread died on it (OverflowError)
        {"timeout": float("nan")},
    ],
)
def test_bad_options_are_rejected(kwargs: dict[str, object]) -> None:
    from embedres.errors import InvalidArgument

    with pytest.raises(InvalidArgument):
        LivenessChecker(**kwargs)  # type: ignore[arg-type]


def cli_args(srv: LoopbackServer, tmp_path: Path, *extra: str) -> list[str]:
    args = ["check", str(ARTICLE), "--no-archive", "--allow-host", f"127.0.0.1:{srv.port}"]
    args += ["--interval", "0"]
    for name, base in bases(srv).items():
        args += ["--endpoint", f"{name}={base}"]
    return [*args, *extra]


def test_cli_done_when(
    fake: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(cli_args(fake, tmp_path, "--format", "json", "--cache", str(tmp_path / "a")))
    out, err = capsys.readouterr()
    assert code == 1
    rows = json.loads(out)
    assert {r["url"]: r["status"] for r in rows} == EXPECTED
    assert all(r["evidence"]["endpoint"] and r["checked_at"] for r in rows)
    assert "5 of 6 embedded posts are deleted/protected/suspended" in err


def test_cli_offline_exits_0_with_a_warning(
    fake: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = cli_args(fake, tmp_path, "--offline", "-f", "csv", "--cache", str(tmp_path / "b"))
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0 and "warning: offline" in err
    lines = out.splitlines()
    assert lines[0].startswith("source,status,platform,url")
    assert len(lines) == 7
    assert {x.split(",")[1] for x in lines[1:]} == {"unknown"}
    assert all("offline: not checked" in x for x in lines[1:])
    assert fake.requests == []


def test_cli_table_and_since(
    fake: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = ["--cache", str(tmp_path / "c")]
    assert main(cli_args(fake, tmp_path, "-f", "table", *cache)) == 1
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["STATUS", "PLATFORM", "URL"]
    assert "suspended" in table
    asked = len(fake.requests)
    assert main(cli_args(fake, tmp_path, "-f", "json", "--since", "7d", *cache)) == 1
    assert len(fake.requests) == asked  # every answer reused
    capsys.readouterr()


def test_cli_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing.html"), "--offline"]) == 2
    assert main(["check", str(ARTICLE), "--since", "soon", "--offline"]) == 2
    assert main(["check", str(ARTICLE), "--endpoint", "twitter", "--offline"]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "--since" in err and "PLATFORM=URL" in err


def test_jsonl_and_directory_inputs(fake: LoopbackServer, tmp_path: Path) -> None:
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        json.dumps({"id": "a1", "html": ARTICLE.read_text()}) + "\n\n", encoding="utf-8"
    )
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "post.md").write_text("See https://x.com/jack/status/20\n", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG")
    with network(tmp_path) as net:
        got = check_articles([batch, folder], LivenessChecker(network=net, endpoints=bases(fake)))
    assert {s.source for s in got} == {f"{batch}#a1", str(folder / "post.md")}
    assert len(got) == 7


SAMPLE_URLS = {
    "twitter": "https://x.com/jack/status/20",
    "bluesky": "https://bsky.app/profile/a.bsky.social/post/3kabcdefghijk",
    "mastodon": "https://mastodon.social/@a/110",
    "youtube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "tiktok": "https://www.tiktok.com/@t/video/7000000000000000000",
    "reddit": "https://www.reddit.com/r/news/comments/abc123/title/",
    "telegram": "https://t.me/durov/43",
}
CASES = sorted((p, c) for p, table in ANSWERS.items() for c in table)


@pytest.mark.parametrize(("platform", "case"), CASES)
def test_every_fake_answer_through_the_network(platform: str, case: str, tmp_path: Path) -> None:
    url = SAMPLE_URLS[platform]
    status, body = ANSWERS[platform][case]
    answers: dict[str, tuple[int, bytes, str]] = {}
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers[endpoint_path(url, srv.url(""))] = (status, body, json_ctype(body))
        with network(tmp_path) as net:
            got = LivenessChecker(network=net, endpoints={platform: srv.url("")}).check(url)
    probe = probe_for(platform)
    assert probe is not None
    assert got.status == probe.classify("", status, body).status
    assert got.evidence.http_status == status and got.evidence.endpoint
    assert got.status != "unknown"


def test_429_holds_the_host(tmp_path: Path) -> None:
    answers: dict[str, tuple[int, bytes, str]] = {}
    first, second = "https://x.com/jack/status/20", "https://x.com/jack/status/21"
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers[endpoint_path(first, srv.url(""))] = (429, b"", "text/plain")
        answers[endpoint_path(second, srv.url(""))] = (200, tweet_body(), "application/json")
        with network(tmp_path) as net:
            chk = LivenessChecker(network=net, endpoints={"twitter": srv.url("")}, timeout=0.2)
            a, b = chk.check(first), chk.check(second)
        asked = len(srv.requests)
    assert (a.status, b.status) == ("unavailable", "unavailable")
    assert asked == 1  # Retry-After: 1 s, more than the 0.2 s timeout: the second waits no slot
    assert "rate limited" in b.evidence.reason and "network error" not in b.evidence.reason
    assert b.evidence.http_status is None


def tweet_body() -> bytes:
    return ANSWERS["twitter"]["live"][1]


FAILURES = st.one_of(
    st.tuples(st.just("status"), st.sampled_from([429, 500, 502, 503, 504, 301, 302])),
    st.tuples(st.just("html"), st.sampled_from([200, 401, 403, 404])),
    st.tuples(st.just("cut"), st.integers(min_value=0, max_value=40)),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(platform=st.sampled_from(sorted(SAMPLE_URLS)), failure=FAILURES)
def test_network_failures_never_yield_deleted(
    platform: str, failure: tuple[str, int], tmp_path: Path
) -> None:
    kind, value = failure
    full = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{}"

    def route(conn: socket.socket, req: Request) -> None:
        if kind == "status":
            send(conn, f"{value} X", [("Location", "/login")], b"")
        elif kind == "html":
            send(conn, f"{value} X", [("Content-Type", "text/html")], b"<html>Log in</html>")
        else:
            conn.sendall(full[:value] if value < 40 else full)  # cut mid-answer
            raise ConnectionResetError

    config = NetworkConfig(cache=None, allow_private=True, timeout=5)
    with LoopbackServer({"*": route}) as srv, config.build() as net:
        chk = LivenessChecker(network=net, endpoints={platform: srv.url("")}, timeout=5)
        got = chk.check(SAMPLE_URLS[platform])
    assert got.status == "unavailable", got


def test_requests_to_one_host_are_spaced_by_the_limiter(tmp_path: Path) -> None:
    import time

    answers: dict[str, tuple[int, bytes, str]] = {}
    urls = [f"https://x.com/jack/status/{n}" for n in (20, 21, 22)]
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        for url in urls:
            answers[endpoint_path(url, srv.url(""))] = (200, tweet_body(), "application/json")
        config = NetworkConfig(cache=None, allow_private=True, per_host_interval=0.2)
        with config.build() as net:
            chk = LivenessChecker(network=net, endpoints={"twitter": srv.url("")})
            start = time.monotonic()
            statuses = [chk.check(u).status for u in urls]
            elapsed = time.monotonic() - start
    assert statuses == ["live"] * 3
    assert elapsed >= 0.4 - 0.02


@pytest.mark.parametrize(
    ("oembed", "expected"),
    [
        ((404, b'{"error":"Not Found"}'), "deleted"),
        ((403, b'{"error":"Sorry, you are not authorized to see this status."}'), "protected"),
        ((200, b'{"html":"<blockquote><p>sensitive</p></blockquote>","author_name":"A"}'),
         "restricted"),
        ((429, b""), "unavailable"),
        ((503, b""), "unavailable"),
    ],
)  # fmt: skip
def test_widget_404_is_confirmed_by_oembed(
    tmp_path: Path, oembed: tuple[int, bytes], expected: str
) -> None:
    url = "https://x.com/jack/status/20"
    answers: dict[str, tuple[int, bytes, str]] = {}
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers[endpoint_path(url, srv.url(""))] = (404, b"", "text/plain")
        confirm = "/oembed?url=https%3A%2F%2Ftwitter.com%2Fi%2Fweb%2Fstatus%2F20&omit_script=1"
        answers[confirm] = (*oembed, "application/json")
        with network(tmp_path) as net:
            got = LivenessChecker(network=net, endpoints={"twitter": srv.url("")}).check(url)
        paths = srv.paths
    assert got.status == expected
    assert got.evidence.endpoint and "/oembed?" in got.evidence.endpoint
    assert got.evidence.http_status == oembed[0]
    assert [p.split("?")[0] for p in paths] == ["/tweet-result", "/oembed"]


def test_dead_posts_get_their_archived_copy_and_a_card(tmp_path: Path) -> None:
    import embedres
    from embedres.liveness import archive_lookup, liveness_renderer

    scenario = dict(SCENARIO)
    scenario["https://twitter.com/jack/status/20"] = ("twitter", "deleted")
    srv = serve_scenario(scenario, {})
    try:
        with FakeWayback() as wayback, network(tmp_path) as net:
            chk = LivenessChecker(network=net, endpoints=bases(srv))
            got = check_articles([ARTICLE], chk, lookup=archive_lookup(wayback.archiver(net)))
    finally:
        srv.__exit__()
    by = {s.url: s for s in got}
    jack = by["https://twitter.com/jack/status/20"]
    assert jack.status == "deleted" and jack.archived is not None
    assert "tweet-result?id=20&" in jack.archived.original_url
    assert jack.archived_text == "old"
    skeet = by["https://bsky.app/profile/did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/post/3kabcdefghijk"]
    assert skeet.archived is None and skeet.archive_note == "no archived copy holds the post"
    html = ARTICLE.read_text(encoding="utf-8")
    out = embedres.replace_embeds(html, render=liveness_renderer(got))
    assert out.count('class="embedres-dead"') == 6  # all six are dead now
    assert "Archived copy (2023-06-01)" in out
    assert "widgets.js" not in out


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bad.jsonl", b'{"id": 1, "html": "x"}\n{oops\n', "bad.jsonl:2: not JSON"),
        ("bad.jsonl", b'{"id": 1, "body": "x"}\n', 'needs a "text" or "html" string'),
        ("latin1.html", "café".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_unreadable_articles_are_clear_errors(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    from embedres.errors import InputError

    path = tmp_path / name
    path.write_bytes(data)
    with NetworkConfig(cache=None, offline=True).build() as net, pytest.raises(InputError) as info:
        check_articles([path], LivenessChecker(network=net))
    assert message in str(info.value)


def test_cli_fail_on(
    fake: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = ["--cache", str(tmp_path / "f"), "-f", "json"]
    assert main(cli_args(fake, tmp_path, *cache, "--fail-on", "restricted")) == 0
    assert main(cli_args(fake, tmp_path, *cache, "--fail-on", "suspended")) == 1
    assert "1 of 6 embedded posts are suspended" in capsys.readouterr().err
    assert main(cli_args(fake, tmp_path, *cache, "--fail-on", "gone")) == 2
    assert "--fail-on takes statuses" in capsys.readouterr().err


def test_bluesky_rkeys_are_per_account(tmp_path: Path) -> None:
    answers: dict[str, tuple[int, bytes, str]] = {}
    a = "https://bsky.app/profile/a.bsky.social/post/3kabcdefghijk"
    b = "https://bsky.app/profile/b.bsky.social/post/3kabcdefghijk"
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers[endpoint_path(a, srv.url(""))] = (*ANSWERS["bluesky"]["live"], "application/json")
        answers[endpoint_path(b, srv.url(""))] = (*ANSWERS["bluesky"]["deleted"], "text/plain")
        with network(tmp_path) as net:
            chk = LivenessChecker(network=net, endpoints={"bluesky": srv.url("")})
            assert [chk.check(a).status, chk.check(b).status] == ["live", "deleted"]


def test_since_reuses_answers_older_than_the_status_ttl(
    fake: LoopbackServer, tmp_path: Path
) -> None:
    # docs/liveness.md: "--since 7d reuses answers younger than seven days", although a live
    # answer's own lifetime is one day.
    from embedres.net.cache import SQLiteCache

    now = [1_000_000_000.0]
    cache = SQLiteCache(tmp_path / "since.sqlite", clock=lambda: now[0])
    config = NetworkConfig(cache=None, allow_private=True)
    url = "https://x.com/jack/status/20"
    with config.build(cache=cache) as net:
        assert LivenessChecker(network=net, endpoints=bases(fake)).check(url).status == "live"
        now[0] += 2 * 86400.0
        week = LivenessChecker(network=net, endpoints=bases(fake), max_age=7 * 86400)
        assert week.check(url).from_cache
        assert len(fake.requests) == 1
    cache.close()


def test_since_never_stretches_an_unavailable_answer(tmp_path: Path) -> None:
    url = "https://x.com/jack/status/20"
    answers: dict[str, tuple[int, bytes, str]] = {}
    with LoopbackServer({"*": answer_table(answers)}) as srv:
        answers[endpoint_path(url, srv.url(""))] = (503, b"", "text/plain")
        with network(tmp_path) as net:
            assert net.cache is not None
            chk = LivenessChecker(network=net, endpoints={"twitter": srv.url("")}, max_age=7e5)
            assert chk.check(url).status == "unavailable"
            key = "twitter:20|" + srv.url("")
            entry = net.cache.get("liveness/v1", key)
            assert isinstance(entry, dict)
            hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
            net.cache.put("liveness/v1", key, {**entry, "checked_at": hour_ago.isoformat()}, ttl=60)
            assert not chk.check(url).from_cache
        assert len(srv.requests) == 2


def hostile_status() -> PostStatus:
    return PostStatus(
        "https://mastodon.social/@a/110",
        "mastodon",
        "110",
        "deleted",
        datetime(2026, 1, 2, tzinfo=timezone.utc),
        Evidence("XRPC error \x1b[2J\x1b]0;pwned\x07\nforged row", "http://e/x", 404,
                 '=HYPERLINK("http://evil","x")'),
        source="@SUM(1+1)*cmd|' /C calc'!A0.html",
    )  # fmt: skip


def test_csv_report_defuses_formula_cells() -> None:
    out = render([hostile_status()], "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["wording"] == '\'=HYPERLINK("http://evil","x")'
    assert row["source"].startswith("'@SUM")
    assert row["url"] == "https://mastodon.social/@a/110"


def test_table_report_shows_no_control_characters() -> None:
    out = render([hostile_status()], "table")
    assert "\x1b" not in out and "\x07" not in out
    assert len(out.splitlines()) == 2


def test_deeply_nested_jsonl_line_is_an_input_error(tmp_path: Path) -> None:
    from embedres.errors import InputError

    batch = tmp_path / "deep.jsonl"
    batch.write_text("[" * 100_000 + "\n", encoding="utf-8")
    with (
        network(tmp_path, offline=True) as net,
        LivenessChecker(network=net) as chk,
        pytest.raises(InputError, match=r"deep\.jsonl:1: not JSON"),
    ):
        check_articles([batch], chk)
