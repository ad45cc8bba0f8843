"""Telegram: public channel post URLs, widget script and iframe embeds (pure)."""

from __future__ import annotations

import re

from embedres.detect.found import Found
from embedres.detect.markup import Document
from embedres.platforms.base import ParseUrl, Platform, PostRef, found_from_ref, src

__all__ = ["PLATFORM"]

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
