"""The liveness record: one post's status, when it was checked, and the evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from embedres.model import Snapshot
from embedres.platforms.status import DEAD, Status

__all__ = ["Evidence", "PostStatus"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the status rests on."""

    reason: str
    """Why, in a few words (``tombstone``, ``HTTP 404``, ``offline``...)."""
    endpoint: str | None = None
    """The URL asked (None when nothing was asked)."""
    http_status: int | None = None
    """Its HTTP status (None: no answer)."""
    wording: str | None = None
    """The platform's own words (a tombstone text, an error message)."""


@dataclass(frozen=True, slots=True)
class PostStatus:
    """Whether one embedded post is still there."""

    url: str
    """The post's canonical URL."""
    platform: str
    """The platform (``twitter``, ``bluesky``...)."""
    post_id: str | None
    """The post id, when the URL holds one."""
    status: Status
    """``live``, ``deleted``, ``suspended``, ``protected``, ``restricted``, ``unavailable``
    (the platform could not say) or ``unknown`` (no way to ask, or offline)."""
    checked_at: datetime
    """When the platform answered (UTC; an earlier time for a cached answer)."""
    evidence: Evidence
    """The endpoint, its HTTP status and the platform's wording."""
    author_name: str | None = None
    """The author's display name, as the platform returns it now."""
    author_handle: str | None = None
    """The author's handle, as the platform returns it now."""
    text: str | None = None
    """The post's current text (a video's title), as the platform returns it now."""
    from_cache: bool = False
    """True when the answer came from the cache."""
    source: str | None = None
    """The article the post was found in (a path or a JSONL record id)."""
    archived: Snapshot | None = None
    """For dead posts: the nearest archived copy that holds the post (lookup only)."""
    archived_text: str | None = None
    """The post's text as the archived copy holds it (X JSON/oEmbed copies)."""
    archive_note: str | None = None
    """Why no archived copy is given (not looked up, none found, archive unreachable)."""

    @property
    def dead(self) -> bool:
        """True for ``deleted``, ``suspended`` and ``protected``: readers see nothing."""
        return self.status in DEAD

    def to_cache(self) -> dict[str, Any]:
        """The JSON-able cache value (no source, no archive)."""
        e = self.evidence
        return {
            "status": self.status,
            "checked_at": self.checked_at.isoformat(),
            "reason": e.reason,
            "endpoint": e.endpoint,
            "http_status": e.http_status,
            "wording": e.wording,
            "author_name": self.author_name,
            "author_handle": self.author_handle,
            "text": self.text,
        }
