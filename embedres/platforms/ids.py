"""Decode the creation time hidden in social-post ids (pure, integer arithmetic).

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

from datetime import datetime, timedelta, timezone

from embedres.errors import InvalidArgument

__all__ = [
    "linkedin_time",
    "mastodon_time",
    "post_time",
    "shortcode_time",
    "snowflake_time",
    "tid_time",
    "tiktok_time",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_TWITTER_EPOCH_MS = 1288834974657
# Last id before Snowflake (4 Nov 2010), after TweetedAt's PRE_SNOWFLAKE_END_TID.
_FIRST_SNOWFLAKE = 29700859248
_INSTAGRAM_EPOCH_MS = 1314220021721
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TID_INDEX = {c: i for i, c in enumerate(_TID_ALPHABET)}
_B64_INDEX = {c: i for i, c in enumerate(_B64_ALPHABET)}
# Mastodon snowflakes appeared in v2.0 (Oct 2017); earlier (and remote-legacy) ids are
# small counters whose ``>> 16`` lands in 1970. Mastodon itself started in 2016.
_MASTODON_MIN = datetime(2016, 3, 1, tzinfo=timezone.utc)
_TIKTOK_MIN = datetime(2014, 1, 1, tzinfo=timezone.utc)
_LINKEDIN_MIN = datetime(2003, 5, 1, tzinfo=timezone.utc)


def _as_int(post_id: object, platform: str) -> int:
    if isinstance(post_id, bool) or not isinstance(post_id, (int, str)):
        raise InvalidArgument(f"{platform} id must be a str or int, not {type(post_id).__name__}")
    if isinstance(post_id, str):
        text = post_id.strip()
        if platform == "linkedin" and text.startswith("urn:li:"):
            text = text.rsplit(":", 1)[-1]
        if not text.isascii() or not text.isdigit() or len(text) > 20:
            raise InvalidArgument(f"not a {platform} id: {post_id!r}")
        value = int(text)
    else:
        value = post_id
    if not 0 <= value < 1 << 64:
        raise InvalidArgument(f"{platform} id out of range: {post_id!r}")
    return value


def _ms(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def snowflake_time(post_id: str | int) -> datetime | None:
    """Return the UTC time a tweet was posted, from its status id.

    Args:
        post_id: the status id, as digits or an int.

    Returns:
        The time, with millisecond precision; None for pre-snowflake ids (before
        4 Nov 2010), which carry no time.

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id.

    >>> snowflake_time("667646910161883136").isoformat()
    '2015-11-20T10:13:22.319000+00:00'
    >>> snowflake_time(20) is None
    True
    """
    value = _as_int(post_id, "twitter")
    if value < _FIRST_SNOWFLAKE:
        return None
    return _ms((value >> 22) + _TWITTER_EPOCH_MS)


def tid_time(rkey: str) -> datetime | None:
    """Return the UTC time encoded in a Bluesky record key (a TID).

    Args:
        rkey: the record key from an AT URI or a bsky.app post URL.

    Returns:
        The time, with microsecond precision; None when the key is not a TID (13
        base32-sortable characters with the top bit clear).

    Raises:
        InvalidArgument: ``rkey`` is not a ``str``.

    >>> tid_time("3lbruqxjnjn2n").isoformat(timespec="seconds")
    '2024-11-25T15:49:34+00:00'
    >>> tid_time("self") is None
    True
    """
    if not isinstance(rkey, str):
        raise InvalidArgument(f"a TID is a str, not {type(rkey).__name__}")
    if len(rkey) != 13 or rkey[0] not in _TID_ALPHABET[:16]:
        return None
    n = 0
    for char in rkey:
        digit = _TID_INDEX.get(char)
        if digit is None:
            return None
        n = n * 32 + digit
    return _EPOCH + timedelta(microseconds=n >> 10)


def mastodon_time(post_id: str | int) -> datetime | None:
    """Return the UTC time in a Mastodon status id (ids are per instance).

    Args:
        post_id: the status id, as digits or an int.

    Returns:
        The time, with millisecond precision; None for legacy sequential ids (before
        Mastodon 2.0) whose decoded time falls before March 2016.

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id.

    >>> mastodon_time("114638610368343397").date()
    datetime.date(2025, 6, 6)
    >>> mastodon_time(12345) is None
    True
    """
    when = _ms(_as_int(post_id, "mastodon") >> 16)
    return when if when >= _MASTODON_MIN else None


def shortcode_time(code: str) -> datetime | None:
    """Return the UTC time an Instagram or Threads shortcode's id was allocated.

    The id can be allocated hours before the post is published.

    Args:
        code: the shortcode from ``/p/CODE/``, ``/reel/CODE/`` or ``/post/CODE``.

    Returns:
        The time, with millisecond precision; None for codes longer than 11
        characters (private posts), or with characters outside ``A-Za-z0-9-_``.

    Raises:
        InvalidArgument: ``code`` is not a ``str``.

    >>> shortcode_time("B5oDnnNhOt4").isoformat(timespec="seconds")
    '2019-12-03T21:46:57+00:00'
    """
    if not isinstance(code, str):
        raise InvalidArgument(f"a shortcode is a str, not {type(code).__name__}")
    if not 1 <= len(code) <= 11:
        return None
    n = 0
    for char in code:
        digit = _B64_INDEX.get(char)
        if digit is None:
            return None
        n = n * 64 + digit
    if n >> 64:
        return None
    return _ms((n >> 23) + _INSTAGRAM_EPOCH_MS)


def tiktok_time(post_id: str | int) -> datetime | None:
    """Return the UTC time in a TikTok video id.

    Args:
        post_id: the video id, as digits or an int.

    Returns:
        The time, to the second; None when the id decodes to before 2014.

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id.

    >>> tiktok_time("7018217500441627910").isoformat()
    '2021-10-12T16:28:17+00:00'
    """
    when = _EPOCH + timedelta(seconds=_as_int(post_id, "tiktok") >> 32)
    return when if when >= _TIKTOK_MIN else None


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
    when = _ms(_as_int(post_id, "linkedin") >> 22)
    return when if when >= _LINKEDIN_MIN else None


_BY_PLATFORM = {
    "twitter": snowflake_time,
    "bluesky": tid_time,
    "mastodon": mastodon_time,
    "instagram": shortcode_time,
    "threads": shortcode_time,
    "tiktok": tiktok_time,
    "linkedin": linkedin_time,
}


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
