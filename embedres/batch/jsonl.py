"""JSON Lines in and out: bounded line reads, resume from an output file, durable writes.

Reading never stops on a bad line: an over-long line, a line that is not UTF-8, not JSON or
nested deeper than :data:`~embedres._jsonable.MAX_JSON_DEPTH` becomes an :class:`Unreadable`
with its line number (and, for bad bytes, the byte offset in the input), and the lines around
it are read as usual. Ids are compared by JSON value: ``1`` and ``"1"`` are two records.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from embedres._jsonable import load_json
from embedres.errors import InputError

__all__ = [
    "BLANK",
    "MAX_RECORD",
    "Unreadable",
    "done_ids",
    "drop_records",
    "durable_write",
    "id_key",
    "read_lines",
    "read_results",
]

MAX_RECORD = 16 * 2**20
"""The longest accepted JSONL line (bytes of UTF-8 when read from a file or byte stream,
characters from a text stream); a longer one becomes an error record."""
BLANK = object()
"""Stands for a blank JSONL line: no record, no result."""
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A JSONL line that gave no record (over-long, not UTF-8, not JSON, nested too deep)."""

    error: str


def id_key(rid: object) -> str:
    """The resume key of a record id: its JSON text, so ``1`` and ``"1"`` differ.

    >>> id_key(1), id_key("1")
    ('1', '"1"')
    """
    return json.dumps(rid, ensure_ascii=False)


def _skip_rest(fh: IO[Any], max_record: int, end: str | bytes) -> int:
    """Read past the rest of an over-long line without holding it; the bytes skipped."""
    skipped = 0
    while rest := fh.readline(max_record):
        skipped += len(rest)
        if rest.endswith(end):
            break
    return skipped


def read_lines(
    fh: IO[str] | IO[bytes], max_record: int = MAX_RECORD, *, offset: int = 0
) -> Iterator[tuple[int, str | Unreadable]]:
    """Yield ``(line number, line)`` from a text or byte stream.

    A line that cannot be used is an :class:`Unreadable` instead: over-long (skipped without
    being held in memory) or, from a byte stream, not UTF-8 (its byte offset in the input is
    given). A UTF-8 byte-order mark before the first line is dropped.

    Args:
        fh: the stream.
        max_record: the longest accepted line.
        offset: the byte offset in the input where ``fh`` starts (a part of a file read on its
            own): error records then name the input's byte offsets, and a byte-order mark is
            only dropped at offset 0 (the start of the input).

    Raises:
        InputError: a text stream gave bytes that are not UTF-8 (pass a byte stream to get
            an error record for that line instead).
    """
    number, at_start = 0, offset == 0
    while True:
        start = offset
        try:
            line = fh.readline(max_record + 1)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"batch input is not UTF-8 (line {number + 1}: {exc.reason})"
            ) from None
        if not line:
            return
        number += 1
        offset += len(line)
        is_bytes = isinstance(line, bytes)
        end: str | bytes = b"\n" if is_bytes else "\n"
        if len(line) > max_record and not line.endswith(end):  # type: ignore[arg-type]
            offset += _skip_rest(fh, max_record, end)
            yield number, Unreadable("record too long")
            continue
        if not isinstance(line, bytes):
            yield number, line
            continue
        if number == 1 and at_start and line.startswith(_BOM):
            line, start = line[3:], start + 3
        try:
            yield number, line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield (
                number,
                Unreadable(
                    f"not UTF-8 (byte {start + exc.start} of the input, {exc.start} of the line)"
                ),
            )


def parsed(lines: Iterator[tuple[int, str | Unreadable]]) -> Iterator[tuple[int, Any]]:
    """JSONL lines -> (number, record, or :class:`Unreadable`, or BLANK for a blank line)."""
    for number, line in lines:
        if isinstance(line, Unreadable):
            yield number, line
        elif not line.strip():
            yield number, BLANK
        else:
            try:
                yield number, load_json(line)
            except json.JSONDecodeError as exc:
                yield number, Unreadable(f"not JSON: {exc.msg} (column {exc.colno})")
            except ValueError as exc:  # nested too deep
                yield number, Unreadable(f"not JSON: {exc}")


def durable_write(out: IO[str], line: str) -> None:
    """Write one output line, then flush and fsync it (a crash keeps whole lines)."""
    out.write(line + "\n")
    out.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError):  # pipes cannot be synced
        os.fsync(out.fileno())


def _result(line: bytes) -> dict[str, Any] | None:
    """The result record on an output line, or None when the line is not one."""
    try:
        rec = load_json(line)
    except ValueError:
        return None
    if isinstance(rec, dict) and "id" in rec and rec.get("status") in ("ok", "error"):
        return rec
    return None


def read_results(path: str | os.PathLike[str], max_record: int = MAX_RECORD) -> dict[str, str]:
    """``{id_key: status}`` of the results already in ``path`` (the last line of an id wins).

    A torn last line (cut by a crash: it starts like a result record but has no newline) is
    cut off the file. Nothing else is ever changed: a file that holds anything but result
    records (another file named by mistake, directly or through a symlink) is refused.

    Raises:
        InputError: the file cannot be read or repaired, or is not an embedres output file.
    """
    if not os.path.exists(path):
        return {}
    found: dict[str, str] = {}
    name = os.fspath(path)
    try:
        with open(path, "r+b") as fh:  # bytes: offsets stay exact whatever the file holds
            good = 0
            while line := fh.readline(max_record + 1):
                if not line.endswith(b"\n"):
                    if line.lstrip().startswith(b'{"id"'):
                        break  # torn by a crash: drop it
                    raise InputError(f"{name!r} is not an embedres output file (line cut short)")
                rec = _result(line) if line.strip() else {}
                if rec is None:
                    raise InputError(
                        f"{name!r} is not an embedres output file (byte {good}); "
                        "nothing was written to it"
                    )
                if rec:
                    found[id_key(rec["id"])] = str(rec["status"])
                good += len(line)
            fh.seek(0, os.SEEK_END)
            if fh.tell() != good:
                fh.truncate(good)
    except OSError as exc:
        raise InputError(f"cannot read {name!r}: {exc.strerror or exc}") from None
    return found


def done_ids(path: str | os.PathLike[str], max_record: int = MAX_RECORD) -> set[str]:
    """The :func:`id_key` of every record already in ``path`` (see :func:`read_results`).

    Raises:
        InputError: the file cannot be read or repaired, or is not an embedres output file.
    """
    return set(read_results(path, max_record))


def drop_records(path: str | os.PathLike[str], keys: set[str]) -> None:
    """Rewrite ``path`` without the records whose :func:`id_key` is in ``keys`` (atomically:
    a crash leaves the old file or the new one; a symlink keeps pointing at the new file).

    Raises:
        InputError: the file cannot be rewritten.
    """
    if not keys:
        return
    real = os.path.realpath(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(real), prefix=".embedres-")
        os.chmod(tmp, os.stat(real).st_mode & 0o7777)
        with open(real, "rb") as src, os.fdopen(fd, "wb") as dst:
            for line in src:
                rec = _result(line)
                if rec is None or id_key(rec["id"]) not in keys:
                    dst.write(line)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, real)
    except OSError as exc:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)
        raise InputError(f"cannot rewrite {os.fspath(path)!r}: {exc.strerror or exc}") from None


def count_lines(path: str | os.PathLike[str]) -> int | None:
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None
