"""Batch mode of ``embedres cite``: JSON Lines in, JSON Lines out, resumable, never loses a record.

Each input line is ``{"id": ..., "text": ...}`` or ``{"id": ..., "html": ...}`` (optionally
``"accessed": "YYYY-MM-DD"``). Each output line is ``{"id", "status": "ok" | "error",
"citations": [...], "warnings": [...], "error": str | null}``; ``citations`` holds one item per
post in the chosen format (dicts for json/jsonl/csl, strings otherwise). A record without a
usable id is reported under ``"line:N"``.

Resuming: the ids already in ``--out`` are read first (a last line cut by a crash is dropped
from the file), those records are skipped, and new lines are appended.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import IO, Any

from embedres.citation import Citation
from embedres.cli.cite import MAX_RECORD, durable_write, read_lines
from embedres.errors import EmbedresError, InputError

__all__ = ["done_ids", "run_batch"]

Render = Callable[[Citation, str, str], Any]
_PROGRESS_DELAY = 2.0  # seconds before a bar appears: short runs stay quiet


def done_ids(path: str) -> set[str]:
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
            while line := fh.readline(MAX_RECORD + 1):
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
        raise InputError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    return ids


def _record_id(rec: Any, number: int) -> str:
    rid = rec.get("id") if isinstance(rec, dict) else None
    if isinstance(rid, bool) or not isinstance(rid, (str, int)) or rid == "":
        return f"line:{number}"
    return str(rid)


def _process(session: Any, rec: Any, render: Render) -> tuple[dict[str, Any], bool]:
    """One input record -> (output record, ok)."""
    if not isinstance(rec, dict):
        raise InputError("a record must be a JSON object")
    html = isinstance(rec.get("html"), str)
    body = rec.get("html") if html else rec.get("text")
    if not isinstance(body, str):
        raise InputError('a record needs a "text" or "html" string')
    citations = session.cite(body, True if html else None)
    args = session.args
    out = {
        "citations": [render(c, args.format, args.style) for c in citations],
        "warnings": [f"{c.key}: {w}" for c in citations for w in c.warnings],
    }
    from embedres.cli.cite import _failed

    return out, not _failed(citations)


def _progress(args: argparse.Namespace, total: int | None) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total,
        unit="rec",
        file=sys.stderr,
        delay=_PROGRESS_DELAY,
        disable=True if args.no_progress else None,  # None: only on a terminal
    )


def _count_lines(path: str) -> int | None:
    if path == "-":
        return None
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return None


def run_batch(args: argparse.Namespace, session: Any, render: Render) -> int:
    """Run a batch; return 0 (all ok), 1 (some records failed) or 2 (unusable input)."""
    skip = done_ids(args.out) if args.out and args.out != "-" else set()
    try:
        src: IO[str] = (
            sys.stdin
            if args.batch == "-"
            else open(args.batch, encoding="utf-8-sig", errors="strict", newline="\n")  # noqa: SIM115
        )
    except OSError as exc:
        raise InputError(f"cannot read {args.batch!r}: {exc.strerror or exc}") from None
    out: IO[str] = (
        sys.stdout
        if not args.out or args.out == "-"
        else open(args.out, "a", encoding="utf-8", newline="\n")  # noqa: SIM115
    )
    failures = 0
    bar = _progress(args, _count_lines(args.batch))
    try:
        for number, line in _lines(src):
            bar.update(1)
            if line is not None and not line.strip():
                continue
            result, ok = _handle(session, number, line, skip, render)
            if result is None:
                continue
            failures += not ok
            durable_write(out, json.dumps(result, ensure_ascii=False))
    finally:
        bar.close()
        if src is not sys.stdin:
            src.close()
        if out is not sys.stdout:
            out.close()
    return 1 if failures else 0


def _lines(src: IO[str]) -> Any:
    try:
        yield from read_lines(src)
    except UnicodeDecodeError as exc:
        raise InputError(f"batch input is not UTF-8 (byte {exc.start} of a line)") from None


def _handle(
    session: Any, number: int, line: str | None, skip: set[str], render: Render
) -> tuple[dict[str, Any] | None, bool]:
    rec: Any = None
    error: str | None = None
    if line is None:
        error = "record too long"
    else:
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            error = f"not JSON: {exc.msg} (column {exc.colno})"
    rid = _record_id(rec, number)
    if rid in skip:
        return None, True
    if error is None:
        try:
            body, ok = _process(session, rec, render)
            return {"id": rid, "status": "ok", **body, "error": None}, ok
        except EmbedresError as exc:
            error = str(exc)
        except Exception as exc:  # one bad record must not stop or lose the batch
            error = f"{type(exc).__name__}: {exc}"
    return {"id": rid, "status": "error", "citations": [], "warnings": [], "error": error}, False
