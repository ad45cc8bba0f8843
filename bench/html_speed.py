"""Throughput of extract() on HTML pages and on flattened text (run by hand).

    .venv/bin/python bench/html_speed.py [--mb 4]

Targets (issue #3): HTML pages >= 2 MB/s; flattened plain text >= 5 MB/s. The pages are
the seed article's paragraphs as HTML (a link every third paragraph) with one embed (a
test fixture, in turn) every ~25 KB, as news pages have them; the text is the seed
article (which ends with a flattened tweet) repeated.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from embedres import extract
from embedres.detect.entities import find_entities
from embedres.detect.markup import parse_html

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "embeds").glob("*.html"))
SEED = ROOT / "seeds" / "000_aff3667e527335b6.txt"

# News prose: the seed article's paragraphs, one link every few paragraphs.
_LINES = [line for line in SEED.read_text(encoding="utf-8").splitlines() if len(line) > 200]
PARAGRAPH = "".join(
    f'<p class="body-text">{line}</p>\n' if i % 3 else
    f'<p>{line[:60]} <a href="https://example.org/a?b={i}&amp;c=2">lire</a> {line[60:]}</p>\n'
    for i, line in enumerate(_LINES)
)  # fmt: skip


def build_page(size: int) -> tuple[str, int]:
    """An HTML page of about ``size`` characters and how many embeds it holds."""
    parts = ["<!DOCTYPE html><html><head><title>T</title><style>p{margin:0}</style></head><body>"]
    length, embeds, since = 0, 0, 0
    while length < size:
        parts.append(PARAGRAPH)
        length += len(PARAGRAPH)
        since += len(PARAGRAPH)
        if since >= 25_000:
            embed = FIXTURES[embeds % len(FIXTURES)].read_text(encoding="utf-8")
            parts.append(embed)
            length += len(embed)
            since, embeds = 0, embeds + 1
    parts.append("</body></html>")
    return "".join(parts), embeds


def rate(label: str, text: str, **kwargs: bool) -> float:
    extract(SEED.read_text(encoding="utf-8"))  # build the lazy tables, import lxml
    for fixture in FIXTURES:
        extract(fixture.read_text(encoding="utf-8"))
    start = time.perf_counter()
    result = extract(text, **kwargs)
    seconds = time.perf_counter() - start
    mb_s = len(text.encode("utf-8")) / 1e6 / seconds
    print(
        f"{label:34s} {len(text) / 1e6:6.2f} M chars {seconds:7.3f} s {mb_s:6.2f} MB/s "
        f"posts={len(result.posts)}"
    )
    return mb_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=4.0, help="size of each input in MB")
    size = int(parser.parse_args().mb * 1_000_000)
    page, embeds = build_page(size)
    start = time.perf_counter()
    parse_html(page)
    scan = time.perf_counter() - start
    print(
        f"markup scan only                   {len(page) / 1e6:6.2f} M chars {scan:7.3f} s "
        f"{len(page.encode('utf-8')) / 1e6 / scan:6.2f} MB/s"
    )
    rate(f"HTML page ({embeds} embeds)", page)
    doc = parse_html(page)
    start = time.perf_counter()
    find_entities(doc.text)
    seconds = time.perf_counter() - start
    print(f"  of which entities on visible text  {seconds:7.3f} s")
    seed = SEED.read_text(encoding="utf-8")
    text = (seed + "\n") * (size // len(seed) + 1)
    rate("flattened text (seed repeated)", text, html=False)


if __name__ == "__main__":
    main()
