"""extract(): sniff HTML, find entities (offsets into the input) and posts."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date, datetime, timezone
from html import unescape
from typing import TypeVar

from embedres.detect.entities import Entities, domain_mentions, find_entities
from embedres.detect.flattened import find_text_posts
from embedres.detect.found import Found
from embedres.detect.markdown import code_spans, looks_like_markdown
from embedres.detect.markup import Document, looks_like_html, parse_html, plain_document
from embedres.errors import InputError, InvalidArgument
from embedres.model import Entity, Extraction, Link, Post
from embedres.platforms.embeds import MARKUP_TRIGGERS, find_html_posts
from embedres.platforms.ids import post_time

__all__ = ["MARKUPS", "MAX_INPUT_CHARS", "extract"]

MARKUPS = ("html", "markdown", "text")
"""Values of ``extract(markup=...)``; None sniffs."""

MAX_INPUT_CHARS = 32_000_000
"""Longest input :func:`extract` reads (about 32 MB of text, far above any article)."""

_E = TypeVar("_E", Entity, Link)


def _to_source(doc: Document, items: list[_E]) -> list[_E]:
    """Map visible-text spans to the source, keeping only entities written as they read.

    An entity split by markup (``@<a>name</a>``) has no source slice that reads as it, so
    it is left out in HTML mode; a hashtag, mention or cashtag spelled with character
    references (``&#35;bikes``, ``#&#x30B3;&#x30FC;``) is kept, its span covering the
    references (its text is the decoded one). Links must be written as they read.
    """
    if not doc.is_html:
        return items
    out: list[_E] = []
    source = doc.source
    for item, span in zip(items, doc.source_spans([i.span for i in items]), strict=True):
        written = doc.text[item.span[0] : item.span[1]]
        raw = source[span[0] : span[1]]
        if raw != written and (
            isinstance(item, Link) or "&" not in raw or "<" in raw or unescape(raw) != written
        ):
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


# A hashtag the platform itself linked inside its embed (``<a href=".../hashtag/mac">#mac</a>``):
# its verdict stands even where twitter-text's rules, run on the flattened text, see none
# (``#mac#windows`` written as two adjacent links).
_TAG_LINK = re.compile(
    r"<a\s[^<>]{0,600}?href=[\"'][^\"'<>]{0,300}?/(?:hashtag|tags?|explore/tags)/[^\"'<>]{1,300}"
    r"[\"'][^<>]{0,600}>(?P<t>(?:#|＃|&#35;|&#[xX]23;)[^<>#＃&\s]{1,139}(?:&#?\w{1,8};[^<>#＃&\s]{0,139}){0,40})</a>"
)


def _linked_tags(
    doc: Document, span: tuple[int, int], have: tuple[Entity, ...]
) -> tuple[Entity, ...]:
    """The post's hashtags plus those its markup links that the text rules missed."""
    if not doc.is_html or "/tag" not in doc.source[span[0] : span[1]].replace("/hashtag", "/tag"):
        return have
    taken = sorted(e.span for e in have)  # a linked tag overlapping a found one is that one
    extra = []
    for m in _TAG_LINK.finditer(doc.source, span[0], span[1]):
        tag = unescape(m["t"])[1:]
        start, end = m.span("t")
        i = bisect_left(taken, (start, start))
        clash = (i < len(taken) and taken[i][0] < end) or (i > 0 and taken[i - 1][1] > start)
        if not clash and tag and not tag.isdigit():
            extra.append(Entity(tag, (start, end)))
    return tuple(sorted((*have, *extra), key=lambda e: e.span)) if extra else have


def _post(doc: Document, found: Found, ents: Entities) -> Post:
    span = found.span if found.form == "html" else doc.source_span(*found.span)
    published, warnings = _dates(found)
    hashtags = tuple(_to_source(doc, _inside(ents.hashtags, found.text_span)))
    if found.form == "html":
        hashtags = _linked_tags(doc, span, hashtags)
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
        hashtags=hashtags,
        mentions=tuple(_to_source(doc, _mentions(doc, found, ents))),
        form="html" if found.form == "html" else "url" if found.form == "url" else "text",
        warnings=warnings,
    )


def _markup(text: str, html: bool | None, markup: str | None) -> str:
    """The input's kind, from the arguments or sniffed (Markdown wins over HTML fragments:
    a Markdown page with raw HTML embeds is Markdown with HTML inside)."""
    if markup is not None:
        if markup not in MARKUPS:
            raise InvalidArgument(
                f"markup must be one of {', '.join(MARKUPS)} or None, not {markup!r}"
            )
        if html is not None and html != (markup == "html"):
            raise InvalidArgument(f"html={html!r} contradicts markup={markup!r}")
        return markup
    if html is not None:
        return "html" if html else "text"
    html_like = looks_like_html(text)
    if looks_like_markdown(text, shortcodes=not html_like):
        return "markdown"
    return "html" if html_like else "text"


def _raw_html_posts(text: str) -> list[Found]:
    """Embeds written as raw HTML inside Markdown, with every span in source offsets."""
    if "<" not in text or not looks_like_html(text):
        return []
    hdoc = parse_html(text, MARKUP_TRIGGERS)
    out: list[Found] = []
    for f in find_html_posts(hdoc):
        t = hdoc.source_span(*f.text_span) if f.text_span else None
        out.append(replace(f, text_span=t, vis_span=f.span))
    return out


def extract(text: str, *, html: bool | None = None, markup: str | None = None) -> Extraction:
    """Find posts, hashtags, mentions, cashtags and links in ``text``.

    Pure and deterministic: it never touches the network. In HTML, entities come from
    the visible text only (never attributes, scripts or styles); every span indexes
    ``text`` itself. Markdown is read as text (links, quote blocks, shortcodes), and raw
    HTML embeds inside it are read as HTML. A post's ``published`` is the markup's exact
    instant if any, else the displayed date, else the time in the post id. Inputs longer
    than :data:`MAX_INPUT_CHARS` are refused.

    Args:
        text: the article, as plain text, Markdown or HTML.
        html: True or False forces HTML or text; None sniffs it.
        markup: ``"html"``, ``"markdown"`` or ``"text"`` forces the kind; None sniffs it.

    Returns:
        An :class:`~embedres.model.Extraction` whose spans index ``text``.

    Raises:
        InvalidArgument: ``text`` is not a ``str``, ``html`` is not a bool or None, or
            ``markup`` is not one of :data:`MARKUPS` or None (or contradicts ``html``).
        InputError: ``text`` is longer than :data:`MAX_INPUT_CHARS`.

    >>> x = extract("Hi\\n— RT France (@RTenfrancais) 17 Novembre 2015")
    >>> [(p.author_handle, p.published, p.lang, p.form) for p in x.posts]
    [('RTenfrancais', datetime.date(2015, 11, 17), 'fr', 'text')]
    >>> md = "> Hi\\n>\\n> — A (@a) [March 9,\\n> 2019](https://twitter.com/a/status/1104412345678901248)"
    >>> [(p.post_id, p.published) for p in extract(md, markup="markdown").posts]
    [('1104412345678901248', datetime.date(2019, 3, 9))]
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
    kind = _markup(text, html, markup)
    is_html = kind == "html"
    doc = parse_html(text, MARKUP_TRIGGERS) if is_html else plain_document(text)
    ents = find_entities(doc.text)
    html_posts = find_html_posts(doc) if is_html else []
    if kind == "markdown":
        doc.code_spans = sorted(doc.code_spans + code_spans(text))
        html_posts = [f for f in _raw_html_posts(text) if not doc.in_code(*f.span)]
    blocked = list(doc.code_spans)
    blocked += [f.vis_span for f in html_posts if f.vis_span is not None]
    found = html_posts + find_text_posts(doc.text, blocked)
    posts = sorted((_post(doc, f, ents) for f in found), key=lambda p: p.span)
    hashtags = _to_source(doc, ents.hashtags)
    mentions = _to_source(doc, ents.mentions)
    cashtags = _to_source(doc, ents.cashtags)
    links = _to_source(doc, ents.links)
    linked = {e for p in posts if p.form == "html" for e in p.hashtags} - set(hashtags)
    if linked:
        # A linked tag the page's text rules read otherwise (outside what the post's text
        # span covers, in broken markup) would overlap their entity: theirs stands.
        page = sorted([e.span for e in (*hashtags, *mentions, *cashtags)] + [k.span for k in links])
        clash = {e for e in linked if _overlaps(page, e.span)}
        if clash:
            linked -= clash
            posts = [
                replace(p, hashtags=tuple(e for e in p.hashtags if e not in clash))
                if any(e in clash for e in p.hashtags)
                else p
                for p in posts
            ]
    return Extraction(
        hashtags=sorted([*hashtags, *linked], key=lambda e: e.span) if linked else hashtags,
        mentions=mentions,
        cashtags=cashtags,
        links=links,
        posts=posts,
        is_html=is_html,
    )


def _overlaps(spans: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    """Whether ``span`` overlaps one of ``spans`` (sorted, not overlapping each other)."""
    i = bisect_left(spans, span)
    return (i < len(spans) and spans[i][0] < span[1]) or (i > 0 and spans[i - 1][1] > span[0])
