"""Every exporter against the worked examples (tests/cases/cite_formats.json)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.citations import build_citation, load_cases

_ROWS = [
    (case["description"], fmt, expected, case["citation"])
    for case in load_cases()
    for fmt, expected in case["expected"].items()
]


def _render(c: Any, fmt: str) -> Any:
    if fmt == "wikitext":
        return c.to_wikitext()
    if fmt == "bibtex":
        return c.to_bibtex()
    if fmt == "markdown":
        return c.to_markdown()
    if fmt == "csl":
        return c.to_csl()
    if fmt.endswith("_html"):
        return c.format(fmt.removesuffix("_html"), html=True)
    return c.format(fmt)


@pytest.mark.parametrize(
    ("description", "fmt", "expected", "citation"),
    _ROWS,
    ids=[f"{r[1]}:{r[0][:40]}" for r in _ROWS],
)
def test_format_matches_worked_example(
    description: str, fmt: str, expected: Any, citation: dict[str, Any]
) -> None:
    assert _render(build_citation(citation), fmt) == expected, description
