"""The network options every command that resolves links speaks (``resolve`` and ``cite``),
and the hint that names the option allowing a blocked host."""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import urlsplit

__all__ = ["add_network_options", "blocked_hint", "resolver_options"]

_LOCAL_WORDS = ("private", "loopback", "local", "reserved", "internal", "not public", "port ")


def add_network_options(p: argparse.ArgumentParser) -> None:
    """Add ``--cache/--no-cache``, ``--allow-private``, ``--allow-host``, ``--user-agent``,
    ``--timeout`` and ``--shortener`` to a subcommand's parser."""
    cache = p.add_mutually_exclusive_group()
    cache.add_argument(
        "--cache",
        metavar="PATH|DSN",
        help="SQLite cache file (default: per user) or postgresql://...",
    )
    cache.add_argument("--no-cache", action="store_true", help="do not read or write a cache")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="also contact private and loopback addresses (trusted input only)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="allow this host whatever its address (repeatable)",
    )
    p.add_argument("--user-agent", metavar="UA", help="User-Agent header to send")
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="total seconds per link (default 30)",
    )
    p.add_argument(
        "--shortener",
        action="append",
        default=[],
        metavar="HOST",
        help="also resolve links on HOST as short links, e.g. a branded domain (repeatable)",
    )


def resolver_options(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`~embedres.Resolver` keyword arguments the options ask for."""
    return {
        "cache": None if args.no_cache else (args.cache or "default"),
        "offline": args.offline,
        "allow_private": args.allow_private,
        "allow_hosts": tuple(args.allow_host),
        "user_agent": args.user_agent,
        "timeout": args.timeout,
    }


def blocked_hint(url: str, status: str, error: str | None) -> str | None:
    """For a link the address policy blocked (internal address, port), the option allowing it.

    >>> blocked_hint("http://127.0.0.1:8080/x", "blocked", "loopback address 127.0.0.1")[-63:]
    '--allow-host 127.0.0.1:8080 (or --allow-private) would allow it'
    >>> blocked_hint("https://t.co/x", "ok", None) is None
    True
    """
    if status != "blocked" or not error or not any(w in error.lower() for w in _LOCAL_WORDS):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    if not host:
        return None
    shown = f"[{host}]" if ":" in host else host
    target = f"{shown}:{port}" if port else shown
    return f"{url} was blocked ({error}); --allow-host {target} (or --allow-private) would allow it"
