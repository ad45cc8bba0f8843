"""Hashtags, mentions, cashtags and links in plain text (twitter-text rules).

STUB: owned by the entity work (issue #2). Contract used by detect.py and the posts code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Entity, Link

__all__ = ["Entities", "find_entities"]


@dataclass(frozen=True, slots=True)
class Entities:
    """Entities of one text, each list sorted by start offset; kinds never overlap."""

    hashtags: list[Entity] = field(default_factory=list)
    mentions: list[Entity] = field(default_factory=list)
    cashtags: list[Entity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def find_entities(text: str) -> Entities:
    """Find every entity in ``text`` (offsets into ``text``)."""
    return Entities()
