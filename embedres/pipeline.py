"""cite(): the one place where detection, resolution, hydration and archiving meet.

Data flows one way: ``extract`` finds posts; the resolver follows their short and media
links (a ``pic.twitter.com`` link gives the status URL of a tweet whose text lacked it); oEmbed
fills fields the article left empty; the archiver finds or makes a copy; the result is one
:class:`~embedres.citation.Citation` per post. Network problems are data (link statuses and
citation warnings); only misuse raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from embedres.citation import Citation, status_url_parts
from embedres.detect.extractor import extract
from embedres.errors import EmbedresError, InvalidArgument
from embedres.model import Extraction, Link, Post, Resolution, Snapshot
from embedres.platforms.ids import snowflake_time

if TYPE_CHECKING:
    from embedres.net.cache import Cache

__all__ = ["ArchiveMode", "cite"]

log = logging.getLogger(__name__)

ArchiveMode = Literal["lookup", "save", "capture"]
_RESOLVED_KINDS = ("short", "media")


def _absolute(url: str) -> str:
    return url if "://" in url else "https://" + url


def _resolve_all(resolver: Any, urls: list[str]) -> dict[str, Resolution]:
    unique = list(dict.fromkeys(urls))
    if not unique:
        return {}
    many = getattr(resolver, "resolve_many", None)
    results = list(many(unique)) if callable(many) else [resolver.resolve(u) for u in unique]
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
    archiver: Any, mode: ArchiveMode, url: str, near: date | datetime | None
) -> tuple[tuple[Snapshot, ...], list[str]]:
    try:
        if mode == "capture":
            return (archiver.capture(url),), []
        found = archiver.lookup(url, near=near)
        if found is None and mode == "save":
            found = archiver.save(url)
    except EmbedresError as exc:
        return (), [f"archiving {url} failed: {exc}"]
    return ((found,) if found is not None else ()), []


def _default_resolver(offline: bool) -> Any:
    from embedres.resolve.resolver import Resolver

    return Resolver(offline=offline)


def cite(
    text_or_html: str,
    *,
    resolve: bool = True,
    archive: bool | ArchiveMode = False,
    resolver: Any = None,
    archiver: Any = None,
    accessed: date | None = None,
    html: bool | None = None,
    offline: bool = False,
    hydrate: bool = True,
    links: bool = False,
    oembed_fetch: Callable[[str], bytes | None] | None = None,
    cache: Cache | None = None,
) -> list[Citation]:
    """Turn an article into citations of the posts it embeds.

    Args:
        text_or_html: the article, plain text or HTML.
        resolve: follow the posts' short and media links (False: no network at all).
        archive: False, ``"lookup"`` (nearest existing copy), ``"save"`` (lookup, then Save
            Page Now when none exists; True means this) or ``"capture"`` (local WARC).
        resolver: an :class:`embedres.Resolver` (or anything with ``resolve(url)``); None
            builds a default one.
        archiver: an :class:`embedres.Archiver`; None builds a default one when archiving.
        accessed: the access date to record; None means today (UTC).
        html: force HTML (True) or text (False) reading; None sniffs.
        offline: no network: links get status ``offline``, oEmbed answers come only from
            the cache, and nothing is archived.
        hydrate: fill empty post fields from the platforms' oEmbed endpoints.
        links: also cite short links found outside posts.
        oembed_fetch: ``fetch(url) -> bytes | None`` for oEmbed (default: the safe HTTP layer).
        cache: where oEmbed answers are kept (default: the resolver's ``cache`` attribute).

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
    mode: ArchiveMode | None = "save" if archive is True else (archive or None)
    if mode == "capture" and archiver is None and not offline:
        raise InvalidArgument('archive="capture" needs archiver=Archiver(warc_dir=...)')
    accessed = accessed or datetime.now(timezone.utc).date()
    found = extract(text_or_html, html=html)
    owned: list[Any] = []  # what this call built, and must close
    try:
        if resolve and resolver is None:
            resolver = _default_resolver(offline)
            owned.append(resolver)
        if mode is not None and archiver is None and not offline:
            from embedres.archive.archiver import Archiver

            archiver = Archiver()
            owned.append(archiver)
        return _cite_found(
            found, resolve=resolve, mode=mode, resolver=resolver,
            archiver=None if offline else archiver, accessed=accessed, offline=offline,
            fetch=_oembed_fetch(resolve, offline, hydrate, oembed_fetch, resolver, owned),
            cache=cache, links=links,
        )  # fmt: skip
    finally:
        for part in owned:
            close = getattr(part, "close", None)
            if callable(close):
                close()


def _cite_found(
    found: Extraction,
    *,
    resolve: bool,
    mode: ArchiveMode | None,
    resolver: Any,
    archiver: Any,
    accessed: date,
    offline: bool,
    fetch: Callable[[str], bytes | None] | None,
    cache: Cache | None,
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
    if resolve:
        if offline and not getattr(resolver, "offline", True):
            results = _offline(wanted, "offline mode")
        else:
            results = _resolve_all(resolver, wanted)
    if cache is None:
        shared = getattr(resolver, "cache", None)
        cache = shared if hasattr(shared, "get") and hasattr(shared, "put") else None
    out = [_cite_post(p, results, fetch, cache, archiver, mode, accessed) for p in posts]
    out += [_cite_link(lk, results, archiver, mode, accessed) for lk in outside]
    return out


def _oembed_fetch(
    resolve: bool,
    offline: bool,
    hydrate: bool,
    fetch: Callable[[str], bytes | None] | None,
    resolver: Any,
    owned: list[Any],
) -> Callable[[str], bytes | None] | None:
    if not hydrate or not resolve:
        return None
    if offline or getattr(resolver, "offline", False):
        return lambda url: None  # answers from the cache only
    if fetch is None:
        from embedres.net.client import HttpClient
        from embedres.resolve.oembed import http_fetch

        # The resolver's client carries its address policy, User-Agent and DNS function.
        client = getattr(resolver, "http", None)
        if not isinstance(client, HttpClient):
            client = HttpClient(deadline=15.0)
            owned.append(client)
        fetch = http_fetch(client)
    return fetch


def _cite_post(
    post: Post,
    results: dict[str, Resolution],
    fetch: Callable[[str], bytes | None] | None,
    cache: Cache | None,
    archiver: Any,
    mode: ArchiveMode | None,
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
    if fetch is not None:
        url = post.url or recovered_url
        if url:
            from embedres.resolve.oembed import hydrate as _hydrate

            post = replace(_hydrate(replace(post, url=url), fetch, cache), url=post.url)
    snapshots: tuple[Snapshot, ...] = ()
    target = post.url or recovered_url
    if archiver is not None and mode is not None and target:
        snapshots, notes = _archive(archiver, mode, target, post.published)
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
    archiver: Any,
    mode: ArchiveMode | None,
    accessed: date,
) -> Citation:
    res = results.get(_absolute(link.url))
    resolutions = (res,) if res is not None else ()
    snapshots: tuple[Snapshot, ...] = ()
    warnings: list[str] = []
    target = res.final_url if res is not None and res.status == "ok" else None
    if archiver is not None and mode is not None and target:
        snapshots, warnings = _archive(archiver, mode, target, None)
    return Citation(
        link=link,
        resolutions=resolutions,
        snapshots=snapshots,
        accessed=accessed,
        warnings=tuple(warnings),
    )
