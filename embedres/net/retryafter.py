"""The one ``Retry-After`` parser (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date.

Both the resolver's redirect walk and the archiver read the header through this module. It
never raises, whatever the header holds: an unreadable value is "no advice" (None), and
:func:`parse_retry_after` turns that into the archiver's cautious default.
"""

from __future__ import annotations

import email.utils
from datetime import datetime, timezone

__all__ = ["DEFAULT_RETRY_AFTER", "MAX_RETRY_AFTER", "parse_retry_after", "retry_after"]

# A 429 without Retry-After means "about a minute" at the Internet Archive (EDGI wayback's
# default, resolve_archive.md 4c): waiting less gets the client IP firewalled.
DEFAULT_RETRY_AFTER = 60.0
# Never trust a Retry-After that asks for more than a day; treat it as a day.
MAX_RETRY_AFTER = 86400.0
# Longest delta-seconds read as written; a longer digit string is read as this.
_MAX_DELTA = 10**9
_ASCII_DIGITS = frozenset("0123456789")


def retry_after(value: object, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or None when it cannot be read.

    Only ASCII digits count as delta-seconds (``"³".isdigit()`` is True in Python, and
    ``int("³")`` raises). Never raises, whatever ``value`` is.

    Args:
        value: the header value (anything; non-strings are unreadable).
        now: the current time for HTTP-date values (UTC now by default).

    Returns:
        Seconds (>= 0, at most 10**9), or None for a missing or unreadable value.

    >>> retry_after("3")
    3.0
    >>> now = datetime(2015, 10, 21, 7, 28, tzinfo=timezone.utc)
    >>> retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now)
    5.0
    >>> retry_after("soon") is None, retry_after("³") is None
    (True, True)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _ASCII_DIGITS.issuperset(text):
        # compare lengths first: int() of a huge digit string is slow (and limited in 3.11+)
        return float(_MAX_DELTA if len(text) > 10 else min(int(text), _MAX_DELTA))
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        wait = (when - (now or datetime.now(timezone.utc))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(0.0, wait), float(_MAX_DELTA))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float:
    """Seconds to wait from a ``Retry-After`` header, with the archiver's default and cap.

    Args:
        value: the header value, or None.
        now: the current time for HTTP-date values (UTC now by default).

    Returns:
        The wait in seconds, clamped to [0, one day]; 60 when the header is missing or
        unreadable.

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after(None)
    60.0
    >>> ref = datetime(2015, 11, 17, 0, 0, tzinfo=timezone.utc)
    >>> parse_retry_after("Tue, 17 Nov 2015 00:00:30 GMT", now=ref)
    30.0
    """
    wait = retry_after(value, now)
    return DEFAULT_RETRY_AFTER if wait is None else min(wait, MAX_RETRY_AFTER)
