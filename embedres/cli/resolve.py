"""``embedres resolve URL... | -``: follow links to where they lead, as JSON lines.

One JSON object (a :class:`~embedres.model.Resolution`) per input URL, in input order, on
stdout; a progress bar on stderr when many links are resolved from a terminal. Exit status 0
when every link is ``ok``, 1 when some are not, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from embedres._jsonable import jsonable
from embedres.cli._io import new_bar, read_input
from embedres.cli._network import add_network_options, blocked_hint, resolver_options
from embedres.errors import InvalidArgument

__all__ = ["register", "run"]

_PROGRESS_FROM = 20  # links; fewer finish before a bar would be worth drawing


def register(sub: Any) -> None:
    """Add the ``resolve`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "resolve",
        help="follow short links to their final URL (JSON lines)",
        description="Resolve URLs hop by hop under the address policy; print JSON lines.",
    )
    p.add_argument(
        "urls",
        metavar="URL",
        nargs="+",
        help="URLs to resolve, or - to read one per line from stdin",
    )
    p.add_argument("--offline", action="store_true", help="answer only from the cache")
    p.add_argument(
        "--concurrency",
        type=int,
        default=10,
        metavar="N",
        help="links resolved at once (default 10)",
    )
    add_network_options(p)  # --shortener is accepted: every URL given is resolved anyway
    bar = p.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="always draw a progress bar on stderr",
    )
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never draw one")
    p.set_defaults(func=run)


def _urls(args: argparse.Namespace) -> list[str]:
    urls: list[str] = []
    for item in args.urls:
        if item == "-":
            urls.extend(line.strip() for line in read_input("-").splitlines() if line.strip())
        else:
            urls.append(item)
    return urls


def _progress_bar(total: int, wanted: bool | None) -> tuple[Callable[[int, int], None], Any]:
    if wanted is False or (wanted is None and (total < _PROGRESS_FROM or not sys.stderr.isatty())):
        return (lambda done, total: None), None
    bar = new_bar(total=total, unit="link", dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        bar.update(done - bar.n)

    return update, bar


def run(args: argparse.Namespace) -> int:
    """Resolve and print one JSON line per URL."""
    from embedres.resolve.resolver import Resolver

    if args.concurrency < 1:
        raise InvalidArgument("--concurrency must be at least 1")
    urls = _urls(args)
    resolver = Resolver(**resolver_options(args))
    update, bar = _progress_bar(len(set(urls)), args.progress)
    try:
        results = resolver.resolve_many(urls, concurrency=args.concurrency, progress=update)
    finally:
        if bar is not None:
            bar.close()
        resolver.close()
    out = sys.stdout
    for res in results:
        out.write(json.dumps(jsonable(res), ensure_ascii=False) + "\n")
    out.flush()
    for res in results:
        hint = blocked_hint(res.url, res.status, res.error)
        if hint:
            print(f"embedres: warning: {hint}", file=sys.stderr)
    return 0 if all(r.status == "ok" for r in results) else 1
