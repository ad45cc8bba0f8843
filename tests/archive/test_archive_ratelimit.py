"""Pacing below the Archive's limits, Retry-After parsing, process-wide shared pacers."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timezone

import pytest
import responses

from embedres import InvalidArgument, RateLimited
from embedres.archive.archiver import INTERNET_ARCHIVE, Archiver
from embedres.archive.spn import ANON_INTERVAL, AUTH_INTERVAL
from embedres.net.ratelimit import HostLimits, InProcessRateLimiter, Pacer, shared_pacer
from embedres.net.retryafter import parse_retry_after
from tests.support.archive import FakeTime, make_archiver

REF = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("3", 3.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        (None, 60.0),
        ("", 60.0),
        ("soon", 60.0),
        ("-5", 60.0),
        ("²", 60.0),
        ("99999999999", 86400.0),
        ("Thu, 01 Jan 2026 00:00:30 GMT", 30.0),
        ("Wed, 31 Dec 2025 23:00:00 GMT", 0.0),
        ("Fri, 01 Jan 2100 00:00:00 GMT", 86400.0),
    ],
)
def test_retry_after_forms(value: str | None, seconds: float) -> None:
    assert parse_retry_after(value, now=REF) == seconds


def test_pacer_spaces_requests_and_honours_holds() -> None:
    t = FakeTime()
    pacer = Pacer(2.0, clock=t.clock, sleep=t.sleep)
    start = t.now
    for _ in range(3):
        assert pacer.wait()
    assert t.now - start == pytest.approx(4.0)  # first at once, then every 2 s
    pacer.hold(30.0)
    assert pacer.delay() == pytest.approx(30.0)
    assert not pacer.wait(deadline=t.now + 10)  # would pass the deadline: nothing reserved
    assert pacer.delay() == pytest.approx(30.0)
    assert pacer.wait()
    assert t.now - start == pytest.approx(34.0)


def test_pacer_is_thread_safe() -> None:
    pacer = Pacer(0.02)
    done: list[float] = []
    lock = threading.Lock()
    start = time.monotonic()

    def work() -> None:
        for _ in range(5):
            pacer.wait()
            with lock:
                done.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # 20 slots, each reserved once, 0.02 s apart: the last cannot start before 19 gaps passed
    # (wake-up jitter can only make threads later, never earlier).
    assert len(done) == 20 and max(done) - start >= 19 * 0.02 - 0.001


def test_pacers_are_shared_by_every_archiver_in_the_process() -> None:
    one, two = Archiver(keys=None), Archiver(keys=None)
    assert one._pacer("web.archive.org", "read", 2.0) is two._pacer("WEB.archive.org", "read", 9.0)
    assert shared_pacer("web.archive.org", "read", 1.0).interval == 2.0  # first caller's wins
    assert shared_pacer("web.archive.org", "save", 12.0) is not shared_pacer(
        "web.archive.org", "read", 2.0
    )
    t = FakeTime()  # an Archiver with its own clock gets its own pacers
    three = Archiver(keys=None, clock=t.clock, sleep=t.sleep)
    assert three._pacer("web.archive.org", "read", 2.0) is not one._pacer(
        "web.archive.org", "read", 2.0
    )


def test_defaults_stay_below_published_limits() -> None:
    # CDX: ~60/min per IP; SPN2: 7/min with keys, 3/min anonymous (resolve_archive.md 4c).
    assert 60 / INTERNET_ARCHIVE.interval <= 60 * 0.5
    assert 60 / AUTH_INTERVAL < 7 and 60 / ANON_INTERVAL < 3


def test_a_shared_rate_limiter_sets_spacing_and_receives_holds() -> None:
    t = FakeTime()
    limiter = InProcessRateLimiter(
        HostLimits(), per_key={"web.archive.org:read": HostLimits(min_interval=5.0)}, clock=t.clock
    )
    archiver = make_archiver(t, rate_limiter=limiter)
    with responses.RequestsMock() as mock:
        mock.get("https://web.archive.org/cdx/search/cdx", json=[])
        mock.get(
            "https://web.archive.org/cdx/search/cdx", status=429, headers={"Retry-After": "600"}
        )
        start = t.now
        assert archiver.lookup("example.com", date(2015, 11, 17)) is None
        with pytest.raises(RateLimited):
            archiver.lookup("example.com", date(2015, 11, 17))
        assert t.now - start == pytest.approx(5.0)  # the limiter's spacing, not the default 2 s
        # the hold is known to the shared limiter (a Resolver using it would wait too) ...
        again = limiter.try_acquire("web.archive.org:read")
        assert again is not None and again >= t.now + 590
        # ... and the next lookup fails fast without sending anything
        with pytest.raises(RateLimited):
            archiver.lookup("example.com", date(2015, 11, 17))
        assert len(mock.calls) == 2


def test_rate_limiter_must_look_like_one() -> None:
    with pytest.raises(InvalidArgument, match="rate_limiter"):
        Archiver(keys=None, rate_limiter=object())  # type: ignore[arg-type]
