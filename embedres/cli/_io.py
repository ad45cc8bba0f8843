"""Input and output helpers shared by the subcommands."""

from __future__ import annotations

import json
import sys
from typing import Any

from embedres._jsonable import jsonable
from embedres.errors import InputError

__all__ = ["dump_json", "new_bar", "read_input"]


def read_input(path: str) -> str:
    """Read a UTF-8 file, or standard input for ``-``.

    Raises:
        InputError: the path is missing, unreadable, a directory, or not UTF-8.
    """
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path!r} is not UTF-8 text (byte {exc.start})") from None


def dump_json(value: Any, *, indent: int | None = 2) -> str:
    """Serialise records as JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(jsonable(value), ensure_ascii=False, indent=indent)


def new_bar(**kwargs: Any) -> Any:
    """A tqdm progress bar on stderr (the one place the CLI imports tqdm; imported on first use)."""
    from tqdm import tqdm

    return tqdm(file=sys.stderr, **kwargs)
