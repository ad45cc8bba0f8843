"""The CLI shell: usage errors, --version, and how failures map to exit statuses."""

from __future__ import annotations

import argparse

import pytest

from embedres import _version
from embedres._jsonable import jsonable
from embedres.cli import main
from embedres.errors import InputError


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"embedres {_version.__version__}"


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def _with_func(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def run(args: argparse.Namespace) -> int:
        raise exc

    monkeypatch.setattr("embedres.cli.extract.run", run)


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (InputError("cannot read 'x'"), 2, "embedres: error: cannot read 'x'"),
        (KeyboardInterrupt(), 130, "embedres: interrupted"),
        (BrokenPipeError(), 0, ""),
    ],
)
def test_failures_map_to_exit_statuses(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
    code: int,
    message: str,
) -> None:
    _with_func(monkeypatch, exc)
    assert main(["extract", "-"]) == code
    assert capsys.readouterr().err.strip() == message


def test_jsonable_sets_are_sorted_lists() -> None:
    assert jsonable({"b": frozenset({"y", "x"})}) == {"b": ["x", "y"]}


def test_extract_markdown_flag_reads_code_spans_as_code(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """--markdown forces Markdown: an embed sample inside a code span is not a post."""
    import json
    from pathlib import Path

    page = Path(str(tmp_path)) / "post.md"
    page.write_text(
        'Code: `<blockquote class="twitter-tweet">'
        '<a href="https://twitter.com/a/status/1104412345678901248">x</a></blockquote>`\n',
        encoding="utf-8",
    )
    assert main(["extract", str(page)]) == 0
    assert len(json.loads(capsys.readouterr().out)["posts"]) == 1  # sniffed as HTML
    assert main(["extract", "--markdown", str(page)]) == 0
    assert json.loads(capsys.readouterr().out)["posts"] == []
    assert main(["extract", "--markdown", "--html", str(page)]) == 2
    assert "not allowed with" in capsys.readouterr().err
