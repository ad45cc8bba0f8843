"""The network options of a batch that workers rebuild: pinned host names, private addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from embedres.errors import InvalidArgument

__all__ = ["StaticNames", "check_host_map", "network_kwargs"]


class StaticNames:
    """A picklable name resolver that pins some host names to addresses (like curl's
    ``--resolve``); other names go to the system resolver.

    >>> StaticNames((("bit.ly", "127.0.0.1"),))("BIT.LY", 80)
    ['127.0.0.1']
    """

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self.pairs = tuple(pairs)
        self._map = {host.lower(): ip for host, ip in self.pairs}

    def __call__(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` (pinned, else looked up)."""
        ip = self._map.get(host.lower().rstrip("."))
        if ip is not None:
            return [ip]
        from embedres.net.httpio import system_resolver

        return list(system_resolver(host, port))


def check_host_map(pairs: object) -> tuple[tuple[str, str], ...]:
    """Check ``(host, ip)`` pairs.

    Raises:
        InvalidArgument: not a sequence of (host name, IP address) pairs.
    """
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, (tuple, list)):
        raise InvalidArgument("host_map must be a sequence of (host, ip) pairs")
    out = []
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise InvalidArgument(f"host_map entries are (host, ip) pairs, not {pair!r}")
        host, ip = pair
        if not isinstance(host, str) or not host or not isinstance(ip, str):
            raise InvalidArgument(f"host_map entries are (host, ip) strings, not {pair!r}")
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise InvalidArgument(f"host_map: {ip!r} is not an IP address") from None
        out.append((host, ip))
    return tuple(out)


def network_kwargs(options: Any) -> dict[str, Any]:
    """The Resolver keyword arguments of a :class:`BatchOptions`' network fields."""
    kwargs: dict[str, Any] = {}
    if options.allow_private:
        kwargs["allow_private"] = True
    if options.per_host_interval:
        kwargs["per_host_interval"] = options.per_host_interval
    if options.host_map:
        kwargs["name_resolver"] = StaticNames(options.host_map)
    return kwargs
