"""cite(): the one place where detection, resolution, hydration and archiving meet.

Data flows one way: ``extract`` finds posts; the resolver follows their short and media
links (a ``pic.twitter.com`` link gives the status URL of a tweet whose text lacked it); oEmbed
fills fields the article left empty; the archiver finds or makes a copy; the result is one
:class:`~embedres.citation.Citation` per post. Network problems are data (link statuses and
citation warnings); only misuse raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Literal, Protocol, runtime_checkable
from urllib.parse import urlsplit

from embedres.archive import Archiver
from embedres.archive.xposts import archive_url
from embedres.citation import Citation, status_url_parts
from embedres.detect.extractor import extract
from embedres.errors import EmbedresError, InvalidArgument
from embedres.model import Extraction, Link, Post, Resolution, Snapshot
from embedres.platforms.ids import snowflake_time
from embedres.resolve import Resolver
from embedres.resolve.oembed import Cache, OEmbedHydrator

__all__ = [
    "ArchiveMode",
    "LinkArchiver",
    "LinkResolver",
    "PostHydrator",
    "cite",
]

log = logging.getLogger(__name__)

ArchiveMode = Literal["lookup", "save", "capture"]
_RESOLVED_KINDS = ("short", "media")


@runtime_checkable
class LinkResolver(Protocol):
    """What cite() needs to follow links: :class:`embedres.Resolver` is one."""

    def resolve(self, url: str) -> Resolution:
        """Follow one link; problems are statuses, never exceptions."""
        ...


@runtime_checkable
class _BatchResolver(LinkResolver, Protocol):
    def resolve_many(self, urls: Iterable[str]) -> list[Resolution]: ...


@runtime_checkable
class _OfflineAware(Protocol):
    @property
    def offline(self) -> bool: ...


@runtime_checkable
class _HydratorSource(Protocol):
    def hydrator(
        self, *, fetch: Callable[[str], bytes | None] | None = None, cache: Cache | None = None
    ) -> PostHydrator: ...


@runtime_checkable
class _Closable(Protocol):
    def close(self) -> None: ...


@runtime_checkable
class PostHydrator(Protocol):
    """What cite() needs to fill empty post fields: ``OEmbedHydrator`` is one."""

    def hydrate(self, post: Post) -> Post:
        """The post with empty fields filled (the same post when nothing is known)."""
        ...


@runtime_checkable
class LinkArchiver(Protocol):
    """What cite() needs to archive: :class:`embedres.Archiver` is one.

    Its methods raise :class:`~embedres.errors.EmbedresError` subclasses on failure; cite()
    turns them into citation warnings.
    """

    def lookup(self, url: str, near: date | datetime | None = None) -> Snapshot | None:
        """The capture nearest ``near``, or None."""
        ...

    def save(self, url: str) -> Snapshot:
        """A new capture."""
        ...

    def capture(self, url: str) -> Snapshot:
        """A local (WARC) capture."""
        ...


def _is_offline(part: object) -> bool:
    return isinstance(part, _OfflineAware) and part.offline


def _mark_short(found: Extraction, hosts: frozenset[str]) -> Extraction:
    """``found`` with its ``web`` links on ``hosts`` (e.g. a publisher's branded short domain,
    the CLI's ``--shortener``) made ``short`` links, so they are resolved like t.co."""

    def fix(lk: Link) -> Link:
        try:
            host = (urlsplit(_absolute(lk.url)).hostname or "").lower()
        except ValueError:
            return lk
        return replace(lk, kind="short") if lk.kind == "web" and host in hosts else lk

    posts = [replace(p, links=tuple(fix(lk) for lk in p.links)) for p in found.posts]
    return replace(found, posts=posts, links=[fix(lk) for lk in found.links])


def _absolute(url: str) -> str:
    return url if "://" in url else "https://" + url


def _resolve_all(resolver: LinkResolver, urls: list[str]) -> dict[str, Resolution]:
    unique = list(dict.fromkeys(urls))
    if not unique:
        return {}
    if isinstance(resolver, _BatchResolver):
        results = list(resolver.resolve_many(unique))
    else:
        results = [resolver.resolve(u) for u in unique]
    return dict(zip(unique, results, strict=True))


def _offline(urls: list[str], reason: str) -> dict[str, Resolution]:
    return {u: Resolution(url=u, status="offline", error=reason) for u in urls}


def _recover(post: Post, results: Sequence[Resolution]) -> tuple[str | None, str | None, list[str]]:
    """The status id and URL a media link resolved to, and what looks wrong about them."""
    warnings: list[str] = []
    for res in results:
        for url in (res.final_url, *(hop.location for hop in res.chain)):
            parts = status_url_parts(url) if url else None
            if parts is None:
                continue
            handle, status_id, _ = parts
            if post.author_handle and handle.lower() != post.author_handle.lower():
                warnings.append(
                    f"the media link leads to a tweet by @{handle}, not @{post.author_handle}: "
                    "it may reuse media from another tweet"
                )
            return status_id, f"https://twitter.com/{handle}/status/{status_id}", warnings
    return None, None, warnings


def _check_time(post: Post, status_id: str) -> list[str]:
    """Wikipedia's rule: the displayed date and the id's time may differ by one day at most."""
    try:
        when = snowflake_time(status_id)
    except EmbedresError:
        return [f"status id {status_id} is not a tweet id"]
    shown = post.published
    if when is None or shown is None:
        return []
    shown_day = shown.date() if isinstance(shown, datetime) else shown
    gap = abs((when.date() - shown_day).days)
    if gap > 1:
        return [
            f"the date shown ({post.published_text or shown_day}) and the time of status id "
            f"{status_id} ({when:%Y-%m-%d %H:%M} UTC) differ by {gap} days"
        ]
    return []


def _archive(
    archiver: LinkArchiver, mode: ArchiveMode, url: str, near: date | datetime | None
) -> tuple[tuple[Snapshot, ...], list[str]]:
    if _is_offline(archiver):
        return (), [f"not archived: offline ({url})"]
    try:
        if mode == "capture":
            return (archiver.capture(url),), []
        if not isinstance(archiver, Archiver):
            found = archiver.lookup(url, near=near)
            if found is None and mode == "save":
                found = archiver.save(url)
            return ((found,) if found is not None else ()), []
        found, post = archive_url(archiver, url, save=mode == "save", near=near)
    except EmbedresError as exc:
        return (), [f"archiving {url} failed: {exc}"]
    if found is not None or post is None:
        return ((found,) if found is not None else ()), []
    # a tweet none of whose copies holds it: say what was rejected (login walls, shells...)
    return (), [f"archived copy rejected: {c.reason} ({c.archive_url})" for c in post.checks]


def _default_resolver(offline: bool) -> LinkResolver:
    return Resolver(offline=offline)


def cite(
    text_or_html: str,
    *,
    resolve: bool = True,
    archive: bool | ArchiveMode = False,
    resolver: LinkResolver | None = None,
    archiver: LinkArchiver | None = None,
    accessed: date | None = None,
    html: bool | None = None,
    offline: bool = False,
    hydrate: bool = True,
    links: bool = False,
    oembed_fetch: Callable[[str], bytes | None] | None = None,
    cache: Cache | None = None,
    hydrator: PostHydrator | None = None,
    shorteners: Iterable[str] = (),
) -> list[Citation]:
    """Turn an article into citations of the posts it embeds.

    Args:
        text_or_html: the article, plain text or HTML.
        resolve: follow the posts' short and media links (False: no network at all).
        archive: False, ``"lookup"`` (nearest existing copy), ``"save"`` (lookup, then Save
            Page Now when none exists; True means this) or ``"capture"`` (local WARC).
        resolver: a :class:`LinkResolver` such as :class:`embedres.Resolver`; None builds a
            default one (closed on return).
        archiver: a :class:`LinkArchiver` such as :class:`embedres.Archiver`; None builds a
            default one when archiving. An offline archiver (``offline`` True) is never called:
            the citation gets a ``not archived: offline`` warning.
        accessed: the access date to record; None means today (UTC).
        html: force HTML (True) or text (False) reading; None sniffs.
        offline: no network: links get status ``offline``, oEmbed answers come only from
            the cache, and nothing is archived (a warning says so).
        hydrate: fill empty post fields from the platforms' oEmbed endpoints.
        links: also cite short links found outside posts.
        oembed_fetch: ``fetch(url) -> bytes | None`` for oEmbed (default: the resolver's
            network).
        cache: where oEmbed answers are kept (default: the resolver's network cache).
        hydrator: a :class:`PostHydrator` used instead of the oEmbed one built from the
            options above.
        shorteners: extra hosts whose links are short links (resolved like t.co), e.g. a
            publisher's branded short domain.

    Returns:
        One :class:`~embedres.citation.Citation` per post (then per outside link), in document
        order.

    Raises:
        InvalidArgument: bad input type or option.
    """
    if not isinstance(text_or_html, str):
        raise InvalidArgument(f"cite() takes a str, not {type(text_or_html).__name__}")
    if archive not in (False, True, "lookup", "save", "capture"):
        raise InvalidArgument(f"archive must be False, True, lookup, save or capture: {archive!r}")
    if accessed is not None and not isinstance(accessed, date):
        raise InvalidArgument("accessed must be a datetime.date")
    if hydrator is not None and not isinstance(hydrator, PostHydrator):
        raise InvalidArgument("hydrator must have hydrate(post) -> Post")
    mode: ArchiveMode | None = "save" if archive is True else (archive or None)
    if mode == "capture" and archiver is None and not offline:
        raise InvalidArgument('archive="capture" needs archiver=Archiver(warc_dir=...)')
    accessed = accessed or datetime.now(timezone.utc).date()
    found = extract(text_or_html, html=html)
    if shorteners:
        found = _mark_short(found, frozenset(h.lower().rstrip(".") for h in shorteners))
    owned: list[object] = []  # what this call built, and must close
    try:
        if resolve and resolver is None:
            resolver = _default_resolver(offline)
            owned.append(resolver)
        if mode is not None and archiver is None and not offline:
            archiver = Archiver()
            owned.append(archiver)
        if hydrate and resolve and hydrator is None:
            hydrator = _default_hydrator(resolver, offline, oembed_fetch, cache)
            owned.append(hydrator)
        return _cite_found(
            found, resolve=resolve, mode=mode, resolver=resolver, archiver=archiver,
            offline=offline, accessed=accessed,
            hydrator=hydrator if hydrate and resolve else None, links=links,
        )  # fmt: skip
    finally:
        for part in owned:
            if isinstance(part, _Closable):
                part.close()


def _default_hydrator(
    resolver: object,
    offline: bool,
    fetch: Callable[[str], bytes | None] | None,
    cache: Cache | None,
) -> PostHydrator:
    """oEmbed over the resolver's network (its cache, client and offline switch)."""
    if offline or _is_offline(resolver):
        fetch = _no_fetch  # answers from the cache only
    if isinstance(resolver, _HydratorSource):
        return resolver.hydrator(fetch=fetch, cache=cache)
    return OEmbedHydrator(fetch=fetch, cache=cache)


def _no_fetch(url: str) -> bytes | None:
    return None


def _cite_found(
    found: Extraction,
    *,
    resolve: bool,
    mode: ArchiveMode | None,
    resolver: LinkResolver | None,
    archiver: LinkArchiver | None,
    offline: bool,
    accessed: date,
    hydrator: PostHydrator | None,
    links: bool,
) -> list[Citation]:
    posts = list(found.posts)
    inside = [(p.span[0], p.span[1]) for p in posts]
    outside = [
        lk
        for lk in found.links
        if links and lk.kind == "short" and not any(s <= lk.span[0] < e for s, e in inside)
    ]
    wanted = [_absolute(lk.url) for p in posts for lk in p.links if lk.kind in _RESOLVED_KINDS]
    wanted += [_absolute(lk.url) for lk in outside]
    results: dict[str, Resolution] = {}
    if resolve and resolver is not None:
        if offline and not _is_offline(resolver):
            results = _offline(wanted, "offline mode")
        else:
            results = _resolve_all(resolver, wanted)
    archiving = _Archiving(archiver, mode, offline)
    out = [_cite_post(p, results, hydrator, archiving, accessed) for p in posts]
    out += [_cite_link(lk, results, archiving, accessed) for lk in outside]
    return out


class _Archiving:
    """The archive step: which archiver, which mode, and whether we are offline."""

    def __init__(self, archiver: LinkArchiver | None, mode: ArchiveMode | None, offline: bool):
        self.archiver, self.mode, self.offline = archiver, mode, offline

    def run(self, url: str, near: date | datetime | None) -> tuple[tuple[Snapshot, ...], list[str]]:
        if self.mode is None:
            return (), []
        if self.offline:
            return (), [f"not archived: offline ({url})"]
        if self.archiver is None:
            return (), []
        return _archive(self.archiver, self.mode, url, near)


def _cite_post(
    post: Post,
    results: dict[str, Resolution],
    hydrator: PostHydrator | None,
    archiving: _Archiving,
    accessed: date,
) -> Citation:
    pairs = [
        (lk, results[_absolute(lk.url)])
        for lk in post.links
        if lk.kind in _RESOLVED_KINDS and _absolute(lk.url) in results
    ]
    mine = tuple(res for _, res in pairs)
    warnings = list(post.warnings)
    recovered_id = recovered_url = None
    if post.platform == "twitter" and not post.post_id:
        media = [res for lk, res in pairs if lk.kind == "media"]
        recovered_id, recovered_url, notes = _recover(post, media or list(mine))
        warnings += notes
        if recovered_id:
            warnings += _check_time(post, recovered_id)
        else:
            warnings.append(_missing_id_hint(post, media))
    if hydrator is not None:
        url = post.url or recovered_url
        if url:
            post = replace(hydrator.hydrate(replace(post, url=url)), url=post.url)
    snapshots: tuple[Snapshot, ...] = ()
    target = post.url or recovered_url
    if target:
        snapshots, notes = archiving.run(target, post.published)
        warnings += notes
    return Citation(
        post=post,
        resolutions=mine,
        snapshots=snapshots,
        accessed=accessed,
        warnings=tuple(dict.fromkeys(warnings)),
        recovered_id=recovered_id,
        recovered_url=recovered_url,
    )


def _missing_id_hint(post: Post, media: list[Resolution]) -> str:
    link = next((lk.url for lk in post.links if lk.kind == "media"), None)
    if link is None:
        return "status id unknown: the text has no status URL and no pic.twitter.com link"
    why = f"link status: {media[0].status}" if media else "links not resolved"
    return f"status id unknown: resolve {link} to fill it ({why})"


def _cite_link(
    link: Link,
    results: dict[str, Resolution],
    archiving: _Archiving,
    accessed: date,
) -> Citation:
    res = results.get(_absolute(link.url))
    resolutions = (res,) if res is not None else ()
    snapshots: tuple[Snapshot, ...] = ()
    warnings: list[str] = []
    target = res.final_url if res is not None and res.status == "ok" else None
    if target:
        snapshots, warnings = archiving.run(target, None)
    return Citation(
        link=link,
        resolutions=resolutions,
        snapshots=snapshots,
        accessed=accessed,
        warnings=tuple(warnings),
    )
