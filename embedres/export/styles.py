"""Hand-written APA 7, MLA 9, Chicago 17 and Harvard (Cite Them Right) references for posts.

citeproc-py renders ``post`` items with the real CSL styles, but not in the forms the manuals
give for social media (MLA's handle-first author, Chicago's ``Name (@handle)``, APA's
``[Image attached]`` before ``[Tweet]``, punctuation inside quotation marks): see
``docs/citations.md``. So these four styles are templates here, one small function each,
built as segments (plain text, italic text, URL) that render as plain text or as HTML.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Callable
from datetime import date
from urllib.parse import quote

from embedres.errors import InvalidArgument
from embedres.export.protocol import Citable

__all__ = ["STYLES", "long_date", "render", "safe_url", "to_markdown"]

Segment = tuple[str, str]  # (kind, text): "t" plain, "i" italic, "u" URL, "m" URL shown bare

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# MLA 9 abbreviates months of more than four letters (MLA Handbook 9th ed., appendix 1).
MLA_MONTHS = [
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
APA_WORDS = 20  # APA 7: the first twenty words of the post are its title
CHICAGO_CHARS = 160  # CMOS 17 14.209: up to the first 160 characters
MLA_CHARS = 280  # longer posts are shortened with an ellipsis (MLA Style Center)


def long_date(day: date) -> str:
    """Format a date as ``17 November 2015`` (Wikipedia dmy, Harvard access dates).

    >>> long_date(date(2015, 11, 17))
    '17 November 2015'
    """
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def safe_url(url: str | None) -> str | None:
    """Return ``url`` when it is http(s), else None (no ``javascript:`` in output).

    >>> safe_url("javascript:alert(1)") is None
    True
    >>> safe_url(" https://t.co/x ")
    'https://t.co/x'
    >>> safe_url("https://a.example/x y|z")
    'https://a.example/x%20y%7Cz'
    """
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")):
        return None
    # Characters that would end a URL in Markdown, wikitext or HTML are percent-encoded.
    return quote(url, safe="/:?#@!$&'()*+,;=%~-._")


def _is_media(word: str) -> bool:
    return word.lower().startswith(("pic.twitter.com/", "pic.x.com/"))


def _cut(text: str, limit: int) -> str:
    """Shorten ``text`` to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return head.rstrip(" ,;:") + "…"


def _end(text: str, mark: str = ".") -> str:
    """Add ``mark`` unless the text already ends with terminal punctuation."""
    return text if text.endswith((".", "?", "!", "…")) else text + mark


def _media_label(c: Citable) -> str | None:
    return {"image": "Image attached", "video": "Video attached"}.get(c.media or "")


def _author(c: Citable, end: str) -> list[Segment]:
    """``Name [@handle]`` (APA and Harvard), or whichever of the two is known, then ``end``."""
    if c.author_name and c.author_handle:
        return [("t", f"{c.author_name} [@{c.author_handle}]{end}")]
    if c.author_name or c.author_handle:
        return [("t", f"{c.author_name or '@' + str(c.author_handle)}{end}")]
    return []


def _apa(c: Citable) -> list[Segment]:
    day = c.published
    s_date = f"({day.year}, {MONTHS[day.month - 1]} {day.day}). " if day else "(n.d.). "
    words = [w for w in (c.text or "").split() if not _is_media(w)][:APA_WORDS]
    brackets = [c.translation, _media_label(c), c.genre]
    described = " ".join(f"[{b}]" for b in brackets if b)
    title: list[Segment] = [("i", " ".join(words)), ("t", " ")] if words else []
    title.append(("t", described + "."))
    author = _author(c, ". ")
    # APA 7 (8.14, 9.12): with no author the title (or, without one, the description) moves
    # to the author position, before the date.
    out = [*author, ("t", s_date), *title] if author else [*title, ("t", " " + s_date.rstrip())]
    if c.platform_label:
        out.append(("t", f" {c.platform_label}."))
    if safe_url(c.url):
        out += [("t", " "), ("u", str(c.url))]
    return out


def _mla(c: Citable) -> list[Segment]:
    out: list[Segment] = []
    if c.author_handle:
        name = f" ({c.author_name})" if c.author_name else ""
        out.append(("t", f"@{c.author_handle}{name}. "))
    elif c.author_name:
        out.append(("t", f"{c.author_name}. "))
    if c.text:
        out.append(("t", f"“{_end(_cut(c.text, MLA_CHARS))}” "))
    out += [("i", c.platform_label or c.genre)]
    day = c.published
    if day:
        out.append(("t", f", {day.day} {MLA_MONTHS[day.month - 1]} {day.year}"))
    url = safe_url(c.url)
    if url:  # MLA 9 drops the scheme from displayed URLs
        out += [("t", ", "), ("m", url), ("t", ".")]
    else:
        out.append(("t", "."))
    return out


def _chicago(c: Citable, *, note: bool) -> list[Segment]:
    sep = ", " if note else ". "
    out: list[Segment] = []
    who = c.author_name or (f"@{c.author_handle}" if c.author_handle else "")
    if who:
        handle = f" (@{c.author_handle})" if c.author_name and c.author_handle else ""
        out.append(("t", f"{who}{handle}{sep}"))
    if c.text:
        quoted = _cut(c.text, CHICAGO_CHARS)
        if note:  # CMOS 6.9: the comma replaces a final period, and follows an ellipsis
            quoted = quoted[:-1] + "," if quoted.endswith(".") else _end(quoted, ",")
            quoted = quoted + "," if quoted.endswith("…") else quoted
        else:
            quoted = _end(quoted, ".")
        out.append(("t", f"“{quoted}” "))
    out.append(("t", c.platform_label or c.genre))
    day = c.published
    if day:
        out.append(("t", f", {MONTHS[day.month - 1]} {day.day}, {day.year}"))
    url = safe_url(c.url)
    if url:
        out += [("t", sep), ("u", url), ("t", ".")]
    else:
        out.append(("t", "."))
    return out


def _harvard(c: Citable) -> list[Segment]:
    day = c.published
    year = f"({day.year}) " if day else "(no date) "
    # The closing quotation mark ends the title; a text that ends with its own punctuation
    # takes no second full stop (``‘here.’`` not ``‘here.’.``).
    quoted = (
        [("t", f"‘{c.text}’" + ("" if _end(c.text) == c.text else ".") + " ")] if c.text else []
    )
    author = _author(c, " ")
    # Cite Them Right: with no author the title comes first, then the year.
    out: list[Segment] = [*author, ("t", year), *quoted] if author else [*quoted, ("t", year)]
    out.append(("t", f"[{c.platform_label or c.genre}]"))
    if day:
        out.append(("t", f" {day.day} {MONTHS[day.month - 1]}"))
    out.append(("t", "."))
    url = safe_url(c.url)
    if url:
        out += [("t", " Available at: "), ("u", url)]
        if c.accessed:
            out.append(("t", f" (Accessed: {long_date(c.accessed)})"))
        out.append(("t", "."))
    return out


def _link(c: Citable) -> list[Segment]:
    """A link found outside posts: the manuals' web-page forms need a title and an author
    that a bare link lacks, so every style gives the URL and the access date."""
    out: list[Segment] = [("u", str(safe_url(c.url) or ""))]
    if c.accessed:
        out.append(("t", f" (accessed {long_date(c.accessed)})"))
    out.append(("t", "."))
    return out


STYLES: dict[str, Callable[[Citable], list[Segment]]] = {
    "apa": _apa,
    "mla": _mla,
    "chicago": lambda c: _chicago(c, note=False),
    "chicago-note": lambda c: _chicago(c, note=True),
    "harvard": _harvard,
}


def _bare(url: str) -> str:
    return url.split("://", 1)[1] if "://" in url else url


def _join(segments: list[Segment], *, html: bool) -> str:
    if not html:
        return "".join(_bare(text) if kind == "m" else text for kind, text in segments)
    parts = []
    for kind, text in segments:
        esc = _html.escape(text, quote=True)
        if kind == "i":
            parts.append(f"<i>{esc}</i>")
        elif kind in ("u", "m"):
            shown = _html.escape(_bare(text)) if kind == "m" else esc
            parts.append(f'<a href="{esc}">{shown}</a>')
        else:
            parts.append(esc)
    return "".join(parts)


def render(c: Citable, style: str, *, html: bool = False) -> str:
    """Render ``c`` in one of :data:`STYLES`.

    Args:
        c: the citation.
        style: a key of :data:`STYLES`.
        html: HTML (escaped, ``<i>``, ``<a>``) instead of plain text.

    Returns:
        The reference text.

    Raises:
        InvalidArgument: ``style`` is not one of :data:`STYLES`.
    """
    try:
        build = STYLES[style]
    except KeyError:
        raise InvalidArgument(f"unknown style {style!r}") from None
    return _join(_link(c) if c.kind == "link" else build(c), html=html)


# Inline markup of CommonMark, GFM and pandoc's Markdown: ``@`` starts a pandoc citation,
# ``$`` math, ``^``/``~`` super/subscript and strikeout, ``#`` a heading or header attribute;
# ``<`` and ``&`` are HTML-escaped, so no raw HTML or entity comes from post text.
_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]|~@$^#"})
# A URL in running text would autolink under GFM (and pandoc's autolink_bare_uris): written
# ``https&#58;//…`` it is shown as text, and only the cited URLs are links.
_MD_URL = re.compile(r"(?i)(?<=[a-z0-9+.-])://")


def _md(text: str) -> str:
    r"""Escape ``text`` for Markdown: HTML-escaped, inline markup backslashed, URLs unlinked.

    >>> _md("@RT $5 <i>x</i> https://t.co/x")
    '\\@RT \\$5 &lt;i&gt;x&lt;/i&gt; https&#58;//t.co/x'
    """
    escaped = _html.escape(text, quote=False).translate(_MD_SPECIAL)
    return _MD_URL.sub("&#58;//", escaped.replace("www.", "www&#46;"))


def to_markdown(c: Citable, label: str = "1") -> str:
    """Return ``c`` as one Markdown footnote line.

    Args:
        c: the citation.
        label: the footnote label (letters, digits, ``-`` and ``_``).

    Returns:
        ``[^label]: Author (@handle), “text”, Platform, date, <url> (archived <url>, date).``

    Raises:
        InvalidArgument: the label holds other characters.
    """
    if not isinstance(label, str) or not label or not all(c.isalnum() or c in "-_" for c in label):
        raise InvalidArgument(f"bad footnote label {label!r}")
    url, snap = safe_url(c.url), c.snapshot
    if c.kind == "link":
        body = f"<{url}>" + (f", accessed {long_date(c.accessed)}" if c.accessed else "")
    else:
        parts = [_md(seg) for kind, seg in _chicago(c, note=True) if kind not in ("u", "m")]
        body = "".join(parts).rstrip(".").rstrip(", ")
        if url:
            body += f", <{url}>"
    archived = safe_url(snap.archive_url) if snap else None
    if snap and archived:
        body += f" (archived <{archived}>, {long_date(snap.archived_at.date())})"
    return f"[^{label}]: {body}."
