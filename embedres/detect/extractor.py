"""extract(): sniff HTML, find entities (offsets into the input) and posts."""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, datetime, timezone
from typing import TypeVar

from embedres.detect.entities import Entities, domain_mentions, find_entities
from embedres.detect.flattened import find_text_posts
from embedres.detect.found import Found
from embedres.detect.markup import Document, looks_like_html, parse_html, plain_document
from embedres.errors import InputError, InvalidArgument
from embedres.model import Entity, Extraction, Link, Post
from embedres.platforms.embeds import MARKUP_TRIGGERS, find_html_posts
from embedres.platforms.ids import post_time

__all__ = ["MAX_INPUT_CHARS", "extract"]

MAX_INPUT_CHARS = 32_000_000
"""Longest input :func:`extract` reads (about 32 MB of text, far above any article)."""

_E = TypeVar("_E", Entity, Link)


def _to_source(doc: Document, items: list[_E]) -> list[_E]:
    """Map visible-text spans to the source, keeping only entities written as they read.

    An entity split by markup (``@<a>name</a>``) or spelled with a character reference
    (``#Caf&eacute;``) has no source slice equal to it, so it is left out in HTML mode.
    """
    if not doc.is_html:
        return items
    out: list[_E] = []
    source = doc.source
    for item, span in zip(items, doc.source_spans([i.span for i in items]), strict=True):
        written = doc.text[item.span[0] : item.span[1]]
        if source[span[0] : span[1]] != written:
            continue
        if isinstance(item, Link):
            out.append(
                Link(
                    item.url,
                    span,
                    item.kind,
                    item.host,
                    item.platform,
                    item.post_id,
                    item.canonical_url,
                )
            )
        else:
            out.append(Entity(item.text, span))
    return out


def _inside(items: list[_E], span: tuple[int, int] | None) -> list[_E]:
    """The items (sorted by start) lying within ``span``, found by bisection."""
    if span is None:
        return []
    out: list[_E] = []
    for i in range(bisect_left(items, span[0], key=lambda item: item.span[0]), len(items)):
        item = items[i]
        if item.span[0] >= span[1]:
            break
        if item.span[1] <= span[1]:
            out.append(item)
    return out


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).date()
    return value


def _dates(found: Found) -> tuple[date | datetime | None, tuple[str, ...]]:
    """Choose ``published`` and note a displayed date that disagrees with the id.

    The markup's exact instant if any, else the date as displayed (what a reader and a
    citation see), else the time in the post id.
    """
    shown = found.published
    from_id = post_time(found.platform, found.post_id)
    warnings: tuple[str, ...] = ()
    if from_id is not None and shown is not None:
        gap = abs((_day(shown) - from_id.date()).days)
        if gap > 1:
            warnings = (
                f"displayed date {_day(shown).isoformat()} and the time in post id "
                f"{found.post_id} ({from_id.isoformat(timespec='seconds')}) differ by {gap} days",
            )
    return (shown if shown is not None else from_id), warnings


# Platforms whose handles are domain names: twitter-text's rule would cut ``@bsky.app`` at the dot.
_DOMAIN_HANDLES = frozenset({"bluesky"})


def _mentions(doc: Document, found: Found, ents: Entities) -> list[Entity]:
    inside = _inside(ents.mentions, found.text_span)
    return domain_mentions(doc.text, inside) if found.platform in _DOMAIN_HANDLES else inside


def _post(doc: Document, found: Found, ents: Entities) -> Post:
    span = found.span if found.form == "html" else doc.source_span(*found.span)
    published, warnings = _dates(found)
    return Post(
        platform=found.platform,
        span=span,
        url=found.url,
        post_id=found.post_id,
        author_name=found.author_name,
        author_handle=found.author_handle,
        text=found.text,
        published=published,
        published_text=found.published_text,
        lang=found.lang,
        links=tuple(_to_source(doc, _inside(ents.links, found.text_span))),
        hashtags=tuple(_to_source(doc, _inside(ents.hashtags, found.text_span))),
        mentions=tuple(_to_source(doc, _mentions(doc, found, ents))),
        form="html" if found.form == "html" else "url" if found.form == "url" else "text",
        warnings=warnings,
    )


def extract(text: str, *, html: bool | None = None) -> Extraction:
    """Find posts, hashtags, mentions, cashtags and links in ``text``.

    Pure and deterministic: it never touches the network. In HTML, entities come from
    the visible text only (never attributes, scripts or styles); every span indexes
    ``text`` itself. A post's ``published`` is the markup's exact instant if any, else
    the displayed date, else the time in the post id. Inputs longer than
    :data:`MAX_INPUT_CHARS` are refused.

    Args:
        text: the article, as plain text or HTML.
        html: True or False forces the mode; None sniffs it.

    Returns:
        An :class:`~embedres.model.Extraction` whose spans index ``text``.

    Raises:
        InvalidArgument: ``text`` is not a ``str``, or ``html`` is not a bool or None.
        InputError: ``text`` is longer than :data:`MAX_INPUT_CHARS`.

    >>> x = extract("Hi\\n— RT France (@RTenfrancais) 17 Novembre 2015")
    >>> [(p.author_handle, p.published, p.lang, p.form) for p in x.posts]
    [('RTenfrancais', datetime.date(2015, 11, 17), 'fr', 'text')]
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"extract() takes a str, not {type(text).__name__}")
    if html is not None and not isinstance(html, bool):
        raise InvalidArgument(f"html must be True, False or None, not {html!r}")
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(
            f"input of {len(text):,} characters is above the {MAX_INPUT_CHARS:,} that "
            "extract() reads; split the document"
        )
    is_html = looks_like_html(text) if html is None else html
    doc = parse_html(text, MARKUP_TRIGGERS) if is_html else plain_document(text)
    ents = find_entities(doc.text)
    html_posts = find_html_posts(doc) if is_html else []
    blocked = list(doc.code_spans)
    blocked += [f.vis_span for f in html_posts if f.vis_span is not None]
    found = html_posts + find_text_posts(doc.text, blocked)
    posts = sorted((_post(doc, f, ents) for f in found), key=lambda p: p.span)
    return Extraction(
        hashtags=_to_source(doc, ents.hashtags),
        mentions=_to_source(doc, ents.mentions),
        cashtags=_to_source(doc, ents.cashtags),
        links=_to_source(doc, ents.links),
        posts=posts,
        is_html=is_html,
    )
