"""Read the dates the embed widgets write, in every language the Twitter widget offered.

publish.twitter.com renders the permalink text of an embedded tweet with the CLDR
"long" date pattern of the embed's UI language (``data-lang``), e.g. ``17 novembre
2015`` (fr), ``17. November 2015`` (de), ``2015年11月17日`` (ja). The patterns and month
names come from the CLDR data shipped with Babel; nothing is hand-tabled here. Matching
is case-insensitive and accent-tolerant (``17 Novembre 2015``, ``9 fevrier 2016``),
accepts format, stand-alone and abbreviated month names, native digits, and makes
separators ``.``/``,`` and trailing era marks (``г.``) optional, since hand copies drop
them. The tables are built on first use and cached.

When several languages read the same text (``17 novembre 2015`` is French and
Italian), the longest reading wins, then the language whose month name matches with
its exact case, then the first in :data:`WIDGET_LANGS` order (roughly how common each
language is in embeds). A ``lang`` hint (the embed's ``data-lang``) is tried first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

__all__ = ["WIDGET_LANGS", "DateMatch", "match_date", "parse_date"]

# Twitter widget UI languages (docs/posts.md), as BCP 47 tags, mapped to CLDR locales.
# The order breaks ties between languages that spell a date the same way.
_LOCALES: dict[str, str] = {
    "en": "en",
    "en-GB": "en_GB",
    "fr": "fr",
    "es": "es",
    "de": "de",
    "pt": "pt",
    "it": "it",
    "nl": "nl",
    "ja": "ja",
    "ru": "ru",
    "ar": "ar",
    "tr": "tr",
    "id": "id",
    "ko": "ko",
    "pl": "pl",
    "sv": "sv",
    "zh-CN": "zh_Hans_CN",
    "zh-TW": "zh_Hant_TW",
    "ms": "ms",
    "fil": "fil",
    "da": "da",
    "no": "nb",
    "fi": "fi",
    "hu": "hu",
    "cs": "cs",
    "el": "el",
    "he": "he",
    "hi": "hi",
    "uk": "uk",
    "ro": "ro",
    "th": "th",
    "vi": "vi",
    "fa": "fa",
    "ur": "ur",
    "bn": "bn",
    "ca": "ca",
    "eu": "eu",
    "gl": "gl",
    "hr": "hr",
    "sr": "sr",
    "sk": "sk",
    "bg": "bg",
    "gu": "gu",
    "kn": "kn",
    "mr": "mr",
    "ta": "ta",
}
WIDGET_LANGS: tuple[str, ...] = tuple(_LOCALES)
"""Languages whose widget dates :func:`match_date` reads, in tie-break order."""

# Twitter's own codes and legacy ISO codes seen in data-lang / lang attributes.
_ALIASES = {"msa": "ms", "nb": "no", "iw": "he", "in": "id", "zh-hans": "zh-CN"}
_ALIASES.update({"zh-hant": "zh-TW", "tl": "fil", "en-uk": "en-GB"})
# Extra shapes seen in real embeds that CLDR's current long pattern does not give.
_EXTRA_PATTERNS = {"ja": ("M月 d, y",)}

_SPACE = r"[\s\u00a0\u202f\u200e\u200f]{0,4}"
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|\s+|.", re.S)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A widget date found in text."""

    value: date
    """The calendar date (widget dates carry no time zone)."""
    lang: str
    """BCP 47 tag of the language whose CLDR pattern read it (``fr``, ``en-GB``)."""
    start: int
    """Offset of the first character of the date."""
    end: int
    """Offset just after the date."""


def _fold(text: str) -> str:
    """Case-fold and strip accents, for accent-tolerant month lookup."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class _LangTable:
    lang: str
    patterns: tuple[re.Pattern[str], ...]
    months: dict[str, int]
    exact: frozenset[str]
    buddhist: bool


def _month_names(locale: object) -> dict[str, int]:
    names: dict[str, int] = {}
    months = locale.months  # type: ignore[attr-defined]
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in months[context][width].items():
                for variant in (name, name.rstrip(".")):
                    names.setdefault(variant, number)
    return names


def _pattern_regex(pattern: str, month_alt: str) -> str:
    parts: list[str] = []
    last_field = 0
    tokens = [m for m in _TOKEN.finditer(pattern)]
    for i, m in enumerate(tokens):
        tok = m.group(0)
        glued = i + 1 < len(tokens) and tokens[i + 1].group(0)[:2].strip("'").isalpha()
        if m.group(1):
            letter, width = tok[0], len(tok)
            if letter == "d":
                parts.append(r"(?P<d>\d{1,2})(?!\d)")
            elif letter in "ML" and width <= 2:
                parts.append(r"(?P<m>\d{1,2})(?!\d)")
            elif letter in "ML":
                parts.append(rf"(?P<mon>{month_alt})" + ("" if glued else r"(?![^\W\d_])"))
            elif letter in "yu":
                parts.append(r"(?P<y>\d{4})(?!\d)")
            elif letter == "G":
                parts.append(r"(?:[^\s\d]{1,8}" + _SPACE + ")?")
                continue
            else:
                raise ValueError(f"unsupported CLDR field {tok!r}")
            last_field = len(parts)
        elif tok.isspace():
            parts.append(_SPACE)
        elif tok.startswith("'"):
            lit = tok[1:-1].replace("''", "'") if len(tok) > 1 else "'"
            parts.append(re.escape(lit))
        elif tok in ".,،":
            parts.append(re.escape(tok) + "?")
        else:
            parts.append(re.escape(tok))
    head, tail = "".join(parts[:last_field]), "".join(parts[last_field:])
    return head + (f"(?:{tail})?" if tail else "")


@cache
def _table(lang: str) -> _LangTable:
    from babel import Locale  # imported lazily: only date reading needs CLDR data

    locale = Locale.parse(_LOCALES[lang])
    months = _month_names(locale)
    folded: dict[str, int] = {}
    for name, number in months.items():
        folded.setdefault(name.lower(), number)
        folded.setdefault(_fold(name), number)
    alternatives = sorted(set(folded) | set(months), key=len, reverse=True)
    month_alt = "|".join(re.escape(a) for a in alternatives)
    shapes = (locale.date_formats["long"].pattern, *_EXTRA_PATTERNS.get(lang, ()))
    flags = re.IGNORECASE
    patterns = tuple(re.compile(_pattern_regex(p, month_alt), flags) for p in shapes)
    return _LangTable(lang, patterns, folded, frozenset(months), lang == "th")


def _normalise_lang(lang: str | None) -> str | None:
    if not lang:
        return None
    tag = lang.strip().replace("_", "-")
    low = tag.lower()
    tag = _ALIASES.get(low, tag)
    for known in WIDGET_LANGS:
        if known.lower() == tag.lower():
            return known
    base = low.split("-", 1)[0]
    base = _ALIASES.get(base, base)
    return base if base in _LOCALES else None


def _read(table: _LangTable, text: str, pos: int) -> tuple[DateMatch, bool] | None:
    for pattern in table.patterns:
        m = pattern.match(text, pos)
        if not m:
            continue
        fields = m.groupdict()
        if fields.get("mon") is not None:
            name = fields["mon"]
            month = table.months.get(name.lower()) or table.months.get(_fold(name))
            exact = name in table.exact
        else:
            month, exact = int(fields["m"]), True
        year = int(fields["y"])
        if table.buddhist and year > 2400:
            year -= 543
        try:
            value = date(year, month or 0, int(fields["d"]))
        except ValueError:
            continue
        return DateMatch(value, table.lang, m.start(), m.end()), exact
    return None


def match_date(text: str, pos: int = 0, *, lang: str | None = None) -> DateMatch | None:
    """Read a widget date that starts exactly at ``text[pos]``.

    Args:
        text: the text to read.
        pos: where the date must start.
        lang: the embed's language (``data-lang``) when known; tried first.

    Returns:
        The date, its language and its end offset, or None when no language reads a
        valid date there. Text after the date (``2017In the…``) is left alone.

    >>> m = match_date("— RT France (@RTenfrancais) 17 Novembre 2015", 28)
    >>> m.value, m.lang, m.end
    (datetime.date(2015, 11, 17), 'fr', 44)
    >>> match_date("December 30, 2017In the Saturday tweets").end
    17
    """
    if not isinstance(text, str) or pos >= len(text) or text[pos].isspace():
        return None
    found = _match_window(text[pos : pos + _WINDOW], lang)
    if found is None:
        return None
    return DateMatch(found.value, found.lang, found.start + pos, found.end + pos)


# No widget date is longer than this; reading a window lets repeated dates hit the cache.
_WINDOW = 64


@lru_cache(maxsize=4096)
def _match_window(text: str, lang: str | None) -> DateMatch | None:
    pos = 0
    hint = _normalise_lang(lang)
    if hint is not None:
        found = _read(_table(hint), text, pos)
        if found is not None:
            return found[0]
    best: tuple[int, bool, int] | None = None
    chosen: DateMatch | None = None
    for rank, code in enumerate(WIDGET_LANGS):
        found = _read(_table(code), text, pos)
        if found is None:
            continue
        key = (found[0].end, found[1], -rank)
        if best is None or key > best:
            best, chosen = key, found[0]
    return chosen


def parse_date(text: str, *, lang: str | None = None) -> tuple[date, str] | None:
    """Read a whole string (such as a permalink's text) as a widget date.

    Args:
        text: the date as written, surrounding spaces allowed.
        lang: the embed's language when known.

    Returns:
        ``(date, lang)``, or None when the string is not one widget date.

    >>> parse_date("17 Novembre 2015")
    (datetime.date(2015, 11, 17), 'fr')
    >>> parse_date("17. November 2015")
    (datetime.date(2015, 11, 17), 'de')
    >>> parse_date("2015年11月17日", lang="ja")
    (datetime.date(2015, 11, 17), 'ja')
    >>> parse_date("yesterday") is None
    True
    """
    stripped = text.strip() if isinstance(text, str) else ""
    m = match_date(stripped, 0, lang=lang)
    if m is None or m.end != len(stripped):
        return None
    return m.value, m.lang
