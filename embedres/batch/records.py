"""Citing records: the shared resolver and archiver, one record, one partition."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from typing import Any

from embedres.batch.hostmap import network_kwargs
from embedres.batch.jsonl import Unreadable, id_key
from embedres.batch.options import BatchOptions, RecordResult
from embedres.citation import Citation
from embedres.errors import EmbedresError, InputError
from embedres.export import registry
from embedres.pipeline import cite

__all__ = ["Session", "cite_record", "make_resolver", "partial_failure", "process", "result_of"]

# Link statuses that make a record a partial failure (exit status 1 with `cite --strict`).
_FAILED = frozenset({"error", "timeout", "blocked", "loop", "too_many_redirects"})


def make_resolver(options: BatchOptions) -> Any:
    """Build the :class:`embedres.Resolver` the options describe (offline flag, cache file)."""
    from embedres.resolve.resolver import Resolver

    kwargs: dict[str, Any] = {"offline": options.offline}
    if options.cache:
        kwargs["cache"] = options.cache
    kwargs.update(network_kwargs(options))
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
            shorteners=o.shorteners,
        )


def partial_failure(citations: list[Citation]) -> bool:
    """True when a link could not be resolved or archiving failed."""
    return any(r.status in _FAILED for c in citations for r in c.resolutions) or any(
        w.startswith("archiving ") for c in citations for w in c.warnings
    )


def _record_id(rec: Any, number: int) -> str | int:
    """The record's id as given (a string or an integer), else ``line:N``."""
    rid = rec.get("id") if isinstance(rec, dict) else None
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or rid == "":
        return f"line:{number}"
    return rid


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


def result_of(session: Session, number: int, rec: Any, skip: Container[str]) -> RecordResult | None:
    """Cite one record (None when its :func:`~embedres.batch.jsonl.id_key` is in ``skip``);
    any failure becomes an error record."""
    error = rec.error if isinstance(rec, Unreadable) else None
    rid = _record_id(None if error else rec, number)
    if id_key(rid) in skip:
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
        result = result_of(session, number, record, frozenset())
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
            result = result_of(session, number, rec, frozenset())
            assert result is not None
            yield result.record
