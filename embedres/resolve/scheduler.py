"""Run many link walks hop by hop on worker threads that pull their own work.

There is no dispatcher thread in the middle: a worker that finishes a hop takes the next piece
of work itself, so no hop waits for another thread to be scheduled. Work comes from three
places, in this order:

* parked walks whose wait is over (a ``Retry-After``, a backoff, a busy host);
* new links, while fewer than a window of links are open: shorteners are usually the first
  hop, so their rate limits are met early and waited out while the rest of the batch runs;
* walks in progress, most recent first, so open links finish.

A walk that must wait is parked in a timer heap; no worker ever sleeps on it.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable

from embedres.net.hops import Walk
from embedres.net.ratelimit import RateLimiter

__all__ = ["run_batch"]

_WINDOW_PER_WORKER = 50  # open links per worker before continuations take precedence


class _Batch:
    def __init__(
        self,
        walks: list[Walk],
        step: Callable[[Walk], float | None],
        limiter: RateLimiter,
        finished: Callable[[Walk], None],
        window: int,
    ) -> None:
        self.fresh = list(reversed(walks))
        self.ready: list[Walk] = []
        self.parked: list[tuple[float, int, Walk]] = []
        self.seq = itertools.count()
        self.cv = threading.Condition()
        self.step, self.limiter, self.finished = step, limiter, finished
        self.window = window
        self.open = 0
        self.left = len(walks)
        self.error: BaseException | None = None

    def take(self) -> Walk | None:
        """The next walk to advance, or None when the batch is over (call with ``cv`` held)."""
        while self.left and self.error is None:
            now = time.monotonic()
            while self.parked and self.parked[0][0] <= now:
                self.ready.append(heapq.heappop(self.parked)[2])
            if self.fresh and (self.open < self.window or not self.ready):
                self.open += 1
                return self.fresh.pop()
            if self.ready:
                return self.ready.pop()
            self.cv.wait(self.parked[0][0] - now if self.parked else None)
        return None

    def park(self, walk: Walk, until: float) -> None:
        heapq.heappush(self.parked, (until, next(self.seq), walk))
        self.cv.notify()  # a worker waiting without a timeout must look at the new deadline

    def work(self) -> None:
        while True:
            with self.cv:
                walk = self.take()
            if walk is None:
                return
            wait = self.limiter.try_acquire(walk.host)
            if wait is not None:
                with self.cv:
                    self.park(walk, wait)
                continue
            wake = self.step(walk)
            with self.cv:
                if walk.result is not None:
                    self.open -= 1
                    self.left -= 1
                    try:
                        self.finished(walk)
                    except BaseException as exc:  # e.g. a progress callback: stop the batch
                        self.error = exc
                    if not self.left or self.error is not None:
                        self.cv.notify_all()
                elif wake is not None and wake > time.monotonic():
                    self.park(walk, wake)
                else:
                    self.ready.append(walk)
                    self.cv.notify()


def run_batch(
    walks: list[Walk],
    *,
    workers: int,
    step: Callable[[Walk], float | None],
    limiter: RateLimiter,
    finished: Callable[[Walk], None],
) -> None:
    """Advance every walk to its result on ``workers`` threads.

    Args:
        walks: the links, each a fresh :class:`~embedres.net.hops.Walk`.
        workers: threads (requests in flight at once).
        step: makes one hop; the caller's slot for ``walk.host`` is released by it.
        limiter: gives the per-host slots.
        finished: called once per walk with its result set (one call at a time).

    Raises:
        BaseException: whatever ``finished`` raised (the batch stops early).
    """
    batch = _Batch(walks, step, limiter, finished, _WINDOW_PER_WORKER * workers)
    threads = [
        threading.Thread(target=batch.work, name=f"embedres-resolve-{n}", daemon=True)
        for n in range(workers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if batch.error is not None:
        raise batch.error
