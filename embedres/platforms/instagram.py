"""Instagram: post, reel and TV URLs, blockquote/iframe/AMP embeds, shortcode ids (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime

from embedres.detect.dates import match_date
from embedres.detect.found import Found, block_text, classes, first_p_span, read_date
from embedres.detect.markup import Document, fragment
from embedres.errors import InvalidArgument
from embedres.platforms.base import (
    CLOCK_TIME,
    ParseUrl,
    Platform,
    PostRef,
    found_from_ref,
    from_ms,
    split_url,
    src,
)

__all__ = ["PLATFORM", "shortcode_time"]

_INSTA = re.compile(
    r"^/(?:(?P<u>[A-Za-z0-9._]{1,30})/)?(?P<k>p|reel|reels|tv)/(?P<id>[A-Za-z0-9_-]{5,40})"
    r"(?:/embed(?:/captioned)?)?/?$"
)


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
    m = _INSTA.match(path)
    if not m:
        return None
    kind = "reel" if m["k"] == "reels" else m["k"]
    url = f"https://www.instagram.com/{kind}/{m['id']}/"
    return PostRef("instagram", m["id"], url, m["u"])


# "A post shared by" and its localisations (embed fallback text, reference notes §1.2).
_SHARED_BY = re.compile(
    r"^\s*(?:A (?:post|photo|video) (?:shared|posted) by|Une publication partagée par|"
    r"Ein Beitrag geteilt von|Una publicación compartida de|Uma publicação compartilhada por|"
    r"Un post condiviso da|Sebuah kiriman dibagikan oleh)\s*",
    re.I,
)
_NAME_HANDLE = re.compile(r"(?P<name>[^()]{0,200}?)\s*\(\s*@(?P<h>[A-Za-z0-9._]{1,30})\s*\)")
_BOILERPLATE = re.compile(
    r"^(?:View this post on Instagram|Voir cette publication|Diesen Beitrag|Ver esta publicación)",
    re.I,
)


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-instagram":
        code = el.attrs.get("data-shortcode", "")
        return found_from_ref(
            "instagram", doc, index, parse, f"https://www.instagram.com/p/{code}/"
        )
    if el.name == "iframe" and "instagr" in src(doc, index):
        return found_from_ref("instagram", doc, index, parse, src(doc, index))
    if el.name != "blockquote" or "instagram-media" not in classes(el):
        return None
    tag = fragment(doc.source[el.start : el.end])
    links = [a.get("href") or "" for a in tag.links()] if tag is not None else []
    base = None
    for url in [el.attrs.get("data-instgrm-permalink", ""), *links]:
        base = found_from_ref("instagram", doc, index, parse, url)
        if base is not None:
            break
    if base is None or tag is None:
        return base
    name = handle = caption = date_text = None
    published = None
    for p in tag.find_all("p"):
        text = block_text(p)
        m = _NAME_HANDLE.search(text)
        if m and (_SHARED_BY.match(text) or name is None):
            handle = m["h"]
            name = _SHARED_BY.sub("", m["name"]).strip() or None
            time = p.find("time")
            if time is not None:
                date_text = time.get_text().strip() or None
                shown = read_date(date_text, None)
                published = _iso(time.get("datetime")) or (shown.value if shown else None)
        elif text and not _BOILERPLATE.match(text) and caption is None:
            caption = text
    dm = read_date(date_text, None)
    return replace(
        base,
        author_name=name,
        author_handle=handle or base.author_handle,
        text=caption,
        published=published,
        published_text=date_text,
        lang=dm.lang if dm else None,
        text_span=first_p_span(doc, index) if caption else None,
    )


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


_INSTAGRAM_EPOCH_MS = 1314220021721
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64_INDEX = {c: i for i, c in enumerate(_B64_ALPHABET)}


def shortcode_time(code: str) -> datetime | None:
    """Return the UTC time an Instagram or Threads shortcode's id was allocated.

    The id can be allocated hours before the post is published.

    Args:
        code: the shortcode from ``/p/CODE/``, ``/reel/CODE/`` or ``/post/CODE``.

    Returns:
        The time, with millisecond precision; None for codes longer than 11
        characters (private posts), or with characters outside ``A-Za-z0-9-_``.

    Raises:
        InvalidArgument: ``code`` is not a ``str``.

    >>> shortcode_time("B5oDnnNhOt4").isoformat(timespec="seconds")
    '2019-12-03T21:46:57+00:00'
    """
    if not isinstance(code, str):
        raise InvalidArgument(f"a shortcode is a str, not {type(code).__name__}")
    if not 1 <= len(code) <= 11:
        return None
    n = 0
    for char in code:
        digit = _B64_INDEX.get(char)
        if digit is None:
            return None
        n = n * 64 + digit
    if n >> 64:
        return None
    return from_ms((n >> 23) + _INSTAGRAM_EPOCH_MS)


_INSTAGRAM = re.compile(
    r"(?:A (?:post|photo|video) shared by|Une publication partagée par|Ein Beitrag geteilt von|"
    r"Una publicación compartida de|Uma publicação compartilhada por|Un post condiviso da|"
    r"Sebuah kiriman dibagikan oleh)[ \u00a0]{1,3}(?P<name>[^()\n]{0,100}?)[ \u00a0]{0,3}"
    r"(?:\r?\n[ \t>]{0,6})?\([ \u00a0]?@(?P<h>[A-Za-z0-9._][A-Za-z0-9._ ]{0,31})[ \u00a0]?\)"
    # Markdown made from the embed: "[A post shared by Name\n> (@handle)](permalink)".
    r"(?:\]\((?P<url>[^()\s]{1,400})\))?"
    r"(?:[ \u00a0]{1,3}(?:on|le|am|el|em|il|pada)[ \u00a0]{1,3})?"
)
_VIEW_ON_IG = re.compile(
    r"(?:View this post on Instagram|Voir cette publication sur Instagram|"
    r"Diesen Beitrag auf Instagram ansehen|Ver esta publicación en Instagram)"
)


def _text_post(text: str, m: re.Match[str], floor: int) -> Found:
    end = m.end()
    when = match_date(text, end) if m.group(0).rstrip().endswith(tuple("nmeald")) else None
    published = published_text = lang = None
    if when is not None:
        tm = CLOCK_TIME.match(text, when.end)
        end = tm.end() if tm else when.end
        tz = re.match(r" ?[A-Z]{2,4}\b", text[end : end + 5])
        end += tz.end() if tz else 0
        published, published_text, lang = when.value, text[when.start : end], when.lang
    else:
        end = m.end("h") + 1
        end = text.find(")", end - 1) + 1 or end
    start, body, span_text = m.start(), None, None
    if m["url"] and text[start - 1 : start] == "[":
        start -= 1
    view = None
    for v in _VIEW_ON_IG.finditer(text, max(floor, m.start() - 2500), m.start()):
        view = v
    if view is not None:
        start = view.start()
        body = text[view.end() : m.start()].strip() or None
        span_text = (view.end(), m.start()) if body else None
    return Found(
        "instagram",
        (start, end),
        form="text",
        author_name=m["name"].strip() or None,
        author_handle=m["h"].replace(" ", ""),
        text=body,
        published=published,
        published_text=published_text,
        lang=lang,
        text_span=span_text,
    ).with_ref(_own(m["url"]))


def _own(url: str | None) -> PostRef | None:
    ref = _parse_any(url) if url else None
    return ref if ref is not None and ref.platform == "instagram" else None


def _parse_any(url: str) -> PostRef | None:
    parts = split_url(url)
    if parts is None or parts[0] not in {"instagram.com", "instagr.am"}:
        return None
    return _parse(*parts)


def _shortcode(name: str, positional: tuple[str, ...], kw: Mapping[str, str]) -> str | None:
    """Hugo ``{{< instagram CODE >}}`` (and ``id=``), MDX ``<Instagram id="CODE" />``."""
    if name not in {"instagram", "instagram_simple", "instagramembed"}:
        return None
    code = kw.get("id") or kw.get("postid") or (positional[0] if positional else "")
    if code.startswith(("http://", "https://")):
        return code
    return f"https://www.instagram.com/p/{code}/" if re.match(r"^[\w-]{5,40}$", code) else None


def _find_text(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``A post shared by Name (@handle)`` (and translations), with the optional date."""
    for m in _INSTAGRAM.finditer(text) if "@" in text else ():
        yield _text_post(text, m, floor_for(m.start()))


PLATFORM = Platform(
    name="instagram",
    label="Instagram",
    genre="Post",
    hosts=frozenset({"instagram.com", "instagr.am"}),
    embed_classes=frozenset({"instagram-media"}),
    widget_scripts=(
        ("www.instagram.com", "/embed.js"),
        ("instagram.com", "/embed.js"),
        ("platform.instagram.com", "/"),
    ),
    post_time=shortcode_time,
    parse=_parse,
    recognisers=(_recognise,),
    text_recognisers=(_find_text,),
    shortcode=_shortcode,
)
"""Instagram (Meta: oEmbed needs a token)."""
