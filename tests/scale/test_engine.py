"""The engine-neutral half (parts, resume, output) with a serial in-process engine: no servers."""

from __future__ import annotations

import gzip
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from embedres import batch
from embedres.batch import BatchOptions
from embedres.batch.engine import Layout, PartCounts, cite_part, run_parts
from embedres.batch.hostmap import StaticNames, check_host_map
from embedres.batch.sources import Part, input_files, plan, read_part
from embedres.errors import InputError, InvalidArgument

OPTS = BatchOptions(resolve=False)


def serial(parts: Iterator[Part], layout: Layout, options: BatchOptions) -> Iterator[PartCounts]:
    """An engine that cites the parts one after another, in this process."""
    return (cite_part(p, layout, options) for p in parts)


def _write(path: Path, n: int, *, bom: bool = False, tail: bool = True) -> None:
    lines = [json.dumps({"id": f"e{i}", "text": f"Article {i} é."}) for i in range(n)]
    lines[3] = "{bad json"
    lines[5] = ""
    lines[7] = json.dumps({"text": "no id"})
    text = "\n".join(lines) + ("\n" if tail else "")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())


@pytest.mark.parametrize(("bom", "tail"), [(False, True), (True, False)])
def test_parts_concatenate_to_the_local_bytes(tmp_path: Path, bom: bool, tail: bool) -> None:
    src = tmp_path / "in.jsonl"
    _write(src, 53, bom=bom, tail=tail)
    batch.run(src, tmp_path / "local.jsonl", options=OPTS)
    seen: list[tuple[int, int | None]] = []
    report = run_parts(serial, src, tmp_path / "o.jsonl", OPTS, part_size=10,
                       progress=lambda d, t: seen.append((d, t)))  # fmt: skip
    assert (tmp_path / "o.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert (report.ok, report.failed) == (51, 1) and seen[0] == (0, None) and seen[-1][0] == 52
    assert [p.lines for p in plan(src, 10)] == [10] * 5 + [3]


def test_long_lines_and_line_numbers_across_files(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _write(d / "a.jsonl", 12)
    with gzip.open(d / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write('{"text": "no id"}\n' + "x" * 300 + "\n")
    (d / "notes.txt").write_text("ignored")
    assert [Path(f).name for f in input_files(d)] == ["a.jsonl", "b.jsonl.gz"]
    out = tmp_path / "o.jsonl"
    run_parts(serial, d, out, OPTS, part_size=5, max_record=100)
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows[-2:]] == ["line:13", "line:14"]
    assert rows[-1]["error"] == "record too long"


def test_a_finished_part_is_not_redone_and_counts_come_from_it(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write(src, 20)
    layout = Layout(str(tmp_path))
    part = next(iter(plan(src, 20)))
    first = cite_part(part, layout, OPTS)
    Path(layout.part_path(0)).write_text('{"id": "x", "status": "error"}\n')  # a marker
    again = cite_part(part, layout, OPTS)
    assert (first.ok, first.failed) == (18, 1) and (again.ok, again.failed) == (0, 1)
    with pytest.raises(InputError, match="cannot write"):
        cite_part(part, Layout(str(tmp_path / "missing")), OPTS)


def test_directory_output_has_manifest_and_resumes(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write(src, 30)
    out = tmp_path / "out"
    out.mkdir()
    run_parts(serial, src, out, OPTS, part_size=10)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["parts"] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert manifest["ok"] == 28 and manifest["part_size"] == 10
    with pytest.raises(InputError, match="other input or options"):
        run_parts(serial, src, out, BatchOptions(resolve=False, links=True), part_size=10)


def test_a_crash_during_concatenation_is_finished_not_repeated(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write(src, 12)
    out = tmp_path / "o.jsonl"
    run_parts(serial, src, out, OPTS, part_size=5)
    good = out.read_bytes()
    # The driver died after the marker, before the rename: the rerun only renames.
    parts = tmp_path / "o.jsonl.parts"
    parts.mkdir()
    (parts / "concatenated").write_text("")
    (tmp_path / "o.jsonl.tmp").write_bytes(good)
    out.write_bytes(good[:10])
    report = run_parts(serial, src, out, OPTS, part_size=5)
    assert out.read_bytes() == good and not parts.exists() and report.skipped == 11


def test_part_reading_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "a", "text": "x"}\n\xff\xfe\n')
    _, (_, unreadable) = list(read_part(next(iter(plan(bad, 10))), 1000))
    assert unreadable.error == "not UTF-8 (byte 25 of the input, 0 of the line)"
    with pytest.raises(InputError, match="cannot read"):
        list(read_part(Part(0, str(tmp_path / "gone.jsonl"), "jsonl", 0, 1), 1000))
    (tmp_path / "x.jsonl.gz").write_bytes(b"not gzip")
    with pytest.raises(InputError, match="cannot read"):
        list(plan(tmp_path / "x.jsonl.gz", 10))


def test_host_map_checks_and_resolver() -> None:
    assert check_host_map([("a.example", "::1")]) == (("a.example", "::1"),)
    for bad in ["a=1", [("a",)], [("a", 1)], [("", "1.2.3.4")], [("a", "not-an-ip")]]:
        with pytest.raises(InvalidArgument):
            check_host_map(bad)
    names = StaticNames((("pinned.example", "127.0.0.1"),))
    assert names("localhost", 80)  # not pinned: the system resolver
    with pytest.raises(InvalidArgument):
        BatchOptions(per_host_interval=-1)
    with pytest.raises(InvalidArgument):
        BatchOptions(allow_private="yes")  # type: ignore[arg-type]


def test_process_options_reach_the_resolver() -> None:
    from embedres.batch import make_resolver

    opts = BatchOptions(allow_private=True, per_host_interval=0.5, cache=None,
                        host_map=(("h.example", "127.0.0.1"),))  # fmt: skip
    resolver: Any = make_resolver(opts)
    try:
        assert resolver.network.config.allow_private
        assert resolver.network.config.per_host_interval == 0.5
        assert resolver.network.name_resolver("h.example", 80) == ["127.0.0.1"]
    finally:
        resolver.close()


def test_a_resume_ships_a_small_layout_to_each_task(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    _write(src, 20)
    out = tmp_path / "o.jsonl"
    old = [{"id": f"old{i}", "status": "ok", "citations": [], "warnings": [], "error": None}
           for i in range(5000)] + [{"id": "e2", "status": "error", "error": "x"}]  # fmt: skip
    out.write_text("".join(json.dumps(r) + "\n" for r in old), encoding="utf-8")
    sizes: list[int] = []

    def measuring(parts: Iterator[Part], layout: Layout, options: BatchOptions) -> Any:
        sizes.append(len(pickle.dumps(layout)))  # what each task is sent
        return serial(parts, layout, options)

    report = run_parts(measuring, src, out, OPTS, part_size=5)
    assert max(sizes) < 2000
    rows = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows.count("e2") == 1 and len(rows) == 5001 + 18  # e2 skipped, one blank line
    assert report.earlier_failed == 1 and report.ok == 17
