"""Wayback and Memento answers, read into plain values (pure: no I/O here).

Covers the CDX server (Internet Archive JSON rows with a header row, pywb's one-object-per-line
JSON, and space-separated text), the availability API, RFC 7089 ``Link`` headers and
link-format TimeMaps, and 14-digit Wayback timestamps. Shapes follow
``resolve_archive.md`` section 4c.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from embedres.net.links import parse_link_header as parse_links

__all__ = [
    "Capture",
    "closest_memento",
    "parse_availability",
    "parse_cdx",
    "parse_links",
    "parse_timestamp",
    "to_timestamp",
    "with_https",
]

# The IA's default CDX field order, used when a text answer has no header.
_DEFAULT_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
# pywb and the IA spell some fields differently; read both.
_ALIASES = {"url": "original", "status": "statuscode", "mime": "mimetype"}
_BLOCKED = ("AdministrativeAccessControlException", "RobotAccessControlException")
_TS = re.compile(r"[0-9]{1,14}")


@dataclass(frozen=True, slots=True)
class Capture:
    """One capture as an index reports it."""

    timestamp: str
    """The 14-digit Wayback timestamp (UTC)."""
    original: str
    """The URL as captured."""
    statuscode: int | None = None
    """The archived HTTP status (None when the index says ``-``)."""
    mimetype: str | None = None
    """The archived media type."""
    digest: str | None = None
    """The payload digest as the index spells it (base32 SHA-1 for the IA)."""


def to_timestamp(when: date | datetime) -> str:
    """The 14-digit Wayback timestamp for a date or datetime (naive datetimes are UTC).

    >>> to_timestamp(date(2015, 11, 17))
    '20151117000000'
    >>> to_timestamp(datetime(2015, 11, 17, 4, 35, 24, tzinfo=timezone.utc))
    '20151117043524'
    """
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day, tzinfo=timezone.utc)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S")


def parse_timestamp(ts: str) -> datetime:
    """A UTC datetime from a 1-14 digit Wayback timestamp (missing parts are the earliest).

    Raises:
        ValueError: not 1-14 digits, or not a real date.

    >>> parse_timestamp("20151117033524").isoformat()
    '2015-11-17T03:35:24+00:00'
    >>> parse_timestamp("2015").isoformat()
    '2015-01-01T00:00:00+00:00'
    """
    if not _TS.fullmatch(ts):
        raise ValueError(f"not a Wayback timestamp: {ts[:40]!r}")
    full = ts + "00000101000000"[len(ts) :]
    return datetime.strptime(full, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def with_https(url: str) -> str:
    """Rewrite the Internet Archive's ``http://`` replay URLs to ``https://``.

    >>> with_https("http://web.archive.org/web/2015/http://example.com/")
    'https://web.archive.org/web/2015/http://example.com/'
    >>> with_https("http://127.0.0.1:8080/coll/2015/http://example.com/")
    'http://127.0.0.1:8080/coll/2015/http://example.com/'
    """
    parts = urlsplit(url)
    if parts.scheme == "http" and (parts.hostname or "").endswith("archive.org"):
        return "https" + url[4:]
    return url


def _row_to_capture(row: dict[str, str]) -> Capture | None:
    row = {_ALIASES.get(k, k): v for k, v in row.items()}
    ts, original = row.get("timestamp", ""), row.get("original", "")
    if not _TS.fullmatch(ts or "") or not original:
        return None  # malformed lines are skipped, as EDGI's client does
    status = row.get("statuscode", "-")
    return Capture(
        timestamp=ts,
        original=original,
        statuscode=int(status) if status.isdigit() and len(status) == 3 else None,
        mimetype=row.get("mimetype") or None,
        digest=row.get("digest") if row.get("digest") not in (None, "", "-") else None,
    )


def parse_cdx(body: bytes | str) -> list[Capture]:
    """Captures from a CDX answer in any of the three common shapes.

    Args:
        body: IA JSON (a list of rows, the first being field names), pywb JSON (one object
            per line) or text (space-separated fields in the IA's default order).

    Returns:
        The captures in answer order (empty for ``[]`` or an empty body).

    Raises:
        ValueError: the body says the site is blocked or excluded, or cannot be read.

    >>> rows = b'[["timestamp","original","statuscode"],["20151117033524","http://example.com/","200"]]'
    >>> parse_cdx(rows)[0].timestamp, parse_cdx(rows)[0].statuscode
    ('20151117033524', 200)
    >>> pywb = b'{"timestamp": "2015", "url": "http://a.example/", "status": "301"}\\n'
    >>> parse_cdx(pywb)[0].statuscode
    301
    >>> line = b"com,example)/ 20151117033524 http://example.com/ text/html 200 UDSH 1270\\n"
    >>> parse_cdx(line)[0].digest
    'UDSH'
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if any(marker in text for marker in _BLOCKED):
        raise ValueError("the archive blocks or excludes this site")
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except (ValueError, RecursionError):  # deep nesting too
            raise ValueError("unreadable CDX JSON") from None
        if not isinstance(rows, list):
            raise ValueError("unreadable CDX JSON")
        rows = [r for r in rows if isinstance(r, list) and r]  # drops the resume-key tail
        if not rows:
            return []
        header = [str(h) for h in rows[0]]
        found = (_row_to_capture(dict(zip(header, map(str, r), strict=False))) for r in rows[1:])
        return [c for c in found if c is not None]
    captures = []
    for line in stripped.splitlines():
        line = line.strip()
        if not line:
            break  # a blank line precedes the resume key in text output
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError):  # deep nesting too
                continue
            row = {str(k): str(v) for k, v in obj.items()} if isinstance(obj, dict) else {}
        else:
            row = dict(zip(_DEFAULT_FIELDS, line.split(), strict=False))
        capture = _row_to_capture(row)
        if capture is not None:
            captures.append(capture)
    return captures


def parse_availability(body: bytes | str) -> Capture | None:
    """The closest capture from an availability API answer, or None when it lists none.

    Raises:
        ValueError: the body is not the availability JSON shape.

    >>> parse_availability(b'{"archived_snapshots": {}}') is None
    True
    >>> c = parse_availability(b'{"archived_snapshots": {"closest": {"status": "200", '
    ...     b'"available": true, "timestamp": "20151117033524", '
    ...     b'"url": "http://web.archive.org/web/20151117033524/http://example.com/"}}}')
    >>> c.timestamp, c.original
    ('20151117033524', 'http://example.com/')
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # deep nesting too
        raise ValueError("unreadable availability JSON") from None
    snaps = data.get("archived_snapshots") if isinstance(data, dict) else None
    if not isinstance(snaps, dict):
        raise ValueError("availability answer without archived_snapshots")
    closest = snaps.get("closest")
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    ts, replay = str(closest.get("timestamp", "")), str(closest.get("url", ""))
    # The replay URL is /web/<timestamp>/<original>; the original is what follows it.
    marker = f"/{ts}/"
    if not _TS.fullmatch(ts) or marker not in replay:
        raise ValueError("availability answer without a usable closest capture")
    status = str(closest.get("status", ""))
    return Capture(
        timestamp=ts,
        original=replay.split(marker, 1)[1],
        statuscode=int(status) if status.isdigit() and len(status) == 3 else None,
    )


def closest_memento(
    entries: Iterable[tuple[str, dict[str, str]]], near: datetime
) -> tuple[str, datetime] | None:
    """The memento nearest ``near`` (ties go to the earlier one), or None when none is listed.

    >>> e = [("m1", {"rel": "first memento", "datetime": "Tue, 17 Nov 2015 03:35:24 GMT"}),
    ...      ("m2", {"rel": "memento", "datetime": "Wed, 18 Nov 2015 00:00:00 GMT"})]
    >>> closest_memento(e, datetime(2015, 11, 17, 5, tzinfo=timezone.utc))[0]
    'm1'
    """
    best: tuple[float, datetime, str] | None = None
    for uri, params in entries:
        if "memento" not in params.get("rel", "").split() or "datetime" not in params:
            continue
        try:
            when = parsedate_to_datetime(params["datetime"])
        except (TypeError, ValueError, IndexError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        key = (abs((when - near).total_seconds()), when, uri)
        if best is None or key[:2] < best[:2]:
            best = key
    return None if best is None else (best[2], best[1].astimezone(timezone.utc))
