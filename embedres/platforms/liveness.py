"""Which platforms can be asked whether a post still exists, and how (pure, from each module).

Each platform module that can tell declares a ``LIVENESS`` :class:`~.status.Probe`; the others
(Instagram, Facebook and Threads need a Meta token; LinkedIn and Pinterest offer no key-less
endpoint that distinguishes a deleted post) have none and their posts are ``unknown``.
"""

from __future__ import annotations

from embedres.platforms import bluesky, mastodon, reddit, telegram, tiktok, twitter, youtube
from embedres.platforms.status import Probe

__all__ = ["PROBES", "probe_for"]

PROBES: dict[str, Probe] = {
    "twitter": twitter.LIVENESS,
    "bluesky": bluesky.LIVENESS,
    "mastodon": mastodon.LIVENESS,
    "youtube": youtube.LIVENESS,
    "tiktok": tiktok.LIVENESS,
    "reddit": reddit.LIVENESS,
    "telegram": telegram.LIVENESS,
}
"""Platform name -> its probe."""


def probe_for(platform: str) -> Probe | None:
    """The probe of ``platform``, or None when it cannot be asked.

    >>> probe_for("bluesky").base, probe_for("instagram")
    ('https://public.api.bsky.app', None)
    """
    return PROBES.get(platform)
