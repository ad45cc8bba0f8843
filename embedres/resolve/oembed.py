"""Hydrate posts from the platforms' public oEmbed endpoints (no credentials).

Endpoints (embeds_citations.md, section 1.12): Twitter/X ``publish.twitter.com/oembed``,
Bluesky ``embed.bsky.app/oembed``, Mastodon ``https://{instance}/api/oembed``, YouTube
``www.youtube.com/oembed``, TikTok ``www.tiktok.com/oembed`` and Reddit ``www.reddit.com/oembed``.
Instagram, Facebook and Threads need a Meta token; LinkedIn and Telegram have no oEmbed.

Requests go through :class:`embedres.net.client.HttpClient` (address policy, caps, deadline);
answers are cached in the resolver's cache under their own namespace (``oembed/v1``). Only
fields the article left empty are filled, and their names are added to ``Post.hydrated``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from embedres._jsonable import load_json
from embedres.errors import EmbedresError
from embedres.model import Post
from embedres.net.cache import Cache
from embedres.net.network import Network, NetworkConfig

if TYPE_CHECKING:  # requests is imported on first use only
    from embedres.net.client import HttpClient
from embedres.platforms.registry import PLATFORMS, platform_named

__all__ = [
    "CACHE_NAMESPACE",
    "ENDPOINTS",
    "Cache",
    "OEmbedFields",
    "OEmbedHydrator",
    "endpoint_for",
    "http_fetch",
    "hydrate",
    "parse_oembed",
]

OEmbedFields = dict[str, Any]
Fetch = Callable[[str], bytes | None]
"""``fetch(url) -> body`` of a 200 answer, or None for any failure (never raises)."""

ENDPOINTS = {p.name: p.oembed for p in PLATFORMS if p.oembed is not None}
"""Endpoint templates per platform, from the registry (``{host}``: the post's own instance)."""

CACHE_NAMESPACE = "oembed/v1"
CACHE_TTL = 7 * 86400.0  # posts rarely change; Bluesky says cache_age 86400, X far longer
_MAX_BODY = 256 * 1024  # oEmbed answers are a few kB; micawber caps at 20 MiB, we need far less
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y")


def endpoint_for(platform: str, url: str) -> str | None:
    """Return the oEmbed request URL for a post, or None when the platform has none.

    Args:
        platform: the post's platform.
        url: the canonical https post URL.

    Returns:
        An https URL, or None.

    >>> endpoint_for("bluesky", "https://bsky.app/profile/a.bsky.social/post/3l")
    'https://embed.bsky.app/oembed?url=https%3A%2F%2Fbsky.app%2Fprofile%2Fa.bsky.social%2Fpost%2F3l'
    >>> endpoint_for("mastodon", "https://mastodon.social/@a/1")
    'https://mastodon.social/api/oembed?url=https%3A%2F%2Fmastodon.social%2F%40a%2F1'
    >>> endpoint_for("instagram", "https://www.instagram.com/p/X/") is None
    True
    """
    if not url.startswith("https://"):
        return None
    query = urlencode({"url": url})
    template = ENDPOINTS.get(platform)
    if template is None:
        return None
    host = urlsplit(url).hostname if "{host}" in template else ""
    return template.format(query=query, host=host) if host is not None else None


class _EmbedHTML(HTMLParser):
    """Reads the text, language and date link out of an oEmbed ``html`` blockquote."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth_p = 0
        self.text: list[str] = []
        self.lang: str | None = None
        self.done_p = False
        self.in_a = False
        self.last_a: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and not self.done_p:
            self.depth_p += 1
            self.lang = self.lang or dict(attrs).get("lang") or None
        elif tag == "br" and self.depth_p:
            self.text.append("\n")
        elif tag == "a":
            self.in_a, self.last_a = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self.depth_p:
            self.depth_p -= 1
            self.done_p = self.depth_p == 0
        elif tag == "a":
            self.in_a = False

    def handle_data(self, data: str) -> None:
        if self.depth_p:
            self.text.append(data)
        if self.in_a:
            self.last_a.append(data)


def _parse_date(text: str) -> date | None:
    head = text.split(" at ")[0].strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    return None


def parse_oembed(platform: str, data: Any) -> OEmbedFields:
    """Turn an oEmbed answer into Post fields (only the ones it really holds).

    Args:
        platform: the post's platform.
        data: the decoded JSON answer.

    Returns:
        A dict with some of ``author_name``, ``author_handle``, ``text``, ``lang``,
        ``published`` and ``published_text``.

    >>> parse_oembed("twitter", {"author_name": "RT France",
    ...     "author_url": "https://twitter.com/RTenfrancais",
    ...     "html": '<blockquote><p lang="fr">Bonjour<br>Paris</p>&mdash; RT France '
    ...             '(@RTenfrancais) <a href="x">November 17, 2015</a></blockquote>'})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'author_name': 'RT France', 'author_handle': 'RTenfrancais', 'text': 'Bonjour\\nParis',
     'lang': 'fr', 'published': datetime.date(2015, 11, 17), 'published_text': 'November 17, 2015'}
    """
    if not isinstance(data, dict):
        return {}
    entry = platform_named(platform)
    reads = entry.oembed_reads if entry is not None else frozenset()
    out: OEmbedFields = {}
    name = data.get("author_name")
    if isinstance(name, str) and name.strip():
        out["author_name"] = name.strip()
    handle = data.get("author_unique_id")  # TikTok
    author_url = data.get("author_url")
    if not handle and isinstance(author_url, str):
        m = re.search(r"/(?:@|profile/|user/)?([A-Za-z0-9_.-]{1,64})/?$", author_url)
        handle = m.group(1) if m and "author_url" in reads else None
    if isinstance(handle, str) and handle:
        out["author_handle"] = handle.lstrip("@")
    markup = data.get("html")
    if "html" in reads and isinstance(markup, str):
        parser = _EmbedHTML()
        parser.feed(markup[:_MAX_BODY])
        text = "".join(parser.text).strip()
        if text:
            out["text"] = text
        if parser.lang:
            out["lang"] = parser.lang
        shown = "".join(parser.last_a).strip()
        when = _parse_date(shown) if shown else None
        if when is not None:
            out["published"], out["published_text"] = when, shown
    title = data.get("title")
    if "title" in reads and isinstance(title, str) and title.strip():
        out["text"] = title.strip()
    return out


def hydrate(post: Post, fetch: Fetch, cache: Cache | None = None, *, scope: str = "") -> Post:
    """Fill a post's empty fields from its platform's oEmbed answer.

    Args:
        post: a post with a canonical ``url``.
        fetch: the request function (through the safe HTTP layer; None on any failure).
        cache: where answers are kept (namespace ``oembed/v1``, keyed by ``scope`` and
            endpoint URL).
        scope: the address policy's fingerprint, so that an answer fetched under a lenient
            policy (``allow_hosts``) is never served to a strict one.

    Returns:
        The post with the new fields and their names in ``hydrated``; the same post when
        there is no endpoint, no answer, or nothing missing. Article fields are never replaced.
    """
    endpoint = endpoint_for(post.platform, post.url or "")
    fields = ("author_name", "author_handle", "text", "published")
    if endpoint is None or all(getattr(post, f) for f in fields):
        return post
    key = f"{scope}|{endpoint}"
    data = cache.get(CACHE_NAMESPACE, key) if cache is not None else None
    if data is None:
        body = fetch(endpoint)
        if body is None:
            return post
        try:
            data = load_json(body[:_MAX_BODY])
        except ValueError:  # not JSON, or nested deeper than MAX_JSON_DEPTH
            return post
        if cache is not None and isinstance(data, dict):
            cache.put(CACHE_NAMESPACE, key, data, ttl=CACHE_TTL)
    found = parse_oembed(post.platform, data)
    changes = {k: v for k, v in found.items() if k in _FILLABLE and not getattr(post, k)}
    if "published" not in changes:
        changes.pop("published_text", None)  # a date text only comes with its date
    if not changes:
        return post
    names = tuple(k for k in changes if k != "published_text")
    return replace(post, **changes, hydrated=post.hydrated + names)


_FILLABLE = frozenset(
    {"author_name", "author_handle", "text", "lang", "published", "published_text"}
)


def http_fetch(client: HttpClient) -> Fetch:
    """Return a :data:`Fetch` that GETs oEmbed answers through ``client`` (policy-checked).

    Args:
        client: the HTTP layer to use.

    Returns:
        A function giving the body of a complete 200 JSON answer, or None.
    """

    def fetch(url: str) -> bytes | None:
        try:
            resp = client.request(
                "GET", url, headers={"Accept": "application/json"}, read="all", max_body=_MAX_BODY
            )
        except EmbedresError:
            return None
        return resp.body if resp.status == 200 and not resp.truncated else None

    return fetch


class OEmbedHydrator:
    """Fills posts' empty fields from oEmbed, through a shared :class:`~embedres.Network`.

    Offline (``network.offline``), answers come from the cache only.

    Args:
        network: the network to fetch through and cache in (None: a private, cache-less
            network with a 15 s deadline, built on first use and closed by :meth:`close`).
        fetch: ``fetch(url) -> bytes | None`` instead of the network's client (tests).
        cache: where answers are kept instead of the network's cache.
    """

    def __init__(
        self,
        *,
        network: Network | None = None,
        fetch: Fetch | None = None,
        cache: Cache | None = None,
    ) -> None:
        self._network = network
        self._owned: Network | None = None
        self._fetch = fetch
        self._cache = cache if cache is not None else (network.cache if network else None)

    def _fetcher(self) -> Fetch:
        if self._network is not None and self._network.offline:
            return lambda url: None  # offline: answers from the cache only
        if self._fetch is None:
            net = self._network
            if net is None:
                net = self._owned = NetworkConfig(cache=None, timeout=15.0).build()
            self._fetch = http_fetch(net.http)
        return self._fetch

    def hydrate(self, post: Post) -> Post:
        """The post with empty fields filled from its oEmbed answer (see :func:`hydrate`)."""
        scope = self._network.policy.fingerprint if self._network is not None else ""
        return hydrate(post, self._fetcher(), self._cache, scope=scope)

    def close(self) -> None:
        """Close the private network, if one was built."""
        if self._owned is not None:
            self._owned.close()
            self._owned = None
