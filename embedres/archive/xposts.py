"""X-aware archiving: every URL of a tweet, captures that really hold it, and saves that do.

Captures of ``x.com``/``twitter.com`` status pages made since 2023 mostly store a login wall,
an error page or a JavaScript shell, and the archive lists them as ``200``. :func:`lookup_post`
asks each index for the captures nearest the date under every URL form of the tweet
(:func:`embedres.platforms.twitter_archive.post_url_forms`: status pages, ``i/web/status``, the
widget's JSON and oEmbed answers), plus archive.today through Memento, then reads the
candidates nearest first and keeps the first one that holds the post
(:func:`embedres.platforms.twitter_archive.archived_post` says how). :func:`save_post` submits the
status page and the widget's JSON and oEmbed URLs and reports which capture holds the post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

from embedres.archive.archiver import Archiver
from embedres.archive.lookup import Session, as_utc, memento
from embedres.archive.services import MementoService, WaybackService
from embedres.archive.wayback import parse_cdx, parse_timestamp, to_timestamp, with_https
from embedres.errors import ArchiveError, ArchiveUnavailable, InvalidArgument
from embedres.model import Snapshot
from embedres.platforms.base import as_int
from embedres.platforms.posturls import parse_post_url
from embedres.platforms.twitter import archived_text
from embedres.platforms.twitter_archive import archived_post, post_url_forms, widget_urls

__all__ = [
    "ARCHIVE_TODAY", "CaptureCheck", "PostCaptures", "archive_url", "lookup_post", "save_post",
    "save_url",
]  # fmt: skip

ARCHIVE_TODAY = MementoService("archive.today", timemap_url="https://archive.ph/timemap/")
"""archive.today's Memento TimeMap (lookup only: saving there needs a captcha)."""
_PER_FORM = 3  # captures per URL form and index: the nearest few, a 200 is often an error page


@dataclass(frozen=True, slots=True)
class CaptureCheck:
    """One archived copy read, and whether it holds the post."""

    original_url: str
    """The URL form that was archived."""
    archive_url: str
    """The capture's replay URL."""
    holds_post: bool
    """True when the copy shows the post."""
    reason: str
    """What the copy is (``widget JSON of the tweet``, ``login wall``...)."""
    text: str | None = None
    """The tweet's text as archived (from a JSON or oEmbed copy)."""


@dataclass(frozen=True, slots=True)
class PostCaptures:
    """The outcome of :func:`lookup_post` or :func:`save_post`."""

    snapshot: Snapshot | None
    """The nearest capture that holds the post (None: none does)."""
    checks: tuple[CaptureCheck, ...]
    """Every copy read, in the order read."""
    errors: tuple[str, ...] = ()
    """Services or forms that failed."""

    @property
    def text(self) -> str | None:
        """The tweet's text from the capture that holds it, when that copy carries it."""
        held = [c for c in self.checks if c.holds_post and c.archive_url == self._url()]
        return held[0].text if held else None

    def _url(self) -> str | None:
        return self.snapshot.archive_url if self.snapshot else None


def _candidates(
    session: Session, service: WaybackService, url: str, near: datetime, post_id: str
) -> list[Snapshot]:
    json_form = "tweet-result?" in url
    params = {
        "url": url.split("&", 1)[0] if json_form else url,  # any token: match on the id
        "output": "json",
        "closest": to_timestamp(near),
        "sort": "closest",
        "limit": str(_PER_FORM * (4 if json_form else 1)),
        "filter": "statuscode:200",
    }
    if json_form:
        params["matchType"] = "prefix"
    pacer = session.pacer(urlsplit(service.cdx_url).netloc, "read", service.interval)
    reply = session.send("GET", service.cdx_url, pacer=pacer, service=service.name, params=params)
    if reply.status not in (200, 403):
        raise ArchiveUnavailable(f"{service.name}: CDX answered HTTP {reply.status}")
    try:
        captures = parse_cdx(reply.body)
    except ValueError:
        return []
    out = []
    for cap in captures:
        if json_form and parse_qs(urlsplit(cap.original).query).get("id") != [post_id]:
            continue  # a prefix match on id=12 also finds id=123
        out.append(
            Snapshot(
                archive_url=with_https(f"{service.replay_url}{cap.timestamp}/{cap.original}"),
                archived_at=parse_timestamp(cap.timestamp),
                service=service.name,
                original_url=cap.original,
                status_code=cap.statuscode,
            )
        )
    return out[:_PER_FORM]


def _raw(snap: Snapshot, wayback: Sequence[WaybackService]) -> tuple[str, float]:
    """The replay URL without the archive's banner and link rewriting (``id_``), and the
    interval its service asks for."""
    for service in wayback:
        for prefix in (service.replay_url, with_https(service.replay_url)):
            if snap.archive_url.startswith(prefix):
                stamp, _, rest = snap.archive_url[len(prefix) :].partition("/")
                return f"{prefix}{stamp}id_/{rest}", service.interval
    return snap.archive_url, 1.0


def _read(session: Session, archiver: Archiver, snap: Snapshot, post_id: str) -> CaptureCheck:
    url, interval = _raw(snap, archiver.wayback)
    pacer = session.pacer(urlsplit(url).netloc, "read", interval)
    reply = session.send("GET", url, pacer=pacer, service=snap.service)
    if reply.status != 200:
        return CaptureCheck(snap.original_url, snap.archive_url, False, f"HTTP {reply.status}")
    holds, why = archived_post(reply.body, post_id)
    text = archived_text(reply.body) if holds else None
    return CaptureCheck(snap.original_url, snap.archive_url, holds, why, text)


def lookup_post(
    archiver: Archiver,
    post_id: str,
    handle: str | None = None,
    *,
    near: date | datetime | None = None,
    memento_services: Sequence[MementoService] | None = None,
    max_checks: int = 8,
) -> PostCaptures:
    """The archived copy of a tweet nearest ``near`` that really holds the tweet.

    Args:
        archiver: its Wayback indexes, session, pacing and offline switch are used.
        post_id: the tweet id.
        handle: the author's handle, when known (more URL forms to search).
        near: the date to be nearest to (now by default).
        memento_services: Memento sources to ask (None: the archiver's own ``memento``;
            :data:`ARCHIVE_TODAY` is the built-in one ``embedres check`` passes).
        max_checks: copies read at most (each is one request).

    Returns:
        The capture (None when no copy read holds the tweet) and every copy read.

    Raises:
        InvalidArgument: a bad id or option.
        ArchiveUnavailable: offline.
    """
    forms = post_url_forms(post_id, handle)
    if isinstance(max_checks, bool) or not isinstance(max_checks, int) or max_checks < 1:
        raise InvalidArgument("max_checks must be an int >= 1")
    if archiver.offline:
        raise ArchiveUnavailable("offline: no archive was asked", service="offline")
    when = as_utc(near) if near is not None else datetime.now(timezone.utc)
    session = archiver._session()
    found: list[Snapshot] = []
    errors: list[str] = []
    seen: set[str] = set()
    for form in forms:
        if "tweet-result?" in form and form.split("&", 1)[0] in seen:
            continue
        seen.add(form.split("&", 1)[0])
        for service in archiver.wayback:
            try:
                found += _candidates(session, service, form, when, str(as_int(post_id, "twitter")))
            except ArchiveError as exc:
                errors.append(f"{service.name} {form}: {exc}")
    sources = archiver.memento if memento_services is None else tuple(memento_services)
    for service_m in sources:
        for form in forms[:2]:  # archive.today keeps status pages, rendered
            try:
                snap = memento(session, service_m, form, when)
            except ArchiveError as exc:
                errors.append(f"{service_m.name} {form}: {exc}")
                continue
            if snap is not None:
                found.append(snap)
    found.sort(key=lambda s: abs((s.archived_at - when).total_seconds()))
    checks: list[CaptureCheck] = []
    for snap in found[:max_checks]:
        try:
            check = _read(session, archiver, snap, str(as_int(post_id, "twitter")))
        except ArchiveError as exc:
            errors.append(f"{snap.archive_url}: {exc}")
            continue
        checks.append(check)
        if check.holds_post:
            return PostCaptures(snap, tuple(checks), tuple(errors))
    return PostCaptures(None, tuple(checks), tuple(errors))


def save_post(archiver: Archiver, post_id: str, handle: str | None = None) -> PostCaptures:
    """Save a tweet with Save Page Now: its status page and the widget's JSON and oEmbed URLs.

    Each capture is read back; ``snapshot`` is the first that holds the tweet (usually the
    JSON one: the status page archives as a login wall).

    Raises:
        InvalidArgument: a bad id.
        ArchiveUnavailable: offline.
    """
    sid = str(as_int(post_id, "twitter"))
    post_url_forms(sid, handle)  # rejects a malformed handle
    status_url = (
        f"https://twitter.com/{handle}/status/{sid}"
        if handle
        else f"https://twitter.com/i/web/status/{sid}"
    )
    if archiver.offline:
        raise ArchiveUnavailable("offline: nothing was saved", service="offline")
    session = archiver._session()
    checks: list[CaptureCheck] = []
    errors: list[str] = []
    best: Snapshot | None = None
    for url in (status_url, *widget_urls(sid, status_url)):
        try:
            snap = archiver.save(url)
            check = _read(session, archiver, snap, sid)
        except ArchiveError as exc:
            errors.append(f"{url}: {exc}")
            continue
        checks.append(check)
        if check.holds_post and best is None:
            best = snap
    return PostCaptures(best, tuple(checks), tuple(errors))


def archive_url(
    archiver: Archiver, url: str, *, save: bool = False, near: date | datetime | None = None
) -> tuple[Snapshot | None, PostCaptures | None]:
    """Look a URL up (and save it when ``save`` and nothing is found), X-aware.

    A tweet URL (any host form: x.com, twitter.com, mirrors, ``i/web/status``) goes through
    :func:`lookup_post` / :func:`save_post`, so a login-wall copy is never the answer; any other
    URL through :meth:`Archiver.lookup` / :meth:`Archiver.save`.

    Args:
        archiver: the archiver to ask.
        url: the URL to find a copy of.
        save: submit it to Save Page Now when no copy is found.
        near: the date to be nearest to.

    Returns:
        The snapshot (None: none found and not saved) and, for a tweet, every copy read.

    Raises:
        ArchiveError: as :meth:`Archiver.lookup` and :meth:`Archiver.save`.
        InvalidArgument: a bad URL or option.
    """
    ref = parse_post_url(url)
    if ref is None or ref.platform != "twitter":
        found = archiver.lookup(url, near=near)
        return (archiver.save(url) if found is None and save else found), None
    post = lookup_post(archiver, ref.post_id, ref.handle, near=near)
    if post.snapshot is None and save:
        post = save_post(archiver, ref.post_id, ref.handle)
    return post.snapshot, post


def save_url(archiver: Archiver, url: str) -> Snapshot | None:
    """Save a URL now with Save Page Now, X-aware (a tweet's widget URLs are saved too).

    Returns:
        The new capture; for a tweet, the first capture that holds it (None: none does).

    Raises:
        ArchiveError: as :meth:`Archiver.save`.
        InvalidArgument: a bad URL.
    """
    ref = parse_post_url(url)
    if ref is None or ref.platform != "twitter":
        return archiver.save(url)
    return save_post(archiver, ref.post_id, ref.handle).snapshot
