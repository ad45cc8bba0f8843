"""Replace social embeds in HTML by static, privacy-friendly blockquotes (pure, offline).

Each platform's embed code loads a script from the platform, which then sets cookies and reports
every page view. :func:`replace_embeds` swaps each embed (located by ``Post.span``, offsets into
the raw HTML) for a plain ``<blockquote>`` holding the text, the author, the date, a link to the
post and a link to its archived copy, and drops the platforms' widget scripts, so the page makes
no third-party request at all.

The page is read with embedres' own HTML parser (:func:`embedres.detect.markup.parse_html`,
linear on hostile markup, and it reports each element's source offsets, so the rest of the
page is kept byte for byte). Only elements that parser sees are removed or replaced: a
``<script>`` written inside an attribute value, a tag or a ``srcdoc`` is not an element and is
left alone, so cutting it out can never splice ``java`` + ``script:`` or ``<scr`` + ``ipt>``
into something live; and a removal right after a lone ``<`` writes that ``<`` as ``&lt;`` so
the text that follows cannot become a tag.
"""

from __future__ import annotations

import html as _html
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from embedres.detect.markup import parse_html
from embedres.errors import InvalidArgument
from embedres.export.protocol import Citable
from embedres.export.styles import long_date, safe_url
from embedres.platforms.embeds import WIDGET_SCRIPTS as _WIDGETS
from embedres.platforms.embeds import is_widget_script

__all__ = ["WIDGET_SCRIPTS", "replace_embeds", "replacement", "static_blockquote"]

WIDGET_SCRIPTS = _WIDGETS
"""(host, path prefix) of the widget scripts that are removed, from the platform registry;
Mastodon's ``/embed.js`` (host ``""``) is removed from the instances whose posts were replaced."""

# Facebook's SDK mount point: an empty ``<div id="fb-root">`` that only its script uses.
_FB_ROOT = ("div", "id", "fb-root")


def _esc(text: str) -> str:
    return _html.escape(text, quote=True)


def static_blockquote(c: Citable) -> str:
    """Render one citation as a static ``<blockquote>`` (no script, no remote resource).

    Args:
        c: the citation of an embedded post.

    Returns:
        HTML: the text (line breaks kept), ``— Name (@handle)``, the platform, a link to the
        post labelled with its date, and a link to the archived copy when there is one.

    >>> from embedres import Citation, Post
    >>> out = static_blockquote(Citation(post=Post("bluesky", (0, 1), text="a <b>",
    ...     author_name="Ann", url="https://bsky.app/profile/ann/post/3l")))
    >>> out[:82]
    '<blockquote class="embedres-embed" data-platform="bluesky"><p>a &lt;b&gt;</p><foot'
    >>> "&mdash; <bdi>Ann</bdi> · Bluesky · <a href=" in out and "<script" not in out
    True
    """
    post = c.post
    parts = []
    if post is not None and post.text:
        lang = f' lang="{_esc(post.lang)}"' if post.lang else ""
        lines = "<br>".join(_esc(line) for line in post.text.strip().splitlines())
        parts.append(f"<p{lang}>{lines}</p>")
    byline = []
    who = c.author_name or ""
    if c.author_handle:
        who = f"{who} (@{c.author_handle})" if who else f"@{c.author_handle}"
    if who:  # <bdi>: a right-to-left override in a name cannot reorder the rest of the line
        byline.append(f"&mdash; <bdi>{_esc(who)}</bdi>")
    if c.platform_label:
        byline.append(_esc(c.platform_label))
    # One date format on the page: the embed's own wording only when no date was parsed.
    when = long_date(c.published) if c.published else (post.published_text if post else None)
    rel = 'rel="nofollow noopener noreferrer"'
    url = safe_url(c.url)
    if url:
        byline.append(f'<a href="{_esc(url)}" {rel}>{_esc(when or "View post")}</a>')
    elif when:
        byline.append(_esc(when))
    snap = c.snapshot
    if snap is not None and safe_url(snap.archive_url):
        byline.append(f'<a href="{_esc(str(safe_url(snap.archive_url)))}" {rel}>archived copy</a>')
    platform = _esc(c.platform or "web")
    footer = f"<footer>{' · '.join(byline)}</footer>" if byline else ""
    return (
        f'<blockquote class="embedres-embed" data-platform="{platform}">'
        f"{''.join(parts)}{footer}</blockquote>"
    )


def replacement(c: Citable) -> str:
    """The static markup that stands in for one embedded post (the default ``render``).

    The one place that decides how a post is shown once its embed is gone: today always
    :func:`static_blockquote`.

    Args:
        c: the citation of an embedded post.

    Returns:
        HTML with no script and no remote resource.
    """
    return static_blockquote(c)


def _removals(html: str, extra_hosts: set[str]) -> list[tuple[int, int]]:
    """Source spans of the widget scripts and ``fb-root`` mounts the parser finds."""
    lowered = html.lower()
    if "<script" not in lowered and "fb-root" not in lowered:
        return []  # nothing a parse could find: the page is returned untouched, unparsed
    spans = []
    for el in parse_html(html, (_FB_ROOT,)).elements:
        if el.name == "script" and is_widget_script(el.attrs.get("src", ""), extra_hosts):
            spans.append((el.start, el.end))
        elif el.name == "div" and el.attrs.get("id") == "fb-root":
            inner = html[html.find(">", el.start) + 1 : el.end]
            if not inner.lower().replace("</div>", "").strip():
                spans.append((el.start, el.end))
    return spans


def _splice(html: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply non-overlapping ``(start, end, new)`` edits in order; a lone ``<`` left right
    before a removal is escaped so that what follows cannot form a new tag."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], -e[1])):
        if start < pos:  # nested in, or overlapping, an edit already made
            continue
        kept = html[pos:start]
        if not new and kept.endswith("<"):
            kept = kept[:-1] + "&lt;"
        out += [kept, new]
        pos = end
    out.append(html[pos:])
    return "".join(out)


def replace_embeds(
    html: str,
    citations: Iterable[Citable],
    *,
    render: Callable[[Citable], str] = replacement,
) -> str:
    """Return ``html`` with every embedded post replaced by static markup.

    Args:
        html: the article's HTML, the same string the citations' spans index.
        citations: citations of the posts to replace (from :func:`embedres.cite` on ``html``).
            :func:`embedres.replace_embeds` also takes None, to detect the embeds itself.
        render: turns a citation into the replacement HTML (default :func:`replacement`).

    Returns:
        The HTML with embeds replaced (in document order) and the platforms' widget scripts
        removed. Posts found in flattened text or as bare URLs are left as they are.

    Raises:
        InvalidArgument: ``html`` is not a str, or a span does not fit in it.
    """
    if not isinstance(html, str):
        raise InvalidArgument(f"replace_embeds() takes a str, not {type(html).__name__}")
    chosen = [c for c in citations if c.post is not None and c.post.form == "html"]
    edits: list[tuple[int, int, str]] = []
    instances: set[str] = set()
    for c in chosen:
        assert c.post is not None
        start, end = c.post.span
        if not 0 <= start < end <= len(html):
            raise InvalidArgument(f"span {c.post.span} does not fit in the HTML ({len(html)})")
        if c.platform == "mastodon" and c.url:
            instances.add((urlsplit(c.url).hostname or "").lower())
        edits.append((start, end, render(c)))
    # Embeds first: a widget script inside an embed goes with it.
    replaced = _splice(html, edits)
    return _splice(replaced, [(s, e, "") for s, e in _removals(replaced, instances)])
