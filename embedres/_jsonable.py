"""Turn result records into JSON-ready values (dataclasses, tuples, dates)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

__all__ = ["jsonable"]


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
