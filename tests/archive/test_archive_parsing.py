"""Archive answers from hostile or broken servers: the parsers never raise anything but
ValueError, never hang, and timestamps round-trip."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from embedres.archive.wayback import (
    closest_memento,
    parse_availability,
    parse_cdx,
    parse_links,
    parse_timestamp,
    to_timestamp,
)
from embedres.net.retryafter import parse_retry_after

NEAR = datetime(2015, 11, 17, tzinfo=timezone.utc)
# Shapes that sent a backtracking Link-header pattern into exponential time.
# (Python expressions, built in the subprocess: too long for a command line.)
HOSTILE_LINKS = [
    "'<a>' + '; a' * 20000 + '<'",
    "'<a>' + '; x=y' * 20000 + ' <'",
    "'<a>;' + ' ' * 50000 + 'x'",
    "'<a>; x=\"' + ';' * 50000",
    "'<>,' * 50000",
    "'<' * 50000",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400)))
def test_cdx_and_availability_parsers_fail_only_with_value_error(data: bytes | str) -> None:
    try:
        captures = parse_cdx(data)
    except ValueError:
        captures = []
    assert all(len(c.timestamp) <= 14 and c.original for c in captures)
    try:
        closest = parse_availability(data)
    except ValueError:
        closest = None
    assert closest is None or closest.timestamp.isdigit()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<",
                ">",
                ";",
                ",",
                '"',
                "=",
                " ",
                "rel",
                "memento",
                "datetime",
                "Tue, 17 Nov 2015 03:35:24 GMT",
                "http://m/",
            ]
        ),
        max_size=60,
    ).map("".join)
)
def test_link_parser_accepts_any_text(text: str) -> None:
    entries = parse_links(text)
    assert all(isinstance(uri, str) and isinstance(p, dict) for uri, p in entries)
    found = closest_memento(entries, NEAR)
    assert found is None or found[1].tzinfo is not None


def test_link_parser_is_linear_on_hostile_timemaps() -> None:
    code = (
        "from embedres.archive.wayback import parse_links\n"
        f"for text in [{', '.join(HOSTILE_LINKS)}]:\n"
        "    parse_links(text)\n"
        "print('ok')\n"
    )
    # A subprocess with a timeout: a regression fails the test instead of hanging the suite.
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr[-500:]


@given(st.datetimes(min_value=datetime(1996, 1, 1), max_value=datetime(2100, 1, 1)))
def test_timestamps_round_trip(when: datetime) -> None:
    ts = to_timestamp(when)
    assert len(ts) == 14 and ts.isdigit()
    assert to_timestamp(parse_timestamp(ts)) == ts
    assert parse_timestamp(ts) == when.replace(microsecond=0, tzinfo=timezone.utc)


@given(st.text(max_size=60))
def test_retry_after_is_always_a_bounded_wait(value: str) -> None:
    wait = parse_retry_after(value, now=NEAR)
    assert 0.0 <= wait <= 86400.0


def test_deeply_nested_json_is_unreadable_not_a_crash() -> None:
    deep = b"[" * 100_000
    for parse in (parse_cdx, parse_availability):
        try:
            parse(deep)
        except ValueError as exc:
            assert "unreadable" in str(exc)
        else:
            raise AssertionError("deep nesting accepted")
    assert parse_cdx(b'{"a": ' * 50_000 + b"\n") == []
