"""Test-wide guards: no traffic leaves loopback, and nothing is written in the user's home."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._netguard.sitecustomize import is_loopback
from tests.support.paths import NETGUARD, SEED

# Every Python subprocess a test starts loads tests/_netguard/sitecustomize.py, which makes
# anything but loopback unreachable there too (a CLI run in a subprocess never leaves the machine).
os.environ["EMBEDRES_NETGUARD"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(NETGUARD), os.environ.get("PYTHONPATH", "")) if p
)

# Where a user's files live: the default cache (platformdirs: $XDG_CACHE_HOME, else ~/.cache),
# configuration (~/.config, ia.ini) and data. Tests point all of them at a temporary home.
HOME_VARS = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")


@pytest.fixture(scope="session")
def fake_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary home directory shared by the session (the user's own is never used)."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="session", autouse=True)
def _temporary_home(fake_home: Path) -> Iterator[None]:
    """Point $HOME and the XDG folders at ``fake_home``, for this process and its subprocesses.

    ``embedres.resolve.default_cache_path()`` follows them, so no test leaves
    ``~/.cache/embedres/resolve.sqlite`` behind; tests may still override them with monkeypatch.
    """
    saved = {name: os.environ.get(name) for name in HOME_VARS}
    os.environ["HOME"] = str(fake_home)
    for name, sub in zip(
        HOME_VARS[1:], (".cache", ".config", ".local/share", ".local/state"), strict=True
    ):
        os.environ[name] = str(fake_home / sub)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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
