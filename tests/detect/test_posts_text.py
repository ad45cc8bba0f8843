"""Flattened embeds and lone post URLs in plain text: tests/cases/posts_text.json."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedres import extract
from embedres.detect.flattened import find_text_posts
from tests.support.posts import load, mismatches, source_of

CASES = load("posts_text.json")


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_text_case(case: dict[str, Any]) -> None:
    source = source_of(case)
    result = extract(source, html=False)
    assert [p.platform for p in result.posts] == [e["platform"] for e in case["expected"]]
    for post, expected in zip(result.posts, case["expected"], strict=True):
        assert mismatches(post, expected, source) == []


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_post_text_is_inside_the_span(case: dict[str, Any]) -> None:
    source = source_of(case)
    for post in extract(source, html=False).posts:
        cut = source[post.span[0] : post.span[1]]
        assert cut == cut.strip() and cut
        if post.author_handle and post.form == "text" and post.platform != "instagram":
            assert post.author_handle.split("@")[0] in cut.replace(" ", "")
        spans = [e.span for e in (*post.hashtags, *post.mentions)] + [k.span for k in post.links]
        for start, end in spans:
            assert post.span[0] <= start < end <= post.span[1]


def test_post_text_never_swallows_prose() -> None:
    prose = "The council met on Tuesday. " * 40
    text = f"{prose}\nShort tweet text.\n— Club (@club_a) March 3, 2019\n{prose}"
    (post,) = extract(text).posts
    assert post.text == "Short tweet text."
    assert text[post.span[0] : post.span[1]].startswith("Short tweet text.")


def test_blocked_spans_are_respected() -> None:
    text = "Tweet.\n— Club (@club_a) March 3, 2019"
    assert find_text_posts(text, [(0, len(text))]) == []
    assert len(find_text_posts(text, [])) == 1


LINE = st.sampled_from(
    [
        "Prose sentence.",
        "— Name (@handle_a) March 3, 2019",
        "17 Novembre 2015",
        "(@x)",
        "https://twitter.com/jack/status/20",
        "https://t.co/CJ9ySZge7P",
        "#1 #tag",
        "",
        "— By Jane (@jdoe)",
        "A post shared by N (@n.n) on",
        "Posted by N on Monday, May 6, 2019",
        "@user caption ♬ sound",
        "```",
        "> quoted",
        "Post by @a View on Threads",
        "—",
        "\r",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(LINE, max_size=12))
def test_random_lines_keep_invariants(lines: list[str]) -> None:
    text = "\n".join(lines)
    posts = extract(text, html=False).posts
    assert posts == extract(text, html=False).posts
    last_end = 0
    for post in posts:
        assert last_end <= post.span[0] < post.span[1] <= len(text)
        last_end = post.span[1]
