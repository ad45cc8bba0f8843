"""Resolvers for the hardening tests: no cache, short timeout, names answered from a table."""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from typing import Any

from embedres.resolve.resolver import Resolver


def make_resolver(dns: Callable[[str, int], Sequence[str]] | None = None, **kw: Any) -> Resolver:
    """A Resolver without a cache (unless given), short timeout, and ``dns`` as name lookup."""
    kw.setdefault("cache", None)
    kw.setdefault("timeout", 5.0)
    if dns is not None:
        kw["name_resolver"] = dns
    return Resolver(**kw)


def fake_dns(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A name lookup answering from ``table``; other names fail like NXDOMAIN."""

    def lookup(host: str, port: int) -> list[str]:
        lookup.calls.append(host)  # type: ignore[attr-defined]
        try:
            return list(table[host.rstrip(".").lower()])
        except KeyError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None

    lookup.calls = []  # type: ignore[attr-defined]
    return lookup
