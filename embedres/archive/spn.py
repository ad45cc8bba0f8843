"""Save Page Now 2: credentials, the submit/poll protocol, and what its errors mean.

Protocol (``resolve_archive.md`` 4c): ``POST /save`` with ``Accept: application/json`` and,
when keys are known, ``Authorization: LOW access:secret``; the answer names a ``job_id`` that is
polled at ``GET /save/status/<job_id>`` until ``status`` is ``success`` or ``error``. Errors may
arrive with HTTP 200, at submit time as well as while polling, so every JSON answer is checked
for ``status: error`` whatever its HTTP status.
"""

from __future__ import annotations

import configparser
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from embedres._jsonable import load_json
from embedres.archive.wayback import parse_timestamp
from embedres.errors import (
    ArchiveError,
    ArchiveUnavailable,
    AuthenticationFailed,
    QuotaExceeded,
    RateLimited,
    SaveFailed,
    SaveTimeout,
)
from embedres.net.retryafter import parse_retry_after
from embedres.net.transport import Reply

__all__ = [
    "KIND_CLASS",
    "SaveOutcome",
    "error_for",
    "find_keys",
    "home",
    "run_save",
    "spn_interval",
]

SERVICE = "spn2"

# What each SPN2 ``status_ext`` means for the caller. "permanent": this URL will not be saved
# by retrying (the notes list not-found, no-access, blocked, blocked-url, invalid-url-syntax;
# ftp-access-denied and filesize-limit fail the same way every time). "stop": account- or
# client-wide limits; a batch must stop, not retry (the IA blocks clients that hammer).
# "rate": slow down and retry later. Everything else, including unknown kinds, is transient.
KIND_CLASS: dict[str, str] = {
    "not-found": "permanent",
    "no-access": "permanent",
    "blocked": "permanent",
    "blocked-url": "permanent",
    "invalid-url-syntax": "permanent",
    "ftp-access-denied": "permanent",
    "filesize-limit": "permanent",
    "unauthorized": "auth",
    "user-session-limit": "stop",
    "too-many-daily-captures": "stop",
    "bandwidth-limit-exceeded": "stop",
    "blocked-client-ip": "stop",
    "too-many-requests": "rate",
}

# Below the limits the SPN2 doc revision of 2026-07 gives (7 captures/min with keys, 3/min
# anonymous; akamhy/waybackpy#187): 5/min and 2/min leave room for clock skew and for other
# tools sharing the same account or IP.
AUTH_INTERVAL = 12.0
ANON_INTERVAL = 30.0

_REUSED = re.compile(r"same snapshot had been made|already been captured|recent capture", re.I)

_ENV_PAIRS = (
    ("IAS3_ACCESS_KEY", "IAS3_SECRET_KEY"),
    ("SAVEPAGENOW_ACCESS_KEY", "SAVEPAGENOW_SECRET_KEY"),
)


def spn_interval(authenticated: bool) -> float:
    """Seconds between two submissions, with or without keys."""
    return AUTH_INTERVAL if authenticated else ANON_INTERVAL


def home() -> Path | None:
    """The user's home directory, or None when it cannot be determined."""
    try:
        return Path.home()
    except (RuntimeError, KeyError, OSError):
        return None


def find_keys(environ: Mapping[str, str], home: Path | None) -> tuple[str, str] | None:
    """Internet Archive S3 keys from the environment, else from an ``ia.ini`` file.

    Args:
        environ: the environment (``IAS3_ACCESS_KEY``/``IAS3_SECRET_KEY`` or
            ``SAVEPAGENOW_ACCESS_KEY``/``SAVEPAGENOW_SECRET_KEY``; ``IA_CONFIG_FILE`` names a
            config file).
        home: the user's home directory, where ``.config/internetarchive/ia.ini``,
            ``.config/ia.ini`` and ``.ia`` are looked for after
            ``$XDG_CONFIG_HOME/internetarchive/ia.ini`` (the ``internetarchive`` tool's
            places), section ``[s3]``, keys ``access`` and ``secret``; None skips them.

    Returns:
        ``(access, secret)``, or None when no complete pair is found.
    """
    for access_name, secret_name in _ENV_PAIRS:
        access, secret = environ.get(access_name, ""), environ.get(secret_name, "")
        if access.strip() and secret.strip():
            return access.strip(), secret.strip()
    candidates = [environ.get("IA_CONFIG_FILE", "")]
    if environ.get("XDG_CONFIG_HOME"):
        candidates.append(f"{environ['XDG_CONFIG_HOME']}/internetarchive/ia.ini")
    if home is not None:
        candidates += [
            f"{home}/.config/internetarchive/ia.ini",
            f"{home}/.config/ia.ini",
            f"{home}/.ia",
        ]
    for name in candidates:
        if not name or not os.path.isfile(name):
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(name, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        access = parser.get("s3", "access", fallback="").strip()
        secret = parser.get("s3", "secret", fallback="").strip()
        if access and secret:
            return access, secret
    return None


def error_for(data: Mapping[str, Any], *, url: str, job_id: str | None = None) -> ArchiveError:
    """The exception an SPN2 ``status: error`` answer stands for.

    >>> e = error_for({"status": "error", "status_ext": "error:not-found"}, url="https://a.example/")
    >>> type(e).__name__, e.kind, e.permanent
    ('SaveFailed', 'not-found', True)
    >>> type(error_for({"status_ext": "error:user-session-limit"}, url="u")).__name__
    'QuotaExceeded'
    """
    kind = str(data.get("status_ext") or "error:unknown").removeprefix("error:")
    message = str(data.get("message") or kind)[:300]
    text = f"Save Page Now: {kind}: {message}"
    klass = "stop" if kind.startswith("max-daily-bandwidth") else KIND_CLASS.get(kind, "transient")
    if kind == "too-many-daily-captures" and re.search(r"this url", message, re.I):
        # The per-URL cap ("This URL has been already captured 5 times today"): other URLs
        # can still be saved, so this one fails alone.
        klass = "permanent"
    if klass == "stop":
        return QuotaExceeded(text, kind=kind, service=SERVICE, url=url)
    if klass == "rate":
        return RateLimited(text, service=SERVICE, url=url, retry_after=60.0)
    if klass == "auth":
        return AuthenticationFailed(text, service=SERVICE, url=url)
    return SaveFailed(
        text, kind=kind, permanent=klass == "permanent", job_id=job_id, service=SERVICE, url=url
    )


def _json(reply: Reply, *, url: str) -> dict[str, Any]:
    """The JSON object of an SPN answer, or the exception its HTTP status stands for."""
    if reply.status == 429:
        wait = parse_retry_after(reply.header("retry-after"))
        raise RateLimited(
            f"Save Page Now: 429, retry after {wait:.0f} s",
            service=SERVICE,
            url=url,
            retry_after=wait,
        )
    try:
        data = load_json(reply.body)
    except ValueError:  # deep nesting too
        data = None
    if isinstance(data, dict) and data.get("status") == "error":
        raise error_for(data, url=url, job_id=data.get("job_id"))
    if reply.status in (401, 403):
        raise AuthenticationFailed(
            f"Save Page Now refused the request ({reply.status}); set IAS3_ACCESS_KEY and "
            "IAS3_SECRET_KEY or an ia.ini file",
            service=SERVICE,
            url=url,
        )
    if reply.status >= 400 or not isinstance(data, dict):
        raise ArchiveUnavailable(
            f"Save Page Now answered HTTP {reply.status} without a readable job",
            service=SERVICE,
            url=url,
        )
    return data


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """A finished SPN2 job."""

    original_url: str
    timestamp: str
    http_status: int | None
    reused: bool
    job_id: str


Request = Callable[[str, str, "Mapping[str, str] | None"], Reply]


def run_save(
    request: Request,
    *,
    base: str,
    url: str,
    form: Mapping[str, str],
    deadline: float,
    first_poll: float = 5.0,
    max_poll: float = 30.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> SaveOutcome:
    """Submit ``url`` to SPN2 and poll its job until it ends or ``deadline`` (a clock value).

    Args:
        request: sends ``(method, url, form)`` and returns the reply; it paces requests and
            raises :class:`RateLimited` for 429s.
        base: the SPN root, e.g. ``https://web.archive.org``.
        url: the URL to save.
        form: the submit form (``url`` and options such as ``if_not_archived_within``).
        deadline: the ``clock()`` value after which polling stops.
        first_poll: the first wait between polls; it grows by half each time up to
            ``max_poll``.

    Returns:
        The finished job.

    Raises:
        SaveFailed: the job or the submission failed (``permanent`` tells whether to retry).
        SaveTimeout: the job was still pending at the deadline.
        RateLimited, QuotaExceeded, AuthenticationFailed, ArchiveUnavailable: as their names say.
    """
    submitted = datetime.now(timezone.utc)
    data = _json(request("POST", f"{base}/save", form), url=url)
    job_id = str(data.get("job_id") or "")
    if not job_id:
        raise ArchiveUnavailable("Save Page Now gave no job id", service=SERVICE, url=url)
    reused = bool(_REUSED.search(str(data.get("message") or "")))
    wait = first_poll
    while True:
        if clock() + wait > deadline:
            raise SaveTimeout(
                f"Save Page Now job {job_id} still pending at the deadline",
                kind="timeout",
                job_id=job_id,
                service=SERVICE,
                url=url,
            )
        sleep(wait)
        wait = min(wait * 1.5, max_poll)
        try:
            reply = request("GET", f"{base}/save/status/{job_id}", None)
        except RateLimited as exc:  # polls are throttled too (HTTP 429): back off, keep going
            wait = max(wait, exc.retry_after or 60.0)
            continue
        except ArchiveUnavailable:
            continue  # the job runs on without us: a failed poll is retried until the deadline
        if reply.status == 429:
            wait = max(wait, parse_retry_after(reply.header("retry-after")))
            continue
        if reply.status >= 500:
            continue
        status = _json(reply, url=url)
        if status.get("status") == "success":
            return _outcome(status, url=url, job_id=job_id, reused=reused, submitted=submitted)
        if status.get("status") not in (None, "pending"):
            raise ArchiveUnavailable(
                f"Save Page Now job {job_id}: unknown status {str(status.get('status'))[:40]!r}",
                service=SERVICE,
                url=url,
            )


def _outcome(
    data: Mapping[str, Any], *, url: str, job_id: str, reused: bool, submitted: datetime
) -> SaveOutcome:
    ts = str(data.get("timestamp") or "")
    try:
        when = parse_timestamp(ts)
    except ValueError:
        raise ArchiveUnavailable(
            f"Save Page Now job {job_id} succeeded without a timestamp", service=SERVICE, url=url
        ) from None
    status = data.get("http_status")
    # A capture older than the submission (with a minute for clock skew) was reused, whatever
    # the submit message said (palewire/savepagenow#25).
    reused = reused or when < submitted - timedelta(minutes=1)
    return SaveOutcome(
        original_url=str(data.get("original_url") or url),
        timestamp=ts,
        http_status=status if isinstance(status, int) else None,
        reused=reused,
        job_id=job_id,
    )
