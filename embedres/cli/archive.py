"""``embedres archive``: STUB, replaced by the issue that builds it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add the ``archive`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser("archive", help="(not yet available)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Not yet available."""
    print("embedres: 'archive' is not available yet", file=sys.stderr)
    return 2
