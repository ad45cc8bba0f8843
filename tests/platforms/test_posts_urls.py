"""parse_post_url: table-driven cases from tests/cases/posts_urls.json."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from embedres.platforms.posturls import parse_post_url
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "posts_urls.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_parse_post_url(case: dict[str, Any]) -> None:
    ref = parse_post_url(case["input"])
    expected = case["expected"]
    if expected is None:
        assert ref is None
    else:
        assert ref is not None
        got = {
            "platform": ref.platform,
            "post_id": ref.post_id,
            "canonical_url": ref.canonical_url,
            "handle": ref.handle,
        }
        assert got == expected


def test_canonical_url_is_a_fixed_point() -> None:
    for case in CASES:
        ref = parse_post_url(case["input"])
        if ref is not None:
            again = parse_post_url(ref.canonical_url)
            assert again is not None and again.canonical_url == ref.canonical_url, case
            assert again.post_id == ref.post_id


def test_long_and_odd_inputs_give_none() -> None:
    assert parse_post_url("https://twitter.com/" + "a/" * 5000 + "status/1") is None
    assert parse_post_url(None) is None  # type: ignore[arg-type]
    assert parse_post_url("https://t\x00witter.com/jack/status/20") is None


@given(st.text(max_size=200))
def test_never_raises(text: str) -> None:
    ref = parse_post_url(text)
    assert ref is None or ref.canonical_url.startswith("https://")
