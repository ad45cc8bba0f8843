"""``embedres cite``: formats, warnings, exit codes, and resumable batch mode.

Detection is fixed to the seed's post (as in test_pipeline) so the CLI is tested alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import embedres.cli.cite as cli_cite
import embedres.pipeline as pipeline
from embedres.cli import main
from embedres.model import Extraction
from tests.support.fakes import PIC, SEED_POST, STATUS_ID, TCO, FakeResolver, photo


@pytest.fixture(autouse=True)
def _fixed_detection(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def fake_extract(text: str, html: bool | None = None) -> Extraction:
        seen.append(text)
        if "boom" in text:
            raise RuntimeError("detector bug")
        return Extraction(posts=[] if "nothing" in text else [SEED_POST])

    monkeypatch.setattr(pipeline, "extract", fake_extract)
    return seen


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver's default cache lives under XDG_CACHE_HOME: never the user's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def article(tmp_path: Path) -> Path:
    p = tmp_path / "article.txt"
    p.write_text("the seed article", encoding="utf-8")
    return p


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["cite", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_offline_wikitext_with_hint(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = _run(
        capsys,
        str(article),
        "--offline",
        "--format",
        "wikitext",
        "--accessed",
        "2025-01-15",
        "--no-hydrate",
    )
    assert rc == 0
    # No status id: the {{cite tweet}} is commented out for an editor to complete (issue #13).
    assert (
        out.startswith("<!-- embedres: {{cite tweet}} needs |number=")
        and "|number=" not in (out.split("complete it:")[1])
    )
    assert "|user=RTenfrancais" in out and out.rstrip().endswith("-->")
    assert f"resolve {PIC}" in err and err.startswith("embedres: warning:")


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("apa", "RT France [@RTenfrancais]. (2015, November 17). François #Hollande"),
        ("mla", "@RTenfrancais (RT France). “François"),
        ("chicago", "RT France (@RTenfrancais). “François"),
        ("harvard", "RT France [@RTenfrancais] (2015) ‘François"),
        ("bibtex", "@online{twitter:"),
        ("markdown", "[^1]: RT France (\\@RTenfrancais), “François"),
        ("html", '<ol class="embedres-citations">\n<li>RT France [@RTenfrancais]. (2015'),
    ],
)
def test_text_formats(
    fmt: str, start: str, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out, _ = _run(capsys, str(article), "--offline", "--format", fmt)
    assert rc == 0 and out.startswith(start), out


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csl"])
def test_json_formats(fmt: str, article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, str(article), "--offline", "--format", fmt)
    data = [json.loads(line) for line in out.splitlines()] if fmt == "jsonl" else json.loads(out)
    assert rc == 0 and len(data) == 1
    assert data[0]["type" if fmt == "csl" else "kind"] == ("post")


def test_resolved_number(
    article: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    table = {**photo(), TCO: "https://francais.rt.com/international/10497"}
    monkeypatch.setattr(cli_cite, "_make_resolver", lambda args: FakeResolver(table))
    rc, out, err = _run(capsys, str(article), "--format", "wikitext", "--no-hydrate")
    assert rc == 0 and f"|number={STATUS_ID} |" in out and err == ""


def test_unresolvable_link_is_partial_failure(
    article: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_cite, "_make_resolver", lambda args: FakeResolver({}))
    rc, out, _ = _run(capsys, str(article), "--format", "apa", "--no-hydrate")
    assert rc == 0 and out.startswith("RT France")  # citations produced: link problems are data
    rc, out, _ = _run(capsys, str(article), "--format", "apa", "--no-hydrate", "--strict")
    assert rc == 1 and out.startswith("RT France")


def test_no_posts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "a.txt"
    p.write_text("nothing here", encoding="utf-8")
    rc, out, err = _run(capsys, str(p), "--offline")
    assert rc == 0 and json.loads(out) == [] and "no embedded posts" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--format", "docx"],
        ["--archive", "ftp"],
        ["--archive", "warc:"],
        ["--accessed", "yesterday"],
        ["--format", "html", "--style", "no-such-style"],
        ["--format", "bibtex", "--style", "mla"],  # issue #13: was silently ignored
        ["--style", "chicago"],
        ["--out", "x.jsonl"],
    ],
)
def test_usage_errors(argv: list[str], article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(capsys, str(article), "--offline", *argv)
    assert rc == 2 and "Traceback" not in err and err.strip()


def test_missing_file_and_missing_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "/nonexistent/a.txt", "--offline")[0] == 2
    assert _run(capsys, "--offline")[0] == 2


def test_offline_archive_warns(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = _run(capsys, str(article), "--offline", "--archive", "wayback")
    assert rc == 0 and "nothing is archived" in err


def _batch_input(tmp_path: Path) -> Path:
    lines = [
        json.dumps({"id": "a1", "text": "article one"}),
        json.dumps({"id": 2, "html": "<p>article two</p>"}),
        "{not json",
        json.dumps({"id": "a4"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "a7", "text": "boom"}),
        json.dumps({"id": "a8", "text": "nothing"}),
    ]
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_batch_never_loses_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jsonl"
    rc, _, _ = _run(
        capsys,
        "--batch",
        str(_batch_input(tmp_path)),
        "--out",
        str(out),
        "--offline",
        "--format",
        "apa",
    )
    recs = _records(out)
    assert rc == 1
    assert [r["id"] for r in recs] == ["a1", 2, "line:3", "a4", "line:5", "a7", "a8"]
    assert [r["status"] for r in recs] == ["ok", "ok", "error", "error", "error", "error", "ok"]
    assert recs[0]["citations"][0].startswith("RT France [@RTenfrancais]. (2015")
    assert "not JSON" in recs[2]["error"] and "text" in recs[3]["error"]
    assert "RuntimeError: detector bug" in recs[5]["error"] and recs[6]["citations"] == []


def test_batch_resumes_without_redoing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], _fixed_detection: list[str]
) -> None:
    src, out = _batch_input(tmp_path), tmp_path / "out.jsonl"
    _run(capsys, "--batch", str(src), "--out", str(out), "--offline")
    full = out.read_text("utf-8").splitlines(keepends=True)
    out.write_text("".join(full[:2]) + full[2][: len(full[2]) // 2], encoding="utf-8")  # torn
    _fixed_detection.clear()
    rc, _, _ = _run(capsys, "--batch", str(src), "--out", str(out), "--offline")
    ids = [r["id"] for r in _records(out)]
    assert ids == ["a1", 2, "line:3", "a4", "line:5", "a7", "a8"]
    assert "article one" not in _fixed_detection and "<p>article two</p>" not in _fixed_detection
    assert rc == 1


def test_batch_to_stdout_with_csl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "t"}) + "\n", encoding="utf-8")
    rc, out, _ = _run(capsys, "--batch", str(src), "--offline", "--format", "csl")
    (rec,) = [json.loads(line) for line in out.splitlines()]
    assert rc == 0 and rec["citations"][0]["type"] == "post"


def test_batch_overlong_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_cite, "MAX_RECORD", 100)
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    long = json.dumps({"id": "big", "text": "x" * 500})
    src.write_text(long + "\n" + json.dumps({"id": "ok", "text": "t"}) + "\n", encoding="utf-8")
    rc, _, _ = _run(capsys, "--batch", str(src), "--out", str(out), "--offline")
    recs = _records(out)
    assert rc == 1 and [r["status"] for r in recs] == ["error", "ok"]
    assert recs[0]["error"] == "record too long" and recs[1]["id"] == "ok"


def test_batch_and_file_conflict(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, str(article), "--batch", str(article))[0] == 2


def test_batch_input_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "x", "text": "caf\xe9"}\n{"id": "y", "text": "t"}\n')
    rc, out, _ = _run(capsys, "--batch", str(src), "--offline")
    recs = [json.loads(line) for line in out.splitlines()]
    assert rc == 1 and [r["status"] for r in recs] == ["error", "ok"]
    assert recs[0]["id"] == "line:1" and "not UTF-8 (byte 24 of the input" in recs[0]["error"]


def test_resume_after_a_torn_multibyte_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(
        "".join(json.dumps({"id": i, "text": "t"}) + "\n" for i in ("é1", "é2")), encoding="utf-8"
    )
    first = json.dumps({"id": "é1", "status": "ok", "citations": [], "warnings": [], "error": None})
    torn = (first + "\n").encode("utf-8") + '{"id": "é2", "x": "ü'.encode()[:-1]
    out.write_bytes(torn)
    rc, _, _ = _run(capsys, "--batch", str(src), "--out", str(out), "--offline")
    assert rc == 0 and [r["id"] for r in _records(out)] == ["é1", "é2"]
