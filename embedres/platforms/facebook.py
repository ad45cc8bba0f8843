"""Facebook: post, video, reel and permalink URLs, plugin iframes and divs (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from embedres.detect.found import Found, block_text, classes, read_date
from embedres.detect.markdown import label_text
from embedres.detect.markup import Document, fragment
from embedres.platforms.base import ParseUrl, Platform, PostRef, found_from_ref, split_url, src

__all__ = ["PLATFORM"]

_FB_PAGE = r"[A-Za-z0-9.\-]{1,80}"
_FB_POST = re.compile(
    rf"^/(?P<p>{_FB_PAGE})/posts/(?P<id>\d{{1,25}}|pfbid0[A-Za-z0-9]{{10,80}})/?$"
)
_FB_VIDEO = re.compile(rf"^/(?P<p>{_FB_PAGE})/videos/(?:[^/]{{1,100}}/)?(?P<id>\d{{1,25}})/?$")
_FB_REEL = re.compile(r"^/reel/(?P<id>\d{1,25})/?$")
_DIGITS = re.compile(r"^\d{1,25}$")


def _parse(host: str, path: str, query: dict[str, list[str]]) -> PostRef | None:
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


# Only these plugins show a post; like/share/follow buttons and the page plugin (a
# timeline) name a URL without embedding it.
_POST_PLUGINS = ("/plugins/post.php", "/plugins/video.php", "/plugins/comment_embed.php")


def _recognise(doc: Document, index: int, parse: ParseUrl) -> Found | None:
    el = doc.elements[index]
    if el.name == "amp-facebook":
        return found_from_ref("facebook", doc, index, parse, el.attrs.get("data-href"))
    if el.name == "iframe":
        try:
            parts = urlsplit(src(doc, index))
        except ValueError:  # e.g. "Invalid IPv6 URL" from a stray "[" in the host
            return None
        if "facebook.com" not in parts.netloc or not parts.path.startswith(_POST_PLUGINS):
            return None  # like.php, share_button.php, page.php...: buttons and timelines
        href = (parse_qs(parts.query).get("href") or [""])[0]
        return found_from_ref("facebook", doc, index, parse, href) or Found(
            "facebook", (el.start, el.end)
        )
    if el.name != "div" or not classes(el) & {"fb-post", "fb-video", "fb-comment-embed"}:
        return None
    base = found_from_ref("facebook", doc, index, parse, el.attrs.get("data-href")) or Found(
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
    # Videos print the date as text, after a title link: read "Posted by NAME on DATE".
    byline = _FACEBOOK.search(block_text(quote))
    if byline is not None:
        name = byline["name"].strip() or name
        date_text = block_text(quote)[byline.end() :].strip() or date_text
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


_FACEBOOK = re.compile(
    r"(?:Posted by|Publicado por|Posté par|Publié par)[ \u00a0]{1,3}(?P<name>[^\n]{1,100}?)"
    r"[ \u00a0]{1,3}(?:on|en|sur)[ \u00a0]{1,3}"
)


# The embed prints a CLDR "full" date, weekday spelt out ("Tuesday, March 5, 2019",
# "jueves, 12 de noviembre de 2020", "mardi 5 mars 2019"); bylines abbreviate or omit it.
_FULL_DATE = re.compile(r"^[^\W\d_]{4,20},?[ \u00a0]{1,2}(?:[^\W\d_]{3,20}[ \u00a0]{1,2})?\d")


def _text_post(text: str, m: re.Match[str], floor: int) -> Found | None:
    tail = text[m.end() : m.end() + 80].split("\n", 1)[0]
    if not _FULL_DATE.match(tail):
        return None  # a blog byline ("Posted by Jane on Mon 4 May 2020"), not the embed
    dm = read_date(tail, None)
    if dm is None:
        return None
    end = m.end() + dm.end
    if text[end : end + 1].isalpha():  # trailing weekday (tr: "9 Ocak 2017 Pazartesi")
        end += len(re.match(r"\w{0,20}", text[end:]).group(0))  # type: ignore[union-attr]
    line_start = text.rfind("\n", 0, m.start()) + 1
    start = max(line_start, floor)
    body = text[start : m.start()].strip() or None
    return Found(
        "facebook",
        (start if body else m.start(), end),
        form="text",
        author_name=m["name"].strip(),
        text=body,
        published=dm.value,
        published_text=text[m.end() : end].strip(),
        lang=dm.lang,
        text_span=(start, m.start()) if body else None,
    )


def _find_text(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``Posted by Name on DATE`` (and translations); needs the date."""
    for m in _FACEBOOK.finditer(text):
        found = _text_post(text, m, floor_for(m.start()))
        if found is not None:
            yield found


# Markdown made from the embed: "Posted by [Name](page) on\n> [Tuesday, March 5,\n> 2019](post)".
_MD_POSTED = re.compile(
    r"(?:Posted by|Publicado por|Posté par|Publié par)[ \t]{0,3}\[(?P<name>[^\[\]\n]{1,100})\]"
    r"\([^()\s]{1,400}\)[ \t]{1,3}(?:on|en|sur)[\s>\u00a0]{1,8}"
    r"(?:\[(?P<date>[^\[\]]{1,100})\]\((?P<url>[^()\s]{1,400})\)|(?P<plain>[^\n\[\]]{6,80}))"
)


def _find_markdown(text: str, floor_for: Callable[[int], int]) -> Iterator[Found]:
    """``Posted by [Name](page) on [DATE](post)`` with the label wrapped over lines."""
    if " par" not in text and " by" not in text and " por" not in text:
        return
    for m in _MD_POSTED.finditer(text):
        date_text = label_text(m["date"] or m["plain"])
        dm = read_date(date_text, None)
        if m["plain"] and (dm is None or not _FULL_DATE.match(date_text)):
            continue  # an unlinked date must be the embed's full one, as in the plain form
        parts = split_url(m["url"] or "")
        ref = _parse(*parts) if parts is not None and parts[0] == "facebook.com" else None
        if dm is None and ref is None:
            continue
        yield Found(
            "facebook",
            m.span(),
            form="text",
            author_name=m["name"].strip(),
            published=dm.value if dm else None,
            published_text=date_text if dm else None,
            lang=dm.lang if dm else None,
        ).with_ref(ref)


PLATFORM = Platform(
    name="facebook",
    label="Facebook",
    genre="Post",
    hosts=frozenset({"facebook.com"}),
    markup_triggers=(
        ("div", "class", "fb-post"),
        ("div", "class", "fb-video"),
        ("div", "class", "fb-comment-embed"),
    ),
    widget_scripts=(("connect.facebook.net", "/"),),
    tracking={"facebook.com": frozenset({"mibextid", "__tn__", "__cft__[0]", "sfnsn", "rdid"})},
    short_hosts=frozenset({"fb.me", "on.fb.me"}),
    parse=_parse,
    recognisers=(_recognise,),
    text_recognisers=(_find_markdown, _find_text),
)
"""Facebook (Meta: oEmbed needs a token; ids carry no time)."""
