"""``embedres archive``: JSON lines, exit codes, batch stop on quota errors, WARC output."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import responses

from embedres.archive import archiver as archive
from embedres.cli import main
from embedres.net import ratelimit as _archnet

CDX = "https://web.archive.org/cdx/search/cdx"
HIT = [["timestamp", "original", "statuscode"], ["20151117033524", "http://example.com/", "200"]]


@pytest.fixture(autouse=True)
def _no_real_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pacing and fake DNS: the CLI builds its Archiver with process-wide defaults."""
    monkeypatch.setattr(archive, "shared_pacer", lambda host, kind, interval: _archnet.Pacer(0))

    def dns(host: str, port: int) -> Sequence[str]:
        return ["93.184.216.34"]

    monkeypatch.setattr("embedres.archive.capture.system_resolver", dns)
    monkeypatch.setattr("embedres.net.httpio.system_resolver", dns)
    for name in ("IAS3_ACCESS_KEY", "IAS3_SECRET_KEY", "SAVEPAGENOW_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IA_CONFIG_FILE", "/nonexistent")


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def test_lookup_prints_one_json_line_per_url(capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as mock:
        mock.get(CDX, json=HIT)
        mock.get(CDX, json=[])
        code = main(["archive", "--near", "2015-11-17", "example.com", "example.com/none"])
    out = _lines(capsys.readouterr().out)
    assert code == 0
    assert out[0]["url"] == "example.com"
    assert out[0]["lookup"]["archive_url"].endswith("/20151117033524/http://example.com/")
    assert out[0]["lookup"]["archived_at"] == "2015-11-17T03:35:24+00:00"
    assert out[1] == {"url": "example.com/none", "lookup": None, "errors": []}  # keys as documented


def test_urls_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"example.com\n\n a.example \n")))
    with responses.RequestsMock() as mock:
        mock.get(CDX, json=[])
        assert main(["archive", "-"]) == 0
    assert [r["url"] for r in _lines(capsys.readouterr().out)] == ["example.com", "a.example"]


def test_quota_error_stops_the_batch(capsys: pytest.CaptureFixture[str]) -> None:
    quota = {"status": "error", "status_ext": "error:user-session-limit", "message": "too many"}
    with responses.RequestsMock() as mock:
        mock.post("https://web.archive.org/save", json=quota)
        code = main(
            [
                "archive",
                "--no-lookup",
                "--save",
                "--anonymous",
                "https://a.example/",
                "https://b.example/",
                "https://c.example/",
            ]
        )
        posts = [c for c in mock.calls if c.request.method == "POST"]
    captured = capsys.readouterr()
    out = _lines(captured.out)
    assert code == 1 and len(posts) == 1
    assert out[0]["errors"][0]["type"] == "QuotaExceeded"
    assert out[0]["errors"][0]["kind"] == "user-session-limit"
    assert out[0]["errors"][0]["transient"] is False
    assert [r["errors"][0]["type"] for r in out[1:]] == ["Skipped", "Skipped"]
    assert "stopping the batch" in captured.err


def test_rate_limit_is_reported_with_retry_after(capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as mock:
        mock.get(CDX, status=429, headers={"Retry-After": "7200"})
        assert main(["archive", "example.com"]) == 1
    err = _lines(capsys.readouterr().out)[0]["errors"][0]
    assert err["type"] == "RateLimited" and err["retry_after"] == 7200.0


def test_internal_url_is_never_saved(capsys: pytest.CaptureFixture[str]) -> None:
    with responses.RequestsMock() as mock:
        assert main(["archive", "--no-lookup", "--save", "http://127.0.0.1/admin"]) == 1
        assert len(mock.calls) == 0
    assert _lines(capsys.readouterr().out)[0]["errors"][0]["type"] == "UnsafeURL"


@pytest.fixture
def site() -> Iterator[int]:
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_warc_capture_from_the_cli(
    site: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{site}/x"
    code = main(
        [
            "archive",
            "--no-lookup",
            "--warc",
            str(tmp_path),
            "--allow-host",
            f"127.0.0.1:{site}",
            url,
        ]
    )
    record = _lines(capsys.readouterr().out)[0]
    assert code == 0 and record["warc"]["status_code"] == 200
    finished = Path(record["warc"]["archive_url"].removeprefix("file://"))
    assert finished.exists() and finished.name.endswith(".warc.gz")  # renamed on exit


@pytest.mark.parametrize(
    "argv",
    [
        ["archive", "--near", "yesterday", "example.com"],
        ["archive", "--wayback", "ftp://x.example/", "example.com"],
        ["archive", "--no-lookup", "example.com"],
        ["archive"],
    ],
)
def test_usage_errors_exit_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
