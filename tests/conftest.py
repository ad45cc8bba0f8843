"""Test-wide guards: no traffic leaves loopback, and shared paths."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._netguard.sitecustomize import is_loopback

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EMBEDRES_SHARED", REPO.parent / "shared"))
CONFORMANCE = SHARED / "conformance" / "twitter-text"
SEED = REPO / "seeds" / "000_aff3667e527335b6.txt"

# Every Python subprocess a test starts loads tests/_netguard/sitecustomize.py, which makes
# anything but loopback unreachable there too (a CLI run in a subprocess never leaves the machine).
_GUARD_DIR = str(Path(__file__).resolve().parent / "_netguard")
os.environ["EMBEDRES_NETGUARD"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (_GUARD_DIR, os.environ.get("PYTHONPATH", "")) if p
)


class NetworkBlocked(AssertionError):
    """A test tried to reach something other than loopback."""


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that connects to, or looks up, anything but loopback."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise NetworkBlocked(f"test tried to connect to {address!r}")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            raise NetworkBlocked(f"test tried to look up {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield


@pytest.fixture
def seed_text() -> str:
    """The user's seed article."""
    return SEED.read_text(encoding="utf-8")
