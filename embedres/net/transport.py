"""The archiver's network seam: one request in, one :class:`Reply` out, plus pacing.

Every request the archiver makes goes through a :class:`Transport` callable, so the lookup and
save logic can be tested with ``responses`` or a fake, and the real transport (built on
``embedres.net.client``) enforces the address policy at connect time. Pacers are shared per
service host across every :class:`~embedres.archive.archiver.Archiver` in the process, because the
Internet Archive counts requests per client IP, not per object.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from embedres.errors import Unreachable
from embedres.net.ratelimit import HostLimits, InProcessRateLimiter, RateLimiter

__all__ = [
    "LimiterPacer",
    "Pacer",
    "Reply",
    "Transport",
    "Unreachable",
    "shared_pacer",
]


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


class Pacer:
    """Space requests at least ``interval`` seconds apart, thread-safe; honour back-off holds.

    The bookkeeping is an :class:`~embedres.net.ratelimit.InProcessRateLimiter` (the one
    limiter in embedres); a Pacer books slots ahead so waiting threads go in order.

    Args:
        interval: the minimum gap between two requests, in seconds (0 disables pacing).
        clock: a monotonic clock (tests pass a fake).
        sleep: the sleep function (tests pass a fake that advances the fake clock).
    """

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots = InProcessRateLimiter(HostLimits(min_interval=interval), clock=clock)

    def wait(self, *, deadline: float | None = None) -> bool:
        """Block until a request may be sent, and reserve that slot.

        Args:
            deadline: a ``clock()`` value; when the slot would come later, nothing is
                reserved.

        Returns:
            True when the slot was reserved, False when it would pass ``deadline``.
        """
        slot = self._slots.reserve(_KEY, deadline=deadline)
        if slot is None:
            return False
        now = self._clock()
        if slot > now:
            self._sleep(slot - now)
        return True

    def hold(self, seconds: float) -> None:
        """Send nothing for ``seconds`` from now (after a 429 with ``Retry-After``)."""
        self._slots.defer(_KEY, self._clock() + seconds)

    def delay(self) -> float:
        """Seconds until the next free slot (0 when a request may go now)."""
        return max(0.0, self._slots.not_before(_KEY) - self._clock())


class LimiterPacer(Pacer):
    """A :class:`Pacer` backed by a shared :class:`embedres.net.ratelimit.RateLimiter`.

    Spacing then comes from the limiter's limits for ``key`` (so a Resolver and an Archiver
    can share one limiter); holds after a 429 are passed on with ``defer``.
    """

    def __init__(
        self,
        limiter: RateLimiter,
        key: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(0.0, clock=clock, sleep=sleep)
        self._limiter = limiter
        self._key = key
        self._held = 0.0

    def wait(self, *, deadline: float | None = None) -> bool:
        """Block until the limiter grants ``key`` a slot (see :meth:`Pacer.wait`)."""
        while True:
            again = self._limiter.try_acquire(self._key)
            if again is None:
                # Only the spacing matters here: the slot is given back at once.
                self._limiter.release(self._key)
                return True
            if deadline is not None and again > deadline:
                return False
            self._sleep(max(again - self._clock(), 0.001))

    def hold(self, seconds: float) -> None:
        """Ask the limiter to start nothing for ``key`` for ``seconds``."""
        until = self._clock() + seconds
        with self._lock:
            self._held = max(self._held, until)
        self._limiter.defer(self._key, until)

    def delay(self) -> float:
        """Seconds left of the longest hold this pacer asked for."""
        with self._lock:
            return max(0.0, self._held - self._clock())


_KEY = "pace"  # a Pacer's limiter holds one key
_SHARED: dict[tuple[str, str], Pacer] = {}
_SHARED_LOCK = threading.Lock()


def shared_pacer(host: str, kind: str, interval: float) -> Pacer:
    """The process-wide pacer for ``(host, kind)``, created on first use.

    The first caller's ``interval`` wins for a given key; later callers share it.
    """
    key = (host.lower(), kind)
    with _SHARED_LOCK:
        pacer = _SHARED.get(key)
        if pacer is None:
            pacer = _SHARED[key] = Pacer(interval)
        return pacer
