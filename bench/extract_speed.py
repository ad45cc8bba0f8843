"""Entity-detection speed: article text, tweet-sized texts and pathological inputs.

Run by hand from the repository root::

    .venv/bin/python bench/extract_speed.py [--repeat 3]

Prints one table. MB/s counts UTF-8 bytes (10^6) of input per CPU second (best of --repeat) of
:func:`embedres.detect.entities.find_entities` (``--function extract``: of the whole
:func:`embedres.extract`, posts, Markdown and shortcodes included); "x article" is the time
per byte relative to the article text (the issue's bound for pathological inputs is 10x).
Targets (issue #2): >= 5 MB/s on article text, > 2.5 MB/s on tweet-sized texts called one by one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from embedres import extract  # noqa: E402
from embedres.detect.entities import find_entities  # noqa: E402

SEED = ROOT / "seeds" / "000_aff3667e527335b6.txt"
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "twitter-text"

_WORDS = [
    "le",
    "président",
    "a",
    "annoncé",
    "mardi",
    "que",
    "la",
    "coopération",
    "continuera",
    "entre",
    "les",
    "deux",
    "pays",
    "according",
    "to",
    "officials",
    "the",
    "meeting",
    "took",
    "place",
    "on",
    "Tuesday",
    "in",
    "Moscow",
    "and",
    "Paris",
    "les",
    "frappes",
    "ont",
    "été",
    "effectuées",
    "dans",
    "la",
    "région",
    "selon",
    "le",
    "ministère",
    "de",
    "la",
    "Défense",
]
_EXTRAS = [
    "#Syrie", "#Moscou", "#COP21", "@RTenfrancais", "@elysee", "$AAPL",
    "https://t.co/CJ9ySZge7P", "pic.twitter.com/UU7PNmTL0V", "https://www.rt.com/news/a-b/",
    "bit.ly/2xYzAbc", "https://twitter.com/RTenfrancais/status/666618130637062144?s=20",
    "🔥", "👨‍👩‍👧", "✌🏿", "e-mail: jean.dupont@example.fr", "(voir http://fr.wikipedia.org/wiki/A_(b))",
]  # fmt: skip


def article_text(size: int) -> str:
    """The seed article, then synthetic French/English prose with entities, to ``size``."""
    rng = random.Random(7)
    parts = [SEED.read_text(encoding="utf-8")]
    total = len(parts[0])
    while total < size:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 30))]
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randrange(len(words)), rng.choice(_EXTRAS))
        sentence = " ".join(words).capitalize() + rng.choice([". ", ".\n", " ! ", "? "])
        parts.append(sentence)
        total += len(sentence)
    return "".join(parts)[:size]


def tweet_texts() -> list[str]:
    """Every text of the conformance files (extract.yml and tlds.yml), one call each."""
    texts: list[str] = []
    for name in ("extract.yml", "tlds.yml"):
        path = CONFORMANCE / name
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
            texts += [case["text"] for cases in data.values() for case in cases]
    return texts


PATHOLOGICAL: dict[str, Callable[[], str]] = {
    "100k '#'": lambda: "#" * 100_000,
    "'a.' * 50_000": lambda: "a." * 50_000,
    "'http://' + 'a' * 100_000": lambda: "http://" + "a" * 100_000,
    "'@' * 100_000": lambda: "@" * 100_000,
    "'a.' * 50_000 + 'com'": lambda: "a." * 50_000 + "com",
    "'www.' * 25_000": lambda: "www." * 25_000,
    "'#a' * 50_000": lambda: "#a" * 50_000,
    "'#' + 'a' * 100_000": lambda: "#" + "a" * 100_000,
    "URL + '!' * 100_000": lambda: "http://example.com/x" + "!" * 100_000,
    "URL + '-' * 100_000": lambda: "http://somesite.com" + "-" * 100_000,
    "'http://a(' * 10_000": lambda: "http://a(" * 10_000,
    "'t.co/' * 20_000": lambda: "t.co/" * 20_000,
    "'$A.' * 30_000": lambda: "$A." * 30_000,
    "'a@' * 50_000": lambda: "a@" * 50_000,
}


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """Best CPU time of ``repeat`` runs (CPU time, so other processes on the host matter less)."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--article-mb", type=float, default=3.0)
    parser.add_argument(
        "--function",
        choices=("entities", "extract"),
        default="entities",
        help="time find_entities() (default) or the whole extract() (posts, Markdown...)",
    )
    args = parser.parse_args()
    run: Callable[[str], object] = extract if args.function == "extract" else find_entities
    run("warm up #a @b $C x.com")  # build the lazy patterns once

    rows: list[tuple[str, int, float]] = []
    article = article_text(int(args.article_mb * 1_000_000))
    rows.append(
        (
            "article text",
            len(article.encode()),
            best_of(args.repeat, lambda: run(article)),
        )
    )
    tweets = tweet_texts()
    if tweets:
        size = sum(len(t.encode()) for t in tweets)
        rows.append(
            (
                f"{len(tweets)} tweet-sized texts",
                size,
                best_of(args.repeat, lambda: [run(t) for t in tweets]),
            )
        )
    ten = (SEED.read_text(encoding="utf-8") * 3000)[:10_000_000]
    rows.append(("10 MB of text (seed repeated)", len(ten.encode()), best_of(1, lambda: run(ten))))
    for name, make in PATHOLOGICAL.items():
        text = make()
        rows.append((name, len(text.encode()), best_of(args.repeat, partial(run, text))))

    per_byte = rows[0][2] / rows[0][1]
    print(f"{'input':34} {'bytes':>10} {'seconds':>9} {'MB/s':>8} {'x article':>9}")
    for name, size, secs in rows:
        ratio = secs / size / per_byte
        print(f"{name:34} {size:10d} {secs:9.4f} {size / secs / 1e6:8.2f} {ratio:9.2f}")
    slowest = max(rows[3:] if tweets else rows[2:], key=lambda r: r[2] / r[1])
    ratio = slowest[2] / slowest[1] / per_byte
    print(f"slowest pathological input per byte: {slowest[0]} ({ratio:.2f}x article)")


if __name__ == "__main__":
    main()
