"""Throughput of extract() on HTML pages and on flattened text (run by hand).

    .venv/bin/python bench/html_speed.py [--mb 4]

Targets (issue #3): HTML pages >= 2 MB/s; flattened plain text >= 5 MB/s. The pages are
built from the test fixtures: article prose with markup, links and hashtags, and one
embed (a fixture, in turn) every ~25 KB, as news pages have them; the text is the seed
article (which ends with a flattened tweet) repeated.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from embedres import extract
from embedres.markup import parse_html

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "embeds").glob("*.html"))
SEED = ROOT / "seeds" / "000_aff3667e527335b6.txt"

PARAGRAPH = (
    '<p class="body-text">The council met on <a href="https://example.org/a?b=1&amp;c=2">Tuesday</a>'
    " to discuss the <em>budget</em>, the #housing plan and @cityhall's report; "
    "the mayor said the figures were &ldquo;encouraging&rdquo; (see https://example.org/r).</p>\n"
)


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
    extract(SEED.read_text(encoding="utf-8"))  # build the lazy date tables first
    extract(FIXTURES[0].read_text(encoding="utf-8"))
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
    seed = SEED.read_text(encoding="utf-8")
    text = (seed + "\n") * (size // len(seed) + 1)
    rate("flattened text (seed repeated)", text, html=False)


if __name__ == "__main__":
    main()
