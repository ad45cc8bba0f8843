"""Archive URLs: find the capture nearest a date, ask Save Page Now for a new one, or write
a local WARC file.

:class:`Archiver` queries any Wayback-compatible index (the Internet Archive, a national web
archive, a self-hosted pywb collection) and any RFC 7089 Memento TimeMap or TimeGate; it
submits to Save Page Now 2 and polls the job; and it captures pages itself into WARC/1.1
files through the same HTTP layer and address policy as the resolver.

Failures raise :class:`~embedres.errors.ArchiveError` subclasses that carry data
(``transient``, ``retry_after``, ``kind``); see :mod:`embedres.errors` for the tree.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from embedres.archive import lookup as _lookup
from embedres.archive import spn as _spn
from embedres.archive.services import (
    INTERNET_ARCHIVE,
    MementoService,
    WaybackService,
    as_services,
    check_keys,
    check_options,
    within,
)
from embedres.archive.wayback import archive_link, parse_timestamp
from embedres.errors import (
    ArchiveUnavailable,
    CaptureFailed,
    InvalidArgument,
    SaveTimeout,
    UnsafeURL,
)
from embedres.model import Snapshot
from embedres.net.network import Network, NetworkConfig
from embedres.net.options import check_flag, check_hosts
from embedres.net.ratelimit import Pacer, shared_pacer
from embedres.net.transport import Reply, Transport
from embedres.net.urlsafety import CREDENTIALS_REFUSED, has_credentials, redact, usable_text

if TYPE_CHECKING:  # the HTTP layer (requests) and warcio are imported on first use only
    from embedres.archive.warc import WarcFiles
    from embedres.net.client import HttpClient
    from embedres.net.ratelimit import RateLimiter

# 1 GB, the customary WARC file size (Heritrix's and wget's defaults are close to it).
DEFAULT_WARC_SIZE = 1_000_000_000

__all__ = ["INTERNET_ARCHIVE", "Archiver", "MementoService", "WaybackService"]

_SAVE_URL = "https://web.archive.org"


def _refuse_unsendable(url: str, service: str) -> None:
    """Refuse a URL with credentials or a lone surrogate before anything is sent.

    Raises:
        UnsafeURL: why (the credentials are not echoed; docs/security.md rule 1).
    """
    if not usable_text(url):
        raise UnsafeURL("URL holds a lone surrogate (not valid Unicode)", service=service)
    if has_credentials(url):
        raise UnsafeURL(CREDENTIALS_REFUSED, service=service, url=redact(url))


class Archiver:
    """Look up, save and capture archived copies of URLs.

    Args:
        wayback: Wayback-compatible indexes to look captures up in, in order: a
            :class:`WaybackService`, a base URL (see :meth:`WaybackService.from_url`) or a
            sequence of them; the Internet Archive by default.
        memento: Memento TimeMaps/TimeGates consulted after the Wayback indexes.
        save_url: the Save Page Now root.
        keys: ``(access, secret)`` Internet Archive S3 keys, ``"auto"`` to read them from the
            environment or ``ia.ini`` when the Archiver is built, or None for anonymous saves.
        if_not_archived_within: let Save Page Now return a capture younger than this instead
            of making a new one (seconds, a timedelta or ``"3d 5h"``; None sends nothing and
            the service's default, 30 minutes, applies).
        save_options: extra SPN2 form fields (``{"capture_all": "1"}``).
        save_timeout: the overall deadline of one :meth:`save`, in seconds.
        warc_dir: the directory :meth:`capture` writes WARC files to.
        warc_prefix: the start of the WARC file names.
        warc_max_size: close a WARC file once it holds this many bytes.
        max_capture_bytes: body bytes kept per response by :meth:`capture`; the rest is cut
            and the record marked ``WARC-Truncated: length``.
        max_redirects: redirects :meth:`capture` follows.
        timeout: seconds allowed for one request (connect, headers and body).
        retry_wait: the longest ``Retry-After`` the Archiver sleeps through; longer waits raise
            :class:`~embedres.errors.RateLimited` at once.
        user_agent: the User-Agent sent everywhere (None: embedres's, naming its version).
        allow_private, allow_hosts: the address policy for requests to the archives and for
            captures (as for :class:`~embedres.Resolver`); Save Page Now never receives
            a URL that the strict default policy refuses.
        transport: an :class:`~embedres.Transport` (the request function; tests pass a fake);
            by default embedres's HTTP layer.
        name_resolver: ``(host, port) -> addresses`` used to check URLs before saving them.
        rate_limiter: a :class:`~embedres.RateLimiter` to share with a Resolver
            or other processes; its limits for keys ``HOST:read``, ``HOST:save`` and
            ``HOST:status`` (e.g. ``web.archive.org:read``) then replace the built-in intervals.
        clock, sleep: time functions; passing either gives this Archiver its own pacers
            instead of the process-wide ones (tests).
        offline: make no request at all: :meth:`lookup` and :meth:`save` raise
            :class:`~embedres.errors.ArchiveUnavailable`, :meth:`capture` raises
            :class:`~embedres.errors.CaptureFailed` with status ``offline``.
        network: a shared :class:`~embedres.Network` (HTTP client, address policy, limiter,
            User-Agent, offline switch); ``user_agent``, ``allow_private``, ``allow_hosts``,
            ``name_resolver``, ``rate_limiter`` and ``offline`` must then be left out. Its
            limiter paces the archive services only when it was passed in
            (``Network(limiter=...)``); otherwise the built-in per-service intervals apply.

    Raises:
        InvalidArgument: an option is malformed.
    """

    def __init__(
        self,
        *,
        wayback: WaybackService | str | Sequence[WaybackService | str] = (INTERNET_ARCHIVE,),
        memento: MementoService | str | Sequence[MementoService | str] = (),
        save_url: str = _SAVE_URL,
        keys: tuple[str, str] | str | None = "auto",
        if_not_archived_within: str | float | timedelta | None = 86400,
        save_options: Mapping[str, str] | None = None,
        save_timeout: float = 300.0,
        warc_dir: str | os.PathLike[str] | None = None,
        warc_prefix: str = "embedres",
        warc_max_size: int = DEFAULT_WARC_SIZE,
        max_capture_bytes: int = 100 * 2**20,
        max_redirects: int = 10,
        timeout: float = 30.0,
        retry_wait: float = 60.0,
        user_agent: str | None = None,
        allow_private: bool = False,
        allow_hosts: Sequence[str] = (),
        transport: Transport | None = None,
        name_resolver: Callable[[str, int], Sequence[str]] | None = None,
        rate_limiter: RateLimiter | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        offline: bool = False,
        network: Network | None = None,
    ) -> None:
        self.wayback: tuple[WaybackService, ...] = as_services(
            wayback, WaybackService, WaybackService.from_url
        )
        self.memento: tuple[MementoService, ...] = as_services(
            memento, MementoService, MementoService.from_url
        )
        check_options(
            seconds={"save_timeout": save_timeout, "timeout": timeout, "retry_wait": retry_wait},
            counts={
                "warc_max_size": warc_max_size,
                "max_capture_bytes": max_capture_bytes,
                "max_redirects": max_redirects,
            },
            user_agent=user_agent,
            warc_prefix=warc_prefix,
            rate_limiter=rate_limiter,
            save_url=save_url,
            save_options=save_options,
        )
        self.keys = _spn.find_keys(os.environ, _spn.home()) if keys == "auto" else check_keys(keys)
        if network is None:
            network = NetworkConfig(
                cache=None,
                offline=check_flag(offline, "offline"),
                allow_private=allow_private,
                allow_hosts=check_hosts(allow_hosts),
                user_agent=user_agent,
                timeout=timeout or 30.0,  # 0 fails per request, as before
            ).build(limiter=rate_limiter, name_resolver=name_resolver)
            self._owns_network = True
        elif not isinstance(network, Network):
            raise InvalidArgument("network must be a Network")
        else:
            given = {
                "user_agent": user_agent is not None, "allow_private": allow_private is not False,
                "allow_hosts": bool(allow_hosts), "name_resolver": name_resolver is not None,
                "rate_limiter": rate_limiter is not None, "offline": offline is not False,
            }  # fmt: skip
            clash = [name for name, set_ in given.items() if set_]
            if clash:
                raise InvalidArgument(f"pass {', '.join(clash)} to the Network, not with network=")
            self._owns_network = False
        self.network = network
        self.policy = network.policy
        self.save_url = save_url.rstrip("/")
        self.if_not_archived_within = within(if_not_archived_within)
        self.save_options = dict(save_options or {})
        self.save_timeout = float(save_timeout)
        self.timeout = float(timeout)
        self.retry_wait = float(retry_wait)
        self.user_agent = network.config.user_agent
        self.max_capture_bytes = max_capture_bytes
        self.max_redirects = max_redirects
        self._warc_dir = warc_dir
        self._warc_prefix = warc_prefix
        self._warc_max_size = warc_max_size
        self._warc: WarcFiles | None = None
        self._transport = transport
        self._name_resolver = network.name_resolver
        self._own_time = clock is not None or sleep is not None
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._pacers: dict[tuple[str, str], Pacer] = {}
        self._limiter = network.limiter if network.limiter_shared else None
        self._client_lock = threading.Lock()

    # -- plumbing --------------------------------------------------------------------------

    def _pacer(self, host: str, kind: str, interval: float) -> Pacer:
        if self._limiter is None and not self._own_time:
            return shared_pacer(host, kind, interval)
        key = (host.lower(), kind)
        with self._client_lock:
            if key not in self._pacers:
                if self._limiter is not None:
                    self._pacers[key] = Pacer(
                        limiter=self._limiter,
                        key=f"{key[0]}:{kind}",
                        clock=self._clock,
                        sleep=self._sleep,
                    )
                else:
                    self._pacers[key] = Pacer(interval, clock=self._clock, sleep=self._sleep)
            return self._pacers[key]

    @property
    def offline(self) -> bool:
        """True when the network is offline: no lookups, saves or captures."""
        return self.network.offline

    def _http(self) -> HttpClient:
        return self.network.http

    def transport(self) -> Transport:
        """The request function in use (by default built on embedres's HTTP layer)."""
        from embedres.archive.capture import http_transport

        if self._transport is None:
            self._transport = http_transport(self._http())
        return self._transport

    def _session(self) -> _lookup.Session:
        return _lookup.Session(
            transport=self.transport(),
            pacer=self._pacer,
            timeout=self.timeout,
            retry_wait=self.retry_wait,
            user_agent=self.user_agent,
        )

    # -- lookup ----------------------------------------------------------------------------

    def lookup(self, url: str, near: date | datetime | None = None) -> Snapshot | None:
        """The capture of ``url`` nearest ``near`` (now by default), or None when none exists.

        Each Wayback index is asked through its CDX API (``closest`` + ``sort=closest``,
        successful captures only), then its availability API if it has one; then each
        Memento service. An empty availability answer alone never counts as "no capture".

        Args:
            url: the URL whose captures are wanted.
            near: the date to be nearest to (the post's date in the pipeline).

        Returns:
            The nearest capture found by the first service that has one, or None when at
            least one service answered that it has none and none had one.

        Raises:
            InvalidArgument: ``url`` is not a string or ``near`` not a date.
            ArchiveError: no service could answer (the last failure is raised);
                :class:`~embedres.errors.ArchiveUnavailable` when offline or when an answer
                cannot be used (impossible dates, a bad TimeGate ``Location``);
                :class:`~embedres.errors.UnsafeURL` for a URL with credentials.
        """
        if not isinstance(url, str) or not url.strip():
            raise InvalidArgument("url must be a non-empty string")
        if near is not None and not isinstance(near, date):
            raise InvalidArgument("near must be a date or datetime")
        _refuse_unsendable(url, "archive")
        when = _lookup.as_utc(near) if near is not None else datetime.now(timezone.utc)
        if self.offline:
            raise ArchiveUnavailable("offline: no archive was asked", service="offline", url=url)
        return _lookup.find(self._session(), self.wayback, self.memento, url.strip(), when)

    # -- save ------------------------------------------------------------------------------

    def save(self, url: str) -> Snapshot:
        """Capture ``url`` now with Save Page Now 2 and wait for the job to finish.

        Args:
            url: a public http(s) URL.

        Returns:
            The capture; ``reused`` is True when the service returned a recent capture
            (see ``if_not_archived_within``) instead of making a new one.

        Raises:
            UnsafeURL: the URL is internal, not http(s) or carries credentials; it was not
                submitted.
            SaveFailed: the service reported an error (``kind``, ``permanent``).
            SaveTimeout: the job was still pending after ``save_timeout`` and no capture made
                since the submission was found.
            RateLimited, QuotaExceeded, AuthenticationFailed, ArchiveUnavailable.
        """
        if not isinstance(url, str) or not url.strip():
            raise InvalidArgument("url must be a non-empty string")
        url = url.strip()
        _refuse_unsendable(url, _spn.SERVICE)
        if self.offline:
            raise ArchiveUnavailable("offline: nothing was saved", service="offline", url=url)
        from embedres.archive.capture import check_public

        check_public(url, self._name_resolver, timeout=self.timeout)
        headers = {"Accept": "application/json"}
        if self.keys is not None:
            headers["Authorization"] = f"LOW {self.keys[0]}:{self.keys[1]}"
        form = {"url": url, **self.save_options}
        if self.if_not_archived_within is not None:
            form["if_not_archived_within"] = self.if_not_archived_within
        host = urlsplit(self.save_url).netloc
        submit_pacer = self._pacer(host, "save", _spn.spn_interval(self.keys is not None))
        session = self._session()

        def request(method: str, target: str, data: Mapping[str, str] | None) -> Reply:
            pacer = submit_pacer if method == "POST" else self._pacer(host, "status", 1.0)
            return session.send(
                method, target, pacer=pacer, headers=headers, data=data, service=_spn.SERVICE
            )

        started = datetime.now(timezone.utc)
        try:
            done = _spn.run_save(
                request,
                base=self.save_url,
                url=url,
                form=form,
                deadline=self._clock() + self.save_timeout,
                clock=self._clock,
                sleep=self._sleep,
            )
        except SaveTimeout:
            # A capture can exist although the job never reported success
            # (internetarchive/wayback#297): look for one made since the submission.
            late = _lookup.made_since(self._session(), self.wayback, url, started)
            if late is None:
                raise
            return late
        link = archive_link(f"{self.save_url}/web/{done.timestamp}/{done.original_url}")
        if link is None:
            raise ArchiveUnavailable(
                "Save Page Now gave an unusable capture URL", service=_spn.SERVICE, url=url
            )
        return Snapshot(
            archive_url=link,
            archived_at=parse_timestamp(done.timestamp),
            service=_spn.SERVICE,
            original_url=done.original_url,
            status_code=done.http_status,
            reused=done.reused,
        )

    # -- local WARC ------------------------------------------------------------------------

    def capture(self, url: str) -> Snapshot:
        """Fetch ``url`` (following redirects hop by hop) and append it to a WARC file.

        Every hop's request and response are recorded. The file keeps a ``.open`` suffix
        until :meth:`close` (or size rotation) finishes it; ``archive_url`` names the
        finished file.

        Args:
            url: an http(s) URL allowed by the address policy.

        Returns:
            A ``warc`` snapshot: the file URI, the fetch time, the final status and the final
            payload digest.

        Raises:
            InvalidArgument: no ``warc_dir`` was given.
            CaptureFailed: the URL could not be fetched (``status`` says why).
            UnsafeURL: the URL carries credentials or a lone surrogate; nothing was fetched.
            WarcWriteError: the file could not be written.
        """
        if self._warc_dir is None:
            raise InvalidArgument("capture() needs Archiver(warc_dir=...)")
        if not isinstance(url, str) or not url.strip():
            raise InvalidArgument("url must be a non-empty string")
        _refuse_unsendable(url, "warc")
        if self.offline:
            raise CaptureFailed("offline: nothing was fetched", status="offline", url=url.strip())
        from embedres.archive.capture import fetch_chain

        exchanges = fetch_chain(
            self._http(),
            url.strip(),
            max_redirects=self.max_redirects,
            max_bytes=self.max_capture_bytes,
            timeout=self.timeout,
        )
        from embedres.archive.warc import WarcFiles

        with self._client_lock:
            if self._warc is None:
                self._warc = WarcFiles(
                    self._warc_dir, prefix=self._warc_prefix, max_size=self._warc_max_size
                )
            files = self._warc
        written = files.write(exchanges)
        last = exchanges[-1]
        return Snapshot(
            archive_url=written.path.resolve().as_uri(),
            # the final response's time: the one an index (pywb, CDX) lists for the page
            archived_at=last.fetched_at.replace(microsecond=0),
            service="warc",
            original_url=url.strip(),
            status_code=last.status,
            digest=written.payload_digest,
        )

    def close(self) -> None:
        """Finish the open WARC file (give it its final name) and close connections.

        Safe to call twice.

        Raises:
            WarcWriteError: the WARC file could not be finished.
        """
        if self._owns_network:
            self.network.close()
        if self._warc is not None:
            self._warc.close()

    def __enter__(self) -> Archiver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
