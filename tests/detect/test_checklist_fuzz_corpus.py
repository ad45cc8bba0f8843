"""Replay every fuzz seed and every fuzz finding through its target.

Each file under ``fuzz/corpus/TARGET/`` (seeds) and ``fuzz/regressions/TARGET/`` (inputs the
fuzzers found failing, kept so a fix cannot regress) is fed to ``fuzz/fuzz_TARGET.py``'s
``fuzz_one``, which raises on any crash or broken invariant (rows 26, 38-48, 50). Findings are
kept out of the seed corpus so that ``fuzz/run_all.sh`` does not stop on a known defect.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.paths import REPO

FUZZ = REPO / "fuzz"
CASES = sorted(
    (d.name, f)
    for top in ("corpus", "regressions")
    for d in (FUZZ / top).iterdir()
    if d.is_dir()
    for f in sorted(d.iterdir())
)


def _target(name: str) -> Callable[[bytes], None]:
    os.environ["EMBEDRES_FUZZ_NO_ATHERIS"] = "1"  # no instrumentation inside pytest
    os.environ["EMBEDRES_FUZZ_STRICT"] = "1"  # every property, as in the long runs
    if str(FUZZ) not in sys.path:
        sys.path.insert(0, str(FUZZ))
    module = importlib.import_module(f"fuzz_{name}")
    fn: Callable[[bytes], None] = module.fuzz_one
    return fn


def test_every_corpus_has_a_target() -> None:
    """Each corpus folder belongs to a fuzz target, and each target has seeds."""
    folders = {d.name for d in (FUZZ / "corpus").iterdir() if d.is_dir()}
    targets = {p.stem.removeprefix("fuzz_") for p in FUZZ.glob("fuzz_*.py")}
    assert folders == targets
    assert all(any((FUZZ / "corpus" / t).iterdir()) for t in targets)


@pytest.mark.parametrize(
    ("target", "path"), CASES, ids=[f"{p.parent.parent.name}/{t}/{p.name}" for t, p in CASES]
)
def test_corpus_input_passes_its_target(target: str, path: Path) -> None:
    """Rows 26, 38-48, 50: one corpus input runs through its target without a failure."""
    _target(target)(path.read_bytes())
