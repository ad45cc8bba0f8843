"""biblatex ``@online`` entries for citations.

Fields follow the biblatex manual (``@online``: author, title, date, url, urldate;
``organization``, ``langid``, ``titleaddon``, ``entrysubtype``, ``addendum``) and the way
biblatex-apa models tweets (``entrysubtype = {Tweet}``, ``titleaddon = {Image attached}``).
Text is escaped for LaTeX (``# $ % & _ ~ ^ \\`` and braces as ``\\textbraceleft{}``, since
BibTeX counts ``\\{`` as a brace), so braces always balance; titles are case-protected; URLs go
in the verbatim ``url`` field with only braces, backslashes and spaces percent-encoded.
"""

from __future__ import annotations

from embedres.export.protocol import Citable
from embedres.export.styles import safe_url

__all__ = ["entry_key", "escape", "to_bibtex", "url_command", "url_field"]

# ``\{`` and ``\}`` still count as braces for BibTeX and biber, so one ``}`` in a post would
# unbalance its entry (biber then prints no reference at all): braces become text commands.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# Bidi and other format controls are invisible and unknown to pdfLaTeX's inputenc: dropped.
_LATEX.update({chr(cp): "" for cp in (*range(0x200B, 0x2010), *range(0x202A, 0x202F))})
_LATEX.update({chr(cp): "" for cp in (*range(0x2066, 0x206A), 0xFEFF)})
_LATEX.update({chr(cp): " " for cp in range(32)})
_LATEX_TABLE = str.maketrans(_LATEX)
# In a verbatim ``url`` field only braces, backslashes and spaces matter; inside ``\url{}`` in
# running text ``%`` and ``#`` must also be escaped (the url package reads ``\%``/``\#``).
_VERBATIM_URL = str.maketrans({ch: f"%{ord(ch):02X}" for ch in '{}\\ "<>^`'})
_URL_ARG = str.maketrans({"%": r"\%", "#": r"\#", "~": "%7E", "&": r"\&"})
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
    '50\\% of \\#Elysée\\_news \\textbraceleft{}x\\textbraceright{}'
    """
    return " ".join(text.translate(_LATEX_TABLE).split())


def entry_key(c: Citable) -> str:
    """The entry key: the citation's key (``twitter:666644331478798336``, see ``export.keys``).

    Args:
        c: the citation.

    Returns:
        A key of ASCII letters, digits and ``_ : . -``.
    """
    return c.key


def url_field(url: str | None) -> str | None:
    """An http(s) URL for biblatex's verbatim ``url`` field (only braces, ``\\``, spaces encoded).

    >>> url_field("https://a.example/x?q=[1]|{2}%20")
    'https://a.example/x?q=[1]|%7B2%7D%20'
    >>> url_field("javascript:alert(1)") is None
    True
    """
    if safe_url(url) is None:
        return None
    assert url is not None
    return url.strip().translate(_VERBATIM_URL)


def url_command(url: str) -> str:
    """``\\url{…}`` for running text (``addendum``): ``%``, ``#`` and ``&`` escaped as well.

    >>> print(url_command("https://web.archive.org/web/2020/https://x.example/a%20b#c"))
    \\url{https://web.archive.org/web/2020/https://x.example/a\\%20b\\#c}
    """
    return "\\url{" + url.translate(_URL_ARG) + "}"


def to_bibtex(c: Citable, key: str | None = None) -> str:
    """Return a biblatex ``@online`` entry for ``c``.

    The title is wrapped in a second pair of braces: biblatex-apa, the classic BibTeX styles and
    pandoc's BibTeX reader change the case of titles, and post text (and its case-sensitive
    short links) must be printed as written. No ``urldate``: APA 7's social-media examples have
    no "Retrieved ... from", which biblatex-apa prints whenever ``urldate`` is set.

    Args:
        c: the citation.
        key: the entry key (default :func:`entry_key`; exports pass keys made unique).

    Returns:
        The entry, one field per line, ending with ``}`` and a newline.
    """
    fields: list[tuple[str, str]] = []
    if c.author_name or c.author_handle:
        # Double braces keep a corporate or display name from being split into given/family.
        fields.append(("author", "{" + escape(c.author_name or "@" + str(c.author_handle)) + "}"))
    title = c.text or (c.url if c.kind == "link" else None)
    if title and escape(title):
        fields.append(("title", "{" + escape(title) + "}"))
    addon = {"image": "Image attached", "video": "Video attached"}.get(c.media or "")
    if addon:
        fields.append(("titleaddon", addon))
    if c.kind == "post":
        fields.append(("entrysubtype", c.genre))
    if c.published:
        fields.append(("date", c.published.isoformat()))
    url = url_field(c.url)
    if url:
        fields.append(("url", url))
    if c.accessed and c.kind == "link":
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
    archived = url_field(snap.archive_url) if snap is not None else None
    if snap is not None and archived:
        stamp = snap.archived_at.date().isoformat()
        notes.append(f"archived at {url_command(archived)} on {stamp}")
    if notes:
        fields.append(("addendum", ", ".join(notes)))
    width = max(len(k) for k, _ in fields) if fields else 0
    lines = [f"  {k.ljust(width)} = {{{v}}}" for k, v in fields]
    return f"@online{{{key or entry_key(c)},\n" + ",\n".join(lines) + "\n}\n"
