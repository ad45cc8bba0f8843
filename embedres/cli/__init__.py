"""The ``embedres`` command: a thin shell over the library.

Exit status (see ``docs/cli.md``): 0 success, 1 some records, links or archive actions failed
(for ``cite``: only with ``--strict``, or for failed batch records), 2 usage, input or output
error. Every failure ends in one ``embedres: error: ...`` line on stderr, an unexpected one
too (its traceback only with ``--debug`` or ``EMBEDRES_DEBUG=1``), so a pipeline's log parser
never meets a traceback; library warnings (logged on the ``embedres`` logger or raised with
:mod:`warnings`) become ``embedres: warning: ...`` lines. Each subcommand lives in its own
module with ``register(subparsers)``; the module sets ``func(args) -> int`` on its parser.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

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
    parser.add_argument(
        "--debug", action="store_true", help="print a traceback for unexpected errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (extract, resolve, archive, cite, check):
        module.register(sub)
    return parser


class _WarningLines(logging.Handler):
    """Library log records of level WARNING and above as ``embedres: warning:`` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not end the run
            message = str(record.msg)
        print(f"embedres: warning: {message}", file=sys.stderr)


def _show_warning(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
    print(f"embedres: warning: {message}", file=sys.stderr)


@contextlib.contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Route the library's warnings to stderr for the duration of one command."""
    logger = logging.getLogger("embedres")
    handler = _WarningLines(logging.WARNING)
    logger.addHandler(handler)
    before, logger.propagate = logger.propagate, False
    shown = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        yield
    finally:
        warnings.showwarning = shown
        logger.propagate = before
        logger.removeHandler(handler)


def _debug(argv: Sequence[str] | None) -> bool:
    return os.environ.get("EMBEDRES_DEBUG", "") not in ("", "0") or "--debug" in (
        argv if argv is not None else sys.argv[1:]
    )


def _quiet_stdout() -> None:
    """After an output error, point stdout at /dev/null so the interpreter's final flush
    cannot print a second error (a traceback) on its way out."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (never raises, whatever happens)."""
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
            return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
        with _warnings_to_stderr():
            status = int(args.func(args))
            sys.stdout.flush()  # an output error (disk full) surfaces here, not at exit
        return status
    except EmbedresError as exc:
        print(f"embedres: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("embedres: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:  # disk full, output closed...: one line, not two tracebacks
        _quiet_stdout()
        print(f"embedres: error: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug must not break a pipeline's log parsing
        if _debug(argv):
            traceback.print_exc(file=sys.stderr)
        text = " ".join(str(exc).split())[:300]
        print(
            f"embedres: error: internal error ({type(exc).__name__}: {text}); "
            "rerun with --debug or EMBEDRES_DEBUG=1 for a traceback",
            file=sys.stderr,
        )
        return EXIT_USAGE
