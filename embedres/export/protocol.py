"""What an exporter reads from a citation: the :class:`Citable` protocol.

Exporters take any object with these read-only attributes, so they never import
:mod:`embedres.citation` (which imports them): :class:`embedres.Citation` is the one
implementation, and the dependency points one way, from the citation to its exports.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Protocol

from embedres.model import Post, Snapshot

__all__ = ["Citable"]


class Citable(Protocol):
    """The fields and derived values of a citation that exporters use (see ``Citation``)."""

    @property
    def post(self) -> Post | None:
        """The cited post, or None for a link outside posts."""

    @property
    def kind(self) -> Literal["post", "link"]:
        """``post`` or ``link``."""

    @property
    def platform(self) -> str | None:
        """The platform name, None for a plain web link."""

    @property
    def platform_label(self) -> str | None:
        """The platform as styles print it (``Twitter``, ``X``, ``Bluesky``, ...)."""

    @property
    def genre(self) -> str:
        """``Tweet``, ``Post``, ``Video`` or ``Web page``."""

    @property
    def key(self) -> str:
        """A stable identifier."""

    @property
    def url(self) -> str | None:
        """The URL to cite."""

    @property
    def post_id(self) -> str | None:
        """The post id."""

    @property
    def author_name(self) -> str | None:
        """The author's display name."""

    @property
    def author_handle(self) -> str | None:
        """The author's handle, without ``@``."""

    @property
    def text(self) -> str | None:
        """The post text on one line."""

    @property
    def published(self) -> date | None:
        """The publication date."""

    @property
    def language(self) -> str | None:
        """The post's language (BCP 47)."""

    @property
    def media(self) -> Literal["image", "video"] | None:
        """What the post's media link holds."""

    @property
    def translation(self) -> str | None:
        """An English translation supplied by the user."""

    @property
    def accessed(self) -> date | None:
        """The access date."""

    @property
    def snapshot(self) -> Snapshot | None:
        """The preferred archived copy."""

    @property
    def url_status(self) -> Literal["live", "dead"]:
        """``dead`` when resolving the cited URL found it dead."""

    def to_dict(self) -> dict[str, Any]:
        """The citation as JSON values (``embedres/citation/1``)."""
