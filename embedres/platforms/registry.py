"""The registry: every platform embedres knows, in the order their recognisers are tried.

Adding a platform is one module in this folder (building a
:class:`~embedres.platforms.base.Platform` named ``PLATFORM``) and its line below; every
generic table (hosts, shorteners, tracking parameters, widget scripts, oEmbed endpoints,
labels, id -> time) is derived from :data:`PLATFORMS`.
"""

from __future__ import annotations

from embedres.platforms import (
    bluesky,
    facebook,
    instagram,
    linkedin,
    mastodon,
    pinterest,
    reddit,
    telegram,
    threads,
    tiktok,
    twitter,
    youtube,
)
from embedres.platforms.base import Platform

__all__ = ["PLATFORMS", "platform_named"]

PLATFORMS: tuple[Platform, ...] = (
    twitter.PLATFORM,
    bluesky.PLATFORM,
    mastodon.PLATFORM,
    threads.PLATFORM,
    instagram.PLATFORM,
    tiktok.PLATFORM,
    youtube.PLATFORM,
    facebook.PLATFORM,
    reddit.PLATFORM,
    telegram.PLATFORM,
    linkedin.PLATFORM,
    pinterest.PLATFORM,
)
"""Every platform, in the order its embed recognisers are tried."""

_BY_NAME = {p.name: p for p in PLATFORMS}


def platform_named(name: str | None) -> Platform | None:
    """Return the registered platform called ``name``, or None.

    Args:
        name: a platform id such as ``twitter`` (None gives None).

    Returns:
        The :class:`~embedres.platforms.base.Platform`, or None when none has that name.

    >>> platform_named("tiktok").label
    'TikTok'
    >>> platform_named("myspace") is None
    True
    """
    return _BY_NAME.get(name) if isinstance(name, str) else None
