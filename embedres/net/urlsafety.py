"""URLs that must not be sent: credentials (``user:password@``) and lone surrogates.

The rule (docs/security.md, "Hostile servers and hostile records"): a URL with credentials is
refused wherever embedres would send it (a link, a redirect target, an archive request) and the
credentials never appear in a cache, a record or a message (:func:`redact`).
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "CREDENTIALS_REFUSED", "has_credentials", "redact", "redact_dsn", "repr_redacted",
    "usable_text",
]  # fmt: skip

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


_PASSWORD_PARAM = re.compile(r"(?i)\b(password=)[^&\s]*")


def redact_dsn(dsn: object) -> object:
    """A cache location fit to print: a DSN's ``user:password@`` and ``password=`` hidden.

    >>> redact_dsn("postgresql://app:s3cret@db/x?sslmode=require&password=p2")
    'postgresql://***@db/x?sslmode=require&password=***'
    >>> redact_dsn(None) is None
    True
    """
    if not isinstance(dsn, str):
        return dsn
    return _PASSWORD_PARAM.sub(r"\1***", redact(dsn) if "://" in dsn else dsn)


def repr_redacted(obj: Any, field: str = "cache") -> str:
    """``repr`` of a dataclass with its ``field`` passed through :func:`redact_dsn`."""
    parts = []
    for f in fields(obj):
        if f.repr:
            value = getattr(obj, f.name)
            parts.append(f"{f.name}={(redact_dsn(value) if f.name == field else value)!r}")
    return f"{type(obj).__name__}({', '.join(parts)})"
