"""The platforms' pure liveness classifiers: real answer shapes, and the never-deleted rule."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from embedres.platforms.liveness import PROBES, probe_for
from embedres.platforms.posturls import parse_post_url
from embedres.platforms.status import MAX_BODY, STATUSES, Verdict, plain_text
from embedres.platforms.twitter import reconcile_oembed, syndication_token
from tests.support.liveness import ANSWERS

EXPECTED = {
    ("twitter", "live"): "live",
    ("twitter", "deleted"): "deleted",
    ("twitter", "suspended"): "suspended",
    ("twitter", "protected"): "protected",
    ("twitter", "not found"): "deleted",
    ("bluesky", "live"): "live",
    ("bluesky", "deleted"): "deleted",
    ("bluesky", "notFoundPost"): "deleted",
    ("bluesky", "suspended"): "suspended",
    ("mastodon", "live"): "live",
    ("mastodon", "deleted"): "deleted",
    ("mastodon", "gone"): "deleted",
    ("mastodon", "authorized fetch"): "unavailable",
    ("youtube", "live"): "live",
    ("youtube", "deleted"): "deleted",
    ("youtube", "private"): "protected",
    ("youtube", "no embedding"): "restricted",
    ("tiktok", "live"): "live",
    ("tiktok", "something went wrong"): "unavailable",
    ("reddit", "live"): "live",
    ("reddit", "removed"): "deleted",
    ("reddit", "private"): "protected",
    ("reddit", "banned"): "suspended",
    ("reddit", "blocked"): "unavailable",
    ("telegram", "live"): "live",
    ("telegram", "not found"): "deleted",
}


@pytest.mark.parametrize(("platform", "case"), sorted(EXPECTED))
def test_real_answer_shapes(platform: str, case: str) -> None:
    status, body = ANSWERS[platform][case]
    verdict = PROBES[platform].classify("https://example.invalid/", status, body)
    assert verdict.status == EXPECTED[(platform, case)], verdict


def test_every_fake_answer_is_expected() -> None:
    cases = {(p, c) for p, table in ANSWERS.items() for c in table}
    assert cases == set(EXPECTED)


def test_live_answers_carry_text_and_author() -> None:
    v = PROBES["twitter"].classify("u", *ANSWERS["twitter"]["live"])
    assert (v.text, v.author_handle, v.author_name) == ("Hello world", "jack", "Jack")
    v = PROBES["bluesky"].classify("u", *ANSWERS["bluesky"]["live"])
    assert (v.text, v.author_handle) == ("sky", "a.bsky.social")
    v = PROBES["mastodon"].classify("u", *ANSWERS["mastodon"]["live"])
    assert (v.text, v.author_handle) == ("toot", "a")
    v = PROBES["telegram"].classify("u", *ANSWERS["telegram"]["live"])
    assert (v.text, v.author_name) == ("Hello\nchannel", "Pavel Durov")
    v = PROBES["telegram"].classify("u", *ANSWERS["telegram"]["not found"])
    assert v.wording == "Post not found"


def test_tombstone_wording_is_kept_verbatim() -> None:
    v = PROBES["twitter"].classify("u", *ANSWERS["twitter"]["suspended"])
    assert v.wording == "This Post is from a suspended account. Learn more"
    assert v.reason == "tombstone"


def test_unknown_tombstone_wording_is_not_a_deletion() -> None:
    body = b'{"__typename":"TweetTombstone","tombstone":{"text":{"text":"Quelque chose"}}}'
    assert PROBES["twitter"].classify("u", 200, body).status == "unavailable"


# Values printed by node: ((Number(id)/1e15)*Math.PI).toString(36).replace(/(0+|\.)/g,'')
@pytest.mark.parametrize(
    ("post_id", "token"),
    [
        ("20", "6dq1a2xwd93"),
        ("1", "bhi2ay3f28n"),
        ("1757108153408278773", "49c49i2agu"),
        ("1683920951807971329", "42y6zv7ufp"),
    ],
)
def test_syndication_token_matches_javascript(post_id: str, token: str) -> None:
    assert syndication_token(post_id) == token


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        (
            "https://x.com/jack/status/20",
            "/tweet-result?id=20&lang=en&token=6dq1a2xwd93",
        ),
        (
            "https://bsky.app/profile/a.bsky.social/post/3kabcdefghijk",
            "/xrpc/app.bsky.feed.getPostThread?uri=at%3A%2F%2Fa.bsky.social%2Fapp.bsky.feed.post"
            "%2F3kabcdefghijk&depth=0&parentHeight=0",
        ),
        ("https://mastodon.social/@a/110", "https://mastodon.social/api/v1/statuses/110"),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "/oembed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ&format=json",
        ),
        ("https://t.me/s/durov/43", "/durov/43?embed=1&mode=tme"),
        (
            "https://www.reddit.com/r/news/comments/abc123/title/",
            "/comments/abc123.json?raw_json=1&limit=1",
        ),
    ],
)
def test_request_urls(url: str, endpoint: str) -> None:
    ref = parse_post_url(url)
    assert ref is not None
    probe = probe_for(ref.platform)
    assert probe is not None
    built = probe.request(ref, probe.base)
    assert built == (endpoint if endpoint.startswith("https://") else probe.base + endpoint)


def test_mirrors_name_the_same_tweet() -> None:
    refs = [
        parse_post_url(f"https://{h}/jack/status/20")
        for h in ("x.com", "twitter.com", "fxtwitter.com", "vxtwitter.com", "fixupx.com")
    ]
    assert {(r.platform, r.post_id) for r in refs if r} == {("twitter", "20")}


def test_platforms_without_a_probe() -> None:
    for name in ("instagram", "facebook", "threads", "linkedin", "pinterest"):
        assert probe_for(name) is None


def test_plain_text() -> None:
    assert plain_text("<p>a<br>b</p>") == "a\nb"
    assert plain_text("") is None


SAYS_NOTHING = st.one_of(
    st.just(0),
    st.just(429),
    st.integers(min_value=500, max_value=599),
    st.integers(min_value=300, max_value=399),
)


@given(
    platform=st.sampled_from(sorted(PROBES)),
    status=SAYS_NOTHING,
    body=st.binary(max_size=300),
)
def test_no_answer_rate_limit_or_outage_is_never_a_deletion(
    platform: str, status: int, body: bytes
) -> None:
    verdict = PROBES[platform].classify("u", status, body)
    assert verdict.status == "unavailable"


@given(
    platform=st.sampled_from(sorted(PROBES)),
    status=st.sampled_from([200, 401, 403, 404, 410]),
    page=st.text(max_size=200),
)
def test_an_html_page_is_never_a_deletion(platform: str, status: int, page: str) -> None:
    # Telegram's widget answers HTML: only its explicit error element is a deletion.
    body = f"<!DOCTYPE html><html><body>Log in {page}</body></html>".encode()
    assert PROBES[platform].classify("u", status, body).status == "unavailable"


@pytest.mark.parametrize("platform", sorted(PROBES))
def test_malformed_and_huge_answers_are_unavailable(platform: str) -> None:
    probe = PROBES[platform]
    assert probe.classify("u", 200, b"{not json").status == "unavailable"
    assert probe.classify("u", 200, b"{" + b" " * MAX_BODY + b"}").status == "unavailable"
    assert probe.classify("u", 200, b"").status == "unavailable"


@given(
    platform=st.sampled_from(sorted(PROBES)),
    status=st.integers(min_value=100, max_value=599),
    body=st.one_of(
        st.binary(max_size=400),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda kids: (
                st.lists(kids, max_size=3)
                | st.dictionaries(
                    st.sampled_from(
                        [
                            "__typename",
                            "tombstone",
                            "text",
                            "thread",
                            "$type",
                            "error",
                            "data",
                            "children",
                            "id",
                            "user",
                            "reason",
                            "removed_by_category",
                            "html",
                        ]
                    ),
                    kids,
                    max_size=4,
                )
            ),
            max_leaves=12,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)
@example(platform="reddit", status=200, body=b'[{"data": [1]}]')
def test_classifiers_never_raise(platform: str, status: int, body: bytes) -> None:
    verdict = PROBES[platform].classify("u", status, body)
    assert verdict.status in STATUSES and verdict.reason


@given(status=SAYS_NOTHING, body=st.binary(max_size=200))
def test_oembed_confirmation_never_turns_a_failure_into_a_deletion(
    status: int, body: bytes
) -> None:
    first = Verdict("deleted", "HTTP 404: no such tweet (deleted or never posted)")
    assert reconcile_oembed(first, "u", status, body).status == "unavailable"


@pytest.mark.parametrize("platform", sorted(PROBES))
@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 100_000], ids=["list", "dict"])
@pytest.mark.parametrize("status", [200, 400, 403, 404])
def test_deeply_nested_answers_are_a_verdict_not_a_recursion_error(
    platform: str, body: bytes, status: int
) -> None:
    verdict = PROBES[platform].classify("u", status, body)
    assert verdict.status in STATUSES
    if status == 200:
        assert verdict.status == "unavailable", verdict


def test_deeply_nested_oembed_confirmation_is_not_a_recursion_error() -> None:
    first = Verdict("deleted", "HTTP 404")
    for status in (200, 403):
        assert reconcile_oembed(first, "u", status, b"[" * 100_000).status in STATUSES


def test_telegram_page_of_unclosed_text_tags_is_read_in_linear_time() -> None:
    import time

    opening = b'<div class="tgme_widget_message_text js-message_text">'
    page = (opening * (MAX_BODY // len(opening)))[:MAX_BODY]
    start = time.perf_counter()
    verdict = PROBES["telegram"].classify("u", 200, page)
    elapsed = time.perf_counter() - start
    assert verdict.status == "unavailable"
    assert elapsed < 1.0, f"{elapsed:.2f} s for one 512 KiB answer"
