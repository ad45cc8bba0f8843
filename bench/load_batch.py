"""Load test: a large JSON Lines batch streams through ``embedres cite --batch`` in bounded memory.

Run by hand (figures go to docs/performance.md)::

    .venv/bin/python bench/load_batch.py              # 100 MB of JSONL, compared with 10 MB
    .venv/bin/python bench/load_batch.py --mb 2 8 --json

Each record is an HTML article of about 10 kB with one embedded tweet (so every record gives a
citation). The command runs offline without resolution or hydration, so the figures measure the
batch machinery and the pure half. For each size: wall time, MB/s, records/s, the peak RSS of
the ``embedres`` process (``ru_maxrss`` of the waited child), and whether every input id came
out exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

_FILLER = (
    "<p>Le président a convoqué une réunion des hauts responsables, quelques heures après que "
    "les services ont confirmé la piste, a annoncé le porte-parole #Paris @AFP.</p>\n"
)


def make_batch(path: Path, megabytes: float) -> int:
    """Write about ``megabytes`` MB of JSONL records to ``path``; return the record count."""
    target = int(megabytes * 1_000_000)
    written = n = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < target:
            html = (
                _FILLER * 30 + f'<blockquote class="twitter-tweet"><p lang="fr">Post {n} #Moscou '
                f'<a href="https://t.co/CJ9ySZge7P">https://t.co/CJ9ySZge7P</a></p>&mdash; '
                f'RT France (@RTenfrancais) <a href="https://twitter.com/RTenfrancais/status/'
                f'{666616452582989824 + n}">17 novembre 2015</a></blockquote>\n' + _FILLER * 30
            )
            line = json.dumps({"id": f"r{n}", "html": html}, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    return n


def run_one(megabytes: float, tmp: Path) -> dict[str, Any]:
    """Build a batch of ``megabytes`` MB, cite it, and report time, RSS and completeness."""
    src, out = tmp / f"in-{megabytes}.jsonl", tmp / f"out-{megabytes}.jsonl"
    records = make_batch(src, megabytes)
    size = src.stat().st_size
    cmd = [
        sys.executable,
        "-m",
        "embedres",
        "cite",
        "--offline",
        "--no-resolve",
        "--no-hydrate",
        "--no-progress",
        "--batch",
        str(src),
        "--out",
        str(out),
    ]
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    err_path = tmp / "stderr.txt"
    start = time.monotonic()
    with err_path.open("wb") as err_fh:
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err_fh)
        _, wait_status, usage = os.wait4(child.pid, 0)  # this child's own rusage
    elapsed = time.monotonic() - start
    status = os.waitstatus_to_exitcode(wait_status)
    peak = usage.ru_maxrss / 1024
    err = err_path.read_bytes()
    ids = []
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            ids.append(json.loads(line)["id"])
    return {
        "megabytes": round(size / 1e6, 1),
        "records": records,
        "exit": status,
        "stderr_tail": err.decode("utf-8", "replace")[-300:] if status not in (0, 1) else "",
        "wall_s": round(elapsed, 1),
        "mb_per_s": round(size / 1e6 / elapsed, 2),
        "records_per_s": round(records / elapsed, 1),
        "peak_rss_mib": round(peak, 1),
        "every_record_once": len(ids) == records and len(set(ids)) == records,
    }


def main() -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, nargs="+", default=[10, 100], help="batch sizes in MB")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="embedres-batch-"))
    reports = []
    for mb in sorted(args.mb):
        reports.append(run_one(mb, tmp))
        for f in tmp.iterdir():
            f.unlink()
    if args.json:
        print(json.dumps(reports))
    else:
        for r in reports:
            print(
                f"{r['megabytes']} MB, {r['records']} records: exit {r['exit']}, "
                f"{r['wall_s']} s, {r['mb_per_s']} MB/s, {r['records_per_s']} records/s, "
                f"peak RSS {r['peak_rss_mib']} MiB, "
                f"every record once: {r['every_record_once']}"
            )
    return 0 if all(r["every_record_once"] and r["exit"] in (0, 1) for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
