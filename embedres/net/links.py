"""RFC 8288 ``Link`` headers and RFC 6690 link-format TimeMaps, read in linear time.

The resolver reads ``Link: <...>; rel=canonical`` (through :mod:`embedres.net.redirects`) and
the archiver reads Memento TimeMaps and TimeGate headers (:mod:`embedres.archive.wayback`):
one parser for both, so one hostile-input fix covers both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["MAX_LINK_HEADER", "iter_links", "parse_link_header"]

_LINK_SPECIAL = re.compile(r'[";,]')
MAX_LINK_HEADER = 64 * 1024
"""Characters of a ``Link`` header that are read (real headers are a few hundred)."""


def _link_param(segment: str) -> tuple[str, str] | None:
    name, _, raw = segment.partition("=")
    name = name.strip().lower()
    if not name:
        return None
    val = raw.strip()
    if len(val) >= 2 and val[0] == val[-1] == '"':
        val = val[1:-1]
    return name, val.lower() if name == "rel" else val


def parse_link_header(value: str, *, limit: int | None = None) -> list[tuple[str, dict[str, str]]]:
    """Entries of an RFC 8288 ``Link`` header or an RFC 6690 link-format TimeMap.

    One left-to-right scan (no backtracking pattern, every search resumes where the last one
    stopped), so hostile input of any size costs linear time. Commas inside quoted values
    (``datetime="Tue, 17 Nov ..."``) are kept. Parameter names are lower-cased, ``rel``
    values too.

    Args:
        value: the header or TimeMap text.
        limit: read at most this many characters (None: all).

    Returns:
        ``(uri, params)`` pairs.

    >>> parse_link_header('<https://e.example/a>; rel="canonical", </b>; rel=next')
    [('https://e.example/a', {'rel': 'canonical'}), ('/b', {'rel': 'next'})]
    >>> parse_link_header("no links here <unclosed")
    []
    """
    return list(iter_links(value if limit is None else value[:limit]))


def iter_links(value: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The entries of :func:`parse_link_header`, one at a time (stop early for free)."""
    n, i = len(value), 0
    memo: tuple[int, re.Match[str] | None] = (n + 1, None)

    def special(j: int) -> re.Match[str] | None:
        nonlocal memo
        start, found = memo
        if start > j or (found is not None and found.start() < j):
            memo = (j, _LINK_SPECIAL.search(value, j))
        return memo[1]

    while i < n:
        start = value.find("<", i)
        end = value.find(">", start + 1) if start >= 0 else -1
        if end < 0:
            return
        params: dict[str, str] = {}
        j = seg_start = end + 1
        while True:
            m = special(j)
            if m is not None and m.group() == '"':
                close = value.find('"', m.end())
                j = n if close < 0 else close + 1  # skip the quoted value whole
                if close >= 0:
                    continue
                m = None
            stop = n if m is None else m.start()
            pair = _link_param(value[seg_start:stop])
            if pair:
                params.setdefault(*pair)
            j = seg_start = stop + 1
            if m is None or m.group() == ",":
                break
        yield value[start + 1 : end].strip(), params
        i = j + 1
