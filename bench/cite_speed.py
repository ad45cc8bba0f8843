"""Throughput of the citing half (run by hand: python bench/cite_speed.py).

Measures, on this machine: each exporter on the seed tweet's citation, cite() without network
on the seed article and on tweet HTML, replace_embeds() on a page with many embeds, and the
CLI's batch mode (no network). No speed target is asserted by the test suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import embedres

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "seeds" / "000_aff3667e527335b6.txt").read_text("utf-8")
TWEET = (ROOT / "tests" / "fixtures" / "embeds" / "static_twitter.html").read_text("utf-8")


def rate(fn: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second of ``fn`` over about ``seconds``."""
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        n += 1
    return n / elapsed


def main() -> None:
    (c,) = embedres.cite(SEED, resolve=False, accessed=date(2025, 1, 15))
    print("exporters (calls/s on the seed citation):")
    for name, fn in [
        ("to_dict", c.to_dict),
        ("to_csl", c.to_csl),
        ("to_wikitext", c.to_wikitext),
        ("to_bibtex", c.to_bibtex),
        ("to_markdown", c.to_markdown),
        ("format apa", lambda: c.format("apa")),
        ("format mla html", lambda: c.format("mla", html=True)),
        ("format harvard", lambda: c.format("harvard")),
        ("citeproc apa (CSL)", lambda: c.format("apa-6th-edition")),
    ]:
        print(f"  {name:22s} {rate(fn):>10,.0f}")
    print("cite(resolve=False):")
    for label, text in (("seed article", SEED), ("tweet HTML", TWEET)):
        per_s = rate(lambda text=text: embedres.cite(text, resolve=False))
        print(f"  {label} ({len(text):,} chars)  {per_s:>8,.0f} /s")
    page = (
        "<html><body>"
        + "".join(
            f"<p>Paragraph {i} of the article, with some words in it.</p>"
            + TWEET.split("<body>")[1].split("</body>")[0]
            for i in range(200)
        )
        + "</body></html>"
    )
    cites = embedres.cite(page, resolve=False)
    t0 = time.perf_counter()
    out = embedres.replace_embeds(page, cites)
    dt = time.perf_counter() - t0
    assert out.count("embedres-embed") == len(cites) == 200, (
        len(cites),
        out.count("embedres-embed"),
    )
    print(
        f"replace_embeds, 200 embeds in {len(page) / 1e6:.2f} MB: {dt * 1000:.1f} ms "
        f"({len(page) / 1e6 / dt:.1f} MB/s, spans given)"
    )
    t0 = time.perf_counter()
    embedres.replace_embeds(page)
    dt = time.perf_counter() - t0
    print(f"replace_embeds with detection: {dt * 1000:.1f} ms ({len(page) / 1e6 / dt:.1f} MB/s)")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        n = 2000
        with src.open("w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(json.dumps({"id": str(i), "text": SEED}) + "\n")
        batch = [sys.executable, "-m", "embedres", "cite", "--batch", str(src), "--out", str(dst)]
        batch += ["--no-resolve", "--format", "csl", "--no-progress"]
        t0 = time.perf_counter()
        subprocess.run(batch, check=False)
        dt = time.perf_counter() - t0
        lines = dst.read_text("utf-8").count("\n")
        print(
            f"CLI batch, {n} seed articles, no network: {dt:.2f} s ({lines / dt:,.0f} records/s, "
            f"fsync per record)"
        )
        t0 = time.perf_counter()
        subprocess.run(batch, check=False)
        print(f"CLI batch resume with every record done: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
