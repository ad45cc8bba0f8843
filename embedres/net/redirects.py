"""Pure parsers for redirects that are not 3xx answers, and for canonical URLs.

They read the capped prefix of an HTML page (at most a few tens of KiB) and never build a
DOM: tags are found with bounded scans, so hostile markup costs linear time (CPython's
``html.parser`` is quadratic on some inputs on 3.11.7, CVE-2025-6069). URLs are returned as
written (entity-decoded); the caller resolves them against the page URL.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator, Mapping
from urllib.parse import parse_qs, urlsplit

from embedres.net.links import MAX_LINK_HEADER, parse_link_header

__all__ = [
    "REDIRECT_CODES",
    "decode_html",
    "find_canonical",
    "find_js_redirect",
    "find_meta_refresh",
    "interstitial",
    "is_redirect",
    "location",
    "parse_refresh",
]

_TAG_MAX = 4096  # longest tag we read; longer ones are skipped
_URL_MAX = 8192
_TAG = re.compile(r"<(meta|link|a)(?=[\s/>])", re.IGNORECASE)
_ATTR = re.compile(
    r"""([^\s=/>"']{1,64})(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""", re.IGNORECASE
)
_REFRESH = re.compile(
    r"""\s*[0-9.]*\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.*)""", re.IGNORECASE | re.DOTALL
)
_JS = re.compile(
    r"""(?:location\.replace\(\s*|(?:window\.|document\.)?location(?:\.href)?\s*=\s*)"""
    rf"""(["'])((?:\\.|(?!\1)[^\\\r\n]){{1,{_URL_MAX}}})\1"""
)
_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)


REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


def is_redirect(status: int, headers: Mapping[str, str]) -> bool:
    """True for an HTTP redirect: 301/302/303/307/308, or another 3xx with a Location.

    >>> is_redirect(301, {}), is_redirect(300, {"Location": "/x"}), is_redirect(200, {})
    (True, True, False)
    """
    return status in REDIRECT_CODES or (300 <= status < 400 and bool(headers.get("Location")))


def location(headers: Mapping[str, str]) -> str | None:
    """The ``Location`` header re-encoded as UTF-8, or None; the one place this fix lives.

    http.client decodes header bytes as latin-1; servers send UTF-8 (as requests assumes), so
    the text is re-encoded before it is followed (left as is when it is not UTF-8).

    >>> location({"Location": " /caf\u00c3\u00a9 "})
    '/café'
    """
    loc = headers.get("Location")
    if loc is None:
        return None
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        loc = loc.encode("latin-1").decode("utf-8")
    return loc.strip()


def _strip_comments(text: str) -> str:
    out, pos = [], 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:start])
        end = text.find("-->", start + 4)
        if end < 0:
            return "".join(out)
        pos = end + 3


def _tags(text: str, name: str) -> Iterator[dict[str, str]]:
    """Yield the attributes (lower-case names, entity-decoded values) of each ``<name ...>``."""
    for match in _TAG.finditer(text):
        if match.group(1).lower() != name:
            continue
        end = text.find(">", match.end(), match.end() + _TAG_MAX)
        if end < 0:
            continue
        attrs: dict[str, str] = {}
        for a in _ATTR.finditer(text, match.end(), end):
            value = next((v for v in a.group(2, 3, 4) if v is not None), "")
            attrs.setdefault(a.group(1).lower(), html.unescape(value).strip())
        yield attrs


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode an HTML prefix using the header's or the page's charset (UTF-8 otherwise).

    >>> decode_html(b"<meta charset=latin-1>caf\\xe9")
    '<meta charset=latin-1>café'
    >>> decode_html("café".encode(), "text/html; charset=UTF-8")
    'café'
    """
    found = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", content_type, re.I)
    names = [found.group(1)] if found else []
    meta = _CHARSET.search(body[:4096])
    if meta:
        names.append(meta.group(1).decode("ascii"))
    for name in [*names, "utf-8"]:
        try:
            return body.decode(name, errors="replace")
        except LookupError:
            continue
    return body.decode("utf-8", errors="replace")  # pragma: no cover - utf-8 always exists


def parse_refresh(value: str) -> str | None:
    """Read the URL of a ``Refresh`` header or ``<meta http-equiv=refresh>`` content.

    Follows the HTML standard's "shared declarative refresh steps": a delay, then ``;`` or
    ``,``, then an optional ``url=``, then the URL (optionally quoted).

    >>> parse_refresh("0;URL='https://example.com/a'")
    'https://example.com/a'
    >>> parse_refresh("5; url=/next")
    '/next'
    >>> parse_refresh("30") is None
    True
    """
    if not isinstance(value, str) or len(value) > _URL_MAX:
        return None
    match = _REFRESH.match(value)
    if match is None:
        return None
    quote, url = match.groups()
    if quote and quote in url:
        url = url[: url.index(quote)]
    url = url.strip()
    return url or None


def find_meta_refresh(text: str) -> str | None:
    """The URL of the first ``<meta http-equiv="refresh">`` (also inside ``<noscript>``).

    >>> find_meta_refresh('<noscript><META HTTP-EQUIV=Refresh CONTENT="0;URL=https://e.example/"></noscript>')
    'https://e.example/'
    """
    for attrs in _tags(_strip_comments(text), "meta"):
        if attrs.get("http-equiv", "").lower() == "refresh":
            url = parse_refresh(attrs.get("content", ""))
            if url:
                return url
    return None


def find_js_redirect(text: str) -> str | None:
    r"""The URL of a ``location.replace("...")`` or ``location = "..."`` script redirect.

    >>> find_js_redirect(r'<script>location.replace("https:\/\/e.example\/x")</script>')
    'https://e.example/x'
    """
    match = _JS.search(_strip_comments(text))
    if match is None:
        return None
    return _JS_ESCAPE.sub(_unescape_js, match.group(2)).strip() or None


def _unescape_js(m: re.Match[str]) -> str:
    code = m.group(1)
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)


def find_canonical(text: str, link_header: str = "") -> str | None:
    """The page's canonical URL: ``<link rel=canonical>``, else a ``Link`` header, else og:url.

    >>> find_canonical('<meta property="og:url" content="https://e.example/og">')
    'https://e.example/og'
    >>> find_canonical('<link href="/c" rel="alternate canonical">')
    '/c'
    """
    clean = _strip_comments(text)
    for attrs in _tags(clean, "link"):
        if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
            return attrs["href"]
    for url, params in parse_link_header(link_header, limit=MAX_LINK_HEADER):
        if "canonical" in params.get("rel", "").lower().split() and url:
            return url
    for attrs in _tags(clean, "meta"):
        if attrs.get("property", attrs.get("name", "")).lower() == "og:url" and attrs.get(
            "content"
        ):
            return attrs["content"]
    return None


def _query_url(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("url")
    return values[0] if values and values[0].strip() else None


def interstitial(url: str, text: str) -> tuple[str, str] | None:
    """Recognise a shortener's interstitial page (a 200 answer standing in for a redirect).

    Args:
        url: the page's URL.
        text: the decoded HTML prefix.

    Returns:
        ``("follow", target)``, ``("blocked", reason)`` for an unsafe-link warning, or None.

    >>> interstitial("https://bitly.com/a/warning?hash=x&url=https%3A%2F%2Fe.example%2F", "")
    ('follow', 'https://e.example/')
    >>> interstitial("https://t.co/abc", "<title>This link may be unsafe</title>")
    ('blocked', 't.co showed a warning page instead of redirecting')
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    if host in ("bitly.com", "bit.ly", "j.mp") and path.startswith("/a/warning"):
        target = _query_url(url)  # bit.ly's spam warning names the target in ?url=
        return ("follow", target) if target else None
    if host.endswith("linkedin.com") and path.startswith("/safety/go"):
        target = _query_url(url)
        return ("follow", target) if target else None
    if host == "lnkd.in":
        for attrs in _tags(text, "a"):
            if attrs.get("data-tracking-control-name") == "external_url_click" and attrs.get(
                "href"
            ):
                return "follow", attrs["href"]
        return None
    if host == "preview.tinyurl.com":
        for attrs in _tags(text, "a"):
            if attrs.get("id") == "redirecturl" and attrs.get("href"):
                return "follow", attrs["href"]
        return None
    if host == "t.co":  # not the meta-refresh page: X's "this link may be unsafe" warning
        return "blocked", "t.co showed a warning page instead of redirecting"
    return None
