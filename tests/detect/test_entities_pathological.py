"""Pathological inputs finish fast: one regression test per input.

All inputs run in one child process with a timeout, so a catastrophic regex fails the
tests instead of hanging them (a thread cannot interrupt a running ``re`` match).
The bounds are generous on purpose; bench/extract_speed.py measures the real figures.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.child import run_child

# name -> (expression building the input, expected (hashtags, mentions, cashtags, links))
INPUTS: dict[str, tuple[str, tuple[int, int, int, int]]] = {
    "100k hash signs": ("'#' * 100_000", (0, 0, 0, 0)),
    "a. repeated": ("'a.' * 50_000", (0, 0, 0, 0)),
    "http:// and a huge host": ("'http://' + 'a' * 100_000", (0, 0, 0, 0)),
    "100k at signs": ("'@' * 100_000", (0, 0, 0, 0)),
    "10 MB of text": ("(SEED * (10_000_000 // len(SEED) + 1))[:10_000_000]", (-1, -1, -1, -1)),
    "labels ending in a TLD": ("'a.' * 50_000 + 'com'", (0, 0, 0, 0)),
    "www. repeated": ("'www.' * 25_000", (0, 0, 0, 0)),
    "URL then dashes": ("'http://somesite.com' + '-' * 100_000", (0, 0, 0, 0)),
    "URL then bangs": ("'http://example.com/x' + '!' * 100_000", (0, 0, 0, 1)),
    "URL then open parens": ("'http://example.com/x' + '(' * 100_000", (0, 0, 0, 1)),
    "http://a( repeated": ("'http://a(' * 10_000", (0, 0, 0, 0)),
    "hashtag after hashtag": ("'#a' * 50_000", (0, 0, 0, 0)),
    "one huge hashtag": ("'#' + 'a' * 100_000", (1, 0, 0, 0)),
    "hash then combining marks": ("'#' + '\\u0301' * 100_000", (1, 0, 0, 0)),
    "t.co/ repeated": ("'t.co/' * 20_000", (0, 0, 0, 0)),
    "accented labels": ("'é.' * 50_000", (0, 0, 0, 0)),
    "many short links": ("'a.co ' * 20_000", (0, 0, 0, 20_000)),
}

_CHILD = r"""
import json, sys, time
from embedres.detect.entities import find_entities
SEED = open(sys.argv[1], encoding="utf-8").read()
cases = json.loads(sys.stdin.read())
find_entities("warm up #a @b $C x.com")
out = {}
for name, expr in cases.items():
    text = eval(expr)
    t = time.perf_counter()
    found = find_entities(text)
    dt = time.perf_counter() - t
    counts = [len(found.hashtags), len(found.mentions), len(found.cashtags), len(found.links)]
    out[name] = {"seconds": dt, "chars": len(text), "counts": counts}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def timings(request: pytest.FixtureRequest) -> dict[str, Any]:
    from tests.support.paths import SEED

    payload = json.dumps({name: expr for name, (expr, _) in INPUTS.items()})
    return run_child(_CHILD, payload, str(SEED))


@pytest.mark.parametrize("name", list(INPUTS))
def test_pathological_input_is_fast(name: str, timings: dict[str, Any]) -> None:
    """Each input takes at most a few seconds (10 MB: 1 s + 4 us per character)."""
    got = timings[name]
    bound = 1.0 + 4e-6 * got["chars"] if got["chars"] > 1_000_000 else 5.0
    assert got["seconds"] < bound, f"{name}: {got['seconds']:.2f} s"
    expected = INPUTS[name][1]
    if expected[0] >= 0:
        assert tuple(got["counts"]) == expected
    else:
        assert got["counts"][0] > 0 and got["counts"][3] > 0
