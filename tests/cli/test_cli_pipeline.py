"""Issue #14 items 12-14 and the CLI wrapper: one error line, warnings on stderr, options shared
by every command that resolves, honest offline status, output errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import embedres.cli.resolve as cli_resolve
from embedres.cli import main
from embedres.net import httpio
from embedres.resolve.resolver import Resolver
from tests.support.paths import REPO
from tests.support.servers import LoopbackServer, html, redirect


def _boom(args: object) -> int:
    raise RuntimeError("a bug\nspanning lines")


def test_unexpected_exception_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_resolve, "run", _boom)
    monkeypatch.delenv("EMBEDRES_DEBUG", raising=False)
    assert main(["resolve", "https://t.co/x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("embedres: error: internal error (RuntimeError")
    assert "Traceback" not in err


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    monkeypatch.setattr(cli_resolve, "run", _boom)
    if how == "env":
        monkeypatch.setenv("EMBEDRES_DEBUG", "1")
        argv = ["resolve", "https://t.co/x"]
    else:
        monkeypatch.delenv("EMBEDRES_DEBUG", raising=False)
        argv = ["--debug", "resolve", "https://t.co/x"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().splitlines()[-1].startswith("embedres: error:")


def test_cache_on_a_non_sqlite_file_keeps_the_earlier_corrupt_copy_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cache"
    path.write_bytes(b"not a database, " * 100)
    (tmp_path / "cache.corrupt").write_bytes(b"an earlier one")
    assert main(["resolve", "--cache", str(path), "--offline", "https://t.co/x"]) == 1
    assert (tmp_path / "cache.corrupt").read_bytes() == b"an earlier one"
    assert (tmp_path / "cache.corrupt.1").read_bytes().startswith(b"not a database")
    err = capsys.readouterr().err
    assert "embedres: warning: cache" in err and "cache.corrupt.1" in err


def test_disk_full_is_one_error_line(tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n' * 3, encoding="utf-8")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "embedres", "cite", "--batch", str(src), "--offline"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            timeout=60,
            env={**os.environ, "EMBEDRES_DEBUG": ""},
        )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["embedres: error: No space left on device"]


ARTICLE = "Read {url} today."
HOST = "go.example.com"  # a branded short domain, looked up to the loopback server below


@pytest.fixture
def go_example(monkeypatch: pytest.MonkeyPatch) -> None:
    def lookup(host: str, port: int) -> list[str]:
        assert host == HOST
        return ["127.0.0.1"]

    monkeypatch.setattr(httpio, "system_resolver", lookup)


def test_cite_speaks_the_resolve_options_and_shortener(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], go_example: None
) -> None:
    with LoopbackServer({"/s": redirect("/final"), "/final": html(b"<p>x</p>")}) as srv:
        article = tmp_path / "a.txt"
        article.write_text(ARTICLE.format(url=f"http://{HOST}:{srv.port}/s"), encoding="utf-8")
        common = ["cite", str(article), "--links", "--no-hydrate", "--no-cache"]
        common += ["--allow-host", f"{HOST}:{srv.port}", "--timeout", "5"]
        common += ["--user-agent", "embedres-test/1"]
        assert main(common) == 0
        assert srv.requests == []  # a plain web link: not resolved
        assert main([*common, "--shortener", HOST]) == 0
        assert [r.path for r in srv.requests] == ["/s", "/final"]
        assert srv.requests[0].headers.get("user-agent") == "embedres-test/1"
    assert "/final" in capsys.readouterr().out


def test_blocked_loopback_link_names_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with LoopbackServer({"/s": html(b"x")}) as srv:
        assert main(["resolve", "--no-cache", srv.url("/s")]) == 1
        assert srv.requests == []
    err = capsys.readouterr().err
    assert f"--allow-host 127.0.0.1:{srv.port}" in err and "--allow-private" in err


def test_cite_allow_private(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], go_example: None
) -> None:
    with LoopbackServer({"/s": html(b"x")}) as srv:
        article = tmp_path / "a.txt"
        article.write_text(ARTICLE.format(url=f"http://{HOST}:{srv.port}/s"), encoding="utf-8")
        argv = ["cite", str(article), "--links", "--no-cache", "--shortener", HOST]
        assert main(argv) == 0
        assert "--allow-host" in capsys.readouterr().err  # the hint, not a failure
        assert main([*argv, "--strict"]) == 1
        assert main([*argv, "--allow-private", "--strict"]) == 0
        assert [r.path for r in srv.requests] == ["/s"]


def _no_such_name(host: str, port: int) -> list[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_no_such_name_without_a_route_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    r = Resolver(cache=None, name_resolver=_no_such_name)
    assert r.resolve("https://t.co/abc").status == "error"  # a route: an answer about the host
    monkeypatch.setattr(httpio, "has_default_route", lambda: False)
    res = r.resolve("https://t.co/abd")
    assert res.status == "offline" and "no route" in (res.error or "")


def test_default_route_from_the_kernel_tables(tmp_path: Path) -> None:
    v4, v6 = tmp_path / "route", tmp_path / "ipv6_route"
    head = "Iface\tDestination\tGateway\tFlags\n"
    v4.write_text(head + "lo\t0000007F\t00000000\t0001\n")
    v6.write_text("0" * 32 + " 00 " + "0" * 32 + " 00 " + "0" * 32 + " 00200200 0 0 0 lo\n")
    assert httpio.has_default_route((str(v4), str(v6))) is False
    v4.write_text(head + "eth0\t00000000\t010200C0\t0003\n")
    assert httpio.has_default_route((str(v4), str(v6))) is True
    assert httpio.has_default_route((str(tmp_path / "missing"),)) is True
