"""HTML -> visible text with an offset map back to the source, and embed blocks.

A linear scanner walks the raw HTML once (``str.find`` and anchored regexes only, so
hostile markup such as ``'<a b="' * n`` or ``'<!--' * n`` stays linear; no recursion,
so ``'<div>' * 10000`` is fine). It yields:

* the **visible text**: text nodes with entities decoded, whitespace runs that hold a
  newline folded to one space, one ``\\n`` for each block boundary and ``<br>``, and
  nothing from ``script``, ``style``, ``template``, ``svg``, ``iframe``, ``noscript``,
  ``textarea``, ``title``, comments or attributes;
* an **offset map**, so any span of the visible text maps back to the raw input
  (:meth:`Document.source_span`);
* the **elements** embed recognisers need (``blockquote``, ``iframe``, ``script``,
  ``object``, ``embed``, ``amp-*``, Facebook/Reddit ``div`` plugins, and ``p`` inside
  those), with their raw and visible spans;
* the visible spans of ``pre``/``code`` blocks, where posts are never detected (a code
  sample showing embed markup is not an embed).

The inside of one embed block is read by :func:`fragment` (lxml, see ``_fragment``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

from embedres.detect.fragment import Node, fragment

__all__ = ["Document", "Element", "Node", "fragment", "looks_like_html", "parse_html"]
__all__ += ["plain_document"]

_RAW_TEXT = {
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"
}  # fmt: skip
_HIDDEN = {"template", "svg", "math", "object", "select", "video", "audio"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "keygen",
}  # fmt: skip
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br", "caption",
}  # fmt: skip
_RECORD = {"blockquote", "iframe", "script", "object", "embed"}
_CODE = {"pre", "code", "kbd", "samp"}

# A whole tag in one match; possessive quantifiers (Python 3.11+) rule out backtracking.
_FAST_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9:_-]{0,63})((?:[^>\"'<]++|\"[^\"]*+\"|'[^']*+')*+)>"
)
_ATTR_ALL = re.compile(r"([^\s\"'>/=]{1,256})(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]*)))?")
_TAG_OPEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]{0,63})")
_ATTR = re.compile(r"[\s/]*([^\s\"'>/=][^\s\"'>/=]{0,255})?(\s*=\s*)?")
_UNQUOTED = re.compile(r"[^\s>]{0,4096}")
_ENTITY = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9A-Fa-f]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_WS_RUN = re.compile(r"[ \t\r\n\f]*\n[ \t\r\n\f]*|[ \t\r\f]{2,}")
_FENCE = re.compile(r"(?m)^[ \t]{0,3}(?P<f>`{3,}|~{3,})")
_MAYBE_ATTRS = _RECORD | {"amp-twitter", "amp-instagram", "amp-facebook"}
_MAYBE_ATTRS |= {"amp-youtube", "amp-reddit"}
_NEEDS_WORK = re.compile(r"[&\n\t\r\f]|  ")
_END_CACHE: dict[str, re.Pattern[str]] = {}
_SNIFF = re.compile(
    r"<(?:!doctype|html|head|body|p|div|span|blockquote|iframe|script|a|br|article|section|"
    r"figure|img|h[1-6]|ul|ol|li|table|em|strong|b|i|meta|link|style|amp-[a-z]+)(?:[\s/>])|</[a-z]",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Element:
    """An element an embed recogniser may look at, with its spans."""

    name: str
    """Lower-case tag name."""
    attrs: dict[str, str]
    """Attributes (names lower-cased, values with entities decoded)."""
    start: int
    """Offset of ``<`` of the start tag in the source."""
    end: int
    """Offset after the end tag (or where the element was implicitly closed)."""
    vis_start: int
    """Offset in the visible text where its content starts."""
    vis_end: int = -1
    """Offset in the visible text where its content ends."""
    parent: int = -1
    """Index of the closest recorded ancestor in :attr:`Document.elements`, or -1."""


@dataclass(slots=True)
class Document:
    """Visible text of an input and how it maps back to the input."""

    source: str
    """The input exactly as given."""
    text: str
    """The visible text (the input itself for plain text)."""
    is_html: bool
    elements: list[Element] = field(default_factory=list)
    """Recorded elements, in document order."""
    code_spans: list[tuple[int, int]] = field(default_factory=list)
    """Visible-text spans inside ``pre``/``code``/``kbd``/``samp``."""
    _vis: list[int] = field(default_factory=list)
    _raw: list[int] = field(default_factory=list)
    _raw_end: list[int] = field(default_factory=list)
    _linear: list[bool] = field(default_factory=list)
    _code_index: tuple[list[tuple[int, int]], int, list[int], list[int]] | None = field(
        default=None, compare=False, repr=False
    )

    def _seg(self, v: int) -> int:
        return max(bisect_right(self._vis, v) - 1, 0)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of :attr:`text` to the source.

        Args:
            start: start offset in the visible text.
            end: end offset in the visible text (``end >= start``).

        Returns:
            The smallest source span that holds every character of the visible span
            (a decoded entity maps to the whole entity; markup between characters of
            different text nodes is included).

        >>> doc = parse_html("<p>Caf&eacute; #1a</p>")
        >>> doc.text.strip()
        'Café #1a'
        >>> s, e = doc.source_span(doc.text.index("Caf"), doc.text.index(" #"))
        >>> doc.source[s:e]
        'Caf&eacute;'
        """
        if not self.is_html:
            return start, end
        if not self._vis:
            return 0, 0
        i = self._seg(start)
        rs = self._raw[i] + (start - self._vis[i] if self._linear[i] else 0)
        if end <= start:
            return rs, rs
        j = self._seg(end - 1)
        re_ = self._raw[j] + (end - self._vis[j]) if self._linear[j] else self._raw_end[j]
        return rs, max(re_, rs)

    def source_spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Map many visible spans, sorted by start, in one pass (see :meth:`source_span`)."""
        if not self.is_html or not self._vis:
            return [self.source_span(s, e) for s, e in spans]
        vis, raw, raw_end, linear = self._vis, self._raw, self._raw_end, self._linear
        out: list[tuple[int, int]] = []
        last, seg = len(vis) - 1, self._seg(spans[0][0]) if spans else 0
        for start, end in spans:
            if start < vis[seg]:
                seg = self._seg(start)
            while seg < last and vis[seg + 1] <= start:
                seg += 1
            rs = raw[seg] + (start - vis[seg] if linear[seg] else 0)
            j = seg
            while j < last and vis[j + 1] <= end - 1:
                j += 1
            stop = raw[j] + (end - vis[j]) if linear[j] else raw_end[j]
            out.append((rs, max(stop, rs)) if end > start else (rs, rs))
        return out

    def in_code(self, start: int, end: int) -> bool:
        """Whether the visible span overlaps a ``pre``/``code`` block.

        Logarithmic: the spans are merged and indexed once (again after they change), so
        asking for every post of a page with many code spans stays linear.

        >>> doc = plain_document("a `b` c `d` e")
        >>> doc.code_spans = [(2, 5), (8, 11)]
        >>> doc.in_code(0, 3), doc.in_code(5, 8), doc.in_code(9, 9), doc.in_code(11, 12)
        (True, False, True, False)
        """
        spans = self.code_spans
        index = self._code_index
        if index is None or index[0] is not spans or index[1] != len(spans):
            starts: list[int] = []
            ends: list[int] = []
            for s, e in sorted(spans):
                if starts and s < ends[-1]:  # overlapping spans merge; touching ones do not
                    ends[-1] = max(ends[-1], e)
                else:
                    starts.append(s)
                    ends.append(e)
            index = self._code_index = (spans, len(spans), starts, ends)
        # Merged spans are disjoint and sorted, so their ends never decrease: only the last
        # span starting before ``end`` can reach past ``start``.
        i = bisect_left(index[2], end) - 1
        return i >= 0 and index[3][i] > start


def looks_like_html(text: str) -> bool:
    """Guess whether ``text`` is HTML: it holds a common tag or an end tag.

    >>> looks_like_html("<p>Hello</p>"), looks_like_html("a < b and c > d")
    (True, False)
    """
    return "<" in text and _SNIFF.search(text) is not None


def plain_document(text: str) -> Document:
    """Wrap plain text as a :class:`Document` whose visible text is the input.

    Markdown code fences (lines opening with three or more backticks or tildes) become code
    spans; a fence is closed by a fence of the same character at least as long.

    >>> plain_document("a\\n```\\n<blockquote>\\n```\\nb").code_spans
    [(2, 22)]
    >>> plain_document("a\\n~~~~\\n```\\n~~~\\nx\\n~~~~\\nb").code_spans
    [(2, 21)]
    """
    doc = Document(source=text, text=text, is_html=False)
    pos = 0
    while (start := _FENCE.search(text, pos)) is not None:
        fence = start["f"]
        end = len(text)
        at = start.end()
        while (close := _FENCE.search(text, at)) is not None:
            if close["f"][0] == fence[0] and len(close["f"]) >= len(fence):
                end = close.end()
                break
            at = close.end()
        doc.code_spans.append((start.start(), end))
        pos = end
    return doc


class _Builder:
    def __init__(self, source: str) -> None:
        self.src = source
        self.parts: list[str] = []
        self.length = 0
        self.doc = Document(source=source, text="", is_html=True)

    def emit(self, text: str, raw: int, raw_end: int, linear: bool) -> None:
        if not text:
            return
        d = self.doc
        d._vis.append(self.length)
        d._raw.append(raw)
        d._raw_end.append(raw_end)
        d._linear.append(linear)
        self.parts.append(text)
        self.length += len(text)
        self.last = text[-1]

    last = "\n"
    keep_spaces = False

    def newline(self, at: int) -> None:
        if self.last != "\n":
            self.emit("\n", at, at, False)

    def text(self, i: int, j: int) -> None:
        src, pos = self.src, i
        chunk = src[i:j]
        if not _NEEDS_WORK.search(chunk) or (self.keep_spaces and "&" not in chunk):
            d = self.doc
            d._vis.append(self.length)
            d._raw.append(i)
            d._raw_end.append(j)
            d._linear.append(True)
            self.parts.append(chunk)
            self.length += j - i
            self.last = chunk[-1]
            return
        if chunk.isspace():
            if self.last not in " \n":
                self.emit(" ", i, j, False)
            return
        if "&" not in chunk:
            self._spaces(i, j)
            return
        for m in _ENTITY.finditer(src, i, j):
            decoded = _decode(m.group(0))
            if decoded == m.group(0):
                continue
            self._spaces(pos, m.start())
            self.emit(decoded, m.start(), m.end(), False)
            pos = m.end()
        self._spaces(pos, j)

    def _spaces(self, i: int, j: int) -> None:
        if self.keep_spaces:
            self.emit(self.src[i:j], i, j, True)
            return
        pos = i
        for m in _WS_RUN.finditer(self.src, i, j):
            self.emit(self.src[pos : m.start()], pos, m.start(), True)
            if self.last not in " \n":
                self.emit(" ", m.start(), m.end(), False)
            pos = m.end()
        self.emit(self.src[pos:j], pos, j, True)


@lru_cache(maxsize=1024)
def _decode(reference: str) -> str:
    """Decode one character reference (cached: pages repeat the same few)."""
    return unescape(reference)


def _scan_tag(src: str, j: int) -> tuple[bool, str, dict[str, str], int, bool] | None:
    """Read the tag at ``src[j]``: (is_end, name, attrs, end offset, self-closing)."""
    m = _TAG_OPEN.match(src, j)
    if m is None:
        return None
    is_end, name, pos, n = bool(m.group(1)), m.group(2).lower(), m.end(), len(src)
    attrs: dict[str, str] = {}
    while pos < n:
        ch = src[pos]
        if ch == ">":
            return is_end, name, attrs, pos + 1, src[pos - 1] == "/"
        a = _ATTR.match(src, pos)
        assert a is not None  # the pattern can match the empty string
        key, eq = a.group(1), a.group(2)
        pos = a.end()
        if key is None and a.end() == a.start():
            pos += 1  # a stray quote or '=': skip it
            continue
        value = ""
        if eq and pos < n and src[pos] in "\"'":
            close = src.find(src[pos], pos + 1)
            if close < 0:
                return is_end, name, attrs, n, False  # unterminated quote eats the rest
            value, pos = src[pos + 1 : close], close + 1
        elif eq:
            u = _UNQUOTED.match(src, pos)
            assert u is not None
            value, pos = u.group(0), u.end()
        if key is not None and len(attrs) < 256:
            attrs.setdefault(key.lower(), unescape(value) if "&" in value else value)
    return is_end, name, attrs, n, False


Trigger = tuple[str, str, str]
"""``(tag, attribute, token)``: record a ``tag`` whose ``attribute`` holds the word ``token``
(``("div", "class", "fb-post")``), or has ``attribute`` at all when ``token`` is ``""``;
the platform registry lists them."""


def _attrs(
    name: str, rest: str, blocks: int, triggers: dict[str, list[tuple[str, str]]]
) -> dict[str, str]:
    """Attributes of a tag, read only when a recogniser may need them."""
    wanted = name in _RECORD or name.startswith("amp-") or (name == "p" and blocks > 0)
    if not wanted and not any((token or attr) in rest for attr, token in triggers.get(name, ())):
        return {}
    attrs: dict[str, str] = {}
    for m in _ATTR_ALL.finditer(rest):
        if len(attrs) >= 256:
            break
        value = m.group(2) if m.group(2) is not None else m.group(3) or m.group(4) or ""
        attrs.setdefault(m.group(1).lower(), unescape(value) if "&" in value else value)
    return attrs


def _raw_end(src: str, name: str, pos: int) -> tuple[int, int]:
    pattern = _END_CACHE.get(name)
    if pattern is None:
        pattern = _END_CACHE[name] = re.compile(rf"</{name}(?=[\s/>])[^>]{{0,256}}>?", re.I)
    m = pattern.search(src, pos)
    return (m.start(), m.end()) if m else (len(src), len(src))


def _record(
    name: str, attrs: dict[str, str], in_block: bool, triggers: dict[str, list[tuple[str, str]]]
) -> bool:
    if name in _RECORD or name.startswith("amp-"):
        return True
    if name in triggers and any(
        token in attrs.get(attr, "").split() if token else attr in attrs
        for attr, token in triggers[name]
    ):
        return True
    return name == "p" and in_block


def parse_html(html: str, triggers: Collection[Trigger] = ()) -> Document:
    """Read HTML into visible text, an offset map, recorded elements and code spans.

    Args:
        html: the raw HTML.
        triggers: elements to record besides ``blockquote``, ``iframe``, ``script``,
            ``object``, ``embed`` and ``amp-*`` (the extractor passes the registry's,
            :data:`embedres.platforms.embeds.MARKUP_TRIGGERS`).

    Returns:
        A :class:`Document` whose ``source`` is ``html``.

    >>> doc = parse_html('<p>Hi <b>there</b></p><script>var x="#no";</script><p>#yes</p>')
    >>> doc.text
    'Hi there\\n#yes\\n'
    """
    by_tag: dict[str, list[tuple[str, str]]] = {}
    for tag_name, attr, token in triggers:
        by_tag.setdefault(tag_name, []).append((attr, token))
    b = _Builder(html)
    doc, n, i = b.doc, len(html), 0
    stack: list[tuple[str, int]] = []  # (name, index of recorded element or -1)
    open_count: dict[str, int] = {}
    hidden = code = blocks = 0
    code_start = 0
    while i < n:
        j = html.find("<", i)
        if j < 0:
            j = n
        if j > i and not hidden:
            b.text(i, j)
        if j >= n:
            break
        if html.startswith("<!--", j):
            k = html.find("-->", j + 4)
            i = n if k < 0 else k + 3
            continue
        if html.startswith(("<!", "<?"), j):
            k = html.find(">", j + 2)
            i = n if k < 0 else k + 1
            continue
        fast = _FAST_TAG.match(html, j)
        tag: tuple[bool, str, dict[str, str], int, bool] | None
        if fast is not None:
            name, rest = fast.group(2).lower(), fast.group(3)
            wants = name in _MAYBE_ATTRS or name in by_tag or blocks
            attrs = _attrs(name, rest, blocks, by_tag) if wants else {}
            tag = (bool(fast.group(1)), name, attrs, fast.end(), rest[-1:] == "/")
        else:
            tag = _scan_tag(html, j)
        if tag is None:
            if not hidden:
                b.emit("<", j, j + 1, True)
            i = j + 1
            continue
        is_end, name, attrs, i, self_closing = tag
        if name in _BLOCK and not hidden:
            b.newline(j)
        if is_end:
            if not open_count.get(name):
                continue
            while stack:
                top, idx = stack.pop()
                open_count[top] -= 1
                if top in _HIDDEN:
                    hidden -= 1
                if top == "pre":
                    b.keep_spaces = open_count["pre"] > 0
                if top in _CODE:
                    code -= 1
                    if code == 0:
                        doc.code_spans.append((code_start, b.length))
                if idx >= 0:
                    el = doc.elements[idx]
                    el.end, el.vis_end = i, b.length
                    blocks -= el.name != "p"
                if top == name:
                    break
            continue
        parent = next((idx for _, idx in reversed(stack[-64:]) if idx >= 0), -1)
        idx = -1
        if _record(name, attrs, blocks > 0, by_tag):
            idx = len(doc.elements)
            doc.elements.append(Element(name, attrs, j, i, b.length, b.length, parent))
        if name in _RAW_TEXT and not self_closing:
            _, i = _raw_end(html, name, i)
            if idx >= 0:
                doc.elements[idx].end = i
            continue
        if name in _VOID or self_closing:
            continue
        stack.append((name, idx))
        open_count[name] = open_count.get(name, 0) + 1
        blocks += idx >= 0 and name != "p"
        hidden += name in _HIDDEN
        if name in _CODE:
            code += 1
            if code == 1:
                code_start = b.length
        if name == "pre":
            b.keep_spaces = True
    for _, idx in stack:
        if idx >= 0:
            doc.elements[idx].end, doc.elements[idx].vis_end = n, b.length
    if code:
        doc.code_spans.append((code_start, b.length))
    doc.text = "".join(b.parts)
    return doc
