"""Recognisers for Instagram, TikTok, YouTube, Facebook, Reddit, Telegram, LinkedIn (pure).

Registered through :data:`MORE_RECOGNISERS` in :mod:`embedres.platforms.registry`; the markup
each one reads is listed in docs/posts.md.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from embedres.detect.found import (
    Found,
    Recogniser,
    block_text,
    classes,
    first_p_span,
    found_from_ref,
    read_date,
)
from embedres.detect.markup import Document, fragment

__all__ = ["MORE_RECOGNISERS"]

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


def _src(doc: Document, index: int) -> str:
    return doc.elements[index].attrs.get("src", "")


def _instagram(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-instagram":
        code = el.attrs.get("data-shortcode", "")
        return found_from_ref("instagram", doc, index, f"https://www.instagram.com/p/{code}/")
    if el.name == "iframe" and "instagr" in _src(doc, index):
        return found_from_ref("instagram", doc, index, _src(doc, index))
    if el.name != "blockquote" or "instagram-media" not in classes(el):
        return None
    tag = fragment(doc.source[el.start : el.end])
    links = [a.get("href") or "" for a in tag.links()] if tag is not None else []
    base = None
    for url in [el.attrs.get("data-instgrm-permalink", ""), *links]:
        base = found_from_ref("instagram", doc, index, url)
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


def _tiktok(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe" and "tiktok.com/" in _src(doc, index):
        return found_from_ref("tiktok", doc, index, _src(doc, index))
    if el.name != "blockquote" or "tiktok-embed" not in classes(el):
        return None
    vid = el.attrs.get("data-video-id", "")
    base = found_from_ref("tiktok", doc, index, el.attrs.get("cite")) or found_from_ref(
        "tiktok", doc, index, f"https://www.tiktok.com/embed/v2/{vid}"
    )
    tag = fragment(doc.source[el.start : el.end])
    if base is None or tag is None:
        return base
    section = tag.find("section") or tag
    anchors = section.find_all("a")
    handle = base.author_handle
    if anchors and anchors[0].get_text().strip().startswith("@"):
        handle = handle or anchors[0].get_text().strip()[1:]
        anchors[0].extract()
    for a in section.find_all("a"):
        if a.get_text().strip().startswith("♬"):
            a.extract()
    caption = block_text(section) or None
    span = (el.vis_start, el.vis_end)
    return replace(base, author_handle=handle, text=caption, text_span=span if caption else None)


def _youtube(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-youtube":
        vid = el.attrs.get("data-videoid", "")
        return found_from_ref("youtube", doc, index, f"https://www.youtube.com/watch?v={vid}")
    if el.name in ("iframe", "embed"):
        return found_from_ref("youtube", doc, index, _src(doc, index))
    if el.name != "object":
        return None
    if el.attrs.get("data"):
        return found_from_ref("youtube", doc, index, el.attrs["data"])
    tag = fragment(doc.source[el.start : el.end])
    movie = tag.find("param", name="movie") if tag is not None else None
    embed = tag.find("embed") if tag is not None else None
    url = (movie.get("value") if movie is not None else None) or (
        embed.get("src") if embed is not None else None
    )
    return found_from_ref("youtube", doc, index, url)


def _facebook(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-facebook":
        return found_from_ref("facebook", doc, index, el.attrs.get("data-href"))
    if el.name == "iframe":
        try:
            parts = urlsplit(_src(doc, index))
        except ValueError:  # e.g. "Invalid IPv6 URL" from a stray "[" in the host
            return None
        if "facebook.com" not in parts.netloc or "/plugins/" not in parts.path:
            return None
        href = (parse_qs(parts.query).get("href") or [""])[0]
        return found_from_ref("facebook", doc, index, href) or Found("facebook", (el.start, el.end))
    if el.name != "div" or not classes(el) & {"fb-post", "fb-video", "fb-comment-embed"}:
        return None
    base = found_from_ref("facebook", doc, index, el.attrs.get("data-href")) or Found(
        "facebook", (el.start, el.end)
    )
    tag = fragment(doc.source[el.start : el.end])
    quote = tag.find("blockquote") if tag is not None else None
    if quote is None:
        return base
    p = quote.find("p")
    text = block_text(p) or None if p is not None else None
    if p is not None:
        p.extract()
    anchors = quote.find_all("a")
    name = anchors[0].get_text().strip() or None if len(anchors) >= 2 else None
    date_text = anchors[-1].get_text().strip() or None if anchors else None
    dm = read_date(date_text, None)
    return replace(
        base,
        author_name=name,
        text=text,
        published=dm.value if dm else None,
        published_text=date_text if dm else None,
        lang=dm.lang if dm else None,
        text_span=(el.vis_start, el.vis_end) if text else None,
    )


_REDDIT_USER = re.compile(r"/u(?:ser)?/([A-Za-z0-9_-]{3,20})/?$")


def _reddit(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-reddit":
        return found_from_ref("reddit", doc, index, el.attrs.get("data-src"))
    if el.name not in ("blockquote", "div"):
        return None
    if not classes(el) & {"reddit-embed-bq", "reddit-card", "reddit-embed"}:
        return None
    tag = fragment(doc.source[el.start : el.end])
    anchors = tag.links() if tag is not None else []
    base = None
    for a in anchors:
        base = found_from_ref("reddit", doc, index, a.get("href"))
        if base is not None:
            title = a.get_text().strip() or None
            base = replace(base, text=title, text_span=(el.vis_start, el.vis_end))
            break
    if base is None:
        base = found_from_ref("reddit", doc, index, el.attrs.get("data-embed-parent"))
    for a in anchors:
        m = _REDDIT_USER.search(a.get("href") or "")
        if base is not None and m:
            return replace(base, author_handle=m.group(1))
    return base


def _telegram(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "script" and el.attrs.get("data-telegram-post"):
        return found_from_ref(
            "telegram", doc, index, "https://t.me/" + el.attrs["data-telegram-post"]
        )
    if el.name == "iframe" and re.match(r"^(?:https?:)?//(?:t|telegram)\.me/", _src(doc, index)):
        return found_from_ref("telegram", doc, index, _src(doc, index))
    return None


def _linkedin(doc: Document, index: int) -> Found | None:
    el = doc.elements[index]
    if el.name == "iframe" and "linkedin.com/" in _src(doc, index):
        return found_from_ref("linkedin", doc, index, _src(doc, index))
    return None


MORE_RECOGNISERS: tuple[Recogniser, ...] = (
    _instagram,
    _tiktok,
    _youtube,
    _facebook,
    _reddit,
    _telegram,
    _linkedin,
)
"""Recognisers of this module, in the order the registry tries them."""
