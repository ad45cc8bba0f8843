"""Batch inputs cut into parts: a JSONL file, a directory or glob of JSONL(.gz) parts, Parquet.

The driver plans parts without holding records: it scans a JSONL file for line offsets (one
:class:`Part` per ``part_size`` lines), takes a ``.gz`` file as one part (it cannot be entered in
the middle) and a Parquet file's row groups from its footer. A worker then reads only its part.
Records are numbered as if every input file were concatenated in name order, so ``line:N`` ids
are those of the local engine on the concatenation. pyarrow is imported here only.
"""

from __future__ import annotations

import glob
import gzip
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from embedres.batch.jsonl import parsed, read_lines
from embedres.errors import InputError

__all__ = ["Part", "input_files", "plan", "read_part"]

_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz", ".ndjson", ".ndjson.gz", ".parquet")


@dataclass(frozen=True, slots=True)
class Part:
    """One slice of the input, small and picklable."""

    index: int
    """Its position among all parts (output part ``part-INDEX.jsonl``)."""
    path: str
    """The input file."""
    kind: str
    """``jsonl``, ``gz`` or ``parquet``."""
    offset: int = 0
    """Byte offset of the first line (``jsonl``) or the row group (``parquet``)."""
    lines: int | None = None
    """Lines (or rows) in the part; None: to the end of the file."""
    first: int = 1
    """The number of its first record."""


def input_files(source: str | os.PathLike[str]) -> list[str]:
    """The files of ``source``: one file, a directory's JSONL/Parquet files, or a glob.

    Raises:
        InputError: nothing matches, or a file cannot be read.
    """
    path = os.fspath(source)
    if os.path.isdir(path):
        files = [os.path.join(path, n) for n in sorted(os.listdir(path)) if n.endswith(_SUFFIXES)]
    elif os.path.exists(path):
        files = [path]
    else:
        files = sorted(glob.glob(path))
    if not files:
        raise InputError(f"no batch input at {path!r}")
    return files


def _kind(path: str) -> str:
    if path.endswith(".parquet"):
        return "parquet"
    return "gz" if path.endswith(".gz") else "jsonl"


def _count_gz(path: str) -> int:
    with gzip.open(path, "rb") as fh:
        n, last = 0, b"\n"
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
        return n + (last != b"\n")


def plan(source: str | os.PathLike[str], part_size: int) -> Iterator[Part]:
    """Cut ``source`` into parts of about ``part_size`` records (streamed; no record is kept).

    Raises:
        InputError: the input cannot be read.
    """
    index, number = 0, 1
    for path in input_files(source):
        kind = _kind(path)
        try:
            if kind == "jsonl":
                for offset, lines in _jsonl_offsets(path, part_size):
                    yield Part(index, path, kind, offset, lines, number)
                    index, number = index + 1, number + (lines or 0)
            elif kind == "gz":
                lines = _count_gz(path)
                yield Part(index, path, kind, 0, lines, number)
                index, number = index + 1, number + lines
            else:
                import pyarrow.parquet as pq

                meta = pq.ParquetFile(path).metadata
                for group in range(meta.num_row_groups):
                    rows = meta.row_group(group).num_rows
                    yield Part(index, path, kind, group, rows, number)
                    index, number = index + 1, number + rows
        except (OSError, EOFError, ValueError) as exc:
            raise InputError(f"cannot read {path!r}: {exc}") from None


def _jsonl_offsets(path: str, part_size: int) -> Iterator[tuple[int, int | None]]:
    """(byte offset, lines) of each part of a JSONL file (a last line without a newline counts)."""
    with open(path, "rb") as fh:
        start, lines, pos, last = 0, 0, 0, b"\n"
        for chunk in iter(lambda: fh.readline(1 << 20), b""):
            pos, last = pos + len(chunk), chunk
            if chunk.endswith(b"\n"):
                lines += 1
                if lines == part_size:
                    yield start, lines
                    start, lines = pos, 0
        if pos > start:
            yield start, lines + (not last.endswith(b"\n"))


def read_part(part: Part, max_record: int) -> Iterator[tuple[int, Any]]:
    """The numbered records of one part (``jsonl.parsed`` values: records, BLANK, Unreadable).

    Raises:
        InputError: the file cannot be read (a bad line is an ``Unreadable``, not an error).
    """
    try:
        if part.kind == "parquet":
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(part.path).read_row_group(part.offset).to_pylist()
            yield from enumerate(
                ({k: v for k, v in r.items() if v is not None} for r in rows), part.first
            )
            return
        # Bytes, as the local engine reads a file: a line that is not UTF-8 is an error record
        # naming its byte offset in the file, not the end of the run (issue #14).
        fh: IO[bytes]
        if part.kind == "gz":
            fh = cast("IO[bytes]", gzip.open(part.path, "rb"))  # noqa: SIM115  (closed below)
        else:
            fh = open(part.path, "rb")  # noqa: SIM115  (closed below)
            fh.seek(part.offset)
        with fh:
            start = part.offset if part.kind == "jsonl" else 0
            lines = read_lines(fh, max_record, offset=start)
            for i, (n, rec) in enumerate(parsed(lines)):
                if part.lines is not None and i >= part.lines:
                    return
                yield part.first + n - 1, rec
    except (OSError, EOFError, zlib.error) as exc:  # EOFError, zlib.error: a torn .gz file
        raise InputError(f"cannot read {part.path!r}: {exc}") from None
