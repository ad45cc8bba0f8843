"""The address policy: which URLs, hosts, addresses and ports embedres may contact.

Everything here is pure (no DNS, no sockets), so it can be tested exhaustively. The HTTP
layer (:mod:`embedres.net.client`) asks two questions of an :class:`AddressPolicy`:

* :meth:`AddressPolicy.url_refusal` before anything else: is the scheme http/https, is the
  host spelled sanely (no credentials, no non-canonical numeric IPv4 such as ``2130706433``,
  ``0x7f000001``, ``0177.0.0.1`` or ``127.1``), is it a ``localhost`` name, is the port allowed,
  and, for an IP literal, is the address allowed?
* :meth:`AddressPolicy.address_refusal` at connect time, for every address the host name
  resolved to: only the addresses that pass are ever connected to.

Both return ``None`` when the answer is "allowed", else a short readable reason.

Classification does not trust ``ipaddress``'s ``is_*`` flags alone: CPython 3.11.7 reports
``::7f00:1``, ``fec0::1`` and ``64:ff9b::7f00:1`` as global (CVE-2024-4032 and gh-117566),
so an explicit table of IANA special-purpose ranges is checked first, and IPv4 embedded in
IPv6 (IPv4-mapped) is unwrapped before classifying.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from embedres.errors import InvalidArgument

__all__ = ["DEFAULT_PORTS", "AddressPolicy", "classify_address", "parse_ip_literal"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = frozenset({80, 443})
_SCHEMES = {"http": 80, "https": 443}

# (network, category, lifted by allow_private?) from the IANA IPv4/IPv6 special-purpose
# address registries (RFC 6890 and successors). Order matters: the first match names the range.
_TABLE: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str, bool], ...] = tuple(
    (ipaddress.ip_network(net), name, private)
    for net, name, private in (
        ("0.0.0.0/8", "unspecified", False),
        ("10.0.0.0/8", "private", True),
        ("100.64.0.0/10", "shared address space (CGNAT)", True),
        ("127.0.0.0/8", "loopback", True),
        ("169.254.0.0/16", "link-local", True),
        ("172.16.0.0/12", "private", True),
        ("192.0.0.0/24", "IETF protocol assignment", False),
        ("192.0.2.0/24", "documentation", False),
        ("192.88.99.0/24", "6to4 relay", False),
        ("192.168.0.0/16", "private", True),
        ("198.18.0.0/15", "benchmarking", True),
        ("198.51.100.0/24", "documentation", False),
        ("203.0.113.0/24", "documentation", False),
        ("224.0.0.0/4", "multicast", False),
        ("255.255.255.255/32", "broadcast", False),
        ("240.0.0.0/4", "reserved", False),
        ("::/128", "unspecified", False),
        ("::1/128", "loopback", True),
        ("::/96", "IPv4-compatible", False),
        ("64:ff9b::/96", "NAT64", False),
        ("64:ff9b:1::/48", "NAT64", False),
        ("100::/64", "discard-only", False),
        ("2001::/32", "Teredo", False),
        ("2001:db8::/32", "documentation", False),
        ("2001::/23", "IETF protocol assignment", False),
        ("2002::/16", "6to4", False),
        ("3fff::/20", "documentation", False),
        ("5f00::/16", "segment routing", False),
        ("fc00::/7", "unique local", True),
        ("fe80::/10", "link-local", True),
        ("fec0::/10", "site-local", True),
        ("ff00::/8", "multicast", False),
        ("::/8", "reserved", False),
    )
)

# inet_aton() accepts 1-4 parts, each decimal, octal (leading 0) or hex (0x): the spellings
# getaddrinfo() would quietly turn into an address.
_NUMERIC_PART = r"(?:0[xX][0-9a-fA-F]*|[0-9]+)"
_NUMERIC_HOST = re.compile(rf"{_NUMERIC_PART}(?:\.{_NUMERIC_PART}){{0,3}}\.?")
_LOCAL_NAMES = re.compile(r"(?:^|\.)(?:localhost|localdomain|ip6-localhost|ip6-loopback)$")


def parse_ip_literal(host: str) -> tuple[IPAddress | None, bool]:
    """Read a host as an IP address, the way a C resolver would.

    Args:
        host: a URL host, lower case, without brackets.

    Returns:
        ``(address, canonical)``: the address (None when ``host`` is a name) and whether it was
        written in canonical form (dotted decimal IPv4 with four parts, or IPv6).

    >>> parse_ip_literal("2130706433")
    (IPv4Address('127.0.0.1'), False)
    >>> parse_ip_literal("0x7f.1")
    (IPv4Address('127.0.0.1'), False)
    >>> parse_ip_literal("93.184.216.34")
    (IPv4Address('93.184.216.34'), True)
    >>> parse_ip_literal("example.com")
    (None, True)
    """
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]), "%" not in host
    except ValueError:
        pass
    if not _NUMERIC_HOST.fullmatch(host):
        return None, True
    parts = host.rstrip(".").split(".")
    try:
        nums = [
            int(p, 16) if p[:2] in ("0x", "0X") else int(p, 8 if p[:1] == "0" else 10)
            for p in parts
        ]
    except ValueError:  # "0x" alone, or 08/09 written as octal
        return ipaddress.IPv4Address(0), False
    limits = [256] * (len(nums) - 1) + [256 ** (5 - len(nums))]
    if any(n >= lim for n, lim in zip(nums, limits, strict=True)):
        return ipaddress.IPv4Address(0), False
    value = 0
    for n in nums[:-1]:
        value = value * 256 + n
    value = value * 256 ** (5 - len(nums)) + nums[-1]
    return ipaddress.IPv4Address(value), False


def classify_address(ip: IPAddress) -> tuple[str, bool] | None:
    """Name the special-purpose range ``ip`` belongs to.

    Args:
        ip: an address; IPv4-mapped IPv6 (``::ffff:a.b.c.d``) is classified as its IPv4.

    Returns:
        ``(category, private)`` where ``private`` says whether ``allow_private`` lifts the
        refusal, or None for an ordinary global unicast address.

    >>> classify_address(ipaddress.ip_address("::ffff:127.0.0.1"))
    ('loopback', True)
    >>> classify_address(ipaddress.ip_address("100.64.1.1"))
    ('shared address space (CGNAT)', True)
    >>> classify_address(ipaddress.ip_address("8.8.8.8")) is None
    True
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for net, name, private in _TABLE:
        if ip.version == net.version and ip in net:
            return name, private
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "non-global", True
    return None


def _host_entry(entry: str) -> tuple[str, int | None]:
    """Split an ``allow_hosts`` entry into (host, port or None)."""
    if not isinstance(entry, str) or not entry.strip():
        raise InvalidArgument(f"allow_hosts entries must be non-empty strings, not {entry!r}")
    try:
        parts = urlsplit("//" + entry.strip())
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise InvalidArgument(f"bad allow_hosts entry {entry!r}: {exc}") from None
    if not host or parts.path or parts.query or parts.username is not None:
        raise InvalidArgument(f"bad allow_hosts entry {entry!r}: use HOST or HOST:PORT")
    return host.rstrip(".").lower(), port


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """What may be contacted: an immutable value; :meth:`replace` returns a changed copy.

    Args:
        allow_private: also allow loopback, private, link-local, CGNAT, unique-local and other
            non-global unicast addresses, on any port (never unspecified, multicast, broadcast,
            documentation or IPv6-transition ranges).
        allow_hosts: ``HOST`` (any port) or ``HOST:PORT`` entries allowed whatever their
            address; ``HOST`` may be a name or an IP (``[::1]:8080`` for IPv6).
        allow_ports: ports allowed for ordinary public hosts.

    Raises:
        InvalidArgument: an entry or port is malformed.

    >>> p = AddressPolicy(allow_hosts=("127.0.0.1:8080",))
    >>> p.url_refusal("http://127.0.0.1:8080/") is None
    True
    >>> p.url_refusal("http://127.0.0.1:8081/")
    'loopback address 127.0.0.1'
    """

    allow_private: bool = False
    allow_hosts: tuple[str, ...] = ()
    allow_ports: frozenset[int] = DEFAULT_PORTS
    _hosts: frozenset[tuple[str, int | None]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.allow_private, bool):
            raise InvalidArgument("allow_private must be True or False")
        if isinstance(self.allow_hosts, str):  # type: ignore[unreachable]
            raise InvalidArgument("allow_hosts must be a sequence of strings, not a string")
        hosts = frozenset(_host_entry(e) for e in self.allow_hosts)
        ports = frozenset(self.allow_ports)
        if any(isinstance(p, bool) or not isinstance(p, int) or not 0 < p < 65536 for p in ports):
            raise InvalidArgument(f"allow_ports must be ports 1-65535, not {sorted(ports)!r}")
        object.__setattr__(self, "allow_hosts", tuple(self.allow_hosts))
        object.__setattr__(self, "allow_ports", ports)
        object.__setattr__(self, "_hosts", hosts)

    def replace(
        self,
        *,
        allow_private: bool | None = None,
        allow_hosts: Iterable[str] | None = None,
        allow_ports: Iterable[int] | None = None,
    ) -> AddressPolicy:
        """Return a copy with the given options changed."""
        return AddressPolicy(
            allow_private=self.allow_private if allow_private is None else allow_private,
            allow_hosts=self.allow_hosts if allow_hosts is None else tuple(allow_hosts),
            allow_ports=self.allow_ports if allow_ports is None else frozenset(allow_ports),
        )

    @property
    def fingerprint(self) -> str:
        """A short stable id of this policy (cache entries are never shared across policies)."""
        if not self.allow_private and not self._hosts and self.allow_ports == DEFAULT_PORTS:
            return "strict"
        text = repr((self.allow_private, sorted(map(str, self._hosts)), sorted(self.allow_ports)))
        return "p" + hashlib.sha256(text.encode()).hexdigest()[:12]

    def host_allowed(self, host: str, port: int) -> bool:
        """Whether ``host:port`` is listed in ``allow_hosts`` (host lower case, no brackets)."""
        host = host.rstrip(".").lower()
        return (host, port) in self._hosts or (host, None) in self._hosts

    def url_refusal(self, url: str) -> str | None:
        """Check everything about a URL that needs no DNS.

        Args:
            url: an absolute URL.

        Returns:
            None when the URL may be fetched (its addresses still need checking), else why not.

        >>> AddressPolicy().url_refusal("http://2130706433/")
        'non-canonical IP address spelling 2130706433 (127.0.0.1)'
        >>> AddressPolicy().url_refusal("gopher://example.com/")
        "scheme 'gopher' is not allowed"
        """
        if not isinstance(url, str):
            return "URL is not a string"  # type: ignore[unreachable]
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            return f"malformed URL ({exc})"
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES:
            return f"scheme {scheme!r} is not allowed" if scheme else "URL has no scheme"
        if parts.username is not None or parts.password is not None:
            return "credentials in URL are not allowed"
        host = (parts.hostname or "").rstrip(".")
        if not host:
            return "URL has no host"
        if "\\" in parts.netloc or any(c.isspace() or ord(c) < 33 for c in parts.netloc):
            return "malformed host"
        if not host.isascii():
            return "host is not ASCII (IDNA-encode it first)"
        if len(host) > 253 or any(len(label) > 63 for label in host.split(".")):
            return "host name too long"
        port = port if port is not None else _SCHEMES[scheme]
        listed = self.host_allowed(host, port)
        ip, canonical = parse_ip_literal(host)
        if ip is not None and not canonical:
            return f"non-canonical IP address spelling {host} ({ip})"
        if listed:
            return None
        if _LOCAL_NAMES.search(host):
            return f"local host name {host}"
        if ip is not None:
            return self.address_refusal(host, port, str(ip))
        if port not in self.allow_ports and not self._port_decided_by_address:
            return f"port {port} is not allowed"
        return None

    @property
    def _port_decided_by_address(self) -> bool:
        """Whether an unusual port on a name may still be allowed once its address is known."""
        return self.allow_private or any(parse_ip_literal(h)[0] for h, _ in self._hosts)

    def address_refusal(self, host: str, port: int, address: str) -> str | None:
        """Check one address a host resolved to, just before connecting to it.

        Args:
            host: the host name or literal from the URL.
            port: the port that will be connected to.
            address: the resolved IP address, as text.

        Returns:
            None when connecting is allowed, else why not.

        >>> AddressPolicy().address_refusal("evil.example", 80, "169.254.169.254")
        'link-local address 169.254.169.254'
        >>> AddressPolicy(allow_private=True).address_refusal("intra.example", 8080, "10.1.2.3")
        """
        if self.host_allowed(host, port) or self.host_allowed(address, port):
            return None
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"not an IP address: {address!r}"
        found = classify_address(ip)
        if found is None:
            return None if port in self.allow_ports else f"port {port} is not allowed"
        name, private = found
        if private and self.allow_private:
            return None
        return f"{name} address {address}"
