"""run(): a whole batch from a file, stream or iterable to an output file, resumable."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import IO, Any, TypeGuard, cast

from embedres.batch.jsonl import (
    BLANK,
    MAX_RECORD,
    count_lines,
    drop_records,
    durable_write,
    id_key,
    parsed,
    read_lines,
    read_results,
)
from embedres.batch.options import BatchOptions, BatchReport
from embedres.batch.records import Session, result_of
from embedres.errors import InputError, InvalidArgument

__all__ = ["run"]


def _is_path(value: object) -> TypeGuard[str | os.PathLike[str]]:
    return isinstance(value, (str, os.PathLike))


def run(
    source: str | os.PathLike[str] | IO[str] | IO[bytes] | Iterable[Any],
    out: str | os.PathLike[str] | IO[str],
    *,
    options: BatchOptions | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    resolver: Any = None,
    max_record: int = MAX_RECORD,
    retry_failed: bool = False,
    engine: str = "local",
    client: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    part_size: int | None = None,
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
        max_record: the longest accepted JSONL line (bytes of UTF-8 from a file).
        retry_failed: redo the records that ``out`` holds as error records; their old lines
            are removed from ``out`` first (other ids already there are still skipped).
        engine: ``local`` (this process), ``dask`` or ``spark``: ``source`` is then a JSONL
            file, a directory or glob of JSONL(.gz)/Parquet files, and ``out`` a file or a
            directory of parts (:mod:`embedres.batch.engine`); same bytes as ``local``.
        client: the engine's client (a ``distributed.Client`` or a ``SparkSession``); None
            starts a LocalCluster of ``workers`` processes, a client of ``scheduler``
            (``tcp://HOST:PORT``), or a ``local[*,2]`` Spark session.
        workers: Dask worker processes of a LocalCluster (default: the CPU count).
        scheduler: the address of a running Dask scheduler.
        part_size: records per part (distributed engines).

    Every input line gives one result line: a line that is not UTF-8, not JSON, nested too
    deep or too long becomes an error record naming its line number, and reading goes on.
    A record whose id was already seen in this run is skipped (ids compare by JSON value:
    ``1`` and ``"1"`` differ).

    Returns:
        The counts of cited, failed, skipped and partially failed records, and the error
        records left in ``out`` from earlier runs.

    Raises:
        InputError: ``source`` or ``out`` cannot be read or opened, or ``out`` holds something
            other than embedres results (it is never changed then), or a text stream gave
            bytes that are not UTF-8 (records cited before that are written).
        InvalidArgument: bad options.
    """
    options = options if options is not None else BatchOptions()
    if not isinstance(options, BatchOptions):
        raise InvalidArgument(f"options must be a BatchOptions, not {type(options).__name__}")
    distributed = (client, workers, scheduler, part_size) != (None, None, None, None)
    if engine != "local" or distributed:
        if retry_failed:
            raise InvalidArgument("retry_failed is for the local engine")
        return _distributed(engine, source, out, options, progress, max_record,
                            client=client, workers=workers, scheduler=scheduler,
                            part_size=part_size)  # fmt: skip
    earlier = read_results(out, max_record) if _is_path(out) else {}
    failed_before = {k for k, status in earlier.items() if status == "error"}
    if retry_failed and _is_path(out):
        drop_records(out, failed_before)
        earlier = {k: v for k, v in earlier.items() if k not in failed_before}
    skip = set(earlier)
    counts = {"ok": 0, "failed": 0, "skipped": 0, "partial": 0}
    with contextlib.ExitStack() as stack:
        sink = _open_sink(out, stack)
        items, total = _open_source(source, max_record, progress is not None, stack)
        session = stack.enter_context(Session(options, resolver=resolver))
        if progress is not None:
            progress(0, total)
        for done, (number, rec) in enumerate(items, 1):
            result = None if rec is BLANK else result_of(session, number, rec, skip)
            if result is not None:
                skip.add(id_key(result.record["id"]))  # a duplicate id later is skipped
                counts["ok" if result.ok else "failed"] += 1
                counts["partial"] += result.partial
                durable_write(sink, json.dumps(result.record, ensure_ascii=False))
            elif rec is not BLANK:
                counts["skipped"] += 1
            if progress is not None:
                progress(done, total)
    left = 0 if retry_failed else len(failed_before)
    return BatchReport(**counts, earlier_failed=left)


def _distributed(
    engine: str,
    source: Any,
    out: Any,
    options: BatchOptions,
    progress: Any,
    max_record: int,
    **kwargs: Any,
) -> BatchReport:
    """``run`` on another engine (issue #11): :func:`embedres.batch.engines.run_engine`."""
    from embedres.batch.engine import PART_SIZE
    from embedres.batch.engines import run_engine

    if kwargs["part_size"] is None:
        kwargs["part_size"] = PART_SIZE
    return run_engine(
        engine, source, out, options, progress=progress, max_record=max_record, **kwargs
    )


def _open_sink(out: Any, stack: contextlib.ExitStack) -> IO[str]:
    """The output stream: a path opened for appending (closed by ``stack``), or ``out``."""
    if _is_path(out):
        try:
            fh = open(out, "a", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot write {os.fspath(out)!r}: {exc.strerror or exc}") from None
        return stack.enter_context(fh)
    if not hasattr(out, "write"):
        raise InvalidArgument(f"out must be a path or a text stream, not {type(out).__name__}")
    return cast("IO[str]", out)


def _open_source(
    source: Any, max_record: int, want_total: bool, stack: contextlib.ExitStack
) -> tuple[Iterator[tuple[int, Any]], int | None]:
    """(numbered records, total or None) for a path, a text stream or an iterable."""
    if _is_path(source):
        try:
            fh = open(source, "rb")  # noqa: SIM115 - bytes: a bad line is decoded on its own
        except OSError as exc:
            raise InputError(f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}") from None
        stack.enter_context(fh)
        total = count_lines(source) if want_total else None
        return parsed(read_lines(fh, max_record)), total
    if hasattr(source, "readline"):
        return parsed(read_lines(source, max_record)), None
    if isinstance(source, (bytes, dict)) or not isinstance(source, Iterable):
        raise InvalidArgument(
            f"source must be a path, a text stream or an iterable of records, "
            f"not {type(source).__name__}"
        )
    return enumerate(source, 1), len(source) if isinstance(source, Sized) else None
