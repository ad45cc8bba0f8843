"""Reddit: comment-thread URLs, blockquote/card/AMP embeds (pure)."""

from __future__ import annotations

import re
from dataclasses import replace

from embedres.detect.found import Found, classes
from embedres.detect.markup import Document, fragment
from embedres.platforms.base import ParseUrl, Platform, PostRef, found_from_ref

__all__ = ["PLATFORM"]

_REDDIT = re.compile(r"^/r/(?P<s>[A-Za-z0-9_]{2,21})/comments/(?P<id>[a-z0-9]{1,13})(?:/.*)?$")
_REDDIT_BARE = re.compile(r"^/comments/(?P<id>[a-z0-9]{1,13})(?:/.*)?$")
_REDDIT_SHORT = re.compile(r"^/(?P<id>[a-z0-9]{1,13})/?$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _REDDIT.match(path)
    if m:
        return PostRef("reddit", m["id"], f"https://www.reddit.com/r/{m['s']}/comments/{m['id']}/")
    m = (_REDDIT_SHORT if host == "redd.it" else _REDDIT_BARE).match(path)
    return PostRef("reddit", m["id"], f"https://www.reddit.com/comments/{m['id']}/") if m else None


_REDDIT_USER = re.compile(r"/u(?:ser)?/([A-Za-z0-9_-]{3,20})/?$")


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-reddit":
        return found_from_ref("reddit", doc, index, parse, el.attrs.get("data-src"))
    if el.name not in ("blockquote", "div"):
        return None
    if not classes(el) & {"reddit-embed-bq", "reddit-card", "reddit-embed"}:
        return None
    tag = fragment(doc.source[el.start : el.end])
    anchors = tag.links() if tag is not None else []
    base = None
    for a in anchors:
        base = found_from_ref("reddit", doc, index, parse, a.get("href"))
        if base is not None:
            title = a.get_text().strip() or None
            base = replace(base, text=title, text_span=(el.vis_start, el.vis_end))
            break
    if base is None:
        base = found_from_ref("reddit", doc, index, parse, el.attrs.get("data-embed-parent"))
    for a in anchors:
        m = _REDDIT_USER.search(a.get("href") or "")
        if base is not None and m:
            return replace(base, author_handle=m.group(1))
    return base


PLATFORM = Platform(
    name="reddit",
    label="Reddit",
    genre="Post",
    hosts=frozenset({"reddit.com", "redd.it"}),
    markup_triggers=(
        ("div", "class", "reddit-embed"),
        ("div", "class", "reddit-embed-bq"),
        ("div", "class", "reddit-card"),
    ),
    embed_classes=frozenset({"reddit-embed-bq", "reddit-card"}),
    widget_scripts=(
        ("embed.reddit.com", "/widgets.js"),
        ("embed.redditmedia.com", "/widgets/"),
        ("www.redditstatic.com", "/comment-embed.js"),
    ),
    oembed="https://www.reddit.com/oembed?{query}",
    oembed_reads=frozenset({"title"}),
    parse=_parse,
    recognisers=(_recognise,),
)
"""Reddit (base-36 ids carry no time)."""
