"""biblatex ``@online`` entries for citations.

Fields follow the biblatex manual (``@online``: author, title, date, url, urldate;
``organization``, ``langid``, ``titleaddon``, ``entrysubtype``, ``addendum``) and the way
biblatex-apa models tweets (``entrysubtype = {Tweet}``, ``titleaddon = {Image attached}``).
Text is escaped for LaTeX (``# $ % & _ { } ~ ^ \\``), so braces always balance; URLs go in
verbatim fields and are only percent-encoded.
"""

from __future__ import annotations

import re
import unicodedata

from embedres.export.protocol import Citable
from embedres.export.styles import safe_url

__all__ = ["entry_key", "escape", "to_bibtex"]

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_TABLE = str.maketrans(_LATEX)
# babel/polyglossia language names for the BCP 47 primary subtags seen most in embeds.
_LANGID = {
    "en": "english", "fr": "french", "de": "ngerman", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "ru": "russian", "ja": "japanese", "tr": "turkish",
    "pl": "polish", "sv": "swedish", "ar": "arabic", "uk": "ukrainian", "cs": "czech",
    "da": "danish", "fi": "finnish", "el": "greek", "he": "hebrew", "hu": "hungarian",
    "no": "norwegian", "ro": "romanian", "ko": "korean", "zh": "chinese",
}  # fmt: skip


def escape(text: str) -> str:
    r"""Escape text for a biblatex field.

    Args:
        text: any text.

    Returns:
        LaTeX-safe text on one line.

    >>> escape("50% of #Elysée_news {x}")
    '50\\% of \\#Elysée\\_news \\{x\\}'
    """
    return " ".join(text.translate(_LATEX_TABLE).split())


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def entry_key(c: Citable) -> str:
    """A citation key: author, year and first word of the title (``rtfrance2015francois``).

    Args:
        c: the citation.

    Returns:
        A key of ASCII letters and digits (``post`` when nothing better is known).
    """
    who = _ascii_word(c.author_name or c.author_handle or c.platform or "")
    year = str(c.published.year) if c.published else ""
    words = [_ascii_word(w) for w in (c.text or "").split()]
    first = next((w for w in words if w and not w.startswith("http")), "")
    return (who + year + first)[:60] or "post"


def to_bibtex(c: Citable) -> str:
    """Return a biblatex ``@online`` entry for ``c``.

    Args:
        c: the citation.

    Returns:
        The entry, one field per line, ending with ``}`` and a newline.
    """
    fields: list[tuple[str, str]] = []
    if c.author_name or c.author_handle:
        # Double braces keep a corporate or display name from being split into given/family.
        fields.append(("author", "{" + escape(c.author_name or "@" + str(c.author_handle)) + "}"))
    title = c.text or (c.url if c.kind == "link" else None)
    if title:
        fields.append(("title", escape(title)))
    addon = {"image": "Image attached", "video": "Video attached"}.get(c.media or "")
    if addon:
        fields.append(("titleaddon", addon))
    if c.kind == "post":
        fields.append(("entrysubtype", c.genre))
    if c.published:
        fields.append(("date", c.published.isoformat()))
    url = safe_url(c.url)
    if url:
        fields.append(("url", url))
    if c.accessed:
        fields.append(("urldate", c.accessed.isoformat()))
    if c.platform_label:
        fields.append(("organization", c.platform_label))
    lang = (c.language or "").split("-")[0].lower()
    if lang in _LANGID:
        fields.append(("langid", _LANGID[lang]))
    notes = []
    if c.author_handle:
        notes.append(escape(f"@{c.author_handle}"))
    snap = c.snapshot
    if snap is not None and safe_url(snap.archive_url):
        stamp = snap.archived_at.date().isoformat()
        notes.append(f"archived at \\url{{{safe_url(snap.archive_url)}}} on {stamp}")
    if notes:
        fields.append(("addendum", ", ".join(notes)))
    width = max(len(k) for k, _ in fields) if fields else 0
    lines = [f"  {k.ljust(width)} = {{{v}}}" for k, v in fields]
    return f"@online{{{entry_key(c)},\n" + ",\n".join(lines) + "\n}\n"
