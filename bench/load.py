"""Load test: concurrent sessions against the app on loopback: one process, a stack, or any URL.

Run ``./atlas load`` (= ``.venv/bin/python -m bench.load``). Targets one of

- a fresh app process on 127.0.0.1 (the default);
- ``--workers N [M …]``: for each count, a fresh stack of ``./atlas serve`` (HAProxy + N workers
  + PostgreSQL in a temp folder, workers warmed), one after the other, figures side by side;
- ``--url http://127.0.0.1:PORT``: anything running, e.g. the proxy of ``./atlas serve``.

It opens ``--sessions`` real sessions (bench/wsclient.py: each is what a browser tab is to the
server: it loads ``/``, keeps the cookies, so behind HAProxy it sticks to one worker, then speaks
Streamlit's websocket protocol) and has each one load the map, then change years and districts
``--actions`` times with a short, seeded think time. Bounded: at most ``--sessions`` (≤ 300)
sessions, stops after ``--max-seconds``. With ``--workers``, ``--sessions`` may list several counts
(e.g. ``--sessions 50 100 150``): every stack size is loaded with each, and the table ends with the
knee: the most sessions per worker measured at interaction p95 ≤ 1 s. Prints p50/p95 latency (request → the server's
script_finished), errors (must be 0), server memory and, behind HAProxy, sessions per worker;
writes ``bench/results/load-latest.json`` (``load-stack-latest.json`` with ``--workers``); exits 1
on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import wsclient
from bench.servers import Server, rss_mb, start
from geo.data.paths import ROOT

RESULTS = ROOT / "bench" / "results"
MAX_SESSIONS = 300
KNEE_P95_MS = 1000.0  # sizing: sessions per worker at interaction p95 ≤ 1 s
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
        s = await wsclient.connect(url, compression="deflate")  # as a browser: compressed messages
        try:
            r = await s.run(timeout=max(1.0, deadline - time.monotonic()))
            out["load"].append(r.seconds)
            out["worker"][s.cookies.get("ATLAS_WORKER", "-")] += 1
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
                    year = rnd.choice(YEARS)  # the map's own year control reports {"year": …} (the naive page: a slider)
                    change = {"atlas_map": {"year": int(year)}} if "atlas_map" in s.widgets else {"m_year": [year]}
                    kind = "year"
                r = await s.run(change, timeout=max(1.0, deadline - time.monotonic()))
                out[kind].append(r.seconds)
                out["bytes"].append(r.bytes_received)
                out["errors"] += [f"session {n} {kind}: {e}" for e in r.errors]
        finally:
            await s.close()
    except Exception as exc:  # connection refused, closed, protocol error: all count as errors
        out["errors"].append(f"session {n}: {type(exc).__name__}: {exc}")


def total_rss_mb(pids: list[int]) -> float:
    return sum(rss_mb(pid) for pid in pids)


async def sample_memory(pids: list[int], stop: asyncio.Event, samples: list[float]) -> None:
    while not stop.is_set():
        samples.append(total_rss_mb(pids))
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
        except TimeoutError:
            pass


async def run_load(url: str, pids: list[int], sessions: int, actions: int, think: tuple[float, float],
                   max_seconds: float) -> dict:
    """Run the sessions against ``url``; ``pids``: the server processes whose memory is sampled (summed)."""
    out: dict = {"load": [], "year": [], "district": [], "bytes": [], "errors": [], "cut_short": 0,
                 "worker": Counter()}
    mem: list[float] = []
    stop = asyncio.Event()
    rss_before = total_rss_mb(pids) if pids else None
    sampler = asyncio.create_task(sample_memory(pids, stop, mem)) if pids else None
    t0 = time.monotonic()
    deadline = t0 + max_seconds
    tasks = [asyncio.create_task(one_session(url, n, actions, think, deadline, out)) for n in range(sessions)]
    _done, pending = await asyncio.wait(tasks, timeout=max_seconds + 15)
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
        "sessions_per_worker": dict(sorted(out["worker"].items())), "server_processes": len(pids),
        "server_rss_before_mb": round(rss_before, 1) if rss_before else None,
        "server_rss_peak_mb": round(max(mem), 1) if mem else None,
        "server_rss_end_mb": round(mem[-1], 1) if mem else None,
    }


def run_stack(workers: int, sessions: int, args: argparse.Namespace) -> dict:
    """Start ``./atlas serve``'s stack with ``workers`` on loopback (throwaway PostgreSQL), load it, stop it."""
    from deploy.stack import Stack

    base = Path(tempfile.mkdtemp(prefix="atlas-load-stack-"))
    base.chmod(0o755)  # as root, the postgres user must reach its data folder
    try:
        with Stack(workers, host="127.0.0.1", port=0, var_dir=base / "var", fsync=False,
                   log=lambda msg: print(f"load: {msg}", file=sys.stderr)) as stack:
            print(f"load: {sessions} sessions × {args.actions} actions against HAProxy {stack.url} + "
                  f"{workers} worker(s) (≤ {args.max_seconds:.0f} s)…", file=sys.stderr)
            res = asyncio.run(run_load(stack.url, [w.pid for w in stack.workers], sessions, args.actions,
                                       tuple(args.think), args.max_seconds))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    res["workers"] = workers
    return res


def _per_session(res: dict) -> float | None:
    if not res["server_rss_peak_mb"] or not res["server_rss_before_mb"]:
        return None
    return round((res["server_rss_peak_mb"] - res["server_rss_before_mb"]) / res["sessions"], 2)


def print_result(res: dict) -> None:
    print(f"sessions {res['sessions']}, page loads {res['page_loads']}, interactions {res['interactions']} "
          f"in {res['elapsed_s']} s")
    print(f"page load (first run)  p50 {res['load_p50_ms']} ms  p95 {res['load_p95_ms']} ms")
    print(f"year change            p50 {res['year_change_p50_ms']} ms  p95 {res['year_change_p95_ms']} ms")
    print(f"district change        p50 {res['district_change_p50_ms']} ms  p95 {res['district_change_p95_ms']} ms")
    print(f"all interactions       p50 {res['interaction_p50_ms']} ms  p95 {res['interaction_p95_ms']} ms")
    if res["server_rss_peak_mb"]:
        print(f"server memory          {res['server_rss_before_mb']} MB before, peak {res['server_rss_peak_mb']} MB, "
              f"≈ {_per_session(res)} MB per session")
    print(f"errors: {res['errors']}" + (f"  {res['error_samples']}" if res["errors"] else ""))


ROWS = [
    ("sessions", lambda r: r["sessions"]),
    ("sessions per worker", lambda r: " / ".join(str(v) for v in r["sessions_per_worker"].values())),
    ("page loads / interactions", lambda r: f"{r['page_loads']} / {r['interactions']}"),
    ("errors", lambda r: r["errors"]),
    ("page load p50 / p95 ms", lambda r: f"{r['load_p50_ms']} / {r['load_p95_ms']}"),
    ("year change p50 / p95 ms", lambda r: f"{r['year_change_p50_ms']} / {r['year_change_p95_ms']}"),
    ("district change p50 / p95 ms", lambda r: f"{r['district_change_p50_ms']} / {r['district_change_p95_ms']}"),
    ("interaction p50 / p95 ms", lambda r: f"{r['interaction_p50_ms']} / {r['interaction_p95_ms']}"),
    ("workers' RSS before / peak MB", lambda r: f"{r['server_rss_before_mb']} / {r['server_rss_peak_mb']}"),
    ("MB per session (peak)", _per_session),
    ("elapsed s", lambda r: r["elapsed_s"]),
]


def knee(results: list[dict]) -> dict[int, float | None]:
    """Per stack size: the most sessions per worker measured with 0 errors and interaction p95 ≤ 1 s."""
    out: dict[int, float | None] = {}
    for r in results:
        ok = not r["errors"] and r["interaction_p95_ms"] is not None and r["interaction_p95_ms"] <= KNEE_P95_MS
        best = out.get(r["workers"])
        if ok and (best is None or r["sessions"] / r["workers"] > best):
            out[r["workers"]] = r["sessions"] / r["workers"]
        else:
            out.setdefault(r["workers"], None)
    return out


def print_side_by_side(results: list[dict]) -> None:
    """Print one column per stack size (and session count)."""
    heads = [f"{r['workers']} worker" + ("s" if r["workers"] > 1 else "") + f" · {r['sessions']}" for r in results]
    width = max(len(label) for label, _ in ROWS) + 2
    print("".ljust(width) + "".join(h.rjust(18) for h in heads))
    for label, value in ROWS:
        print(label.ljust(width) + "".join(str(value(r)).rjust(18) for r in results))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[30],
                    help="concurrent sessions (default 30); with --workers several counts, e.g. 50 100 150")
    ap.add_argument("--actions", type=int, default=8, help="year/district changes per session (default 8)")
    ap.add_argument("--think", type=float, nargs=2, default=(3.0, 8.0), metavar=("MIN", "MAX"),
                    help="seconds a planner looks before the next click (default 3 8)")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="hard time limit per run (default 120)")
    target = ap.add_mutually_exclusive_group()
    target.add_argument("--url", help="a running app or proxy on 127.0.0.1 (default: start one app process)")
    target.add_argument("--workers", type=int, nargs="+", metavar="N",
                        help="start HAProxy + N workers + PostgreSQL for each N in turn, e.g. --workers 1 2")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if not all(1 <= n <= MAX_SESSIONS for n in args.sessions):
        ap.error(f"--sessions must be 1…{MAX_SESSIONS}")
    if len(args.sessions) > 1 and not args.workers:
        ap.error("several --sessions counts need --workers")
    if args.workers and not all(1 <= n <= 8 for n in args.workers):
        ap.error("--workers: 1…8 each")
    args.out.mkdir(parents=True, exist_ok=True)
    date = dt.datetime.now().isoformat(timespec="seconds")

    if args.workers:
        results = [run_stack(n, k, args) for n in args.workers for k in args.sessions]
        for res in results:
            res["date"] = date
        print_side_by_side(results)
        sizing = knee(results)
        print("sessions per worker at interaction p95 ≤ 1 s (most measured): "
              + ", ".join(f"{n} worker{'s' if n > 1 else ''}: {v if v is not None else 'none of the counts'}"
                          for n, v in sizing.items()))
        for res in results:
            if res["errors"]:
                print(f"errors with {res['workers']} workers: {res['error_samples']}")
        (args.out / "load-stack-latest.json").write_text(
            json.dumps({"date": date, "runs": results, "sessions_per_worker_at_p95_1s": sizing},
                       ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return 1 if any(r["errors"] for r in results) else 0

    server: Server | None = None
    if args.url:
        url, pids = args.url, []
        if not url.startswith(("http://127.0.0.1", "http://localhost")):
            ap.error("--url must be on loopback (127.0.0.1)")
    else:
        server = start(ROOT / "asgi.py", "load", {"ATLAS_VAR_DIR": tempfile.mkdtemp(prefix="atlas-load-var-")})
        url, pids = server.url, [server.pid]
    try:
        if server:  # warm the process (first run loads data and fills caches), as a deployed server would be
            asyncio.run(run_load(url, [], 1, 0, (0, 0), 60))
        print(f"load: {args.sessions[0]} sessions × {args.actions} actions against {url} "
              f"(≤ {args.max_seconds:.0f} s)…", file=sys.stderr)
        res = asyncio.run(run_load(url, pids, args.sessions[0], args.actions, tuple(args.think), args.max_seconds))
    finally:
        if server:
            server.stop()
    res["date"] = date
    print_result(res)
    (args.out / "load-latest.json").write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
