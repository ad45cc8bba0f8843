"""Id -> time decoders: table-driven from tests/cases/posts_ids.json, plus invariants."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedres.errors import InvalidArgument
from embedres.platforms import ids as ids
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "posts_ids.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_id_time(case: dict[str, Any]) -> None:
    decode = getattr(ids, case["function"])
    expected = case["expected"]
    if expected == "InvalidArgument":
        with pytest.raises(InvalidArgument):
            decode(case["input"])
        return
    got = decode(case["input"])
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.tzinfo is not None
        assert got.replace(microsecond=0, tzinfo=None).isoformat() == expected


@pytest.mark.parametrize("bad", [None, 1.5, True, b"123"])
def test_wrong_types_raise(bad: object) -> None:
    for name in ("snowflake_time", "mastodon_time", "tiktok_time", "linkedin_time"):
        with pytest.raises(InvalidArgument):
            getattr(ids, name)(bad)
    for name in ("tid_time", "shortcode_time"):
        with pytest.raises(InvalidArgument):
            getattr(ids, name)(bad)


@given(st.integers(min_value=0, max_value=(1 << 41) - 1), st.integers(0, (1 << 22) - 1))
def test_snowflake_round_trip(ms: int, low: int) -> None:
    post_id = (ms << 22) | low
    got = ids.snowflake_time(post_id)
    if post_id < 29700859248:
        assert got is None
    else:
        assert got is not None
        expected = datetime(1970, 1, 1, tzinfo=got.tzinfo) + timedelta(
            milliseconds=ms + 1288834974657
        )
        assert got == expected


@given(st.integers(0, (1 << 63) - 1))
def test_tid_round_trip(n: int) -> None:
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    rkey = "".join(alphabet[(n >> (5 * (12 - i))) & 31] for i in range(13))
    got = ids.tid_time(rkey)
    assert got is not None
    assert got == datetime(1970, 1, 1, tzinfo=got.tzinfo) + timedelta(microseconds=n >> 10)


@given(st.text(max_size=30), st.sampled_from([*sorted(ids._BY_PLATFORM), "youtube"]))
def test_post_time_never_raises(post_id: str, platform: str) -> None:
    got = ids.post_time(platform, post_id)
    assert got is None or got.tzinfo is not None
