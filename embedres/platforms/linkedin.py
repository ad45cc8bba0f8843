"""LinkedIn: feed-update URNs and post URLs, iframe embeds, ids carrying ms (pure)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from embedres.detect.found import Found
from embedres.detect.markup import Document
from embedres.platforms.base import (
    ParseUrl,
    Platform,
    PostRef,
    as_int,
    found_from_ref,
    from_ms,
    src,
)

__all__ = ["PLATFORM", "linkedin_time"]

_LI_URN = re.compile(
    r"^/(?:embed/)?feed/update/urn:li:(?P<k>activity|share|ugcPost):(?P<id>\d{15,20})/?$"
)
_LI_POSTS = re.compile(r"^/posts/[^/]{0,300}-activity-(?P<id>\d{15,20})(?:-[A-Za-z0-9_-]{1,8})?/?$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _LI_URN.match(path)
    kind, num = (m["k"], m["id"]) if m else ("activity", None)
    if num is None:
        m = _LI_POSTS.match(path)
        num = m["id"] if m else None
    if num is None:
        return None
    urn = f"urn:li:{kind}:{num}"
    return PostRef("linkedin", urn, f"https://www.linkedin.com/feed/update/{urn}/")


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe" and "linkedin.com/" in src(doc, index):
        return found_from_ref("linkedin", doc, index, parse, src(doc, index))
    return None


_LINKEDIN_MIN = datetime(2003, 5, 1, tzinfo=timezone.utc)


def linkedin_time(post_id: str | int) -> datetime | None:
    """Return the UTC time in a LinkedIn activity, share or ugcPost id (or URN).

    Args:
        post_id: the number, or a URN such as ``urn:li:activity:6728971807346561024``.

    Returns:
        The time, with millisecond precision; None when it decodes to before
        LinkedIn's launch (May 2003).

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id or URN.

    >>> linkedin_time("urn:li:share:6728971807346561024").isoformat(timespec="seconds")
    '2020-11-02T10:11:37+00:00'
    """
    when = from_ms(as_int(post_id, "linkedin") >> 22)
    return when if when >= _LINKEDIN_MIN else None


PLATFORM = Platform(
    name="linkedin",
    label="LinkedIn",
    genre="Post",
    hosts=frozenset({"linkedin.com"}),
    post_time=linkedin_time,
    short_hosts=frozenset({"lnkd.in"}),
    parse=_parse,
    recognisers=(_recognise,),
)
"""LinkedIn (no oEmbed)."""
