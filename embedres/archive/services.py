"""Where the archiver looks: Wayback-compatible indexes and Memento services, and the
checks on the options that name them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from embedres.errors import InvalidArgument
from embedres.net.options import check_count, check_seconds, check_user_agent

__all__ = [
    "INTERNET_ARCHIVE",
    "MementoService",
    "WaybackService",
    "as_services",
    "check_keys",
    "check_options",
    "within",
]

_WITHIN = re.compile(r"[0-9]+|(?:[0-9]+[dhms]\s*)+")


def _http_url(url: object, what: str) -> None:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise InvalidArgument(f"{what} must be an http(s) URL, not {url!r}")


@dataclass(frozen=True, slots=True)
class WaybackService:
    """A Wayback-compatible archive: a CDX index and a replay prefix.

    The Internet Archive's CDX server counts ~60 requests/min per IP (averaged over 5 min)
    and firewalls clients that ignore its 429s, so its default ``interval`` is 2 s (30/min),
    leaving half the budget for other tools on the same IP (EDGI's client uses 2.5 s).
    """

    name: str
    """What :attr:`Snapshot.service` says for captures found here."""
    cdx_url: str
    """The CDX endpoint (``https://web.archive.org/cdx/search/cdx``; pywb: ``.../COLL/cdx``)."""
    replay_url: str
    """The replay prefix; a capture is at ``replay_url + timestamp + "/" + original``."""
    availability_url: str | None = None
    """The availability API, when the archive has one."""
    interval: float = 1.0
    """Seconds between two requests to this service."""

    def __post_init__(self) -> None:
        _http_url(self.cdx_url, "cdx_url")
        _http_url(self.replay_url, "replay_url")
        if self.availability_url is not None:
            _http_url(self.availability_url, "availability_url")
        if not isinstance(self.interval, (int, float)) or self.interval < 0:
            raise InvalidArgument(f"interval must be seconds >= 0, not {self.interval!r}")

    @classmethod
    def from_url(cls, url: str) -> WaybackService:
        """A service from one URL: a CDX endpoint, an archive root or a pywb collection.

        >>> WaybackService.from_url("http://127.0.0.1:8080/my-coll").cdx_url
        'http://127.0.0.1:8080/my-coll/cdx'
        >>> WaybackService.from_url("https://web.archive.org").replay_url
        'https://web.archive.org/web/'
        >>> WaybackService.from_url("https://archive.example/wayback/cdx/search/cdx").replay_url
        'https://archive.example/wayback/web/'
        """
        _http_url(url, "a Wayback service")
        parts = urlsplit(url)
        base = url.split("?", 1)[0].rstrip("/")
        root = f"{parts.scheme}://{parts.netloc}"
        if (parts.hostname or "").endswith("archive.org") and parts.path.strip("/") == "":
            return cls("wayback", f"{root}/cdx/search/cdx", f"{root}/web/", _IA_AVAILABILITY, 2.0)
        name = (parts.netloc + parts.path).rstrip("/")
        if base.endswith("/cdx/search/cdx"):
            return cls(name, base, base.removesuffix("cdx/search/cdx") + "web/")
        if base.endswith("/cdx"):
            return cls(name, base, base.removesuffix("cdx"))
        return cls(name, base + "/cdx", base + "/")


_IA_AVAILABILITY = "https://archive.org/wayback/available"
INTERNET_ARCHIVE = WaybackService(
    "wayback",
    "https://web.archive.org/cdx/search/cdx",
    "https://web.archive.org/web/",
    _IA_AVAILABILITY,
    2.0,
)


@dataclass(frozen=True, slots=True)
class MementoService:
    """An RFC 7089 archive: a TimeMap prefix, a TimeGate prefix, or both.

    The original URL is appended to the prefix (``https://web.archive.org/web/timemap/link/``).
    """

    name: str
    timemap_url: str | None = None
    timegate_url: str | None = None
    interval: float = 1.0

    def __post_init__(self) -> None:
        if self.timemap_url is None and self.timegate_url is None:
            raise InvalidArgument("a MementoService needs timemap_url or timegate_url")
        for value, what in ((self.timemap_url, "timemap_url"), (self.timegate_url, "timegate_url")):
            if value is not None:
                _http_url(value, what)

    @classmethod
    def from_url(cls, url: str) -> MementoService:
        """A TimeMap prefix when the URL mentions ``timemap``, else a TimeGate prefix.

        >>> MementoService.from_url("https://archive.example/timemap/link/").timemap_url
        'https://archive.example/timemap/link/'
        """
        _http_url(url, "a Memento service")
        name = urlsplit(url).netloc
        if "timemap" in urlsplit(url).path.lower():
            return cls(name, timemap_url=url)
        return cls(name, timegate_url=url)


def as_services(value: Any, kind: type, parse: Callable[[str], Any]) -> tuple[Any, ...]:
    """A tuple of ``kind`` from one service, one URL, or a sequence of either.

    Raises:
        InvalidArgument: an item is neither.
    """
    items = (value,) if isinstance(value, (str, kind)) else tuple(value or ())
    out = tuple(parse(v) if isinstance(v, str) else v for v in items)
    if not all(isinstance(v, kind) for v in out):
        raise InvalidArgument(f"expected {kind.__name__} objects or URLs, got {value!r}")
    return out


def within(value: str | float | timedelta | None) -> str | None:
    """The ``if_not_archived_within`` form value: seconds, or SPN's ``3d 5h`` text.

    Raises:
        InvalidArgument: anything else.

    >>> within(timedelta(hours=1)), within("3d 5h"), within(None)
    ('3600', '3d 5h', None)
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return str(int(value))
    if isinstance(value, str) and _WITHIN.fullmatch(value.strip()):
        return value.strip()
    raise InvalidArgument(
        f"if_not_archived_within must be seconds, a timedelta or '3d 5h': {value!r}"
    )


def check_keys(keys: object) -> tuple[str, str] | None:
    """``(access, secret)`` or None, checked.

    Raises:
        InvalidArgument: anything else.
    """
    if keys is None:
        return None
    if isinstance(keys, tuple) and len(keys) == 2 and all(isinstance(k, str) and k for k in keys):
        return keys[0], keys[1]
    raise InvalidArgument("keys must be (access, secret), 'auto' or None")


def check_options(
    *,
    seconds: Mapping[str, object],
    counts: Mapping[str, object],
    user_agent: object,
    warc_prefix: object,
    rate_limiter: object,
    save_url: object,
    save_options: object,
) -> None:
    """Reject malformed Archiver options at once.

    Raises:
        InvalidArgument: the first bad option, named.
    """
    for name, num in seconds.items():
        check_seconds(num, name)
    for name, count in counts.items():
        check_count(count, name)
    check_user_agent(user_agent)
    if not isinstance(warc_prefix, str) or not warc_prefix.replace("-", "").isalnum():
        raise InvalidArgument(f"warc_prefix must be letters, digits and '-': {warc_prefix!r}")
    _http_url(save_url, "save_url")
    if save_options is not None and not (
        isinstance(save_options, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in save_options.items())
    ):
        raise InvalidArgument("save_options must map form field names to strings")
    if rate_limiter is not None and not all(
        callable(getattr(rate_limiter, m, None)) for m in ("try_acquire", "release", "defer")
    ):
        raise InvalidArgument("rate_limiter must have try_acquire, release and defer")
