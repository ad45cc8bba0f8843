"""``embedres cite FILE|-``: cite the posts an article embeds, in the format asked for.

Single mode prints the citations of one article on stdout and their warnings on stderr.
Batch mode (``--batch IN.jsonl``) reads one ``{"id": ..., "text" | "html": ...}`` object per
line and writes one ``{"id", "status", "citations", "warnings", "error"}`` line per record to
``--out`` (or stdout). It streams in bounded memory, shows a progress bar on stderr when run in
a terminal, resumes an interrupted run by skipping ids already in ``--out``, flushes and fsyncs
each record, and turns a bad record into an error record with its id.

Exit status: 0 ok, 1 partial failure (a bad record, a link that could not be resolved, an
archive failure), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from embedres.citation import STYLES, Citation
from embedres.cli._io import read_input
from embedres.errors import InvalidArgument
from embedres.export.csl import _style_path
from embedres.pipeline import ArchiveMode, cite

__all__ = ["FORMATS", "register", "render", "run"]

FORMATS = (
    "json", "jsonl", "csl", "wikitext", "apa", "mla", "chicago", "harvard", "bibtex",
    "markdown", "html",
)  # fmt: skip
_FAILED = {"error", "timeout", "blocked", "loop", "too_many_redirects"}
MAX_RECORD = 16 * 2**20  # longest accepted batch line, in characters


def register(sub: Any) -> None:
    """Add the ``cite`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "cite",
        help="cite the social posts an article embeds (JSON, CSL, wikitext, APA, ...)",
        description="Detect embedded posts, resolve their links, optionally archive them, "
        "and print citations.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="a UTF-8 text or HTML file, or -")
    p.add_argument("--format", "-f", choices=FORMATS, default="json", help="output format")
    p.add_argument("--style", default="apa", help="style of --format html (apa, mla, ...)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--html", dest="html", action="store_true", default=None, help="read HTML")
    mode.add_argument("--text", dest="html", action="store_false", help="read plain text")
    p.add_argument("--offline", action="store_true", help="no network at all (cache only)")
    p.add_argument("--no-resolve", action="store_true", help="do not resolve links")
    p.add_argument("--no-hydrate", action="store_true", help="do not ask oEmbed endpoints")
    p.add_argument(
        "--archive", metavar="wayback|save|warc:DIR", help="find (or save, or capture) copies"
    )
    p.add_argument("--cache", metavar="PATH", help="resolver cache file (SQLite)")
    p.add_argument("--links", action="store_true", help="also cite short links outside posts")
    p.add_argument("--accessed", metavar="DATE", help="access date (ISO), default today")
    p.add_argument("--batch", metavar="IN.jsonl", help="JSON Lines input, one article per line")
    p.add_argument("--out", metavar="OUT.jsonl", help="batch output (appended to, resumable)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar in batch mode")
    p.set_defaults(func=run)


def render(citations: list[Citation], fmt: str, style: str = "apa") -> str:
    """Render citations in one of :data:`FORMATS` (text without a final newline).

    Raises:
        InvalidArgument: unknown format or style.
    """
    if fmt == "json":
        return json.dumps([c.to_dict() for c in citations], ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "\n".join(json.dumps(c.to_dict(), ensure_ascii=False) for c in citations)
    if fmt == "csl":
        return json.dumps([c.to_csl() for c in citations], ensure_ascii=False, indent=2)
    if fmt == "wikitext":
        return "\n".join(c.to_wikitext() for c in citations)
    if fmt == "bibtex":
        return "\n".join(c.to_bibtex() for c in citations).rstrip("\n")
    if fmt == "markdown":
        return "\n".join(c.to_markdown(str(i)) for i, c in enumerate(citations, 1))
    if fmt == "html":
        items = "".join(f"<li>{c.format(style, html=True)}</li>\n" for c in citations)
        return f'<ol class="embedres-citations">\n{items}</ol>'
    if fmt in ("apa", "mla", "chicago", "harvard"):
        return "\n".join(c.format(fmt) for c in citations)
    raise InvalidArgument(f"unknown format {fmt!r}")


def _one(c: Citation, fmt: str, style: str) -> Any:
    if fmt in ("json", "jsonl"):
        return c.to_dict()
    if fmt == "csl":
        return c.to_csl()
    return render([c], fmt, style)


def _accessed(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(f"--accessed must be an ISO date, not {text!r}") from None


def _make_resolver(args: argparse.Namespace) -> Any:
    """The resolver of this run (its HTTP layer is imported only when it first fetches)."""
    from embedres.resolve.resolver import Resolver

    kwargs: dict[str, Any] = {"offline": args.offline}
    if args.cache:
        kwargs["cache"] = args.cache
    return Resolver(**kwargs)


def _archive_mode(spec: str | None) -> tuple[ArchiveMode | None, str | None]:
    """Check ``--archive``: the pipeline's mode and the WARC directory."""
    if spec is None:
        return None, None
    if spec == "wayback":
        return "lookup", None
    if spec == "save":
        return "save", None
    if spec.startswith("warc:") and spec[5:]:
        return "capture", spec[5:]
    raise InvalidArgument(f"--archive takes wayback, save or warc:DIR, not {spec!r}")


class _Run:
    """What every article of one invocation shares: options, resolver, archiver."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.accessed = _accessed(args.accessed)
        if args.format == "html" and args.style not in STYLES:
            _style_path(args.style)  # fail early on an unknown style
        self.mode, warc_dir = _archive_mode(args.archive)
        self.archiver: Any = None
        if self.mode is not None and args.offline:
            print("embedres: warning: --offline: nothing is archived", file=sys.stderr)
        elif self.mode is not None:
            from embedres.archive.archiver import Archiver

            self.archiver = Archiver(warc_dir=warc_dir)
        resolve = not args.no_resolve
        self.resolver = _make_resolver(args) if resolve else None

    def close(self) -> None:
        """Release the resolver's connections and cache, and the archiver's files."""
        for part in (self.resolver, self.archiver):
            close = getattr(part, "close", None)
            if callable(close):
                close()

    def cite(self, text: str, html: bool | None) -> list[Citation]:
        a = self.args
        return cite(
            text,
            resolve=not a.no_resolve,
            archive=self.mode or False,
            resolver=self.resolver,
            archiver=self.archiver,
            accessed=self.accessed,
            html=html if html is not None else a.html,
            offline=a.offline,
            hydrate=not a.no_hydrate,
            links=a.links,
        )


def _failed(citations: list[Citation]) -> bool:
    return any(r.status in _FAILED for c in citations for r in c.resolutions) or any(
        w.startswith("archiving ") for c in citations for w in c.warnings
    )


def run(args: argparse.Namespace) -> int:
    """Cite one article, or a batch of them; return the exit status."""
    if args.batch:
        if args.file:
            raise InvalidArgument("give FILE or --batch, not both")
        from embedres.cli._cite_batch import run_batch

        session = _Run(args)
        try:
            return run_batch(args, session, _one)
        finally:
            session.close()
    if not args.file:
        raise InvalidArgument("cite needs FILE (or - for stdin) or --batch IN.jsonl")
    if args.out:
        raise InvalidArgument("--out is for --batch; redirect stdout instead")
    session = _Run(args)
    try:
        citations = session.cite(read_input(args.file), None)
    finally:
        session.close()
    for c in citations:
        for warning in c.warnings:
            print(f"embedres: warning: {c.key}: {warning}", file=sys.stderr)
    if not citations:
        print("embedres: no embedded posts found", file=sys.stderr)
    text = render(citations, args.format, args.style)
    if text:
        print(text)
    return 1 if _failed(citations) else 0


def read_lines(fh: IO[str]) -> Iterator[tuple[int, str | None]]:
    """Yield ``(line number, line)`` from ``fh``, or ``(n, None)`` for an over-long line
    (which is skipped without being held in memory)."""
    number = 0
    while True:
        line = fh.readline(MAX_RECORD + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD and not line.endswith("\n"):
            while (rest := fh.readline(MAX_RECORD)) and not rest.endswith("\n"):
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
