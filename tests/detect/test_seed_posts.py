"""The seed article gives exactly one Post, the RT France tweet, with what a citation needs."""

from __future__ import annotations

from datetime import date

from embedres import extract


def test_seed_gives_the_rt_france_tweet(seed_text: str) -> None:
    result = extract(seed_text)
    assert not result.is_html
    assert len(result.posts) == 1
    (post,) = result.posts
    assert post.platform == "twitter"
    assert post.form == "text"
    assert post.author_name == "RT France"
    assert post.author_handle == "RTenfrancais"
    assert post.published == date(2015, 11, 17)
    assert post.published_text == "17 Novembre 2015"
    assert post.lang == "fr"
    assert post.text is not None
    assert post.text.startswith("François #Hollande se rendra à #Moscou")
    assert post.url is None and post.post_id is None and post.warnings == ()


def test_seed_post_links_and_tags(seed_text: str) -> None:
    (post,) = extract(seed_text).posts
    assert [link.url for link in post.links] == [
        "https://t.co/CJ9ySZge7P",
        "pic.twitter.com/UU7PNmTL0V",
    ]
    assert [tag.text for tag in post.hashtags] == ["Hollande", "Moscou", "Elysée"]
    for start, end in [k.span for k in post.links] + [e.span for e in post.hashtags]:
        assert post.span[0] <= start < end <= post.span[1]
    assert seed_text[post.links[1].span[0] : post.links[1].span[1]] == "pic.twitter.com/UU7PNmTL0V"


def test_seed_span_covers_text_and_attribution_only(seed_text: str) -> None:
    (post,) = extract(seed_text).posts
    cut = seed_text[post.span[0] : post.span[1]]
    assert cut.startswith("François #Hollande")
    assert cut.endswith("— RT France (@RTenfrancais) 17 Novembre 2015")
    assert "Cependant" not in cut and "La Russie" not in cut
