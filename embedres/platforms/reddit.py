"""Reddit: comment-thread URLs, blockquote/card/AMP embeds (pure)."""

from __future__ import annotations

import re
from dataclasses import replace

from embedres.detect.found import Found, classes
from embedres.detect.markup import Document, fragment
from embedres.platforms.base import ParseUrl, Platform, PostRef, found_from_ref
from embedres.platforms.status import (
    Probe,
    Status,
    Verdict,
    read_json,
    text_field,
    transient,
)

__all__ = ["JSON_BASE", "LIVENESS", "PLATFORM", "classify_json"]

_REDDIT = re.compile(r"^/r/(?P<s>[A-Za-z0-9_]{2,21})/comments/(?P<id>[a-z0-9]{1,13})(?:/.*)?$")
_REDDIT_BARE = re.compile(r"^/comments/(?P<id>[a-z0-9]{1,13})(?:/.*)?$")
_REDDIT_SHORT = re.compile(r"^/(?P<id>[a-z0-9]{1,13})/?$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _REDDIT.match(path)
    if m:
        return PostRef("reddit", m["id"], f"https://www.reddit.com/r/{m['s']}/comments/{m['id']}/")
    m = (_REDDIT_SHORT if host == "redd.it" else _REDDIT_BARE).match(path)
    return PostRef("reddit", m["id"], f"https://www.reddit.com/comments/{m['id']}/") if m else None


_REDDIT_USER = re.compile(r"/u(?:ser)?/([A-Za-z0-9_-]{3,20})/?$")


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-reddit":
        return found_from_ref("reddit", doc, index, parse, el.attrs.get("data-src"))
    if el.name not in ("blockquote", "div"):
        return None
    if not classes(el) & {"reddit-embed-bq", "reddit-card", "reddit-embed"}:
        return None
    tag = fragment(doc.source[el.start : el.end])
    anchors = tag.links() if tag is not None else []
    base = None
    for a in anchors:
        base = found_from_ref("reddit", doc, index, parse, a.get("href"))
        if base is not None:
            title = a.get_text().strip() or None
            base = replace(base, text=title, text_span=(el.vis_start, el.vis_end))
            break
    if base is None:
        base = found_from_ref("reddit", doc, index, parse, el.attrs.get("data-embed-parent"))
    for a in anchors:
        m = _REDDIT_USER.search(a.get("href") or "")
        if base is not None and m:
            return replace(base, author_handle=m.group(1))
    return base


PLATFORM = Platform(
    name="reddit",
    label="Reddit",
    genre="Post",
    hosts=frozenset({"reddit.com", "redd.it"}),
    markup_triggers=(
        ("div", "class", "reddit-embed"),
        ("div", "class", "reddit-embed-bq"),
        ("div", "class", "reddit-card"),
    ),
    embed_classes=frozenset({"reddit-embed-bq", "reddit-card"}),
    widget_scripts=(
        ("embed.reddit.com", "/widgets.js"),
        ("embed.redditmedia.com", "/widgets/"),
        ("www.redditstatic.com", "/comment-embed.js"),
    ),
    oembed="https://www.reddit.com/oembed?{query}",
    oembed_reads=frozenset({"title"}),
    parse=_parse,
    recognisers=(_recognise,),
)
"""Reddit (base-36 ids carry no time)."""


# -- liveness (issue #15): the post's public JSON --

JSON_BASE = "https://www.reddit.com"
# removed_by_category values: "deleted"/"author" (the author), the rest (moderators, admins,
# legal) remove the post for every reader.
_BY_AUTHOR = frozenset({"deleted", "author"})
_SUBREDDIT: dict[str, Status] = {"private": "protected", "banned": "suspended"}


def _json_url(ref: PostRef, base: str) -> str | None:
    if ref.platform != "reddit" or not ref.post_id.isalnum():
        return None
    return f"{base.rstrip('/')}/comments/{ref.post_id}.json?raw_json=1&limit=1"


def classify_json(url: str, status: int, body: bytes) -> Verdict:
    """Read ``/comments/ID.json``: the post's ``removed_by_category`` and author.

    403 ``private`` is a private subreddit, 403 ``quarantined`` a quarantined one, 404
    ``banned`` a banned subreddit; a plain 404 is no such post. Reddit's block page for
    unauthenticated clients is HTML: ``unavailable``.

    >>> classify_json("u", 404, b'{"reason": "banned", "message": "Not Found"}').status
    'suspended'
    """
    early = transient(status, body)
    if early is not None:
        return early
    data = read_json(body)
    reason = text_field(data, "reason")
    if status in (403, 404) and reason:
        verdict = _SUBREDDIT.get(reason, "restricted")
        return Verdict(verdict, f"HTTP {status} subreddit {reason}", reason)
    if status == 404:
        return Verdict("deleted", "HTTP 404", text_field(data, "message"))
    post = data[0] if isinstance(data, list) and data else None
    listing = post.get("data") if isinstance(post, dict) else None
    children = listing.get("children") if isinstance(listing, dict) else None
    first = children[0] if isinstance(children, list) and children else None
    fields = first.get("data") if isinstance(first, dict) else None
    if status != 200 or not isinstance(fields, dict):
        return Verdict("unavailable", f"HTTP {status}" if status != 200 else "unreadable answer")
    removed = text_field(fields, "removed_by_category")
    author = text_field(fields, "author")
    if removed:
        who = "its author" if removed in _BY_AUTHOR else removed
        return Verdict("deleted", f"removed by {who}", f"removed_by_category: {removed}")
    if author == "[deleted]" and text_field(fields, "selftext") in ("[deleted]", "[removed]"):
        return Verdict("deleted", "author and text [deleted]", "[deleted]")
    return Verdict("live", "post returned", author_handle=author, text=text_field(fields, "title"))


LIVENESS = Probe(JSON_BASE, _json_url, classify_json)
"""How :mod:`embedres.liveness` asks whether a Reddit post is still there."""
