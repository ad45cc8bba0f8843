"""Markdown as an input: sniffing, shortcodes, and link labels wrapped over lines (pure).

Static-site and migration pipelines (html2text, pandoc, Turndown, markdownify) store articles
as Markdown, often with raw HTML embeds left in place (Hugo, Jekyll, Ghost). This module knows
Markdown's own syntax only; which post a shortcode names is asked of the platform modules
(:attr:`embedres.platforms.base.Platform.shortcode`).

Every pattern here is anchored on a literal opener (``{{<``, ``{%``, ``[``, ``<`` + capital)
and bounded, so scanning stays linear in the input (tested on pathological inputs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Shortcode", "code_spans", "find_shortcodes", "label_text", "looks_like_markdown"]

# Signals of Markdown: a link or image "](http" or "](//", a quote line; or a shortcode. No
# "^" anchor and no groups, so the engine skips ahead to the characters that can start a match.
_SIGNAL = re.compile(r"\]\((?:https?:)?//|\n>[ \t]")
_CODE_SIGNAL = re.compile(
    r"\{\{[<%]|\{%[ \t]|\[embed\]|\[tweet[ \]]"
    r"|<(?:Tweet|XEmbed|TwitterTweetEmbed|XPost|Instagram|InstagramEmbed|YouTube|YouTubeEmbed|"
    r"TikTok|TikTokEmbed|Bluesky|BlueskyEmbed)[ \t\n/>]"
)
# Any shortcode opener: most texts have none, and one pass says so.
_OPENER = re.compile(
    r"\{\{[<%]|\{%|\[(?:embed|tweet|twitter|instagram|youtube|tiktok)\b"
    r"|<[A-Z][A-Za-z]{2,20}[ \t\n/>]"
)
# A whole HTML document (not a fragment with Markdown around it).
_HTML_DOC = re.compile(r"<(?:!doctype|html[\s>]|body[\s>])", re.IGNORECASE)

_HUGO = re.compile(
    r"\{\{[<%][ \t]{0,4}(?P<name>[A-Za-z_][\w-]{0,30})(?P<args>[^{}\n]{0,600}?)[ \t]{0,4}/?[>%]\}\}"
)
_JEKYLL = re.compile(r"\{%[ \t]{0,4}(?P<name>[A-Za-z_]\w{0,30})(?P<args>[^%{}\n]{0,600}?)%\}")
_WP_EMBED = re.compile(
    r"\[embed(?P<args>[ \t][^\]\n]{0,200})?\][ \t]{0,4}(?P<url>[^\[\]\s]{1,600})"
    r"[ \t]{0,4}\[/embed\]"
)
_WP_CODE = re.compile(
    r"\[(?P<name>tweet|twitter|instagram|youtube|tiktok)(?P<args>[ \t][^\[\]\n]{1,600})\](?!\()"
)
_WP_OPENERS = ("[tweet", "[twitter", "[instagram", "[youtube", "[tiktok")
_JSX = re.compile(
    r"<(?P<name>Tweet|XEmbed|TwitterTweetEmbed|XPost|Instagram|InstagramEmbed|YouTube|"
    r"YouTubeEmbed|TikTok|TikTokEmbed|Bluesky|BlueskyEmbed)(?P<args>[ \t\n][^<>]{0,600}?)?/?>"
)
_ARG = re.compile(
    r"(?P<k>[A-Za-z_][\w-]{0,30})[ \t]{0,2}=[ \t]{0,2}"
    r"(?:\"(?P<dq>[^\"]{0,600})\"|'(?P<sq>[^']{0,600})'|\{[ \t]?[\"'`]?(?P<br>[^\"'`{}]{0,600})"
    r"[\"'`]?[ \t]?\}|(?P<bare>[^\s\"'=]{1,600}))"
    r"|\"(?P<pdq>[^\"]{0,600})\"|'(?P<psq>[^']{0,600})'|(?P<pos>[^\s\"'=]{1,600})"
)
_WRAP = re.compile(r"[ \t]*\r?\n[ \t>]*")
# Inline code: a run of one to three backticks closed by the same run on the same line.
# An indented code block: lines of four spaces or a tab after a blank line (LF or CRLF).
_INDENTED = re.compile(r"(?m)^[ \t]*\r?\n(?P<code>(?:(?: {4}|\t)[^\n]*(?:\n|$))+)")
_RAW_OPEN = re.compile(r"\{%-?[ \t]{0,4}raw[ \t]{0,4}-?%\}")
_RAW_CLOSE = re.compile(r"\{%-?[ \t]{0,4}endraw[ \t]{0,4}-?%\}")
_INLINE_CODE = re.compile(r"(?<!`)(?P<tick>`{1,3})(?!`)[^`\n]{1,500}?(?<!`)(?P=tick)(?!`)")


@dataclass(frozen=True, slots=True)
class Shortcode:
    """One shortcode, Liquid tag or JSX component as written."""

    span: tuple[int, int]
    """Offsets of the whole shortcode in the text."""
    name: str
    """Its name, lower-cased (``tweet``, ``x``, ``instagram``, ``embed``...)."""
    positional: tuple[str, ...]
    """Arguments without a name, in order."""
    keywords: dict[str, str]
    """Named arguments (names lower-cased)."""


def looks_like_markdown(text: str, *, shortcodes: bool = True) -> bool:
    """Guess whether ``text`` is Markdown (possibly with raw HTML), not a whole HTML page.

    Args:
        text: the input.
        shortcodes: whether a shortcode alone says Markdown (WordPress stores HTML with
            ``[embed]`` shortcodes in it, so the extractor passes False for HTML-looking input).

    Returns:
        True when a Markdown link or quote line (or, with ``shortcodes``, a shortcode) is there.

    >>> looks_like_markdown("> hi\\n> — A (@a) [May 1, 2019](https://x.com/a/status/1)")
    True
    >>> looks_like_markdown("<html><body><p>[a](https://b.org)</p></body></html>")
    False
    >>> looks_like_markdown("<p>Hi</p>[embed]https://x.com/a/status/1[/embed]", shortcodes=False)
    False
    """
    if _HTML_DOC.search(text, 0, 4096) is not None:
        return False
    if text.startswith("> "):
        return True
    if _SIGNAL.search(text) is not None:
        return True
    return shortcodes and _CODE_SIGNAL.search(text) is not None


def _args(text: str) -> tuple[tuple[str, ...], dict[str, str]]:
    positional: list[str] = []
    keywords: dict[str, str] = {}
    for m in _ARG.finditer(text[:600]):
        if m["k"] is not None:
            value = next((v for v in (m["dq"], m["sq"], m["br"], m["bare"]) if v is not None), "")
            keywords.setdefault(m["k"].lower(), value.strip())
        else:
            value = next((v for v in (m["pdq"], m["psq"], m["pos"]) if v is not None), "")
            if value.strip() and len(positional) < 8:
                positional.append(value.strip())
    return tuple(positional), keywords


def find_shortcodes(text: str) -> Iterator[Shortcode]:
    """Yield Hugo, Jekyll/Liquid, WordPress and MDX/JSX shortcodes in ``text``.

    Args:
        text: Markdown (or any text).

    Returns:
        An iterator of :class:`Shortcode`, per syntax in document order.

    >>> codes = find_shortcodes('{{< tweet user="a" id="20" >}}')
    >>> [(s.name, s.positional, s.keywords) for s in codes]
    [('tweet', (), {'user': 'a', 'id': '20'})]
    >>> [(s.name, s.positional) for s in find_shortcodes("[embed]https://x.com/a/status/1[/embed]")]
    [('embed', ('https://x.com/a/status/1',))]
    """
    if _OPENER.search(text) is None:
        return
    if "{{" in text:
        for m in _HUGO.finditer(text):
            yield Shortcode(m.span(), m["name"].lower(), *_args(m["args"]))
    if "{%" in text:
        for m in _JEKYLL.finditer(text):
            yield Shortcode(m.span(), m["name"].lower(), *_args(m["args"]))
    if "[embed" in text:
        for m in _WP_EMBED.finditer(text):
            yield Shortcode(m.span(), "embed", (m["url"],), _args(m["args"] or "")[1])
    if any(opener in text for opener in _WP_OPENERS):
        for m in _WP_CODE.finditer(text):
            yield Shortcode(m.span(), m["name"].lower(), *_args(m["args"]))
    if "<" in text:
        for m in _JSX.finditer(text):
            yield Shortcode(m.span(), m["name"].lower(), *_args(m["args"] or ""))


def label_text(label: str) -> str:
    """A Markdown link label hard-wrapped over quote lines, joined back into one line.

    >>> label_text("March 9,\\n> 2019")
    'March 9, 2019'
    """
    return _WRAP.sub(" ", label).strip()


def _hidden_spans(text: str) -> list[tuple[int, int]]:
    """Closed HTML comments (never shown) and Liquid ``{% raw %}`` blocks (shown as written).

    Each opener is looked for once and an unclosed one ends the search, so this is linear.
    """
    spans = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        spans.append((start, end + 3))
        pos = end + 3
    if "raw" in text:
        pos = 0
        while (raw := _RAW_OPEN.search(text, pos)) is not None:
            close = _RAW_CLOSE.search(text, raw.end())
            if close is None:
                break
            spans.append((raw.start(), close.end()))
            pos = close.end()
    return spans


def code_spans(text: str) -> list[tuple[int, int]]:
    """Spans of inline code (`` `...` ``), indented code blocks, HTML comments and Liquid
    raw blocks, where shortcodes and embeds are documentation or hidden (fenced blocks are
    found by ``plain_document``).

    >>> code_spans("Use `{{< tweet id=1 >}}` here")
    [(4, 24)]
    >>> code_spans("Code:\\n\\n    <blockquote>\\n\\nText")
    [(7, 24)]
    >>> code_spans("a <!-- {{< tweet id=1 >}} --> {% raw %}{% twitter u %}{% endraw %}")
    [(2, 29), (30, 66)]
    """
    spans = _hidden_spans(text)
    if "\n    " in text or "\n\t" in text:
        spans = [m.span("code") for m in _INDENTED.finditer(text)]
    if "`" in text:
        spans += [m.span() for m in _INLINE_CODE.finditer(text)]
    return sorted(spans)
