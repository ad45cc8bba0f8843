"""One embed block parsed with lxml, behind a small interface (pure).

This is the only module that imports lxml. BeautifulSoup was tried first: it cannot report
source offsets with the lxml builder (hence the scanner in :mod:`embedres.detect.markup`), and
building its tree cost 1-10 ms per block, which a page of 5000 embedded tweets cannot
afford; lxml alone takes about a tenth of that.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Node", "fragment"]


class Node:
    """One element of an embed block, with the few lookups recognisers need.

    A thin wrapper over an lxml element, so no other module depends on the parser.
    ``<br>`` reads as a newline in :meth:`get_text`.
    """

    __slots__ = ("_el",)

    def __init__(self, el: Any) -> None:
        self._el = el

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other._el is self._el

    def __hash__(self) -> int:
        return id(self._el)

    @property
    def name(self) -> str:
        """Lower-case tag name."""
        return str(self._el.tag).lower()

    def get(self, key: str) -> str | None:
        """An attribute's value, or None."""
        value = self._el.get(key)
        return None if value is None else str(value)

    def find(self, tag: str, /, **attrs: str) -> Node | None:
        """The first descendant called ``tag`` whose attributes equal ``attrs``."""
        return next(iter(self.find_all(tag, **attrs)), None)

    def find_all(self, tag: str, /, **attrs: str) -> list[Node]:
        """Descendants called ``tag`` (in document order) whose attributes equal ``attrs``."""
        found = []
        for el in self._el.iterdescendants(tag):
            if all(el.get(k) == v for k, v in attrs.items()):
                found.append(Node(el))
        return found

    def links(self) -> list[Node]:
        """Descendant ``a`` elements that have an ``href``."""
        return [Node(el) for el in self._el.iterdescendants("a") if el.get("href")]

    def find_parent(self, name: str) -> Node | None:
        """The closest ancestor called ``name``."""
        return next((Node(el) for el in self._el.iterancestors(name)), None)

    def get_text(self) -> str:
        """The text of the element and its descendants."""
        return "".join(str(t) for t in self._el.itertext())

    def extract(self) -> None:
        """Remove the element from the tree, keeping the text that follows it."""
        el = self._el
        parent = el.getparent()
        if parent is None:
            return
        tail, prev = el.tail, el.getprevious()
        if tail:
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def fragment(html: str) -> Node | None:
    """Parse one embed block (lxml's HTML parser) and return its first element.

    Args:
        html: the raw markup of the block.

    Returns:
        The block's element, or None when the markup holds no element.

    >>> quote = fragment('<blockquote><p>One<br>two</p>&mdash; A (@a)</blockquote>')
    >>> quote.find("p").get_text()
    'One\\ntwo'
    """
    import lxml.etree
    import lxml.html  # lazily: plain-text extraction never needs it

    # lxml keeps control characters it parsed but refuses them in text it is given later
    # (the <br> tails and extract() below): make them spaces first, as browsers show them.
    html = _NOT_XML.sub(" ", html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return None
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    first = next(iter(root), None)
    return Node(first) if first is not None else None
