"""Load test: 30 concurrent sessions against one app server on loopback.

Run ``./atlas load`` (= ``.venv/bin/python -m bench.load``). Starts the app on 127.0.0.1 (or uses
``--url http://127.0.0.1:PORT`` of a running one), opens ``--sessions`` real websocket sessions
(Streamlit's own protocol, bench/wsclient.py: each is what a browser tab is to the server), and
has each one load the map, then change years and districts ``--actions`` times with a short,
seeded think time. Bounded: at most ``--sessions`` (≤ 100) sessions, stops after ``--max-seconds``.
Prints p50/p95 latency (request → the server's script_finished), errors (must be 0) and server
memory, writes ``bench/results/load-latest.json``; exits 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import wsclient
from bench.servers import Server, rss_mb, start
from geo.paths import ROOT

RESULTS = ROOT / "bench" / "results"
MAX_SESSIONS = 100
YEARS = [str(y) for y in range(2015, 2025)]


def pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * len(xs) + 0.5) - 1))]


async def one_session(url: str, n: int, actions: int, think: tuple[float, float], deadline: float,
                      out: dict) -> None:
    rnd = random.Random(n)
    try:
        s = await wsclient.connect(url)
        try:
            r = await s.run(timeout=max(1.0, deadline - time.monotonic()))
            out["load"].append(r.seconds)
            out["errors"] += [f"session {n} load: {e}" for e in r.errors]
            districts = s.widgets["m_districts"].options if "m_districts" in s.widgets else []
            for i in range(actions):
                if time.monotonic() + think[1] >= deadline:
                    out["cut_short"] += 1
                    break
                await asyncio.sleep(rnd.uniform(*think))
                if i % 3 == 2 and districts:
                    change = {"m_districts": rnd.sample(districts, rnd.choice([0, 1, 2]))}
                    kind = "district"
                else:
                    change = {"m_year": [rnd.choice(YEARS)]}
                    kind = "year"
                r = await s.run(change, timeout=max(1.0, deadline - time.monotonic()))
                out[kind].append(r.seconds)
                out["bytes"].append(r.bytes_received)
                out["errors"] += [f"session {n} {kind}: {e}" for e in r.errors]
        finally:
            await s.close()
    except Exception as exc:  # connection refused, closed, protocol error: all count as errors
        out["errors"].append(f"session {n}: {type(exc).__name__}: {exc}")


async def sample_memory(pid: int, stop: asyncio.Event, samples: list[float]) -> None:
    while not stop.is_set():
        samples.append(rss_mb(pid))
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
        except asyncio.TimeoutError:
            pass


async def run_load(url: str, pid: int | None, sessions: int, actions: int, think: tuple[float, float],
                   max_seconds: float) -> dict:
    out: dict = {"load": [], "year": [], "district": [], "bytes": [], "errors": [], "cut_short": 0}
    mem: list[float] = []
    stop = asyncio.Event()
    rss_before = rss_mb(pid) if pid else None
    sampler = asyncio.create_task(sample_memory(pid, stop, mem)) if pid else None
    t0 = time.monotonic()
    deadline = t0 + max_seconds
    tasks = [asyncio.create_task(one_session(url, n, actions, think, deadline, out)) for n in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=max_seconds + 15)
    for task in pending:
        task.cancel()
        out["errors"].append("session cancelled at the time limit")
    elapsed = time.monotonic() - t0
    stop.set()
    if sampler:
        await sampler
    interactions = out["year"] + out["district"]
    ms = lambda xs, q: None if not xs else round(pct(xs, q) * 1000, 1)  # noqa: E731
    return {
        "sessions": sessions, "actions_per_session": actions, "think_s": list(think), "elapsed_s": round(elapsed, 1),
        "page_loads": len(out["load"]), "interactions": len(interactions),
        "load_p50_ms": ms(out["load"], 50), "load_p95_ms": ms(out["load"], 95),
        "interaction_p50_ms": ms(interactions, 50), "interaction_p95_ms": ms(interactions, 95),
        "year_change_p50_ms": ms(out["year"], 50), "year_change_p95_ms": ms(out["year"], 95),
        "district_change_p50_ms": ms(out["district"], 50), "district_change_p95_ms": ms(out["district"], 95),
        "bytes_per_interaction_median": statistics.median(out["bytes"]) if out["bytes"] else None,
        "errors": len(out["errors"]), "error_samples": out["errors"][:10], "cut_short": out["cut_short"],
        "server_rss_before_mb": round(rss_before, 1) if rss_before else None,
        "server_rss_peak_mb": round(max(mem), 1) if mem else None,
        "server_rss_end_mb": round(mem[-1], 1) if mem else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--actions", type=int, default=8, help="year/district changes per session (default 8)")
    ap.add_argument("--think", type=float, nargs=2, default=(3.0, 8.0), metavar=("MIN", "MAX"),
                    help="seconds a planner looks before the next click (default 3 8)")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="hard time limit (default 120)")
    ap.add_argument("--url", help="a running app on 127.0.0.1 (default: start one)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS:
        ap.error(f"--sessions must be 1…{MAX_SESSIONS}")

    server: Server | None = None
    if args.url:
        url, pid = args.url, None
        if not url.startswith(("http://127.0.0.1", "http://localhost")):
            ap.error("--url must be on loopback (127.0.0.1)")
    else:
        server = start(ROOT / "app.py", "load", {"ATLAS_VAR_DIR": tempfile.mkdtemp(prefix="atlas-load-var-")})
        url, pid = server.url, server.pid
    try:
        if server:  # warm the process (first run loads data and fills caches), as a deployed server would be
            asyncio.run(run_load(url, None, 1, 0, (0, 0), 60))
        print(f"load: {args.sessions} sessions × {args.actions} actions against {url} "
              f"(≤ {args.max_seconds:.0f} s)…", file=sys.stderr)
        res = asyncio.run(run_load(url, pid, args.sessions, args.actions, tuple(args.think), args.max_seconds))
    finally:
        if server:
            server.stop()
    res["date"] = dt.datetime.now().isoformat(timespec="seconds")
    print(f"sessions {res['sessions']}, page loads {res['page_loads']}, interactions {res['interactions']} "
          f"in {res['elapsed_s']} s")
    print(f"page load (first run)  p50 {res['load_p50_ms']} ms  p95 {res['load_p95_ms']} ms")
    print(f"year change            p50 {res['year_change_p50_ms']} ms  p95 {res['year_change_p95_ms']} ms")
    print(f"district change        p50 {res['district_change_p50_ms']} ms  p95 {res['district_change_p95_ms']} ms")
    print(f"all interactions       p50 {res['interaction_p50_ms']} ms  p95 {res['interaction_p95_ms']} ms")
    if res["server_rss_peak_mb"]:
        print(f"server memory          {res['server_rss_before_mb']} MB before, peak {res['server_rss_peak_mb']} MB, "
              f"≈ {(res['server_rss_peak_mb'] - res['server_rss_before_mb']) / res['sessions']:.2f} MB per session")
    print(f"errors: {res['errors']}" + (f"  {res['error_samples']}" if res["errors"] else ""))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load-latest.json").write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
