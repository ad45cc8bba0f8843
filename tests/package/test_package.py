"""Package-level contracts: public names, the pure half needs no network, CLI basics."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

import embedres
from embedres.cli import main
from tests.support.paths import SEED

EXPECTED_ALL = {
    "OEmbedHydrator",
    "PostHydrator",
    "LinkResolver",
    "LinkArchiver",
    "Transport",
    "Reply",
    "RateLimiter",
    "InProcessRateLimiter",
    "HostLimits",
    "NetworkConfig",
    "Network",
    "SQLiteCache",
    "Cache",
    "WaybackService",
    "MementoService",
    "Unreachable",
    "NoNetwork",
    "InvalidURL",
    "FetchTimeout",
    "FetchError",
    "CacheError",
    "BlockedAddress",
    "ArchiveError",
    "ArchiveUnavailable",
    "Archiver",
    "AuthenticationFailed",
    "CaptureFailed",
    "Citation",
    "EmbedresError",
    "Entity",
    "Extraction",
    "Hop",
    "InputError",
    "InvalidArgument",
    "Link",
    "Post",
    "QuotaExceeded",
    "RateLimited",
    "Resolution",
    "Resolver",
    "SaveFailed",
    "SaveTimeout",
    "Snapshot",
    "UnsafeURL",
    "WarcWriteError",
    "__version__",
    "cite",
    "extract",
    "linkedin_time",
    "mastodon_time",
    "post_time",
    "replace_embeds",
    "shortcode_time",
    "snowflake_time",
    "tid_time",
    "tiktok_time",
    "LivenessChecker",
    "PostStatus",
    "check_articles",
}


def test_all_is_pinned() -> None:
    assert set(embedres.__all__) == EXPECTED_ALL
    assert len(embedres.__all__) == len(EXPECTED_ALL)  # no name listed twice
    for name in embedres.__all__:
        assert hasattr(embedres, name), name


def test_pure_half_runs_with_sockets_disabled() -> None:
    code = (
        "import socket\n"
        "def no(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket = no; socket.create_connection = no; socket.getaddrinfo = no\n"
        "import embedres, pathlib\n"
        f"t = pathlib.Path({str(SEED)!r}).read_text('utf-8')\n"
        "x = embedres.extract(t)\n"
        "print(len(x.hashtags))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 0


def test_extract_rejects_non_str() -> None:
    with pytest.raises(embedres.InvalidArgument):
        embedres.extract(b"bytes")  # type: ignore[arg-type]


def test_cli_extract_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"hashtags", "mentions", "cashtags", "links", "posts"}


@pytest.mark.parametrize("path", ["/nonexistent/file.txt", "."])
def test_cli_bad_path_is_one_line_exit_2(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("embedres: error:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_cli_non_utf8_input(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    p = Path(str(tmp_path)) / "latin1.txt"
    p.write_bytes("caf\xe9".encode("latin-1"))
    assert main(["extract", str(p)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_network_guard_blocks_non_loopback() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(AssertionError, match="connect"):
            s.connect(("192.0.2.1", 80))  # TEST-NET-1; the guard raises before any packet
    finally:
        s.close()


def test_network_guard_covers_subprocesses() -> None:
    code = (
        "import socket\n"
        "try:\n"
        "    socket.getaddrinfo('example.invalid', 80)\n"
        "except OSError as e:\n"
        "    print('blocked', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.startswith("blocked") and "test guard" in out.stdout
