"""The pure redirect and canonical-URL parsers, table-driven from tests/cases/redirects.json."""

from __future__ import annotations

import json
from typing import Any

import pytest

from embedres.net import redirects as _redirects
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "redirects.json").read_text("utf-8"))


def call(case: dict[str, Any]) -> Any:
    fn = getattr(_redirects, case["function"])
    inp = case["input"]
    if case["function"] == "decode_html":
        return fn(bytes.fromhex(inp[0]), inp[1])
    if case["function"] == "parse_link_header":
        return [[url, params] for url, params in fn(inp)]
    if case["function"] == "interstitial":
        got = fn(*inp)
        return list(got) if got else None
    return fn(*inp) if isinstance(inp, list) else fn(inp)


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_parser_case(case: dict[str, Any]) -> None:
    assert call(case) == case["expected"]


@pytest.mark.parametrize(
    "hostile",
    [
        "<meta" * 20000,
        "<a " * 20000,
        "<link rel=canonical href=" * 5000,
        "<!--" * 20000,
        'location.replace("' * 10000,
        "<meta http-equiv=refresh content='" * 5000,
    ],
)
def test_hostile_markup_finds_nothing(hostile: str) -> None:
    """Shapes that make naive scanners quadratic (scans are bounded per tag)."""
    text = hostile[: 64 * 1024]
    assert _redirects.find_meta_refresh(text) is None
    found = _redirects.find_js_redirect(text)
    assert found is None or len(found) <= 8192
    assert _redirects.find_canonical(text, "") is None
