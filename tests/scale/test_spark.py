"""The Spark adapter in ``local[2]`` mode: the same output as the local engine."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from embedres import batch
from embedres.batch import BatchOptions
from tests.support.farm import farm
from tests.support.pgserver import unavailable
from tests.support.scale import options, write_input

pytestmark = [pytest.mark.scale, pytest.mark.slow]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A local[2] SparkSession on loopback whose Python workers run this interpreter."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        unavailable("pyspark is not installed (pip install -e '.[spark]')")
    if shutil.which("java") is None:
        unavailable("Spark needs Java 17+ (no java on PATH)")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from embedres.batch.spark_engine import local_session

    session = local_session("local[2]")
    try:
        yield session
    finally:
        session.stop()


def test_spark_output_is_identical_to_local(spark: Any, pg_dsn: str, tmp_path: Path) -> None:
    with farm() as f:
        src = tmp_path / "in.jsonl"
        write_input(src, 600, f.port)
        batch.run(src, tmp_path / "warm.jsonl", options=options(pg_dsn))  # fills the cache
        local = tmp_path / "local.jsonl"
        batch.run(src, local, options=options(pg_dsn))
        out = tmp_path / "spark.jsonl"
        report = batch.run(
            src, out, options=options(pg_dsn), engine="spark", client=spark, part_size=150
        )
    assert out.read_bytes() == local.read_bytes()
    assert report.ok + report.failed == local.read_bytes().count(b"\n")


def test_cite_rdd_maps_records(spark: Any) -> None:
    from embedres.batch.spark_engine import cite_rdd

    recs = [{"id": f"s{i}", "text": "Nothing embedded."} for i in range(6)] + [{"id": "bad"}]
    rdd = spark.sparkContext.parallelize(recs, 2)
    got = cite_rdd(rdd, BatchOptions(resolve=False)).collect()
    assert [r["id"] for r in got] == [r["id"] for r in recs]
    assert [r["status"] for r in got] == ["ok"] * 6 + ["error"]
