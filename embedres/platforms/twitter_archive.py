"""X / Twitter in the archives: every URL of a tweet, and whether an archived copy holds it (pure).

Since 2023 captures of ``x.com``/``twitter.com`` status pages mostly hold a login wall, an error
page or a JavaScript shell, listed by the archive as ``200``. :func:`post_url_forms` names every
URL a tweet may have been archived under (the widget's JSON and oEmbed answers included);
:func:`archived_post` reads a copy and says whether the tweet is in it, and if not, what the copy
is. :mod:`embedres.archive.xposts` does the asking.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

from embedres.errors import InvalidArgument
from embedres.platforms.base import PostRef, as_int
from embedres.platforms.status import read_json, text_field
from embedres.platforms.twitter import SYNDICATION, syndication_url

__all__ = ["archived_post", "post_url_forms", "widget_urls"]


def post_url_forms(post_id: str, handle: str | None = None) -> tuple[str, ...]:
    """Every URL under which a tweet may have been archived, status pages first.

    x.com, twitter.com and mobile.twitter.com status pages (with the handle when known),
    the handle-less ``i/web/status`` forms, the widget's syndication JSON and the oEmbed
    answers (publish.twitter.com, and api.twitter.com's v1 endpoint of 2012-2018).

    Raises:
        InvalidArgument: ``post_id`` is not a tweet id, or ``handle`` not a handle.

    >>> post_url_forms("20", "jack")[:2]
    ('https://twitter.com/jack/status/20', 'https://x.com/jack/status/20')
    """
    sid = str(as_int(post_id, "twitter"))
    if handle is not None and not _HANDLE.fullmatch(handle):
        raise InvalidArgument(f"not a twitter handle: {handle!r}")
    pages = [f"https://{h}/{handle}/status/{sid}" for h in _PAGE_HOSTS] if handle else []
    pages += [f"https://{h}/i/web/status/{sid}" for h in ("twitter.com", "x.com")]
    status_url = pages[0]
    return (
        *pages,
        *widget_urls(sid, status_url),
        f"https://api.twitter.com/1/statuses/oembed.json?id={sid}",
    )


_PAGE_HOSTS = ("twitter.com", "x.com", "mobile.twitter.com")
_HANDLE = re.compile(r"[A-Za-z0-9_]{1,20}")


def widget_urls(post_id: str, status_url: str) -> tuple[str, str]:
    """The syndication JSON and oEmbed URLs of a tweet: what the embed widget fetches.

    These are what Save Page Now should be given for an X post: the status page itself now
    archives as a login wall or a script shell.

    >>> widget_urls("20", "https://twitter.com/jack/status/20")[1]
    'https://publish.twitter.com/oembed?url=https%3A%2F%2Ftwitter.com%2Fjack%2Fstatus%2F20'
    """
    ref = PostRef("twitter", post_id, status_url)
    json_url = syndication_url(ref, SYNDICATION) or ""
    return json_url, f"https://publish.twitter.com/oembed?{urlencode({'url': status_url})}"


# What an archived X page shows instead of a post. Checked only when no post was found in
# the page: a 2015 capture holds the tweet *and* a "Log in" link.
_NOT_A_POST: tuple[tuple[str, str], ...] = (
    ("something went wrong", "error page (Something went wrong)"),
    ("this post is unavailable", "unavailable-post page"),
    ("this tweet is unavailable", "unavailable-post page"),
    ("this page doesn", "missing-page page"),
    ("/i/flow/login", "login wall"),
    ("log in to twitter", "login wall"),
    ("sign in to x", "login wall"),
    ("don’t miss what’s happening", "login wall"),
    ("don't miss what's happening", "login wall"),
    ("javascript is not available", "empty JavaScript shell"),
)
_OG_TEXT = re.compile(
    r"""<meta\s[^>]{0,200}(?:property|name)=["'](?:og|twitter):description["']"""
    r"""\s[^>]{0,40}content=(?:"([^"]{1,5000})|'([^']{1,5000}))""",
    re.IGNORECASE,
)


def archived_post(body: bytes, post_id: str) -> tuple[bool, str]:
    """Does an archived copy of a tweet's URL hold the tweet? And why (not).

    A copy holds the post when it is the widget's JSON for that id (a ``Tweet``, not a
    ``TweetTombstone``), an oEmbed answer whose blockquote links the id, or an HTML page in
    which the post's text appears next to its id: the pre-2020 page's ``js-tweet-text``,
    the rendered page's ``tweetText`` (archive.today), or an ``og:description``. Otherwise
    the copy is named: error page, unavailable-post page, login wall, or an empty
    JavaScript shell (a page with none of the above).

    >>> archived_post(b'{"__typename":"Tweet","id_str":"20","text":"hi"}', "20")
    (True, 'widget JSON of the tweet')
    >>> archived_post(b"<html><a href='/i/flow/login'>Log in</a></html>", "20")
    (False, 'login wall')
    """
    text = body[:2_000_000].decode("utf-8", "replace")
    data = read_json(body) if text.lstrip()[:1] in ("{", "[") else None
    if isinstance(data, dict):
        if data.get("__typename") == "TweetTombstone":
            return False, "tombstone: " + (text_field(data, "tombstone", "text", "text") or "?")
        if str(data.get("id_str", "")) == post_id and text_field(data, "text"):
            return True, "widget JSON of the tweet"
        markup = data.get("html")
        url = data.get("url")
        # An oEmbed answer names its tweet in "url": another tweet's answer that merely
        # links this one (a reply, a quote) is not this tweet.
        other = isinstance(url, str) and not _names(url, post_id)
        if isinstance(markup, str) and not other and _names(markup, post_id) and "<p" in markup:
            return True, "oEmbed answer of the tweet"
        return False, "JSON without the tweet"
    low = text.lower()
    if _names(text, post_id) or f'data-tweet-id="{post_id}"' in text:
        if "js-tweet-text" in text or 'data-testid="tweetText"' in text:
            return True, "status page with the tweet"
        og = _OG_TEXT.search(text)
        og_text = (og.group(1) or og.group(2) or "") if og else ""
        if og_text.strip() and not _boilerplate(og_text):
            return True, "status page with the tweet's text (og:description)"
        if 'class="twitter-tweet' in text and "<p" in text:
            return True, "embed blockquote with the tweet"
    for needle, why in _NOT_A_POST:
        if needle in low:
            return False, why
    return False, "empty JavaScript shell (no post text in the page)"


def _names(text: str, post_id: str) -> bool:
    """Whether ``text`` links ``/status/<post_id>`` itself (``/status/20`` is not
    ``/status/201``)."""
    return re.search(rf"/status(?:es)?/{re.escape(post_id)}(?![0-9])", text) is not None


# X's own description of itself: what a login wall's og:description says instead of a tweet.
_GENERIC_OG = ("from breaking news and entertainment", "log in", "sign up", "sign in")


def _boilerplate(og_text: str) -> bool:
    low = unescape(og_text).lower()
    return any(n in low for n, _ in _NOT_A_POST) or any(n in low for n in _GENERIC_OG)
