"""Per-host politeness: a minimum interval between requests and a concurrency cap.

The interface is a "not before" reservation, so a scheduler can park work instead of
sleeping in a worker thread::

    wait = limiter.try_acquire(host)      # None: a slot is yours; else a monotonic time
    if wait is None:
        try:
            ...                           # one request to host
        finally:
            limiter.release(host)
    else:
        park(work, until=wait)            # try again then

    limiter.defer(host, until)            # e.g. after a 429 with Retry-After

:func:`acquire` is the blocking convenience for callers without a scheduler; :class:`Pacer`
(one key of a limiter, with holds; the archiver's pacing) and :func:`shared_pacer` (the
process-wide ones) are the only other pacing in embedres. Keys are free-form
strings (a host, or an endpoint name such as ``"wayback-cdx"``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from embedres.errors import InvalidArgument
from embedres.net.options import check_number

__all__ = [
    "HostLimits",
    "InProcessRateLimiter",
    "Pacer",
    "RateLimiter",
    "acquire",
    "shared_pacer",
]

# How soon to look again when a key is at its concurrency cap: the slot frees when some
# request ends, which a polling caller cannot know in advance.
_BUSY_RETRY = 0.005


class RateLimiter(Protocol):
    """What the resolver and the archiver need from a rate limiter."""

    def try_acquire(self, key: str) -> float | None:
        """Take a slot for ``key`` now (None), or return the monotonic time to try again."""

    def release(self, key: str) -> None:
        """Give back a slot taken by :meth:`try_acquire`."""

    def defer(self, key: str, until: float) -> None:
        """Start no request for ``key`` before monotonic time ``until``."""


@dataclass(frozen=True, slots=True)
class HostLimits:
    """Limits for one key.

    Args:
        min_interval: seconds between the starts of two requests (0: no spacing).
        max_concurrent: requests in flight at once.
    """

    min_interval: float = 0.0
    max_concurrent: int = 4

    def __post_init__(self) -> None:
        if isinstance(self.min_interval, bool) or not isinstance(self.min_interval, (int, float)):
            raise InvalidArgument("min_interval must be a number of seconds")
        if not 0 <= self.min_interval < 86400:
            raise InvalidArgument(f"min_interval must be in [0, 86400), not {self.min_interval}")
        if isinstance(self.max_concurrent, bool) or not isinstance(self.max_concurrent, int):
            raise InvalidArgument("max_concurrent must be an int")
        if self.max_concurrent < 1:
            raise InvalidArgument(f"max_concurrent must be >= 1, not {self.max_concurrent}")


class InProcessRateLimiter:
    """A thread-safe :class:`RateLimiter` for one process.

    Args:
        default: limits for keys without their own entry.
        per_key: limits for particular keys.
        clock: the monotonic clock (injectable for tests).

    >>> clock = iter([0.0, 0.0, 0.1, 1.0]).__next__
    >>> rl = InProcessRateLimiter(HostLimits(min_interval=1.0), clock=clock)
    >>> rl.try_acquire("t.co") is None
    True
    >>> rl.release("t.co"); rl.try_acquire("t.co")
    1.0
    >>> rl.try_acquire("t.co") is None
    True
    """

    def __init__(
        self,
        default: HostLimits | None = None,
        *,
        per_key: Mapping[str, HostLimits] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        limits = [default or HostLimits(), *(per_key or {}).values()]
        if not all(isinstance(x, HostLimits) for x in limits):
            raise InvalidArgument("limits must be HostLimits values")
        self._default = default or HostLimits()
        self._per_key = dict(per_key or {})
        self._clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._active: dict[str, int] = {}

    def limits(self, key: str) -> HostLimits:
        """The limits that apply to ``key``."""
        return self._per_key.get(key, self._default)

    def try_acquire(self, key: str) -> float | None:
        """Take a slot for ``key`` now, or say when to try again (see :class:`RateLimiter`)."""
        lim = self.limits(key)
        with self._lock:
            now = self._clock()
            not_before = self._next.get(key, 0.0)
            if now < not_before:
                return not_before
            active = self._active.get(key, 0)
            if active >= lim.max_concurrent:
                return now + _BUSY_RETRY
            self._active[key] = active + 1
            self._next[key] = now + lim.min_interval
            return None

    def release(self, key: str) -> None:
        """Give back a slot (extra releases are ignored)."""
        with self._lock:
            active = self._active.get(key, 0) - 1
            if active > 0:
                self._active[key] = active
            else:
                self._active.pop(key, None)
                if self._next.get(key, 0.0) <= self._clock():
                    self._next.pop(key, None)  # forget idle keys so memory stays bounded

    def reserve(self, key: str, *, deadline: float | None = None) -> float | None:
        """Book the next start for ``key`` (ignoring the concurrency cap), and return its time.

        The archiver's pacers book slots ahead like this, so waiting threads queue in order.

        Args:
            key: the key.
            deadline: a clock value; when the slot would come later, nothing is booked.

        Returns:
            The clock time of the booked start (now or later), or None past ``deadline``.

        >>> rl = InProcessRateLimiter(HostLimits(min_interval=2.0), clock=lambda: 10.0)
        >>> rl.reserve("k"), rl.reserve("k"), rl.reserve("k", deadline=13.0)
        (10.0, 12.0, None)
        """
        lim = self.limits(key)
        with self._lock:
            slot = max(self._clock(), self._next.get(key, 0.0))
            if deadline is not None and slot > deadline:
                return None
            self._next[key] = slot + lim.min_interval
            return slot

    def not_before(self, key: str) -> float:
        """The clock time before which no request for ``key`` may start (0 when free)."""
        with self._lock:
            return self._next.get(key, 0.0)

    def defer(self, key: str, until: float) -> None:
        """Start no request for ``key`` before ``until`` (never moves a deferral earlier)."""
        with self._lock:
            self._next[key] = max(self._next.get(key, 0.0), until)


def acquire(limiter: RateLimiter, key: str, *, timeout: float | None = None) -> bool:
    """Wait (sleeping) until a slot for ``key`` is free and take it.

    Args:
        limiter: the limiter.
        key: the host or endpoint.
        timeout: give up after this many seconds (None: wait as long as needed).

    Returns:
        True when a slot was taken (call ``limiter.release(key)`` afterwards), False on timeout.
    """
    give_up = (
        None
        if timeout is None
        else time.monotonic() + check_number(timeout, "timeout", minimum=-1e-9)
    )
    while True:
        wait = limiter.try_acquire(key)
        if wait is None:
            return True
        now = time.monotonic()
        if give_up is not None and wait > give_up:
            return False
        time.sleep(max(0.0, min(wait - now, 1.0)))


class Pacer:
    """One key of a :class:`RateLimiter` as a blocking pacer: ``wait`` for a slot, ``hold``
    after a 429, ``delay`` to see what is owed. Thread-safe.

    Without a ``limiter`` the pacer keeps its own :class:`InProcessRateLimiter` spaced
    ``interval`` apart and books slots ahead (:meth:`InProcessRateLimiter.reserve`), so waiting
    threads go in order. With a shared ``limiter`` (a Resolver's and an Archiver's, say) the
    spacing is that limiter's for ``key`` and holds are passed on with ``defer``.

    Args:
        interval: the minimum gap between two requests, in seconds (own limiter only).
        limiter: a shared limiter (None: an own one).
        key: the limiter key paced.
        clock: a monotonic clock (tests pass a fake).
        sleep: the sleep function (tests pass a fake that advances the fake clock).
    """

    def __init__(
        self,
        interval: float = 0.0,
        *,
        limiter: RateLimiter | None = None,
        key: str = "pace",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._own: InProcessRateLimiter | None = None
        self._limiter: RateLimiter
        if limiter is None:
            self._own = self._limiter = InProcessRateLimiter(
                HostLimits(min_interval=interval), clock=clock
            )
        else:
            self._limiter = limiter
        self._key = key
        self._held = 0.0

    def wait(self, *, deadline: float | None = None) -> bool:
        """Block until a request may be sent, and reserve that slot.

        Args:
            deadline: a ``clock()`` value; when the slot would come later, nothing is
                reserved.

        Returns:
            True when the slot was reserved, False when it would pass ``deadline``.
        """
        if self._own is not None:
            slot = self._own.reserve(self._key, deadline=deadline)
            if slot is None:
                return False
            now = self._clock()
            if slot > now:
                self._sleep(slot - now)
            return True
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
        """Send nothing for ``seconds`` from now (after a 429 with ``Retry-After``)."""
        until = self._clock() + seconds
        with self._lock:
            self._held = max(self._held, until)
        self._limiter.defer(self._key, until)

    def delay(self) -> float:
        """Seconds until the next free slot (own limiter) or left of the longest hold."""
        if self._own is not None:
            return max(0.0, self._own.not_before(self._key) - self._clock())
        with self._lock:
            return max(0.0, self._held - self._clock())


_SHARED: dict[tuple[str, str], Pacer] = {}
_SHARED_LOCK = threading.Lock()


def shared_pacer(host: str, kind: str, interval: float) -> Pacer:
    """The process-wide pacer for ``(host, kind)``, created on first use.

    The Internet Archive counts requests per client IP, so every Archiver in the process
    shares these. The first caller's ``interval`` wins for a given key; later callers share it.
    """
    key = (host.lower(), kind)
    with _SHARED_LOCK:
        pacer = _SHARED.get(key)
        if pacer is None:
            pacer = _SHARED[key] = Pacer(interval)
        return pacer
