"""Precision/recall of post detection over every fixture and text case, per platform and form.

A found post counts as right only when it matches an expected post of the same platform on
every field the case lists (id, handle, dates, text...). Floors: F1 >= 0.97 for embed markup
(and lone URLs), >= 0.90 for flattened text. Run with ``-s`` to see the table.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from embedres import extract
from tests.support.posts import load, mismatches, source_of

FLOORS = {"html": 0.97, "url": 0.97, "text": 0.90}


def _score() -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    tp: Counter[tuple[str, str]] = Counter()
    fp: Counter[tuple[str, str]] = Counter()
    fn: Counter[tuple[str, str]] = Counter()
    for name, html in (("posts_html.json", None), ("posts_text.json", False)):
        case: dict[str, Any]
        for case in load(name):
            source = source_of(case)
            found = list(extract(source, html=html).posts)
            for expected in case["expected"]:
                key = (expected["platform"], expected["form"])
                match = next((p for p in found if not mismatches(p, expected, source)), None)
                if match is None:
                    fn[key] += 1
                else:
                    tp[key] += 1
                    found.remove(match)
            for post in found:
                fp[(post.platform, post.form)] += 1
    return tp, fp, fn


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _row(platform: str, form: str, tp: int, fp: int, fn: int) -> float:
    p, r, f = _f1(tp, fp, fn)
    print(f"{platform:10s} {form:5s} {tp:3d} {fp:3d} {fn:3d}  {p:.3f}  {r:.3f}  {f:.3f}")
    return f


def test_precision_recall_floors() -> None:
    tp, fp, fn = _score()
    keys = sorted(set(tp) | set(fp) | set(fn))
    print("\nplatform   form  tp  fp  fn  precision recall  F1")
    for key in keys:
        _row(key[0], key[1], tp[key], fp[key], fn[key])
    for form, floor in FLOORS.items():
        totals = [sum(c[k] for k in keys if k[1] == form) for c in (tp, fp, fn)]
        f = _row("ALL", form, *totals)
        assert totals[0] > 0, form
        assert f >= floor, f"{form}: F1 {f:.3f} below {floor}"


def test_scoring_counts_a_wrong_field_as_a_miss() -> None:
    """The harness itself: a post with a wrong handle is both a false positive and a miss."""
    source = "Text.\n— Club (@club_a) March 3, 2019"
    (post,) = extract(source).posts
    assert mismatches(post, {"platform": "twitter", "author_handle": "club_a"}, source) == []
    assert mismatches(post, {"platform": "twitter", "author_handle": "other"}, source) != []
    assert _f1(0, 1, 1) == (0.0, 0.0, 0.0) and _f1(3, 0, 0) == (1.0, 1.0, 1.0)


def _flatten(html: str, how: str) -> str:
    """The page as a scraper would give it (bs4 is only a test tool here)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for bad in soup.find_all(["script", "style", "template", "iframe", "noscript"]):
        bad.decompose()
    if how == "get_text":
        return str(soup.get_text())
    if how == "lines":
        return str(soup.get_text("\n"))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(["p", "blockquote", "div", "li", "h1", "figure"]):
        block.insert_after("\n")
    return str(soup.get_text())


def test_flattened_fixtures_keep_their_tweets() -> None:
    """Each fixture's tweets and skeets, flattened three ways, are found again as text posts."""
    tp = fp = fn = 0
    for case in load("posts_html.json"):
        source = source_of(case)
        wanted = [
            p
            for p in extract(source).posts
            if p.platform in ("twitter", "bluesky") and p.published_text and p.author_name
        ]
        for how in ("get_text", "lines", "blocks"):
            text = _flatten(source, how)
            found = [
                p
                for p in extract(text, html=False).posts
                if p.platform in ("twitter", "bluesky") and p.form == "text"
            ]
            for want in wanted:
                match = next(
                    (
                        p
                        for p in found
                        if p.author_handle == want.author_handle
                        and p.published_text == want.published_text
                    ),
                    None,
                )
                if match is None:
                    fn += 1
                else:
                    tp += 1
                    found.remove(match)
            fp += len(found)
    f = _row("flattened", "text", tp, fp, fn)
    assert tp >= 40
    assert f >= FLOORS["text"]
