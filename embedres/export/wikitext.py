"""Wikipedia citation templates: ``{{cite tweet}}`` for tweets, ``{{cite web}}`` for the rest.

Parameters follow the English Wikipedia documentation of Template:Cite tweet and
Template:Cite web (CS1). Every value is escaped so that post text can never open or close a
template, a link, a category, a tag or a table cell: ``|``, braces, square brackets, angle
brackets and ``~`` become character references (``&#124;`` rather than ``{{!}}``, so that no
template call at all comes from post text), ``"`` becomes ``'`` (the
template prints the title inside double quotes), and line breaks become spaces.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from embedres.detect.urls import SHORTENER_HOSTS, link_host
from embedres.errors import InvalidArgument
from embedres.export.protocol import Citable
from embedres.export.styles import long_date, safe_url

__all__ = ["escape", "is_shortener", "to_wikitext"]

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
# Bidi embeddings, overrides and isolates would reorder the rest of the rendered citation.
_BIDI = str.maketrans({chr(cp): "" for cp in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


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
    out = value.translate(_ESCAPES).translate(_BIDI)
    out = out.replace("''", "'&#39;").replace("__", "_&#95;")
    return " ".join(out.split())


# A URL in a title is a CS1 error ("External link in |title="), and shortener links anywhere
# are on Wikipedia's spam blacklist (the edit is refused): shortener links are dropped from
# titles, other URLs are shown without becoming links (``://`` written ``&#58;//``).
_TEXT_URL = re.compile(r"(?i)[a-z][a-z0-9+.-]{0,20}://[^\s]*")


def is_shortener(url: str | None) -> bool:
    """Whether ``url`` is on a link shortener (``t.co``, ``bit.ly``, ...: never cited).

    >>> is_shortener("https://t.co/CJ9ySZge7P"), is_shortener("https://twitter.com/a")
    (True, False)
    """
    if not url:
        return False
    try:
        return link_host(url) in SHORTENER_HOSTS
    except (ValueError, InvalidArgument):
        return False


def _title_text(text: str) -> str:
    def defang(m: re.Match[str]) -> str:
        return "" if is_shortener(m.group(0)) else m.group(0).replace("://", "&#58;//")

    return " ".join(escape(_TEXT_URL.sub(defang, text)).split())


def _url(url: str | None) -> str | None:
    """An http(s) URL with the characters that end a wikitext URL (and ``~``) percent-encoded;
    None for shortener links, which the spam blacklist refuses."""
    safe = safe_url(url)
    if safe is None or is_shortener(safe):
        return None
    for ch, code in (("[", "%5B"), ("]", "%5D"), ("'", "%27"), ("~", "%7E")):
        safe = safe.replace(ch, code)
    return safe


def _render(name: str, params: list[tuple[str, str | None]]) -> str:
    """One template; URL parameters are already safe, every other value is escaped text."""
    body = "".join(
        f" |{key}={value if key in ('url', 'archive-url') else _title_text(value)}"
        for key, value in params
        if value
    )
    return "{{" + name + body + "}}"


def to_wikitext(c: Citable) -> str:
    """Return ``{{cite tweet}}`` for a tweet, ``{{cite web}}`` otherwise (rules in
    ``docs/citations.md``).

    ``{{cite tweet}}`` needs ``number`` and ``user`` (Module:Cite tweet shows a red error
    without them). A tweet lacking either is cited with ``{{cite web}}`` of its archived copy
    when there is one; otherwise the template is put inside an HTML comment that says what is
    missing, for an editor to complete. A link outside posts with no citable URL (a shortener
    that was not resolved) is commented out the same way.

    Args:
        c: the citation.

    Returns:
        One template (or one HTML comment) on one line.
    """
    snap = c.snapshot
    archive_url = _url(snap.archive_url) if snap is not None else None
    archive: list[tuple[str, str | None]] = []
    if snap is not None and archive_url:
        archive = [
            ("archive-url", archive_url),
            ("archive-date", long_date(snap.archived_at.date())),
            ("url-status", c.url_status),
        ]
    date = long_date(c.published) if c.published else None
    accessed = long_date(c.accessed) if c.accessed else None
    # CS1 requires a title: a post without text (an iframe embed) is named by kind and author;
    # a link is named by its host, never by its URL.
    who = c.author_name or (f"@{c.author_handle}" if c.author_handle else None)
    title = c.text if c.text and _title_text(c.text) else ""
    if not title:
        host = urlsplit(c.url or "").hostname if c.kind == "link" else None
        title = host or (f"{c.genre} by {who}" if who else c.genre)
    if c.platform == "twitter" and c.kind == "post":
        params: list[tuple[str, str | None]] = [
            ("author", c.author_name),
            ("user", c.author_handle),
            ("number", c.post_id),
            ("date", date),
            ("title", title),
            ("trans-title", c.translation),
            ("language", c.language),
            ("access-date", accessed),
            *archive,
        ]
        if c.post_id and c.author_handle:
            return _render("cite tweet", params)
        missing = "number= (the status id)" if not c.post_id else "user= (the handle)"
        if not archive_url:
            return (
                f"<!-- embedres: {{{{cite tweet}}}} needs |{missing}; complete it: "
                + _render("cite tweet", params)
                + " -->"
            )
    author = c.author_name
    if c.author_handle:
        author = f"{author} (@{c.author_handle})" if author else f"@{c.author_handle}"
    url = _url(c.url)
    if url is None and archive_url and c.kind == "post":
        url, archive = archive_url, []  # cite the archived copy itself
    params = [
        ("author", author),
        ("date", date),
        ("title", title),
        ("trans-title", c.translation),
        ("url", url),
        ("website", c.platform_label),
        ("type", c.genre if c.kind == "post" else None),
        ("language", c.language),
        ("access-date", accessed),
        *archive,
    ]
    if url is None:
        if archive_url:  # a link whose own URL cannot be cited: its archived copy can
            params = [
                (k, archive_url if k == "url" else v) for k, v in params if k != "archive-url"
            ]
            params = [(k, v) for k, v in params if k not in ("archive-date", "url-status")]
            return _render("cite web", params)
        why = " (shortener links are on Wikipedia's spam blacklist)" if is_shortener(c.url) else ""
        return (
            f"<!-- embedres: no citable URL{why}; complete |url=: "
            + _render("cite web", params)
            + " -->"
        )
    return _render("cite web", params)
