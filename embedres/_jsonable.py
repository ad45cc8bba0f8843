"""Turn result records into JSON-ready values (dataclasses, tuples, dates), and read JSON
from untrusted sources with a nesting cap (:func:`load_json`)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "jsonable", "load_json"]

MAX_JSON_DEPTH = 64
"""Deepest nesting :func:`load_json` accepts: real oEmbed, CDX, SPN and batch records are
under 10 levels; Python's decoder recurses, so 100,000 ``[`` would raise RecursionError."""

# Strings (whose brackets do not count) and brackets, found by one linear regex scan.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def _too_deep(text: str, max_depth: int) -> bool:
    if text.count("[") + text.count("{") <= max_depth:
        return False  # fast path: not enough brackets to nest that deep
    depth = 0
    for match in _TOKENS.finditer(text):
        char = match.group()[0]
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def load_json(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` for untrusted text: nesting capped, every failure a ValueError.

    Time is linear in the text; no RecursionError can escape.

    Args:
        text: the JSON text (bytes are decoded as UTF-8, bad bytes replaced).
        max_depth: the deepest nesting accepted.

    Returns:
        The decoded value.

    Raises:
        ValueError: the text is not JSON, or nests deeper than ``max_depth``.

    >>> load_json('{"a": [1, "]]]"]}')
    {'a': [1, ']]]']}
    >>> try:
    ...     load_json("[" * 100_000)
    ... except ValueError as exc:
    ...     print(exc)
    JSON nested deeper than 64 levels
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if _too_deep(text, max_depth):
        raise ValueError(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError:  # not reached under the cap; kept so none can ever escape
        raise ValueError(f"JSON nested deeper than {max_depth} levels") from None


def jsonable(value: Any) -> Any:
    """Return ``value`` as dicts, lists, strings, numbers, booleans and None.

    Dataclasses become dicts of their fields, tuples become lists, dates and
    datetimes become ISO 8601 strings.

    >>> from embedres.model import Entity
    >>> jsonable(Entity("Moscou", (10, 17)))
    {'text': 'Moscou', 'span': [10, 17]}
    >>> jsonable(date(2015, 11, 17))
    '2015-11-17'
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted(jsonable(v) for v in value)
    return value
