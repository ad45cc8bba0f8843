"""Embed markup: every fixture of tests/fixtures/embeds/ against tests/cases/posts_html.json."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedres import extract
from tests.support.posts import load, mismatches, source_of

CASES = load("posts_html.json")


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_html_fixture(case: dict[str, Any]) -> None:
    source = source_of(case)
    result = extract(source)
    assert result.is_html
    assert [p.platform for p in result.posts] == [e["platform"] for e in case["expected"]]
    for post, expected in zip(result.posts, case["expected"], strict=True):
        assert mismatches(post, expected, source) == []
        assert 0 <= post.span[0] < post.span[1] <= len(source)


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_entity_spans_index_the_source(case: dict[str, Any]) -> None:
    source = source_of(case)
    result = extract(source)
    for entity in (*result.hashtags, *result.mentions, *result.cashtags):
        assert entity.text in source[entity.span[0] : entity.span[1]]
    for post in result.posts:
        spans = [e.span for e in (*post.hashtags, *post.mentions)] + [k.span for k in post.links]
        for start, end in spans:
            assert post.span[0] <= start <= end <= post.span[1]


def test_entities_come_from_visible_text_only() -> None:
    source = source_of({"fixture": "tw_2015_fr.html"})
    result = extract(source)
    tags = {e.text for e in result.hashtags}
    assert {"Hollande", "Moscou", "Elysée"} <= tags
    assert not tags & {"nope", "PasUnHashtag", "src"}
    assert "pasunemention" not in {e.text for e in result.mentions}
    negatives = extract(source_of({"fixture": "negatives.html"}))
    assert not {e.text for e in negatives.hashtags} & {"hidden", "attr", "alt", "1"}
    assert not {e.text for e in negatives.mentions} & {"attr", "example"}


def test_forcing_the_mode() -> None:
    html = (
        '<blockquote class="twitter-tweet"><a href="https://x.com/jack/status/20"></a></blockquote>'
    )
    assert len(extract(html).posts) == 1
    assert extract(html, html=False).posts == [] and not extract(html, html=False).is_html
    plain = "Text\n— Club (@club_a) March 3, 2019"
    forced = extract(plain, html=True)
    assert forced.is_html and [p.author_handle for p in forced.posts] == ["club_a"]
    assert forced.posts[0].span == extract(plain).posts[0].span


def test_date_and_id_disagree_warns() -> None:
    html = (
        '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; A (@a_b) '
        '<a href="https://twitter.com/a_b/status/667646910161883136">17 November 2015</a>'
        "</blockquote>"
    )
    post = extract(html).posts[0]
    assert len(post.warnings) == 1 and "3 days" in post.warnings[0]
    near = html.replace("17 November", "19 November")
    assert extract(near).posts[0].warnings == ()


def test_nested_embeds_count_once() -> None:
    html = (
        '<blockquote class="twitter-tweet"><p>Outer</p>&mdash; A (@a_b) '
        '<a href="https://twitter.com/a_b/status/20">March 3, 2019</a>'
        '<blockquote class="twitter-tweet"><a href="https://twitter.com/c/status/21"></a>'
        "</blockquote></blockquote>"
    )
    assert [p.post_id for p in extract(html).posts] == ["20"]


def test_many_blockquotes_give_one_post_each() -> None:
    one = (
        '<blockquote class="twitter-tweet"><p lang="en">Post {i}</p>&mdash; N (@n_{i}) '
        '<a href="https://twitter.com/n_{i}/status/{i}">March 3, 2019</a></blockquote>\n'
    )
    html = "".join(one.format(i=i) for i in range(1, 301))
    posts = extract(html).posts
    assert [p.post_id for p in posts] == [str(i) for i in range(1, 301)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<blockquote class='twitter-tweet'>",
                "</blockquote>",
                "<p>",
                "</p>",
                "<br>",
                "&mdash;",
                " — N (@n_a) ",
                "March 3, 2019",
                "<a href='https://x.com/u/status/9'>",
                "</a>",
                "#tag",
                "&amp;",
                "<script>",
                "</script>",
                "<!--",
                "-->",
                "<iframe src='",
                "https://youtu.be/dQw4w9WgXcQ",
                "'>",
                "\n",
                "<pre>",
                "é",
                "<",
            ]
        ),
        max_size=40,
    )
)
def test_random_markup_never_raises(parts: list[str]) -> None:
    source = "".join(parts)
    result = extract(source, html=True)
    for post in result.posts:
        assert 0 <= post.span[0] <= post.span[1] <= len(source)
