"""Scale-out figures (run by hand: python bench/scale_out.py [--records N] [--big N]).

Everything runs on this machine, against servers the script starts on 127.0.0.1 only: a
throwaway PostgreSQL (``$EMBEDRES_TEST_POSTGRES`` if set) and a loopback shortener farm
(``tests/support/farm.py``: latency, redirects; here also a ``429`` with ``Retry-After: 1`` on
the first request of every 100th link). It measures:

1. links/s of ``embedres.batch.run`` with the local engine (1 process) and with Dask (2 worker
   processes), each from a cold PostgreSQL cache, and whether the results are identical;
2. the per-host rate the global limiter held: 2 worker processes x 8 threads resolving against
   one host limited to 50 req/s, counted in the farm's own request log, beside the per-process
   limiter's overshoot;
3. the driver's peak RSS for a Dask run over 10k and ``--big`` records (no network).

No figure is asserted by the test suite; docs/performance.md quotes a run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from embedres import batch  # noqa: E402
from embedres.batch.dask_engine import open_client  # noqa: E402
from embedres.resolve.resolver import Resolver  # noqa: E402
from tests.support import pgserver  # noqa: E402
from tests.support.farm import Farm, busiest_window, farm  # noqa: E402
from tests.support.scale import options  # noqa: E402
from tests.support.servers import respond  # noqa: E402


class RateLimitedFarm(Farm):
    """The farm, plus a 429 (Retry-After: 1) on the first request of every 100th link."""

    def route(self, conn: Any, req: Any) -> None:
        kind, _, n = req.path.strip("/").partition("/")
        if kind == "s" and n.isdigit() and int(n) % 100 == 50 and self.paths[req.path] == 0:
            with self._lock:
                self.times.append(time.time())
                self.paths[req.path] += 1
            respond(429, [("Retry-After", "1")])(conn, req)
            return
        super().route(conn, req)


def new_database(server: str) -> str:
    import psycopg

    name = "b_" + uuid.uuid4().hex[:10]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.rpartition("/")[0] + "/" + name


def normalised(path: Path) -> list[Any]:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    for r in rows:
        for c in r["citations"]:
            for res in c.get("resolutions", []):
                res.pop("from_cache"), res.pop("resolved_at")
    return rows


def throughput(server: str, n: int, tmp: Path) -> dict[str, Any]:
    f = RateLimitedFarm(latency=0.005)
    from tests.support.servers import LoopbackServer

    with LoopbackServer({"*": f.route}) as srv:
        f.server = srv
        src = tmp / "links.jsonl"
        with open(src, "w", encoding="utf-8") as fh:
            for i in range(n):
                text = f"Story {i}: http://bit.ly:{f.port}/s/{i}"
                fh.write(json.dumps({"id": f"r{i}", "text": text}) + "\n")
        out: dict[str, Any] = {"links": n}
        t = time.perf_counter()
        batch.run(src, tmp / "local.jsonl", options=options(new_database(server)))
        out["local_s"] = time.perf_counter() - t
        client, owned = open_client(workers=2)
        try:
            t = time.perf_counter()
            batch.run(src, tmp / "dask.jsonl", options=options(new_database(server)),
                      engine="dask", client=client, part_size=max(1, n // 16))  # fmt: skip
            out["dask_s"] = time.perf_counter() - t
        finally:
            for thing in owned:
                thing.close()
        out["identical"] = normalised(tmp / "local.jsonl") == normalised(tmp / "dask.jsonl")
        out["requests"] = len(f.times)
    out["local_links_s"] = n / out["local_s"]
    out["dask_links_s"] = n / out["dask_s"]
    out["speedup"] = out["local_s"] / out["dask_s"]
    return out


def _hammer(cache: str, port: int, ids: list[int], interval: float) -> int:
    """One worker process: 8 threads resolving ``ids`` through one Resolver."""
    from embedres.batch.hostmap import StaticNames

    resolver = Resolver(cache=cache, allow_private=True, per_host_interval=interval,
                        name_resolver=StaticNames((("bit.ly", "127.0.0.1"),)))  # fmt: skip
    try:
        with ThreadPoolExecutor(8) as pool:
            urls = [f"http://bit.ly:{port}/t/{i}" for i in ids]
            return sum(r.status == "ok" for r in pool.map(resolver.resolve, urls))
    finally:
        resolver.close()


def held_rate(server: str, n: int, tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"limit_per_s": 50, "requests": n}
    client, owned = open_client(workers=2)
    try:
        for name, shared in (("global", True), ("per_process", False)):
            with farm() as f:
                caches = [new_database(server) if shared else str(tmp / f"{name}{k}.sqlite")
                          for k in range(2)]  # fmt: skip
                if shared:
                    caches[1] = caches[0]
                t = time.perf_counter()
                futs = [client.submit(_hammer, caches[k], f.port, list(range(k, n, 2)), 1 / 50,
                                      pure=False) for k in range(2)]  # fmt: skip
                ok = sum(x.result() for x in futs)
                span = time.perf_counter() - t
                out[name] = {"ok": ok, "busiest_1s": busiest_window(f.times),
                             "mean_per_s": round(len(f.times) / span, 1)}  # fmt: skip
    finally:
        for thing in owned:
            thing.close()
    return out


_DRIVER = """
import json, sys, time
from embedres import batch
from embedres.batch import BatchOptions
if __name__ == "__main__":
    t = time.perf_counter()
    r = batch.run(sys.argv[1], sys.argv[2], options=BatchOptions(resolve=False), engine="dask",
                  workers=2, part_size=int(sys.argv[3]))
    # VmHWM, not ru_maxrss: a forked child starts with its parent's ru_maxrss on Linux.
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
    print(json.dumps({"ok": r.ok, "s": time.perf_counter() - t,
                      "driver_peak_rss_mib": round(int(hwm) / 1024, 1)}))
"""


def driver_rss(count: int, tmp: Path) -> dict[str, Any]:
    src = tmp / f"in{count}.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(count):
            fh.write(f'{{"id": "r{i}", "text": "Article {i} without embeds."}}\n')
    script = tmp / "driver.py"
    script.write_text(_DRIVER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    part = max(1000, count // 200)
    cmd = [sys.executable, str(script), str(src), str(tmp / f"out{count}.jsonl"), str(part)]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    out: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    out["records"], out["part_size"] = count, part
    out["input_mib"] = round(src.stat().st_size / 2**20, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1000, help="links for the speed run")
    ap.add_argument("--held", type=int, default=600, help="requests for the held-rate run")
    ap.add_argument("--big", type=int, default=1_000_000, help="records of the big RSS run")
    args = ap.parse_args()
    server = os.environ.get("EMBEDRES_TEST_POSTGRES")
    pg = None if server else pgserver.start()
    server = server or (pg.dsn if pg else "")
    try:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            report = {
                "throughput": throughput(server, args.records, tmp),
                "held_rate": held_rate(server, args.held, tmp),
                "driver_rss": [driver_rss(n, tmp) for n in (10_000, args.big)],
                "bench_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
    finally:
        if pg is not None:
            pg.stop()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
