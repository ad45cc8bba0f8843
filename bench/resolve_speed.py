"""Resolver benchmark against a simulated shortener farm on loopback (run by hand).

    .venv/bin/python bench/resolve_speed.py [--links 500] [--latency 0.02] [--concurrency 20]
                                            [--seed 7] [--runs 3] [--no-naive]

The farm runs in a child process (so client CPU is measured alone) as three "hosts"
(127.0.0.11-13, one port each) answering a seeded plan of links of these kinds
(resolve_archive.md section 5): ``redirect`` (1-4 hops, every 3xx, 25% relative
``Location``), ``deep_chain`` (5-8 hops across hosts), ``meta_refresh`` (``<meta refresh>``,
a t.co-style page or a ``Refresh`` header on one hop), ``tco_ua`` (301 for non-browsers,
200 + meta/JS for browsers), ``head_405`` (HEAD answered 405), ``rate_limited`` (429 once or
twice, ``Retry-After`` in seconds or as an HTTP date), ``dead`` (404/410) and ``loop``
(2-3 hop cycles). Every request waits ``--latency`` seconds on the server.

Reported: final URL and status right, per kind; links/s (median of runs) against the ideal
(links / minimum time at that latency and concurrency, including the Retry-After waits
the farm asked for in that run: HTTP dates have whole seconds, so those waits are 2-3 s); requests
per link; TCP connections; client CPU seconds. Beside embedres, a naive ``requests`` loop
(a thread pool of sessions following redirects automatically).
"""

from __future__ import annotations

import argparse
import email.utils
import json
import math
import multiprocessing
import random
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = {
    "redirect": 200,
    "deep_chain": 40,
    "meta_refresh": 60,
    "tco_ua": 40,
    "head_405": 40,
    "rate_limited": 35,
    "dead": 55,
    "loop": 30,
}
HOSTS = ("127.0.0.11", "127.0.0.12", "127.0.0.13")
CODES = (301, 302, 303, 307, 308)


def make_plan(n: int, seed: int) -> list[dict[str, Any]]:
    """The links: each a kind and a list of steps, step j served at /<link>/<j>."""
    rng = random.Random(seed)
    kinds = [k for k, count in KINDS.items() for _ in range(count)]
    kinds = (kinds * (n // len(kinds) + 1))[:n]
    rng.shuffle(kinds)
    plan = []
    for kind in kinds:
        hops = rng.randint(5, 8) if kind == "deep_chain" else rng.randint(1, 4)
        steps: list[dict[str, Any]] = [
            {"t": "redir", "code": rng.choice(CODES), "rel": rng.random() < 0.25}
            for _ in range(hops)
        ]
        if kind == "meta_refresh":
            steps[rng.randrange(hops)] = {"t": rng.choice(["meta", "tco", "refresh"])}
        elif kind == "tco_ua":
            steps[0] = {"t": "tco_ua"}
        elif kind == "rate_limited":
            steps[0] = {"t": "rl", "n": rng.randint(1, 2), "date": rng.random() < 0.5}
        if kind == "loop":
            steps = steps[: rng.randint(2, 3)]
            steps[-1] = {"t": "loop"}
        else:
            steps.append(
                {"t": "dead", "code": rng.choice([404, 410])} if kind == "dead" else {"t": "final"}
            )
        hosts = [rng.randrange(len(HOSTS)) for _ in steps]
        if kind == "deep_chain":
            hosts = [(hosts[0] + j) % len(HOSTS) for j in range(len(steps))]
        plan.append({"kind": kind, "steps": steps, "hosts": hosts})
    return plan


def step_url(ports: list[int], plan: list[dict[str, Any]], i: int, j: int) -> str:
    h = plan[i]["hosts"][j]
    return f"http://{HOSTS[h]}:{ports[h]}/{i}/{j}"


def expected(ports: list[int], plan: list[dict[str, Any]], i: int) -> tuple[str, str | None]:
    link = plan[i]
    last = len(link["steps"]) - 1
    if link["kind"] == "loop":
        return "loop", None
    return ("dead" if link["kind"] == "dead" else "ok"), step_url(ports, plan, i, last)


def ideal_requests(link: dict[str, Any]) -> tuple[int, float]:
    """Requests a perfect resolver needs for a link, and the Retry-After time it must wait."""
    extra = sum(s["n"] for s in link["steps"] if s["t"] == "rl")
    wait = sum(s["n"] * (2.0 if s["date"] else 1.0) for s in link["steps"] if s["t"] == "rl")
    return len(link["steps"]) + extra, wait


def serve(plan: list[dict[str, Any]], latency: float, conn: Any) -> None:
    """The farm (child process): one threaded HTTP/1.1 server per host."""
    state: dict[str, Any] = {"requests": 0, "connections": 0, "rl": {}, "waits": {}}
    lock = threading.Lock()
    ports: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with lock:
                state["connections"] += 1

        def log_message(self, *args: Any) -> None:
            pass

        def send(self, code: int, headers: dict[str, str], body: bytes = b"") -> None:
            # One write per answer, so Nagle's algorithm never holds a second segment back.
            lines = [f"HTTP/1.1 {code} X", f"Content-Length: {len(body)}"]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
            self.wfile.write(head + (b"" if self.command == "HEAD" else body))

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            if self.path.startswith("/__"):
                if self.path == "/__reset":
                    with lock:
                        state.update(requests=0, connections=0, rl={}, waits={})
                return self.send(200, {}, json.dumps(state).encode())
            with lock:
                state["requests"] += 1
            time.sleep(latency)
            try:
                i, j = (int(x) for x in self.path.strip("/").split("/"))
                link, step = plan[i], plan[i]["steps"][j]
            except (ValueError, IndexError):
                return self.send(404, {})
            nxt = step_url(ports, plan, i, j + 1) if j + 1 < len(link["steps"]) else ""
            if link["kind"] == "head_405" and self.command == "HEAD":
                return self.send(405, {"Allow": "GET"})
            html = {"Content-Type": "text/html; charset=utf-8"}
            kind = step["t"]
            if kind == "redir":
                same = link["hosts"][j] == link["hosts"][j + 1]
                loc = f"/{i}/{j + 1}" if step["rel"] and same else nxt
                return self.send(step["code"], {"Location": loc})
            if kind == "loop":
                return self.send(302, {"Location": step_url(ports, plan, i, 0)})
            if kind == "rl":
                with lock:
                    seen = state["rl"].get(str(i), 0)
                    state["rl"][str(i)] = seen + 1
                if seen < step["n"]:
                    now = time.time()
                    until = math.ceil(now) + 2  # an HTTP date has whole seconds: 2-3 s away
                    wait, ra = (until - now, email.utils.formatdate(until, usegmt=True))
                    if not step["date"]:
                        wait, ra = 1.0, "1"
                    with lock:  # what a perfect client must wait, for the ideal
                        state["waits"][str(i)] = state["waits"].get(str(i), 0.0) + wait
                    return self.send(429, {"Retry-After": ra})
                return self.send(302, {"Location": nxt})
            if kind == "tco_ua" and "Mozilla" not in self.headers.get("User-Agent", ""):
                return self.send(301, {"Location": nxt})
            if kind in ("tco", "tco_ua"):
                esc = nxt.replace("/", "\\/")
                body = (
                    f'<head><noscript><META http-equiv="refresh" content="0;URL={nxt}">'
                    f"</noscript><title>{nxt}</title></head><script>window.opener = null; "
                    f'location.replace("{esc}")</script>'
                )
                return self.send(200, html, body.encode())
            if kind == "meta":
                body = f"<html><head><meta http-equiv='Refresh' content='0; url={nxt}'></head>"
                return self.send(200, html, body.encode())
            if kind == "refresh":
                return self.send(200, {"Refresh": f"0;url={nxt}"})
            if kind == "dead":
                return self.send(step["code"], html, b"<p>gone</p>")
            canon = f"https://example.org/article/{i}"
            body = f'<html><head><link rel="canonical" href="{canon}"></head><p>{i}</p></html>'
            return self.send(200, {**html, "Link": f'<{canon}>; rel="canonical"'}, body.encode())

    servers = []
    for host in HOSTS:
        srv = ThreadingHTTPServer((host, 0), Handler)
        srv.daemon_threads = True
        srv.request_queue_size = 256
        servers.append(srv)
        ports.append(srv.server_address[1])
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    conn.send(ports)
    conn.recv()  # wait until the parent is done


def farm_stats(ports: list[int], reset: bool = False) -> dict[str, Any]:
    import urllib.request

    path = "/__reset" if reset else "/__stats"
    with urllib.request.urlopen(f"http://{HOSTS[0]}:{ports[0]}{path}", timeout=10) as resp:
        return dict(json.loads(resp.read()))


def run_embedres(urls: list[str], concurrency: int) -> list[tuple[str, str | None]]:
    from embedres.resolve.resolver import Resolver

    r = Resolver(
        cache=None,
        allow_hosts=HOSTS,
        per_host_concurrency=concurrency,
        max_retry_after=10.0,
        timeout=30.0,
    )
    got = r.resolve_many(urls, concurrency=concurrency)
    out: list[tuple[str, str | None]] = [(res.status, res.final_url) for res in got]
    r.close()
    return out


def run_naive(urls: list[str], concurrency: int) -> list[tuple[str, str | None]]:
    import requests

    local = threading.local()

    def one(url: str) -> tuple[str, str | None]:
        if not hasattr(local, "s"):
            local.s = requests.Session()
        try:
            resp = local.s.get(url, timeout=10)
        except requests.TooManyRedirects:
            return "loop", None
        except requests.RequestException:
            return "error", None
        return ("ok" if resp.ok else "dead"), resp.url

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, urls))


def measure(
    name: str, fn: Any, args: argparse.Namespace, ports: list[int], plan: list[dict[str, Any]]
) -> dict[str, Any]:
    urls = [step_url(ports, plan, i, 0) for i in range(len(plan))]
    truth = [expected(ports, plan, i) for i in range(len(plan))]
    rates, cpu, ideals, stats, got = [], [], [], {}, []
    need = [ideal_requests(link)[0] for link in plan]
    for _ in range(args.runs):
        farm_stats(ports, reset=True)
        c0, t0 = time.process_time(), time.perf_counter()
        got = fn(urls, args.concurrency)
        rates.append(len(urls) / (time.perf_counter() - t0))
        cpu.append(time.process_time() - c0)
        stats = farm_stats(ports)
        # The ideal of this run: the Retry-After waits the farm actually asked for.
        chains = [n * args.latency + stats["waits"].get(str(i), 0.0) for i, n in enumerate(need)]
        t_min = max(sum(need) * args.latency / args.concurrency, max(chains))
        ideals.append(len(urls) / t_min)
    per_kind: dict[str, list[int]] = {}
    for link, want, have in zip(plan, truth, got, strict=True):
        ok_url = want[1] == have[1] if want[0] != "loop" else have[0] == "loop"
        per_kind.setdefault(link["kind"], [0, 0, 0])
        per_kind[link["kind"]][0] += ok_url
        per_kind[link["kind"]][1] += want[0] == have[0]
        per_kind[link["kind"]][2] += 1
    return {
        "name": name,
        "rate": statistics.median(rates),
        "ideal": statistics.median(ideals),
        "cpu": statistics.median(cpu),
        "requests": stats["requests"] / len(urls),
        "connections": stats["connections"],
        "per_kind": per_kind,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--links", type=int, default=500)
    ap.add_argument("--latency", type=float, default=0.02)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-naive", action="store_true")
    ap.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=list(KINDS),
        help="leave this kind of link out (repeatable)",
    )
    args = ap.parse_args()
    plan = [link for link in make_plan(args.links, args.seed) if link["kind"] not in args.skip]
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.Process(target=serve, args=(plan, args.latency, child), daemon=True)
    proc.start()
    ports = parent.recv()
    total = sum(ideal_requests(link)[0] for link in plan)
    runners = [("embedres", run_embedres)] + ([] if args.no_naive else [("naive", run_naive)])
    results = [measure(name, fn, args, ports, plan) for name, fn in runners]
    ideal = results[0]["ideal"]  # from the waits the farm asked of a client that honours them
    print(
        f"{len(plan)} links, latency {args.latency * 1000:g} ms, concurrency "
        f"{args.concurrency}, seed {args.seed}: {total} requests minimum, "
        f"T_min {len(plan) / ideal:.2f} s (Retry-After waits included), "
        f"ideal {ideal:.1f} links/s "
        f"({len(plan) * args.concurrency / (total * args.latency):.1f} ignoring the waits)"
    )
    print(
        "\n| adapter | final URL right | status right | links/s | % of ideal | req/link "
        "| connections | client CPU s |\n|---|---|---|---|---|---|---|---|"
    )
    for r in results:
        right = sum(v[0] for v in r["per_kind"].values())
        status = sum(v[1] for v in r["per_kind"].values())
        print(
            f"| {r['name']} | {100 * right / len(plan):.1f}% | {100 * status / len(plan):.1f}% "
            f"| {r['rate']:.1f} | {100 * r['rate'] / ideal:.1f}% | {r['requests']:.2f} "
            f"| {r['connections']} | {r['cpu']:.2f} |"
        )
    kinds = list(KINDS)
    print(
        "\nFinal URL right, per kind (%):\n\n| adapter | "
        + " | ".join(kinds)
        + " |\n|---|"
        + "---|" * len(kinds)
    )
    for r in results:
        cells = [
            f"{100 * r['per_kind'][k][0] / r['per_kind'][k][2]:.0f}" if k in r["per_kind"] else "-"
            for k in kinds
        ]
        print(f"| {r['name']} | " + " | ".join(cells) + " |")
    parent.send("done")
    proc.join(5)


if __name__ == "__main__":
    main()
