"""Invariants of detection and export output, shared by the property and checklist tests."""

from __future__ import annotations

import itertools
import re
from html import unescape

from embedres.model import Extraction

_SIGILS = {"hashtags": "#＃", "mentions": "@＠", "cashtags": "$"}
_UNSAFE_SCHEMES = ("javascript:", "data:", "file:", "vbscript:", "ftp:", "gopher:", "about:")


def _all_spans(x: Extraction) -> list[tuple[int, int, str]]:
    spans = [(e.span[0], e.span[1], kind) for kind in _SIGILS for e in getattr(x, kind)]
    spans += [(link.span[0], link.span[1], "links") for link in x.links]
    return sorted(spans)


def check_extraction(text: str, x: Extraction) -> None:
    """Assert every documented invariant of one extraction of ``text``."""
    assert isinstance(x, Extraction)
    for kind, sigils in _SIGILS.items():
        items = getattr(x, kind)
        assert [e.span for e in items] == sorted(e.span for e in items), kind
        for e in items:
            start, end = e.span
            assert 0 <= start < end <= len(text), (kind, e)
            # In HTML an entity may be spelled with character references (&#35;bikes).
            written = unescape(text[start:end]) if x.is_html else text[start:end]
            assert written[0] in sigils, (kind, e, text[start:end])
            assert written[1:] == e.text, (kind, e, text[start:end])
            assert e.text, (kind, e)
    assert [k.span for k in x.links] == sorted(k.span for k in x.links)
    for link in x.links:
        start, end = link.span
        assert 0 <= start < end <= len(text), link
        assert text[start:end] == link.url, link
        assert not link.url.strip().lower().startswith(_UNSAFE_SCHEMES), link
        assert link.kind in ("short", "media", "post", "web"), link
    spans = _all_spans(x)
    for (s1, e1, k1), (s2, e2, k2) in itertools.pairwise(spans):
        assert e1 <= s2, f"{k1} {text[s1:e1]!r} overlaps {k2} {text[s2:e2]!r}"
    for post in x.posts:
        start, end = post.span
        assert 0 <= start < end <= len(text), post
        if post.url is not None:
            assert post.url.startswith("https://"), post


def bibtex_braces_balanced(s: str) -> bool:
    """Whether every ``{`` in ``s`` has its ``}`` (escaped braces aside)."""
    depth = 0
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0


_NOWIKI = re.compile(r"<nowiki>.*?</nowiki>", re.S)


def wikitext_is_inert(s: str) -> None:
    """One template, and no template, link, category or parameter injected from post text."""
    live = _NOWIKI.sub("X", s.strip())
    live = re.sub(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", "X", live)
    assert live.startswith("{{") and live.endswith("}}"), s
    inner = live[2:-2]
    for bad in ("{{", "}}", "[[", "]]", "<script", "<ref", "<!--"):
        assert bad not in inner, (bad, s)
    names = [part.split("=", 1)[0].strip() for part in inner.split("|")[1:]]
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", n) for n in names), (names, s)
    assert len(names) == len(set(names)), (names, s)
