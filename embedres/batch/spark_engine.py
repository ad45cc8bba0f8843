"""The Spark adapter (thin): the same per-part function as Dask, under PySpark.

* :func:`cite_rdd` maps an RDD of records to result records with ``mapPartitions``, in a job
  of your own (cc-pyspark style).
* :func:`spark_mapper` is the engine of ``embedres.batch.run(..., engine="spark")``: one Spark
  task per input part, each writing its part file atomically (:mod:`embedres.batch.engine`).

Spark runs each task in a Python worker that unpickles the :class:`BatchOptions` and builds its
own resolver; with a ``postgresql://`` cache all share the cache and the per-host limiter. Keep
``spark.speculation`` off (it would send requests twice) and give local mode retries with
``local[N,F]`` (plain ``local[N]`` never retries a task). pyspark is imported here only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from embedres.batch.engine import Layout, PartCounts, cite_part
from embedres.batch.options import BatchOptions
from embedres.batch.records import process
from embedres.batch.sources import Part

__all__ = ["cite_rdd", "local_session", "spark_mapper"]


class _CiteRecords:
    """A picklable ``mapPartitions`` function (no closure over live objects)."""

    def __init__(self, options: BatchOptions) -> None:
        self.options = options

    def __call__(self, records: Iterable[Any]) -> Iterator[dict[str, Any]]:
        return process(records, self.options)


def cite_rdd(rdd: Any, options: BatchOptions) -> Any:
    """Map an RDD of record dicts to an RDD of result records (``line:N`` within a partition)."""
    return rdd.mapPartitions(_CiteRecords(options))


def local_session(master: str = "local[*,2]") -> Any:
    """A quiet local SparkSession on loopback whose workers run this Python (``local[*,2]``:
    every core, and a failed task is retried once).

    ``PYSPARK_PYTHON`` would otherwise be whatever ``python3`` is first on PATH, and the driver
    would bind the machine's public address.
    """
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName("embedres")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.speculation", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class _CitePart:
    def __init__(self, layout: Layout, options: BatchOptions) -> None:
        self.layout, self.options = layout, options

    def __call__(self, part: Part) -> PartCounts:
        return cite_part(part, self.layout, self.options)


def spark_mapper(spark: Any = None, *, batch: int = 256) -> Any:
    """An engine for :func:`embedres.batch.engine.run_parts` on a SparkSession.

    Args:
        spark: the session (None: :func:`local_session`, stopped afterwards).
        batch: parts per Spark job (the driver holds at most this many parts).
    """

    def mapper(
        parts: Iterator[Part], layout: Layout, options: BatchOptions
    ) -> Iterator[PartCounts]:
        session = spark if spark is not None else local_session()
        try:
            sc = session.sparkContext
            chunk: list[Part] = []
            for part in parts:
                chunk.append(part)
                if len(chunk) == batch:
                    yield from _job(sc, chunk, layout, options)
                    chunk = []
            if chunk:
                yield from _job(sc, chunk, layout, options)
        finally:
            if spark is None:
                session.stop()

    return mapper


def _job(sc: Any, chunk: list[Part], layout: Layout, options: BatchOptions) -> list[PartCounts]:
    rdd = sc.parallelize(chunk, len(chunk))
    return list(rdd.map(_CitePart(layout, options)).collect())
