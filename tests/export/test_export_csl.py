"""CSL-JSON output against a CSL 1.0.2 item schema, and rendering through citeproc-py."""

from __future__ import annotations

import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from embedres.export.csl import render_csl
from tests.support.citations import build_citation, load_cases
from tests.support.paths import CSL_SCHEMA

CSL_SCHEMA = json.loads(CSL_SCHEMA.read_text("utf-8"))
CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["description"][:50])
def test_csl_item_validates_against_csl_data_schema(case: dict[str, Any]) -> None:
    item = build_citation(case["citation"]).to_csl()
    jsonschema.validate([item], CSL_SCHEMA, cls=jsonschema.Draft7Validator)
    assert item["type"] in ("post", "webpage")


def test_csl_schema_catches_a_bad_item() -> None:
    item = build_citation(CASES[0]["citation"]).to_csl()
    item["handle"] = "not a CSL variable"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([item], CSL_SCHEMA, cls=jsonschema.Draft7Validator)


def test_citeproc_apa_agrees_with_the_hand_written_apa() -> None:
    """The real APA CSL style prints the same author, date, title, genre and site."""
    c = build_citation(CASES[1]["citation"])  # seed without translation or URL
    out = render_csl(c, "apa")
    assert out.startswith("RT France [@RTenfrancais]. (2015, November 17). François #Hollande")
    assert "[Tweet; Image attached]. Twitter." in out  # CSL's order; the manual's is by hand
    assert c.format("apa").startswith(out.split(" François")[0])


def test_citeproc_any_style_by_name() -> None:
    c = build_citation(CASES[0]["citation"])
    mla = c.format("modern-language-association")
    assert "Twitter, 17 Nov. 2015" in mla and mla.startswith("RT France [@RTenfrancais].")
    ctr = c.format("harvard-cite-them-right")  # rendered with the en-GB locale
    assert "(Accessed: 15 January 2025)" in ctr


def test_citeproc_html_escapes_post_text() -> None:
    case = next(c for c in CASES if c["description"].startswith("hostile"))
    out = build_citation(case["citation"]).format("apa-6th-edition", html=True)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<i>François" in render_csl(build_citation(CASES[0]["citation"]), "apa", html=True)
