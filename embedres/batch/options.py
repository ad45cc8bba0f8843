"""The options, per-record result and report of a batch (frozen, picklable records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from embedres.batch.hostmap import check_host_map
from embedres.errors import InvalidArgument
from embedres.export import registry
from embedres.net.urlsafety import repr_redacted
from embedres.pipeline import ArchiveMode

__all__ = ["BatchOptions", "BatchReport", "RecordResult"]

_ARCHIVE_MODES = (None, "lookup", "save", "capture")
_FLAGS = ("resolve", "hydrate", "offline", "links")


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """How to cite every record of a batch (immutable and picklable: workers receive a copy).

    >>> BatchOptions(format="docx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    embedres.errors.InvalidArgument: unknown format 'docx' (use json, ...
    """

    format: str = "json"
    """An export format of :mod:`embedres.export.registry` (``json``, ``csl``, ``apa``, ...)."""
    style: str = "apa"
    """The citation style of the ``html`` format (``apa``, ``mla``, a CSL style name, ...)."""
    resolve: bool = True
    """Follow the posts' short and media links (False: no network at all)."""
    hydrate: bool = True
    """Fill empty post fields from the platforms' oEmbed endpoints."""
    offline: bool = False
    """No network: link statuses are ``offline``, oEmbed answers come from the cache only."""
    archive: ArchiveMode | None = None
    """None, ``lookup``, ``save`` or ``capture`` (a local WARC in ``warc_dir``)."""
    warc_dir: str | None = None
    """Where ``archive="capture"`` writes its WARC files."""
    cache: str | None = None
    """The resolver's SQLite cache file (None: the resolver's default)."""
    accessed: date | None = None
    """The access date to record (None: the day each record is cited, UTC)."""
    html: bool | None = None
    """Read ``text`` records as HTML (True) or plain text (False); None sniffs."""
    links: bool = False
    """Also cite short links found outside posts."""
    shorteners: tuple[str, ...] = ()
    """Extra hosts whose links are short links, resolved like t.co (``--shortener``)."""
    allow_private: bool = False
    """Also resolve links on private and loopback addresses (test farms, intranets)."""
    per_host_interval: float = 0.0
    """Seconds between request starts to one host; with a ``postgresql://`` cache the spacing
    holds across every worker of the run."""
    host_map: tuple[tuple[str, str], ...] = ()
    """``(host, ip)`` pairs pinning host names to addresses, like curl's ``--resolve``."""

    def __repr__(self) -> str:
        return repr_redacted(self)  # a postgresql:// DSN's password never reaches a log

    def __post_init__(self) -> None:
        fmt = registry.get(self.format)
        if not isinstance(self.style, str):
            raise InvalidArgument(f"style must be a str, not {type(self.style).__name__}")
        if fmt.name == "html":
            registry.check_style(self.style)  # fail before the first record, not on each
        for name in _FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise InvalidArgument(f"{name} must be True or False, not {getattr(self, name)!r}")
        for name in ("cache", "warc_dir"):
            if not isinstance(getattr(self, name), (str, type(None))):
                raise InvalidArgument(f"{name} must be a str or None")
        if self.archive not in _ARCHIVE_MODES:
            raise InvalidArgument(
                f"archive must be None, lookup, save or capture: {self.archive!r}"
            )
        if self.archive == "capture" and not self.warc_dir:
            raise InvalidArgument('archive="capture" needs warc_dir')
        if self.accessed is not None and not isinstance(self.accessed, date):
            raise InvalidArgument("accessed must be a datetime.date")
        if not isinstance(self.shorteners, tuple) or not all(
            isinstance(h, str) and h for h in self.shorteners
        ):
            raise InvalidArgument("shorteners must be a tuple of host names")
        _check_network(self)
        if self.html not in (None, True, False):
            raise InvalidArgument(f"html must be None, True or False, not {self.html!r}")


def _check_network(options: BatchOptions) -> None:
    """Check (and normalise) the network fields that workers rebuild their resolver from."""
    if not isinstance(options.allow_private, bool):
        raise InvalidArgument("allow_private must be True or False")
    interval = options.per_host_interval
    if (
        isinstance(interval, bool)
        or not isinstance(interval, (int, float))
        or not (0 <= interval < 86400)
    ):
        raise InvalidArgument(f"per_host_interval must be seconds in [0, 86400), not {interval!r}")
    object.__setattr__(options, "host_map", check_host_map(options.host_map))


@dataclass(frozen=True, slots=True)
class RecordResult:
    """The result of one record."""

    record: dict[str, Any]
    """The result record, as written to the output (``id``, ``status``, ``citations``, ...)."""
    partial: bool = False
    """The record was cited but a link could not be resolved or archiving failed."""

    @property
    def ok(self) -> bool:
        """The record was cited (``status == "ok"``)."""
        return bool(self.record["status"] == "ok")


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What a :func:`run` did."""

    ok: int = 0
    """Records cited (``status: ok``), partial ones included."""
    failed: int = 0
    """Error records (bad JSON, no text, a failure while citing, an over-long line)."""
    skipped: int = 0
    """Records whose id was already in the output (resume)."""
    partial: int = 0
    """Cited records with a link that could not be resolved or a failed archiving."""
    earlier_failed: int = 0
    """Error records already in the output from an earlier run and not retried."""

    @property
    def clean(self) -> bool:
        """No error record in the whole output (this run's or an earlier one's) and no
        partial failure (``cite --strict`` exits 0 only then; without it, partial failures
        alone still exit 0)."""
        return self.failed == 0 and self.partial == 0 and self.earlier_failed == 0
