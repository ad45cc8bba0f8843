"""Fixtures of the scale-out tests: a real PostgreSQL server and a real Dask cluster."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import pgserver


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The DSN of a PostgreSQL server: ``$EMBEDRES_TEST_POSTGRES``, else one started here."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pgserver.unavailable("psycopg is not installed (pip install -e '.[postgres]')")
    given = os.environ.get("EMBEDRES_TEST_POSTGRES")
    if given:
        yield given
        return
    try:
        server = pgserver.start()
    except (FileNotFoundError, OSError, subprocess.CalledProcessError) as exc:
        pgserver.unavailable(f"no PostgreSQL server: {exc} (set EMBEDRES_TEST_POSTGRES)")
        return
    try:
        yield server.dsn
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_local() -> Iterator[pgserver.PgServer]:
    """A server started by the tests themselves (for the restart drill)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pgserver.unavailable("psycopg is not installed (pip install -e '.[postgres]')")
    try:
        server = pgserver.start()
    except (FileNotFoundError, OSError, subprocess.CalledProcessError) as exc:
        pgserver.unavailable(f"no PostgreSQL binaries: {exc}")
        raise
    try:
        yield server
    finally:
        server.stop()


def _database(server: str) -> Iterator[str]:
    """A fresh, empty database on ``server`` (dropped afterwards)."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    base, _, _ = server.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_dsn(pg_server: str) -> Iterator[str]:
    """A fresh, empty database for one test."""
    yield from _database(pg_server)


@pytest.fixture(scope="module")
def pg_module(pg_server: str) -> Iterator[str]:
    """A fresh database shared by the tests of one module."""
    yield from _database(pg_server)


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A real Dask cluster: 2 worker processes of 1 thread each, on loopback.

    ``$EMBEDRES_TEST_DASK`` (``tcp://127.0.0.1:PORT``, set by ``.ci/run``) names a running one;
    else a LocalCluster is started here.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        pgserver.unavailable("dask[distributed] is not installed (pip install -e '.[dask]')")
        raise
    given = os.environ.get("EMBEDRES_TEST_DASK")  # a cluster .ci/run started
    if given:
        with Client(given, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            yield client
        return
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",  # None still binds :8787
        host="127.0.0.1",
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A scratch directory."""
    return tmp_path
