"""run(): a whole batch from a file, stream or iterable to an output file, resumable."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import IO, Any

from embedres.batch.jsonl import (
    BLANK,
    MAX_RECORD,
    count_lines,
    done_ids,
    durable_write,
    parsed,
    read_lines,
)
from embedres.batch.options import BatchOptions, BatchReport
from embedres.batch.records import Session, result_of
from embedres.errors import InputError, InvalidArgument

__all__ = ["run"]


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def run(
    source: str | os.PathLike[str] | IO[str] | Iterable[Any],
    out: str | os.PathLike[str] | IO[str],
    *,
    options: BatchOptions | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    resolver: Any = None,
    max_record: int = MAX_RECORD,
) -> BatchReport:
    """Cite every record of ``source`` and append one result line per record to ``out``.

    Args:
        source: a JSON Lines file (path), an open text stream of JSON Lines, or an iterable
            of records (dicts).
        out: a path, appended to: the ids already in it are skipped (resume) and a line cut by
            a crash is removed first; or an open text stream (no resume). Each line is flushed
            and fsynced before the next record is read.
        options: the batch options (default :class:`BatchOptions()`).
        progress: ``progress(done, total)`` is called with ``done=0`` first, then after each
            input line or record (blank and skipped ones included); ``total`` is the number of
            lines of a file, the length of a sized iterable, else None.
        resolver: a resolver to share (the caller closes it); None builds one from the options.
        max_record: the longest accepted JSONL line, in characters.

    Returns:
        The counts of cited, failed, skipped and partially failed records.

    Raises:
        InputError: ``source`` or ``out`` cannot be read or opened, or the input is not UTF-8
            (records cited before that are written).
        InvalidArgument: bad options.
    """
    options = options if options is not None else BatchOptions()
    if not isinstance(options, BatchOptions):
        raise InvalidArgument(f"options must be a BatchOptions, not {type(options).__name__}")
    skip = done_ids(out, max_record) if isinstance(out, (str, os.PathLike)) else set()
    items, total, close_src = _open_source(source, max_record, progress is not None)
    try:
        sink: IO[str] = (
            open(out, "a", encoding="utf-8", newline="\n")  # type: ignore[arg-type]  # noqa: SIM115
            if _is_path(out)
            else out  # type: ignore[assignment]
        )
    except OSError as exc:
        close_src()
        raise InputError(f"cannot write {os.fspath(out)!r}: {exc.strerror or exc}") from None  # type: ignore[arg-type]
    counts = {"ok": 0, "failed": 0, "skipped": 0, "partial": 0}
    done = 0
    try:
        with Session(options, resolver=resolver) as session:
            if progress is not None:
                progress(0, total)
            for number, rec in items:
                if rec is not BLANK:
                    result = result_of(session, number, rec, skip)
                    if result is None:
                        counts["skipped"] += 1
                    else:
                        counts["ok" if result.ok else "failed"] += 1
                        counts["partial"] += result.partial
                        durable_write(sink, json.dumps(result.record, ensure_ascii=False))
                done += 1
                if progress is not None:
                    progress(done, total)
    finally:
        close_src()
        if sink is not out:
            sink.close()
    return BatchReport(**counts)


def _open_source(
    source: Any, max_record: int, want_total: bool
) -> tuple[Iterator[tuple[int, Any]], int | None, Callable[[], None]]:
    """(numbered records, total or None, close) for a path, a text stream or an iterable."""
    if _is_path(source):
        try:
            fh = open(source, encoding="utf-8-sig", errors="strict", newline="\n")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}") from None
        total = count_lines(source) if want_total else None
        return parsed(read_lines(fh, max_record)), total, fh.close
    if hasattr(source, "readline"):
        return parsed(read_lines(source, max_record)), None, lambda: None
    if isinstance(source, (bytes, dict)) or not isinstance(source, Iterable):
        raise InvalidArgument(
            f"source must be a path, a text stream or an iterable of records, "
            f"not {type(source).__name__}"
        )
    total = len(source) if isinstance(source, Sized) else None
    return enumerate(source, 1), total, lambda: None
