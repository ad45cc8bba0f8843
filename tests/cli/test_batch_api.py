"""embedres.batch: records in, result records out, resume, progress, error records, workers.

Detection runs for real on the seed article; nothing resolves (``resolve=False``) unless a fake
resolver is passed, so no test touches the network.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import embedres.pipeline as pipeline
from embedres import batch
from embedres.batch import BatchOptions, BatchReport, cite_record, process, run
from embedres.cli import main
from embedres.detect.extractor import extract as real_extract
from embedres.errors import InputError, InvalidArgument
from embedres.model import Resolution
from tests.support import paths

SEED = paths.SEED
ARTICLE = SEED.read_text("utf-8")
TWEET_HTML = (
    '<blockquote class="twitter-tweet"><p lang="en">Hi there</p>&mdash; Ann (@ann) '
    '<a href="https://twitter.com/ann/status/20">March 21, 2006</a></blockquote>'
)
OPTS = BatchOptions(format="apa", resolve=False, accessed=date(2025, 1, 15))


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _records() -> list[Any]:
    return [
        {"id": "seed", "text": ARTICLE},
        {"id": 2, "html": TWEET_HTML},
        {"id": "none", "text": "nothing to cite"},
    ]


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_records_from_an_iterable(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    report = run(iter(_records()), out, options=OPTS)
    recs = _lines(out)
    assert report == BatchReport(ok=3, failed=0, skipped=0, partial=0) and report.clean
    assert [r["id"] for r in recs] == ["seed", 2, "none"]
    assert recs[0]["citations"][0].startswith("RT France [@RTenfrancais]. (2015, November 17).")
    assert "status id unknown" in recs[0]["warnings"][0]
    assert recs[1]["citations"] == ["Ann [@ann]. (2006, March 21). Hi there [Tweet]. Twitter. "
                                    "https://twitter.com/ann/status/20"]  # fmt: skip
    assert recs[2] == {
        "id": "none", "status": "ok", "citations": [], "warnings": [], "error": None
    }  # fmt: skip


def test_records_from_a_path_and_from_a_stream(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    by_path, by_stream, by_list = (tmp_path / n for n in ("p.jsonl", "s.jsonl", "l.jsonl"))
    run(str(src), by_path, options=OPTS)
    with src.open(encoding="utf-8") as fh:
        run(fh, by_stream, options=OPTS)
    run(_records(), by_list, options=OPTS)
    assert by_path.read_bytes() == by_stream.read_bytes() == by_list.read_bytes()
    assert len(_lines(by_path)) == 3


def test_output_to_a_stream_has_no_resume() -> None:
    sink = io.StringIO()
    report = run(_records(), sink, options=OPTS)
    assert report.ok == 3 and len(sink.getvalue().splitlines()) == 3


def test_resume_skips_ids_already_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.jsonl"
    run(_records(), out, options=OPTS)
    full = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(full[0] + full[1][:10])  # the second line torn by a crash
    seen: list[str] = []

    def spy(text: str, html: bool | None = None) -> Any:
        seen.append(text)
        return real_extract(text, html=html)

    monkeypatch.setattr(pipeline, "extract", spy)
    report = run(_records(), out, options=OPTS)
    assert report == BatchReport(ok=2, failed=0, skipped=1, partial=0)
    assert ARTICLE not in seen and len(seen) == 2
    assert out.read_bytes() == b"".join(full)


def test_error_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.jsonl"
    lines = ['{"id": "a", "text": "boom"}', "{bad", "null", "", '{"id": "n"}', '["x"]',
             '{"id": true, "text": "t"}', json.dumps({"id": "big", "text": "x" * 300})]  # fmt: skip
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def extract(text: str, html: bool | None = None) -> Any:
        raise RuntimeError("detector bug")

    monkeypatch.setattr(pipeline, "extract", extract)
    out = tmp_path / "out.jsonl"
    report = run(src, out, options=OPTS, max_record=200)
    recs = _lines(out)
    assert report == BatchReport(ok=0, failed=7, skipped=0, partial=0) and not report.clean
    assert [r["id"] for r in recs] == ["a", "line:2", "line:3", "n", "line:6", "line:7", "line:8"]
    assert {r["status"] for r in recs} == {"error"}
    errors = [r["error"] for r in recs]
    assert errors[0] == "RuntimeError: detector bug"
    assert errors[1].startswith("not JSON: Expecting property name")
    assert errors[2] == errors[4] == "a record must be a JSON object"
    assert errors[3] == 'a record needs a "text" or "html" string'
    assert errors[6] == "record too long"


def test_bad_records_from_an_iterable_are_error_records() -> None:
    sink = io.StringIO()
    report = run([None, "text", {"id": "x", "html": 3}], sink, options=OPTS)
    recs = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert report.failed == 3 and [r["id"] for r in recs] == ["line:1", "line:2", "x"]


class _DeadResolver:
    """Every link fails: the record is cited, but as a partial failure."""

    offline = False

    def resolve(self, url: str) -> Resolution:
        return Resolution(url=url, status="error", error="refused")


def test_partial_failure_is_counted(tmp_path: Path) -> None:
    opts = BatchOptions(format="json", hydrate=False, accessed=date(2025, 1, 15))
    report = run(_records()[:1], tmp_path / "o.jsonl", options=opts, resolver=_DeadResolver())
    (rec,) = _lines(tmp_path / "o.jsonl")
    assert report == BatchReport(ok=1, failed=0, skipped=0, partial=1) and not report.clean
    assert {r["status"] for r in rec["citations"][0]["resolutions"]} == {"error"}


def test_progress_callback(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in _records()) + "\n", encoding="utf-8")
    calls: list[tuple[int, int | None]] = []
    run(src, tmp_path / "a.jsonl", options=OPTS, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]  # the blank line counts
    calls.clear()
    run(_records(), tmp_path / "b.jsonl", options=OPTS, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    calls.clear()
    run(iter(_records()), io.StringIO(), options=OPTS, progress=lambda *a: calls.append(a))
    assert calls[0] == (0, None) and calls[-1] == (3, None)


@pytest.mark.parametrize("fmt", ["json", "csl", "wikitext", "bibtex", "markdown", "html"])
def test_same_bytes_as_the_command_line(tmp_path: Path, fmt: str) -> None:
    src = tmp_path / "in.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in _records()] + ["{bad", '{"id": "é"}']
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli_out, api_out = tmp_path / "cli.jsonl", tmp_path / "api.jsonl"
    argv = ["cite", "--batch", str(src), "--out", str(cli_out), "--no-resolve", "--no-progress"]
    style = ["--style", "mla"] if fmt == "html" else []  # --style is for html only (issue #13)
    rc = main([*argv, "--format", fmt, *style, "--accessed", "2025-01-15"])
    opts = BatchOptions(format=fmt, style="mla", resolve=False, accessed=date(2025, 1, 15))
    report = run(src, api_out, options=opts)
    assert api_out.read_bytes() == cli_out.read_bytes()
    assert rc == 1 and report.failed == 2


def test_cite_record_and_process() -> None:
    rec = cite_record({"id": "t", "html": TWEET_HTML}, OPTS)
    assert rec["status"] == "ok" and rec["citations"][0].startswith("Ann [@ann]. (2006")
    assert cite_record({"text": 3}, OPTS, number=9)["id"] == "line:9"
    out = list(process(_records(), OPTS, start=10))
    assert [r["id"] for r in out] == ["seed", 2, "none"]
    (empty,) = process([{}], OPTS, start=5)
    assert empty["id"] == "line:5" and empty["status"] == "error"
    with_resolver = cite_record(_records()[0], BatchOptions(hydrate=False), _DeadResolver())
    assert with_resolver["citations"][0]["resolutions"][0]["status"] == "error"


def _partition(records: list[Any], options: BatchOptions) -> list[dict[str, Any]]:
    return list(process(records, options))


def test_process_runs_in_a_spawned_worker() -> None:
    assert pickle.loads(pickle.dumps(OPTS)) == OPTS
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        remote = pool.apply(_partition, (_records(), OPTS))
    assert remote == _partition(_records(), OPTS)
    assert remote[0]["citations"][0].startswith("RT France")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"format": "docx"}, "unknown format 'docx'"),
        ({"format": "html", "style": "no-such-style"}, "unknown citation style"),
        ({"style": 3}, "style must be a str"),
        ({"archive": "sometimes"}, "archive must be"),
        ({"archive": "capture"}, "needs warc_dir"),
        ({"accessed": "2025-01-15"}, "accessed must be a datetime.date"),
        ({"resolve": "yes"}, "resolve must be True or False"),
        ({"html": "auto"}, "html must be None, True or False"),
        ({"cache": Path("c.sqlite")}, "cache must be a str or None"),
    ],
)
def test_bad_options_raise_at_once(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        BatchOptions(**kwargs)


def test_bad_arguments_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="BatchOptions"):
        run([], io.StringIO(), options={"format": "apa"})  # type: ignore[arg-type]
    for source in (b"{}", 3, {"id": "x"}):
        with pytest.raises(InvalidArgument, match="source must be"):
            run(source, io.StringIO(), options=OPTS)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="cannot read"):
        run(tmp_path / "missing.jsonl", io.StringIO(), options=OPTS)
    with pytest.raises(InputError, match="cannot read"):
        run([], tmp_path, options=OPTS)  # a directory as output
    with pytest.raises(InvalidArgument, match="out must be a path or a text stream"):
        run([], 3, options=OPTS)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not UTF-8"):  # a text stream cannot resync
        run(
            io.TextIOWrapper(io.BytesIO(b'{"id": "x"}\n\xe9\n'), "utf-8"),
            io.StringIO(),
            options=OPTS,
        )


def test_session_closes_what_it_built(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[str] = []

    class Built:
        offline = True

        def close(self) -> None:
            closed.append("built")

    monkeypatch.setattr(batch.records, "make_resolver", lambda options: Built())
    with batch.Session(BatchOptions(offline=True)) as session:
        assert isinstance(session.resolver, Built)
    given = Built()
    with batch.Session(BatchOptions(offline=True), resolver=given) as session:
        assert session.resolver is given
    assert closed == ["built"]


def test_cli_unwritable_out_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "t"}\n', encoding="utf-8")
    rc = main(["cite", "--batch", str(src), "--out", str(tmp_path), "--no-resolve"])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("embedres: error: cannot read") and "Traceback" not in err


def test_cli_progress_bar_follows_the_callback(monkeypatch: pytest.MonkeyPatch) -> None:
    import embedres.cli.cite as cli_cite

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr("sys.stderr", term)
    monkeypatch.setattr(cli_cite, "_PROGRESS_DELAY", 0.0)
    bar = cli_cite._Bar()
    bar(0, 3)
    bar(2, 3)
    assert bar.bar is not None and (bar.bar.n, bar.bar.total) == (2, 3)
    bar.close()
    assert "2/3" in term.getvalue()
    cli_cite._Bar().close()  # never called: nothing to close
