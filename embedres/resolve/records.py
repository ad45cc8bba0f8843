"""Resolution records to and from JSON values (for the cache and the CLI).

Reading is defensive: anything that is not a well-formed record (an old schema, a garbage
row) gives None, so the cache treats it as a miss.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, get_args

from embedres._jsonable import jsonable
from embedres.model import Hop, Resolution, Status

__all__ = ["from_json", "to_json"]

_STATUSES = frozenset(get_args(Status))
_VIAS = frozenset({"http", "refresh", "meta", "js", "interstitial", "rewrite", "final"})


def to_json(res: Resolution) -> dict[str, Any]:
    """A Resolution as a JSON-ready dict (``from_cache`` is not stored).

    >>> to_json(Resolution("u", "offline"))["status"]
    'offline'
    """
    value: dict[str, Any] = jsonable(res)
    value.pop("from_cache", None)
    return value


def _opt_str(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError("not a string")


def _hop(value: Any) -> Hop:
    if not isinstance(value, dict) or value.get("via") not in _VIAS:
        raise TypeError("not a hop")
    code = value.get("status_code")
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
        raise TypeError("bad status code")
    url = value.get("url")
    if not isinstance(url, str):
        raise TypeError("bad hop url")
    return Hop(url, code, _opt_str(value.get("location")), value["via"])


def from_json(value: Any) -> Resolution | None:
    """Rebuild a Resolution from :func:`to_json`'s output; None for anything malformed.

    >>> r = Resolution("https://t.co/x", "dead", final_url="https://t.co/x")
    >>> from_json(to_json(r)) == r
    True
    >>> from_json({"url": 3}) is None
    True
    """
    if not isinstance(value, dict):
        return None
    try:
        status = value["status"]
        url = value["url"]
        if status not in _STATUSES or not isinstance(url, str):
            return None
        chain = value.get("chain", [])
        if not isinstance(chain, list):
            return None
        when = value.get("resolved_at")
        return Resolution(
            url=url,
            status=status,
            final_url=_opt_str(value.get("final_url")),
            chain=tuple(_hop(h) for h in chain),
            canonical_url=_opt_str(value.get("canonical_url")),
            error=_opt_str(value.get("error")),
            resolved_at=datetime.fromisoformat(when) if isinstance(when, str) else None,
        )
    except (KeyError, TypeError, ValueError):
        return None
