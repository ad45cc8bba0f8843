"""Rows 50 and 54 (docs/security.md 4.4), edges: interrupted or cut-off CLI runs, odd values
in JSON output, and malformed cache records handed to the resolver's decoder."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from embedres import cli
from embedres._jsonable import jsonable
from embedres.cli import extract as extract_cmd
from embedres.resolve.records import from_json
from tests.support.paths import SEED


@pytest.mark.parametrize(("exc", "code"), [(KeyboardInterrupt, 130), (BrokenPipeError, 0)])
def test_row_54_interrupted_or_cut_off_cli_exits_cleanly(
    exc: type[BaseException],
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Row 54: Ctrl-C gives exit 130 and one line; a closed pipe gives 0; no traceback."""

    def boom(args: argparse.Namespace) -> int:
        raise exc

    monkeypatch.setattr(extract_cmd, "run", boom)
    assert cli.main(["extract", str(SEED)]) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") <= 1


def test_row_54_extract_cli_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    """Row 54: ``embedres extract --text FILE`` prints parseable JSON with the seed's tags."""
    import json

    assert cli.main(["extract", "--text", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {h["text"] for h in data["hashtags"]} >= {"Hollande", "Moscou"}


def test_jsonable_handles_mappings_and_sets() -> None:
    """Row 55: records with dicts and sets serialise to plain JSON values."""
    assert jsonable({1: {"b", "a"}, "x": (1, 2)}) == {"1": ["a", "b"], "x": [1, 2]}


MALFORMED: list[Any] = [
    {"url": "u", "status": "ok", "chain": [["a", "x", None, "http"]]},
    {"url": "u", "status": "ok", "chain": [["a"]]},
    {"url": "u", "status": "ok", "chain": ["not a hop"]},
    {"url": "u", "status": "ok", "chain": [[1, 200, None, "http"]]},
    {"url": "u", "status": "ok", "resolved_at": "not a date"},
    {"url": "u", "status": "ok", "resolved_at": 5},
    {"url": "u", "status": "ok", "final_url": 5, "error": ["x"]},
    {"url": "u", "status": "ok", "chain": [{"url": "a", "status_code": True}]},
    {"url": "u", "status": "ok", "chain": [["a", 200, 5, "http"]]},
    {"url": "u", "status": "ok", "chain": [["a", 200, None, 7]]},
    {"url": "u", "status": "bogus"},
    {"url": "u", "status": "ok", "chain": [{"url": "a", "status_code": "200", "via": "http"}]},
    {"url": "u", "status": "ok", "chain": [{"url": 5, "status_code": 200, "via": "http"}]},
    {"url": "u", "status": "ok", "chain": "not a list"},
    [],
    None,
    "x",
    3,
]


@pytest.mark.parametrize("value", MALFORMED, ids=range(len(MALFORMED)))
def test_row_50_malformed_cache_records_are_misses_or_clean(value: Any) -> None:
    """Row 50: any malformed stored record decodes to None or a well-typed Resolution."""
    res = from_json(value)
    if res is not None:
        assert isinstance(res.url, str) and res.status in {
            "ok",
            "dead",
            "blocked",
            "error",
            "timeout",
            "loop",
            "too_many_redirects",
            "offline",
        }
        assert all(isinstance(h.url, str) for h in res.chain)
