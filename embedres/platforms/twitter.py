"""Twitter / X: status URLs, blockquote and AMP embeds, snowflake ids (pure).

Canonical host ``twitter.com``: the host of every embed permalink written before 2024 and of
Wikipedia's ``{{cite tweet}}``; it redirects to x.com.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from embedres.detect.dates import match_date
from embedres.detect.found import Found, classes
from embedres.detect.markup import Document
from embedres.platforms.base import (
    ParseUrl,
    Platform,
    PostRef,
    as_int,
    found_from_ref,
    from_ms,
    quote_post,
    split_url,
)
from embedres.platforms.status import (
    MAX_BODY,
    Probe,
    Status,
    Verdict,
    plain_text,
    read_json,
    text_field,
    transient,
)

__all__ = [
    "LIVENESS",
    "PLATFORM",
    "SYNDICATION",
    "archived_text",
    "classify_syndication",
    "reconcile_oembed",
    "snowflake_time",
    "status_parts",
    "syndication_token",
    "syndication_url",
]

_HANDLE = r"[A-Za-z0-9_]{1,20}"
_STATUS = re.compile(
    rf"^/(?:#!/)?(?P<u>{_HANDLE})/status(?:es)?/(?P<id>\d{{1,20}})"
    r"(?:/(?P<m>photo|video)/\d{1,2})?/?$"
)
_ANON = re.compile(r"^/i/(?:web/)?status/(?P<id>\d{1,20})/?$")
_RESERVED = {"i", "search", "hashtag", "intent", "share", "home", "settings", "explore"}
_HOSTS = frozenset({"twitter.com", "x.com", "fxtwitter.com", "vxtwitter.com", "fixupx.com"})


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _STATUS.match(path)
    if m and m["u"].lower() not in _RESERVED:
        sid = m["id"].lstrip("0") or "0"
        return PostRef("twitter", sid, f"https://twitter.com/{m['u']}/status/{sid}", m["u"])
    m = _ANON.match(path)
    if m:
        sid = m["id"].lstrip("0") or "0"
        return PostRef("twitter", sid, f"https://twitter.com/i/web/status/{sid}")
    return None


def status_parts(url: str) -> tuple[str, str, str | None] | None:
    """Split a Twitter/X status URL into handle, status id and media kind.

    Args:
        url: a URL (scheme optional).

    Returns:
        ``(handle, status_id, "photo" | "video" | None)``, or None for other URLs
        (including handle-less ``/i/web/status/`` ones).

    >>> status_parts("https://twitter.com/RTenfrancais/status/666644331478798336/photo/1")
    ('RTenfrancais', '666644331478798336', 'photo')
    >>> status_parts("https://example.org/") is None
    True
    """
    parts = split_url(url)
    if parts is None or parts[0] not in _HOSTS:
        return None
    m = _STATUS.match(parts[1])
    if m is None or m["u"].lower() in _RESERVED:
        return None
    return m["u"], m["id"].lstrip("0") or "0", m["m"]


# Last id before Snowflake (4 Nov 2010), after TweetedAt's PRE_SNOWFLAKE_END_TID.
_FIRST_SNOWFLAKE = 29700859248
_TWITTER_EPOCH_MS = 1288834974657


def snowflake_time(post_id: str | int) -> datetime | None:
    """Return the UTC time a tweet was posted, from its status id.

    ``(id >> 22) + 1288834974657`` ms (see docs/posts.md for sources).

    Args:
        post_id: the status id, as digits or an int.

    Returns:
        The time, with millisecond precision; None for pre-snowflake ids (before
        4 Nov 2010), which carry no time.

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id.

    >>> snowflake_time("667646910161883136").isoformat()
    '2015-11-20T10:13:22.319000+00:00'
    >>> snowflake_time(20) is None
    True
    """
    value = as_int(post_id, "twitter")
    if value < _FIRST_SNOWFLAKE:
        return None
    return from_ms((value >> 22) + _TWITTER_EPOCH_MS)


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-twitter":
        url = f"https://twitter.com/i/web/status/{el.attrs.get('data-tweetid', '')}"
        return found_from_ref("twitter", doc, index, parse, url)
    if el.name != "blockquote" or not classes(el) & {"twitter-tweet", "twitter-video"}:
        return None
    return quote_post(doc, index, "twitter", None, parse)


# Rendered widgets (saved after widgets.js ran): the blockquote is replaced by
# <div class="twitter-tweet twitter-tweet-rendered"><iframe data-tweet-id="ID"
# src="https://platform.twitter.com/embed/Tweet.html?...&id=ID">.
_WIDGET_HOSTS = ("platform.twitter.com", "platform.x.com")
_DIGITS = re.compile(r"^\d{1,20}$")


def _iframe_id(attrs: Mapping[str, str]) -> str | None:
    """The status id a rendered widget iframe carries (``data-tweet-id`` or its src)."""
    tid = attrs.get("data-tweet-id", "")
    if _DIGITS.match(tid):
        return tid
    try:
        parts = urlsplit(attrs.get("src", ""))
    except ValueError:
        return None
    if parts.hostname not in _WIDGET_HOSTS or not parts.path.startswith("/embed/"):
        return None
    tid = (parse_qs(parts.query).get("id") or [""])[0]
    return tid if _DIGITS.match(tid) else None


def _recognise_rendered(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    tid = None
    if el.name == "iframe":
        tid = _iframe_id(el.attrs)
    elif el.name == "div" and "twitter-tweet-rendered" in classes(el):
        for child in doc.elements[index + 1 : index + 16]:
            if child.start >= el.end:
                break
            if child.name == "iframe":
                tid = _iframe_id(child.attrs)
                break
    if tid is None:
        return None
    return found_from_ref("twitter", doc, index, parse, f"https://twitter.com/i/web/status/{tid}")


def _shortcode(name: str, positional: tuple[str, ...], kw: Mapping[str, str]) -> str | None:
    """Hugo ``tweet``/``x`` (``user``, ``id``; old form: the id alone), WordPress
    ``[tweet ID]``, MDX ``<Tweet id="ID" />`` and ``<TwitterTweetEmbed tweetId="ID" />``."""
    if name not in {"tweet", "x", "twitter", "xembed", "xpost", "twittertweetembed"}:
        return None
    tid = kw.get("id") or kw.get("tweetid") or next((p for p in positional if p.isdigit()), "")
    if not _DIGITS.match(tid):
        return None
    user = kw.get("user") or kw.get("username") or "i/web"
    return f"https://twitter.com/{user}/status/{tid}"


# "This Tweet was deleted by the Tweet author." and its kin, left where an embed stood.
_DELETED = re.compile(
    r"This (?:Tweet|Post) (?:was deleted|has been deleted|is unavailable|is from an account "
    r"that no longer exists)[^\n\[]{0,120}"
)


def _find_deleted(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """A deleted-post placeholder: a post was embedded here, nothing else is known."""
    if "This Tweet" not in text and "This Post" not in text:
        return
    for m in _DELETED.finditer(text):
        yield Found("twitter", (m.start(), m.end()), form="text")


# Rendered-widget text (a page scraped after widgets.js ran, reference notes §2.8):
#   Name [✔]\n[Follow\n]@handle\n TEXT\n\n3:05 PM - Apr 1, 2018\n447\n165 people are talking...
# Markdown copies link the timestamp: [2:37 AM - Aug 21, 2019](status URL).
_RENDERED_TEXT = re.compile(
    r"(?m)^[ \t]{0,4}(?P<name>[^\r\n@\[\]]{1,60}?)[ \t]{0,2}[✔✓]?[ \t]{0,2}\r?\n"
    r"(?:[ \t]{0,4}Follow[ \t]{0,4}\r?\n)?[ \t]{0,4}@(?P<h>[A-Za-z0-9_]{1,15})[ \t]{0,4}\r?\n"
    r"(?P<body>(?:[^\n]{0,600}\n){0,30}?)[ \t]{0,4}\[?(?P<when>\d{1,2}:\d{2}[ \u202f]?[AP]M"
    r" - (?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}))(?:\]\((?P<url>[^()\s]{1,400})\))?"
)
_WIDGET_TAIL = re.compile(
    r"(?:\n[ \t]{0,4}(?:[\d,.]{1,12}[KkM]? people are talking about this|Twitter Ads info and "
    r"privacy|See [\w' ]{1,40} other Tweets|Read the full conversation on Twitter|"
    r"[\d,.]{1,12}[KkM]? [\d,.]{1,12}[KkM]? Retweets[^\n]{0,80}|"
    r"[\d,.]{1,12}[KkM]?)[ \t]{0,4}(?=\r?\n|$)){1,6}"
)


_COUNTS = re.compile(r"(?:\n[ \t]{0,4}[\d,.]{1,12}[KkM]?[ \t\r]{0,4})+\n?$")


def _find_rendered_text(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """The text a rendered Twitter widget flattens to: name, @handle, text, timestamp."""
    if " - " not in text or "M - " not in text:
        return
    for m in _RENDERED_TEXT.finditer(text):
        day = match_date(m["date"], 0, lang="en")
        if day is None or m.start() < floor_for(m.start()):
            continue
        end = m.end()
        tail = _WIDGET_TAIL.match(text, end)
        end = tail.end() if tail else end
        body = _COUNTS.sub("", m["body"]).strip() or None
        ref = _parse_status(m["url"]) if m["url"] else None
        yield Found(
            "twitter",
            (m.start("name"), end),
            form="text",
            author_name=m["name"].strip() or None,
            author_handle=m["h"],
            text=body,
            published=day.value,
            published_text=m["when"],
            lang="en",
            text_span=(m.start("body"), m.end("body")) if body else None,
        ).with_ref(ref)


def _parse_status(url: str) -> PostRef | None:
    parts = split_url(url)
    return _parse(*parts) if parts is not None and parts[0] in _HOSTS else None


_SHARE = frozenset({"s", "t", "ref_src", "ref_url", "src"})

PLATFORM = Platform(
    name="twitter",
    label="Twitter",
    genre="Post",
    hosts=_HOSTS,
    parse=_parse,
    recognisers=(_recognise, _recognise_rendered),
    markup_triggers=(("div", "class", "twitter-tweet-rendered"),),
    text_recognisers=(_find_deleted, _find_rendered_text),
    shortcode=_shortcode,
    embed_classes=frozenset({"twitter-tweet", "twitter-video"}),
    widget_scripts=(("platform.twitter.com", "/widgets.js"), ("platform.x.com", "/widgets.js")),
    # lang=en makes the date inside Twitter's html English, which parse_oembed reads.
    oembed="https://publish.twitter.com/oembed?{query}&omit_script=1&dnt=true&lang=en",
    oembed_reads=frozenset({"author_url", "html"}),
    post_time=snowflake_time,
    # Share sheet adds s= and t= (help.x.com, "share a post"; seen as ?s=20&t=...), embeds
    # add ref_src/ref_url (publish.twitter.com snippet).
    tracking={"twitter.com": _SHARE, "x.com": _SHARE, "mobile.twitter.com": _SHARE},
    short_hosts=frozenset({"t.co"}),
    media_hosts=frozenset({"pic.twitter.com", "pic.x.com"}),
)
"""Twitter / X."""


# -- liveness (issue #15): the widget's syndication endpoint, and what archived copies hold --

SYNDICATION = "https://cdn.syndication.twimg.com"
"""The host the embed widget (and react-tweet, astro-embed) reads a tweet's JSON from."""
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _radix36(value: float) -> str:
    """``value.toString(36)`` as JavaScript (V8's DoubleToRadixCString) writes it."""
    integer = float(int(value))
    fraction = value - integer
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.ulp(0.0))
    digits: list[str] = []
    if fraction >= delta:
        while True:
            fraction *= 36
            delta *= 36
            digit = int(fraction)
            digits.append(_DIGITS36[digit])
            fraction -= digit
            if (fraction > 0.5 or (fraction == 0.5 and digit & 1)) and fraction + delta > 1:
                while digits:  # round up, carrying into earlier digits
                    last = _DIGITS36.index(digits.pop()) + 1
                    if last < 36:
                        digits.append(_DIGITS36[last])
                        break
                else:
                    integer += 1
                break
            if fraction < delta:
                break
    head, n = "", int(integer)
    while True:
        n, rem = divmod(n, 36)
        head = _DIGITS36[rem] + head
        if n == 0:
            break
    return head + ("." + "".join(digits) if digits else "")


def syndication_token(post_id: str | int) -> str:
    """The ``token`` the widget sends with a tweet id (react-tweet's ``getToken``).

    ``((id / 1e15) * Math.PI).toString(36)`` without zeros and the dot.

    Raises:
        InvalidArgument: ``post_id`` is not a tweet id.

    >>> syndication_token("1683920951807971329")
    '42y6zv7ufp'
    """
    value = (as_int(post_id, "twitter") / 1e15) * math.pi
    return re.sub(r"0+|\.", "", _radix36(value))


def syndication_url(ref: PostRef, base: str) -> str | None:
    """The widget's ``tweet-result`` URL for a tweet under ``base`` (None: not a tweet)."""
    if ref.platform != "twitter" or not ref.post_id.isdigit():
        return None
    query = urlencode({"id": ref.post_id, "lang": "en", "token": syndication_token(ref.post_id)})
    return f"{base.rstrip('/')}/tweet-result?{query}"


# Tombstone wordings (English, because the request says lang=en), most specific first; the
# same reading as FxEmbed's reasonFromTweetTombstoneText (FxEmbed/FxEmbed#1981).
_TOMBSTONES: tuple[tuple[str, Status], ...] = (
    ("suspended", "suspended"),
    ("no longer exists", "deleted"),
    ("deleted", "deleted"),
    ("limits who can view", "protected"),
    ("protected", "protected"),
    ("age-restricted", "restricted"),
    ("withheld", "restricted"),
    ("violated", "restricted"),
)


def classify_syndication(url: str, status: int, body: bytes) -> Verdict:
    """Read a ``cdn.syndication.twimg.com/tweet-result`` answer.

    200 with ``__typename: Tweet`` is live; 200 with ``TweetTombstone`` carries the
    wording shown in place of the tweet; 404 is a tweet that does not exist (deleted, or
    never posted: react-tweet reads it the same way). Anything else says nothing.

    >>> classify_syndication("u", 404, b"").status
    'deleted'
    >>> classify_syndication("u", 200, b'{"__typename": "TweetTombstone", "tombstone": '
    ...     b'{"text": {"text": "This Post is from a suspended account. Learn more"}}}').status
    'suspended'
    """
    early = transient(status, body)
    if early is not None:
        return early
    if status == 404:
        return Verdict("deleted", "HTTP 404: no such tweet (deleted or never posted)")
    data = read_json(body)
    if status != 200 or not isinstance(data, dict):
        what = "unreadable answer" if status == 200 else f"HTTP {status}"
        return Verdict("unavailable", what)
    kind = data.get("__typename")
    if kind == "TweetTombstone":
        wording = text_field(data, "tombstone", "text", "text") or ""
        low = wording.lower()
        for needle, verdict in _TOMBSTONES:
            if needle in low:
                return Verdict(verdict, "tombstone", wording or None)
        return Verdict("unavailable", "tombstone with unknown wording", wording or None)
    if kind == "Tweet" or isinstance(data.get("user"), dict):
        return Verdict(
            "live",
            "tweet returned",
            author_name=text_field(data, "user", "name"),
            author_handle=text_field(data, "user", "screen_name"),
            text=text_field(data, "text"),
        )
    return Verdict("unavailable", "empty answer (login-only or sensitive tweets answer so)")


OEMBED_BASE = "https://publish.twitter.com"


def _confirm_url(ref: PostRef, base: str, first: Verdict) -> str | None:
    """A 404 from the widget's JSON is also what sensitive (login-only) tweets get
    (vercel/react-tweet#188): ask the oEmbed endpoint before calling the tweet deleted."""
    if first.status != "deleted" or not first.reason.startswith("HTTP 404"):
        return None
    status_url = f"https://twitter.com/i/web/status/{ref.post_id}"
    return f"{base.rstrip('/')}/oembed?{urlencode({'url': status_url, 'omit_script': '1'})}"


def reconcile_oembed(first: Verdict, url: str, status: int, body: bytes) -> Verdict:
    """The verdict once ``publish.twitter.com/oembed`` answered for a tweet the widget's JSON
    did not find: 404 confirms the deletion; 403 ("not authorized to see this status") is a
    protected or suspended account; 200 is a tweet that exists but the widget hides
    (sensitive media, login-only): ``restricted``. Anything else leaves it undecided.

    >>> reconcile_oembed(Verdict("deleted", "HTTP 404"), "u", 403, b"").status
    'protected'
    """
    early = transient(status, body)
    if early is not None:
        return Verdict("unavailable", f"widget JSON 404, oEmbed: {early.reason}")
    if status == 404:
        return Verdict("deleted", "HTTP 404 from the widget JSON and oEmbed")
    if status == 403:
        wording = text_field(read_json(body), "error") or body[:200].decode("utf-8", "replace")
        return Verdict("protected", "oEmbed HTTP 403: protected or suspended account", wording)
    data = read_json(body)
    if status == 200 and isinstance(data, dict) and data.get("html"):
        return Verdict(
            "restricted",
            "widget JSON 404 but oEmbed 200: sensitive or login-only tweet",
            author_name=text_field(data, "author_name"),
            text=archived_text(body),
        )
    return Verdict("unavailable", f"widget JSON 404, oEmbed HTTP {status}")


LIVENESS = Probe(
    SYNDICATION,
    syndication_url,
    classify_syndication,
    confirm=_confirm_url,
    confirm_base=OEMBED_BASE,
    reconcile=reconcile_oembed,
)
"""How :mod:`embedres.liveness` asks whether a tweet is still there."""


def archived_text(body: bytes) -> str | None:
    """The tweet's text in an archived widget JSON or oEmbed answer (None: not one of those).

    >>> archived_text(b'{"html": "<blockquote><p>Hi <b>all</b></p>- A</blockquote>"}')
    'Hi all'
    """
    data = read_json(body[:MAX_BODY])
    if not isinstance(data, dict):
        return None
    markup = data.get("html")
    if isinstance(markup, str):
        m = re.search(r"<p\b[^>]{0,300}>(.{0,20000}?)</p>", markup, re.DOTALL)
        return plain_text(m.group(1)) if m else None
    return text_field(data, "text")
