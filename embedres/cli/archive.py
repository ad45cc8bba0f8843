"""``embedres archive URL... | -``: look up, save or capture archived copies; JSON lines out.

One line per URL: ``{"url": ..., "lookup": SNAPSHOT|null, "save": ..., "warc": ...,
"errors": [...]}``: a key for each action asked for (null when it gave nothing) and ``errors``
always (empty when none). Exit status 0 when every action gave an
answer (a lookup that finds nothing is an answer), 1 when any failed, 2 for usage errors. A
daily-quota or session-limit error stops the batch: the remaining URLs are reported as
skipped instead of being sent.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import Any

from embedres._jsonable import jsonable
from embedres.archive.archiver import Archiver
from embedres.archive.xposts import archive_url, save_url
from embedres.cli._io import read_input
from embedres.errors import ArchiveError, InputError, InvalidArgument, QuotaExceeded

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``archive`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "archive",
        help="find archived copies (Wayback), save new ones (Save Page Now) or write WARC files",
        description="By default look each URL up; --save and --warc add actions.",
    )
    p.add_argument("urls", nargs="+", metavar="URL", help="URLs, or - to read one per line")
    p.add_argument("--save", action="store_true", help="ask Save Page Now 2 for a capture")
    p.add_argument("--warc", metavar="DIR", help="capture each URL into WARC files in DIR")
    p.add_argument("--no-lookup", action="store_true", help="skip the Wayback lookup")
    p.add_argument("--near", metavar="DATE", help="ISO date or datetime to be nearest to")
    p.add_argument(
        "--wayback",
        metavar="URL",
        action="append",
        help="a Wayback-compatible archive (CDX endpoint, root or pywb collection); repeatable",
    )
    p.add_argument("--memento", metavar="URL", action="append", help="a TimeMap/TimeGate prefix")
    p.add_argument(
        "--allow-host",
        metavar="HOST[:PORT]",
        action="append",
        default=[],
        help="allow this (e.g. loopback) host for archive endpoints and captures",
    )
    p.add_argument("--anonymous", action="store_true", help="save without Internet Archive keys")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    p.set_defaults(func=run)


def _urls(args: argparse.Namespace) -> list[str]:
    urls: list[str] = []
    for item in args.urls:
        if item == "-":
            urls += [line.strip() for line in read_input("-").splitlines() if line.strip()]
        else:
            urls.append(item)
    if not urls:
        raise InputError("no URLs given")
    return urls


def _near(text: str | None) -> date | datetime | None:
    if text is None:
        return None
    try:
        return (
            datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        )
    except ValueError:
        raise InvalidArgument(f"--near must be an ISO date or datetime, not {text!r}") from None


def _error(action: str, exc: ArchiveError) -> dict[str, Any]:
    out: dict[str, Any] = {
        "action": action,
        "type": type(exc).__name__,
        "message": str(exc),
        "transient": exc.transient,
    }
    if exc.retry_after is not None:
        out["retry_after"] = exc.retry_after
    for extra in ("kind", "status", "job_id"):
        if getattr(exc, extra, None):
            out[extra] = getattr(exc, extra)
    return out


def run(args: argparse.Namespace) -> int:
    """Run the actions for every URL and print one JSON line each."""
    urls = _urls(args)
    near = _near(args.near)
    options: dict[str, Any] = {"allow_hosts": tuple(args.allow_host), "timeout": args.timeout}
    if args.wayback:
        options["wayback"] = args.wayback
    if args.memento:
        options["memento"] = args.memento
    if args.warc:
        options["warc_dir"] = args.warc
    if args.anonymous:
        options["keys"] = None
    actions = [
        a
        for a, on in (
            ("lookup", not args.no_lookup),
            ("save", args.save),
            ("warc", bool(args.warc)),
        )
        if on
    ]
    if not actions:
        raise InvalidArgument("nothing to do: --no-lookup without --save or --warc")
    failed = False
    stopped: str | None = None
    with Archiver(**options) as archiver:
        calls = {
            "lookup": lambda u: archive_url(archiver, u, near=near)[0],
            "save": lambda u: save_url(archiver, u),
            "warc": archiver.capture,
        }
        for url in urls:
            errors: list[dict[str, Any]] = []
            # every key the docs show is always there: null for an action that gave nothing
            record: dict[str, Any] = {"url": url, **dict.fromkeys(actions), "errors": errors}
            for action in actions:
                if stopped is not None:
                    errors.append(
                        {
                            "action": action,
                            "type": "Skipped",
                            "message": f"batch stopped: {stopped}",
                            "transient": True,
                        }
                    )
                    continue
                try:
                    record[action] = jsonable(calls[action](url))
                except QuotaExceeded as exc:
                    errors.append(_error(action, exc))
                    stopped = str(exc)
                    print(f"embedres: stopping the batch: {exc}", file=sys.stderr)
                except ArchiveError as exc:
                    errors.append(_error(action, exc))
                except InvalidArgument as exc:
                    errors.append(
                        {
                            "action": action,
                            "type": "InvalidArgument",
                            "message": str(exc),
                            "transient": False,
                        }
                    )
            failed = failed or bool(errors)
            print(json.dumps(record, ensure_ascii=False), flush=True)
    return 1 if failed else 0
