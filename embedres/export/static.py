"""Replace social embeds in HTML by static, privacy-friendly blockquotes (pure, offline).

Each platform's embed code loads a script from the platform, which then sets cookies and reports
every page view. :func:`replace_embeds` swaps each embed (located by ``Post.span``, offsets into
the raw HTML) for a plain ``<blockquote>`` holding the text, the author, the date, a link to the
post and a link to its archived copy, and drops the platforms' widget scripts, so the page makes
no third-party request at all.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from embedres.errors import InvalidArgument
from embedres.export.protocol import Citable
from embedres.export.styles import long_date, safe_url
from embedres.platforms.embeds import WIDGET_SCRIPTS as _WIDGETS
from embedres.platforms.embeds import is_widget_script

__all__ = ["WIDGET_SCRIPTS", "replace_embeds", "static_blockquote"]

WIDGET_SCRIPTS = _WIDGETS
"""(host, path prefix) of the widget scripts that are removed, from the platform registry;
Mastodon's ``/embed.js`` (host ``""``) is removed from the instances whose posts were replaced."""

# Bounded repetitions keep these linear on hostile markup (no nested unbounded quantifiers).
_SCRIPT = re.compile(r"<script\b([^>]{0,4000})>\s{0,1000}</script\s{0,20}>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s{0,20}=\s{0,20}["']?([^"'\s>]{1,2000})""", re.IGNORECASE)
_FB_ROOT = re.compile(
    r"""<div\s{1,20}id\s{0,20}=\s{0,20}["']?fb-root["']?\s{0,20}>\s{0,100}</div>"""
)


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
    >>> "&mdash; Ann · Bluesky · <a href=" in out and "<script" not in out
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
    if who:
        byline.append("&mdash; " + _esc(who))
    if c.platform_label:
        byline.append(_esc(c.platform_label))
    when = (post.published_text if post else None) or (
        long_date(c.published) if c.published else None
    )
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


def _is_widget(src: str, extra_hosts: set[str]) -> bool:
    return is_widget_script(src, own_hosts=extra_hosts)


def _strip_widgets(html: str, extra_hosts: set[str]) -> str:
    def drop(m: re.Match[str]) -> str:
        src = _SRC.search(m.group(1))
        return "" if src and _is_widget(_html.unescape(src.group(1)), extra_hosts) else m.group(0)

    return _FB_ROOT.sub("", _SCRIPT.sub(drop, html))


def replace_embeds(
    html: str,
    citations: Iterable[Citable],
    *,
    render: Callable[[Citable], str] = static_blockquote,
) -> str:
    """Return ``html`` with every embedded post replaced by static markup.

    Args:
        html: the article's HTML, the same string the citations' spans index.
        citations: citations of the posts to replace (from :func:`embedres.cite` on ``html``).
            :func:`embedres.replace_embeds` also takes None, to detect the embeds itself.
        render: turns a citation into the replacement HTML (default :func:`static_blockquote`).

    Returns:
        The HTML with embeds replaced (in document order) and the platforms' widget scripts
        removed. Posts found in flattened text or as bare URLs are left as they are.

    Raises:
        InvalidArgument: ``html`` is not a str, or a span does not fit in it.
    """
    if not isinstance(html, str):
        raise InvalidArgument(f"replace_embeds() takes a str, not {type(html).__name__}")
    chosen = sorted(
        (c for c in citations if c.post is not None and c.post.form == "html"),
        key=lambda c: c.post.span if c.post else (0, 0),
    )
    out: list[str] = []
    pos = 0
    instances: set[str] = set()
    for c in chosen:
        assert c.post is not None
        start, end = c.post.span
        if not 0 <= start < end <= len(html):
            raise InvalidArgument(f"span {c.post.span} does not fit in the HTML ({len(html)})")
        if start < pos:  # nested or overlapping with the previous embed: already replaced
            continue
        out += [html[pos:start], render(c)]
        pos = end
        if c.platform == "mastodon" and c.url:
            instances.add((urlsplit(c.url).hostname or "").lower())
    out.append(html[pos:])
    return _strip_widgets("".join(out), instances)
