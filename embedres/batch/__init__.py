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

from embedres.batch.jsonl import MAX_RECORD, done_ids, durable_write, read_lines
from embedres.batch.options import BatchOptions, BatchReport, RecordResult
from embedres.batch.records import Session, cite_record, make_resolver, partial_failure, process
from embedres.batch.runner import run

__all__ = [
    "MAX_RECORD",
    "BatchOptions",
    "BatchReport",
    "RecordResult",
    "Session",
    "cite_record",
    "done_ids",
    "durable_write",
    "make_resolver",
    "partial_failure",
    "process",
    "read_lines",
    "run",
]
