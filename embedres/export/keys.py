"""Citation ids and keys: one rule for CSL-JSON ``id``, BibTeX keys and pandoc ``[@id]``.

The rule (``docs/citations.md``, "Ids and keys"):

* a post whose id the **article** gives: ``platform:id`` (``twitter:666644331478798336``);
* any other post: ``platform:`` and 12 hex digits of a SHA-256 over what the article says about
  it (URL, handle, name, text, date), leaving out every field that oEmbed filled
  (``Post.hydrated``);
* a link outside posts: ``web:`` and the hash of the link as the article wrote it.

So a key does not change when resolution recovers an id or oEmbed fills the author or the date.
Keys are ASCII letters, digits, ``_``, one ``:`` after the platform and single ``-``; they
start with a letter, and every ``:`` or ``-`` is followed by a letter, a digit or ``_``: pandoc
reads ``[@twitter:666644331478798336]`` as one citation, and biber, BibTeX, pybtex and
bibtexparser accept it as a key. Within one export :func:`unique` makes repeated keys distinct
(``-2``, ``-3``, ... in document order, compared ignoring case as BibTeX does), so no consumer
silently drops an entry.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from embedres.model import Link, Post

__all__ = ["citation_key", "unique"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")
_HASH_FIELDS = ("url", "author_handle", "author_name", "text", "published", "published_text")


def _digest(parts: Iterable[str]) -> str:
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(joined).hexdigest()[:12]


def _clean(text: str) -> str:
    """Letters, digits and ``_``, other runs as one ``-``, none at either end: pandoc reads a
    punctuation mark in a key only when a letter, digit or ``_`` follows it."""
    return _UNSAFE.sub("-", text).strip("-")


def citation_key(post: Post | None, link: Link | None = None) -> str:
    """Return the citation key of a post (or of a link outside posts).

    Args:
        post: the post as detected (hydrated fields, listed in ``post.hydrated``, are ignored).
        link: the link, when ``post`` is None.

    Returns:
        A key safe for CSL-JSON, pandoc and BibTeX.

    >>> from datetime import date
    >>> citation_key(Post("twitter", (0, 1), post_id="666644331478798336"))
    'twitter:666644331478798336'
    >>> citation_key(Post("youtube", (0, 1), post_id="-x_Y"))
    'youtube:x_Y-038d561dc785'
    >>> citation_key(Post("reddit", (0, 1), post_id="a b/"))
    'reddit:a-b-2e9653b9558d'
    >>> citation_key(Post("bluesky", (0, 1), text="Hi", published=date(2024, 1, 2)))
    'bluesky:8392e79e6fd3'
    """
    if post is None:
        raw = link.url if link is not None else ""
        return f"web:{_digest(['link', raw])}"
    platform = _clean(post.platform.lower()) or "post"
    if not platform[0].isalpha():
        platform = "post-" + platform
    own_id = post.post_id if "post_id" not in post.hydrated else None
    if own_id:
        clean = _clean(own_id)
        if clean == own_id:
            return f"{platform}:{clean}"
        # An id with characters a key cannot hold keeps a hash of the exact id: still unique.
        return f"{platform}:{clean + '-' if clean else ''}{_digest(['id', own_id])}"
    parts = [post.platform]
    for name in _HASH_FIELDS:
        value = getattr(post, name)
        known = value is not None and name not in post.hydrated
        parts.append(f"{name}={value.isoformat() if hasattr(value, 'isoformat') else value}")
        if not known:
            parts[-1] = f"{name}="
    return f"{platform}:{_digest(parts)}"


def unique(keys: Iterable[str]) -> list[str]:
    """Make keys distinct within one export: repeats get ``-2``, ``-3``, ... in order.

    Args:
        keys: the keys of the citations of one export, in document order.

    Returns:
        The keys, the first of each kept as is.

    >>> unique(["a", "b", "a", "a-2", "a"])
    ['a', 'b', 'a-2', 'a-2-2', 'a-3']
    """
    seen: set[str] = set()
    out: list[str] = []
    for key in keys:
        candidate, n = key, 1
        while candidate.lower() in seen:  # classic BibTeX compares keys ignoring case
            n += 1
            candidate = f"{key}-{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out
