"""Hashtags, mentions, cashtags and links in plain text (twitter-text rules).

Each kind is found on its own, then overlaps are removed: entities are sorted by start
and one that begins inside an earlier one is dropped (twitter-text's
``remove_overlapping_entities``), so a ``#fragment`` or ``@name`` inside a URL is never a
hashtag or a mention. Offsets are Python ``str`` indices (code points) and include the
sigil. The rules, and where embedres deliberately differs from twitter-text, are in
docs/entities.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from embedres.detect import patterns as P
from embedres.detect.urls import _classify as classify
from embedres.detect.urlscan import UrlHit, scan_urls
from embedres.errors import InvalidArgument
from embedres.model import Entity, Link

__all__ = ["Entities", "find_entities"]


@dataclass(frozen=True, slots=True)
class Entities:
    """Entities of one text, each list sorted by start offset; kinds never overlap."""

    hashtags: list[Entity] = field(default_factory=list)
    mentions: list[Entity] = field(default_factory=list)
    cashtags: list[Entity] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


# Entities and Link are frozen slots dataclasses: their generated __init__ sets each field
# through object.__setattr__, which for a one-link post costs about as much as the URL
# scan. The slot descriptors' setters fill the same fields (no __post_init__ to skip) in
# half the time. The field lists are checked once, so a change in the model fails here.
_ENTITIES_FIELDS = ("hashtags", "mentions", "cashtags", "links")
_LINK_FIELDS = ("url", "span", "kind", "host", "platform", "post_id", "canonical_url")
for _cls, _names in ((Entities, _ENTITIES_FIELDS), (Link, _LINK_FIELDS)):
    if tuple(f.name for f in fields(_cls)) != _names or hasattr(_cls, "__post_init__"):
        raise ImportError(
            f"embedres.detect.entities: update the fast constructor of {_cls.__name__}"
        )
_E_HASHTAGS, _E_MENTIONS, _E_CASHTAGS, _E_LINKS = (
    getattr(Entities, name).__set__ for name in _ENTITIES_FIELDS
)
_L_URL, _L_SPAN, _L_KIND, _L_HOST, _L_PLATFORM, _L_POST_ID, _L_CANONICAL = (
    getattr(Link, name).__set__ for name in _LINK_FIELDS
)


def _entities(
    hashtags: list[Entity], mentions: list[Entity], cashtags: list[Entity], links: list[Link]
) -> Entities:
    """``Entities(hashtags, mentions, cashtags, links)``, built through the slots."""
    out = object.__new__(Entities)
    _E_HASHTAGS(out, hashtags)
    _E_MENTIONS(out, mentions)
    _E_CASHTAGS(out, cashtags)
    _E_LINKS(out, links)
    return out


def _fused_scheme_cut(name: str, text: str, end: int) -> int:
    """Length to cut from ``name`` when a URL scheme is glued after it (``#tagshttps://``)."""
    if not text.startswith("://", end):
        return 0
    low = name[-5:].lower()
    if low.endswith("https"):
        return 5
    if low.endswith("http"):
        return 4
    return 0


def _hashtags(text: str, fused_at: set[int]) -> list[Entity]:
    """twitter-text's hashtag rule: a non-letter (or nothing) before, a letter inside."""
    if "#" not in text and "\uff03" not in text:
        return []
    pats = P.compiled()
    matches = list(pats.hashtag.finditer(text))
    # A hashtag glued right after a split link (https://t.co/CODE#tag) is allowed too.
    extra = [pats.hashtag_at.match(text, f) for f in sorted(fused_at)] if fused_at else []
    if any(extra):
        seen = {m.start() for m in matches}
        matches += [m for m in extra if m is not None and m.start() not in seen]
        matches.sort(key=lambda m: m.start())
    out: list[Entity] = []
    last_end = 0
    for m in matches:
        start, end = m.start(1) - 1, m.end()
        # twitter-text's regex consumes the character before "#": it cannot be the last
        # character of the previous match (only a variation selector gets this far).
        if 0 < start <= last_end:
            continue
        last_end = end
        name = m.group(1)
        if end < len(text) and text[end] in "#\uff03:":
            cut = _fused_scheme_cut(name, text, end)
            if cut:
                name = name[:-cut]
                if not pats.hashtag_letter.search(name):
                    continue
            elif text[end] != ":" or text.startswith("://", end):
                continue
        out.append(Entity(name, (start, start + 1 + len(name))))
    return out


def _mention_preceding_ok(text: str, p: int, last_end: int) -> bool:
    """Whether the character(s) before an ``@`` at ``p + 1`` allow a mention."""
    if p < 0:
        return True
    c = text[p]
    if c not in P.MENTION_BAD_PRECEDING:
        return p >= last_end
    # "RT@name", "rt:@name": a retweet marker right before the @.
    if c in "tT" and p >= 1 and text[p - 1] in "rR":
        q = p - 2
    else:
        return False
    return q < 0 or (q >= last_end and text[q] not in P.RT_BAD_PRECEDING)


def _mentions(text: str) -> list[Entity]:
    """twitter-text's mention rule; a list mention (``@user/list``) yields its user."""
    if "@" not in text and "\uff20" not in text:
        return []
    out: list[Entity] = []
    last_end = 0
    for m in P.MENTION.finditer(text):
        start, end = m.span()
        if start and not _mention_preceding_ok(text, start - 1, last_end):
            continue
        last_end = end
        name = m.group(1)
        if end < len(text) and not text[end].isspace():
            cut = 0 if m.group(2) else _fused_scheme_cut(name, text, end)
            if cut:
                name = name[:-cut]
                if not name:
                    continue
            elif (
                text[end] in "@\uff20"
                or P.LATIN_ACCENT_CHAR.match(text, end)
                or text.startswith("://", end)
            ):
                continue
        out.append(Entity(name, (start, start + 1 + len(name))))
    return out


def domain_mentions(text: str, mentions: list[Entity]) -> list[Entity]:
    """Widen mentions to whole domain handles, as Bluesky writes them (``@bsky.app``).

    Args:
        text: the text the mentions' spans index.
        mentions: mentions found with twitter-text's rule (``@bsky.app`` gives ``bsky``).

    Returns:
        The mentions, each widened to the domain handle that starts at its ``@`` if any.

    >>> t = "thanks @bsky.app and @alice.bsky.social."
    >>> [m.text for m in domain_mentions(t, find_entities(t).mentions)]
    ['bsky.app', 'alice.bsky.social']
    """
    out = []
    for m in mentions:
        hit = P.DOMAIN_HANDLE.match(text, m.span[0])
        out.append(Entity(hit.group(1), hit.span()) if hit else m)
    return out


def _cashtags(text: str) -> list[Entity]:
    """twitter-text's cashtag rule: ``$`` after a space or start, 1-6 letters, an end."""
    if "$" not in text:
        return []
    out: list[Entity] = []
    for m in P.CASHTAG.finditer(text):
        p = m.start() - 1
        if p < 0 or text[p] in P.CASHTAG_PRECEDING:
            out.append(Entity(m.group(1), (m.start(), m.end())))
    return out


def _links(text: str, hits: list[UrlHit]) -> list[Link]:
    out = []
    for start, end, _ in hits:
        url = text[start:end]
        i = classify(url)  # memoized on the URL: most links repeat (t.co, known hosts)
        # Link(url, (start, end), i.kind, i.host, i.platform, i.post_id, i.canonical_url)
        link = object.__new__(Link)
        _L_URL(link, url)
        _L_SPAN(link, (start, end))
        _L_KIND(link, i.kind)
        _L_HOST(link, i.host)
        _L_PLATFORM(link, i.platform)
        _L_POST_ID(link, i.post_id)
        _L_CANONICAL(link, i.canonical_url)
        out.append(link)
    return out


def find_entities(text: str) -> Entities:
    """Find every hashtag, mention, cashtag and link in ``text`` (offsets into ``text``).

    Args:
        text: plain text of any length (HTML is handled by :func:`embedres.extract`).

    Returns:
        An :class:`Entities` whose lists are sorted by start and never overlap.

    Raises:
        InvalidArgument: ``text`` is not a ``str``.

    >>> found = find_entities("l'#Elysée: https://t.co/CJ9ySZge7Ppic.twitter.com/UU7PNmTL0V @RT")
    >>> [(h.text, h.span) for h in found.hashtags], [m.text for m in found.mentions]
    ([('Elysée', (2, 9))], ['RT'])
    >>> [(link.url, link.kind) for link in found.links]
    [('https://t.co/CJ9ySZge7P', 'short'), ('pic.twitter.com/UU7PNmTL0V', 'media')]
    """
    if not isinstance(text, str):
        raise InvalidArgument(f"find_entities() takes a str, not {type(text).__name__}")
    hits = scan_urls(text)
    # Most short texts hold no sigil at all: cheap "in" tests skip whole stages.
    hashtags = (
        _hashtags(text, {end for _, end, fused in hits if fused})
        if "#" in text or "\uff03" in text
        else []
    )
    mentions = _mentions(text) if "@" in text or "\uff20" in text else []
    cashtags = _cashtags(text) if "$" in text else []
    # One kind alone cannot overlap itself: no sorting needed.
    if not (hashtags or mentions or cashtags):
        return _entities(hashtags, mentions, cashtags, _links(text, hits) if hits else [])
    if not hits and bool(hashtags) + bool(mentions) + bool(cashtags) == 1:
        return _entities(hashtags, mentions, cashtags, [])
    tagged: list[tuple[int, int, int, object]] = [(s, 0, e, None) for s, e, _ in hits]
    for kind, found in enumerate((hashtags, mentions, cashtags), start=1):
        tagged.extend((e.span[0], kind, e.span[1], e) for e in found)
    tagged.sort(key=lambda t: (t[0], t[1]))
    out = Entities()
    lists: tuple[list[Entity], ...] = (out.hashtags, out.mentions, out.cashtags)
    prev_end = -1
    for start, kind, end, item in tagged:
        if start < prev_end:
            continue
        prev_end = end
        if kind == 0:
            out.links.extend(_links(text, [(start, end, False)]))
        else:
            assert isinstance(item, Entity)
            lists[kind - 1].append(item)
    return out
