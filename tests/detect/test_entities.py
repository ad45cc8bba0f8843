"""find_entities(): table-driven cases (tests/cases/entities.json) and invariants."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedres.detect.entities import Entities, find_entities
from embedres.errors import InvalidArgument
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "entities.json").read_text("utf-8"))


def _as_lists(found: Entities) -> dict[str, list[Any]]:
    return {
        "hashtags": [[e.text, list(e.span)] for e in found.hashtags],
        "mentions": [[e.text, list(e.span)] for e in found.mentions],
        "cashtags": [[e.text, list(e.span)] for e in found.cashtags],
        "links": [[link.url, list(link.span), link.kind] for link in found.links],
    }


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    """Each listed kind matches exactly; spans slice back to the sigil and text."""
    got = _as_lists(find_entities(case["input"]))
    for kind in ("hashtags", "mentions", "cashtags", "links"):
        if kind in case:
            assert got[kind] == case[kind], kind
    _check_invariants(case["input"], find_entities(case["input"]))


def _check_invariants(text: str, found: Entities) -> None:
    spans = []
    for sigils, items in (("#＃", found.hashtags), ("@＠", found.mentions), ("$", found.cashtags)):
        for e in items:
            start, end = e.span
            assert text[start] in sigils and text[start + 1 : end] == e.text
            spans.append(e.span)
    for link in found.links:
        assert text[link.span[0] : link.span[1]] == link.url
        spans.append(link.span)
    spans.sort()
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, "entities overlap"


def test_lists_are_sorted_and_typed() -> None:
    found = find_entities("#b #a @z @y $B $A x.com a.org")
    assert [e.span for e in found.hashtags] == sorted(e.span for e in found.hashtags)
    assert [link.url for link in found.links] == ["x.com", "a.org"]
    assert [e.text for e in found.cashtags] == ["B", "A"]


@pytest.mark.parametrize("bad", [None, b"#tag", 3, ["#a"]])
def test_non_str_is_a_clear_error(bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="takes a str"):
        find_entities(bad)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "#",
                "@",
                "$",
                ".",
                "/",
                ":",
                "http",
                "https://",
                "t.co/",
                "www.",
                "com",
                "pic.",
                "twitter",
                "x",
                "é",
                "日本",
                "🏿",
                "\u200d",
                "\ufe0f",
                " ",
                "\n",
                "-",
                "_",
                "a",
                "B",
                "1",
                "(",
                ")",
                "?",
                "=",
                "&",
                "＃",
                "@@",
                "RT",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_spans_round_trip_on_generated_text(text: str) -> None:
    """Every span slices back to its entity and no two entities overlap."""
    _check_invariants(text, find_entities(text))


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_any_string_gives_consistent_entities(text: str) -> None:
    _check_invariants(text, find_entities(text))
