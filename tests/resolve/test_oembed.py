"""oEmbed hydration: endpoints, answer parsing (table-driven), cache and the safe HTTP layer."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import responses

from embedres.model import Post
from embedres.net.client import HttpClient
from embedres.resolve.oembed import CACHE_NAMESPACE, endpoint_for, http_fetch, hydrate, parse_oembed
from tests.support.fakes import DictCache
from tests.support.paths import CASES as CASES_DIR

CASES = json.loads((CASES_DIR / "cite_oembed.json").read_text("utf-8"))
TWEET_URL = "https://twitter.com/RTenfrancais/status/666535042222141457"


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["description"][:40])
def test_parse_oembed(case: dict[str, Any]) -> None:
    got = parse_oembed(case["platform"], case["answer"])
    if "published" in got:
        got["published"] = got["published"].isoformat()
    assert got == case["expected"]


@pytest.mark.parametrize(
    ("platform", "url", "prefix"),
    [
        ("twitter", TWEET_URL, "https://publish.twitter.com/oembed?url=https%3A%2F%2Ftwitter.com"),
        (
            "youtube",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/oembed?",
        ),
        ("tiktok", "https://www.tiktok.com/@a/video/1", "https://www.tiktok.com/oembed?url="),
        ("reddit", "https://www.reddit.com/r/a/comments/b/", "https://www.reddit.com/oembed?url="),
    ],
)
def test_endpoints(platform: str, url: str, prefix: str) -> None:
    assert str(endpoint_for(platform, url)).startswith(prefix)


@pytest.mark.parametrize(
    ("platform", "url"),
    [
        ("facebook", "https://www.facebook.com/a/posts/1"),
        ("telegram", "https://t.me/a/1"),
        ("twitter", "http://twitter.com/a/status/1"),
        ("twitter", "javascript:alert(1)"),
    ],
)
def test_no_endpoint(platform: str, url: str) -> None:
    assert endpoint_for(platform, url) is None


def _answer() -> dict[str, Any]:
    return dict(CASES["cases"][0]["answer"])


def test_hydrate_fills_only_missing_fields_and_marks_them() -> None:
    post = Post("twitter", (0, 10), url=TWEET_URL, text="Article's own text", form="url")
    calls: list[str] = []

    def fetch(url: str) -> bytes:
        calls.append(url)
        return json.dumps(_answer()).encode()

    out = hydrate(post, fetch)
    assert out.text == "Article's own text"  # never overwritten
    assert (out.author_name, out.author_handle, out.published) == (
        "RT France",
        "RTenfrancais",
        date(2015, 11, 17),
    )
    assert set(out.hydrated) == {"author_name", "author_handle", "published", "lang"}
    assert out.published_text == "November 17, 2015" and len(calls) == 1


def test_hydrate_uses_and_fills_the_cache() -> None:
    cache = DictCache()
    post = Post("twitter", (0, 10), url=TWEET_URL, form="url")
    first = hydrate(post, lambda url: json.dumps(_answer()).encode(), cache)
    assert first.text and len(cache.data) == 1
    assert next(iter(cache.data))[0] == CACHE_NAMESPACE

    def no_network(url: str) -> bytes:
        raise AssertionError("the cache should answer")

    assert hydrate(post, no_network, cache) == first


@pytest.mark.parametrize("body", [None, b"not json", b"[1, 2]", b"\xff\xfe"])
def test_hydrate_failures_leave_the_post(body: bytes | None) -> None:
    post = Post("twitter", (0, 10), url=TWEET_URL, form="url")
    assert hydrate(post, lambda url: body) == post


def test_hydrate_skips_complete_posts_and_unknown_platforms() -> None:
    full = Post(
        "twitter",
        (0, 1),
        url=TWEET_URL,
        author_name="a",
        author_handle="b",
        text="c",
        published=date(2015, 11, 17),
    )
    for post in (full, Post("telegram", (0, 1), url="https://t.me/a/1")):
        assert hydrate(post, lambda url: pytest.fail("no request expected")) == post


@responses.activate
def test_http_fetch_through_the_safe_client() -> None:
    endpoint = str(endpoint_for("twitter", TWEET_URL))
    responses.add(responses.GET, endpoint, json=_answer(), status=200)
    client = HttpClient(resolver=lambda host, port: ["93.184.215.14"], proxies=None)
    body = http_fetch(client)(endpoint)
    assert body is not None and json.loads(body)["author_name"] == "RT France"
    assert responses.calls[0].request.headers["User-Agent"].startswith("embedres/")


@responses.activate
@pytest.mark.parametrize("status", [404, 500])
def test_http_fetch_errors_are_none(status: int) -> None:
    endpoint = str(endpoint_for("twitter", TWEET_URL))
    responses.add(responses.GET, endpoint, json={"error": "x"}, status=status)
    client = HttpClient(resolver=lambda host, port: ["93.184.215.14"], proxies=None)
    assert http_fetch(client)(endpoint) is None


def test_http_fetch_blocked_address_is_none() -> None:
    client = HttpClient(resolver=lambda host, port: ["127.0.0.1"], proxies=None)
    assert http_fetch(client)(str(endpoint_for("twitter", TWEET_URL))) is None
