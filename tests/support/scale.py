"""Inputs for the scale-out tests: records with resolvable, dead and bad links, and errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from embedres.batch import BatchOptions

__all__ = ["ACCESSED", "options", "write_input"]

ACCESSED = date(2026, 11, 30)


def options(cache: str | None, **kw: object) -> BatchOptions:
    """Options that resolve the farm's ``bit.ly`` links on loopback, without oEmbed."""
    return BatchOptions(
        cache=cache, allow_private=True, hydrate=False, links=True, accessed=ACCESSED,
        host_map=(("bit.ly", "127.0.0.1"),), **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def write_input(path: Path, n: int, port: int, *, every: int = 5) -> int:
    """Write ``n`` input lines to ``path``: every ``every``-th record has a short link (every
    7th link is dead), and bad lines (not JSON, no text, no id, not an object, blank) are mixed
    in. Returns the number of distinct short links."""
    links = 0
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            if i % 97 == 13:
                fh.write("{not json\n")
            elif i % 101 == 7:
                fh.write("\n")
            elif i % 89 == 3:
                fh.write(json.dumps({"id": f"r{i}"}) + "\n")
            elif i % 83 == 5:
                fh.write(json.dumps({"text": "no id here"}) + "\n")
            elif i % 79 == 2:
                fh.write("[1, 2]\n")
            elif i % every == 0:
                kind = "x" if links % 7 == 6 else "s"
                text = f"Story {i}: see http://bit.ly:{port}/{kind}/{i} for more."
                fh.write(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False) + "\n")
                links += 1
            else:
                fh.write(json.dumps({"id": f"r{i}", "text": f"Plain article {i} é."}) + "\n")
    return links
