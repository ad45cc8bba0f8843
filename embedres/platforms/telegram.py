"""Telegram: public channel post URLs, widget script and iframe embeds (pure)."""

from __future__ import annotations

import re
from html import unescape

from embedres.detect.found import Found
from embedres.detect.markup import Document
from embedres.platforms.base import ParseUrl, Platform, PostRef, found_from_ref, src
from embedres.platforms.status import MAX_BODY, Probe, Status, Verdict, plain_text, transient

__all__ = ["EMBED_BASE", "LIVENESS", "PLATFORM", "classify_embed"]

_TG = re.compile(r"^/(?:s/)?(?P<c>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>\d{1,12})/?$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _TG.match(path)
    if not m or m["c"].lower() in {"joinchat", "addstickers", "share", "proxy", "socks"}:
        return None
    return PostRef("telegram", f"{m['c']}/{m['id']}", f"https://t.me/{m['c']}/{m['id']}", m["c"])


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "script" and el.attrs.get("data-telegram-post"):
        return found_from_ref(
            "telegram", doc, index, parse, "https://t.me/" + el.attrs["data-telegram-post"]
        )
    if el.name == "iframe" and re.match(r"^(?:https?:)?//(?:t|telegram)\.me/", src(doc, index)):
        return found_from_ref("telegram", doc, index, parse, src(doc, index))
    return None


PLATFORM = Platform(
    name="telegram",
    label="Telegram",
    genre="Post",
    hosts=frozenset({"t.me", "telegram.me"}),
    widget_scripts=(("telegram.org", "/js/telegram-widget.js"),),
    parse=_parse,
    recognisers=(_recognise,),
)
"""Telegram (no oEmbed; ids are per-channel counters)."""


# -- liveness (issue #15): the widget's own iframe page, t.me/CHANNEL/ID?embed=1 --

EMBED_BASE = "https://t.me"
_ERROR = re.compile(r'class="tgme_widget_message_error"[^>]{0,200}>([^<]{1,300})<')
# The text runs to the next </div>, looked up with str.find: a lazy ".{0,20000}?" rescans
# 20,000 characters for every opening tag of a hostile page (seconds on a 512 KiB answer).
_TEXT_OPEN = re.compile(r'class="tgme_widget_message_text[^"]{0,100}"[^>]{0,200}>')
_MAX_TEXT = 20000
_AUTHOR = re.compile(
    r'class="tgme_widget_message_owner_name"[^>]{0,300}><span[^>]{0,100}>([^<]{1,200})<'
)


def _embed_url(ref: PostRef, base: str) -> str | None:
    if ref.platform != "telegram" or "/" not in ref.post_id:
        return None
    return f"{base.rstrip('/')}/{ref.post_id}?embed=1&mode=tme"


def classify_embed(url: str, status: int, body: bytes) -> Verdict:
    """Read the widget's iframe page (``t.me/CHANNEL/ID?embed=1``), which is HTML.

    The widget shows ``tgme_widget_message_error`` with "Post not found" for a deleted post
    (or one of a channel that no longer exists); a post shows its bubble. Only that explicit
    element makes a deletion: any other page is ``unavailable``.

    >>> page = b'<div class="tgme_widget_message_error">Post not found</div>'
    >>> classify_embed("u", 200, page).status
    'deleted'
    """
    early = transient(status, b"")  # HTML is this endpoint's answer, not a login wall
    if early is not None:
        return early
    if len(body) > MAX_BODY or status != 200:
        return Verdict("unavailable", f"HTTP {status}" if status != 200 else "answer too large")
    page = body.decode("utf-8", "replace")
    error = _ERROR.search(page)
    if error is not None:
        wording = unescape(error.group(1)).strip()
        verdict: Status = "deleted" if "not found" in wording.lower() else "unavailable"
        return Verdict(verdict, "widget error", wording)
    text = _message_text(page)
    if text is not None or "tgme_widget_message_bubble" in page:
        author = _AUTHOR.search(page)
        return Verdict(
            "live",
            "widget shows the post",
            author_name=unescape(author.group(1)).strip() if author else None,
            text=plain_text(text) if text is not None else None,
        )
    return Verdict("unavailable", "page without the widget")


def _message_text(page: str) -> str | None:
    """The markup of the widget's message text (None: the page has none)."""
    opening = _TEXT_OPEN.search(page)
    if opening is None:
        return None
    end = page.find("</div>", opening.end(), opening.end() + _MAX_TEXT + len("</div>"))
    return page[opening.end() : end] if end >= 0 else None


LIVENESS = Probe(EMBED_BASE, _embed_url, classify_embed)
"""How :mod:`embedres.liveness` asks whether a Telegram channel post is still there."""
