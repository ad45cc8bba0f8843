"""Find posts in plain text: flattened embeds and post URLs standing alone (pure).

A flattened tweet is what a scraper leaves of the embed markup: the tweet text, then
the attribution line ``— Name (@handle) DATE`` (reference notes §2). The anchor is the
last ``(@handle)`` before the date; it must be preceded on its line by a dash (``—``,
``–``, ``―``, ``--``, ``-``, ``\\-``, `` ? `` for encoding loss, ``â€”`` mojibake,
``&mdash;``/``&#8212;``) and followed by a widget date (any language of
:mod:`embedres.detect.dates`) or by a status URL. **A line with neither is not a post**, so
bylines such as ``— By Jane Doe (@jdoe)`` are never posts. A handle with a dot is a
Bluesky handle, ``user@instance`` a Mastodon one.

The post's text is the text before the dash on the same line when the attribution is
fused onto it; otherwise the previous paragraph (one line, skipping one blank line),
extended upwards only over lines made of links alone (``https://t.co/…pic.twitter.com/…``)
or over ``>``-quoted lines of the same quote block. It never reaches back past the
previous post, an HTML embed or a code block, so the article's prose stays prose.

Other fingerprints (§2.9) are read by the platform modules' ``text_recognisers``:
Instagram ``A post shared by Name (@handle)`` (and its translations, with the optional date),
Facebook ``Posted by Name on DATE`` (needs a date), Threads/Mastodon ``Post by @handle View on
Threads|Mastodon`` and TikTok ``@handle CAPTION ♬ sound``. Reddit's ``Title by u/user in sub``
is too close to prose to be reliable and is not recognised.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections.abc import Callable, Iterator
from datetime import date, datetime
from itertools import chain

from embedres.detect.dates import DateMatch, match_date
from embedres.detect.found import Found
from embedres.detect.markdown import Shortcode, find_shortcodes, label_text
from embedres.platforms.base import CLOCK_TIME, HANDLE, PostRef
from embedres.platforms.posturls import parse_post_url
from embedres.platforms.registry import PLATFORMS

__all__ = ["find_text_posts"]

# "(@handle)", or in Markdown made from the embed "([@handle](profile))".
# Markdown writers escape "_" ("@kankyo\_jpn"): the handle may hold "\_".
_MD_HANDLE = HANDLE.replace("[A-Za-z0-9_]", r"(?:[A-Za-z0-9_]|\\_)")
_ANCHOR = re.compile(
    rf"\(\s{{0,2}}(?:@(?P<h>{_MD_HANDLE})|\[@(?P<hm>{_MD_HANDLE})\]\([^()\s]{{1,400}}\))\s{{0,2}}\)"
)
# A dash before the name; CJK text writes the em dash with no space ("—ジェーン").
_DASH = re.compile(
    r"(?:&mdash;|&#8212;|â€”|\\-|--|[—–―-]|(?<!\S)\?)(?=[ \t\u00a0]{1,3}\S)|[—―](?=[^\s—―-])"
)
# With the dash removed by the dataset ("TEXT  Name (@handle) August 2, 2016"), the name is
# the run after a double space or a sentence end; a date must follow the handle.
_NO_DASH_NAME = re.compile(
    r"(?:^|  |[.!?…。！？][ \t]{1,2})"
    r"(?P<name>[^\s().!?…。！？](?:[^\s().!?…。！？]| (?! )){0,60})[ \t]{0,2}$"
)
_LABEL = re.compile(r"[^\[\]]{1,160}(?=\]\()")
_PLACEHOLDER = re.compile(r"^This (?:Tweet|Post) (?:was deleted|has been deleted|is unavailable)")
_AFTER = re.compile(r"[ \t\u00a0]{0,3}(?:\r?\n[ \t\u00a0>]{0,6})?\[?")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})")
_MD_LINK = re.compile(r"\]\((?P<url>[^()\s]{1,400})\)")
_STATUS = re.compile(r"(?:https?://)?[A-Za-z0-9.-]{1,40}/[^\s()\[\]<>]{1,300}")
_LINK_ONLY = re.compile(
    r"^[\s>]*(?:(?:https?://|pic\.(?:twitter|x)\.com/|www\.)\S{1,400}[\s]*){1,8}$"
)
_BBC_PREFIX = re.compile(r"Skip Twitter post(?: \d{1,3})? by @\w{1,20}\s{0,3}")
_MAX_TEXT = 600  # a fused line longer than this holds prose too: keep its last sentences


def _lines_up(text: str, line_start: int, floor: int) -> tuple[int, int] | None:
    """The text block above an attribution that starts its own line."""
    start = end = None
    quote_block = False
    cur = line_start
    skipped_blank = False
    for _ in range(12):
        if cur <= floor or cur == 0:
            break
        prev = text.rfind("\n", 0, cur - 1) + 1
        line = text[prev : cur - 1]
        bare = line.strip(" \t\r>\u00a0")
        if prev < floor:
            break
        if not bare:
            if end is not None or skipped_blank:
                break
            skipped_blank = True
            cur = prev
            continue
        if end is None:
            end = cur - 1
            quote_block = line.lstrip().startswith(">")
        start = prev
        cur = prev
        if quote_block and line.lstrip().startswith(">"):
            continue
        if not _LINK_ONLY.match(line):
            break
    if start is None or end is None:
        return None
    return start, end


def _trim_prose(text: str, start: int, end: int) -> int:
    """Move ``start`` past the article's sentences when a fused line is too long."""
    if end - start <= _MAX_TEXT:
        return start
    window_start = end - _MAX_TEXT // 2
    best = window_start
    for m in re.finditer(r"[.!?»”]\s+(?=\S)", text[window_start:end]):
        best = window_start + m.end()
        break
    return best


def _clean(text: str) -> str | None:
    lines = [re.sub(r"^[ \t>\u00a0]*", "", line) for line in text.split("\n")]
    cleaned = "\n".join(line.rstrip() for line in lines).strip()
    cleaned = _BBC_PREFIX.sub("", cleaned).strip()
    return cleaned or None


def _platform(handle: str) -> str:
    return "mastodon" if "@" in handle else "bluesky" if "." in handle else "twitter"


def _line_start(text: str, anchor: int, floor: int) -> int:
    """Start of the attribution line; the previous line when the anchor opens its line
    (block-splitting extractors break ``— Name (`` / ``@handle`` / ``) DATE``)."""
    line_start = text.rfind("\n", 0, anchor) + 1
    if line_start > floor and not text[line_start:anchor].strip(" \t\r>\u00a0("):
        line_start = text.rfind("\n", 0, line_start - 1) + 1
    return max(line_start, floor)


def _md_date(text: str, pos: int) -> tuple[DateMatch, str, int, str] | None:
    """A date written as a Markdown link label, perhaps hard-wrapped over quote lines:
    ``[March 9,\n> 2019](URL)`` -> (date, date text, end of the link, URL)."""
    label = _LABEL.match(text, pos)
    if label is None:
        return None
    joined = label_text(label.group(0))
    when = match_date(joined, 0)
    link = _MD_LINK.match(text, label.end())
    if when is None or link is None:
        return None
    tm = CLOCK_TIME.match(joined, when.end)
    return when, joined[: tm.end() if tm else when.end], link.end(), link["url"]


def _no_dash(text: str, line_start: int, anchor: int) -> tuple[int, int] | None:
    """(start, end) of the name when the attribution's dash was removed."""
    m = _NO_DASH_NAME.search(text, line_start, anchor)
    if m is None or not m["name"].strip():
        return None
    return m.start("name"), m.end("name")


def _attribution(text: str, m: re.Match[str], floor: int) -> Found | None:
    """A flattened tweet/skeet/toot anchored at ``(@handle)`` match ``m``."""
    line_start = _line_start(text, m.start(), floor)
    window = max(line_start, m.start() - 250, floor)
    dashes = [
        d for d in _DASH.finditer(text, window, m.start()) if text[d.end() : m.start()].strip()
    ]
    handle = (m["h"] or m["hm"]).replace("\\_", "_")
    platform = _platform(handle)
    after = _AFTER.match(text, m.end())
    pos = after.end() if after else m.end()
    md = _md_date(text, pos) if text[pos - 1 : pos] == "[" else None
    when = md[0] if md else match_date(text, pos)
    if dashes:
        dash_at, name_start = dashes[-1].start(), dashes[-1].end()
    else:
        bare = _no_dash(text, window, m.start()) if when is not None else None
        if bare is None:
            return None
        dash_at = name_start = bare[0]
    name = label_text(text[name_start : m.start()]) or None
    end, url, published_text = m.end(), None, None
    published: date | datetime | None = None
    iso = _ISO.match(text, pos) if when is None else None
    if iso is not None:  # third-party embed generators write ISO 8601 instants
        try:
            published = datetime.fromisoformat(iso.group(0).replace("Z", "+00:00"))
        except ValueError:
            iso = None
        else:
            end, published_text = iso.end(), iso.group(0)
    if md is not None:
        published, published_text, end, url = md[0].value, md[1], md[2], md[3]
    elif when is not None:
        end, published = when.end, when.value
        tm = CLOCK_TIME.match(text, end) if platform != "twitter" else None
        if tm:
            end = tm.end()
        published_text = text[when.start : end]
        link = _MD_LINK.match(text, end)
        if link:
            url, end = link["url"], link.end()
    elif iso is None:
        link = _STATUS.match(text, pos)
        ref = parse_post_url(link.group(0).rstrip(".,;:!?")) if link else None
        if ref is None:
            return None
        url, end = ref.canonical_url, pos + len(link.group(0).rstrip(".,;:!?")) if link else end
        if text[end : end + 1] == ")" and text[pos - 1 : pos] == "[":
            end += 1
    ref = parse_post_url(url) if url else None
    head = text[line_start:dash_at]
    if head.strip(" \t\r>\u00a0"):
        t_start, t_end = _trim_prose(text, max(line_start, floor), dash_at), dash_at
    else:
        block = _lines_up(text, line_start, floor)
        t_start, t_end = block if block else (dash_at, dash_at)
    bbc = _BBC_PREFIX.search(text, t_start, t_end)
    body = _clean(text[t_start:t_end])
    gone = body is not None and _PLACEHOLDER.match(body) is not None
    if gone:  # the post was deleted: the placeholder is part of the embed, not its text
        body = None
    return Found(
        platform,
        (min(t_start, dash_at) if body or bbc or gone else dash_at, end),
        form="text",
        author_name=name,
        author_handle=handle,
        text=body,
        published=published,
        published_text=published_text,
        lang=when.lang if when else None,
        text_span=(t_start, t_end) if body else None,
    ).with_ref(ref if ref is not None and ref.platform == platform else None)


def _candidates(
    text: str, floor_for: Callable[[int], int], free: Callable[[tuple[int, int]], bool]
) -> Iterator[Found]:
    for m in _ANCHOR.finditer(text):
        if not free(m.span()):
            continue  # inside an HTML embed or a code block already
        found = _attribution(text, m, floor_for(m.start()))
        if found is not None:
            yield found
    for platform in PLATFORMS:
        for find in platform.text_recognisers:
            yield from find(text, floor_for)


def _shortcode_ref(code: Shortcode) -> PostRef | None:
    """The post a shortcode names: a post URL among its arguments, else a platform's ids."""
    url = next((a for a in (*code.positional, code.keywords.get("url", "")) if "/" in a), None)
    if url:
        return parse_post_url(url)
    for platform in PLATFORMS:
        if platform.shortcode is None:
            continue
        named = platform.shortcode(code.name, code.positional, code.keywords)
        ref = parse_post_url(named) if named else None
        if ref is not None:
            return ref
    return None


def _shortcodes(text: str) -> Iterator[Found]:
    """Shortcodes naming a post (Hugo, Jekyll, WordPress, MDX), as posts of form ``url``."""
    for code in find_shortcodes(text):
        ref = _shortcode_ref(code)
        if ref is not None:
            yield Found(ref.platform, code.span, form="url").with_ref(ref)


def _lone_urls(text: str) -> Iterator[Found]:
    for m in re.finditer(
        r"(?m)^[ \t<]{0,4}(?P<u>(?:https?://)?[^\s<>]{4,600}?)[ \t>]{0,4}\r?$", text
    ):
        ref = parse_post_url(m["u"])
        if ref is not None and "/" in m["u"]:
            yield Found(ref.platform, (m.start("u"), m.end("u")), form="url").with_ref(ref)


def find_text_posts(text: str, blocked: list[tuple[int, int]] | None = None) -> list[Found]:
    """Find flattened embeds and lone post URLs in plain (or visible) text.

    Args:
        text: plain text, or the visible text of an HTML document.
        blocked: spans where no post may be found (code blocks, HTML embeds already read).

    Returns:
        The posts, sorted by offset, never overlapping each other or ``blocked``; spans
        and ``text_span`` index ``text``.

    >>> seed = ("Prose.\\nFrançois #Hollande se rendra à #Moscou\\n"
    ...     "https://t.co/CJ9ySZge7Ppic.twitter.com/UU7PNmTL0V\\n"
    ...     "— RT France (@RTenfrancais) 17 Novembre 2015\\nMore prose.")
    >>> [(p.author_handle, p.published_text, p.lang, p.text[:18]) for p in find_text_posts(seed)]
    [('RTenfrancais', '17 Novembre 2015', 'fr', 'François #Hollande')]
    """
    taken = sorted(blocked or [])
    ends = sorted(e for _, e in taken)
    accepted: list[Found] = []

    def floor_for(pos: int) -> int:
        i = bisect_right(ends, pos)
        return ends[i - 1] if i else 0

    def free(span: tuple[int, int]) -> bool:
        i = bisect_right(taken, (span[1], span[1]))
        return all(e <= span[0] or span[1] <= s for s, e in taken[max(0, i - 8) : i + 1])

    for found in chain(_shortcodes(text), _candidates(text, floor_for, free), _lone_urls(text)):
        if free(found.span):
            accepted.append(found)
            insort(taken, found.span)
            insort(ends, found.span[1])
    return sorted(accepted, key=lambda f: f.span)
