"""Issue #14 items 11-12: the batch never loses or stops on a bad line, resumes, retries failed
records in place, processes duplicate ids once, and never damages a file named by --out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from embedres.batch import BatchOptions, run
from embedres.cli import main

OPTS = BatchOptions(resolve=False, offline=True)


def _line(rid: object, text: str = "no embeds here") -> bytes:
    return json.dumps({"id": rid, "text": text}).encode() + b"\n"


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


HOSTILE_LINES = [
    b"[" * 100_000 + b"\n",  # RecursionError before
    b'{"id": "x", "text": "caf\xe9"}\n',  # one non-UTF-8 byte
    b'{"a": ' * 60_000 + b"\n",
    b"\xff\xfe\x00garbage\n",
    b'"just a string"\n',
]


@pytest.mark.parametrize("bad", HOSTILE_LINES, ids=range(len(HOSTILE_LINES)))
def test_a_bad_line_is_an_error_record_and_the_rest_is_cited(tmp_path: Path, bad: bytes) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(_line("a") + bad + _line("b"))
    report = run(src, out, options=OPTS)
    recs = _records(out)
    assert [r["id"] for r in recs] == ["a", "line:2", "b"]
    assert [r["status"] for r in recs] == ["ok", "error", "ok"]
    assert report.failed == 1 and report.ok == 2
    again = run(src, out, options=OPTS)  # a resume does not die on the same line
    assert again.skipped == 3 and again.ok == 0 and len(_records(out)) == 3
    assert again.earlier_failed == 1 and not again.clean  # the output still holds a failure


def test_byte_offset_of_a_bad_byte_counts_from_the_start_of_the_input(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    first = _line("a") * 5000  # past any read chunk
    src.write_bytes(first + b'{"id": "x", "text": "\xe9"}\n')
    run(src, out, options=OPTS)
    error = _records(out)[-1]["error"]
    assert error == f"not UTF-8 (byte {len(first) + 21} of the input, 21 of the line)"


def test_retry_failed_redoes_error_records_in_place(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(_line("a") + _line("b", text=None) + _line("c"))  # type: ignore[arg-type]
    run(src, out, options=OPTS)
    assert [r["status"] for r in _records(out)] == ["ok", "error", "ok"]
    src.write_bytes(_line("a") + _line("b") + _line("c"))  # the input was fixed
    report = run(src, out, options=OPTS, retry_failed=True)
    assert report.ok == 1 and report.skipped == 2 and report.clean
    assert sorted((r["id"], r["status"]) for r in _records(out)) == [
        ("a", "ok"),
        ("b", "ok"),
        ("c", "ok"),
    ]


def test_duplicate_ids_are_processed_once_and_1_differs_from_string_1(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(_line(1) + _line("1") + _line(1) + _line("1"))
    report = run(src, out, options=OPTS)
    assert [r["id"] for r in _records(out)] == [1, "1"]
    assert report.ok == 2 and report.skipped == 2
    src.write_bytes(_line("1") + _line(1) + _line(2))
    again = run(src, out, options=OPTS)
    assert again.ok == 1 and [r["id"] for r in _records(out)] == [1, "1", 2]


def _cli(*argv: str) -> int:
    return main(["cite", *argv, "--offline", "--no-resolve", "--no-progress"])


def test_exit_status_reflects_the_whole_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(_line("a") + b"not json\n")
    assert _cli("--batch", str(src), "--out", str(out)) == 1
    assert _cli("--batch", str(src), "--out", str(out)) == 1  # the resume: was 0
    src.write_bytes(_line("a"))
    assert _cli("--batch", str(src), "--out", str(out), "--retry-failed") == 0
    assert [r["id"] for r in _records(out)] == ["a"]  # the error line was replaced (removed)


@pytest.mark.parametrize("through_link", [False, True])
def test_out_naming_another_file_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], through_link: bool
) -> None:
    src, precious = tmp_path / "in.jsonl", tmp_path / "notes.txt"
    src.write_bytes(_line("a"))
    precious.write_bytes(b"line one\nlast line without newline")
    before = precious.read_bytes()
    target = precious
    if through_link:
        target = tmp_path / "out.jsonl"
        os.symlink(precious, target)
    assert _cli("--batch", str(src), "--out", str(target)) == 2
    assert precious.read_bytes() == before  # the last line was lost before
    assert "not an embedres output file" in capsys.readouterr().err


def test_a_torn_result_line_is_still_repaired(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(_line("a") + _line("b"))
    run(src, out, options=OPTS)
    data = out.read_bytes()
    out.write_bytes(data[: len(data) - 10])  # a crash in the middle of the second line
    assert run(src, out, options=OPTS).ok == 1
    assert [r["id"] for r in _records(out)] == ["a", "b"]


def test_batch_from_stdin_bytes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO(_line("a") + b"\xe9\n" + _line("b")), "utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    assert _cli("--batch", "-") == 1
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["status"] for r in out] == ["ok", "error", "ok"]
