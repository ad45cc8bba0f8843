"""Loaded by every Python subprocess a test starts (tests/conftest.py puts this folder on
PYTHONPATH): outside loopback, connections and name look-ups fail as if there were no network,
so a CLI run in a subprocess can never send traffic anywhere else."""

import ipaddress
import os
import socket

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: object) -> bool:
    """Whether ``host`` (a name, an address, or bytes) is loopback."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").split("%", 1)[0]
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if os.environ.get("EMBEDRES_NETGUARD") == "1":
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def _check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(
            address[0]  # type: ignore[index]
        ):
            raise OSError(101, f"network is unreachable (test guard): {address!r}")

    def connect(sock: socket.socket, address: object) -> None:
        _check(sock, address)
        _connect(sock, address)  # type: ignore[arg-type]

    def connect_ex(sock: socket.socket, address: object) -> int:
        _check(sock, address)
        return _connect_ex(sock, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not is_loopback(host):
            raise socket.gaierror(socket.EAI_AGAIN, "no look-ups off loopback (test guard)")
        return _getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
