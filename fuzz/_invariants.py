"""Invariants every fuzz target checks on ``extract()`` output (as tests/support/invariants.py)."""

from __future__ import annotations

import itertools
from html import unescape
from typing import Any

_SIGILS = {"hashtags": "#＃", "mentions": "@＠", "cashtags": "$"}
_UNSAFE = ("javascript:", "data:", "file:", "vbscript:", "ftp:", "gopher:", "about:")


def check_extraction(text: str, x: Any) -> None:
    """Raise AssertionError when an extraction of ``text`` breaks a documented invariant."""
    spans: list[tuple[int, int]] = []
    for kind, sigils in _SIGILS.items():
        for e in getattr(x, kind):
            s, t = e.span
            # In HTML an entity may be spelled with character references (&#35;bikes).
            written = unescape(text[s:t]) if x.is_html else text[s:t]
            if not (
                0 <= s < t <= len(text)
                and written[:1] != ""
                and written[0] in sigils
                and written[1:] == e.text
            ):
                raise AssertionError(f"{kind} span {e.span} does not slice to {e.text!r}")
            spans.append(e.span)
    for link in x.links:
        s, t = link.span
        if not (0 <= s < t <= len(text) and text[s:t] == link.url):
            raise AssertionError(f"link span {link.span} does not slice to {link.url!r}")
        if link.url.strip().lower().startswith(_UNSAFE):
            raise AssertionError(f"unsafe link emitted: {link.url!r}")
        spans.append(link.span)
    spans.sort()
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        if e1 > s2:
            raise AssertionError(f"overlapping spans: {spans}")
    for post in x.posts:
        s, t = post.span
        if not 0 <= s < t <= len(text):
            raise AssertionError(f"post span {post.span} out of range")
        if post.url is not None and not post.url.startswith("https://"):
            raise AssertionError(f"post url not https: {post.url!r}")
        for kind in ("hashtags", "mentions", "links"):
            # A post's own entities may differ from the page's (Bluesky handles keep their
            # dots), but each lies in the post and slices to what it says.
            for e in getattr(post, kind):
                a, b = e.span
                if kind == "links":
                    ok = text[a:b] == e.url
                else:
                    raw = unescape(text[a:b]) if x.is_html else text[a:b]
                    ok = raw[:1] != "" and raw[0] in _SIGILS[kind] and raw[1:] == e.text != ""
                if not (s <= a < b <= t and ok):
                    raise AssertionError(f"post {post.span} {kind} {e} outside it or mis-sliced")
