"""The archiver's network seam: one request in, one :class:`Reply` out.

Every request the archiver makes goes through a :class:`Transport` callable, so the lookup and
save logic can be tested with ``responses`` or a fake, and the real transport (built on
``embedres.net.client``) enforces the address policy at connect time. Pacing is
:mod:`embedres.net.ratelimit`'s (:class:`~embedres.net.ratelimit.Pacer`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from embedres.errors import Unreachable

__all__ = ["Reply", "Transport", "Unreachable"]


@dataclass(frozen=True, slots=True)
class Reply:
    """One HTTP answer as the archiver sees it."""

    status: int
    """The HTTP status code."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Response headers with lower-cased names."""
    body: bytes = b""
    """The (capped) body."""
    url: str = ""
    """The URL that answered."""

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), or None."""
        return self.headers.get(name.lower())


class Transport(Protocol):
    """Send one request without following redirects; raise :class:`Unreachable` on failure."""

    def __call__(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        data: Mapping[str, str] | None = None,
        timeout: float,
    ) -> Reply: ...
