"""Recognise social-post URLs: platform, post id and canonical URL (pure).

One small parser per platform, chosen by host (Mastodon, whose instances have no fixed
host list, is tried last and only on its exact path shapes). Canonical URLs are rebuilt
from the parts that identify the post, so tracking parameters (``ref_src``, ``s``, ``t``,
``utm_*``, ``si``, ``igsh``...) never survive. Canonical hosts: ``twitter.com`` (the host
of every embed permalink written before 2024 and of Wikipedia's ``{{cite tweet}}``; it
redirects to x.com), ``bsky.app``, ``www.threads.net``, ``www.instagram.com``,
``www.tiktok.com``, ``www.youtube.com``, ``www.facebook.com``, ``www.reddit.com``,
``t.me`` and ``www.linkedin.com``; Mastodon keeps the instance host.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["PostRef", "parse_post_url"]

# URLs longer than this are never post URLs; bounding it keeps every parse cheap.
_MAX_URL = 2048


@dataclass(frozen=True, slots=True)
class PostRef:
    """What a post URL tells: the platform, the id, the canonical URL, the handle if any."""

    platform: str
    """``twitter``, ``bluesky``, ``mastodon``... (see :data:`embedres.model.Platform`)."""
    post_id: str
    """The post id as the platform spells it (digits, rkey, shortcode, ``channel/n``, URN)."""
    canonical_url: str
    """The https URL of the post, rebuilt without tracking parameters."""
    handle: str | None = None
    """The author's handle without ``@`` when the URL names it."""


_Parser = Callable[[str, str, dict[str, list[str]]], "PostRef | None"]

_TW_HANDLE = r"[A-Za-z0-9_]{1,20}"
_TW_STATUS = re.compile(
    rf"^/(?:#!/)?(?P<u>{_TW_HANDLE})/status(?:es)?/(?P<id>\d{{1,20}})(?:/(?:photo|video)/\d{{1,2}})?/?$"
)
_TW_ANON = re.compile(r"^/i/(?:web/)?status/(?P<id>\d{1,20})/?$")
_TW_RESERVED = {"i", "search", "hashtag", "intent", "share", "home", "settings", "explore"}


def _twitter(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _TW_STATUS.match(path)
    if m and m["u"].lower() not in _TW_RESERVED:
        sid = m["id"].lstrip("0") or "0"
        return PostRef("twitter", sid, f"https://twitter.com/{m['u']}/status/{sid}", m["u"])
    m = _TW_ANON.match(path)
    if m:
        sid = m["id"].lstrip("0") or "0"
        return PostRef("twitter", sid, f"https://twitter.com/i/web/status/{sid}")
    return None


_BSKY_RKEY = r"[a-z2-7]{13}"
_BSKY_ACTOR = r"did:plc:[a-z2-7]{24}|did:web:[A-Za-z0-9.-]{1,253}|[A-Za-z0-9.-]{1,253}"
_BSKY_WEB = re.compile(rf"^/profile/(?P<a>{_BSKY_ACTOR})/post/(?P<id>{_BSKY_RKEY})/?$")
_BSKY_AT = re.compile(
    rf"^(?:/embed/)?(?P<a>{_BSKY_ACTOR})/app\.bsky\.feed\.post/(?P<id>{_BSKY_RKEY})/?$"
)


def _bluesky_ref(actor: str, rkey: str) -> PostRef:
    handle = None if actor.startswith("did:") else actor.lower()
    return PostRef("bluesky", rkey, f"https://bsky.app/profile/{actor}/post/{rkey}", handle)


def _bluesky(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _BSKY_WEB.match(path) if host == "bsky.app" else _BSKY_AT.match(path)
    return _bluesky_ref(m["a"], m["id"]) if m else None


def _at_uri(rest: str) -> PostRef | None:
    m = _BSKY_AT.match(rest)
    return _bluesky_ref(m["a"], m["id"]) if m else None


_MASTO_USER = r"[A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9.-]{1,253})?"
_MASTO_PATHS = (
    re.compile(rf"^/(?:web/)?@(?P<u>{_MASTO_USER})/(?P<id>\d{{1,20}})(?:/embed)?/?$"),
    re.compile(
        r"^/users/(?P<u>[A-Za-z0-9_]{1,30})/(?:statuses|updates)/(?P<id>\d{1,20})(?:/embed)?/?$"
    ),
)
# Hosts whose /@user/123 paths are not Mastodon posts (their own parsers run first).
_NOT_MASTODON = {"medium.com", "youtube.com", "tiktok.com", "threads.net", "threads.com"}


def _mastodon(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    if host in _NOT_MASTODON or "." not in host:
        return None
    for pattern in _MASTO_PATHS:
        m = pattern.match(path)
        if m:
            user = m["u"]
            handle = user if "@" in user else f"{user}@{host}"
            url = f"https://{host}/@{user}/{m['id']}"
            return PostRef("mastodon", m["id"], url, handle)
    return None


_THREADS = re.compile(
    r"^/@(?P<u>[A-Za-z0-9._]{1,30})/post/(?P<id>[A-Za-z0-9_-]{5,40})(?:/embed)?/?$"
)
_THREADS_T = re.compile(r"^/t/(?P<id>[A-Za-z0-9_-]{5,40})/?$")


def _threads(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _THREADS.match(path)
    if m:
        return PostRef(
            "threads", m["id"], f"https://www.threads.net/@{m['u']}/post/{m['id']}", m["u"]
        )
    m = _THREADS_T.match(path)
    return PostRef("threads", m["id"], f"https://www.threads.net/t/{m['id']}") if m else None


_INSTA = re.compile(
    r"^/(?:(?P<u>[A-Za-z0-9._]{1,30})/)?(?P<k>p|reel|reels|tv)/(?P<id>[A-Za-z0-9_-]{5,40})"
    r"(?:/embed(?:/captioned)?)?/?$"
)


def _instagram(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _INSTA.match(path)
    if not m:
        return None
    kind = "reel" if m["k"] == "reels" else m["k"]
    url = f"https://www.instagram.com/{kind}/{m['id']}/"
    return PostRef("instagram", m["id"], url, m["u"])


_TIKTOK = re.compile(r"^/@(?P<u>[A-Za-z0-9._]{1,30})/(?:video|photo)/(?P<id>\d{1,20})/?$")
_TIKTOK_EMBED = re.compile(r"^/(?:embed(?:/v2)?|player/v1|v)/(?P<id>\d{1,20})(?:\.html)?/?$")


def _tiktok(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _TIKTOK.match(path)
    if m:
        url = f"https://www.tiktok.com/@{m['u']}/video/{m['id']}"
        return PostRef("tiktok", m["id"], url, m["u"])
    m = _TIKTOK_EMBED.match(path)
    return PostRef("tiktok", m["id"], f"https://www.tiktok.com/embed/v2/{m['id']}") if m else None


_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YT_PATH = re.compile(r"^/(?:embed|shorts|live|v|e)/(?P<id>[A-Za-z0-9_-]{11})(?:[/&;].*)?$")
_YT_LIST = re.compile(r"^[A-Za-z0-9_-]{2,64}$")


def _youtube(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    vid: str | None = None
    if host == "youtu.be":
        vid = path.strip("/") or None
    elif path.rstrip("/") == "/watch":
        vid = (query.get("v") or [""])[0]
    else:
        m = _YT_PATH.match(path)
        vid = m["id"] if m else None
    plist = (query.get("list") or [""])[0]
    if path.rstrip("/") in ("/playlist", "/embed/videoseries") and _YT_LIST.match(plist):
        return PostRef("youtube", plist, f"https://www.youtube.com/playlist?list={plist}")
    if vid and _YT_ID.match(vid):
        return PostRef("youtube", vid, f"https://www.youtube.com/watch?v={vid}")
    return None


_FB_PAGE = r"[A-Za-z0-9.\-]{1,80}"
_FB_POST = re.compile(
    rf"^/(?P<p>{_FB_PAGE})/posts/(?P<id>\d{{1,25}}|pfbid0[A-Za-z0-9]{{10,80}})/?$"
)
_FB_VIDEO = re.compile(rf"^/(?P<p>{_FB_PAGE})/videos/(?:[^/]{{1,100}}/)?(?P<id>\d{{1,25}})/?$")
_FB_REEL = re.compile(r"^/reel/(?P<id>\d{1,25})/?$")
_DIGITS = re.compile(r"^\d{1,25}$")


def _facebook(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    base = "https://www.facebook.com"
    m = _FB_POST.match(path)
    if m:
        return PostRef("facebook", m["id"], f"{base}/{m['p']}/posts/{m['id']}", m["p"])
    m = _FB_VIDEO.match(path)
    if m:
        return PostRef("facebook", m["id"], f"{base}/{m['p']}/videos/{m['id']}/", m["p"])
    m = _FB_REEL.match(path)
    if m:
        return PostRef("facebook", m["id"], f"{base}/reel/{m['id']}")
    first = {k: v[0] for k, v in query.items() if v}
    if path in ("/permalink.php", "/story.php"):
        story, page = first.get("story_fbid", ""), first.get("id", "")
        if (
            story
            and _DIGITS.match(page)
            and re.match(r"^(?:\d{1,25}|pfbid0[A-Za-z0-9]{10,80})$", story)
        ):
            url = f"{base}/permalink.php?story_fbid={story}&id={page}"
            return PostRef("facebook", story, url)
    if path.rstrip("/") == "/watch" and _DIGITS.match(first.get("v", "")):
        return PostRef("facebook", first["v"], f"{base}/watch/?v={first['v']}")
    if path == "/photo.php" and _DIGITS.match(first.get("fbid", "")):
        return PostRef("facebook", first["fbid"], f"{base}/photo.php?fbid={first['fbid']}")
    return None


_REDDIT = re.compile(r"^/r/(?P<s>[A-Za-z0-9_]{2,21})/comments/(?P<id>[a-z0-9]{1,13})(?:/.*)?$")
_REDDIT_BARE = re.compile(r"^/comments/(?P<id>[a-z0-9]{1,13})(?:/.*)?$")
_REDDIT_SHORT = re.compile(r"^/(?P<id>[a-z0-9]{1,13})/?$")


def _reddit(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _REDDIT.match(path)
    if m:
        return PostRef("reddit", m["id"], f"https://www.reddit.com/r/{m['s']}/comments/{m['id']}/")
    m = (_REDDIT_SHORT if host == "redd.it" else _REDDIT_BARE).match(path)
    return PostRef("reddit", m["id"], f"https://www.reddit.com/comments/{m['id']}/") if m else None


_TG = re.compile(r"^/(?:s/)?(?P<c>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>\d{1,12})/?$")


def _telegram(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _TG.match(path)
    if not m or m["c"].lower() in {"joinchat", "addstickers", "share", "proxy", "socks"}:
        return None
    return PostRef("telegram", f"{m['c']}/{m['id']}", f"https://t.me/{m['c']}/{m['id']}", m["c"])


_LI_URN = re.compile(
    r"^/(?:embed/)?feed/update/urn:li:(?P<k>activity|share|ugcPost):(?P<id>\d{15,20})/?$"
)
_LI_POSTS = re.compile(r"^/posts/[^/]{0,300}-activity-(?P<id>\d{15,20})(?:-[A-Za-z0-9_-]{1,8})?/?$")


def _linkedin(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _LI_URN.match(path)
    kind, num = (m["k"], m["id"]) if m else ("activity", None)
    if num is None:
        m = _LI_POSTS.match(path)
        num = m["id"] if m else None
    if num is None:
        return None
    urn = f"urn:li:{kind}:{num}"
    return PostRef("linkedin", urn, f"https://www.linkedin.com/feed/update/{urn}/")


_HOSTS: dict[str, _Parser] = {
    "twitter.com": _twitter,
    "x.com": _twitter,
    "fxtwitter.com": _twitter,
    "vxtwitter.com": _twitter,
    "fixupx.com": _twitter,
    "bsky.app": _bluesky,
    "embed.bsky.app": _bluesky,
    "threads.net": _threads,
    "threads.com": _threads,
    "instagram.com": _instagram,
    "instagr.am": _instagram,
    "tiktok.com": _tiktok,
    "youtube.com": _youtube,
    "youtube-nocookie.com": _youtube,
    "youtu.be": _youtube,
    "facebook.com": _facebook,
    "reddit.com": _reddit,
    "redd.it": _reddit,
    "t.me": _telegram,
    "telegram.me": _telegram,
    "linkedin.com": _linkedin,
}
_HOST_PREFIXES = ("www.", "mobile.", "m.", "web.", "old.", "new.", "np.", "music.")


def _host_key(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


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
    if not isinstance(url, str) or not url or len(url) > _MAX_URL:
        return None
    url = url.strip()
    low = url[:8].lower()
    if low.startswith("at://"):
        return _at_uri(url[5:])
    if low.startswith("//"):
        url = "https:" + url
    elif "://" not in url[:12]:
        url = "https://" + url
    elif not low.startswith(("http://", "https:/")):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = _host_key(parts.netloc)
    path = unquote(parts.path) or "/"
    if parts.fragment.startswith("!/"):
        path = "/#" + parts.fragment
    query = parse_qs(parts.query, keep_blank_values=False) if parts.query else {}
    parser = _HOSTS.get(host)
    if parser is not None:
        return parser(host, path, query)
    return _mastodon(host, path, query)
