"""Archiver.lookup(): CDX, availability and Memento answers from ``cases/archive_lookup.json``."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from embedres import ArchiveUnavailable, InvalidArgument, UnsafeURL
from embedres.archive.archiver import INTERNET_ARCHIVE, Archiver, MementoService, WaybackService
from tests.support.archive import (
    FakeTime,
    check_snapshot,
    error_class,
    load_cases,
    make_archiver,
    parse_when,
    register,
)

CASES = load_cases("archive_lookup.json")


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_lookup_case(case: dict[str, Any]) -> None:
    time = FakeTime()
    archiver = make_archiver(time, **case.get("archiver", {}))
    call = case["call"]
    expected = case["expected"]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        register(mock, case["http"])
        if "raises" in expected:
            with pytest.raises(error_class(expected["raises"])) as info:
                archiver.lookup(call["url"], parse_when(call.get("near")))
            for name, want in expected.get("attrs", {}).items():
                assert getattr(info.value, name) == want, name
        else:
            check_snapshot(
                archiver.lookup(call["url"], parse_when(call.get("near"))), expected["snapshot"]
            )
        assert len(mock.calls) == case["expected_calls"]
    if "slept_at_least" in expected:
        assert sum(time.sleeps) >= expected["slept_at_least"]


def test_lookup_without_date_asks_for_the_capture_closest_to_now() -> None:
    with responses.RequestsMock() as mock:
        mock.get("https://web.archive.org/cdx/search/cdx", json=[])
        before = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        assert make_archiver(FakeTime()).lookup("example.com") is None
        sent = parse_qs(urlsplit(mock.calls[0].request.url or "").query)
    assert sent["closest"][0] >= before
    assert sent["sort"] == ["closest"] and sent["limit"] == ["1"]


def test_cdx_requests_are_paced_two_seconds_apart_for_the_internet_archive() -> None:
    time = FakeTime()
    archiver = make_archiver(time)
    with responses.RequestsMock() as mock:
        mock.get("https://web.archive.org/cdx/search/cdx", json=[])
        for _ in range(3):
            archiver.lookup("example.com", date(2015, 11, 17))
    assert sum(time.sleeps) == pytest.approx(2 * INTERNET_ARCHIVE.interval)


def test_archive_endpoint_on_loopback_needs_allow_hosts() -> None:
    archiver = make_archiver(FakeTime(), wayback="http://127.0.0.1:9/coll")
    with responses.RequestsMock() as mock, pytest.raises(UnsafeURL, match="allow_hosts"):
        archiver.lookup("http://example.com/")
    assert len(mock.calls) == 0


def test_unreachable_service_is_archive_unavailable() -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        from embedres.net.transport import Unreachable

        raise Unreachable("connection refused")

    archiver = make_archiver(FakeTime(), transport=fail)
    with pytest.raises(ArchiveUnavailable, match="connection refused") as info:
        archiver.lookup("example.com")
    assert info.value.transient


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_lookup_rejects_non_url(bad: Any) -> None:
    with pytest.raises(InvalidArgument):
        make_archiver(FakeTime()).lookup(bad)


def test_lookup_rejects_non_date() -> None:
    with pytest.raises(InvalidArgument):
        make_archiver(FakeTime()).lookup("example.com", "2015-11-17")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"wayback": "ftp://archive.example/"}, "http"),
        ({"memento": ["file:///etc/passwd"]}, "http"),
        ({"wayback": [42]}, "WaybackService"),
        ({"timeout": -1}, "timeout"),
        ({"max_redirects": 1.5}, "max_redirects"),
        ({"keys": ("only-access",)}, "keys"),
        ({"if_not_archived_within": "soon"}, "if_not_archived_within"),
        ({"warc_prefix": "../evil"}, "warc_prefix"),
        ({"allow_hosts": ["http://x/"]}, "allow_hosts"),
        ({"user_agent": "two\nlines"}, "user_agent"),
        ({"allow_hosts": "127.0.0.1:8080"}, "allow_hosts"),
        ({"save_url": "web.archive.org"}, "save_url"),
        ({"save_options": {"capture_all": 1}}, "save_options"),
        ({"save_timeout": True}, "save_timeout"),
    ],
)
def test_bad_options_raise_at_once(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        Archiver(**options)


def test_service_objects_and_urls_are_equivalent() -> None:
    by_url = Archiver(wayback="https://web.archive.org", keys=None)
    assert by_url.wayback == (INTERNET_ARCHIVE,)
    gate = Archiver(memento=MementoService("x", timegate_url="https://g.example/tg/"), keys=None)
    assert gate.memento[0].timegate_url == "https://g.example/tg/"
    with pytest.raises(InvalidArgument):
        MementoService("none")
    with pytest.raises(InvalidArgument):
        WaybackService("w", "https://a.example/cdx", "https://a.example/", interval=-1)
