"""The Dask engine on a real LocalCluster (2 worker processes) with a real PostgreSQL store."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from embedres import batch
from embedres.batch import BatchOptions
from embedres.errors import CacheError, InputError, InvalidArgument
from tests.support.farm import farm
from tests.support.paths import REPO
from tests.support.scale import options, write_input

pytestmark = pytest.mark.scale

N = 3000


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, pg_module: str) -> Any:
    """A farm, an input of N records and the local engine's output for it.

    A first run fills the shared cache; the reference is a second local run, answered by the
    cache like the engines' runs below. (A resolution records when it was made, so outputs are
    byte-identical for the same input, options, ``accessed`` date *and cache*.)
    """
    base = tmp_path_factory.mktemp("ref")
    with farm() as f:
        src = base / "in.jsonl"
        links = write_input(src, N, f.port)
        batch.run(src, base / "warm.jsonl", options=options(pg_module))
        local = base / "local.jsonl"
        report = batch.run(src, local, options=options(pg_module))
        assert report.failed > 50 and report.ok > 2500
        assert local.read_bytes().count(b'"url_status": "dead"') > 50
        yield {"farm": f, "src": src, "local": local.read_bytes(), "links": links, "dsn": pg_module}


def test_dask_output_is_byte_identical_to_local(
    reference: Any, dask_client: Any, tmp_path: Path
) -> None:
    pg_dsn = reference["dsn"]
    out = tmp_path / "dask.jsonl"
    report = batch.run(
        reference["src"], out, options=options(pg_dsn), engine="dask", client=dask_client,
        part_size=400,
    )  # fmt: skip
    assert out.read_bytes() == reference["local"]
    assert not (tmp_path / "dask.jsonl.parts").exists()
    lines = reference["local"].count(b"\n")
    assert report.ok + report.failed == lines
    # A rerun of a finished run does nothing more.
    again = batch.run(
        reference["src"], out, options=options(pg_dsn), engine="dask", client=dask_client,
        part_size=400,
    )  # fmt: skip
    assert out.read_bytes() == reference["local"] and again.skipped == lines


def test_directory_of_parts_with_manifest_and_gz_input(
    reference: Any, dask_client: Any, tmp_path: Path
) -> None:
    """Input split over a .jsonl and a .jsonl.gz file; output a directory of parts."""
    pg_dsn = reference["dsn"]
    src = tmp_path / "in"
    src.mkdir()
    data = reference["src"].read_bytes().split(b"\n")
    half = len(data) // 2
    (src / "a.jsonl").write_bytes(b"\n".join(data[:half]) + b"\n")
    with gzip.open(src / "b.jsonl.gz", "wb") as fh:
        fh.write(b"\n".join(data[half:]))
    out = tmp_path / "out/"
    batch.run(src, str(out) + "/", options=options(pg_dsn), engine="dask", client=dask_client,
              part_size=700)  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    joined = b"".join((out / p).read_bytes() for p in manifest["parts"])
    assert joined == reference["local"]
    assert manifest["ok"] + manifest["failed"] == reference["local"].count(b"\n")


def test_parquet_input(dask_client: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": f"p{i}", "text": f"Article {i}"} for i in range(50)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet", row_group_size=20)
    out = tmp_path / "o.jsonl"
    opts = BatchOptions(resolve=False)
    batch.run(tmp_path / "in.parquet", out, options=opts, engine="dask", client=dask_client)
    local = tmp_path / "l.jsonl"
    batch.run(rows, local, options=opts)
    assert out.read_bytes() == local.read_bytes()


def test_bag_and_dataframe_mapping(dask_client: Any) -> None:
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    from embedres.batch.dask_engine import cite_bag, cite_dataframe

    recs = [{"id": f"b{i}", "text": "Nothing embedded."} for i in range(10)] + [{"id": "bad"}]
    opts = BatchOptions(resolve=False)
    got = cite_bag(db.from_sequence(recs, npartitions=3), opts).compute()
    assert [r["id"] for r in got] == [r["id"] for r in recs]
    assert got[-1]["status"] == "error" and got[0]["status"] == "ok"
    frame = dd.from_pandas(pd.DataFrame(recs[:10]), npartitions=2)
    rows = cite_dataframe(frame, opts).compute()
    assert list(rows["status"]) == ["ok"] * 10 and list(rows["id"]) == [f"b{i}" for i in range(10)]


def test_bad_arguments_fail_before_any_work(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n')
    with pytest.raises(InvalidArgument, match="engine"):
        batch.run(src, tmp_path / "o", engine="ray")
    with pytest.raises(InvalidArgument, match="path"):
        batch.run([{"id": "a"}], tmp_path / "o", engine="dask")
    with pytest.raises(InvalidArgument, match="workers"):
        batch.run(src, tmp_path / "o", engine="dask", workers=0)
    with pytest.raises(InvalidArgument, match="are for engine dask or spark"):
        batch.run(src, tmp_path / "o", engine="local", workers=2)
    with pytest.raises(InvalidArgument, match="for engine dask"):
        batch.run(src, tmp_path / "o", engine="spark", workers=2)  # not silently ignored
    with pytest.raises(InvalidArgument, match="for engine dask"):
        batch.run(src, tmp_path / "o", engine="spark", scheduler="tcp://127.0.0.1:1")
    with pytest.raises(InvalidArgument, match="part_size"):
        batch.run(src, tmp_path / "o", engine="dask", part_size=0)  # not the default
    with pytest.raises(CacheError, match="PostgreSQL"):
        opts = BatchOptions(cache="postgresql://x@127.0.0.1:1/db")
        batch.run(src, tmp_path / "o", options=opts, engine="dask")
    with pytest.raises(InputError, match="no batch input"):
        batch.run(tmp_path / "missing*.jsonl", tmp_path / "o", engine="dask", workers=1)
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_worker_kill_9_every_record_exactly_once(
    dask_client: Any, pg_dsn: str, tmp_path: Path
) -> None:
    out = tmp_path / "k.jsonl"
    with farm() as f:
        src = tmp_path / "in.jsonl"
        write_input(src, 2000, f.port, every=2)
        _kill_a_worker_mid_run(f, src, out, dask_client, pg_dsn)
        local = tmp_path / "l.jsonl"
        batch.run(src, local, options=options(pg_dsn))
    assert _same_records(out, local)


def _same_records(a: Path, b: Path) -> bool:
    """Same records in the same order, each once (a link resolved live in one run is a cache
    answer in the other: ``from_cache`` and ``resolved_at`` may differ)."""
    ra = [json.loads(x) for x in a.read_text(encoding="utf-8").splitlines()]
    rb = [json.loads(x) for x in b.read_text(encoding="utf-8").splitlines()]
    ids = [r["id"] for r in ra]
    assert len(ids) == len(set(ids)) and ids == [r["id"] for r in rb]
    for x, y in zip(ra, rb, strict=True):
        for c in x["citations"] + y["citations"]:
            for res in c.get("resolutions", []):
                res.pop("from_cache"), res.pop("resolved_at")
        assert x == y
    return True


def _kill_a_worker_mid_run(f: Any, src: Path, out: Path, client: Any, dsn: str) -> None:
    f.latency = 0.004  # slow the links so a kill lands mid-part
    errors: list[BaseException] = []

    def go() -> None:
        try:
            batch.run(src, out, options=options(dsn), engine="dask", client=client,
                      part_size=250)  # fmt: skip
        except BaseException as exc:
            errors.append(exc)

    start = len(f.times)
    t = threading.Thread(target=go)
    t.start()
    try:
        while len(f.times) - start < 40:
            time.sleep(0.01)
        pids = client.run(os.getpid)
        victim = next(iter(pids.values()))
        os.kill(victim, signal.SIGKILL)
        t.join(240)
    finally:
        f.latency = 0.0
    assert not errors and not t.is_alive()
    assert victim not in client.run(os.getpid).values()  # it did die mid-run (and was replaced)
    assert not out.with_name(out.name + ".parts").exists()


_DRIVER = """
import sys
from embedres import batch
from tests.support.scale import options
batch.run(sys.argv[1], sys.argv[2], options=options(sys.argv[3]), engine="dask",
          scheduler=sys.argv[4], part_size=100)
"""


@pytest.mark.slow
def test_driver_kill_9_then_rerun_resumes(dask_client: Any, pg_dsn: str, tmp_path: Path) -> None:
    """Kill the driver mid-run; the same command again finishes, repeating < 1% of requests."""
    with farm(latency=0.002) as f:
        src = tmp_path / "in.jsonl"
        write_input(src, 3000, f.port, every=2)
        out = tmp_path / "o.jsonl"
        cmd = [sys.executable, "-c", _DRIVER, str(src), str(out), pg_dsn,
               dask_client.scheduler.address]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ["PYTHONPATH"]])}
        proc = subprocess.Popen(cmd, env=env, cwd=REPO)
        while len(f.times) < 600 and proc.poll() is None:
            time.sleep(0.01)
        proc.kill()
        proc.wait()
        before = len(f.times)
        assert before >= 600 and not out.exists()
        subprocess.run(cmd, env=env, cwd=REPO, check=True, timeout=240)
        total = len(f.times)
        repeated = f.repeated()
        local = tmp_path / "l.jsonl"
        batch.run(src, local, options=options(pg_dsn))
        print(f"driver kill: {before} requests before, {total - before} after, {repeated} repeated")
        assert repeated < 0.01 * before, (repeated, before, total)
    assert _same_records(out, local)
    shutil.rmtree(tmp_path / "o.jsonl.parts", ignore_errors=True)


def test_relative_paths_work_on_workers_with_another_working_directory(
    dask_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert str(tmp_path) not in dask_client.run(os.getcwd).values()  # as on another machine
    (tmp_path / "news").mkdir()
    with gzip.open(tmp_path / "news" / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("".join(json.dumps({"id": i, "text": f"Article {i}."}) + "\n" for i in range(5)))
    opts = BatchOptions(resolve=False)
    report = batch.run("news/*.jsonl.gz", "cites/", options=opts, engine="dask", client=dask_client)
    assert report.ok == 5 and (tmp_path / "cites" / "part-00000.jsonl").exists()
    report = batch.run("news", "cites.jsonl", options=opts, engine="dask", client=dask_client)
    assert report.ok == 5 and len((tmp_path / "cites.jsonl").read_text().splitlines()) == 5
