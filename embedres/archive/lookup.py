"""Finding the capture nearest a date: Wayback CDX, the availability API, Memento services.

The rules (``resolve_archive.md`` 4c and 6.13): CDX with ``closest`` *and* ``sort=closest``
(``closest`` alone is silently ignored, internetarchive/wayback#237), ``limit=1`` and a
``statuscode:200`` filter; the availability API only when CDX could not answer, because it
sometimes answers ``{}`` for archived URLs (akamhy/waybackpy#154).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode, urlsplit

from embedres.archive.services import MementoService, WaybackService
from embedres.archive.wayback import (
    Capture,
    archive_link,
    closest_memento,
    iter_cdx,
    iter_links,
    parse_availability,
    parse_timestamp,
    to_timestamp,
    with_https,
)
from embedres.errors import ArchiveError, ArchiveUnavailable, RateLimited, UnsafeURL
from embedres.model import Snapshot
from embedres.net.ratelimit import Pacer
from embedres.net.retryafter import parse_retry_after
from embedres.net.transport import Reply, Transport, Unreachable

__all__ = [
    "Session",
    "as_utc",
    "availability",
    "cdx",
    "find",
    "made_since",
    "memento",
]

log = logging.getLogger("embedres.archive.archiver")
_SHA1_BASE32 = re.compile(r"[A-Z2-7]{32}")
_WAYBACK_TS = re.compile(r"/([0-9]{14})(?:[a-z]{2}_)?/")


def as_utc(when: date | datetime) -> datetime:
    """A timezone-aware UTC datetime (a date is its midnight UTC; naive means UTC)."""
    if not isinstance(when, datetime):
        return datetime(when.year, when.month, when.day, tzinfo=timezone.utc)
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


@dataclass
class Session:
    """Sends the archiver's requests: pacing, 429 handling, failures mapped to exceptions."""

    transport: Transport
    pacer: Callable[[str, str, float], Pacer]
    timeout: float
    retry_wait: float
    user_agent: str | None

    def send(
        self,
        method: str,
        url: str,
        *,
        pacer: Pacer,
        service: str,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> Reply:
        """One request, retried after 429s (``Retry-After`` up to ``retry_wait``) and after
        502/503/504 (twice, with growing pauses). Other statuses are returned.

        Raises:
            RateLimited: the wait asked for (or already owed) exceeds ``retry_wait``.
            UnsafeURL: the address policy refused the endpoint.
            ArchiveUnavailable: no answer (DNS, connection, timeout).
        """
        target = f"{url}?{urlencode(params)}" if params else url
        sent = dict(headers or {})
        if self.user_agent:
            sent.setdefault("User-Agent", self.user_agent)
        for attempt in range(3):
            owed = pacer.delay()
            if owed > self.retry_wait:
                raise RateLimited(
                    f"{service}: rate limited, {owed:.0f} s to wait",
                    service=service,
                    retry_after=owed,
                )
            pacer.wait()
            try:
                reply = self.transport(
                    method, target, headers=sent, data=data, timeout=self.timeout
                )
            except Unreachable as exc:
                if exc.status == "blocked":
                    raise UnsafeURL(
                        f"{service}: endpoint refused by the address policy ({exc}); "
                        "add it to allow_hosts",
                        service=service,
                    ) from None
                raise ArchiveUnavailable(f"{service}: {exc}", service=service) from None
            if reply.status == 429:
                wait = parse_retry_after(reply.header("retry-after"))
                pacer.hold(wait)
                if wait <= self.retry_wait and attempt < 2:
                    continue
                raise RateLimited(
                    f"{service}: 429, retry after {wait:.0f} s", service=service, retry_after=wait
                )
            if reply.status in (502, 503, 504) and attempt < 2:
                pacer.hold(2.0 * 2**attempt)
                continue
            return reply
        return reply


def _snapshot(service: WaybackService, cap: Capture) -> Snapshot:
    digest = cap.digest
    if digest and _SHA1_BASE32.fullmatch(digest):
        digest = "sha1:" + digest
    link = archive_link(with_https(f"{service.replay_url}{cap.timestamp}/{cap.original}"))
    if link is None:
        raise ArchiveUnavailable(
            f"{service.name}: unusable capture URL", service=service.name, url=cap.original
        )
    return Snapshot(
        archive_url=link,
        archived_at=parse_timestamp(cap.timestamp),
        service=service.name,
        original_url=cap.original,
        status_code=cap.statuscode,
        digest=digest,
    )


def _read_pacer(session: Session, service: WaybackService) -> Pacer:
    return session.pacer(urlsplit(service.cdx_url).netloc, "read", service.interval)


def cdx(
    session: Session,
    service: WaybackService,
    url: str,
    near: datetime,
    *,
    since: datetime | None = None,
) -> Snapshot | None:
    """The successful capture nearest ``near`` from a CDX index (None: the index has none).

    Raises:
        ArchiveError: the index did not give a readable answer.
    """
    params = {
        "url": url,
        "output": "json",
        "closest": to_timestamp(near),
        "sort": "closest",
        "limit": "1",
        "filter": "statuscode:200",
    }
    if since is not None:
        params["from"] = to_timestamp(since)
    reply = session.send(
        "GET",
        service.cdx_url,
        pacer=_read_pacer(session, service),
        service=service.name,
        params=params,
    )
    if reply.status not in (200, 403):
        raise ArchiveUnavailable(
            f"{service.name}: CDX answered HTTP {reply.status}", service=service.name, url=url
        )
    try:  # rows are decoded one at a time and the first good one ends the reading
        for capture in iter_cdx(reply.body):
            if capture.statuscode is not None and 200 <= capture.statuscode < 300:
                return _snapshot(service, capture)
    except ValueError as exc:
        if "block" in str(exc):
            return None  # the archive will not show this site: nothing to cite from it
        raise ArchiveUnavailable(f"{service.name}: {exc}", service=service.name, url=url) from None
    return None


def availability(
    session: Session, service: WaybackService, url: str, near: datetime
) -> Snapshot | None:
    """The closest successful capture from the availability API (None: it listed none)."""
    assert service.availability_url is not None
    reply = session.send(
        "GET",
        service.availability_url,
        pacer=_read_pacer(session, service),
        service=service.name,
        params={"url": url, "timestamp": to_timestamp(near)},
    )
    if reply.status != 200:
        raise ArchiveUnavailable(
            f"{service.name}: availability API answered HTTP {reply.status}",
            service=service.name,
            url=url,
        )
    try:
        cap = parse_availability(reply.body)
    except ValueError as exc:
        raise ArchiveUnavailable(f"{service.name}: {exc}", service=service.name, url=url) from None
    if cap is None or cap.statuscode is None or not 200 <= cap.statuscode < 300:
        return None
    return _snapshot(service, cap)


def memento(session: Session, service: MementoService, url: str, near: datetime) -> Snapshot | None:
    """The memento nearest ``near`` from a TimeMap, else through a TimeGate."""
    pacer = session.pacer(service.name, "memento", service.interval)
    if service.timemap_url is not None:
        reply = session.send(
            "GET",
            service.timemap_url + url,
            pacer=pacer,
            service=service.name,
            headers={"Accept": "application/link-format"},
        )
        if reply.status == 404:
            return None
        if reply.status != 200:
            raise ArchiveUnavailable(
                f"{service.name}: TimeMap answered HTTP {reply.status}",
                service=service.name,
                url=url,
            )
        timemap = reply.body.decode("utf-8", "replace")
        found = closest_memento(iter_links(timemap), near, base=service.timemap_url + url)
        del timemap
        if found is None:
            return None
        return Snapshot(
            archive_url=found[0], archived_at=found[1], service=service.name, original_url=url
        )
    assert service.timegate_url is not None
    gate = session.send(
        "GET",
        service.timegate_url + url,
        pacer=pacer,
        service=service.name,
        headers={"Accept-Datetime": format_datetime(near, usegmt=True)},
    )
    if gate.status == 404:
        return None
    location = gate.header("location") or gate.header("content-location")
    if not location or gate.status >= 400:
        raise ArchiveUnavailable(
            f"{service.name}: TimeGate answered HTTP {gate.status}", service=service.name, url=url
        )
    uri_m = archive_link(location, gate.url or service.timegate_url + url)
    if uri_m is None:
        raise ArchiveUnavailable(
            f"{service.name}: TimeGate gave an unusable Location", service=service.name, url=url
        )
    head = session.send("HEAD", uri_m, pacer=pacer, service=service.name)
    when = _memento_time(head.header("memento-datetime"), uri_m)
    if when is None:
        raise ArchiveUnavailable(
            f"{service.name}: memento without a usable datetime", service=service.name, url=url
        )
    stamp = head.header("memento-datetime")
    return Snapshot(
        archive_url=uri_m,
        archived_at=when,
        service=service.name,
        original_url=url,
        status_code=head.status if stamp else None,
    )


def _memento_time(stamp: str | None, uri_m: str) -> datetime | None:
    """A memento's UTC time from its ``Memento-Datetime``, else its Wayback URI; None if neither
    names a real date."""
    try:
        if stamp:
            return as_utc(parsedate_to_datetime(stamp))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass  # an unreadable Memento-Datetime: the URI's timestamp may still say
    m = _WAYBACK_TS.search(uri_m)
    try:
        return parse_timestamp(m.group(1)) if m else None
    except ValueError:  # 14 digits that are no date
        return None


def made_since(
    session: Session, wayback: Sequence[WaybackService], url: str, since: datetime
) -> Snapshot | None:
    """A successful capture made since ``since`` (less a minute for clock skew), credited
    to Save Page Now, from the first index that has one (failures are only logged)."""
    for service in wayback:
        try:
            found = cdx(
                session,
                service,
                url,
                datetime.now(timezone.utc),
                since=since - timedelta(minutes=1),
            )
        except ArchiveError as exc:
            log.info("no capture check after a save timeout: %s", exc)
            continue
        if found is not None:
            return replace(found, service="spn2")
    return None


def find(
    session: Session,
    wayback: Sequence[WaybackService],
    mementos: Sequence[MementoService],
    url: str,
    near: datetime,
) -> Snapshot | None:
    """Ask each service in turn; see :meth:`embedres.Archiver.lookup` for the rules."""
    definitive = False
    failures: list[ArchiveError] = []
    for service in wayback:
        try:
            snap = cdx(session, service, url, near)
        except ArchiveError as exc:
            failures.append(exc)
            if service.availability_url is None:
                continue
            try:
                snap = availability(session, service, url, near)
            except ArchiveError as exc2:
                failures.append(exc2)
                continue
            if snap is not None:
                return snap
            continue  # an empty availability answer is not trusted alone
        if snap is not None:
            return snap
        definitive = True
    for service_m in mementos:
        try:
            snap = memento(session, service_m, url, near)
        except ArchiveError as exc:
            failures.append(exc)
            continue
        if snap is not None:
            return snap
        definitive = True
    if definitive or not failures:
        return None
    limited = [f for f in failures if isinstance(f, RateLimited)]
    raise (limited or failures)[0]
