"""The issue #12 corpus: pages written in each embed form, their conversions, and the truth.

``tests/fixtures/forms/pages/`` holds pages written by hand in each form (official embed
markup, rendered widgets, embed services, shortcodes, Markdown mixed with HTML, lossy
flattened text, negatives). ``converted/`` holds what real converters (html2text, markdownify,
trafilatura: test-only tools) make of the HTML pages; :func:`convert` re-runs them, and a test
checks the stored files are current. ``truth.json`` lists, per file, the posts a reader can
see in it: ``platform`` plus whatever the file still carries (``post_id``, ``author_handle``,
``published`` as an ISO date).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.paths import FIXTURES

FORMS = FIXTURES / "forms"
PAGES = FORMS / "pages"
CONVERTED = FORMS / "converted"
TRUTH = FORMS / "truth.json"
CONVERTED_PAGES = ("official.html", "official_intl.html", "negatives.html")
"""The HTML pages every converter is run on."""


def _html2text(html: str, width: int) -> str:
    import html2text

    h = html2text.HTML2Text()
    h.body_width = width
    return str(h.handle(html))


def _markdownify(html: str) -> str:
    from markdownify import markdownify

    return str(markdownify(html, heading_style="ATX"))


def _trafilatura(html: str, markdown: bool) -> str:
    import trafilatura

    out = trafilatura.extract(
        html, include_links=markdown, output_format="markdown" if markdown else "txt"
    )
    return str(out or "")


CONVERTERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "html2text": (".md", lambda h: _html2text(h, 78)),
    "html2text-nowrap": (".md", lambda h: _html2text(h, 0)),
    "markdownify": (".md", _markdownify),
    "trafilatura-md": (".md", lambda h: _trafilatura(h, True)),
    "trafilatura-txt": (".txt", lambda h: _trafilatura(h, False)),
}
"""Converter name -> (suffix of its output, function from HTML to its output)."""


def converted_path(converter: str, page: str) -> Path:
    """Where the output of ``converter`` on ``page`` is stored."""
    suffix = CONVERTERS[converter][0]
    return CONVERTED / converter / (Path(page).stem + suffix)


def convert(converter: str, page: str) -> str:
    """Run ``converter`` on ``pages/page`` now."""
    return CONVERTERS[converter][1]((PAGES / page).read_text(encoding="utf-8"))


def write_converted() -> list[Path]:
    """Regenerate every stored conversion (run by ``bench/detect_quality.py --convert``)."""
    written = []
    for converter in CONVERTERS:
        for page in CONVERTED_PAGES:
            path = converted_path(converter, page)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(convert(converter, page), encoding="utf-8")
            written.append(path)
    return written


def truth() -> dict[str, dict[str, Any]]:
    """``truth.json``: relative path -> {"form": ..., "posts": [...]}."""
    data: dict[str, dict[str, Any]] = json.loads(TRUTH.read_text(encoding="utf-8"))
    return data


def matches(post: Any, expected: dict[str, Any]) -> bool:
    """Whether a found post is the expected one on every field the truth lists."""
    for key, want in expected.items():
        got = getattr(post, key)
        if key == "published":
            got = None if got is None else str(got)[:10]
        if got != want:
            return False
    return True


Counts = dict[tuple[str, str], list[int]]
"""(form, platform) -> [true positives, false positives, false negatives]."""


def score() -> Counts:
    """Run :func:`embedres.extract` (sniffing the input) on every corpus file and count."""
    from embedres import extract

    counts: Counts = {}
    for rel, entry in truth().items():
        text = (FORMS / rel).read_text(encoding="utf-8")
        found = list(extract(text).posts)
        form = entry["form"]
        for expected in entry["posts"]:
            key = (form, expected["platform"])
            row = counts.setdefault(key, [0, 0, 0])
            hit = next((p for p in found if matches(p, expected)), None)
            if hit is None:
                row[2] += 1
            else:
                row[0] += 1
                found.remove(hit)
        for post in found:
            counts.setdefault((form, post.platform), [0, 0, 0])[1] += 1
        counts.setdefault((form, "(all)"), [0, 0, 0])
    return counts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1 (1.0 for an empty denominator)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def by_form(counts: Counts) -> dict[str, list[int]]:
    """Totals per form."""
    out: dict[str, list[int]] = {}
    for (form, platform), row in counts.items():
        total = out.setdefault(form, [0, 0, 0])
        if platform != "(all)":
            for i in range(3):
                total[i] += row[i]
    return out
