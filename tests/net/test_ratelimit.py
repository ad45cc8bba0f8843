"""The per-host rate limiter: intervals, concurrency caps, deferrals, the blocking helper."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from embedres.errors import InvalidArgument
from embedres.net.ratelimit import HostLimits, InProcessRateLimiter, acquire


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_min_interval_gives_a_not_before_time() -> None:
    clock = Clock()
    rl = InProcessRateLimiter(HostLimits(min_interval=2.0), clock=clock)
    assert rl.try_acquire("a") is None
    rl.release("a")
    assert rl.try_acquire("a") == 102.0
    assert rl.try_acquire("b") is None  # other hosts are independent
    clock.now = 102.0
    assert rl.try_acquire("a") is None


def test_concurrency_cap_per_key() -> None:
    clock = Clock()
    rl = InProcessRateLimiter(
        HostLimits(max_concurrent=2), per_key={"slow": HostLimits(max_concurrent=1)}, clock=clock
    )
    assert rl.try_acquire("a") is None and rl.try_acquire("a") is None
    busy = rl.try_acquire("a")
    assert busy is not None and busy > clock.now
    rl.release("a")
    assert rl.try_acquire("a") is None
    assert rl.try_acquire("slow") is None and rl.try_acquire("slow") is not None


def test_defer_only_moves_later() -> None:
    clock = Clock()
    rl = InProcessRateLimiter(clock=clock)
    rl.defer("a", 150.0)
    rl.defer("a", 120.0)
    assert rl.try_acquire("a") == 150.0


def test_acquire_blocks_until_free_and_times_out() -> None:
    rl = InProcessRateLimiter(HostLimits(min_interval=0.2))
    assert acquire(rl, "a")
    rl.release("a")
    start = time.monotonic()
    assert acquire(rl, "a")
    assert time.monotonic() - start >= 0.15
    rl.release("a")
    rl.defer("a", time.monotonic() + 60)
    assert acquire(rl, "a", timeout=0.05) is False


def test_threads_never_exceed_the_cap() -> None:
    rl = InProcessRateLimiter(HostLimits(max_concurrent=3))
    active, peak = 0, 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal active, peak
        for _ in range(20):
            assert acquire(rl, "h")
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.001)
            with lock:
                active -= 1
            rl.release("h")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= peak <= 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_interval": -1},
        {"min_interval": "1"},
        {"max_concurrent": 0},
        {"max_concurrent": 1.5},
        {"max_concurrent": True},
    ],
)
def test_bad_limits_raise(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        HostLimits(**kwargs)
