"""Inputs for the scale-out tests: records with resolvable, dead and bad links, and errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from embedres.batch import BatchOptions

__all__ = ["ACCESSED", "HOSTILE_MAX_RECORD", "hostile_lines", "options", "write_input"]

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


HOSTILE_MAX_RECORD = 200
"""The ``max_record`` that makes :func:`hostile_lines`' long line too long."""


def hostile_lines() -> list[bytes]:
    """JSONL lines that every engine must turn into the same results (issue #14 semantics):
    a BOM, CRLF, blank lines, bad UTF-8, not JSON, too deep, too long, no id, a BOM in the
    middle, duplicate ids (``1`` and ``"1"`` distinct) and a torn last line."""
    return [
        b'\xef\xbb\xbf{"id": 1, "text": "a"}\n',
        b'{"id": "1", "text": "b"}\r\n',
        b'{"id": 1, "text": "duplicate of 1"}\n',
        b"\n",
        b"   \r\n",
        b'{"id": "bad", "text": "\xff\xfe"}\n',
        b"not json\n",
        b"[" * 5000 + b"]" * 5000 + b"\n",
        b'{"id": "long", "text": "' + b"x" * 300 + b'"}\n',
        b'{"text": "no id"}\n',
        b'\xef\xbb\xbf{"id": "bom-mid", "text": "x"}\n',
        b'{"id": "1", "text": "duplicate of \\"1\\""}\n',
        b'{"id": "c\xc3\xa9", "text": "\xc3\xa9"}\n',
        b'{"id": "bad", "text": "duplicate of an error record"}\n',
        b'{"id": "z", "text": "torn"',
    ]
