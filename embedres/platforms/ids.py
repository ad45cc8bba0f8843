"""Decode the creation time hidden in social-post ids (pure, integer arithmetic).

The decoders live in their platform modules (``Platform.post_time``); this module re-exports
them and dispatches by platform name.

Every function returns a timezone-aware UTC ``datetime``, or ``None`` when the id is
well formed but carries no usable time (a pre-snowflake tweet, a legacy sequential
Mastodon id, a private Instagram shortcode, a Bluesky rkey that is not a TID). Input
that is not an id of that platform at all (wrong type, letters in a numeric id, a
negative number, more than 64 bits) raises :class:`~embedres.errors.InvalidArgument`.
:func:`post_time` is the forgiving dispatcher: it never raises and returns ``None``.

Formulas (see docs/posts.md for sources):

========== ===================================================== ===========
platform   formula                                               precision
========== ===================================================== ===========
twitter    ``(id >> 22) + 1288834974657`` ms, id >= 29700859247   ms
bluesky    base32-sortable TID, ``n >> 10`` µs                    µs
mastodon   ``id >> 16`` ms                                        ms
instagram  shortcode as base64 ``n``, ``(n >> 23) + 1314220021721`` ms
threads    same as instagram                                      ms
tiktok     ``id >> 32`` s                                         s
linkedin   ``id >> 22`` ms                                        ms
========== ===================================================== ===========
"""

from __future__ import annotations

from datetime import datetime

from embedres.errors import InvalidArgument
from embedres.platforms.bluesky import tid_time
from embedres.platforms.instagram import shortcode_time
from embedres.platforms.linkedin import linkedin_time
from embedres.platforms.mastodon import mastodon_time
from embedres.platforms.registry import PLATFORMS
from embedres.platforms.tiktok import tiktok_time
from embedres.platforms.twitter import snowflake_time

__all__ = [
    "linkedin_time",
    "mastodon_time",
    "post_time",
    "shortcode_time",
    "snowflake_time",
    "tid_time",
    "tiktok_time",
]

_BY_PLATFORM = {p.name: p.post_time for p in PLATFORMS if p.post_time is not None}


def post_time(platform: str, post_id: str | None) -> datetime | None:
    """Return the time in a post id of any platform, or None when it has none.

    Never raises: unknown platforms (Facebook, Reddit, YouTube, Telegram carry no
    time in their ids) and malformed ids give None.

    Args:
        platform: ``twitter``, ``bluesky``, ``mastodon``, ``instagram``, ``threads``,
            ``tiktok``, ``linkedin`` (others give None).
        post_id: the id as :class:`~embedres.model.Post` spells it.

    Returns:
        A UTC ``datetime`` or None.

    >>> post_time("twitter", "1728688401639940130").isoformat(timespec="seconds")
    '2023-11-26T08:13:27+00:00'
    >>> post_time("youtube", "dQw4w9WgXcQ") is None
    True
    """
    decode = _BY_PLATFORM.get(platform)
    if decode is None or not post_id:
        return None
    try:
        return decode(post_id)
    except InvalidArgument:
        return None
