"""The one Retry-After parser: never raises, whatever the header holds."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedres.net.retryafter import (
    DEFAULT_RETRY_AFTER,
    MAX_RETRY_AFTER,
    parse_retry_after,
    retry_after,
)

NOW = datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)


@pytest.mark.parametrize("value", ["³", "１２", "٣", "3.5", "-1", "soon", "", "  ", "1e3"])
def test_non_ascii_digits_and_junk_are_unreadable(value: str) -> None:
    # "³".isdigit() is True and int("³") raises: the old resolver parser crashed on it.
    assert retry_after(value, NOW) is None
    assert parse_retry_after(value, now=NOW) == DEFAULT_RETRY_AFTER


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0),
        (" 120 ", 120.0),
        ("9" * 400, 1e9),
        ("Wed, 21 Oct 2015 07:28:05 GMT", 5.0),
        ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),  # in the past: go now
    ],
)
def test_readable_values(value: str, seconds: float) -> None:
    assert retry_after(value, NOW) == seconds


def test_archiver_form_caps_at_a_day() -> None:
    assert parse_retry_after("999999", now=NOW) == MAX_RETRY_AFTER
    assert parse_retry_after(None) == DEFAULT_RETRY_AFTER


def test_non_strings_are_unreadable() -> None:
    assert retry_after(None) is None
    assert retry_after(b"3") is None


@given(st.one_of(st.text(), st.from_regex(r"\s*\d{1,30}\s*", fullmatch=True)))
def test_never_raises_and_stays_in_range(value: str) -> None:
    wait = retry_after(value, NOW)
    assert wait is None or 0.0 <= wait <= 1e9
    assert 0.0 <= parse_retry_after(value, now=NOW) <= MAX_RETRY_AFTER


@given(st.datetimes(timezones=st.just(timezone.utc)))
def test_any_http_date_is_read_or_refused(when: datetime) -> None:
    text = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    wait = retry_after(text, NOW)
    assert wait is None or wait >= 0.0


def test_resolver_survives_a_superscript_retry_after_over_a_real_socket() -> None:
    """Regression: a 429 with ``Retry-After: ³`` (latin-1 byte 0xB3) is a status, not a crash."""
    from embedres import Resolver
    from tests.support.servers import LoopbackServer, respond

    srv = LoopbackServer({"/x": respond(429, [("Retry-After", "³")])})
    with srv, Resolver(cache=None, allow_hosts=(f"127.0.0.1:{srv.port}",), max_retries=1) as r:
        res = r.resolve(srv.url("/x"))
    assert res.status in ("dead", "error") and "internal error" not in (res.error or "")
