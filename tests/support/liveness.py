"""Loopback fakes of the platforms' liveness endpoints and of archives holding X posts.

Answers are shaped as the real endpoints answer (syndication ``tweet-result``, Bluesky's
``getPostThread``, Mastodon's statuses API, YouTube/TikTok oEmbed, Reddit JSON); the tables
below are the only copies of those shapes in the tests.
"""

from __future__ import annotations

import json
import socket

from tests.support.servers import Request, Route, send

__all__ = [
    "ANSWERS",
    "LOGIN_WALL",
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
