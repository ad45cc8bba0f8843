"""Fuzz target: ``extract(text, markup="markdown")`` and the sniffed ``extract(text)``.

Any exception or broken invariant is a defect. Both calls must also be deterministic.
"""

from __future__ import annotations

from _common import instrumented, main, text_of
from _invariants import check_extraction

with instrumented():
    from embedres import extract


def fuzz_one(data: bytes) -> None:
    """Extract from one input as Markdown and sniffed, twice each; check invariants."""
    text = text_of(data)
    for markup in ("markdown", None):
        first = extract(text, markup=markup)
        check_extraction(text, first)
        if extract(text, markup=markup) != first:
            raise AssertionError(f"extract(markup={markup!r}) is not deterministic")


if __name__ == "__main__":
    main(fuzz_one)
