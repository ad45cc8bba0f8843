"""embedres.detect.urls: link kinds, hosts, normalisation and tracking parameters (table-driven)."""

from __future__ import annotations

import contextlib
import json
import socket
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedres.detect import urls as urls
from embedres.errors import InvalidArgument
from tests.support.paths import CASES

DATA = json.loads((CASES / "urls.json").read_text("utf-8"))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c.get("description", c["input"]) for c in cases]


@pytest.mark.parametrize("case", DATA["classify"], ids=_ids(DATA["classify"]))
def test_classify(case: dict[str, Any]) -> None:
    info = urls.classify_link(case["input"])
    assert (info.kind, info.host) == (case["kind"], case["host"])
    for field in ("platform", "post_id", "canonical_url"):
        if field in case:
            assert getattr(info, field) == case[field]
    if info.kind != "post":
        assert (info.platform, info.post_id, info.canonical_url) == (None, None, None)


@pytest.mark.parametrize(
    "host", ["t.co", "bit.ly", "ow.ly", "buff.ly", "dlvr.it", "tinyurl.com", "goo.gl", "fb.me",
             "lnkd.in", "trib.al", "youtu.be"],
)  # fmt: skip
def test_required_shorteners_are_listed(host: str) -> None:
    assert host in urls.SHORTENER_HOSTS


def test_shortener_list_holds_hosts_only() -> None:
    for host in urls.SHORTENER_HOSTS:
        assert host == host.lower().strip() and "/" not in host and "." in host


@pytest.mark.parametrize("case", DATA["normalize"], ids=_ids(DATA["normalize"]))
def test_normalize(case: dict[str, Any]) -> None:
    assert urls.normalize_url(case["input"]) == case["expected"]
    assert urls.normalize_url(case["expected"]) == case["expected"]


@pytest.mark.parametrize("bad", DATA["normalize_errors"])
def test_normalize_rejects_garbage(bad: str) -> None:
    with pytest.raises(InvalidArgument):
        urls.normalize_url(bad)


def test_normalize_rejects_non_str() -> None:
    with pytest.raises(InvalidArgument):
        urls.normalize_url(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", DATA["strip"], ids=_ids(DATA["strip"]))
def test_strip_tracking(case: dict[str, Any]) -> None:
    assert urls.strip_tracking(case["input"]) == case["expected"]


@pytest.mark.parametrize("case", DATA["registered"], ids=_ids(DATA["registered"]))
def test_registered_domain(case: dict[str, Any]) -> None:
    assert urls.registered_domain(case["input"]) == case["expected"]


def test_tldextract_never_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suffix list comes from tldextract's bundled snapshot, with sockets disabled."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    urls._extractor.cache_clear()
    assert urls.registered_domain("https://a.b.example.co.uk/") == "example.co.uk"
    extractor = urls._extractor()
    assert extractor.suffix_list_urls == ()
    assert extractor.fallback_to_snapshot


@pytest.mark.parametrize("url", ["https://twitter.com/a", "youtu.be/x", ""])
def test_link_host_matches_classify(url: str) -> None:
    assert urls.link_host(url) == urls.classify_link(url).host


def test_classify_is_cached_and_consistent() -> None:
    first = urls.classify_link("https://t.co/CJ9ySZge7P")
    assert urls.classify_link("https://t.co/CJ9ySZge7P") is first


@pytest.mark.parametrize(
    "func",
    [urls.classify_link, urls.link_host, urls.strip_tracking, urls.registered_domain],
)
@pytest.mark.parametrize("bad", [None, b"https://t.co/x", ["x"], 3])
def test_non_str_is_a_clear_error(func: Any, bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="takes a str"):
        func(bad)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["http", "https", "://", "//", "/", "?", "#", "&", "=", "@", ":", "[", "]", "%zz",
             "%C3%A9", "a", "B", "1", ".", "-", "_", "bücher", "☃", "\ud800", "\x00", " ",
             "t.co", "www.", "utm_source=x", "s=20", "99999", "xn--", "::1"]
        ),
        max_size=20,
    ).map("".join)
)  # fmt: skip
def test_helpers_never_raise_anything_else(url: str) -> None:
    """Any string: a result, or InvalidArgument from normalize_url; never a traceback."""
    assert isinstance(urls.classify_link(url).kind, str)
    assert isinstance(urls.link_host(url), str)
    assert isinstance(urls.strip_tracking(url), str)
    assert isinstance(urls.registered_domain(url), str)
    with contextlib.suppress(InvalidArgument):
        assert "://" in urls.normalize_url(url)
