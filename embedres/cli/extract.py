"""``embedres extract FILE|-``: print what detection finds, as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from embedres.cli._io import dump_json, read_input
from embedres.detect.extractor import extract

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``extract`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "extract", help="detect posts, hashtags, mentions, cashtags and links (offline)"
    )
    p.add_argument("file", metavar="FILE", help="a UTF-8 text or HTML file, or - for stdin")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--html", dest="html", action="store_true", default=None, help="read the input as HTML"
    )
    mode.add_argument("--text", dest="html", action="store_false", help="read it as plain text")
    mode.add_argument(
        "--markdown",
        action="store_true",
        help="read it as Markdown (raw HTML embeds inside are still read); default: sniffed",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Extract and print JSON on stdout."""
    text = read_input(args.file)
    markup = "markdown" if args.markdown else None
    print(dump_json(extract(text, html=args.html, markup=markup)))
    return 0
