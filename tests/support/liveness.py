"""Loopback fakes of the platforms' liveness endpoints and of archives holding X posts.

Answers are shaped as the real endpoints answer (syndication ``tweet-result``, Bluesky's
``getPostThread``, Mastodon's statuses API, YouTube/TikTok oEmbed, Reddit JSON); the tables
below are the only copies of those shapes in the tests.
"""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from tests.support.servers import LoopbackServer, Request, Route, send

if TYPE_CHECKING:
    from embedres.archive.archiver import Archiver
    from embedres.net.network import Network

__all__ = [
    "ANSWERS",
    "JSON_TS",
    "LOGIN_WALL",
    "WALL_TS",
    "FakeWayback",
    "answer_table",
    "json_ctype",
    "tombstone",
    "tweet",
]

LOGIN_WALL = (
    b"<!DOCTYPE html><html><head><title>X</title></head><body><noscript>JavaScript is not "
    b"available.</noscript><a href='/i/flow/login'>Log in</a> Don\xe2\x80\x99t miss what\xe2"
    b"\x80\x99s happening</body></html>"
)


def tweet(post_id: str, text: str = "Hello world", handle: str = "jack") -> bytes:
    """A live ``tweet-result`` answer."""
    return json.dumps(
        {
            "__typename": "Tweet",
            "id_str": post_id,
            "text": text,
            "user": {"name": "Jack", "screen_name": handle},
        }
    ).encode()


def tombstone(wording: str) -> bytes:
    """A ``TweetTombstone`` answer with the wording X shows in place of the tweet."""
    return json.dumps(
        {"__typename": "TweetTombstone", "tombstone": {"text": {"text": wording}}}
    ).encode()


_J = "application/json"
ANSWERS: dict[str, dict[str, tuple[int, bytes]]] = {
    "twitter": {
        "live": (200, tweet("20")),
        "deleted": (200, tombstone("This Post was deleted by the Post author. Learn more")),
        "suspended": (200, tombstone("This Post is from a suspended account. Learn more")),
        "protected": (
            200,
            tombstone(
                "You\u2019re unable to view this Post because this account owner limits who "
                "can view their Posts. Learn more"
            ),
        ),
        "not found": (404, b""),
    },
    "bluesky": {
        "live": (
            200,
            json.dumps(
                {
                    "thread": {
                        "$type": "app.bsky.feed.defs#threadViewPost",
                        "post": {
                            "author": {"handle": "a.bsky.social", "displayName": "A"},
                            "record": {"text": "sky"},
                        },
                    }
                }
            ).encode(),
        ),
        "deleted": (400, b'{"error":"NotFound","message":"Post not found"}'),
        "notFoundPost": (
            200,
            b'{"thread":{"$type":"app.bsky.feed.defs#notFoundPost","notFound":true}}',
        ),
        "suspended": (400, b'{"error":"AccountTakedown","message":"Account has been taken down"}'),
    },
    "mastodon": {
        "live": (
            200,
            b'{"id":"1","content":"<p>toot</p>","account":{"acct":"a","display_name":"A"}}',
        ),
        "deleted": (404, b'{"error":"Record not found"}'),
        "gone": (410, b""),
        "authorized fetch": (401, b'{"error":"This API requires an authenticated user"}'),
    },
    "youtube": {
        "live": (200, b'{"title":"A video","author_name":"Chan","type":"video"}'),
        "deleted": (404, b"Not Found"),
        "private": (401, b"Unauthorized"),
        "no embedding": (403, b"Forbidden"),
    },
    "tiktok": {
        "live": (200, b'{"title":"t","author_name":"T","author_unique_id":"t"}'),
        "something went wrong": (400, b'{"code":400,"message":"Something went wrong"}'),
    },
    "reddit": {
        "live": (
            200,
            b'[{"data":{"children":[{"data":{"title":"T","author":"u","removed_by_category":null'
            b"}}]}}]",
        ),
        "removed": (
            200,
            b'[{"data":{"children":[{"data":{"title":"T","author":"[deleted]",'
            b'"removed_by_category":"moderator"}}]}}]',
        ),
        "private": (403, b'{"reason":"private","message":"Forbidden"}'),
        "banned": (404, b'{"reason":"banned","message":"Not Found"}'),
        "blocked": (403, b"<html><body>You've been blocked by network security.</body></html>"),
    },
    "telegram": {
        "live": (
            200,
            b'<html><body class="widget_frame_base tgme_widget body_widget_post emoji_image">'
            b'<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author">'
            b'<a class="tgme_widget_message_owner_name" href="https://t.me/durov"><span dir="auto">'
            b'Pavel Durov</span></a></div><div class="tgme_widget_message_text js-message_text" '
            b'dir="auto">Hello<br/>channel</div></div></body></html>',
        ),
        "not found": (
            200,
            b'<html><body class="widget_frame_base tgme_widget body_widget_post nodark">'
            b'<div class="tgme_widget_message_error">Post not found</div></body></html>',
        ),
    },
}
"""Per platform, per case: ``(HTTP status, body)`` as the real endpoint answers."""


def answer_table(answers: dict[str, tuple[int, bytes, str]]) -> Route:
    """A catch-all route answering ``answers[path_with_query] = (status, body, ctype)``;
    unknown paths get 404 with an empty body."""

    def route(conn: socket.socket, req: Request) -> None:
        status, body, ctype = answers.get(req.path, (404, b"", "text/plain"))
        reason = "OK" if status == 200 else "X"
        headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))]
        if status == 429:
            headers.append(("Retry-After", "1"))
        send(conn, f"{status} {reason}", headers, body)

    return route


def json_ctype(body: bytes) -> str:
    """The Content-Type an endpoint sends with ``body``."""
    return _J if body[:1] in (b"{", b"[") else "text/html"


WALL_TS, JSON_TS = "20240101000000", "20230601000000"


class FakeWayback:
    """A CDX index and replay: the status page was captured as a login wall (nearer the
    date asked), the widget JSON (another token, a year earlier) holds the tweet."""

    def __init__(self) -> None:
        self.srv = LoopbackServer({"/cdx": self.cdx, "*": self.replay})

    def __enter__(self) -> FakeWayback:
        self.srv.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.srv.__exit__()

    def cdx(self, conn: socket.socket, req: Request) -> None:
        q = parse_qs(urlsplit(req.path).query)
        url = q["url"][0]
        rows: list[list[str]] = [["timestamp", "original", "statuscode"]]
        if url == "https://twitter.com/jack/status/20":
            rows.append([WALL_TS, url, "200"])
        elif "tweet-result" in url and q.get("matchType") == ["prefix"]:
            base = "https://cdn.syndication.twimg.com/tweet-result?id="
            rows.append([JSON_TS, base + "200&lang=en&token=zz", "200"])  # another id
            rows.append([JSON_TS, base + "20&lang=en&token=old", "200"])
        body = json.dumps(rows if len(rows) > 1 else []).encode()
        send(conn, "200 OK", [("Content-Type", "application/json")], body)

    def replay(self, conn: socket.socket, req: Request) -> None:
        if req.path.startswith(f"/web/{WALL_TS}id_/"):
            send(conn, "200 OK", [("Content-Type", "text/html")], LOGIN_WALL)
        elif req.path.startswith(f"/web/{JSON_TS}id_/") and "id=20&" in req.path:
            send(conn, "200 OK", [("Content-Type", "application/json")], tweet("20", "old"))
        else:
            send(conn, "404 Not Found", [], b"")

    def archiver(self, net: Network) -> Archiver:
        """An Archiver on this index (no pacing, no keys, no Memento source)."""
        from embedres.archive.archiver import Archiver
        from embedres.archive.services import WaybackService

        service = WaybackService("fake", self.srv.url("/cdx"), self.srv.url("/web/"), None, 0)
        return Archiver(network=net, wayback=service, keys=None)
