"""twitter-text's conformance suite, read from ../shared at test time (never copied).

Every case of the core sections of ``extract.yml`` and every case of ``tlds.yml`` runs
through :func:`embedres.detect.entities.find_entities`, compared with and without indices.
Cases embedres deliberately treats differently are listed in docs/conformance.md and
in ``DEVIATIONS`` below (strict xfail, so a fix is noticed).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from embedres.detect.entities import Entities, find_entities
from tests.support.paths import CONFORMANCE

CORE = (
    "mentions",
    "mentions_with_indices",
    "hashtags",
    "hashtags_from_astral",
    "hashtags_with_indices",
    "cashtags",
    "cashtags_with_indices",
    "urls",
    "tco_urls_with_params",
    "urls_with_indices",
    "urls_with_directional_markers",
)
# (section, description) -> reason; mirrored in docs/conformance.md.
DEVIATIONS: dict[tuple[str, str], str] = {}


@functools.cache
def _load(name: str) -> dict[str, list[dict[str, Any]]]:
    path = Path(CONFORMANCE) / name
    if not path.exists():
        # Outside CI (a clone without ../shared) the suite skips; in CI a missing suite fails.
        if os.environ.get("CI"):
            pytest.fail(f"conformance data not found at {path} (set EMBEDRES_SHARED)")
        pytest.skip(f"conformance data not found at {path} (set EMBEDRES_SHARED)")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, dict[str, list[dict[str, Any]]]] = yaml.safe_load(fh)
    return data["tests"]


def _plain(kind: str) -> Callable[[Entities], list[Any]]:
    return lambda e: [x.text if kind != "links" else x.url for x in getattr(e, kind)]


def _indexed(kind: str, key: str) -> Callable[[Entities], list[Any]]:
    def get(e: Entities) -> list[Any]:
        items = getattr(e, kind)
        return [{key: x.url if kind == "links" else x.text, "indices": list(x.span)} for x in items]

    return get


SECTION_GETTERS: dict[str, Callable[[Entities], list[Any]]] = {
    "mentions": _plain("mentions"),
    "mentions_with_indices": _indexed("mentions", "screen_name"),
    "hashtags": _plain("hashtags"),
    "hashtags_from_astral": _plain("hashtags"),
    "hashtags_with_indices": _indexed("hashtags", "hashtag"),
    "cashtags": _plain("cashtags"),
    "cashtags_with_indices": _indexed("cashtags", "cashtag"),
    "urls": _plain("links"),
    "tco_urls_with_params": _plain("links"),
    "urls_with_indices": _indexed("links", "url"),
    "urls_with_directional_markers": _indexed("links", "url"),
}


def _cases() -> list[Any]:
    try:
        extract = _load("extract.yml")
        tlds = _load("tlds.yml")
    except pytest.skip.Exception:
        return []
    params = []
    for section in CORE:
        for i, case in enumerate(extract[section]):
            reason = DEVIATIONS.get((section, case["description"]))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(section, case, id=f"{section}-{i}", marks=marks))
    for section in ("country", "generic"):
        for i, case in enumerate(tlds[section]):
            params.append(pytest.param(f"tlds_{section}", case, id=f"tlds_{section}-{i}"))
    return params


def _actual(section: str, text: str) -> list[Any]:
    getter = SECTION_GETTERS.get(section, _plain("links"))
    return getter(find_entities(text))


def _without_indices(section: str, expected: list[Any]) -> list[Any]:
    if not section.endswith(("_with_indices", "_markers")):
        return expected
    key = next(k for k in expected[0] if k != "indices") if expected else ""
    return [x[key] for x in expected]


@pytest.mark.parametrize(("section", "case"), _cases())
def test_case(section: str, case: dict[str, Any]) -> None:
    """One conformance case: exact result, and the same strings without the offsets."""
    actual = _actual(section, case["text"])
    assert actual == case["expected"], case["description"]
    plain = [x[next(k for k in x if k != "indices")] if isinstance(x, dict) else x for x in actual]
    assert plain == _without_indices(section, case["expected"])
    for item in actual:
        if isinstance(item, dict):
            start, end = item["indices"]
            value = next(v for k, v in item.items() if k != "indices")
            assert case["text"][start:end].endswith(value)


def test_summary() -> None:
    """Run every case once more and print per-section pass counts (pytest -s shows them)."""
    extract, tlds = _load("extract.yml"), _load("tlds.yml")
    sections = [(s, extract[s]) for s in CORE]
    sections += [(f"tlds_{s}", tlds[s]) for s in ("country", "generic")]
    total = passed = 0
    lines = []
    for name, cases in sections:
        ok = sum(_actual(name, c["text"]) == c["expected"] for c in cases)
        lines.append(f"{name:32} {ok:5d}/{len(cases):<5d}")
        total += len(cases)
        passed += ok
    print("\nconformance (twitter-text):\n" + "\n".join(lines) + f"\n{'total':32} {passed}/{total}")
    core_total = sum(len(extract[s]) for s in CORE)
    assert core_total == 220
    assert total == 220 + 1574
    assert passed == total - len(DEVIATIONS)
