"""Pure URL helpers: host, link kind, normalisation for cache keys, tracking parameters.

Nothing here touches the network. Registrable domains come from tldextract's bundled
Public Suffix List snapshot only: the extractor is built once, lazily, as
``TLDExtract(cache_dir=None, suffix_list_urls=())`` so it can never fetch a fresher list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from embedres.errors import InvalidArgument
from embedres.model import LinkKind
from embedres.platforms.posturls import parse_post_url
from embedres.platforms.registry import PLATFORMS

__all__ = [
    "MEDIA_HOSTS",
    "SHORTENER_HOSTS",
    "LinkInfo",
    "classify_link",
    "link_host",
    "normalize_url",
    "registered_domain",
    "strip_tracking",
]

# Link shorteners whose links only mean something once resolved. Sources:
# ../shared/docs/resolve_archive.md section 4b (t.co, bit.ly and its j.mp/bitly vanity
# domains, ow.ly/ht.ly, buff.ly, dlvr.it, fb.me, goo.gl, tinyurl.com, lnkd.in, trib.al,
# youtu.be) and the common shortener lists that resolvers ship (urlexpander's constants,
# unshortenit), restricted to hosts that serve nothing but redirects. The platforms' own
# wrappers and share links (t.co, fb.me, lnkd.in, youtu.be...) come from their modules.
_GENERIC_SHORTENERS = frozenset(
    {
        # Other companies' wrappers and share links.
        "amzn.to", "amzn.eu", "spoti.fi", "apple.co", "flic.kr", "aka.ms", "g.co", "goo.gl",
        "msft.it",
        # General-purpose shorteners.
        "bit.ly", "j.mp", "bitly.is", "ow.ly", "ht.ly", "buff.ly", "dlvr.it", "tinyurl.com",
        "is.gd", "v.gd", "t.ly", "tiny.cc", "rebrand.ly", "cutt.ly", "shorturl.at", "rb.gy",
        "ift.tt", "wp.me", "su.pr", "po.st", "bl.ink", "s.id", "shar.es", "trib.al",
        "snip.ly", "lnk.to", "linktr.ee", "tr.im", "x.co", "qr.ae", "ln.is", "db.tt",
        # Publishers' bit.ly / trib.al vanity domains often seen in news posts.
        "nyti.ms", "wapo.st", "bbc.in", "cnn.it", "reut.rs", "econ.st", "bloom.bg",
        "politi.co", "wrd.cm", "engt.co", "ti.me", "lat.ms", "usat.ly", "abcn.ws",
        "nbcnews.to", "cbsn.ws", "huffp.st", "theatln.tc", "gu.com", "ind.pn", "dailym.ai",
        "fxn.ws", "on.ft.com", "on.wsj.com", "blbrd.cm", "lemde.fr", "fr24.fr",
    }
)  # fmt: skip
SHORTENER_HOSTS = _GENERIC_SHORTENERS | frozenset(h for p in PLATFORMS for h in p.short_hosts)
"""Hosts whose links are ``short``: generic shorteners plus each platform's own."""
MEDIA_HOSTS = frozenset(h for p in PLATFORMS for h in p.media_hosts)
"""Display form of a post's media link, e.g. ``pic.twitter.com/CODE`` for ``t.co/CODE``."""

_DEFAULT_PORTS = {"http": "80", "https": "443"}


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """What the URL alone says about a link."""

    kind: LinkKind
    """``short``, ``media``, ``post`` or ``web``."""
    host: str
    """Lower-cased host without ``www.`` (empty when the URL has none)."""
    platform: str | None = None
    """For ``post`` links, the platform."""
    post_id: str | None = None
    """For ``post`` links, the post id."""
    canonical_url: str | None = None
    """For ``post`` links, the canonical post URL."""


def _need_str(name: str, url: object) -> None:
    if not isinstance(url, str):
        raise InvalidArgument(f"{name}() takes a str, not {type(url).__name__}")


def _with_scheme(url: str) -> str:
    low = url[:10].lower()
    if low.startswith("//"):
        return "http:" + url
    if "://" not in low:
        return "http://" + url
    return url


def link_host(url: str) -> str:
    """Return the lower-cased host of ``url`` without ``www.``, or ``""`` if it has none.

    Args:
        url: a URL, with or without scheme.

    Returns:
        The host name (IPv6 literals without brackets); ``""`` for garbage.

    Raises:
        InvalidArgument: ``url`` is not a ``str``.

    >>> link_host("HTTPS://WWW.Example.COM:8080/Path")
    'example.com'
    >>> link_host("pic.twitter.com/UU7PNmTL0V")
    'pic.twitter.com'
    """
    _need_str("link_host", url)
    try:
        host = urlsplit(_with_scheme(url.strip())).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def classify_link(url: str) -> LinkInfo:
    """Say what kind of link ``url`` is, from the URL alone.

    ``short`` for t.co and the shorteners in :data:`SHORTENER_HOSTS`, ``media`` for
    ``pic.twitter.com``/``pic.x.com``, ``post`` when
    :func:`embedres.platforms.posturls.parse_post_url` recognises a post, else ``web``.

    Args:
        url: a URL as written (scheme optional).

    Returns:
        A :class:`LinkInfo`.

    Raises:
        InvalidArgument: ``url`` is not a ``str``.

    >>> classify_link("https://t.co/CJ9ySZge7P").kind
    'short'
    >>> classify_link("pic.twitter.com/UU7PNmTL0V").kind
    'media'
    >>> classify_link("https://example.com/a").kind, classify_link("https://example.com/a").host
    ('web', 'example.com')
    """
    _need_str("classify_link", url)
    return _classify(url)


@functools.lru_cache(maxsize=4096)
def _classify(url: str) -> LinkInfo:
    host = link_host(url)
    if host in SHORTENER_HOSTS:
        return LinkInfo("short", host)
    if host in MEDIA_HOSTS:
        return LinkInfo("media", host)
    # Every post URL has a path or query after the host; skip the parsers otherwise.
    scheme_end = url.find("://")
    rest = url[scheme_end + 3 if scheme_end >= 0 else 0 :]
    if not any(c in rest for c in "/?#"):
        return LinkInfo("web", host)
    ref = parse_post_url(url)
    if ref is not None:
        return LinkInfo("post", host, ref.platform, ref.post_id, ref.canonical_url)
    return LinkInfo("web", host)


def _idna(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.lower()


def normalize_url(url: str) -> str:
    """Normalise ``url`` for use as a cache key (RFC 3986 section 6.2.2-6.2.3).

    Lower-cases scheme and host, encodes an international host with IDNA, drops the
    default port and an empty userinfo, writes an empty path as ``/`` and adds ``http://``
    when the scheme is missing. Path, query and fragment keep their case and encoding.

    Args:
        url: an absolute URL, or a scheme-less one as found in text.

    Returns:
        The normalised URL.

    Raises:
        InvalidArgument: ``url`` is not a ``str``, is empty, or has no parsable host.

    >>> normalize_url("HTTPS://Example.COM:443/A/b?X=1#Frag")
    'https://example.com/A/b?X=1#Frag'
    >>> normalize_url("bücher.de")
    'http://xn--bcher-kva.de/'
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidArgument(f"normalize_url() needs a non-empty str, got {url!r:.80}")
    try:
        parts = urlsplit(_with_scheme(url.strip()))
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise InvalidArgument(f"not a URL: {url!r:.80} ({exc})") from None
    # A host of dots only ("http://./x") is no host: dropping it would let the path's
    # "//" pose as the next URL's authority (normalize_url must be a fixed point).
    if not host or not host.strip("."):
        raise InvalidArgument(f"URL has no host: {url!r:.80}")
    scheme = parts.scheme.lower()
    netloc = f"[{host}]" if ":" in host else _idna(host.rstrip("."))
    if port is not None and str(port) != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))


# Query parameters that only track who clicked where. Sources: Google Analytics campaign
# parameters (utm_*, support.google.com/analytics/answer/10917952), click ids of ad
# networks (gclid, dclid, gbraid, wbraid: Google Ads; fbclid: Facebook, 2018; msclkid:
# Microsoft Ads; twclid: X Ads; ttclid: TikTok; yclid: Yandex; li_fat_id: LinkedIn),
# e-mail tools (mc_cid/mc_eid: Mailchimp; _hsenc/_hsmi: HubSpot; mkt_tok: Marketo),
# AT Internet's xtor (French news sites), and the lists kept by courlan (clean.py) and
# ClearURLs (data.min.json).
_TRACKING = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "twclid", "ttclid",
        "yclid", "li_fat_id", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "igshid",
        "igsh", "xtor", "ocid", "cmpid", "ncid", "sr_share", "at_medium", "at_campaign",
        "at_source", "_ga", "_gl", "oly_anon_id", "oly_enc_id", "vero_id", "wt.mc_id",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# Per-host share parameters: each platform module lists its own (Twitter's s/t/ref_src,
# YouTube's si/feature, TikTok's _r/_t...); Spotify share links add si.
_HOST_TRACKING: dict[str, frozenset[str]] = {
    "open.spotify.com": frozenset({"si"}),
    **{host: names for p in PLATFORMS for host, names in p.tracking.items()},
}


def _is_tracking(name: str, host_params: frozenset[str]) -> bool:
    low = name.lower()
    return low in _TRACKING or low.startswith(_TRACKING_PREFIXES) or low in host_params


def strip_tracking(url: str) -> str:
    """Remove tracking parameters from ``url``, keeping everything else as written.

    Args:
        url: a URL, with or without scheme.

    Returns:
        The URL without ``utm_*``, click ids and the host's share parameters; unchanged
        when it has no query or cannot be parsed.

    Raises:
        InvalidArgument: ``url`` is not a ``str``.

    >>> strip_tracking("https://x.com/a/status/1?s=20&t=abc&lang=fr")
    'https://x.com/a/status/1?lang=fr'
    >>> strip_tracking("https://example.com/p?utm_source=tw&id=3&fbclid=x#top")
    'https://example.com/p?id=3#top'
    """
    _need_str("strip_tracking", url)
    if "?" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host_params = _HOST_TRACKING.get(link_host(url), frozenset())
    pairs = parts.query.split("&")
    # Names are compared decoded; kept pairs are copied byte for byte.
    kept = [p for p in pairs if not _is_tracking(unquote_plus(p.partition("=")[0]), host_params)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query="&".join(kept)))


@functools.cache
def _extractor() -> Any:
    import tldextract  # imported here only: the URL module owns this dependency

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())


def registered_domain(url: str) -> str:
    """Return the registrable domain of ``url`` (``bbc.co.uk``), or the host if none.

    Uses tldextract's bundled Public Suffix List snapshot; never fetches.

    Args:
        url: a URL, with or without scheme.

    Returns:
        The registrable domain, lower-cased; the bare host for IPs and unknown suffixes.

    Raises:
        InvalidArgument: ``url`` is not a ``str``.

    >>> registered_domain("https://news.bbc.co.uk/a")
    'bbc.co.uk'
    """
    host = link_host(url)
    if not host:
        return ""
    parts = _extractor()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host
