"""URLs that must not be sent: credentials (``user:password@``) and lone surrogates.

The rule (docs/security.md, "Hostile servers and hostile records"): a URL with credentials is
refused wherever embedres would send it (a link, a redirect target, an archive request) and the
credentials never appear in a cache, a record or a message (:func:`redact`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["CREDENTIALS_REFUSED", "has_credentials", "redact", "usable_text"]

CREDENTIALS_REFUSED = "credentials in URLs (user:password@) are refused, never sent nor stored"
"""The error of a link or redirect carrying credentials (docs/security.md, rule 1)."""


def has_credentials(url: str) -> bool:
    """True when ``url``'s authority carries ``user[:password]@`` (refused everywhere).

    >>> has_credentials("https://u:p@e.example/x"), has_credentials("https://e.example/@x")
    (True, False)
    """
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return "@" in url.split("/", 3)[2] if url.count("/") >= 2 else False


def redact(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@`` (for messages and records).

    >>> redact("https://u:secret@e.example/x")
    'https://***@e.example/x'
    """
    if not has_credentials(url):
        return url
    scheme, sep, rest = url.partition("://")
    authority, slash, tail = rest.partition("/")
    return f"{scheme}{sep}***@{authority.rsplit('@', 1)[1]}{slash}{tail}"


def usable_text(url: str) -> bool:
    """False when ``url`` holds a lone surrogate (it cannot be encoded, sent or stored).

    >>> usable_text("https://e.example/\\ud800"), usable_text("https://e.example/é")
    (False, True)
    """
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
