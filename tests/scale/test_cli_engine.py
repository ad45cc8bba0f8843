"""``embedres cite --batch IN --out OUT --engine dask``: the thin shell over the engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embedres.cli import main

pytestmark = pytest.mark.scale


def _input(path: Path) -> None:
    lines = [json.dumps({"id": f"c{i}", "text": f"Article {i}."}) for i in range(30)]
    path.write_text("\n".join([*lines, "{bad", ""]) + "\n", encoding="utf-8")


def test_cli_dask_engine_matches_local(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _input(src)
    common = ["cite", "--batch", str(src), "--no-resolve", "--accessed", "2026-11-30"]
    assert main([*common, "--out", str(tmp_path / "l.jsonl"), "--no-progress"]) == 1
    rc = main([*common, "--out", str(tmp_path / "d.jsonl"), "--engine", "dask", "--workers", "1",
               "--part-size", "7"])  # fmt: skip
    assert rc == 1  # one bad line: a partial failure, as with the local engine
    assert (tmp_path / "d.jsonl").read_bytes() == (tmp_path / "l.jsonl").read_bytes()


def test_cli_dask_rerun_exit_status_is_the_local_one(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _input(src)
    common = ["cite", "--batch", str(src), "--no-resolve", "--accessed", "2026-11-30"]
    local = [*common, "--out", str(tmp_path / "l.jsonl"), "--no-progress"]
    dask = [*common, "--out", str(tmp_path / "d.jsonl"), "--engine", "dask", "--workers", "1"]
    assert main(local) == main(dask) == 1
    # A rerun cites nothing, but the error record left in the output still means status 1.
    assert main(local) == main(dask) == 1
    assert (tmp_path / "d.jsonl").read_bytes() == (tmp_path / "l.jsonl").read_bytes()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "dask", "--out", "-"], "needs --batch and --out paths"),
        (["--engine", "local", "--workers", "2", "--out", "o"], "are for --engine dask"),
        (["--engine", "spark", "--scheduler", "tcp://127.0.0.1:1", "--out", "o"], "--scheduler"),
        (["--engine", "dask", "--workers", "0", "--out", "o"], "workers must be"),
        (["--workers", "0", "--out", "o"], "workers must be"),
        (["--engine", "dask", "--part-size", "0", "--out", "o"], "part_size must be"),
        (["--part-size", "5", "--out", "o"], "--part-size is for --engine dask or spark"),
        (["--engine", "dask", "--scheduler", "bogus", "--out", "o"], "Dask scheduler address"),
        (["--scheduler", "http://127.0.0.1:1", "--out", "o"], "Dask scheduler address"),
        (["--engine", "spark", "--workers", "2", "--out", "o"], "for engine dask"),
        (
            ["--engine", "dask", "--cache", "postgresql://x@127.0.0.1:1/db", "--out", "o"],
            "cannot use PostgreSQL cache",
        ),
    ],
)
def test_cli_engine_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    src = tmp_path / "in.jsonl"
    _input(src)
    extra = [str(tmp_path / x) if x == "o" else x for x in extra]
    assert main(["cite", "--batch", str(src), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "o").exists() and not (tmp_path / "o.parts").exists()
