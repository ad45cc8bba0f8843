"""Widget dates: per-language cases from tests/cases/posts_dates.json, and CLDR round trips."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from babel.dates import format_date

from embedres.detect import dates as dates
from embedres.detect.dates import WIDGET_LANGS, match_date, parse_date
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "posts_dates.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_parse_date(case: dict[str, Any]) -> None:
    got = parse_date(case["input"], lang=case["lang_hint"])
    expected = case["expected"]
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert (got[0].isoformat(), got[1]) == (expected["date"], expected["lang"])


def test_at_least_thirty_widget_languages() -> None:
    assert len(WIDGET_LANGS) >= 30
    assert {"en", "fr", "de", "es", "ja", "ar", "ru", "zh-CN", "zh-TW", "ms", "fil"} <= set(
        WIDGET_LANGS
    )


@pytest.mark.parametrize("lang", WIDGET_LANGS)
def test_cldr_long_round_trip(lang: str) -> None:
    """Every month, as Babel formats it, in lower case and with capitalised words."""
    locale = dates._LOCALES[lang]
    for month in range(1, 13):
        day = date(2016, month, 9 + month)
        text = format_date(day, "long", locale=locale)
        capitalised = " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
        for variant in (text, text.lower(), capitalised):
            assert parse_date(variant, lang=lang) == (day, lang), variant
            unhinted = parse_date(variant)
            assert unhinted is not None and unhinted[0] == day, variant


@pytest.mark.parametrize(
    ("text", "pos", "end"),
    [
        ("December 30, 2017In the Saturday tweets", 0, 17),
        ("x 17 Novembre 2015\r\nnext", 2, 18),
        ("November 25, 2024 at 7:49 AM", 0, 17),
        ("17. November 2015Report", 0, 17),
    ],
)
def test_match_date_stops_at_the_date(text: str, pos: int, end: int) -> None:
    m = match_date(text, pos)
    assert m is not None and (m.start, m.end) == (pos, end)


def test_match_date_needs_a_date_at_pos() -> None:
    assert match_date("on 17 Novembre 2015", 0) is None
    assert match_date("17 Novembre 2015", 99) is None
    assert match_date(" 17 Novembre 2015", 0) is None


def test_tables_are_lazy_and_cached() -> None:
    dates._table.cache_clear()
    assert dates._table.cache_info().currsize == 0
    parse_date("17 Novembre 2015", lang="fr")
    assert dates._table.cache_info().currsize >= 1
    first = dates._table("fr")
    assert dates._table("fr") is first


def test_long_inputs_are_cheap() -> None:
    assert match_date("1" * 100_000) is None
    assert match_date("17 " + "a" * 100_000) is None
