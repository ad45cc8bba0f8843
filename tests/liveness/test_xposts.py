"""X-aware archiving: URL forms, telling archived posts from login walls, lookup and save."""

from __future__ import annotations

import html
import json
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest

import embedres
from embedres.archive.archiver import Archiver
from embedres.archive.services import MementoService, WaybackService
from embedres.archive.xposts import ARCHIVE_TODAY, lookup_post, save_post
from embedres.errors import ArchiveUnavailable, InvalidArgument
from embedres.liveness import Evidence, PostStatus, dead_post_card, liveness_renderer
from embedres.liveness.report import archive_lookup
from embedres.net.network import Network, NetworkConfig
from embedres.platforms.twitter_archive import archived_post, post_url_forms
from tests.support.liveness import LOGIN_WALL, FakeWayback, tombstone, tweet
from tests.support.servers import LoopbackServer, Request, send

LEGACY_PAGE = (
    b'<html><a href="/login">Log in</a><div class="tweet" data-tweet-id="20">'
    b'<p class="TweetTextSize js-tweet-text tweet-text">just setting up my twttr</p>'
    b'<a href="/jack/status/20">permalink</a></div></html>'
)
RENDERED_PAGE = (
    b'<html><a href="/jack/status/20"><time>Mar 21</time></a>'
    b'<div data-testid="tweetText"><span>just setting up my twttr</span></div></html>'
)
OG_PAGE = (
    b'<html><head><meta property="og:url" content="https://twitter.com/jack/status/20">'
    b'<meta property="og:description" content="just setting up my twttr"></head></html>'
)
OEMBED = json.dumps(
    {
        "html": '<blockquote class="twitter-tweet"><p lang="en">just setting up my twttr</p>'
        '&mdash; jack (@jack) <a href="https://twitter.com/jack/status/20">March 21, 2006</a>'
        "</blockquote>"
    }
).encode()


@pytest.mark.parametrize(
    ("body", "holds", "reason"),
    [
        (tweet("20"), True, "widget JSON of the tweet"),
        (OEMBED, True, "oEmbed answer of the tweet"),
        (LEGACY_PAGE, True, "status page with the tweet"),
        (RENDERED_PAGE, True, "status page with the tweet"),
        (OG_PAGE, True, "status page with the tweet's text (og:description)"),
        (tweet("21"), False, "JSON without the tweet"),
        (tombstone("This Post was deleted"), False, "tombstone: This Post was deleted"),
        (LOGIN_WALL, False, "login wall"),
        (b"<html>Something went wrong. Try reloading.</html>", False, "error page"),
        (b"<html><span>Hmm...this post is unavailable.</span></html>", False, "unavailable"),
        (
            b'<html><div id="react-root"></div><script src="/main.js"></script></html>',
            False,
            "empty JavaScript shell (no post text in the page)",
        ),
        (b"", False, "empty JavaScript shell (no post text in the page)"),
    ],
)
def test_archived_post_tells_posts_from_walls(body: bytes, holds: bool, reason: str) -> None:
    got = archived_post(body, "20")
    assert got[0] is holds
    assert reason in got[1]


def test_url_forms_cover_hosts_and_widget_endpoints() -> None:
    forms = post_url_forms("20", "jack")
    hosts = {urlsplit(f).netloc for f in forms}
    assert {"twitter.com", "x.com", "mobile.twitter.com", "cdn.syndication.twimg.com"} <= hosts
    assert "https://x.com/i/web/status/20" in forms
    assert any(f.startswith("https://publish.twitter.com/oembed?url=") for f in forms)
    assert len(post_url_forms("20")) == len(forms) - 3
    with pytest.raises(InvalidArgument):
        post_url_forms("abc")


@pytest.fixture
def wayback() -> Iterator[FakeWayback]:
    with FakeWayback() as fake:
        yield fake


@pytest.fixture
def net() -> Iterator[Network]:
    with NetworkConfig(cache=None, allow_private=True).build() as network:
        yield network


NEAR = datetime(2024, 1, 2, tzinfo=timezone.utc)


def test_login_wall_capture_is_skipped_for_the_json_capture(
    wayback: FakeWayback, net: Network
) -> None:
    found = lookup_post(wayback.archiver(net), "20", "jack", near=NEAR)
    assert found.snapshot is not None
    assert "tweet-result?id=20&" in found.snapshot.original_url
    assert [c.holds_post for c in found.checks] == [False, True]
    assert found.checks[0].reason == "login wall"
    assert found.text == "old"
    assert found.errors == ()


def test_no_copy_holds_the_post(wayback: FakeWayback, net: Network) -> None:
    found = lookup_post(wayback.archiver(net), "21", near=NEAR)
    assert found.snapshot is None and found.checks == ()


def test_archive_today_is_asked_through_memento(net: Network) -> None:
    assert ARCHIVE_TODAY.timemap_url == "https://archive.ph/timemap/"
    memento_ts = "Mon, 01 Jan 2024 00:00:00 GMT"

    def timemap(conn: socket.socket, req: Request) -> None:
        original = req.path.split("/timemap/", 1)[1]
        if original != "https://twitter.com/jack/status/20":
            send(conn, "404 Not Found", [], b"")
            return
        link = f'<{srv.url("/AbCd")}>; rel="memento"; datetime="{memento_ts}"'
        send(conn, "200 OK", [("Content-Type", "application/link-format")], link.encode())

    def page(conn: socket.socket, req: Request) -> None:
        send(conn, "200 OK", [("Content-Type", "text/html")], RENDERED_PAGE)

    def empty_cdx(conn: socket.socket, req: Request) -> None:
        send(conn, "200 OK", [("Content-Type", "application/json")], b"[]")

    with LoopbackServer({"/cdx": empty_cdx, "/AbCd": page, "*": timemap}) as srv:
        today = MementoService("archive.today", timemap_url=srv.url("/timemap/"), interval=0)
        service = WaybackService("fake", srv.url("/cdx"), srv.url("/web/"), None, 0)
        archiver = Archiver(network=net, wayback=service, keys=None, memento=today)
        found = lookup_post(archiver, "20", "jack", near=NEAR)
    assert found.snapshot is not None and found.snapshot.service == "archive.today"
    assert found.checks[0].reason == "status page with the tweet"


def test_offline_lookup_raises(wayback: FakeWayback) -> None:
    with NetworkConfig(cache=None, offline=True).build() as offline:
        with pytest.raises(ArchiveUnavailable):
            lookup_post(wayback.archiver(offline), "20")
        with pytest.raises(ArchiveUnavailable):
            save_post(wayback.archiver(offline), "20")


def dead_status(**kw: object) -> PostStatus:
    return PostStatus(
        "https://twitter.com/jack/status/20",
        "twitter",
        "20",
        "deleted",
        NEAR,
        Evidence("tombstone", "http://x", 200, "This Post was deleted"),
        **kw,  # type: ignore[arg-type]
    )


def test_replace_embeds_renders_a_dead_post_from_its_json_capture(
    wayback: FakeWayback, net: Network
) -> None:
    page = (
        '<p>Before</p><blockquote class="twitter-tweet"><p lang="en">just setting up my twttr'
        '</p>&mdash; jack (@jack) <a href="https://x.com/jack/status/20">March 21, 2006</a>'
        '</blockquote><script async src="https://platform.twitter.com/widgets.js"></script>'
    )
    lookup = archive_lookup(wayback.archiver(net))
    snap, text = lookup(dead_status(), NEAR.date())
    assert snap is not None and text == "old"
    status = dead_status(archived=snap, archived_text=text)
    out = embedres.replace_embeds(page, render=liveness_renderer([status]))
    assert 'class="embedres-dead" data-status="deleted"' in out
    assert "No longer available." in out and "just setting up my twttr" in out
    assert html.escape(snap.archive_url) in out and "widgets.js" not in out
    assert out.startswith("<p>Before</p>")


def test_dead_card_without_a_copy_and_live_posts_untouched() -> None:
    from dataclasses import replace

    card = dead_post_card(replace(dead_status(), status="suspended"))
    assert "account was suspended" in card and "https://twitter.com/jack/status/20" in card
    page = '<blockquote class="twitter-tweet"><p>hi</p><a href="https://x.com/a/status/9">d</a></blockquote>'
    out = embedres.replace_embeds(page, render=liveness_renderer([dead_status()]))
    assert "embedres-dead" not in out and "hi" in out


def test_dead_card_escapes_everything() -> None:
    status = dead_status(archived_text="<script>x</script>")
    assert "<script>" not in dead_post_card(status)


def test_save_post_submits_widget_urls_and_reports_which_holds_the_post() -> None:
    import re

    import responses

    from tests.support.archive import FakeTime, make_archiver

    archiver = make_archiver(FakeTime(), if_not_archived_within=None)
    stamp = "20260101000000"
    forms = post_url_forms("20", "jack")
    submitted = [forms[0], forms[5], forms[6]]  # status page, widget JSON, oEmbed
    with responses.RequestsMock() as mock:
        for n, url in enumerate(submitted):
            job = {"status": "success", "job_id": f"j{n}", "original_url": url, "timestamp": stamp}
            mock.post("https://web.archive.org/save", json={"job_id": f"j{n}"})
            mock.get(f"https://web.archive.org/save/status/j{n}", json=job)
        replay = f"https://web.archive.org/web/{stamp}id_/"
        mock.get(re.compile(re.escape(replay + "https://twitter.com/")), body=LOGIN_WALL)
        mock.get(re.compile(re.escape(replay + "https://cdn.syndication")), body=tweet("20"))
        mock.get(re.compile(re.escape(replay + "https://publish.twitter.com")), body=OEMBED)
        result = save_post(archiver, "20", "jack")
        posted = [c.request.body for c in mock.calls if c.request.method == "POST"]
    assert len(posted) == 3 and "tweet-result" in str(posted[1])
    assert [c.holds_post for c in result.checks] == [False, True, True]
    assert result.checks[0].reason == "login wall"
    assert result.snapshot is not None and "tweet-result" in result.snapshot.original_url


def test_dead_card_from_archived_text_alone() -> None:
    from embedres.model import Snapshot

    snap = Snapshot("https://web.archive.org/web/2023/https://x", NEAR, "wayback", "https://x")
    card = dead_post_card(dead_status(archived=snap, archived_text="as <archived>"))
    assert "<p>as &lt;archived&gt;</p>" in card
    assert 'href="https://web.archive.org/web/2023/https://x"' in card
    assert "Archived copy (2024-01-02)" in card


@pytest.mark.parametrize("handle", ["a/b", "", "x" * 21, "a?b"])
def test_url_forms_reject_malformed_handles(handle: str) -> None:
    with pytest.raises(InvalidArgument):
        post_url_forms("20", handle)


def test_handle_less_status_url_is_looked_up_without_a_handle(
    wayback: FakeWayback, net: Network
) -> None:
    from dataclasses import replace

    status = replace(dead_status(), url="https://twitter.com/i/web/status/20")
    snap, _ = archive_lookup(wayback.archiver(net))(status, NEAR.date())
    assert snap is not None  # found through the JSON capture; no "i" handle invented
    asked = [p for p in wayback.srv.paths if p.startswith("/cdx")]
    # a handle "i" would have asked for twitter.com/i/status/20 and mobile.twitter.com/i/...
    assert not any("mobile.twitter.com" in p or "%2Fi%2Fstatus%2F" in p for p in asked)
    assert any("x.com%2Fi%2Fweb%2Fstatus%2F20" in p for p in asked)


def test_cite_archives_a_tweet_through_its_json_capture(wayback: FakeWayback, net: Network) -> None:
    """cite(archive="lookup") uses the X-aware lookup: the login-wall copy is not cited."""
    article = (
        '<blockquote class="twitter-tweet"><p>just setting up my twttr</p>&mdash; jack (@jack) '
        '<a href="https://x.com/jack/status/20">March 21, 2006</a></blockquote>'
    )
    (citation,) = embedres.cite(
        article, resolve=False, archive="lookup", archiver=wayback.archiver(net)
    )
    (snap,) = citation.snapshots
    assert "tweet-result?id=20&" in snap.original_url
    assert not any("rejected" in w for w in citation.warnings)


LOGIN_WALL_NAMING_THE_TWEET = (
    b'<html><head><link rel="canonical" href="https://x.com/jack/status/20">'
    b'<meta property="og:description" content="Don\'t miss what\'s happening">'
    b'</head><body><a href="/i/flow/login">Log in</a></body></html>'
)
OTHER_TWEETS_OEMBED = json.dumps(
    {
        "url": "https://twitter.com/jack/status/201",
        "html": '<blockquote class="twitter-tweet"><p lang="en">a reply</p>&mdash; jack '
        '<a href="https://twitter.com/jack/status/201">March 21, 2006</a></blockquote>',
    }
).encode()
OTHER_TWEETS_PAGE = (
    b'<html><div class="tweet" data-tweet-id="201"><p class="js-tweet-text">a reply</p>'
    b'<a href="/jack/status/201">permalink</a></div></html>'
)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (LOGIN_WALL_NAMING_THE_TWEET, "login wall"),
        (OTHER_TWEETS_OEMBED, "JSON without the tweet"),
        (OEMBED.replace(b"status/20", b"status/2001"), "JSON without the tweet"),
        (OTHER_TWEETS_PAGE, "empty JavaScript shell"),
    ],
    ids=["login-wall-with-id", "oembed-of-201", "oembed-id-prefix", "page-of-201"],
)
def test_a_wall_or_another_tweets_copy_does_not_hold_the_post(body: bytes, reason: str) -> None:
    holds, why = archived_post(body, "20")
    assert holds is False
    assert reason in why


def test_og_description_in_single_quotes_is_read_whole() -> None:
    page = b"<html><a href='/jack/status/20'></a><meta name='twitter:description' content='hi'>"
    assert archived_post(page, "20") == (
        True,
        "status page with the tweet's text (og:description)",
    )


def test_dead_card_links_only_http_urls() -> None:
    from embedres.model import Snapshot

    snap = Snapshot("javascript:alert(1)", NEAR, "custom", "https://twitter.com/jack/status/20")
    with_copy = dead_status(archived=snap, archived_text="hi")
    without_copy = PostStatus(
        "javascript:alert(2)", "twitter", "20", "deleted", NEAR, Evidence("tombstone")
    )
    for card in (dead_post_card(with_copy), dead_post_card(without_copy)):
        assert "javascript:" not in card.lower()
        assert "No longer available." in card


def test_renderer_matches_instance_scoped_ids_only_on_their_instance() -> None:
    from types import SimpleNamespace
    from typing import cast

    from embedres.export.protocol import Citable

    dead = PostStatus(
        "https://a.social/@x/110", "mastodon", "110", "deleted", NEAR, Evidence("HTTP 404")
    )
    hook = liveness_renderer([dead], render=lambda c: "LIVE")
    same_id_elsewhere = cast(Citable, SimpleNamespace(url="https://b.social/@y/110", post=None))
    assert hook(same_id_elsewhere) == "LIVE"
    itself = cast(Citable, SimpleNamespace(url="https://a.social/@x/110", post=None))
    assert "embedres-dead" in hook(itself)
