"""The exceptions embedres raises.

Network outcomes are data (a :class:`~embedres.model.Resolution` status), not exceptions;
exceptions are for misuse and for failures a caller must act on::

    EmbedresError
     ├── InvalidArgument(EmbedresError, ValueError)   bad option or argument, raised eagerly
     ├── InputError(EmbedresError, ValueError)        input that cannot be read or decoded
     ├── CacheError                   the cache location cannot be used at all
     ├── FetchError                   one HTTP request failed (internal: becomes a status)
     │    ├── BlockedAddress          the address policy refused the URL, port or addresses
     │    ├── FetchTimeout            a connect/read timeout or the total deadline passed
     │    ├── InvalidURL              the URL cannot be parsed or prepared
     │    └── NoNetwork               no name service or no route out (status ``offline``)
     ├── Unreachable                  an archive request got no HTTP answer; ``status``
     └── ArchiveError(EmbedresError)                  an archive service refused or failed
          ├── RateLimited                  429 or an SPN rate error; ``retry_after`` seconds
          │    └── QuotaExceeded           daily cap / session limit / bandwidth: stop the batch
          ├── SaveFailed                   SPN2 said ``status: error``; ``kind``, ``permanent``
          │    └── SaveTimeout             the job did not finish before the deadline
          ├── AuthenticationFailed         401/403 from the service (bad or missing keys)
          ├── ArchiveUnavailable           5xx, connection failure or an unreadable answer
          ├── UnsafeURL(ArchiveError, ValueError)  refused by the address policy, never sent
          ├── CaptureFailed                a local capture could not fetch the URL; ``status``
          └── WarcWriteError               a WARC file could not be written

Archive failures are exceptions that carry data (``service``, ``url``, ``transient``,
``retry_after``) rather than result statuses: a save or capture that did not happen has no
:class:`~embedres.model.Snapshot` to return, and a batch must be able to tell "try again later"
(``transient``) from "stop now" (:class:`QuotaExceeded`) without parsing messages.
"""

from __future__ import annotations

__all__ = [
    "ArchiveError",
    "ArchiveUnavailable",
    "AuthenticationFailed",
    "BlockedAddress",
    "CacheError",
    "CaptureFailed",
    "EmbedresError",
    "FetchError",
    "FetchTimeout",
    "InputError",
    "InvalidArgument",
    "InvalidURL",
    "NoNetwork",
    "QuotaExceeded",
    "RateLimited",
    "SaveFailed",
    "SaveTimeout",
    "Unreachable",
    "UnsafeURL",
    "WarcWriteError",
]


class EmbedresError(Exception):
    """Base class of every exception embedres raises on purpose."""


class InvalidArgument(EmbedresError, ValueError):
    """An option or argument is out of range or of the wrong kind."""


class InputError(EmbedresError, ValueError):
    """Input text, HTML or a batch record cannot be read."""


class CacheError(EmbedresError):
    """The cache location cannot be used at all (a directory, an uncreatable parent)."""


class FetchError(EmbedresError):
    """A request failed; ``transient`` says whether retrying later may help.

    The resolver and the archiver turn it into a status or an :class:`ArchiveError`; it
    reaches callers only from the internal HTTP client.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class BlockedAddress(FetchError):
    """The address policy refused the URL, its port, or every address of its host."""


class FetchTimeout(FetchError):
    """A connect or read timed out, or the request's total deadline passed."""


class InvalidURL(FetchError):
    """The URL cannot be parsed or prepared for a request."""


class NoNetwork(FetchError):
    """This machine has no working network: no name service answers, or no route out.

    The resolver reports it as ``offline`` (never cached), so the same link is tried again
    once the network is back.
    """


class Unreachable(EmbedresError):
    """An archive request got no HTTP answer; ``status`` uses the resolver's vocabulary.

    ``blocked`` means the address policy refused it before any connection.
    """

    def __init__(self, reason: str, *, status: str = "error") -> None:
        super().__init__(reason)
        self.status = status


class ArchiveError(EmbedresError):
    """An archive service (Wayback, Save Page Now, a WARC file) failed.

    Attributes:
        service: which service failed (``wayback``, ``spn2``, ``warc`` or a configured name).
        url: the URL being archived or looked up, when there is one.
        transient: True when the same call may succeed later.
        retry_after: seconds to wait before trying again, when the service said so.
    """

    transient: bool = True

    def __init__(
        self,
        message: str,
        *,
        service: str = "",
        url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.service = service
        self.url = url
        self.retry_after = retry_after


class RateLimited(ArchiveError):
    """The service asked us to slow down (HTTP 429 or an SPN2 rate error).

    ``retry_after`` holds the wait in seconds (from ``Retry-After``, else a 60 s default).
    """


class QuotaExceeded(RateLimited):
    """A daily capture cap, a session limit or a bandwidth cap was reached.

    A batch must stop instead of retrying: the Internet Archive blocks clients that keep
    submitting. ``kind`` is the service's error name (``too-many-daily-captures``, ...).
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        service: str = "",
        url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, service=service, url=url, retry_after=retry_after)
        self.kind = kind
        self.transient = False


class SaveFailed(ArchiveError):
    """Save Page Now reported an error for this URL.

    ``kind`` is the ``status_ext`` without its ``error:`` prefix (``not-found``,
    ``blocked-url``, ...); ``permanent`` is True when retrying cannot help; ``job_id`` is the
    SPN2 job when one was created.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "",
        permanent: bool = False,
        job_id: str | None = None,
        service: str = "",
        url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, service=service, url=url, retry_after=retry_after)
        self.kind = kind
        self.permanent = permanent
        self.transient = not permanent
        self.job_id = job_id


class SaveTimeout(SaveFailed):
    """The save job was still pending when the overall deadline passed (and no capture made
    since the submission was found)."""


class AuthenticationFailed(ArchiveError):
    """The service refused our credentials, or requires some (HTTP 401/403)."""

    transient = False


class ArchiveUnavailable(ArchiveError):
    """The service could not be reached, failed (5xx) or sent an answer we cannot read."""


class UnsafeURL(ArchiveError, ValueError):
    """The URL is refused by the address policy (internal, non-http) and was never sent."""

    transient = False


class CaptureFailed(ArchiveError):
    """A local WARC capture could not fetch the URL.

    ``status`` is the resolver vocabulary (``blocked``, ``error``, ``timeout``, ``loop``,
    ``too_many_redirects``).
    """

    def __init__(
        self, message: str, *, status: str = "error", service: str = "", url: str | None = None
    ) -> None:
        super().__init__(message, service=service, url=url)
        self.status = status
        self.transient = status in ("timeout", "error")


class WarcWriteError(ArchiveError):
    """A WARC file could not be created, written or finalised (disk full, permissions)."""

    transient = False
