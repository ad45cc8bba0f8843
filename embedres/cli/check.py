"""``embedres check ARTICLE...``: is every embedded post still there?

Reads files, directories and JSONL batches; prints one row per embedded post (a table on a
terminal, else JSON; ``--format`` chooses JSON or CSV). Exit status 1 when any post is dead
(deleted, suspended, protected), so a site build can fail on it; 0 otherwise; 2 for usage and
input errors. Offline, only cached answers count (with a warning: nothing was checked).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from typing import Any

from embedres.archive.archiver import Archiver
from embedres.archive.xposts import ARCHIVE_TODAY
from embedres.cli._io import dump_json
from embedres.errors import InvalidArgument
from embedres.liveness.checker import LivenessChecker
from embedres.liveness.records import PostStatus
from embedres.liveness.report import archive_lookup, check_articles
from embedres.net.network import NetworkConfig
from embedres.platforms.status import DEAD, STATUSES

__all__ = ["parse_age", "register", "run"]

_AGE = re.compile(r"([0-9]+(?:\.[0-9]+)?)([smhd]?)")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
COLUMNS = ("source", "status", "platform", "url", "reason", "http_status", "wording",
           "checked_at", "archived")  # fmt: skip


def parse_age(text: str) -> float:
    """Seconds from ``90``, ``30m``, ``12h`` or ``7d``.

    Raises:
        InvalidArgument: anything else.

    >>> parse_age("7d"), parse_age("90")
    (604800.0, 90.0)
    """
    m = _AGE.fullmatch(text.strip())
    if m is None:
        raise InvalidArgument(f"--since takes seconds or 30m, 12h, 7d: {text!r}")
    return float(m.group(1)) * _UNIT[m.group(2)]


def register(sub: Any) -> None:
    """Add the ``check`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="report embedded posts that were deleted, suspended or made private",
        description="Check every embedded post of the articles; exit 1 when any is dead.",
    )
    p.add_argument("paths", nargs="+", metavar="ARTICLE", help="files, directories, .jsonl")
    p.add_argument("--format", "-f", choices=("table", "json", "csv"), help="default: table "
                   "on a terminal, else json")  # fmt: skip
    p.add_argument("--offline", action="store_true", help="no network: cached answers only")
    p.add_argument("--cache", metavar="PATH", help="cache file (SQLite); default: user cache")
    p.add_argument("--since", metavar="AGE", help="reuse answers younger than AGE (7d, 12h)")
    p.add_argument("--no-archive", action="store_true", help="do not look dead posts up")
    p.add_argument(
        "--fail-on",
        metavar="STATUS,...",
        default=",".join(sorted(DEAD)),
        help="statuses that make the exit status 1 (default: deleted,protected,suspended)",
    )
    p.add_argument("--wayback", metavar="URL", action="append", help="Wayback index; repeatable")
    p.add_argument(
        "--memento",
        metavar="URL",
        action="append",
        help="Memento TimeMap/TimeGate (default: archive.today)",
    )
    p.add_argument(
        "--endpoint",
        metavar="PLATFORM=URL",
        action="append",
        default=[],
        help="replace a platform's endpoint base (twitter=http://127.0.0.1:8080)",
    )
    p.add_argument("--allow-host", metavar="HOST[:PORT]", action="append", default=[])
    p.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    p.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between two requests to one platform host (default 1: these endpoints "
        "serve embeds, not crawlers)",
    )
    p.set_defaults(func=run)


def _row(s: PostStatus) -> dict[str, Any]:
    e = s.evidence
    return {
        "source": s.source, "status": s.status, "platform": s.platform, "url": s.url,
        "reason": e.reason, "http_status": e.http_status, "wording": e.wording,
        "checked_at": s.checked_at.isoformat(timespec="seconds"),
        "archived": s.archived.archive_url if s.archived else None,
    }  # fmt: skip


# Cells a spreadsheet would run as a formula (OWASP "CSV injection"): the platform's wording
# and an article's file name are not ours to trust.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Terminal control characters (ESC sequences can rewrite the screen) and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _csv_cell(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA) else value


def _table_cell(value: Any) -> str:
    return _CONTROL.sub("?", str(value or ""))


def render(statuses: list[PostStatus], fmt: str) -> str:
    """The report as ``table``, ``json`` or ``csv`` text.

    CSV cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) get a
    leading ``'``; table cells show control characters as ``?``.
    """
    if fmt == "json":
        return dump_json(statuses) + "\n"
    rows = [_row(s) for s in statuses]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _csv_cell(v) for k, v in r.items()} for r in rows)
        return buf.getvalue()
    shown = ("status", "platform", "url", "reason", "archived")
    cells = [[_table_cell(r[c]) for c in shown] for r in rows]
    widths = [max([len(c)] + [min(len(row[i]), 60) for row in cells]) for i, c in enumerate(shown)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(shown, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(v[:60].ljust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Check the articles; print the report; return the exit status."""
    endpoints = {}
    for item in args.endpoint:
        name, sep, url = item.partition("=")
        if not sep:
            raise InvalidArgument(f"--endpoint takes PLATFORM=URL: {item!r}")
        endpoints[name.strip()] = url.strip()
    config = NetworkConfig(
        cache=args.cache or "default",
        offline=args.offline,
        allow_hosts=tuple(args.allow_host),
        timeout=args.timeout,
        per_host_interval=args.interval,
    )
    max_age = parse_age(args.since) if args.since else None
    fail_on = {x.strip() for x in args.fail_on.split(",") if x.strip()}
    if not fail_on <= set(STATUSES):
        raise InvalidArgument(f"--fail-on takes statuses among {', '.join(STATUSES)}")
    with config.build() as network:
        checker = LivenessChecker(
            network=network, endpoints=endpoints, max_age=max_age, timeout=args.timeout
        )
        lookup = None
        if not args.no_archive and not args.offline:
            archiver = Archiver(
                network=network,
                wayback=args.wayback or "https://web.archive.org",
                memento=args.memento or (ARCHIVE_TODAY,),
                keys=None,
                timeout=args.timeout,
            )
            lookup = archive_lookup(archiver)
        statuses = check_articles(args.paths, checker, lookup=lookup)
    fmt = args.format or ("table" if sys.stdout.isatty() else "json")
    sys.stdout.write(render(statuses, fmt))
    if args.offline:
        print("embedres: warning: offline: posts were not checked (cached answers only)",
              file=sys.stderr)  # fmt: skip
    dead = [s for s in statuses if s.status in fail_on]
    if dead:
        print(f"embedres: {len(dead)} of {len(statuses)} embedded posts are "
              f"{'/'.join(sorted({s.status for s in dead}))}", file=sys.stderr)  # fmt: skip
    return 1 if dead else 0
