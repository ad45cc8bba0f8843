"""Recognise embed markup with the registered platforms' recognisers (pure).

Each recogniser looks at one recorded element of a :class:`~embedres.detect.markup.Document`
(``blockquote``, ``iframe``, ``script``, ``amp-*``, plugin ``div``) and returns a
:class:`~embedres.detect.found.Found` or None. :func:`find_html_posts` runs them over a
document: an element inside an embed already recognised is skipped (an outer embed wins),
and the platform's loader script right after a block is counted in the block's span.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from urllib.parse import urlsplit

from embedres.detect.found import Found, classes
from embedres.detect.markup import Document, Trigger
from embedres.platforms.base import Recogniser
from embedres.platforms.posturls import parse_post_url
from embedres.platforms.registry import PLATFORMS
from embedres.platforms.wrappers import MARKUP_TRIGGERS as WRAPPER_TRIGGERS
from embedres.platforms.wrappers import RECOGNISERS as WRAPPER_RECOGNISERS

__all__ = [
    "MARKUP_TRIGGERS",
    "RECOGNISERS",
    "WIDGET_SCRIPTS",
    "find_html_posts",
    "is_widget_script",
]

RECOGNISERS: tuple[Recogniser, ...] = (
    *(r for p in PLATFORMS for r in p.recognisers),
    *WRAPPER_RECOGNISERS,
)
"""Every recogniser, tried in order on each recorded element (embed services last)."""
WIDGET_SCRIPTS: tuple[tuple[str, str], ...] = tuple(
    script for p in PLATFORMS for script in p.widget_scripts
)
"""(host, path prefix) of every platform's loader script; host ``""``: the post's own host."""
_EMBED_CLASSES = frozenset(c for p in PLATFORMS for c in p.embed_classes)
MARKUP_TRIGGERS: tuple[Trigger, ...] = (
    *(t for p in PLATFORMS for t in p.markup_triggers),
    *WRAPPER_TRIGGERS,
)
"""Elements :func:`embedres.detect.markup.parse_html` must record for the recognisers."""


def is_widget_script(src: str, own_hosts: Collection[str] | None = None) -> bool:
    """Say whether ``src`` loads a platform's embed widget.

    Args:
        src: a script's ``src`` (scheme-relative allowed).
        own_hosts: hosts where host-less entries (Mastodon's ``/embed.js``) count;
            None means any host.

    Returns:
        True for a widget script.

    >>> is_widget_script("//platform.twitter.com/widgets.js")
    True
    >>> is_widget_script("https://example.org/embed.js", own_hosts=())
    False
    """
    if src.startswith("//"):
        src = "https:" + src
    try:
        parts = urlsplit(src)
    except ValueError:
        return False
    host, path = (parts.hostname or "").lower(), parts.path
    for h, prefix in WIDGET_SCRIPTS:
        if not path.startswith(prefix):
            continue
        if host == h or (not h and (own_hosts is None or host in own_hosts)):
            return True
    return False


def _extend_to_script(doc: Document, index: int, found: Found) -> Found:
    """Count the platform's loader script right after the block in its span."""
    for el in doc.elements[index + 1 : index + 64]:
        if el.start < found.span[1]:
            continue
        gap = doc.source[found.span[1] : el.start]
        if el.name == "script" and not gap.strip() and is_widget_script(el.attrs.get("src", "")):
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
            post = recognise(doc, index, parse_post_url)
            if post is not None:
                post = replace(post, vis_span=(el.vis_start, max(el.vis_end, el.vis_start)))
                found.append(_extend_to_script(doc, index, post))
                covered = el.end
                break
        else:
            if classes(el) & _EMBED_CLASSES:
                covered = el.end  # an embed too broken to read: nothing inside it is one
    return found
