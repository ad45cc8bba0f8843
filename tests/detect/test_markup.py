"""HTML -> visible text, the offset map back to the source, recorded elements, code spans."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedres.detect.markup import fragment, looks_like_html, parse_html, plain_document
from embedres.platforms.embeds import MARKUP_TRIGGERS
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "posts_markup.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_visible_text(case: dict[str, Any]) -> None:
    assert parse_html(case["input"]).text == case["expected_text"]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_every_visible_character_maps_into_the_source(case: dict[str, Any]) -> None:
    doc = parse_html(case["input"])
    for i, char in enumerate(doc.text):
        start, end = doc.source_span(i, i + 1)
        assert 0 <= start <= end <= len(doc.source)
        raw = doc.source[start:end]
        assert char in raw or char.isspace() or raw.startswith("&"), (i, char, raw)


def test_spans_of_words_round_trip() -> None:
    html = '<div class="x"><p>Hello <b>#world</b> and @you</p>\n<p>Second   line</p></div>'
    doc = parse_html(html)
    for word in ("Hello", "#world", "@you", "Second"):
        i = doc.text.index(word)
        start, end = doc.source_span(i, i + len(word))
        assert html[start:end] == word


def test_span_across_tags_includes_the_markup() -> None:
    html = "<p>@<a href='https://twitter.com/x'>x</a></p>"
    doc = parse_html(html)
    i = doc.text.index("@x")
    assert html[slice(*doc.source_span(i, i + 2))] == "@<a href='https://twitter.com/x'>x"


def test_recorded_elements_and_parents() -> None:
    html = (
        '<blockquote class="twitter-tweet" data-lang="fr"><p lang="fr">t</p></blockquote>'
        '<div class="fb-post" data-href="u"></div><div class="other"></div>'
        '<script async src="//platform.twitter.com/widgets.js"></script>'
        '<amp-youtube data-videoid="v">'
    )
    doc = parse_html(html, MARKUP_TRIGGERS)
    names = [(el.name, el.parent) for el in doc.elements]
    assert names == [("blockquote", -1), ("p", 0), ("div", -1), ("script", -1), ("amp-youtube", -1)]
    quote = doc.elements[0]
    assert html[quote.start : quote.end].endswith("</blockquote>")
    assert quote.attrs == {"class": "twitter-tweet", "data-lang": "fr"}
    assert doc.text[quote.vis_start : quote.vis_end].strip() == "t"


def test_code_spans() -> None:
    doc = parse_html("<p>a</p><pre><code>x\ny</code></pre><p>b</p>")
    ((start, end),) = doc.code_spans
    assert doc.text[start:end].strip() == "x\ny"
    assert doc.in_code(start, start + 1) and not doc.in_code(0, 1)
    assert plain_document("t\n```\ncode\n```\nu").code_spans == [(2, 14)]
    unclosed = "t\n```\nnever closed"
    assert plain_document(unclosed).code_spans == [(2, len(unclosed))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>x</p>", True),
        ("<!DOCTYPE html><html>", True),
        ("</div>", True),
        ('<blockquote class="twitter-tweet">', True),
        ("a < b > c", False),
        ("no tags at all", False),
        ("x <3 y", False),
    ],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected


def test_fragment_reads_a_block() -> None:
    block = '<blockquote><p lang="en">One<br>two</p>&mdash; A <a href="u">d</a>'
    node = fragment(block + "</blockquote>")
    assert node is not None and node.name == "blockquote"
    p = node.find("p")
    assert p is not None and p.get("lang") == "en" and p.get_text() == "One\ntwo"
    p.extract()
    assert node.get_text() == "— A d"
    assert [a.get("href") for a in node.links()] == ["u"]
    assert fragment("") is None and fragment("just text") is None


@pytest.mark.parametrize(
    "source",
    [
        "<div>" * 3000,
        "<div>" * 1500 + "</div>" * 1500,
        "<a b='" * 3000,
        '<a b="' * 3000,
        "<!--" * 3000,
        "</" * 3000,
        "<" * 3000,
        "<![CDATA[" * 2000,
        "&#" * 3000,
        "<p " + "x=1 " * 3000 + ">t</p>",
        "<blockquote>" * 500 + "text",
    ],
    ids=lambda s: repr(s[:12]),
)
def test_hostile_markup_parses(source: str) -> None:
    doc = parse_html(source)
    assert len(doc.text) <= len(source)
    if doc.text:
        start, end = doc.source_span(0, len(doc.text))
        assert 0 <= start <= end <= len(source)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="<>/ab'\"=&#;! -p\n", max_size=80))
def test_random_markup_maps_inside_the_source(source: str) -> None:
    doc = parse_html(source)
    for i in range(len(doc.text)):
        start, end = doc.source_span(i, i + 1)
        assert 0 <= start <= end <= len(source)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="<>/abp &;#\n", max_size=60), st.data())
def test_batch_mapping_equals_one_by_one(source: str, data: st.DataObject) -> None:
    doc = parse_html(source)
    n = len(doc.text)
    starts = sorted(data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=6)))
    spans = [(s, min(n, s + data.draw(st.integers(0, 4)))) for s in starts] if n else []
    assert doc.source_spans(spans) == [doc.source_span(s, e) for s, e in spans]
