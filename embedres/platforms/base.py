"""What a platform module declares, and the helpers platform modules share (pure).

Every module of :mod:`embedres.platforms` (``twitter.py``, ``bluesky.py``...) builds one
:class:`Platform` named ``PLATFORM``; :mod:`embedres.platforms.registry` lists them in the
order they are tried. Generic code (post-URL parsing, embed recognition, link kinds,
tracking parameters, oEmbed, static export, citation labels, id -> time) reads these
records and holds no per-platform table of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlsplit

from embedres.detect.dates import match_date
from embedres.detect.found import Found, attribution, block_text, clean_lang, first_p_span
from embedres.detect.markup import Document, fragment
from embedres.errors import InvalidArgument

__all__ = [
    "CLOCK_TIME",
    "EPOCH",
    "HANDLE",
    "MAX_URL",
    "ParseUrl",
    "PathParser",
    "Platform",
    "PostRef",
    "Recogniser",
    "ShortcodeUrl",
    "TextRecogniser",
    "as_int",
    "found_from_ref",
    "from_ms",
    "host_key",
    "quote_post",
    "split_url",
    "src",
    "when",
]


@dataclass(frozen=True, slots=True)
class PostRef:
    """What a post URL tells: the platform, the id, the canonical URL, the handle if any."""

    platform: str
    """``twitter``, ``bluesky``, ``mastodon``... (a name in the registry)."""
    post_id: str
    """The post id as the platform spells it (digits, rkey, shortcode, ``channel/n``, URN)."""
    canonical_url: str
    """The https URL of the post, rebuilt without tracking parameters."""
    handle: str | None = None
    """The author's handle without ``@`` when the URL names it."""


PathParser = Callable[[str, str, dict[str, list[str]]], "PostRef | None"]
"""``parse(host, path, query)``: host without ``www.``-like prefix, path unquoted."""
ParseUrl = Callable[[str], "PostRef | None"]
"""The registry's :func:`~embedres.platforms.posturls.parse_post_url`, handed to recognisers."""
Recogniser = Callable[[Document, int, ParseUrl], "Found | None"]
"""Reads ``doc.elements[index]``; returns None when the element is not its embed."""
TextRecogniser = Callable[[str, Callable[[int], int]], Iterator["Found"]]
"""``find(text, floor_for)``: flattened embeds of one platform in plain text, as ``Found``
with ``form="text"``; ``floor_for(pos)`` is where the text above ``pos`` stops belonging to
a post (the end of the previous post, embed or code block)."""
ShortcodeUrl = Callable[[str, tuple[str, ...], Mapping[str, str]], "str | None"]
"""``url(name, positional, keywords)``: the post URL a shortcode of the platform names
(Hugo ``{{< tweet user="a" id="1" >}}``, MDX ``<Tweet id="1" />``), or None."""
# A clock time after a widget date ("at 3:05 PM", "à 14h02"), in the languages of the forms.
CLOCK_TIME = re.compile(
    r"(?:,? at| à| um| a las| alle)?\s{1,2}\d{1,2}[:h]\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?"
)
_LABEL = r"[A-Za-z0-9-]{1,63}"
HANDLE = rf"[A-Za-z0-9_]{{1,30}}(?:\.{_LABEL}){{0,8}}(?:@{_LABEL}(?:\.{_LABEL}){{1,8}})?"
"""A Twitter, Bluesky (``name.domain``) or Mastodon (``user@instance``) handle."""


@dataclass(frozen=True, slots=True)
class Platform:
    """Everything embedres knows about one platform (one module per platform)."""

    name: str
    """The id used in :attr:`embedres.model.Post.platform` (``twitter``, ``pinterest``...)."""
    label: str
    """How citations print it (``Twitter``; the X rename is handled by the citation)."""
    genre: str
    """What one item is called in citations: ``Post`` or ``Video``."""
    hosts: frozenset[str]
    """Hosts (without ``www.``/``m.``... prefixes) whose URLs :attr:`parse` reads."""
    parse: PathParser
    """Reads a post URL of one of :attr:`hosts` (or any host, see :attr:`any_host`)."""
    recognisers: tuple[Recogniser, ...]
    """Embed-markup recognisers, tried in order on each recorded element."""
    markup_triggers: tuple[tuple[str, str, str], ...] = ()
    """Elements the markup scanner must record for :attr:`recognisers` besides ``blockquote``,
    ``iframe``, ``script``, ``object``, ``embed`` and ``amp-*``: ``(tag, attribute, word)``."""
    text_recognisers: tuple[TextRecogniser, ...] = ()
    """Finders of the platform's own flattened forms (``A post shared by``...); the shared
    ``— Name (@handle) DATE`` attribution form is read by :mod:`embedres.detect.flattened`."""
    embed_classes: frozenset[str] = frozenset()
    """Class names of the embed's outer element: a broken one still hides its inside."""
    widget_scripts: tuple[tuple[str, str], ...] = ()
    """(host, path prefix) of the loader scripts; host ``""`` means the post's own host."""
    oembed: str | None = None
    """oEmbed endpoint template with ``{query}`` (and ``{host}`` for per-instance ones)."""
    oembed_reads: frozenset[str] = frozenset()
    """Fields of the oEmbed answer that describe the post besides ``author_name``:
    ``author_url`` (ends in the handle), ``html`` (a Twitter-shaped blockquote: text, language,
    date), ``title`` (the post text)."""
    post_time: Callable[[str], datetime | None] | None = None
    """Decodes the time in a post id; raises InvalidArgument for ids of another shape."""
    tracking: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Share/tracking query parameters per link host (host without ``www.``)."""
    short_hosts: frozenset[str] = frozenset()
    """The platform's own link shorteners (``t.co``, ``pin.it``): links of kind ``short``."""
    media_hosts: frozenset[str] = frozenset()
    """Hosts of media links that stand for a post (``pic.twitter.com``): kind ``media``."""
    schemes: frozenset[str] = frozenset()
    """Non-http URI schemes :attr:`parse` reads (host ``""``, path = the rest), e.g. ``at``."""
    any_host: bool = False
    """True when posts live on any host (Mastodon): tried last, on unclaimed hosts only."""
    shortcode: ShortcodeUrl | None = None
    """Reads the platform's own shortcodes (Hugo, WordPress, MDX) into a post URL; shortcodes
    holding a post URL (Jekyll ``{% twitter URL %}``, ``[embed]URL[/embed]``) need none."""


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def from_ms(ms: int) -> datetime:
    """Return the UTC time ``ms`` milliseconds after the Unix epoch.

    >>> from_ms(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    return EPOCH + timedelta(milliseconds=ms)


def as_int(post_id: object, platform: str) -> int:
    """Return a numeric post id as an int (digits of a ``urn:li:`` URN for LinkedIn).

    Args:
        post_id: the id, as digits or an int.
        platform: named in the error message.

    Returns:
        The id, a non-negative 64-bit integer.

    Raises:
        InvalidArgument: ``post_id`` is not a non-negative 64-bit decimal id.

    >>> as_int("0042", "twitter")
    42
    """
    if isinstance(post_id, bool) or not isinstance(post_id, (int, str)):
        raise InvalidArgument(f"{platform} id must be a str or int, not {type(post_id).__name__}")
    if isinstance(post_id, str):
        text = post_id.strip()
        if platform == "linkedin" and text.startswith("urn:li:"):
            text = text.rsplit(":", 1)[-1]
        if not text.isascii() or not text.isdigit() or len(text) > 20:
            raise InvalidArgument(f"not a {platform} id: {post_id!r}")
        value = int(text)
    else:
        value = post_id
    if not 0 <= value < 1 << 64:
        raise InvalidArgument(f"{platform} id out of range: {post_id!r}")
    return value


def src(doc: Document, index: int) -> str:
    """The ``src`` attribute of ``doc.elements[index]`` (``""`` when absent)."""
    return doc.elements[index].attrs.get("src", "")


def found_from_ref(
    platform: str, doc: Document, index: int, parse: ParseUrl, url: str | None
) -> Found | None:
    """A post for an element whose only information is a post URL of ``platform``.

    Args:
        platform: the platform the element belongs to.
        doc: the document.
        index: the element's index in ``doc.elements``.
        parse: the registry's post-URL parser.
        url: the post URL the element carries.

    Returns:
        A :class:`Found` spanning the element, or None when ``url`` is no post of ``platform``.
    """
    ref = parse(url or "")
    if ref is None or ref.platform != platform:
        return None
    el = doc.elements[index]
    return Found(platform, (el.start, el.end)).with_ref(ref)


def when(text: str | None, lang: str | None) -> tuple[date | datetime | None, str | None]:
    """Read a permalink's date text: (value, language of the date).

    >>> when("2015-11-17T10:00:00Z", None)[0].isoformat()
    '2015-11-17T10:00:00+00:00'
    """
    if not text:
        return None, None
    m = match_date(text, 0, lang=lang)
    if m is not None:
        return m.value, m.lang
    try:  # third-party generators write ISO 8601 instants
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, None
    return (value if value.tzinfo else value.date()), None


_PLACEHOLDERS = re.compile(
    r"^(?:loading|view this post on|laddar|tweet of |عرض|"
    r"this (?:tweet|post) (?:was deleted|has been deleted|is unavailable))",
    re.I,
)


def quote_post(
    doc: Document, index: int, platform: str, uri: str | None, parse: ParseUrl, *, trailer: str = ""
) -> Found | None:
    """Read a Twitter-shaped blockquote: ``<p>`` text, ``— Name (@handle)``, permalink date.

    Args:
        doc: the document.
        index: the blockquote's index in ``doc.elements``.
        platform: the platform whose permalink ends the blockquote.
        uri: a post URI the blockquote declares in an attribute, if any.
        parse: the registry's post-URL parser.
        trailer: text the platform appends to the post text (dropped).

    Returns:
        The post, or None when neither ``uri`` nor a permalink names a post.
    """
    el = doc.elements[index]
    tag = fragment(doc.source[el.start : el.end])
    if tag is None:
        return None
    ref = parse(uri) if uri else None
    permalink = None
    for a in reversed(tag.links()):
        if a.find_parent("blockquote") != tag:
            continue  # a quoted embed inside this one
        r = parse(a.get("href") or "")
        if r is not None and r.platform == platform:
            permalink, ref = a, ref or r
            break
    if ref is None:
        return None
    p = tag.find("p")
    text = block_text(p) if p is not None else None
    if p is not None:
        p.extract()
    if text and trailer:
        text = text.removesuffix(trailer).rstrip() or None
    if text and _PLACEHOLDERS.match(text):
        text = None
    name, handle = attribution(block_text(tag))
    ui_lang = el.attrs.get("data-lang") or el.attrs.get("lang")
    date_text = permalink.get_text().strip() if permalink is not None else None
    published, date_lang = when(date_text, ui_lang)
    exact = permalink.get("data-datetime") if permalink is not None else None
    if exact:
        published = when(exact, None)[0] or published
    post_lang = clean_lang(p.get("lang")) if p is not None else None
    return Found(
        platform,
        (el.start, el.end),
        author_name=name,
        author_handle=handle,
        text=text,
        published=published,
        published_text=date_text if published is not None else None,
        lang=post_lang or clean_lang(ui_lang) or date_lang,
        text_span=first_p_span(doc, index) if text else None,
    ).with_ref(ref)


# URLs longer than this are never post URLs; bounding it keeps every parse cheap.
MAX_URL = 2048
_HOST_PREFIXES = ("www.", "mobile.", "m.", "web.", "old.", "new.", "np.", "music.")


def host_key(netloc: str) -> str:
    """Lower-cased host of ``netloc`` without port, userinfo or a ``www.``-like prefix.

    >>> host_key("User@M.Facebook.com:443")
    'facebook.com'
    """
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def split_url(url: str) -> tuple[str, str, dict[str, list[str]]] | None:
    """Split an http(s) URL (scheme optional) into (host key, unquoted path, query).

    Args:
        url: a URL as written; ``//host/...`` and ``host/...`` get ``https:``.

    Returns:
        The parts, or None for other schemes, over-long URLs and unparsable ones.

    >>> split_url("x.com/a/status/1?s=20")
    ('x.com', '/a/status/1', {'s': ['20']})
    """
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        return None
    url = url.strip()
    low = url[:8].lower()
    if low.startswith("//"):
        url = "https:" + url
    elif "://" not in url[:12]:
        url = "https://" + url
    elif not low.startswith(("http://", "https:/")):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    path = unquote(parts.path) or "/"
    if parts.fragment.startswith("!/"):
        path = "/#" + parts.fragment
    query = parse_qs(parts.query, keep_blank_values=False) if parts.query else {}
    return host_key(parts.netloc), path, query
