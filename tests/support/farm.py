"""A loopback "shortener farm" for the scale-out tests and bench: short links, redirects, 404s.

Every path ``/s/N`` redirects to ``/t/N``, which answers 200; ``/x/N`` answers 404 and
``/slow/N`` answers after ``latency``. The server logs the time of every request it receives
(its own clock: the measure of the rate a limiter held) and counts requests per path.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.servers import LoopbackServer, Request, not_found, ok, redirect

__all__ = ["Farm", "busiest_window", "farm"]


class Farm:
    """The request log of a running farm."""

    def __init__(self, latency: float = 0.0) -> None:
        self.times: list[float] = []
        self.paths: Counter[str] = Counter()
        self.latency = latency
        self._lock = threading.Lock()
        self.server: LoopbackServer | None = None

    @property
    def port(self) -> int:
        """The farm's port."""
        assert self.server is not None
        return int(self.server.port)

    def route(self, conn: socket.socket, req: Request) -> None:
        """Answer one request and log it."""
        with self._lock:
            self.times.append(time.time())
            self.paths[req.path] += 1
        if self.latency:
            time.sleep(self.latency)
        kind, _, n = req.path.strip("/").partition("/")
        if kind == "s":
            redirect(f"/t/{n}")(conn, req)
        elif kind == "t":
            ok()(conn, req)
        else:
            not_found(conn, req)

    def repeated(self) -> int:
        """Requests beyond the first to any path."""
        with self._lock:
            return sum(c - 1 for c in self.paths.values() if c > 1)


def busiest_window(times: list[float], width: float = 1.0) -> int:
    """The most requests in any ``width``-second window of ``times``.

    >>> busiest_window([0.0, 0.5, 0.9, 1.2, 3.0])
    3
    """
    ts = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(ts):
        while ts[lo] <= t - width:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


@contextmanager
def farm(latency: float = 0.0) -> Iterator[Farm]:
    """Run a farm on 127.0.0.1 for the ``with`` block."""
    f = Farm(latency)
    with LoopbackServer({"*": f.route}) as srv:
        f.server = srv
        yield f
