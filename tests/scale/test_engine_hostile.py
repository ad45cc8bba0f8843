"""Hostile JSONL through the distributed engines: the same bytes as the local engine."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from embedres import batch
from embedres.batch import BatchOptions
from embedres.batch.engine import Layout, PartCounts, cite_part, run_parts
from embedres.batch.sources import Part
from tests.support.scale import ACCESSED, HOSTILE_MAX_RECORD, hostile_lines

OPTS = BatchOptions(resolve=False, accessed=ACCESSED)


def serial(parts: Iterator[Part], layout: Layout, options: BatchOptions) -> Iterator[PartCounts]:
    """An engine that cites the parts one after another, in this process."""
    return (cite_part(p, layout, options) for p in parts)


def _local(tmp_path: Path) -> tuple[Path, bytes, batch.BatchReport]:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join(hostile_lines()))
    report = batch.run(src, tmp_path / "local.jsonl", options=OPTS, max_record=HOSTILE_MAX_RECORD)
    return src, (tmp_path / "local.jsonl").read_bytes(), report


@pytest.mark.parametrize("part_size", [1, 2, 3, 100])
def test_bad_utf8_bom_and_byte_offsets_in_parts_match_local(tmp_path: Path, part_size: int) -> None:
    src, local, want = _local(tmp_path)
    out = tmp_path / "o.jsonl"
    report = run_parts(serial, src, out, OPTS, part_size=part_size, max_record=HOSTILE_MAX_RECORD)
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows["line:6"]["error"] == "not UTF-8 (byte 117 of the input, 23 of the line)"
    assert "BOM" in rows["line:11"]["error"]  # a BOM is only dropped at the start of the input
    assert rows[1]["status"] == "ok"
    assert out.read_bytes() == local
    assert (report.ok, report.failed, report.skipped) == (want.ok, want.failed, want.skipped)


def test_gz_part_with_bad_lines_matches_local(tmp_path: Path) -> None:
    _, local, _ = _local(tmp_path)
    d = tmp_path / "gz"
    d.mkdir()
    with gzip.open(d / "in.jsonl.gz", "wb") as fh:
        fh.write(b"".join(hostile_lines()))
    run_parts(serial, d, tmp_path / "o.jsonl", OPTS, max_record=HOSTILE_MAX_RECORD)
    assert (tmp_path / "o.jsonl").read_bytes() == local


@pytest.mark.scale
def test_dask_hostile_input_is_byte_identical_to_local(dask_client: Any, tmp_path: Path) -> None:
    src, local, want = _local(tmp_path)
    for part_size in (1, 4):
        out = tmp_path / f"dask{part_size}.jsonl"
        report = batch.run(
            src, out, options=OPTS, engine="dask", client=dask_client, part_size=part_size,
            max_record=HOSTILE_MAX_RECORD,
        )  # fmt: skip
        assert out.read_bytes() == local
        assert (report.ok, report.failed, report.skipped) == (want.ok, want.failed, want.skipped)


@pytest.mark.parametrize("part_size", [1, 2, 5])
def test_duplicate_ids_within_and_across_parts_are_cited_once(
    tmp_path: Path, part_size: int
) -> None:
    ids: list[object] = [1, "1", "a", 1, "b", "a", "a", "1", {"x": 1}, "c"]
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": i, "text": f"t{n}"}) + "\n" for n, i in enumerate(ids))
    )
    want = batch.run(src, tmp_path / "local.jsonl", options=OPTS)
    for out in (tmp_path / "o.jsonl", tmp_path / "dir"):
        report = run_parts(serial, src, str(out) + ("/" if out.name == "dir" else ""), OPTS,
                           part_size=part_size)  # fmt: skip
        got = out.read_bytes() if out.is_file() else b"".join(
            p.read_bytes() for p in sorted(out.glob("part-*.jsonl")))  # fmt: skip
        assert got == (tmp_path / "local.jsonl").read_bytes()
        assert (report.ok, report.skipped) == (want.ok, want.skipped) == (6, 4)
        manifest = out / "manifest.json"
        assert not out.is_dir() or json.loads(manifest.read_text())["skipped"] == 4
