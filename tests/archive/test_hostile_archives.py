"""Issue #14 items 5-8: hostile CDX, TimeGate, TimeMap and capture answers give documented
errors or statuses, bounded memory, and only http(s) archive links."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path

import pytest

from embedres import ArchiveUnavailable, UnsafeURL
from embedres.archive.archiver import Archiver, MementoService, WaybackService
from embedres.archive.wayback import archive_link, iter_cdx, parse_cdx
from embedres.export.styles import safe_url
from embedres.net.transport import Reply
from tests.support.archive import public_dns
from tests.support.servers import LoopbackServer, raw

NEAR = datetime(2015, 11, 17, tzinfo=timezone.utc)
WAYBACK = WaybackService(
    "wb", cdx_url="https://cdx.example/cdx", replay_url="https://cdx.example/web/"
)

Answer = Callable[[str, str], Reply]


def _archiver(answer: Answer, **kw: object) -> Archiver:
    def transport(
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        data: Mapping[str, str] | None = None,
        timeout: float,
    ) -> Reply:
        return answer(method, url)

    kw.setdefault("wayback", [WAYBACK])
    kw.setdefault("memento", [])
    return Archiver(
        transport=transport, keys=None, name_resolver=public_dns, sleep=lambda s: None, **kw
    )  # type: ignore[arg-type]


def _cdx(*stamps: str) -> bytes:
    rows = [["timestamp", "original", "statuscode"]]
    rows += [[ts, "http://example.com/", "200"] for ts in stamps]
    return json.dumps(rows).encode()


@pytest.mark.parametrize("stamp", ["20159999999999", "0", "99999999999999"])
def test_impossible_cdx_timestamps_are_skipped(stamp: str) -> None:
    archiver = _archiver(lambda m, u: Reply(200, body=_cdx(stamp)))
    assert archiver.lookup("http://example.com/", NEAR) is None  # was a bare ValueError
    both = _archiver(lambda m, u: Reply(200, body=_cdx(stamp, "20151117033524")))
    snap = both.lookup("http://example.com/", NEAR)
    assert snap is not None and snap.archived_at.year == 2015


def _gate(location: str, stamp: str | None = None) -> Answer:
    def answer(method: str, url: str) -> Reply:
        if method == "GET":
            return Reply(302, headers={"location": location}, url=url)
        headers = {"memento-datetime": stamp} if stamp else {}
        return Reply(200, headers=headers, url=url)

    return answer


GATE = MementoService("gate", timegate_url="https://gate.example/timegate/")


@pytest.mark.parametrize(
    ("location", "stamp"),
    [
        ("http://[::1", None),
        ("javascript:alert(1)", None),
        ("https://gate.example/web/20159999999999/x", None),
        ("https://gate.example/web/x", "Fri, 31 Dec 9999 23:59:59 -0100"),
        ("https://gate.example/web/x", "garbage"),
    ],
)
def test_bad_timegate_answers_are_archive_errors(location: str, stamp: str | None) -> None:
    archiver = _archiver(_gate(location, stamp), wayback=[], memento=[GATE])
    with pytest.raises(ArchiveUnavailable):  # was ValueError
        archiver.lookup("http://example.com/", NEAR)


def test_timegate_memento_is_a_safe_link() -> None:
    archiver = _archiver(
        _gate("/web/20151117033524/http://example.com/a b"), wayback=[], memento=[GATE]
    )
    snap = archiver.lookup("http://example.com/", NEAR)
    assert snap is not None
    assert snap.archive_url == "https://gate.example/web/20151117033524/http://example.com/a%20b"
    assert safe_url(snap.archive_url) == snap.archive_url


TIMEMAP = MementoService("map", timemap_url="https://map.example/timemap/link/")


@pytest.mark.parametrize(
    "uri",
    ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "https://u:p@m.example/1"],
)
def test_timemap_uris_must_be_http(uri: str) -> None:
    body = f'<{uri}>; rel="memento"; datetime="Tue, 17 Nov 2015 03:35:24 GMT"'.encode()
    archiver = _archiver(lambda m, u: Reply(200, body=body), wayback=[], memento=[TIMEMAP])
    assert archiver.lookup("http://example.com/", NEAR) is None


def test_relative_timemap_uris_are_resolved_and_safe() -> None:
    body = b'</web/20151117033524/x>; rel="memento"; datetime="Tue, 17 Nov 2015 03:35:24 GMT"'
    archiver = _archiver(lambda m, u: Reply(200, body=body), wayback=[], memento=[TIMEMAP])
    snap = archiver.lookup("http://example.com/", NEAR)
    assert snap is not None and snap.archive_url == "https://map.example/web/20151117033524/x"


def test_archive_link() -> None:
    for bad in ("javascript:x", "//x", "https://[::1]/", "https://a b/", "https://x/\ud800"):
        assert archive_link(bad) is None
    good = archive_link('https://a.example/"<x>')
    assert good is not None and safe_url(good) == good


def test_cdx_with_limit_one_decodes_one_row() -> None:
    rows = [["timestamp", "original", "statuscode"]] + [
        ["20151117033524", "http://example.com/" + "x" * 200, "200"]
    ] * 70_000
    body = json.dumps(rows).encode()  # ~16 MiB
    tracemalloc.start()
    try:
        first = next(iter_cdx(body))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.timestamp == "20151117033524"
    assert peak < 3 * len(body)  # the decoded text, not every row (was ~33x)


def test_timemap_memory_is_bounded() -> None:
    entry = (
        '<https://map.example/web/{}/x>; rel="memento"; datetime="Tue, 17 Nov 2015 03:35:24 GMT", '
    )
    body = "".join(entry.format(20151117033524 + i) for i in range(20_000)).encode()
    archiver = _archiver(lambda m, u: Reply(200, body=body), wayback=[], memento=[TIMEMAP])
    tracemalloc.start()
    try:
        snap = archiver.lookup("http://example.com/", NEAR)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert snap is not None
    assert peak < 3 * len(body)  # every entry was held in a list


def test_parse_cdx_survives_nesting_and_garbage() -> None:
    assert parse_cdx(b'{"a": ' * 50_000) == []
    with pytest.raises(ValueError):
        parse_cdx(b"[" * 200_000)


def test_credentials_never_reach_an_archive() -> None:
    archiver = _archiver(lambda m, u: pytest.fail("nothing may be sent"))
    with pytest.raises(UnsafeURL) as info:
        archiver.lookup("https://u:s3cret@example.com/", NEAR)
    assert "s3cret" not in str(info.value) and "s3cret" not in str(info.value.url)


def test_capture_refuses_credentials_without_echoing_them(tmp_path: Path) -> None:
    with Archiver(warc_dir=tmp_path, keys=None) as archiver, pytest.raises(UnsafeURL) as info:
        archiver.capture("https://u:s3cret@example.com/")
    assert "s3cret" not in str(info.value)


def test_capture_holds_one_body_not_each_hops(tmp_path: Path) -> None:
    size = 8 << 20
    head = b"HTTP/1.1 302 Found\r\nLocation: /%d\r\nContent-Length: %d\r\n\r\n"
    final = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size + b"y" * size
    routes = {f"/{i}": raw(head % (i + 1, size) + b"x" * size) for i in range(4)}
    routes["/4"] = raw(final)
    with LoopbackServer(routes) as srv:
        archiver = Archiver(
            warc_dir=tmp_path,
            keys=None,
            allow_hosts=[f"127.0.0.1:{srv.port}"],
            max_capture_bytes=16 << 20,
        )
        tracemalloc.start()
        try:
            snap = archiver.capture(srv.url("/0"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            archiver.close()
    assert snap.status_code == 200
    assert peak < 3.2 * size  # was 5 hop bodies (plus copies) held at once
