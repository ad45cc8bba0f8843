"""Load test: resolve_many over thousands of links, several processes sharing one cache file.

Run by hand (figures go to docs/performance.md)::

    .venv/bin/python bench/load_resolve.py                     # 5,000 links, 50 workers, 2 procs
    .venv/bin/python bench/load_resolve.py --links 500 --json  # small (tests/package/test_load.py)

A server process (started here, loopback only) answers ``/r/N`` with a 302 to ``/f/N`` and
``/f/N`` with a small HTML page, on several ports. Each worker process resolves every link
with ``Resolver.resolve_many`` against the same SQLite cache file at the same time. Checked:
every result present once, in input order, ``ok`` with the expected final URL; no
``database is locked`` (nor any other cache warning); every link stored in the cache; peak
RSS of each worker, and its RSS at 10% and 100% of the links (flat memory).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.startswith("/r/"):
            self.send_response(302)
            self.send_header("Location", "/f/" + self.path[3:])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><head><title>final</title></head><body>ok</body></html>"
        self.send_response(200 if self.path.startswith("/f/") else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(port_file: str, ports: int) -> None:
    """Run ``ports`` loopback servers and write their ports to ``port_file``; never returns."""
    servers = []
    for _ in range(ports):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        srv.daemon_threads = True
        srv.request_queue_size = 256
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
    Path(port_file + ".tmp").write_text(json.dumps([s.server_address[1] for s in servers]))
    os.replace(port_file + ".tmp", port_file)
    while True:
        time.sleep(3600)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def worker(cache: str, url_file: str, workers: int) -> None:
    """Resolve every URL of ``url_file`` with resolve_many; print a JSON summary."""
    from embedres.resolve.resolver import Resolver

    urls, expected, allow = json.loads(Path(url_file).read_text())
    counter = _CountWarnings()
    logging.getLogger("embedres").addHandler(counter)
    checkpoints: dict[str, float] = {}

    def progress(done: int, total: int) -> None:
        for pct in (10, 50, 100):
            if f"{pct}%" not in checkpoints and done * 100 >= pct * total:
                checkpoints[f"{pct}%"] = round(_rss_mib(), 1)

    resolver = Resolver(cache=cache, allow_hosts=allow, timeout=60, max_retries=3)
    start = time.monotonic()
    results = resolver.resolve_many(urls, concurrency=workers, progress=progress)
    elapsed = time.monotonic() - start
    resolver.close()
    wrong = [
        (r.url, r.status, r.final_url, r.error)
        for r, want in zip(results, expected, strict=True)
        if r.status != "ok" or r.final_url != want
    ]
    print(
        json.dumps(
            {
                "results": len(results),
                "in_order": [r.url for r in results] == urls,
                "statuses": Counter(r.status for r in results),
                "from_cache": sum(r.from_cache for r in results),
                "wrong": wrong[:5],
                "wrong_count": len(wrong),
                "locked": sum("locked" in m for m in counter.messages),
                "cache_warnings": [m for m in counter.messages if "cache" in m][:5],
                "elapsed_s": round(elapsed, 2),
                "links_per_s": round(len(results) / elapsed, 1),
                "peak_rss_mib": round(_rss_mib(), 1),
                "rss_checkpoints_mib": checkpoints,
            }
        )
    )


def run(links: int, workers: int, procs: int, ports: int) -> dict[str, Any]:
    """Start the servers and ``procs`` workers; return the combined report."""
    tmp = Path(tempfile.mkdtemp(prefix="embedres-load-"))
    port_file = str(tmp / "ports.json")
    server = subprocess.Popen(
        [sys.executable, str(HERE), "--serve", port_file, "--ports", str(ports)]
    )
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(port_file):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the load server did not start")
            time.sleep(0.05)
        port_list = json.loads(Path(port_file).read_text())
        urls = [f"http://127.0.0.1:{port_list[i % ports]}/r/{i}" for i in range(links)]
        expected = [u.replace("/r/", "/f/") for u in urls]
        allow = [f"127.0.0.1:{p}" for p in port_list]
        url_file = tmp / "urls.json"
        url_file.write_text(json.dumps([urls, expected, allow]))
        cache = tmp / "cache.sqlite"
        env = dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
        )
        started = time.monotonic()
        children = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(HERE),
                    "--worker",
                    str(cache),
                    str(url_file),
                    "--workers",
                    str(workers),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(procs)
        ]
        reports = []
        for child in children:
            out, err = child.communicate(timeout=1800)
            if child.returncode != 0:
                raise RuntimeError(f"worker failed ({child.returncode}): {err[-3000:]}")
            reports.append(json.loads(out.splitlines()[-1]))
            reports[-1]["database_is_locked_in_stderr"] = "database is locked" in err
        wall = time.monotonic() - started
        db = sqlite3.connect(cache)
        try:
            stored = db.execute(
                "SELECT COUNT(*) FROM entries WHERE namespace = 'resolve/v1'"
            ).fetchone()[0]
        finally:
            db.close()
        return {
            "links": links,
            "workers": workers,
            "processes": procs,
            "ports": ports,
            "wall_s": round(wall, 2),
            "cache_entries": stored,
            "workers_report": reports,
        }
    finally:
        server.kill()
        server.wait()


def main() -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--links", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=50)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--ports", type=int, default=10)
    ap.add_argument("--json", action="store_true", help="print the report as one JSON line")
    ap.add_argument("--serve", metavar="PORT_FILE", help=argparse.SUPPRESS)
    ap.add_argument("--worker", nargs=2, metavar=("CACHE", "URLS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.ports)
        return 0
    if args.worker:
        worker(args.worker[0], args.worker[1], args.workers)
        return 0
    report = run(args.links, args.workers, args.procs, args.ports)
    ok = report["cache_entries"] == args.links and all(
        w["results"] == args.links
        and w["in_order"]
        and w["wrong_count"] == 0
        and w["locked"] == 0
        and not w["database_is_locked_in_stderr"]
        for w in report["workers_report"]
    )
    report["passed"] = ok
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"{args.links} links, {args.workers} workers x {args.procs} processes, "
            f"{args.ports} ports: wall {report['wall_s']} s, cache entries "
            f"{report['cache_entries']}"
        )
        for i, w in enumerate(report["workers_report"]):
            print(
                f"  process {i}: {w['results']} results, in order {w['in_order']}, statuses "
                f"{dict(w['statuses'])}, from cache {w['from_cache']}, wrong "
                f"{w['wrong_count']}, locked {w['locked']}, {w['links_per_s']} links/s, "
                f"peak RSS {w['peak_rss_mib']} MiB, RSS at {w['rss_checkpoints_mib']}"
            )
        print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
