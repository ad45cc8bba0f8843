"""A machine with no network reports links as ``offline`` (never cached), not as dead or errors."""

from __future__ import annotations

import errno
import socket
from collections.abc import Sequence
from pathlib import Path

import pytest

from embedres import Resolver
from embedres.net.cache import SQLiteCache


def _no_name_service(host: str, port: int) -> Sequence[str]:
    raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")


def _no_such_host(host: str, port: int) -> Sequence[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_no_name_service_is_offline_and_not_cached(tmp_path: Path) -> None:
    cache = SQLiteCache(tmp_path / "c.sqlite")
    with Resolver(cache=cache, name_resolver=_no_name_service) as r:
        res = r.resolve("https://t.co/CJ9ySZge7P")
        assert res.status == "offline"
        assert "no name service" in (res.error or "")
    with Resolver(cache=cache, offline=True) as r:
        again = r.resolve("https://t.co/CJ9ySZge7P")
    assert again.status == "offline" and not again.from_cache


def test_unknown_host_is_an_error_not_offline() -> None:
    with Resolver(cache=None, name_resolver=_no_such_host) as r:
        res = r.resolve("https://no-such-host.example/")
    assert res.status == "error"
    assert "cannot resolve" in (res.error or "")


def test_unreachable_network_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connecting fails with ENETUNREACH (no route out): the link is offline."""
    from urllib3.util import connection

    def unreachable(*args: object, **kwargs: object) -> socket.socket:
        raise OSError(errno.ENETUNREACH, "Network is unreachable")

    monkeypatch.setattr(connection, "create_connection", unreachable)
    with Resolver(cache=None, name_resolver=lambda h, p: ["93.184.216.34"]) as r:
        res = r.resolve("http://example.com/")
    assert res.status == "offline", res
