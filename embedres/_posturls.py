"""Recognise social-post URLs: platform, post id and canonical URL (pure).

STUB: owned by the posts work (issue #3); the signature is the contract used by urls.py.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PostRef", "parse_post_url"]


@dataclass(frozen=True, slots=True)
class PostRef:
    """What a post URL tells: the platform, the id, the canonical URL, the handle if any."""

    platform: str
    post_id: str
    canonical_url: str
    handle: str | None = None


def parse_post_url(url: str) -> PostRef | None:
    """Return the post a URL points to, or None when it is not a post URL."""
    return None
