"""Cite many articles: records in, result records out, resumable, never loses a record.

A record is a dict ``{"id": ..., "text": ...}`` or ``{"id": ..., "html": ...}``; from a JSON
Lines file, one per line. Each result is ``{"id", "status": "ok" | "error", "citations",
"warnings", "error"}``, with one item per post in ``citations`` in the chosen format (dicts for
json/jsonl/csl, strings otherwise); a record without a usable id is reported as ``"line:N"``.

Three levels, for three kinds of caller:

* :func:`run` reads a JSONL file, a text stream or an iterable, appends result lines to a file
  (each one flushed and fsynced), skips the ids already there (resume), reports progress and
  returns a :class:`BatchReport`. ``embedres cite --batch`` is a thin shell over it.
* :func:`process` turns one partition of records into result dicts. It needs only picklable
  arguments (records and a :class:`BatchOptions`) and builds its resolver and archiver itself,
  so a Dask or Spark worker can call it.
* :func:`cite_record` cites one record with a resolver you pass, or one built from the options.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, fields
from datetime import date
from typing import IO, Any

from embedres.citation import Citation
from embedres.errors import EmbedresError, InputError, InvalidArgument
from embedres.export import registry
from embedres.pipeline import ArchiveMode, cite

__all__ = [
    "MAX_RECORD",
    "BatchOptions",
    "BatchReport",
    "RecordResult",
    "Session",
    "cite_record",
    "done_ids",
    "make_resolver",
    "partial_failure",
    "process",
    "run",
]

MAX_RECORD = 16 * 2**20
"""The longest accepted JSONL line, in characters (a longer one becomes an error record)."""
# Link statuses that make a record a partial failure (exit status 1 of the command line).
_FAILED = frozenset({"error", "timeout", "blocked", "loop", "too_many_redirects"})
_ARCHIVE_MODES = (None, "lookup", "save", "capture")

_BLANK = object()  # a blank JSONL line: no record, no result


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

    def __post_init__(self) -> None:
        fmt = registry.get(self.format)
        if not isinstance(self.style, str):
            raise InvalidArgument(f"style must be a str, not {type(self.style).__name__}")
        if fmt.name == "html":
            registry.check_style(self.style)  # fail before the first record, not on each
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "bool" and not isinstance(value, bool):
                raise InvalidArgument(f"{f.name} must be True or False, not {value!r}")
        if self.archive not in _ARCHIVE_MODES:
            raise InvalidArgument(
                f"archive must be None, lookup, save or capture: {self.archive!r}"
            )
        if self.archive == "capture" and not self.warc_dir:
            raise InvalidArgument('archive="capture" needs warc_dir')
        if self.accessed is not None and not isinstance(self.accessed, date):
            raise InvalidArgument("accessed must be a datetime.date")
        if self.html not in (None, True, False):
            raise InvalidArgument(f"html must be None, True or False, not {self.html!r}")


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

    @property
    def clean(self) -> bool:
        """No error record and no partial failure (the command line then exits 0)."""
        return self.failed == 0 and self.partial == 0


def make_resolver(options: BatchOptions) -> Any:
    """Build the :class:`embedres.Resolver` the options describe (offline flag, cache file)."""
    from embedres.resolve.resolver import Resolver

    kwargs: dict[str, Any] = {"offline": options.offline}
    if options.cache:
        kwargs["cache"] = options.cache
    return Resolver(**kwargs)


def _close(part: Any) -> None:
    close = getattr(part, "close", None)
    if callable(close):
        close()


class Session:
    """The resolver and archiver that the records of one run share.

    Args:
        options: the batch options.
        resolver: a resolver to use (the caller closes it); None builds one from the options
            when they resolve (and closes it in :meth:`close`).
        archiver: the same for the archiver (built only when archiving and not offline).
    """

    def __init__(self, options: BatchOptions, *, resolver: Any = None, archiver: Any = None):
        self.options = options
        self._owned: list[Any] = []
        if resolver is None and options.resolve:
            resolver = make_resolver(options)
            self._owned.append(resolver)
        if archiver is None and options.archive is not None and not options.offline:
            from embedres.archive.archiver import Archiver

            archiver = Archiver(warc_dir=options.warc_dir)
            self._owned.append(archiver)
        self.resolver = resolver if options.resolve else None
        self.archiver = archiver

    def close(self) -> None:
        """Close what this session built (connections, cache, WARC files)."""
        while self._owned:
            _close(self._owned.pop())

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cite(self, text: str, html: bool | None = None) -> list[Citation]:
        """Cite one article with :func:`embedres.cite` and the session's options."""
        o = self.options
        return cite(
            text,
            resolve=o.resolve,
            archive=o.archive or False,
            resolver=self.resolver,
            archiver=self.archiver,
            accessed=o.accessed,
            html=html if html is not None else o.html,
            offline=o.offline,
            hydrate=o.hydrate,
            links=o.links,
        )


def partial_failure(citations: list[Citation]) -> bool:
    """True when a link could not be resolved or archiving failed."""
    return any(r.status in _FAILED for c in citations for r in c.resolutions) or any(
        w.startswith("archiving ") for c in citations for w in c.warnings
    )


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """A JSONL line that gave no record (over-long or not JSON)."""

    error: str


def _record_id(rec: Any, number: int) -> str:
    rid = rec.get("id") if isinstance(rec, dict) else None
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or rid == "":
        return f"line:{number}"
    return str(rid)


def _cite_body(session: Session, rec: Any) -> tuple[dict[str, Any], bool]:
    """One record -> (``citations`` and ``warnings``, partial failure)."""
    if not isinstance(rec, dict):
        raise InputError("a record must be a JSON object")
    html = isinstance(rec.get("html"), str)
    body = rec.get("html") if html else rec.get("text")
    if not isinstance(body, str):
        raise InputError('a record needs a "text" or "html" string')
    citations = session.cite(body, True if html else None)
    o = session.options
    item = registry.get(o.format).item
    out = {
        "citations": [item(c, o.style) for c in citations],
        "warnings": [f"{c.key}: {w}" for c in citations for w in c.warnings],
    }
    return out, partial_failure(citations)


def _result(
    session: Session, number: int, rec: Any, skip: frozenset[str] | set[str]
) -> RecordResult | None:
    """Cite one record (None when its id is in ``skip``); any failure becomes an error record."""
    error = rec.error if isinstance(rec, _Unreadable) else None
    rid = _record_id(None if error else rec, number)
    if rid in skip:
        return None
    if error is None:
        try:
            body, partial = _cite_body(session, rec)
            return RecordResult({"id": rid, "status": "ok", **body, "error": None}, partial)
        except EmbedresError as exc:
            error = str(exc)
        except Exception as exc:  # one bad record must not stop or lose the batch
            error = f"{type(exc).__name__}: {exc}"
    return RecordResult(
        {"id": rid, "status": "error", "citations": [], "warnings": [], "error": error}
    )


def cite_record(
    record: Any, options: BatchOptions, resolver: Any = None, *, number: int = 1
) -> dict[str, Any]:
    """Cite one record; never raises for a bad record (it gives an error record).

    Args:
        record: ``{"id": ..., "text" | "html": str}``.
        options: the batch options.
        resolver: a resolver (anything with ``resolve(url)``); None builds one from the options.
        number: the record's position, used as ``line:N`` when it has no usable id.

    Returns:
        The result record (``id``, ``status``, ``citations``, ``warnings``, ``error``).

    >>> cite_record({"id": "a", "text": "No embeds."}, BatchOptions(resolve=False))
    {'id': 'a', 'status': 'ok', 'citations': [], 'warnings': [], 'error': None}
    >>> cite_record(["x"], BatchOptions(resolve=False), number=7)["error"]
    'a record must be a JSON object'
    """
    with Session(options, resolver=resolver) as session:
        result = _result(session, number, record, frozenset())
    assert result is not None
    return result.record


def process(
    records: Iterable[Any], options: BatchOptions, *, start: int = 1
) -> Iterator[dict[str, Any]]:
    """Cite one partition of records, for a worker process (Dask, Spark, multiprocessing).

    Every argument pickles; the resolver and archiver are built here from ``options`` and
    closed when the iterator is exhausted or closed.

    Args:
        records: the records (dicts; anything else gives an error record).
        options: the batch options.
        start: the number of the first record (for ``line:N`` ids).

    Yields:
        One result record per input record, in order.
    """
    with Session(options) as session:
        for number, rec in enumerate(records, start):
            result = _result(session, number, rec, frozenset())
            assert result is not None
            yield result.record


# Input and output: JSON Lines, resume, durable writes.


def read_lines(fh: IO[str], max_record: int = MAX_RECORD) -> Iterator[tuple[int, str | None]]:
    """Yield ``(line number, line)`` from ``fh``, or ``(n, None)`` for an over-long line
    (which is skipped without being held in memory)."""
    number = 0
    while True:
        line = fh.readline(max_record + 1)
        if not line:
            return
        number += 1
        if len(line) > max_record and not line.endswith("\n"):
            while (rest := fh.readline(max_record)) and not rest.endswith("\n"):
                pass
            yield number, None
            continue
        yield number, line


def durable_write(out: IO[str], line: str) -> None:
    """Write one output line, then flush and fsync it (a crash keeps whole lines)."""
    out.write(line + "\n")
    out.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError):  # pipes cannot be synced
        os.fsync(out.fileno())


def done_ids(path: str | os.PathLike[str], max_record: int = MAX_RECORD) -> set[str]:
    """The ids already written to ``path``; a torn last line (no newline) is cut off the file.

    Raises:
        InputError: the file exists but cannot be read or repaired.
    """
    if not os.path.exists(path):
        return set()
    ids: set[str] = set()
    try:
        with open(path, "r+b") as fh:  # bytes: offsets stay exact whatever the file holds
            good = 0
            while line := fh.readline(max_record + 1):
                if not line.endswith(b"\n"):
                    break  # torn by a crash (or over-long): drop it and what follows
                good += len(line)
                try:
                    rec = json.loads(line.decode("utf-8", "replace"))
                except ValueError:
                    continue
                if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                    ids.add(rec["id"])
            fh.seek(0, os.SEEK_END)
            if fh.tell() != good:
                fh.truncate(good)
    except OSError as exc:
        raise InputError(f"cannot read {os.fspath(path)!r}: {exc.strerror or exc}") from None
    return ids


def _parsed(lines: Iterator[tuple[int, str | None]]) -> Iterator[tuple[int, Any]]:
    """JSONL lines -> (number, record, or _Unreadable, or _BLANK for a blank line)."""
    try:
        for number, line in lines:
            if line is None:
                yield number, _Unreadable("record too long")
            elif not line.strip():
                yield number, _BLANK
            else:
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, _Unreadable(f"not JSON: {exc.msg} (column {exc.colno})")
    except UnicodeDecodeError as exc:
        raise InputError(f"batch input is not UTF-8 (byte {exc.start} of a line)") from None


def _count_lines(path: str | os.PathLike[str]) -> int | None:
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None


def _is_path(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike))


def run(
    source: str | os.PathLike[str] | IO[str] | Iterable[Any],
    out: str | os.PathLike[str] | IO[str],
    *,
    options: BatchOptions | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    resolver: Any = None,
    max_record: int = MAX_RECORD,
) -> BatchReport:
    """Cite every record of ``source`` and append one result line per record to ``out``.

    Args:
        source: a JSON Lines file (path), an open text stream of JSON Lines, or an iterable
            of records (dicts).
        out: a path, appended to: the ids already in it are skipped (resume) and a line cut by
            a crash is removed first; or an open text stream (no resume). Each line is flushed
            and fsynced before the next record is read.
        options: the batch options (default :class:`BatchOptions()`).
        progress: ``progress(done, total)`` is called with ``done=0`` first, then after each
            input line or record (blank and skipped ones included); ``total`` is the number of
            lines of a file, the length of a sized iterable, else None.
        resolver: a resolver to share (the caller closes it); None builds one from the options.
        max_record: the longest accepted JSONL line, in characters.

    Returns:
        The counts of cited, failed, skipped and partially failed records.

    Raises:
        InputError: ``source`` or ``out`` cannot be read or opened, or the input is not UTF-8
            (records cited before that are written).
        InvalidArgument: bad options.
    """
    options = options if options is not None else BatchOptions()
    if not isinstance(options, BatchOptions):
        raise InvalidArgument(f"options must be a BatchOptions, not {type(options).__name__}")
    skip = done_ids(out, max_record) if isinstance(out, (str, os.PathLike)) else set()
    items, total, close_src = _open_source(source, max_record, progress is not None)
    try:
        sink: IO[str] = (
            open(out, "a", encoding="utf-8", newline="\n")  # type: ignore[arg-type]  # noqa: SIM115
            if _is_path(out)
            else out  # type: ignore[assignment]
        )
    except OSError as exc:
        close_src()
        raise InputError(f"cannot write {os.fspath(out)!r}: {exc.strerror or exc}") from None  # type: ignore[arg-type]
    counts = {"ok": 0, "failed": 0, "skipped": 0, "partial": 0}
    done = 0
    try:
        with Session(options, resolver=resolver) as session:
            if progress is not None:
                progress(0, total)
            for number, rec in items:
                if rec is not _BLANK:
                    result = _result(session, number, rec, skip)
                    if result is None:
                        counts["skipped"] += 1
                    else:
                        counts["ok" if result.ok else "failed"] += 1
                        counts["partial"] += result.partial
                        durable_write(sink, json.dumps(result.record, ensure_ascii=False))
                done += 1
                if progress is not None:
                    progress(done, total)
    finally:
        close_src()
        if sink is not out:
            sink.close()
    return BatchReport(**counts)


def _open_source(
    source: Any, max_record: int, want_total: bool
) -> tuple[Iterator[tuple[int, Any]], int | None, Callable[[], None]]:
    """(numbered records, total or None, close) for a path, a text stream or an iterable."""
    if _is_path(source):
        try:
            fh = open(source, encoding="utf-8-sig", errors="strict", newline="\n")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}") from None
        total = _count_lines(source) if want_total else None
        return _parsed(read_lines(fh, max_record)), total, fh.close
    if hasattr(source, "readline"):
        return _parsed(read_lines(source, max_record)), None, lambda: None
    if isinstance(source, (bytes, dict)) or not isinstance(source, Iterable):
        raise InvalidArgument(
            f"source must be a path, a text stream or an iterable of records, "
            f"not {type(source).__name__}"
        )
    total = len(source) if isinstance(source, Sized) else None
    return enumerate(source, 1), total, lambda: None
