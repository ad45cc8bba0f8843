"""Embed-service wrappers and publisher placeholders around a post URL (pure).

Not platforms: Iframely, Embedly, WordPress ``wp-block-embed`` figures, CKEditor/oEmbed
``data-oembed-url``, and publishers' lazy-load placeholders keep the post's URL in an attribute
or a link and load the platform's widget later. Which post the URL names is the registry's
business (the ``parse`` handed to every recogniser), so a wrapper adds no platform knowledge.

A wrapper that still holds the platform's own markup (a rendered ``wp-block-embed`` figure with
its ``blockquote.twitter-tweet``) is left to the platform's recogniser, which reads more.
Buttons and timelines (``twitter-share-button``, ``fb-like``, ``twitter-timeline``) name a URL
without embedding a post and are never posts.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from embedres.detect.found import Found, classes
from embedres.detect.markup import Document, Trigger, fragment
from embedres.platforms.base import ParseUrl, Recogniser

__all__ = ["MARKUP_TRIGGERS", "RECOGNISERS"]

# Attributes publishers and editors keep a post URL in (CKEditor 5 ``data-oembed-url``,
# Drupal/Arc ``data-embedded-url``, lazy-load placeholders ``data-tweet-url``...).
_URL_ATTRS = (
    "data-embedded-url",
    "data-oembed-url",
    "data-embed-url",
    "data-tweet-url",
    "data-post-url",
    "data-instgrm-permalink",
)
_WRAPPER_CLASSES = frozenset({"iframely-embed", "embedly-card", "wp-block-embed"})
_TAGS = ("div", "figure", "section", "span", "a", "aside", "oembed")
_NOT_POSTS = ("share", "like", "follow", "button", "timeline", "hashtag", "mention")
# Iframe endpoints of the services: the post URL is the ``url`` (or ``src``) parameter.
_SERVICE_IFRAMES = ("iframe.ly", "embedly.com", "embed.ly")
_MAX_CARD = 8192  # characters of markup a wrapper card may hold (keeps nested ones linear)
_INNER_EMBEDS = frozenset({"blockquote", "iframe", "object", "embed"})

MARKUP_TRIGGERS: tuple[Trigger, ...] = tuple(
    [(tag, "class", c) for tag in _TAGS for c in sorted(_WRAPPER_CLASSES)]
    + [(tag, attr, "") for tag in _TAGS for attr in _URL_ATTRS]
    + [("oembed", "url", "")]
)
"""Elements the markup scanner records for the wrapper recognisers (``""``: attribute set)."""


def _is_button(cls: set[str]) -> bool:
    return any(word in c.lower() for c in cls for word in _NOT_POSTS)


def _has_inner_embed(doc: Document, index: int) -> bool:
    el = doc.elements[index]
    for child in doc.elements[index + 1 : index + 64]:
        if child.start >= el.end:
            return False
        if child.name in _INNER_EMBEDS or child.name.startswith("amp-"):
            return True
    return False


def _from_url(doc: Document, index: int, parse: ParseUrl, url: str | None) -> Found | None:
    ref = parse(url.strip()) if url else None
    if ref is None:
        return None
    el = doc.elements[index]
    return Found(ref.platform, (el.start, el.end)).with_ref(ref)


def _service_iframe(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    try:
        parts = urlsplit(doc.elements[index].attrs.get("src", ""))
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not any(host == h or host.endswith("." + h) for h in _SERVICE_IFRAMES):
        return None
    query = parse_qs(parts.query)
    url = (query.get("url") or query.get("src") or [""])[0]
    return _from_url(doc, index, parse, url)


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe":
        return _service_iframe(doc, index, parse)
    cls = classes(el)
    if _is_button(cls) or _has_inner_embed(doc, index):
        return None  # the platform's own markup inside is read by its recogniser, which reads more
    for attr in (*_URL_ATTRS, "url"):
        found = _from_url(doc, index, parse, el.attrs.get(attr))
        if found is not None and (attr != "url" or el.name == "oembed"):
            return found
    if not cls & _WRAPPER_CLASSES or el.end - el.start > _MAX_CARD:
        return None  # a card is small: an unclosed wrapper running to the end is not read
    if el.name == "a":
        return _from_url(doc, index, parse, el.attrs.get("href"))
    # A figure or card holding the URL as text (wp-block-embed__wrapper) or as its first link.
    text = doc.text[el.vis_start : max(el.vis_end, el.vis_start)].strip()
    found = _from_url(doc, index, parse, text) if " " not in text else None
    if found is not None:
        return found
    tag = fragment(doc.source[el.start : el.end])
    for a in tag.links() if tag is not None else []:
        found = _from_url(doc, index, parse, a.get("href"))
        if found is not None:
            return found
    return None


RECOGNISERS: tuple[Recogniser, ...] = (_recognise,)
"""Tried after every platform's own recognisers."""
