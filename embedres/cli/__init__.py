"""The ``embedres`` command: a thin shell over the library.

Exit status: 0 success, 1 partial failure (some records or links failed), 2 usage or input error.
Each subcommand lives in its own module with ``register(subparsers)``; the module sets
``func(args) -> int`` on its parser.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from embedres._version import __version__
from embedres.cli import archive, check, cite, extract, resolve
from embedres.errors import EmbedresError

__all__ = ["main"]

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="embedres",
        description="Detect, resolve, archive and cite social embeds and short links.",
    )
    parser.add_argument("--version", action="version", version=f"embedres {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (extract, resolve, archive, cite, check):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (never raises for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.func(args))
    except EmbedresError as exc:
        print(f"embedres: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("embedres: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
