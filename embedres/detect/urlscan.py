"""Find URLs in plain text by twitter-text's rules, in linear time, and split fused links.

twitter-text describes a URL with one big regex: an optional ``http(s)://``, labels
separated by dots ending in a known TLD, an optional port, path and query, and a
preceding-character rule. Run as a backtracking regex from every offset, that shape is
quadratic (``"a." * 50_000``). Here the same language is read in two steps:

1. one linear regex finds the *runs* of host characters that hold a ``.TLD``;
2. inside a run, the dot positions are numbered once and, right to left, each label
   learns the furthest TLD its chain of labels can reach (``best``); every start
   offset is then answered in constant time, and path/query are read by linear regexes.

What twitter-text's scan loop decides is kept: where the next search starts after a
match (rejected or not), the stricter rules without a scheme (ASCII host found inside
the match, no ``-_./`` just before), the t.co code cut, the 40-character t.co limit and
the 4096-character URL limit. Deliberate additions are listed in docs/entities.md.
"""

from __future__ import annotations

import bisect
import functools
import re

from embedres.detect import patterns as P

__all__ = ["UrlHit", "scan_urls"]

MAX_URL = 4096
MAX_TCO_CODE = 40


UrlHit = tuple[int, int, bool]
"""One URL found, ``(start, end, fused_after)``: ``text[start:end]`` is the URL as written;
``fused_after`` is True when the text right after it was glued to it (a split point).
A plain tuple: short texts are scanned one call each, and a dataclass costs more to build.
"""


def tld_end(text: str, pos: int, limit: int, pats: P.Compiled) -> int:
    """End of the TLD starting at ``pos`` (not followed by ``[0-9A-Za-z@+-]``), or -1.

    ``limit`` acts as the end of the text, as twitter-text's scan inside a host does.
    """
    if pos >= limit:
        return -1
    m = P.ALNUM_RUN.match(text, pos, limit)
    word = m.group().lower() if m else ""
    if word:
        e = pos + len(word)
        if word in pats.ascii_tlds and (e == limit or text[e] not in "@+-"):
            return e
    for name in pats.other_tlds.get(text[pos].lower(), ()):
        e = pos + len(name)
        if (
            e <= limit
            and text[pos:e].lower() == name
            and (e == limit or text[e] not in P.TLD_BAD_AFTER)
        ):
            return e
    puny = P.PUNYCODE.match(text, pos, limit) if word == "xn" else None
    return puny.end() if puny else -1


class _Run:
    """Dot positions of one run and, per label, the furthest reachable TLD end."""

    __slots__ = ("best", "dots", "end", "start", "tld_end", "useful")

    def __init__(self, text: str, start: int, end: int, pats: P.Compiled) -> None:
        self.start, self.end = start, end
        pos = text.find(".", start, end)
        if text.find(".", pos + 1, end) == -1:
            self._one_dot(text, start, pos, pats)
            return
        dots = []
        while pos != -1:
            dots.append(pos)
            pos = text.find(".", pos + 1, end)
        self.dots = dots
        m, n = len(dots), len(text)
        if m <= 8:
            ends = [tld_end(text, d + 1, n, pats) for d in dots]
        else:
            ends = [-1] * m
            index = {d: j for j, d in enumerate(dots)}
            ascii_tlds, alnum = pats.ascii_tlds, P.ALNUM_RUN.match
            for h in pats.dot_hint.finditer(text, start, end):
                d = h.start()
                word = alnum(text, d + 1)
                # Skip the call when the label after the dot is plainly no TLD.
                if (
                    word
                    and word.end() < n
                    and text[word.end()] == "."
                    and (word.group().lower() not in ascii_tlds)
                ):
                    continue
                ends[index[d]] = tld_end(text, d + 1, n, pats)
        self.tld_end = ends
        if max(ends, default=-1) < 0:
            self.best, self.useful = [-1] * (m + 1), []
            return
        # best[j]: the label index i whose following TLD ends the longest host that starts
        # with the whole label j (labels j..i-1 may hold "_", label i may not).
        # useful: labels in which some start offset can begin a host.
        best = [-1] * (m + 1)
        useful: list[int] = []
        nxt = -1
        for j in range(m - 1, -1, -1):
            a = dots[j - 1] + 1 if j else start
            b = dots[j]
            cur = -1
            if a < b and text[b - 1] not in "-_":
                if nxt >= 0 or ends[j] >= 0:
                    useful.append(j)
                if text[a] not in "-_":
                    if nxt >= 0:
                        cur = nxt
                    elif ends[j] >= 0 and text.find("_", a, b) == -1:
                        cur = j
            best[j] = nxt = cur
        useful.reverse()
        self.best, self.useful = best, useful

    def _one_dot(self, text: str, start: int, dot: int, pats: P.Compiled) -> None:
        """The common case, "host.tld": one TLD lookup and no tables to build."""
        e = tld_end(text, dot + 1, len(text), pats)
        self.dots, self.tld_end = [dot], [e]
        ok = e >= 0 and start < dot and text[dot - 1] not in "-_"
        whole = ok and text[start] not in "-_" and text.find("_", start, dot) == -1
        self.best, self.useful = [0 if whole else -1, -1], [0] if ok else []

    def seg_start(self, j: int) -> int:
        return self.start if j == 0 else self.dots[j - 1] + 1

    def host_end(self, text: str, u: int, j: int) -> int:
        """End of the host starting at ``u`` inside label ``j``, or -1 (twitter-text domain)."""
        b = self.dots[j]
        if text[b - 1] in "-_":
            return -1
        if j + 1 < len(self.dots) and self.best[j + 1] >= 0:
            return self.tld_end[self.best[j + 1]]
        if self.tld_end[j] >= 0 and text.find("_", u, b) == -1:
            return self.tld_end[j]
        return -1


def _tail_end(text: str, pos: int) -> tuple[int, bool]:
    """Read port, path and query after a host; return the URL end and whether a path exists."""
    if pos < len(text) and text[pos] == ":":
        m = P.PORT.match(text, pos)
        if m:
            pos = m.end()
    has_path = pos < len(text) and text[pos] == "/"
    if has_path:
        run = P.PATH_RUN.match(text, pos + 1)
        pos = pos + 1 + len(run.group().rstrip(P.PATH_NON_ENDING)) if run else pos + 1
    if pos < len(text) and text[pos] == "?":
        q = P.QUERY_RUN.match(text, pos + 1)
        kept = q.group().rstrip(P.QUERY_NON_ENDING) if q else ""
        if kept:
            pos += 1 + len(kept)
    return pos, has_path


def _idna_ok(host: str, url_len: int) -> bool:
    """Whether ``host`` survives IDNA ToASCII (labels <= 63) and the URL stays <= 4096."""
    if len(host) <= 63 and host.isascii():  # no label can be too long, nothing grows
        return url_len <= MAX_URL
    grow = 0
    for label in host.split("."):
        if label.isascii():
            if len(label) > 63:
                return False
            continue
        size = _ace_size(label)
        if size > 63:
            return False
        grow += max(0, size - len(label))
    return url_len + grow <= MAX_URL


@functools.lru_cache(maxsize=1024)
def _ace_size(label: str) -> int:
    """Length of a non-ASCII label once encoded as ``xn--...``; 64 when it cannot be."""
    if label[:4].lower() == "xn--":
        return 64
    try:
        return len(label.lower().encode("punycode")) + 4
    except UnicodeError:
        return 64


def _ascii_suffix(text: str, a: int, b: int) -> int:
    """Start of the longest suffix of ``text[a:b]`` made of ASCII host characters."""
    if P.ASCII_LABEL.fullmatch(text, a, b):
        return a
    k = b
    while k > a and P.ASCII_LABEL.fullmatch(text, k - 1, k):
        k -= 1
    return k


def _ascii_hosts(
    text: str, start: int, end: int, run: _Run, pats: P.Compiled
) -> list[tuple[int, int]]:
    """twitter-text's ASCII-host scan of ``text[start:end]`` (a host matched without scheme).

    Each host is ASCII-ish labels (letters, digits, ``-``, ``_``, Latin accents) and a TLD;
    the furthest TLD wins, as with the greedy ``(?:label\\.)+tld`` it replaces.
    """
    dots = run.dots
    hi = bisect.bisect_left(dots, end)
    j = bisect.bisect_left(dots, start)
    out: list[tuple[int, int]] = []
    pos = start
    while j < hi:
        b = dots[j]
        k = _ascii_suffix(text, max(run.seg_start(j), pos), b)
        if k == b:
            j += 1
            continue
        found, i = -1, j
        while True:
            hit = tld_end(text, dots[i] + 1, end, pats)
            if hit >= 0:
                found = hit
            if i + 1 >= hi or not P.ASCII_LABEL.fullmatch(text, dots[i] + 1, dots[i + 1]):
                break
            i += 1
        if found < 0:
            # Starting from any label up to i reaches the same TLDs or fewer.
            j = i + 1
            continue
        out.append((k, found))
        pos = found
        j = bisect.bisect_left(dots, found, j + 1, hi)
    return out


class _Scanner:
    """twitter-text's scan loop: where the next match may start, and what it keeps."""

    __slots__ = ("forced", "hits", "min_u", "pats", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pats = P.compiled()
        self.hits: list[UrlHit] = []
        # The next match must start at min_u or later (the character before it, which the
        # regex consumes, must lie after the previous match), except at a fused split point.
        self.min_u = 0
        self.forced = -1

    def run(self) -> list[UrlHit]:
        """Visit each run of host characters around a dot that may start a TLD."""
        text, pats = self.text, self.pats
        search = pats.hint_run.search
        m = search(text)
        if m is None:
            return self.hits
        n = len(text)
        rev = text[::-1]  # a run's start is read backwards from its hint dot
        forward = P.RUN_FORWARD.match
        while m is not None:
            dot, end = m.span()
            start = n - forward(rev, n - dot).end()  # type: ignore[union-attr]
            if end > self.min_u or start <= self.forced < end:
                self._scan_run(start, dot, end)
            m = search(text, end)
        return self.hits

    def _scan_run(self, rs: int, hint: int, run_end: int) -> None:
        """Find the URLs of the run ``text[rs:run_end]``, whose first hinting dot is ``hint``."""
        text = self.text
        up = -1  # start of an allowed "http(s)://" right before the run
        if rs >= 7 and text[rs - 1] == "/":
            head = text[max(rs - 8, 0) : rs].lower()
            at = rs - 8 if head == "https://" else rs - 7 if head.endswith("http://") else -1
            # A letter or digit may precede the scheme (fused text, docs/entities.md).
            forced = at == self.forced
            if (
                at >= 0
                and (at >= self.min_u or forced)
                and (at == 0 or forced or text[at - 1] not in _SCHEME_BAD_BEFORE)
            ):
                up = at
        if up >= 0 and text.count(".", rs, run_end) == 1:
            # "https://host.tld", the usual case, needs no _Run tables: the match
            # ends after the only dot, so no later start in this run is allowed.
            tld = text[hint + 1 : run_end]
            if tld.isalnum() and tld.isascii():
                # Letters and digits up to the end of the run: only an ASCII TLD can end
                # there (tld_end without its regex; "@" or "+" right after spoils it).
                ok = run_end == len(text) or text[run_end] not in P.TLD_BAD_AFTER
                he = run_end if ok and tld.lower() in self.pats.ascii_tlds else -1
            else:
                he = tld_end(text, hint + 1, len(text), self.pats)
            if (
                he >= 0
                and text[rs] not in "-_"
                and text[hint - 1] not in "-_"
                and text.find("_", rs, hint) == -1
            ):
                self._matched(None, up, rs, he)
                return
        run = _Run(text, rs, run_end, self.pats)
        if up >= 0:
            end = run.host_end(text, rs, 0) if text[rs] not in "-_" else -1
            if end >= 0:
                self._matched(None, up, rs, end)
        useful = run.useful
        # No useful label ends after the next allowed start (the usual case once a
        # "https://host.tld" was matched): nothing more to find in this run.
        if not useful or run.dots[useful[-1]] < max(self.min_u, rs):
            return
        k = bisect.bisect_left(useful, bisect.bisect_left(run.dots, max(self.min_u, rs)))
        while k < len(useful):
            j = useful[k]
            k += 1
            b = run.dots[j]
            lo = max(run.seg_start(j), self.min_u)
            if lo <= self.forced < b:
                u = self.forced
            else:
                cm = P.CANDIDATE.search(text, lo, b) if lo < b else None
                if cm is None:
                    continue
                u = cm.start()
            end = run.host_end(text, u, j)
            if end < 0:
                # Only an underscore in the last label can spoil a later start in it.
                under = text.rfind("_", u, b)
                if under >= 0 and under + 1 < b:
                    u = under + 1
                    end = run.host_end(text, u, j)
            if end < 0:
                continue
            self._matched(run, u, u, end)
            k = bisect.bisect_left(useful, bisect.bisect_left(run.dots, self.min_u), k)

    def _matched(self, run: _Run | None, u: int, hs: int, he: int) -> None:
        """Apply twitter-text's post-match rules to a regex-level match at ``u``.

        ``run`` is None for a match with a scheme, which needs no host re-scan.
        """
        text = self.text
        if he < len(text):
            end, has_path = _tail_end(text, he)
        else:  # most short posts end with the host: nothing to read after it
            end, has_path = he, False
        fused = False
        # A glued link needs at least "www." (4 characters) after the host.
        fm = P.FUSION.search(text, he, end) if end - he >= 4 else None
        if fm and (fm["www"] is None or text[hs:he].lower() in _SHORT_FOR_WWW):
            end, fused = fm.start(), True
        if fused:
            self.min_u = self.forced = end
        else:
            self.min_u, self.forced = end + 1, -1
        if end - u > MAX_URL:
            return
        if run is not None:
            if u == 0 or text[u - 1] not in "-_./" or fused:
                self._without_scheme(run, u, he, end, has_path, fused)
            return
        # With a scheme: t.co keeps only its code, and the host must survive IDNA.
        if he - hs == 4 and text[hs:he].lower() == "t.co":
            tco = P.TCO.match(text, u, end)
            if tco:
                if len(tco.group(1)) > MAX_TCO_CODE:
                    return
                end = tco.end()
                if tco.end(1) == end:
                    end, cut = _tco_word_cut(text, u, tco.start(1), end)
                    fused = fused or cut or text.startswith("#", end)
        host = text[hs:he]
        # A short ASCII host cannot fail IDNA (the URL length was checked above).
        if (len(host) <= 63 and host.isascii()) or _idna_ok(host, end - u):
            self.hits.append((u, end, fused))

    def _without_scheme(
        self, run: _Run, u: int, he: int, end: int, has_path: bool, fused: bool
    ) -> None:
        text = self.text
        url_len = end - u + len("https://")
        added = False
        for s, e in _ascii_hosts(text, u, he, run, self.pats):
            if _idna_ok(text[s:e], url_len):
                self.hits.append((s, e, False))
                added = True
        last = self.hits[-1] if added else None
        # The path and query go with the last host when it ends the match's host.
        if last is not None and has_path and last[1] == he:
            self.hits[-1] = (last[0], end, fused)


_SCHEME_BAD_BEFORE = "@\uff20$#\uff03\ufffe\ufeff\uffff"
_SHORT_FOR_WWW = frozenset({"t.co"})
_WORD = re.compile(r"[A-Z]?[a-z]{2,}")


def _tco_word_cut(text: str, u: int, code_start: int, end: int) -> tuple[int, bool]:
    """Cut a t.co code glued to a following word: 10 characters since 2013, 8 before.

    Codes have had 10 characters since 20 Feb 2013 and every t.co link is https since
    2015, so an https code is cut after 10 characters; an http one after 8 when the rest
    is a word, else after 10. Codes of exactly 8 or 10 characters are never cut.
    """
    code = text[code_start:end]
    if (
        len(code) > 10
        and _WORD.fullmatch(code, 10)
        and not (text[u + 4] not in "sS" and _WORD.fullmatch(code, 8))
    ):
        return code_start + 10, True
    if text[u + 4] not in "sS" and len(code) not in (8, 10) and _WORD.fullmatch(code, 8):
        return code_start + 8, True
    return end, False


def scan_urls(text: str) -> list[UrlHit]:
    """Return the URLs of ``text`` in order, fused links split (see the module docstring).

    Args:
        text: any string.

    Returns:
        One ``(start, end, fused_after)`` per URL, in text order, never overlapping.

    >>> scan_urls("see example.com and http://t.co/abc")
    [(4, 15, False), (20, 35, False)]
    """
    if "." not in text:
        return []
    return _Scanner(text).run()
