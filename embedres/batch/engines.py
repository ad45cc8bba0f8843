"""Choosing the engine of :func:`embedres.batch.run`: local, Dask or Spark (checks first)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from embedres.batch.engine import PART_SIZE, run_parts
from embedres.batch.jsonl import MAX_RECORD
from embedres.batch.options import BatchOptions, BatchReport
from embedres.batch.sources import input_files
from embedres.errors import InvalidArgument

__all__ = ["ENGINES", "run_engine"]


ENGINES = ("local", "dask", "spark")
"""The engines :func:`embedres.batch.run` knows."""


def run_engine(
    engine: str,
    source: Any,
    out: Any,
    options: BatchOptions,
    *,
    client: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    part_size: int = PART_SIZE,
    max_record: int = MAX_RECORD,
    progress: Callable[[int, int | None], None] | None = None,
) -> BatchReport:
    """:func:`embedres.batch.run` on Dask or Spark (see its arguments).

    Raises:
        InvalidArgument: an unknown engine, a bad option, or a source that is not a path.
        CacheError: a ``postgresql://`` cache that cannot be reached (before any work).
    """
    _check_engine_args(engine, source, out, workers, part_size)
    if engine == "spark" and (workers is not None or scheduler is not None):
        raise InvalidArgument("workers and scheduler are for engine dask (Spark: the session)")
    if options.cache and not options.offline:
        _check_cache(options.cache)
    if engine == "dask":
        from embedres.batch.dask_engine import dask_mapper, open_client

        owned: list[Any] = []
        if client is None:
            client, owned = open_client(scheduler=scheduler, workers=workers)
        try:
            return run_parts(
                dask_mapper(client), source, out, options, part_size=part_size,
                max_record=max_record, progress=progress,
            )  # fmt: skip
        finally:
            for thing in owned:
                thing.close()
    from embedres.batch.spark_engine import spark_mapper

    return run_parts(
        spark_mapper(client), source, out, options, part_size=part_size,
        max_record=max_record, progress=progress,
    )  # fmt: skip


def _check_engine_args(
    engine: str, source: Any, out: Any, workers: int | None, part_size: int
) -> None:
    if engine not in ENGINES:
        raise InvalidArgument(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "local":
        raise InvalidArgument(
            "client, workers, scheduler and part_size are for engine dask or spark"
        )
    for name, value in (("source", source), ("out", out)):
        if not isinstance(value, (str, os.PathLike)):
            raise InvalidArgument(f"engine={engine!r} needs {name} as a path")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):  # fmt: skip
        raise InvalidArgument(f"workers must be a positive int, not {workers!r}")
    if isinstance(part_size, bool) or not isinstance(part_size, int) or part_size < 1:
        raise InvalidArgument(f"part_size must be a positive int, not {part_size!r}")
    input_files(source)  # a missing input fails before a cluster starts


def _check_cache(location: str) -> None:
    """Open a shared cache once on the driver, so a bad DSN fails before any task starts."""
    from embedres.net.postgres import PostgresStore, is_postgres

    if is_postgres(location):
        PostgresStore(location, max_connections=1).close()
