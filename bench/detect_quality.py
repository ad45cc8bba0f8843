"""Post-detection quality per embed form and platform on the issue #12 corpus.

Run by hand from the repository root::

    .venv/bin/python bench/detect_quality.py            # the tables (Markdown)
    .venv/bin/python bench/detect_quality.py --convert  # re-run the converters first

The corpus is ``tests/fixtures/forms/`` (see ``tests/support/forms.py``): pages written in
each form, what html2text, markdownify and trafilatura make of the HTML ones, and the truth.
A found post is right when its platform and every field the truth lists (id, handle, name,
date, text) match. ``tests/detect/test_forms_quality.py`` pins the floors (F1 >= 0.97 per
form, precision 1.00 on negatives).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.forms import by_form, prf, score, write_converted  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--convert", action="store_true", help="re-run the converters first")
    args = parser.parse_args()
    if args.convert:
        for path in write_converted():
            print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    counts = score()
    print("| form | tp | fp | fn | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for form, (tp, fp, fn) in by_form(counts).items():
        p, r, f = prf(tp, fp, fn)
        print(f"| {form} | {tp} | {fp} | {fn} | {p:.2f} | {r:.2f} | {f:.2f} |")
    print()
    platforms: dict[str, list[int]] = {}
    for (_, platform), row in counts.items():
        if platform != "(all)":
            total = platforms.setdefault(platform, [0, 0, 0])
            for i in range(3):
                total[i] += row[i]
    print("| platform | tp | fp | fn | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for platform in sorted(platforms):
        tp, fp, fn = platforms[platform]
        p, r, f = prf(tp, fp, fn)
        print(f"| {platform} | {tp} | {fp} | {fn} | {p:.2f} | {r:.2f} | {f:.2f} |")


if __name__ == "__main__":
    main()
