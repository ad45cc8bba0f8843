"""Shared helpers for the post tests: load cases and compare a Post with its expectation."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from embedres.model import Post
from tests.support.paths import CASES, EMBEDS


def load(name: str) -> list[dict[str, Any]]:
    """The cases of ``tests/cases/NAME``."""
    data: list[dict[str, Any]] = json.loads((CASES / name).read_text(encoding="utf-8"))
    return data


def source_of(case: dict[str, Any]) -> str:
    """The input of a case: inline ``input`` or the ``fixture`` file."""
    if "fixture" in case:
        return (EMBEDS / str(case["fixture"])).read_text(encoding="utf-8")
    text: str = case["input"]
    return text


def published(value: date | datetime | None) -> str | None:
    """ISO form used in the case files (seconds for datetimes)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def mismatches(post: Post, expected: dict[str, Any], source: str) -> list[str]:
    """Every way ``post`` differs from ``expected`` (empty when it matches)."""
    bad: list[str] = []
    cut = source[post.span[0] : post.span[1]]
    checks: dict[str, Any] = {
        "platform": post.platform,
        "form": post.form,
        "post_id": post.post_id,
        "url": post.url,
        "author_name": post.author_name,
        "author_handle": post.author_handle,
        "text": post.text,
        "published_text": post.published_text,
        "lang": post.lang,
        "published": published(post.published),
        "hashtags": [e.text for e in post.hashtags],
        "mentions": [e.text for e in post.mentions],
    }
    for key, got in checks.items():
        if key in expected and expected[key] != got:
            bad.append(f"{key}: expected {expected[key]!r}, got {got!r}")
    prefixes = {
        "text_startswith": (post.text or "").startswith,
        "text_endswith": (post.text or "").endswith,
        "span_startswith": cut.startswith,
        "span_endswith": cut.endswith,
    }
    for key, test in prefixes.items():
        if key in expected and not test(expected[key]):
            bad.append(f"{key}: {expected[key]!r} not in {cut[:80]!r}…{cut[-80:]!r}")
    return bad
