"""``embedres resolve``: JSON lines on stdout, progress on stderr, exit statuses."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from embedres.cli import main
from tests.support.servers import LoopbackServer, html, redirect


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_resolves_then_answers_offline_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = str(tmp_path / "c.sqlite")
    with LoopbackServer({"/s": redirect("/end"), "/end": html(b"ok")}) as srv:
        allow = ["--allow-host", f"127.0.0.1:{srv.port}", "--cache", cache]
        assert main(["resolve", *allow, srv.url("/s")]) == 0
        first = lines(capsys.readouterr().out)
    assert first[0]["status"] == "ok" and first[0]["final_url"] == srv.url("/end")
    assert main(["resolve", "--offline", *allow, srv.url("/s"), "https://t.co/x"]) == 1
    again = lines(capsys.readouterr().out)
    assert again[0]["from_cache"] is True and again[0]["final_url"] == srv.url("/end")
    assert again[1]["status"] == "offline"


def test_reads_urls_from_stdin_and_keeps_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "https://t.co/a\n\nhttp://[::1\nhttps://t.co/a\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    assert main(["resolve", "--offline", "--no-cache", "-"]) == 1
    got = lines(capsys.readouterr().out)
    assert [g["url"] for g in got] == ["https://t.co/a", "http://[::1", "https://t.co/a"]
    assert [g["status"] for g in got] == ["offline", "error", "offline"]


def test_blocked_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackServer({"/": html(b"secret")}) as srv:
        assert main(["resolve", "--no-cache", srv.url("/")]) == 1
    assert lines(capsys.readouterr().out)[0]["status"] == "blocked"
    assert srv.connections == 0


def test_progress_bar_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    urls = [f"https://t.co/{i}" for i in range(3)]
    assert main(["resolve", "--offline", "--no-cache", "--progress", *urls]) == 1
    captured = capsys.readouterr()
    assert len(lines(captured.out)) == 3
    assert "3/3" in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["resolve"],
        ["resolve", "--concurrency", "0", "x"],
        ["resolve", "--allow-host", "a/b", "x"],
        ["resolve", "--user-agent", "bad\nua", "x"],
        ["resolve", "--timeout", "-1", "x"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--no-cache"] if len(argv) > 1 else argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
