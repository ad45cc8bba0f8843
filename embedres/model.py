"""Frozen result records shared by every stage.

Offsets (``span``) are Python ``str`` indices (code points) into the input given to
:func:`embedres.extract`, half-open, so ``source[start:end]`` is the matched text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

__all__ = [
    "Entity",
    "Extraction",
    "Hop",
    "Link",
    "LinkKind",
    "Platform",
    "Post",
    "Resolution",
    "Snapshot",
    "Span",
    "Status",
]

Span = tuple[int, int]
LinkKind = Literal["short", "media", "post", "web"]
Platform = str
"""A platform name from :data:`embedres.platforms.registry.PLATFORMS` (``twitter``,
``pinterest``...): the registry is the only list of platforms."""
Status = Literal[
    "ok", "dead", "blocked", "error", "timeout", "loop", "too_many_redirects", "offline"
]


@dataclass(frozen=True, slots=True)
class Entity:
    """A hashtag, mention or cashtag."""

    text: str
    """The tag or name without its sigil (``Hollande`` for ``#Hollande``)."""
    span: Span
    """Offsets of the entity *including* its sigil: ``source[start:end] == "#" + text``."""


@dataclass(frozen=True, slots=True)
class Link:
    """A URL found in the input (after splitting fused URLs)."""

    url: str
    """The URL exactly as written (no scheme added): ``source[start:end] == url``."""
    span: Span
    """Offsets of the URL in the input."""
    kind: LinkKind
    """``short`` (t.co and known shorteners), ``media`` (pic.twitter.com), ``post`` or ``web``."""
    host: str = ""
    """Lower-cased host name, without ``www.``."""
    platform: str | None = None
    """For ``post`` links, the platform (``twitter``, ``bluesky``, ...)."""
    post_id: str | None = None
    """For ``post`` links, the post id as the platform spells it."""
    canonical_url: str | None = None
    """For ``post`` links, the canonical https post URL without tracking parameters."""


@dataclass(frozen=True, slots=True)
class Post:
    """One embedded social post: from embed markup, a flattened embed, or a bare post URL."""

    platform: str
    """``twitter``, ``bluesky``, ``mastodon``, ``threads``, ``instagram``, ``tiktok``,
    ``youtube``, ``facebook``, ``reddit``, ``telegram`` or ``linkedin``."""
    span: Span
    """Offsets covering the whole embed in the input, so a pipeline can cut or replace it."""
    url: str | None = None
    """Canonical https post URL, tracking parameters removed; None when unknown."""
    post_id: str | None = None
    """The platform's id of the post, when known."""
    author_name: str | None = None
    """Display name of the author (``RT France``)."""
    author_handle: str | None = None
    """Handle without ``@`` (``RTenfrancais``)."""
    text: str | None = None
    """The post's text as embedded."""
    published: date | datetime | None = None
    """A ``date``, or a timezone-aware ``datetime``; None when unknown."""
    published_text: str | None = None
    """The date exactly as written in the embed (``17 Novembre 2015``)."""
    lang: str | None = None
    """BCP 47 language of the post (from ``lang``/``data-lang``, else the date's language)."""
    links: tuple[Link, ...] = ()
    """Links inside the post text."""
    hashtags: tuple[Entity, ...] = ()
    """Hashtags inside the post text."""
    mentions: tuple[Entity, ...] = ()
    """Mentions inside the post text."""
    form: Literal["html", "text", "url"] = "html"
    """How it was found: embed markup, flattened text, or a post URL standing alone."""
    warnings: tuple[str, ...] = ()
    """Inconsistencies found (e.g. displayed date and id time disagree by more than a day)."""
    hydrated: tuple[str, ...] = ()
    """Names of fields filled from the platform (oEmbed) rather than the article."""

    @property
    def published_at(self) -> datetime | None:
        """``published`` as an aware datetime (a date counts as 00:00 UTC), so posts sort.

        ``published`` mixes dates and datetimes, which Python does not compare (issue #13):
        sort on this instead (posts without a date need a stand-in such as ``datetime.min`` in
        UTC).

        >>> day = Post("x", (0, 1), published=date(2015, 11, 17))
        >>> at = Post("x", (0, 1), published=datetime(2015, 11, 16, 23, tzinfo=UTC))
        >>> [p.published_at.isoformat() for p in sorted([day, at], key=lambda p: p.published_at)]
        ['2015-11-16T23:00:00+00:00', '2015-11-17T00:00:00+00:00']
        """
        value = self.published
        if value is None or isinstance(value, datetime):
            return value
        return datetime(value.year, value.month, value.day, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything :func:`embedres.extract` found, each list sorted by offset."""

    hashtags: list[Entity] = field(default_factory=list)
    mentions: list[Entity] = field(default_factory=list)
    cashtags: list[Entity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    is_html: bool = False
    """Whether the input was read as HTML (offsets still point into the raw input)."""


@dataclass(frozen=True, slots=True)
class Hop:
    """One request of a redirect chain (modelled on urllib3's ``RequestHistory``)."""

    url: str
    """The URL requested."""
    status_code: int | None
    """The HTTP status, or None when no answer came (error, timeout, blocked)."""
    location: str | None
    """Where this hop points next (absolute), or None at the end of the chain."""
    via: str
    """What produced ``location``: ``http`` (3xx Location), ``refresh`` (header),
    ``meta`` (meta refresh), ``js`` (location.replace), ``interstitial``, ``rewrite``
    (e.g. pic.twitter.com -> t.co), or ``final``."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one URL. Bad links are statuses, never exceptions."""

    url: str
    """The URL as asked."""
    status: Status
    """``ok``, ``dead``, ``blocked``, ``error``, ``timeout``, ``loop``,
    ``too_many_redirects`` or ``offline``."""
    final_url: str | None = None
    """Where the chain ended (for ``dead``, the dead URL); None when nothing was reached."""
    chain: tuple[Hop, ...] = ()
    """Every hop, in order."""
    canonical_url: str | None = None
    """The final page's canonical URL (``<link rel=canonical>``, ``og:url``, ``Link`` header)."""
    error: str | None = None
    """A readable reason for ``error``, ``blocked``, ``timeout`` and the like."""
    from_cache: bool = False
    """Whether this answer came from the cache."""
    resolved_at: datetime | None = None
    """When the chain was followed (UTC)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An archived copy of a URL."""

    archive_url: str
    """Where the copy can be seen (a Wayback replay URL, or a ``file:`` WARC path)."""
    archived_at: datetime
    """When the copy was made (UTC, timezone-aware)."""
    service: str
    """``wayback``, ``spn2``, ``warc`` or the name of a configured Memento service."""
    original_url: str
    """The URL that was archived."""
    status_code: int | None = None
    """The HTTP status the archive recorded."""
    digest: str | None = None
    """Payload digest (``sha1:BASE32``) when known."""
    reused: bool = False
    """True when Save Page Now returned a recent existing capture instead of a new one."""
