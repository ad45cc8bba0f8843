"""Wikipedia citation templates: ``{{cite tweet}}`` for tweets, ``{{cite web}}`` for the rest.

Parameters follow the English Wikipedia documentation of Template:Cite tweet and
Template:Cite web (CS1). Every value is escaped so that post text can never open or close a
template, a link, a category, a tag or a table cell: ``|``, braces, square brackets, angle
brackets and ``~`` become character references (``&#124;`` rather than ``{{!}}``, so that no
template call at all comes from post text), ``"`` becomes ``'`` (the
template prints the title inside double quotes), and line breaks become spaces.
"""

from __future__ import annotations

from embedres.export.protocol import Citable
from embedres.export.styles import long_date, safe_url

__all__ = ["escape", "to_wikitext"]

_ESCAPES = str.maketrans(
    {
        "{": "&#123;",
        "}": "&#125;",
        "[": "&#91;",
        "]": "&#93;",
        "<": "&lt;",
        ">": "&gt;",
        "~": "&#126;",
        "|": "&#124;",
        '"': "'",
        "\n": " ",
        "\r": " ",
        "\t": " ",
    }
)


def escape(value: str) -> str:
    """Escape a template parameter value.

    Args:
        value: any text (attacker-controlled post text included).

    Returns:
        Text that wikitext renders literally inside a template parameter.

    >>> escape("a | b }} {{Delete}} [[Category:Evil]]")
    'a &#124; b &#125;&#125; &#123;&#123;Delete&#125;&#125; &#91;&#91;Category:Evil&#93;&#93;'
    """
    # Two apostrophes would switch italics on; __NOTOC__-style magic words are defused too.
    out = value.translate(_ESCAPES).replace("''", "'&#39;").replace("__", "_&#95;")
    return " ".join(out.split())


def _url(url: str | None) -> str | None:
    """An http(s) URL with the characters that end a wikitext URL percent-encoded."""
    safe = safe_url(url)
    if safe is None:
        return None
    return safe.replace("[", "%5B").replace("]", "%5D").replace("'", "%27")


def to_wikitext(c: Citable) -> str:
    """Return ``{{cite tweet}}`` for a Twitter post, ``{{cite web}}`` otherwise.

    ``{{cite tweet}}`` is kept even when the status id is unknown: ``number`` is then left
    empty (the template flags it) and the citation carries a warning saying how to find it.

    Args:
        c: the citation.

    Returns:
        One template on one line.
    """
    snap = c.snapshot
    archive: list[tuple[str, str | None]] = []
    if snap is not None and _url(snap.archive_url):
        archive = [
            ("archive-url", _url(snap.archive_url)),
            ("archive-date", long_date(snap.archived_at.date())),
            ("url-status", c.url_status),
        ]
    date = long_date(c.published) if c.published else None
    accessed = long_date(c.accessed) if c.accessed else None
    # CS1 requires a title: a post without text (an iframe embed) is named by kind and author.
    who = c.author_name or (f"@{c.author_handle}" if c.author_handle else None)
    title = (
        c.text
        or (c.url if c.kind == "link" else None)
        or (f"{c.genre} by {who}" if who else c.genre)
    )
    if c.platform == "twitter" and c.kind == "post":
        params: list[tuple[str, str | None]] = [
            ("author", c.author_name),
            ("user", c.author_handle),
            ("number", c.post_id or ""),
            ("date", date),
            ("title", title),
            ("trans-title", c.translation),
            ("language", c.language),
            ("access-date", accessed),
            *archive,
        ]
        name = "cite tweet"
    else:
        author = c.author_name
        if c.author_handle:
            author = f"{author} (@{c.author_handle})" if author else f"@{c.author_handle}"
        params = [
            ("author", author),
            ("date", date),
            ("title", title),
            ("trans-title", c.translation),
            ("url", _url(c.url)),
            ("website", c.platform_label),
            ("type", c.genre if c.kind == "post" else None),
            ("language", c.language),
            ("access-date", accessed),
            *archive,
        ]
        name = "cite web"
    body = "".join(
        f" |{key}={escape(value) if key not in ('url', 'archive-url') else value}"
        for key, value in params
        if value is not None
    )
    return "{{" + name + body + "}}"
