"""Wayback and Memento answers, read into plain values (pure: no I/O here).

Covers the CDX server (Internet Archive JSON rows with a header row, pywb's one-object-per-line
JSON, and space-separated text), the availability API, RFC 7089 ``Link`` headers and
link-format TimeMaps, and 14-digit Wayback timestamps. Shapes follow
``resolve_archive.md`` section 4c.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

from embedres._jsonable import load_json
from embedres.net.links import iter_links
from embedres.net.links import parse_link_header as parse_links

__all__ = [
    "Capture",
    "archive_link",
    "closest_memento",
    "iter_cdx",
    "iter_links",
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


def _real_timestamp(ts: str) -> bool:
    """True for a 1-14 digit timestamp that names a real date (``20159999999999`` does not)."""
    try:
        parse_timestamp(ts)
    except ValueError:
        return False
    return True


_LINK_SAFE = "/:?#@!$&'()*+,;=%~-._"  # export.styles.safe_url's set: outputs pass it unchanged
_AUTHORITY = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]{1,5})?")


def archive_link(uri: str, base: str | None = None) -> str | None:
    """``uri`` as a link fit to leave the library (an archive URL), or None.

    Relative URIs are resolved against ``base``. The result is http(s), has a plain host (no
    credentials, no IPv6 literal), and other characters outside the URL-safe set are
    percent-encoded, so ``export.styles.safe_url`` passes it unchanged.

    >>> archive_link("javascript:alert(1)") is None, archive_link("/web/1/x", "http://a.example/t")
    (True, 'http://a.example/web/1/x')
    >>> archive_link("https://a.example/p q")
    'https://a.example/p%20q'
    """
    try:
        absolute = urljoin(base, uri.strip()) if base else uri.strip()
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not _AUTHORITY.fullmatch(parts.netloc):
        return None
    try:
        return quote(absolute, safe=_LINK_SAFE)
    except UnicodeEncodeError:  # a lone surrogate
        return None


def _row_to_capture(row: dict[str, str]) -> Capture | None:
    row = {_ALIASES.get(k, k): v for k, v in row.items()}
    ts, original = row.get("timestamp", ""), row.get("original", "")
    if not _real_timestamp(ts) or not original:
        return None  # malformed lines (and impossible dates) are skipped, as EDGI's client does
    status = row.get("statuscode", "-")
    return Capture(
        timestamp=ts,
        original=original,
        statuscode=int(status) if status.isdigit() and len(status) == 3 else None,
        mimetype=row.get("mimetype") or None,
        digest=row.get("digest") if row.get("digest") not in (None, "", "-") else None,
    )


def parse_cdx(body: bytes | str) -> list[Capture]:
    """Captures from a CDX answer in any of the three common shapes (see :func:`iter_cdx`).

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
    return list(iter_cdx(body))


def iter_cdx(body: bytes | str) -> Iterator[Capture]:
    """Captures from a CDX answer, decoded one row at a time (stop early: read no more).

    Args:
        body: IA JSON (a list of rows, the first being field names), pywb JSON (one object
            per line) or text (space-separated fields in the IA's default order).

    Yields:
        The captures in answer order; malformed rows and impossible dates are skipped.

    Raises:
        ValueError: the body says the site is blocked or excluded, or cannot be read (raised
            when the unreadable part is reached).
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if any(marker in text for marker in _BLOCKED):
        raise ValueError("the archive blocks or excludes this site")
    start = len(text) - len(text.lstrip())
    if start == len(text):
        return
    if text[start] == "[":
        yield from _json_rows(text, start + 1)
        return
    for line in _lines(text, start):
        line = line.strip()
        if not line:
            return  # a blank line precedes the resume key in text output
        if line.startswith("{"):
            try:
                obj = load_json(line)
            except ValueError:  # deep nesting too
                continue
            row = {str(k): str(v) for k, v in obj.items()} if isinstance(obj, dict) else {}
        else:
            row = dict(zip(_DEFAULT_FIELDS, line.split(), strict=False))
        capture = _row_to_capture(row)
        if capture is not None:
            yield capture


def _lines(text: str, start: int) -> Iterator[str]:
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end + 1


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\r\n]*")


def _json_rows(text: str, pos: int) -> Iterator[Capture]:
    """The rows of an IA JSON answer, decoded one at a time from ``text[pos:]``."""
    header: list[str] | None = None
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("]", pos):
            return
        try:
            row, pos = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError):  # deep nesting too
            raise ValueError("unreadable CDX JSON") from None
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            raise ValueError("unreadable CDX JSON")
        if not isinstance(row, list) or not row:
            continue  # the resume-key tail
        if header is None:
            header = [str(h) for h in row]
            continue
        capture = _row_to_capture(dict(zip(header, map(str, row), strict=False)))
        if capture is not None:
            yield capture


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
        data = load_json(body)
    except ValueError:  # deep nesting too
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
    if not _real_timestamp(ts) or marker not in replay:
        raise ValueError("availability answer without a usable closest capture")
    status = str(closest.get("status", ""))
    return Capture(
        timestamp=ts,
        original=replay.split(marker, 1)[1],
        statuscode=int(status) if status.isdigit() and len(status) == 3 else None,
    )


def closest_memento(
    entries: Iterable[tuple[str, dict[str, str]]], near: datetime, *, base: str | None = None
) -> tuple[str, datetime] | None:
    """The memento nearest ``near`` (ties go to the earlier one), or None when none is listed.

    Entries are read one at a time (pass :func:`iter_links` for bounded memory). A memento
    URI that :func:`archive_link` refuses (not http(s), ``javascript:``...) or a datetime
    that does not parse is skipped; relative URIs are resolved against ``base``.

    >>> e = [("/m1", {"rel": "first memento", "datetime": "Tue, 17 Nov 2015 03:35:24 GMT"}),
    ...      ("/m2", {"rel": "memento", "datetime": "Wed, 18 Nov 2015 00:00:00 GMT"})]
    >>> near = datetime(2015, 11, 17, 5, tzinfo=timezone.utc)
    >>> closest_memento(e, near, base="https://a.example/timemap")[0]
    'https://a.example/m1'
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
        try:
            when = when.astimezone(timezone.utc)
        except OverflowError:  # year 1 or 9999 shifted out of range by its offset
            continue
        key = (abs((when - near).total_seconds()), when)
        if best is None or key < best[:2]:
            link = archive_link(uri, base)  # checked only for a would-be winner: cheap
            if link is not None:
                best = (*key, link)
    return None if best is None else (best[2], best[1])
