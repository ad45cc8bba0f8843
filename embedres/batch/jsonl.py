"""JSON Lines in and out: bounded line reads, resume from an output file, durable writes."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from embedres.errors import InputError

__all__ = ["BLANK", "MAX_RECORD", "Unreadable", "done_ids", "durable_write", "read_lines"]

MAX_RECORD = 16 * 2**20
"""The longest accepted JSONL line, in characters (a longer one becomes an error record)."""
BLANK = object()
"""Stands for a blank JSONL line: no record, no result."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A JSONL line that gave no record (over-long or not JSON)."""

    error: str


def read_lines(fh: IO[str], max_record: int = MAX_RECORD) -> Iterator[tuple[int, str | None]]:
    """Yield ``(line number, line)`` from ``fh``, or ``(n, None)`` for an over-long line
    (which is skipped without being held in memory)."""
    number = 0
    while True:
        line = fh.readline(max_record + 1)
        if not line:
            return
        number += 1
        if len(line) > max_record and not line.endswith("\n"):
            while (rest := fh.readline(max_record)) and not rest.endswith("\n"):
                pass
            yield number, None
            continue
        yield number, line


def durable_write(out: IO[str], line: str) -> None:
    """Write one output line, then flush and fsync it (a crash keeps whole lines)."""
    out.write(line + "\n")
    out.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError):  # pipes cannot be synced
        os.fsync(out.fileno())


def done_ids(path: str | os.PathLike[str], max_record: int = MAX_RECORD) -> set[str]:
    """The ids already written to ``path``; a torn last line (no newline) is cut off the file.

    Raises:
        InputError: the file exists but cannot be read or repaired.
    """
    if not os.path.exists(path):
        return set()
    ids: set[str] = set()
    try:
        with open(path, "r+b") as fh:  # bytes: offsets stay exact whatever the file holds
            good = 0
            while line := fh.readline(max_record + 1):
                if not line.endswith(b"\n"):
                    break  # torn by a crash (or over-long): drop it and what follows
                good += len(line)
                try:
                    rec = json.loads(line.decode("utf-8", "replace"))
                except ValueError:
                    continue
                if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                    ids.add(rec["id"])
            fh.seek(0, os.SEEK_END)
            if fh.tell() != good:
                fh.truncate(good)
    except OSError as exc:
        raise InputError(f"cannot read {os.fspath(path)!r}: {exc.strerror or exc}") from None
    return ids


def parsed(lines: Iterator[tuple[int, str | None]]) -> Iterator[tuple[int, Any]]:
    """JSONL lines -> (number, record, or _Unreadable, or BLANK for a blank line)."""
    try:
        for number, line in lines:
            if line is None:
                yield number, Unreadable("record too long")
            elif not line.strip():
                yield number, BLANK
            else:
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, Unreadable(f"not JSON: {exc.msg} (column {exc.colno})")
    except UnicodeDecodeError as exc:
        raise InputError(f"batch input is not UTF-8 (byte {exc.start} of a line)") from None


def count_lines(path: str | os.PathLike[str]) -> int | None:
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None
