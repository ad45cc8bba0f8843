"""Recognise embed markup, one small recogniser per platform, in a registry (pure).

Each recogniser looks at one recorded element of a :class:`~embedres.detect.markup.Document`
(``blockquote``, ``iframe``, ``script``, ``amp-*``, plugin ``div``) and returns a
:class:`~embedres.detect.found.Found` or None. Twitter, Bluesky, Mastodon and Threads
live here; Instagram, TikTok, YouTube, Facebook, Reddit, Telegram, LinkedIn and the AMP
tags in :mod:`embedres.platforms.more`. :func:`find_html_posts` runs the registry over a
document: an element inside an embed already recognised is skipped (an outer embed wins),
and the platform's loader script right after a block is counted in the block's span.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

from embedres.detect.dates import match_date
from embedres.detect.found import (
    Found,
    Recogniser,
    attribution,
    block_text,
    classes,
    clean_lang,
    first_p_span,
    found_from_ref,
)
from embedres.detect.markup import Document, fragment
from embedres.platforms.more import MORE_RECOGNISERS
from embedres.platforms.posturls import parse_post_url

__all__ = ["RECOGNISERS", "find_html_posts"]

_PLACEHOLDERS = re.compile(r"^(?:loading|view this post on|laddar|tweet of |عرض)", re.I)


def _when(text: str | None, lang: str | None) -> tuple[date | datetime | None, str | None]:
    """Read a permalink's date text: (value, language of the date)."""
    if not text:
        return None, None
    m = match_date(text, 0, lang=lang)
    if m is not None:
        return m.value, m.lang
    try:  # third-party generators write ISO 8601 instants
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, None
    return (value if value.tzinfo else value.date()), None


def _quote_post(doc: Document, index: int, platform: str, uri: str | None) -> Found | None:
    """Shared reader for the Twitter and Bluesky blockquotes (same inner shape)."""
    el = doc.elements[index]
    tag = fragment(doc.source[el.start : el.end])
    if tag is None:
        return None
    ref = parse_post_url(uri) if uri else None
    permalink = None
    for a in reversed(tag.links()):
        if a.find_parent("blockquote") != tag:
            continue  # a quoted embed inside this one
        r = parse_post_url(a.get("href") or "")
        if r is not None and r.platform == platform:
            permalink, ref = a, ref or r
            break
    if ref is None:
        return None
    p = tag.find("p")
    text = block_text(p) if p is not None else None
    if p is not None:
        p.extract()
    if text and platform == "bluesky":
        text = text.removesuffix("[image or embed]").rstrip() or None
    if text and _PLACEHOLDERS.match(text):
        text = None
    name, handle = attribution(block_text(tag))
    ui_lang = el.attrs.get("data-lang") or el.attrs.get("lang")
    date_text = permalink.get_text().strip() if permalink is not None else None
    published, date_lang = _when(date_text, ui_lang)
    exact = permalink.get("data-datetime") if permalink is not None else None
    if exact:
        published = _when(exact, None)[0] or published
    post_lang = clean_lang(p.get("lang")) if p is not None else None
    return Found(
        platform,
        (el.start, el.end),
        author_name=name,
        author_handle=handle,
        text=text,
        published=published,
        published_text=date_text if published is not None else None,
        lang=post_lang or clean_lang(ui_lang) or date_lang,
        text_span=first_p_span(doc, index) if text else None,
    ).with_ref(ref)


def _twitter(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-twitter":
        tid = el.attrs.get("data-tweetid", "")
        return found_from_ref("twitter", doc, index, f"https://twitter.com/i/web/status/{tid}")
    if el.name != "blockquote" or not classes(el) & {"twitter-tweet", "twitter-video"}:
        return None
    return _quote_post(doc, index, "twitter", None)


def _bluesky(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe" and "embed.bsky.app/embed/" in el.attrs.get("src", ""):
        return found_from_ref("bluesky", doc, index, el.attrs["src"])
    if el.name != "blockquote" or "bluesky-embed" not in classes(el):
        return None
    return _quote_post(doc, index, "bluesky", el.attrs.get("data-bluesky-uri"))


def _mastodon(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe":
        src = el.attrs.get("src", "")
        if "mastodon-embed" not in classes(el) and not src.rstrip("/").endswith("/embed"):
            return None
        return found_from_ref("mastodon", doc, index, src)
    if el.name != "blockquote" or "mastodon-embed" not in classes(el):
        return None
    return found_from_ref("mastodon", doc, index, el.attrs.get("data-embed-url"))


def _threads(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name != "blockquote" or "text-post-media" not in classes(el):
        return None
    return found_from_ref("threads", doc, index, el.attrs.get("data-text-post-permalink"))


RECOGNISERS: tuple[Recogniser, ...] = (
    _twitter,
    _bluesky,
    _mastodon,
    _threads,
    *MORE_RECOGNISERS,
)
"""Every recogniser, tried in order on each recorded element."""

_EMBED_CLASSES = {
    "twitter-tweet", "twitter-video", "bluesky-embed", "instagram-media", "tiktok-embed",
    "text-post-media", "mastodon-embed", "reddit-embed-bq", "reddit-card",
}  # fmt: skip
_WIDGET_HOSTS = re.compile(
    r"(?:platform\.(?:twitter|x)\.com|embed\.bsky\.app|instagram\.com|tiktok\.com|"
    r"embed\.reddit(?:media)?\.com|threads\.(?:net|com)|/embed\.js|connect\.facebook\.net)",
    re.I,
)


def _extend_to_script(doc: Document, index: int, found: Found) -> Found:
    """Count the platform's loader script right after the block in its span."""
    for el in doc.elements[index + 1 : index + 64]:
        if el.start < found.span[1]:
            continue
        gap = doc.source[found.span[1] : el.start]
        if (
            el.name == "script"
            and not gap.strip()
            and _WIDGET_HOSTS.search(el.attrs.get("src", ""))
        ):
            return replace(found, span=(found.span[0], el.end))
        break
    return found


def find_html_posts(doc: Document) -> list[Found]:
    """Run every recogniser over the recorded elements of ``doc``.

    Args:
        doc: a document from :func:`embedres.detect.markup.parse_html`.

    Returns:
        One :class:`Found` per embed, in document order, spans in source offsets.

    >>> from embedres.detect.markup import parse_html
    >>> html = '<blockquote class="twitter-tweet"><a href="https://x.com/jack/status/20"></a></blockquote>'
    >>> [(f.platform, f.post_id, f.url) for f in find_html_posts(parse_html(html))]
    [('twitter', '20', 'https://twitter.com/jack/status/20')]
    """
    found: list[Found] = []
    covered = -1  # end of the last embed read: elements before it are inside it
    for index, el in enumerate(doc.elements):
        if el.name == "p" or el.start < covered:
            continue
        for recognise in RECOGNISERS:
            post = recognise(doc, index)
            if post is not None:
                post = replace(post, vis_span=(el.vis_start, max(el.vis_end, el.vis_start)))
                found.append(_extend_to_script(doc, index, post))
                covered = el.end
                break
        else:
            if classes(el) & _EMBED_CLASSES:
                covered = el.end  # an embed too broken to read: nothing inside it is one
    return found
