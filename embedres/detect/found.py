"""What every post recogniser returns, and helpers they share (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol

from embedres.detect.dates import DateMatch, match_date
from embedres.detect.markup import Document, Element, Node

__all__ = [
    "Found",
    "Ref",
    "attribution",
    "block_text",
    "classes",
    "clean_lang",
    "first_p_span",
    "read_date",
]


class Ref(Protocol):
    """What a parsed post URL offers (:class:`embedres.platforms.base.PostRef`)."""

    @property
    def post_id(self) -> str: ...
    @property
    def canonical_url(self) -> str: ...
    @property
    def handle(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Found:
    """A post before its entities are attached (see :class:`embedres.model.Post`)."""

    platform: str
    span: tuple[int, int]
    """Source offsets for HTML embeds; visible-text offsets for text and URL forms."""
    form: str = "html"
    url: str | None = None
    post_id: str | None = None
    author_name: str | None = None
    author_handle: str | None = None
    text: str | None = None
    published: date | datetime | None = None
    published_text: str | None = None
    lang: str | None = None
    text_span: tuple[int, int] | None = None
    """Visible-text span of the post's own text: entities inside it belong to the post."""
    vis_span: tuple[int, int] | None = None
    """Visible-text span of a whole HTML embed (no text-form post may overlap it)."""

    def with_ref(self, ref: Ref | None) -> Found:
        """Fill url, id and handle from a parsed post URL (keeping values already set)."""
        if ref is None:
            return self
        return replace(
            self,
            url=self.url or ref.canonical_url,
            post_id=self.post_id or ref.post_id,
            author_handle=self.author_handle or ref.handle,
        )


# Values of <p lang> that are not languages (Twitter's language detector, §1.1.1 notes).
_NOT_LANGS = {"und", "zxx", "qme", "qht", "qam", "qct", "qst", "qlt", "qmt", ""}
_LEGACY_LANGS = {"in": "id", "iw": "he", "ji": "yi", "msa": "ms", "zh-cn": "zh-CN"}
_LEGACY_LANGS["zh-tw"] = "zh-TW"
_LANG_SHAPE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$")


def clean_lang(value: str | None) -> str | None:
    """Return a BCP 47 tag from a ``lang``/``data-lang`` value, or None for non-languages.

    >>> clean_lang("in"), clean_lang("und"), clean_lang("pt-BR"), clean_lang("zh-cn")
    ('id', None, 'pt-BR', 'zh-CN')
    """
    if value is None:
        return None
    tag = value.strip().replace("_", "-")
    low = tag.lower()
    if low in _NOT_LANGS or not _LANG_SHAPE.match(tag):
        return None
    if low in _LEGACY_LANGS:
        return _LEGACY_LANGS[low]
    head, *rest = tag.split("-")
    return "-".join([head.lower(), *(r.upper() if len(r) == 2 else r for r in rest)])


def classes(el: Element) -> set[str]:
    """Class tokens of an element (``class``, or React's ``className``)."""
    return set((el.attrs.get("class") or el.attrs.get("classname") or "").split())


def block_text(tag: Node | None) -> str:
    """Text of an element with ``<br>`` as newlines and runs of spaces folded."""
    if tag is None:
        return ""
    text = tag.get_text()
    text = re.sub(r"[ \t\r\f\u00a0]+", " ", text)
    return re.sub(r" ?\n ?", "\n", text).strip()


_DASH = r"(?:&mdash;|&#8212;|â€”|\\-|--|[—–―-])"
_ATTRIBUTION = re.compile(
    rf"^\s*{_DASH}\s*(?P<name>.{{0,200}}?)\s*\(\s*@?(?P<handle>[^()\s]{{1,260}})\s*\)\s*(?P<rest>.*)$",
    re.S,
)


def attribution(text: str) -> tuple[str | None, str | None]:
    """Split ``— Name (@handle) date`` into (name, handle); (None, None) if not one.

    >>> attribution("— RT France (@RTenfrancais) 17 Novembre 2015")
    ('RT France', 'RTenfrancais')
    """
    m = _ATTRIBUTION.match(text)
    if m is None:
        return None, None
    return (m["name"].strip() or None), m["handle"].lstrip("@")


def read_date(text: str | None, lang: str | None) -> DateMatch | None:
    """Read a widget date at the start of ``text`` (a weekday prefix is skipped).

    >>> read_date("Monday, September 12, 2016", None).value
    datetime.date(2016, 9, 12)
    """
    if not text:
        return None
    m = match_date(text, 0, lang=lang)
    if m is None:
        # Facebook writes CLDR "full" dates: "Monday, September 12, 2016".
        head = re.match(r"^[^\W\d_]{2,20}\.?,?\s+", text)
        m = match_date(text, head.end(), lang=lang) if head else None
    return m


def first_p_span(doc: Document, index: int) -> tuple[int, int]:
    """Visible span of the first ``p`` inside an embed, else of the whole embed."""
    el = doc.elements[index]
    for child in doc.elements[index + 1 : index + 64]:
        if child.start >= el.end:
            break
        if child.parent == index and child.name == "p":
            return child.vis_start, child.vis_end
    return el.vis_start, el.vis_end
