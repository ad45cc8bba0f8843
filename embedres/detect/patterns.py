"""Character classes and compiled patterns for entity detection (twitter-text rules).

Only data lives here; the logic that uses it is in :mod:`embedres.detect.entities` and
:mod:`embedres.detect.urlscan`. The classes follow twitter-text's ``regex.rb`` (Apache-2.0,
https://github.com/twitter/twitter-text), written out for Python's :mod:`re`, which has
no ``\\p{...}``: letters and marks come from ``data/letters_marks.txt``, top-level domains
from ``data/tlds.txt``. Both are read on first use, never at import time.

Every pattern is built so that a match attempt costs time linear in what it reads:
no nested quantifiers over overlapping classes, lookbehinds that stop a pattern from
restarting inside a run it already rejected, and bounded repetitions for names.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "ASCII_ALNUM",
    "CASHTAG",
    "DIRECTIONAL",
    "HASHTAG_SPECIAL",
    "LATIN_ACCENTS",
    "MENTION",
    "PATH_NON_ENDING",
    "PUNCTUATION",
    "QUERY_NON_ENDING",
    "TCO",
    "UNICODE_SPACES",
    "Compiled",
    "compiled",
    "tld_lists",
]

# White_Space code points (twitter-text's UNICODE_SPACES).
UNICODE_SPACES = (
    "\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680\u180e"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# Bidirectional controls (ALM, LRM, RLM, LRE..RLO, LRI..PDI).
DIRECTIONAL = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Code points twitter-text treats as invalid in a post (BOMs and U+FFFF).
INVALID = "\ufffe\ufeff\uffff"
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
ASCII_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Latin letters with accents; U+00D7 and U+00F7 (multiplication and division signs) excluded.
LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    "\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
# Script=Cyrillic (Unicode 14) for URL paths.
CYRILLIC = "\u0400-\u052f\u1c80-\u1c88\u1d2b\u1d78\u2de0-\u2dff\ua640-\ua69f\ufe2e\ufe2f"
# General category Pd (dash punctuation) of Unicode 14, without the ASCII hyphen.
DASHES = (
    "\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a"
    "\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d"
    "\U00010ead"
)
# Non-letters allowed inside a hashtag (twitter-text's HASHTAG_SPECIAL_CHARS): underscore,
# ZWNJ/ZWJ, Cyrillic kavyka, Hebrew maqaf/geresh/gershayim, wave dashes, kana marks,
# ditto mark, Tibetan tsheg, middle dot.
HASHTAG_SPECIAL = (
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003"
    "\u0f0b\u0f0c\u00b7"
)
# Digits twitter-text adds to \p{Nd} (newer scripts); Python's \d already covers most.
_EXTRA_NUMERALS = (
    "\U000110f0-\U000110f9\U00011136-\U0001113f"
    "\U000111d0-\U000111d9\U000112f0-\U000112f9\U000114d0-\U000114d9\U00011650-\U00011659"
    "\U000116c0-\U000116c9\U000118e0-\U000118e9\U00016a60-\U00016a69\U00016b50-\U00016b59"
)

# Path characters that may not end a URL (twitter-text's general path chars minus its
# ending chars): a URL never ends on these, so "see http://a.com/x." keeps the period out.
PATH_NON_ENDING = "!*';:,.$%[]~&|@" + DASHES
QUERY_NON_ENDING = "!?*'();:+$%[],.~|@"


def _cls(chars: str) -> str:
    """Escape characters for use inside a regex character class."""
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


_PUNCT_CLS = _cls(PUNCTUATION)
_NOT_DOMAIN = f"{DIRECTIONAL}{_PUNCT_CLS}\\x00-\\x20\\x7f{INVALID}{UNICODE_SPACES}"
DOMAIN_CHAR = f"[^{_NOT_DOMAIN}]"
"""A character that may appear in a host label (anything but punctuation, space, control)."""
# Characters of a "run" that may hold a host name: label characters, "-", "_" and ".".
_RUN_NOT = f"{DIRECTIONAL}{_cls(PUNCTUATION.replace('-', '').replace('_', '').replace('.', ''))}"
_RUN_NOT += f"\\x00-\\x20\\x7f{INVALID}{UNICODE_SPACES}"
RUN_CHAR = f"[^{_RUN_NOT}]"

# A URL may start after anything but an ASCII letter or digit, @, $, # or an invalid char.
URL_BAD_PRECEDING = ASCII_ALNUM + "@\uff20$#\uff03" + INVALID

# Label start inside a run: a domain character not glued to a letter or digit before it.
CANDIDATE = re.compile(f"(?<![{_cls(URL_BAD_PRECEDING)}]){DOMAIN_CHAR}")

_PATH_CHARS = f"[a-zA-Z0-9{CYRILLIC}!*';:=+,.$/%#\\[\\]\\-{DASHES}_~&|@{LATIN_ACCENTS}]"
# A path: path characters and balanced parentheses (two levels, as in Wikipedia URLs).
PATH_RUN = re.compile(
    f"(?:{_PATH_CHARS}+|\\((?:{_PATH_CHARS}+|{_PATH_CHARS}*\\({_PATH_CHARS}+\\){_PATH_CHARS}*)\\))*"
)
QUERY_RUN = re.compile(r"[a-zA-Z0-9!?*'();:&=+$/%#\[\]\-_.,~|@]*")
PORT = re.compile(r":[0-9]+")
# t.co keeps only its code and an optional query (twitter-text's valid_tco_url).
TCO = re.compile(
    r"https?://t\.co/([a-zA-Z0-9]+)(?:\?[a-zA-Z0-9!?*'();:&=+$/%#\[\]\-_.,~|@]*[a-zA-Z0-9_&=#/\-])?",
    re.IGNORECASE,
)
# Where one link was glued onto the next one: a scheme, a Twitter media link or "www."
# right after a letter or digit (see docs/entities.md, "Fused links").
FUSION = re.compile(
    r"(?<=[A-Za-z0-9])(?:(?P<scheme>[hH][tT][tT][pP][sS]?://)|(?P<pic>[pP][iI][cC]\.(?:[tT][wW][iI][tT][tT][eE][rR]|[xX])\.[cC][oO][mM]/)|(?P<www>[wW][wW][wW]\.))"
)
SCHEME = re.compile(r"[hH][tT][tT][pP][sS]?://")
ASCII_LABEL = re.compile(f"[a-zA-Z0-9\\-_{LATIN_ACCENTS}]+")

# Mentions: the name is read greedily up to 20 characters, an optional list slug after it.
# The lookbehinds only pre-filter; entities.py applies the exact preceding rule.
MENTION = re.compile(
    r"[@\uff20](?:(?<![A-Za-z0-9_!#$%&*@\uff20][@\uff20])|(?<=[rR][tT][@\uff20]))"
    r"([A-Za-z0-9_]{1,20})(/[A-Za-z][A-Za-z0-9_\-]{0,24})?"
)
# Bluesky handles are domain names (atproto.com/specs/handle): dot-separated labels of letters,
# digits and inner hyphens, the last one starting with a letter; see entities.domain_mentions.
DOMAIN_HANDLE = re.compile(
    r"[@\uff20]((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
)
MENTION_BAD_PRECEDING = frozenset(ASCII_ALNUM + "_!#$%&*@\uff20")
RT_BAD_PRECEDING = frozenset(ASCII_ALNUM + "_+~.-")
LATIN_ACCENT_CHAR = re.compile(f"[{LATIN_ACCENTS}]")
# Cashtags: 1-6 ASCII letters, optionally "." or "_" and 1-2 letters, then an end.
CASHTAG = re.compile(
    f"\\$([A-Za-z]{{1,6}}(?:[._][A-Za-z]{{1,2}})?)(?![^ \\t\\n\\x0b\\x0c\\r{_PUNCT_CLS}])"
)
CASHTAG_PRECEDING = frozenset(UNICODE_SPACES + DIRECTIONAL)


def _read_data(name: str) -> list[str]:
    """Lines of a bundled data file, without comments and blank lines."""
    text = resources.files("embedres").joinpath("data", name).read_text(encoding="utf-8")
    return [s for s in (line.strip() for line in text.splitlines()) if s and s[0] != "#"]


@functools.cache
def tld_lists() -> dict[str, tuple[str, ...]]:
    """The bundled TLD lists, ``{"generic": (...), "country": (...)}``, in file order.

    >>> lists = tld_lists()
    >>> "com" in lists["generic"], "fr" in lists["country"]
    (True, True)
    """
    out: dict[str, list[str]] = {}
    current: list[str] = []
    for line in _read_data("tlds.txt"):
        if line.startswith("["):
            current = out.setdefault(line.strip("[]"), [])
        else:
            current.append(line)
    return {k: tuple(v) for k, v in out.items()}


RUN_FORWARD = re.compile(f"{RUN_CHAR}*")
ALNUM_RUN = re.compile(r"[0-9A-Za-z]+")
PUNYCODE = re.compile(r"[xX][nN]--[0-9A-Za-z]+")
TLD_BAD_AFTER = ASCII_ALNUM + "@+-"


@dataclass(frozen=True, slots=True)
class Compiled:
    """Patterns and tables that need the bundled data files (built once, on first use)."""

    hashtag: re.Pattern[str]
    """``#`` or ``＃``, then a run of hashtag characters holding at least one letter."""
    hashtag_char: re.Pattern[str]
    """One hashtag character (letter, mark, digit or special)."""
    hashtag_letter: re.Pattern[str]
    """One hashtag letter or mark."""
    ascii_tlds: frozenset[str]
    """Lower-case ASCII TLDs."""
    other_tlds: dict[str, tuple[str, ...]]
    """Other TLDs (not plain ASCII) by first character, in list order: longer names first."""
    dot_hint: re.Pattern[str]
    """A dot that may begin a TLD: two ASCII letters/digits, or another TLD's first letter."""
    hint_run: re.Pattern[str]
    """:attr:`dot_hint` and the rest of its run of host characters (one search per run)."""
    hashtag_at: re.Pattern[str]
    """:attr:`hashtag` without its preceding-character filter (for fused split points)."""


def _letters_marks(extra_bmp: str, extra_astral: str) -> str:
    """A class of letters and marks plus extras, split so non-members are rejected fast.

    ``re`` turns a class of BMP characters into a bitmap but checks astral ranges one by
    one; the astral half is only tried behind a one-range guard.
    """
    bmp: list[str] = []
    astral: list[str] = []
    for line in _read_data("letters_marks.txt"):
        lo, _, hi = line.partition("-")
        a, b = int(lo, 16), int(hi or lo, 16)
        item = _cls(chr(a)) if a == b else f"{_cls(chr(a))}-{_cls(chr(b))}"
        (bmp if b < 0x10000 else astral).append(item)
    return (
        f"(?:[{''.join(bmp)}{extra_bmp}]"
        f"|(?=[\U00010000-\U0010ffff])[{''.join(astral)}{extra_astral}])"
    )


@functools.cache
def compiled() -> Compiled:
    """Build (once) the patterns and tables that depend on the bundled data files."""
    # twitter-text also counts a few private-use code points as letters.
    hl = _letters_marks("\uf870-\uf87f\uf882\uf884-\uf89f\uf8b8\uf8c1-\uf8d6", "")
    bmp_extra = f"\\d{_cls(HASHTAG_SPECIAL)}\u0de6-\u0def\ua9f0-\ua9f9"
    hln = _letters_marks(
        bmp_extra + "\uf870-\uf87f\uf882\uf884-\uf89f\uf8b8\uf8c1-\uf8d6", _EXTRA_NUMERALS
    )
    lists = tld_lists()
    other: dict[str, list[str]] = {}
    for name in (*lists["generic"], *lists["country"]):
        if not (name.isascii() and name.isalnum()):
            other.setdefault(name[0], []).append(name)
    firsts = "".join(sorted({c for k in other for c in (k, k.upper()) if not c.isascii()}))
    hint = f"\\.(?:[A-Za-z][0-9A-Za-z]|[{_cls(firsts)}])"
    body = f"(?![\ufe0f\u20e3])(?={hln}*?{hl})((?:{hln})+)"
    return Compiled(
        # The lookbehind pre-filters; entities.py checks the exact preceding rule.
        hashtag=re.compile(
            f"[#\uff03](?:(?<=[\ufe0e\ufe0f][#\uff03])|(?<!&[#\uff03])(?<!{hln}[#\uff03])){body}"
        ),
        hashtag_at=re.compile(f"[#\uff03]{body}"),
        dot_hint=re.compile(hint),
        hint_run=re.compile(f"{hint}{RUN_CHAR}*"),
        hashtag_char=re.compile(hln),
        hashtag_letter=re.compile(hl),
        ascii_tlds=frozenset(
            n for n in (*lists["generic"], *lists["country"]) if n.isascii() and n.isalnum()
        ),
        other_tlds={k: tuple(v) for k, v in other.items()},
    )
