"""Threads: post URLs, blockquote embeds; ids are Instagram shortcodes (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from embedres.detect.found import Found, classes
from embedres.detect.markup import Document
from embedres.platforms.base import (
    ParseUrl,
    Platform,
    PostRef,
    found_from_ref,
    split_url,
)
from embedres.platforms.instagram import shortcode_time

__all__ = ["PLATFORM"]

_POST = re.compile(r"^/@(?P<u>[A-Za-z0-9._]{1,30})/post/(?P<id>[A-Za-z0-9_-]{5,40})(?:/embed)?/?$")
_T = re.compile(r"^/t/(?P<id>[A-Za-z0-9_-]{5,40})/?$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _POST.match(path)
    if m:
        url = f"https://www.threads.net/@{m['u']}/post/{m['id']}"
        return PostRef("threads", m["id"], url, m["u"])
    m = _T.match(path)
    return PostRef("threads", m["id"], f"https://www.threads.net/t/{m['id']}") if m else None


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name != "blockquote" or "text-post-media" not in classes(el):
        return None
    return found_from_ref("threads", doc, index, parse, el.attrs.get("data-text-post-permalink"))


# Text extractors may fuse the two lines: "Post by @handleView on Threads".
_POST_BY = re.compile(r"Post by @(?P<h>[A-Za-z0-9._]{1,30}?)[\s\u00a0]{0,6}View on Threads")


def _find_text(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``Post by @handle View on Threads``."""
    for m in _POST_BY.finditer(text):
        yield Found("threads", (m.start(), m.end()), form="text", author_handle=m["h"])


# Markdown made from the embed: "[Post by @handleView on\n> Threads](permalink)" (html2text
# fuses the two divs), "[ View on Threads](permalink)" (Turndown).
_MD_VIEW = re.compile(
    r"\[[ \t]{0,3}(?:Post by @[A-Za-z0-9._]{1,30}?[\s>]{0,8})?View on[\s>]{1,8}Threads[ \t]{0,3}"
    r"\]\((?P<url>[^()\s]{1,400})\)"
)


def _find_markdown(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``[Post by @handle View on Threads](permalink)`` and ``[ View on Threads](permalink)``."""
    if "Threads]" not in text:
        return
    for m in _MD_VIEW.finditer(text):
        parts = split_url(m["url"])
        ref = _parse(*parts) if parts is not None and parts[0] in _HOSTS else None
        if ref is not None:
            yield Found("threads", m.span(), form="text").with_ref(ref)


_HOSTS = frozenset({"threads.net", "threads.com"})

PLATFORM = Platform(
    name="threads",
    label="Threads",
    genre="Post",
    hosts=_HOSTS,
    parse=_parse,
    recognisers=(_recognise,),
    text_recognisers=(_find_markdown, _find_text),
    embed_classes=frozenset({"text-post-media"}),
    widget_scripts=(("www.threads.net", "/embed.js"), ("www.threads.com", "/embed.js")),
    post_time=shortcode_time,
)
"""Threads (Meta: oEmbed needs a token)."""
