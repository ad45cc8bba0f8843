"""``embedres cite FILE|-``: cite the posts an article embeds, in the format asked for.

Single mode prints the citations of one article on stdout and their warnings on stderr.
Batch mode (``--batch IN.jsonl``) reads one ``{"id": ..., "text" | "html": ...}`` object per
line and writes one ``{"id", "status", "citations", "warnings", "error"}`` line per record to
``--out`` (or stdout). It streams in bounded memory, shows a progress bar on stderr when run in
a terminal, resumes an interrupted run by skipping ids already in ``--out``, flushes and fsyncs
each record, and turns a bad record into an error record with its id.

Exit status (for pipelines; ``docs/cli.md``): 0 when the citations were produced, link and
archive problems being reported as data (statuses) and ``embedres: warning:`` lines; 1 when a
batch output holds error records (this run's or an earlier one's), or with ``--strict`` when
any link could not be resolved or archiving failed; 2 usage, input or output error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import IO, Any

from embedres import batch
from embedres.citation import Citation
from embedres.cli._io import new_bar, read_input
from embedres.cli._network import add_network_options, blocked_hint, resolver_options
from embedres.errors import InvalidArgument
from embedres.export import registry
from embedres.pipeline import ArchiveMode

__all__ = ["FORMATS", "register", "render", "run"]

FORMATS = registry.names()  # the formats at import; the parser asks the registry
MAX_RECORD = batch.MAX_RECORD  # longest accepted batch line, in characters
_PROGRESS_DELAY = 2.0  # seconds before a bar appears: short runs stay quiet


def register(sub: Any) -> None:
    """Add the ``cite`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "cite",
        help="cite the social posts an article embeds (JSON, CSL, wikitext, APA, ...)",
        description="Detect embedded posts, resolve their links, optionally archive them, "
        "and print citations.",
    )
    p.add_argument("file", nargs="?", metavar="FILE", help="a UTF-8 text or HTML file, or -")
    p.add_argument("--format", "-f", choices=registry.names(), default="json", help="output format")
    p.add_argument("--style", help="style of --format html (apa, mla, ...; default apa)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--html", dest="html", action="store_true", default=None, help="read HTML")
    mode.add_argument("--text", dest="html", action="store_false", help="read plain text")
    p.add_argument("--offline", action="store_true", help="no network at all (cache only)")
    p.add_argument("--no-resolve", action="store_true", help="do not resolve links")
    p.add_argument("--no-hydrate", action="store_true", help="do not ask oEmbed endpoints")
    p.add_argument(
        "--archive", metavar="wayback|save|warc:DIR", help="find (or save, or capture) copies"
    )
    add_network_options(p)
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when a link could not be resolved or archiving failed",
    )
    p.add_argument("--links", action="store_true", help="also cite short links outside posts")
    p.add_argument("--accessed", metavar="DATE", help="access date (ISO), default today")
    p.add_argument("--batch", metavar="IN.jsonl", help="JSON Lines input, one article per line")
    p.add_argument("--out", metavar="OUT.jsonl", help="batch output (appended to, resumable)")
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="redo the error records already in --out (their old lines are replaced)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar in batch mode")
    _add_engine_options(p)
    p.set_defaults(func=run)


def _add_engine_options(p: argparse.ArgumentParser) -> None:
    """``--engine``, ``--workers``, ``--scheduler``, ``--part-size`` (issue #11)."""
    p.add_argument(
        "--engine", choices=("local", "dask", "spark"), default=None,
        help="run the batch in this process (local), on Dask or on Spark",
    )  # fmt: skip
    p.add_argument("--workers", type=int, metavar="N", help="Dask LocalCluster worker processes")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="a running Dask scheduler")
    p.add_argument("--part-size", type=int, metavar="N", help="records per Dask/Spark task")


def render(citations: list[Citation], fmt: str, style: str = "apa") -> str:
    """Render citations in one of :data:`FORMATS` (text without a final newline).

    Raises:
        InvalidArgument: unknown format or style.
    """
    return registry.get(fmt).render(citations, style)


def _accessed(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(f"--accessed must be an ISO date, not {text!r}") from None


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


def _options(args: argparse.Namespace) -> batch.BatchOptions:
    """The command line's options as :class:`embedres.batch.BatchOptions` (checked)."""
    mode, warc_dir = _archive_mode(args.archive)
    if args.style is not None and not registry.get(args.format).styled:
        raise InvalidArgument(  # issue #13: silently ignoring it printed another style
            f"--style applies to --format html only (for {args.style} as text use "
            f"--format {args.style if args.style in registry.names() else 'apa|mla|...'})"
        )
    return batch.BatchOptions(
        format=args.format, style=args.style or "apa", resolve=not args.no_resolve,
        hydrate=not args.no_hydrate, offline=args.offline, archive=mode, warc_dir=warc_dir,
        cache=args.cache, accessed=_accessed(args.accessed), html=args.html, links=args.links,
        shorteners=tuple(args.shortener), allow_private=args.allow_private,
    )  # fmt: skip


def _make_resolver(args: argparse.Namespace) -> Any:
    """The resolver of this run (its HTTP layer is imported only when it first fetches)."""
    from embedres.resolve.resolver import Resolver

    return Resolver(**resolver_options(args))


class _Bar:
    """A tqdm bar on stderr, shown on a terminal when a run lasts (``progress`` callback)."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = new_bar(
                total=total, unit="rec", delay=_PROGRESS_DELAY, disable=None
            )  # disable=None: only on a terminal
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _engine(args: argparse.Namespace) -> str:
    """The engine asked for (``--scheduler`` or ``--workers`` alone mean Dask)."""
    engine = getattr(args, "engine", None)
    dask_only = any(getattr(args, name, None) is not None for name in ("scheduler", "workers"))
    if engine == "local" and dask_only:
        raise InvalidArgument("--workers and --scheduler are for --engine dask")
    if engine in (None, "local") and getattr(args, "part_size", None) is not None and not dask_only:
        raise InvalidArgument("--part-size is for --engine dask or spark")
    if engine is None:
        engine = "dask" if dask_only else "local"
    return str(engine)


def _run_distributed(args: argparse.Namespace, options: batch.BatchOptions, engine: str) -> int:
    """``--batch ... --engine dask|spark``: input and output must be paths."""
    if args.batch == "-" or not args.out or args.out == "-":
        raise InvalidArgument(f"--engine {engine} needs --batch and --out paths, not stdin/stdout")
    if args.scheduler and engine != "dask":
        raise InvalidArgument("--scheduler is for --engine dask")
    if args.retry_failed:
        raise InvalidArgument("--retry-failed is for the local engine (rerun to resume a part)")
    report = batch.run(
        args.batch, args.out, options=options, engine=engine, workers=args.workers,
        scheduler=args.scheduler, part_size=args.part_size, max_record=MAX_RECORD,
    )  # fmt: skip
    if report.failed or report.earlier_failed:
        return 1
    return 1 if args.strict and report.partial else 0


def _run_batch(args: argparse.Namespace, options: batch.BatchOptions, resolver: Any) -> int:
    """``--batch``: a thin shell over :func:`embedres.batch.run`."""
    source: str | IO[bytes] = sys.stdin.buffer if args.batch == "-" else args.batch
    out: str | IO[str] = sys.stdout if not args.out or args.out == "-" else args.out
    bar = None if args.no_progress else _Bar()
    try:
        report = batch.run(
            source,
            out,
            options=options,
            progress=bar,
            resolver=resolver,
            max_record=MAX_RECORD,
            retry_failed=args.retry_failed,
        )
    finally:
        if bar is not None:
            bar.close()
    if report.failed or report.earlier_failed:
        return 1
    return 1 if args.strict and report.partial else 0


def run(args: argparse.Namespace) -> int:
    """Cite one article, or a batch of them; return the exit status."""
    if args.batch and args.file:
        raise InvalidArgument("give FILE or --batch, not both")
    if not args.batch and not args.file:
        raise InvalidArgument("cite needs FILE (or - for stdin) or --batch IN.jsonl")
    if not args.batch and args.out:
        raise InvalidArgument("--out is for --batch; redirect stdout instead")
    options = _options(args)
    if options.archive is not None and options.offline:
        print("embedres: warning: --offline: nothing is archived", file=sys.stderr)
    if args.batch and _engine(args) != "local":
        return _run_distributed(args, options, _engine(args))
    resolver = _make_resolver(args) if options.resolve else None
    try:
        if args.batch:
            return _run_batch(args, options, resolver)
        with batch.Session(options, resolver=resolver) as session:
            citations = session.cite(read_input(args.file))
    finally:
        close = getattr(resolver, "close", None)
        if callable(close):
            close()
    for c in citations:
        for warning in c.warnings:
            print(f"embedres: warning: {c.key}: {warning}", file=sys.stderr)
        for res in c.resolutions:
            hint = blocked_hint(res.url, res.status, res.error)
            if hint:
                print(f"embedres: warning: {c.key}: {hint}", file=sys.stderr)
    if not citations:
        print("embedres: no embedded posts found", file=sys.stderr)
    text = render(citations, options.format, options.style)
    if text:
        print(text)
    return 1 if args.strict and batch.partial_failure(citations) else 0
