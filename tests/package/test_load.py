"""Small versions of the load benchmarks (bench/load_resolve.py, bench/load_batch.py).

The full runs (5,000 links, 50 workers, 2 processes; a 100 MB batch) are run by hand; these
check the same properties at a size that fits the suite: nothing lost or duplicated, no
``database is locked``, every link cached once, and memory that does not grow with input size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.slow


def _bench(script: str, *args: str) -> Any:
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
        ),
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])


def test_resolve_many_two_processes_share_one_cache() -> None:
    """Two processes x resolve_many (10 workers) over 200 loopback links on one cache file:
    every result once and in order, all ``ok`` with the right final URL, no lock error, and
    every link stored in the cache."""
    report = _bench(
        "load_resolve.py", "--links", "200", "--workers", "10", "--procs", "2", "--ports", "4"
    )
    assert report["cache_entries"] == 200
    for w in report["workers_report"]:
        assert w["results"] == 200 and w["in_order"], w
        assert w["wrong_count"] == 0, w["wrong"]
        assert w["locked"] == 0 and not w["database_is_locked_in_stderr"], w
        assert not w["cache_warnings"], w["cache_warnings"]
    assert report["passed"]


def test_batch_memory_does_not_grow_with_input() -> None:
    """``embedres cite --batch`` streams: a 4x bigger batch costs less than 20 MiB more peak
    RSS, and every record comes out exactly once."""
    small, big = _bench("load_batch.py", "--mb", "0.5", "2")
    assert small["every_record_once"] and big["every_record_once"], (small, big)
    assert big["records"] >= 4 * small["records"] - 4
    assert big["peak_rss_mib"] - small["peak_rss_mib"] < 20, (small, big)
