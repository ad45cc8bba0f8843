"""The one place where option values are checked: numbers, counts, flags, host lists, UAs.

:class:`~embedres.Resolver`, :class:`~embedres.Archiver`, :class:`~embedres.NetworkConfig` and
the HTTP client all check their arguments with these helpers, so the same mistake gets the
same :class:`~embedres.errors.InvalidArgument` message everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from embedres.errors import InvalidArgument

__all__ = [
    "check_count",
    "check_flag",
    "check_hosts",
    "check_number",
    "check_positive",
    "check_seconds",
    "check_user_agent",
]


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_number(value: object, name: str, *, minimum: float = 0.0) -> float:
    """Return ``value`` as a float, or raise InvalidArgument unless it is > ``minimum``.

    >>> check_number(2, "timeout")
    2.0
    """
    if not _is_number(value) or not value > minimum or not math.isfinite(value):  # type: ignore[operator,arg-type]
        raise InvalidArgument(
            f"{name} must be a finite number greater than {minimum:g}, not {value!r}"
        )
    return float(value)  # type: ignore[arg-type]


def check_positive(value: object, name: str, *, integer: bool = False, zero: bool = False) -> float:
    """``value`` if it is a number (an int when ``integer``) > 0 (>= 0 when ``zero``).

    Raises:
        InvalidArgument: otherwise, naming ``name``.

    >>> check_positive(3, "max_redirects", integer=True, zero=True)
    3
    """
    ok = isinstance(value, int) if integer else _is_number(value)
    if (
        isinstance(value, bool) or not ok or not math.isfinite(value)  # type: ignore[arg-type]
        or value < 0 or (value == 0 and not zero)  # type: ignore[operator]
    ):  # fmt: skip
        rule = ">= 0" if zero else "> 0"
        raise InvalidArgument(
            f"{name} must be {'an int' if integer else 'a number'} {rule}, not {value!r}"
        )
    return value  # type: ignore[return-value]


def check_seconds(value: object, name: str) -> float:
    """``value`` as float seconds >= 0.

    >>> check_seconds(0, "retry_wait")
    0.0
    """
    if not _is_number(value) or not value >= 0:  # type: ignore[operator]
        raise InvalidArgument(f"{name} must be a number of seconds >= 0, not {value!r}")
    return float(value)  # type: ignore[arg-type]


def check_count(value: object, name: str) -> int:
    """``value`` if it is an int >= 0.

    >>> check_count(10, "max_redirects")
    10
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgument(f"{name} must be an integer >= 0, not {value!r}")
    return value


def check_flag(value: object, name: str) -> bool:
    """``value`` if it is True or False.

    >>> check_flag(False, "offline")
    False
    """
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name} must be True or False")
    return value


def check_hosts(value: object, name: str = "allow_hosts") -> tuple[str, ...]:
    """``value`` as a tuple of ``HOST[:PORT]`` strings (a lone string is refused).

    >>> check_hosts(["example.org"])
    ('example.org',)
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidArgument(f"{name} must be a sequence of HOST[:PORT] strings, not a string")
    return tuple(value)


def check_user_agent(value: object) -> str | None:
    """``value`` if it is None or a non-empty one-line string.

    >>> check_user_agent("embedres-test/1") is not None
    True
    """
    if value is not None and (
        not isinstance(value, str) or not value.strip() or any(c in value for c in "\r\n\0")
    ):
        raise InvalidArgument("user_agent must be a non-empty one-line string")
    return value
