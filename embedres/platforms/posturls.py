"""Recognise social-post URLs: platform, post id and canonical URL (pure).

Dispatches to the parser of the registered platform that claims the URL's host (see
:mod:`embedres.platforms.registry`); platforms whose posts live on any host (Mastodon) are
tried last, only on hosts no platform claims, and only on their exact path shapes.
Canonical URLs are rebuilt from the parts that identify the post, so tracking parameters
(``ref_src``, ``s``, ``t``, ``utm_*``, ``si``, ``igsh``...) never survive. Each platform
module documents its canonical host.
"""

from __future__ import annotations

from embedres.platforms.base import MAX_URL, Platform, PostRef, split_url
from embedres.platforms.registry import PLATFORMS

__all__ = ["PostRef", "parse_post_url"]

_BY_HOST: dict[str, Platform] = {h: p for p in PLATFORMS for h in p.hosts}
_BY_SCHEME: dict[str, Platform] = {s: p for p in PLATFORMS for s in p.schemes}
_ANY_HOST: tuple[Platform, ...] = tuple(p for p in PLATFORMS if p.any_host)


def parse_post_url(url: str) -> PostRef | None:
    """Return the post a URL points to, or None when it is not a post URL.

    Accepts http(s) URLs with or without the scheme, and Bluesky ``at://`` URIs.

    Args:
        url: a URL as written in an article or an embed attribute.

    Returns:
        A :class:`PostRef`, or None for anything that is not a recognised post URL
        (profiles, share links that need resolving, garbage, non-``str`` input).

    >>> ref = parse_post_url("https://x.com/RTenfrancais/status/667646910161883136?s=20&t=ab")
    >>> ref.platform, ref.post_id, ref.canonical_url
    ('twitter', '667646910161883136', 'https://twitter.com/RTenfrancais/status/667646910161883136')
    >>> parse_post_url("https://youtu.be/dQw4w9WgXcQ?si=x").canonical_url
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ'
    >>> parse_post_url("https://twitter.com/RTenfrancais") is None
    True
    """
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        return None
    url = url.strip()
    scheme, sep, _ = url[:12].partition("://")
    owner = _BY_SCHEME.get(scheme.lower()) if sep else None
    if owner is not None:
        return owner.parse("", url[len(scheme) + 3 :], {})
    parts = split_url(url)
    if parts is None:
        return None
    host, path, query = parts
    platform = _BY_HOST.get(host)
    if platform is not None:
        return platform.parse(host, path, query)
    for fallback in _ANY_HOST:
        ref = fallback.parse(host, path, query)
        if ref is not None:
            return ref
    return None
