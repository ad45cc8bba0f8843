"""Fuzz target: ``extract(text, html=False)``; any exception or broken invariant is a defect."""

from __future__ import annotations

from _common import instrumented, main, text_of
from _invariants import check_extraction

with instrumented():
    from embedres import extract


def fuzz_one(data: bytes) -> None:
    """Extract from one input, twice, and check invariants and determinism."""
    text = text_of(data)
    first = extract(text, html=False)
    check_extraction(text, first)
    if extract(text, html=False) != first:
        raise AssertionError("extract() is not deterministic")


if __name__ == "__main__":
    main(fuzz_one)
