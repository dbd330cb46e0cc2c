"""Benchmark the atlas map page against a naive page, in one run on this machine.

Run ``./atlas bench`` (= ``.venv/bin/python -m bench``). Servers are started on loopback: the
app as ``./atlas run`` serves it (``asgi.py``: the map page with its first view, compression and
cache lifetimes), the naive page (``bench/naive_app.py``: streamlit-folium with the unsimplified
GeoJSON, local Leaflet, plain ``streamlit run`` as a first version would be) and the empty page
(``bench/empty_asgi.py``: served like the atlas, without a first view). For each it measures

- **bytes to the browser, default view**: Chromium (Debian, via Playwright + CDP), fresh context:
  websocket frames received + HTTP bodies as they came over the wire, split into *view data*
  (websocket + page-specific HTTP) and *framework assets* (Streamlit's JS/CSS bundle, the
  streamlit-folium component bundle, Leaflet: identical for both pages, cacheable);
- **year change, server time**: the time from the rerun request to the server's
  ``script_finished`` on a real websocket session (bench/wsclient.py), and the AppTest rerun
  time after changing the year slider; bytes sent per year change;
- **year change in the browser**: slider key press → district fills changed in the map iframe;
- **page load → map drawn**: navigation start → 16 ``path.leaflet-interactive`` in the map iframe;
- **memory per session**: server RSS growth per extra session (10 websocket sessions).

It prints medians and the ratio naive / atlas, and writes ``bench/results/latest.json`` plus a
copy named by date and commit, to compare across commits (``python -m bench.compare A B``).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from bench import wsclient
from bench.boundaries import ensure_static_link, full_districts_path
from bench.servers import Server, rss_mb, start
from geo.data.paths import ROOT

RESULTS = ROOT / "bench" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]  # as tests/conftest.py
TARGETS = {"view_kb": 120, "year_change_server_ms": 150, "map_share_s": 0.25, "year_change_js_ms": 50}
ASSET_PREFIXES = ("/static/", "/app/static/", "/component/", "/favicon")
VIEW_ASSETS = ("/app/static/atlas/",)  # the atlas's geometry asset is data of the view: counted as view data
YEARS_CYCLE = ["2016", "2020", "2018", "2022", "2015", "2024"]


def median(xs: list[float]) -> float | None:
    return round(statistics.median(xs), 4) if xs else None


# --- websocket sessions: server time per year change, memory per session -------------------------

def year_change(name: str, year: str) -> dict:
    """Return the widget change a browser sends when the year changes on page ``name``.

    The atlas's year control is in the map component (its state ``{"year": …}``); the naive
    page's is a select slider.
    """
    return {"atlas_map": {"year": int(year)}} if name == "atlas" else {"m_year": [year]}


async def _ws_year_changes(url: str, page: str, n: int, name: str = "atlas") -> dict:
    s = await wsclient.connect(url, page=page)
    first = await s.run()
    times, sizes, errors = [], [], list(first.errors)
    for i in range(n):
        r = await s.run(year_change(name, YEARS_CYCLE[i % len(YEARS_CYCLE)]))
        times.append(r.seconds)
        sizes.append(r.bytes_received)
        errors += r.errors
    await s.close()
    k = len(YEARS_CYCLE)
    return {"first_run_s": round(first.seconds, 4), "first_run_bytes": first.bytes_received,
            "year_change_server_ms": round(median(times) * 1000, 1),
            "year_change_server_ms_first_visit": round(median(times[:k]) * 1000, 1),
            "year_change_server_ms_revisit": round(median(times[k:]) * 1000, 1) if times[k:] else None,
            "year_change_server_ms_all":
            [round(t * 1000, 1) for t in times], "year_change_bytes": median(sizes), "ws_errors": errors}


async def _ws_memory(server: Server, page: str, k: int) -> dict:
    warm = await wsclient.connect(server.url, page=page)
    await warm.run()
    before = rss_mb(server.pid)
    sessions = []
    for _ in range(k):
        s = await wsclient.connect(server.url, page=page)
        await s.run()
        sessions.append(s)
    after = rss_mb(server.pid)
    for s in [warm, *sessions]:
        await s.close()
    return {"rss_before_mb": round(before, 1), "rss_after_mb": round(after, 1), "sessions": k,
            "mb_per_session": round((after - before) / k, 2)}


# --- AppTest: rerun time after a year change ----------------------------------------------------

def apptest_year_change(script: Path, n: int) -> float:
    """Return the median AppTest rerun time after a year change (the naive slider; the atlas's URL year)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=120).run()
    times = []
    for i in range(n):
        year = YEARS_CYCLE[i % len(YEARS_CYCLE)]
        sliders = [w for w in at.select_slider if w.key == "m_year"]
        if sliders:
            sliders[0].set_value(int(year))
        else:  # the atlas: AppTest cannot drive the map component; the year arrives through the URL
            at.query_params["year"] = year
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
    return round(median(times) * 1000, 1)


# --- Chromium: bytes, load to drawn, year change in the browser -----------------------------------

class NetLog:
    """Bytes received by a page (and its same-origin iframes), from the DevTools protocol."""

    def __init__(self, cdp) -> None:
        self.urls: dict[str, str] = {}
        self.http: dict[str, int] = {}
        self.ws = 0
        self.ws_frames = 0
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def _response(self, p) -> None:
        self.urls[p["requestId"]] = p["response"]["url"]

    def _finished(self, p) -> None:
        self.http[p["requestId"]] = int(p.get("encodedDataLength", 0))

    def _frame(self, p) -> None:
        data = p["response"]["payloadData"]
        self.ws += len(base64.b64decode(data)) if p["response"]["opcode"] == 2 else len(data.encode())
        self.ws_frames += 1

    def split(self) -> dict:
        assets = view_http = 0
        for rid, n in self.http.items():
            path = "/" + self.urls.get(rid, "").split("/", 3)[-1]
            if path.startswith(ASSET_PREFIXES) and not path.startswith(VIEW_ASSETS):
                assets += n
            else:
                view_http += n
        return {"ws_bytes": self.ws, "view_http_bytes": view_http, "asset_bytes": assets,
                "view_bytes": self.ws + view_http, "total_bytes": self.ws + view_http + assets}


FILLS_JS = "() => Array.from(document.querySelectorAll('path.leaflet-interactive')).map(e => e.getAttribute('fill'))"


def _fills(page, count: int = 16) -> list[str] | None:
    for frame in page.frames:
        try:
            fills = frame.evaluate(FILLS_JS)
        except Exception:  # frame detached while the map re-renders
            continue
        if len(fills) >= count:
            return fills[:count]
    return None


def _poll(page, predicate, timeout_s: float, what: str):
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(15)
    raise TimeoutError(what)


def _quiet(page, log: NetLog, quiet_s: float = 0.8, max_s: float = 10.0) -> None:
    """Wait until no websocket frame arrived for ``quiet_s`` (bounded): the view has settled."""
    end = time.perf_counter() + max_s
    last, since = log.ws_frames, time.perf_counter()
    while time.perf_counter() < end:
        page.wait_for_timeout(50)
        if log.ws_frames != last:
            last, since = log.ws_frames, time.perf_counter()
        elif time.perf_counter() - since >= quiet_s:
            return


DRAWN = {  # what "drawn" means on each page: the atlas's interactive map, drawn by the first view or the page
    "atlas": "() => document.querySelector('.atlas-root[data-ready]') && "
             "document.querySelectorAll('.atlas-root path.leaflet-interactive').length >= 16",
    "empty": "() => document.body && document.body.innerText.includes('empty page')",
}
#: Streamlit's page shown with the map in it (the first view's map taken over, ui/firstview.py's reveal).
PAGE_SHOWN = ("() => !!document.querySelector('#root .atlas-root[data-ready]') && "
              "!document.documentElement.classList.contains('atlas-loading')")


def _drawn(page, name: str):
    if name == "naive":
        return _fills(page)
    try:
        return page.evaluate(DRAWN[name])
    except Exception:  # navigation in progress
        return None


YEAR_SWITCH_JS = """() => {  // the map's own slider: input event → fills, legend and year label, one step
  const s = document.querySelector('.atlas-slider');
  const t0 = performance.now();
  s.value = String((+s.value + 1) % (+s.max + 1));
  s.dispatchEvent(new Event('input'));
  return performance.now() - t0;
}"""


def browse(browser, url: str, name: str = "atlas") -> dict:
    """Open ``url`` in a fresh context; measure load → drawn, bytes, and one year change."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        page = ctx.new_page()
        log = NetLog(ctx.new_cdp_session(page))
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit")
        _poll(page, lambda: _drawn(page, name), 60, "map never drawn")
        drawn = time.perf_counter() - t0
        if name == "atlas":
            _poll(page, lambda: page.evaluate(PAGE_SHOWN), 60, "page never shown")
            shown = time.perf_counter() - t0
        _quiet(page, log)
        load = log.split()
        row = {"load_to_drawn_s": drawn, **load}
        if name == "atlas":
            row["load_to_page_s"] = shown
        if name != "empty":
            fills = _fills(page)
            ws_before = log.ws
            slider = page.get_by_role("slider").first
            slider.focus()
            t1 = time.perf_counter()
            slider.press("Home")
            _poll(page, lambda: (f := _fills(page)) and f != fills, 30, "fills never changed")
            row["year_change_browser_s"] = time.perf_counter() - t1
            _quiet(page, log)
            row["year_change_ws_bytes"] = log.ws - ws_before
            if name == "atlas":
                row["year_change_js_ms"] = median([page.evaluate(YEAR_SWITCH_JS) for _ in range(10)])
        t2 = time.perf_counter()  # a second visit: the browser's HTTP cache is warm
        page.reload(wait_until="commit")
        _poll(page, lambda: _drawn(page, name), 60, "map never drawn after reload")
        row["load_to_drawn_warm_cache_s"] = time.perf_counter() - t2
        return row
    finally:
        ctx.close()


def _cpu_times() -> tuple[int, int] | None:
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + fields[4], sum(fields)  # idle + iowait, all


def settle(idle: float = 0.85, window_s: float = 0.2, max_s: float = 5.0) -> float:
    """Wait until the machine is quiet (``idle`` of the CPU time over ``window_s``), at most ``max_s``; return the idle share.

    Each page load starts on a quiet machine: the previous load's leftovers (the naive page's server
    and the browser still busy after it) made the empty page, measured next, up to 0.4 s slower, and
    the map's share of the load over it looked that much smaller than it is.
    """
    end = time.perf_counter() + max_s
    share = 0.0
    while time.perf_counter() < end:
        a = _cpu_times()
        time.sleep(window_s)  # the measuring window of the condition, not a wait for it
        b = _cpu_times()
        if a is None or b is None:
            return 1.0
        share = (b[0] - a[0]) / max(1, b[1] - a[1])
        if share >= idle:
            break
    return share


def run_browser(servers: dict[str, Server], runs: int) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[dict]] = {name: [] for name in servers}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, server in servers.items():  # warm-up: first page view of each server
                browse(browser, server.url + "/", name)
            for _ in range(runs):
                for name, server in servers.items():  # interleaved, so drift hits all alike
                    settle()  # each on a quiet machine
                    samples[name].append(browse(browser, server.url + "/", name))
        finally:
            browser.close()
    out = {}
    for name, rows in samples.items():
        out[name] = {k: median([r[k] for r in rows if r.get(k) is not None]) for k in rows[0]}
        out[name]["load_to_drawn_s_all"] = [round(r["load_to_drawn_s"], 3) for r in rows]
    return out


# --- report ---------------------------------------------------------------------------------------

def git_commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "geo", "ui", "pages", "app.py"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


ROWS = [  # (label, key, unit, scale, target key)
    ("view data to browser (default view)", "view_bytes", "KB", 1 / 1024, "view_kb"),
    ("  websocket frames", "ws_bytes", "KB", 1 / 1024, None),
    ("  page HTTP (HTML, health, …)", "view_http_bytes", "KB", 1 / 1024, None),
    ("framework assets (cacheable, same for both)", "asset_bytes", "KB", 1 / 1024, None),
    ("year change: server time (websocket)", "year_change_server_ms", "ms", 1, "year_change_server_ms"),
    ("year change: AppTest rerun", "apptest_year_change_ms", "ms", 1, None),
    ("year change: bytes sent", "year_change_bytes", "KB", 1 / 1024, None),
    ("year change: key press → fills changed", "year_change_browser_s", "s", 1, None),
    ("year change in the page (slider → fills, legend)", "year_change_js_ms", "ms", 1, "year_change_js_ms"),
    ("  year change, first visit of a year", "year_change_server_ms_first_visit", "ms", 1, None),
    ("  year change, year seen before", "year_change_server_ms_revisit", "ms", 1, None),
    ("page load → map drawn (fresh browser)", "load_to_drawn_s", "s", 1, None),
    ("page load → map drawn (browser cache warm)", "load_to_drawn_warm_cache_s", "s", 1, None),
    ("page load → Streamlit's page shown, map in it", "load_to_page_s", "s", 1, None),
    ("server memory per session", "mb_per_session", "MB", 1, None),
]


def map_share(results: dict) -> dict:
    """Return load → drawn minus the empty page's (the framework's floor).

    For the atlas (its interactive map, drawn by the first view), the naive page, and ``atlas_page``
    (Streamlit's page shown with the map in it).
    """
    e = results["empty"].get("load_to_drawn_s")
    out = {}
    for name, page, key in (("atlas", "atlas", "load_to_drawn_s"), ("naive", "naive", "load_to_drawn_s"),
                            ("atlas_page", "atlas", "load_to_page_s")):
        v = results[page].get(key)
        out[name] = round(v - e, 3) if v is not None and e is not None else None
    return out


def report(results: dict) -> None:
    a, n, e = results["atlas"], results["naive"], results["empty"]
    print(f"\nBenchmark {results['commit']} · {results['date']} · {results['machine']['cores']} cores · "
          f"median of {results['runs']} runs")
    print(f"{'':46} {'atlas':>10} {'naive':>10} {'empty':>10} {'naive/atlas':>12}  target")
    for label, key, unit, scale, target in ROWS:
        va, vn, ve = a.get(key), n.get(key), e.get(key)
        if va is None and vn is None:
            continue
        fa, fn, fe = (f"{v * scale:,.1f} {unit}" if v is not None else "–" for v in (va, vn, ve))
        ratio = f"{vn / va:,.1f}×" if va and vn else "–"
        tgt = ""
        if target:
            ok = va is not None and va * scale <= TARGETS[target]
            tgt = f"≤ {TARGETS[target]} {unit} {'ok' if ok else 'MISSED'}"
        print(f"{label:46} {fa:>10} {fn:>10} {fe:>10} {ratio:>12}  {tgt}")
    share = results.get("map_share_s", {})
    if share.get("atlas") is not None and share.get("naive") is not None:
        ok = share["atlas"] <= TARGETS["map_share_s"] and share["atlas"] <= share["naive"] / 2
        print(f"{'map share of load (page − empty page)':46} {share['atlas']:>8.2f} s {share['naive']:>8.2f} s "
              f"{'':>10} {'':>12}  ≤ {TARGETS['map_share_s']} s and ≤ naive/2 {'ok' if ok else 'MISSED'}")
    if share.get("atlas_page") is not None:
        print(f"{'  Streamlit page with the map − empty page':46} {share['atlas_page']:>8.2f} s")
    errs = a.get("ws_errors", []) + n.get("ws_errors", [])
    print(f"errors: {len(errs)}" + (f" {errs[:3]}" if errs else ""))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--lighthouse" in argv:  # only the Lighthouse part (bench/lighthouse.py), with its own options
        from bench import lighthouse

        return lighthouse.main([a for a in argv if a != "--lighthouse"])
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="browser page loads per app (default 5)")
    ap.add_argument("--changes", type=int, default=12, help="year changes per app over websocket (default 12)")
    ap.add_argument("--sessions", type=int, default=20, help="extra sessions for memory per session (default 20)")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    ap.add_argument("--no-apptest", action="store_true", help="skip the AppTest measurements")
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON results")
    ap.add_argument("--label", help="tag for the results file instead of the git commit (e.g. before)")
    ap.add_argument("--lighthouse", action="store_true",
                    help="run only Lighthouse (bench/lighthouse.py; its options: --modes, --pages, --presets)")
    ap.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    args = ap.parse_args(argv)

    full_districts_path()
    ensure_static_link()
    var = tempfile.mkdtemp(prefix="atlas-bench-var-")
    # the atlas as ./atlas run serves it (asgi.py); the empty page served alike, without a first view
    scripts = {"atlas": (ROOT / "asgi.py", ""), "naive": (ROOT / "bench" / "naive_app.py", ""),
               "empty": (ROOT / "bench" / "empty_asgi.py", "")}
    results: dict = {
        "commit": args.label or git_commit(), "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "streamlit": version("streamlit"), "streamlit_folium": version("streamlit-folium"),
                    "folium": version("folium")},
        "targets": TARGETS, "runs": args.runs, "atlas": {}, "naive": {}, "empty": {},
    }
    servers: dict[str, Server] = {}
    try:
        for name, (script, _) in scripts.items():
            servers[name] = start(script, f"bench-{name}", {"ATLAS_VAR_DIR": var})
        for name, server in servers.items():
            if name == "empty":
                continue
            print(f"bench: {name}: websocket year changes and memory per session…", file=sys.stderr)
            page = "map" if name == "atlas" else ""
            results[name].update(asyncio.run(_ws_year_changes(server.url, page, args.changes, name)))
            results[name].update(asyncio.run(_ws_memory(server, page, args.sessions)))
        if not args.no_browser:
            if Path(CHROMIUM).exists():
                print("bench: Chromium page loads and year changes…", file=sys.stderr)
                for name, row in run_browser(servers, args.runs).items():
                    results[name].update(row)
            else:
                print(f"bench: {CHROMIUM} missing, browser figures skipped (apt-get install chromium)",
                      file=sys.stderr)
        for name, server in servers.items():
            results[name]["server_rss_end_mb"] = round(rss_mb(server.pid), 1)
    finally:
        for server in servers.values():
            server.stop()
    if not args.no_apptest:
        print("bench: AppTest year changes…", file=sys.stderr)
        for name, (script, _) in scripts.items():
            if name == "empty":
                continue
            results[name]["apptest_year_change_ms"] = apptest_year_change(script, max(4, args.changes // 2))

    results["ratios_naive_over_atlas"] = {
        key: round(results["naive"][key] / results["atlas"][key], 2)
        for _, key, *_ in ROWS
        if isinstance(results["atlas"].get(key), (int, float)) and results["atlas"].get(key)
        and isinstance(results["naive"].get(key), (int, float))}
    a = results["atlas"]
    share = results["map_share_s"] = map_share(results)
    results["targets_met"] = {
        "view_kb": a.get("view_bytes") is not None and a["view_bytes"] / 1024 <= TARGETS["view_kb"],
        "year_change_server_ms": a["year_change_server_ms"] <= TARGETS["year_change_server_ms"],
        "map_share_s": share["atlas"] is not None and share["naive"] is not None
        and share["atlas"] <= TARGETS["map_share_s"] and share["atlas"] <= share["naive"] / 2,
        "year_change_js_ms": a.get("year_change_js_ms") is not None
        and a["year_change_js_ms"] <= TARGETS["year_change_js_ms"],
    }
    report(results)
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    (args.out / "latest.json").write_text(text, encoding="utf-8")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"{stamp}-{results['commit']}.json").write_text(text, encoding="utf-8")
    print(f"wrote {args.out / 'latest.json'} and {stamp}-{results['commit']}.json")
    if not args.no_lighthouse:
        from bench import lighthouse

        lh_args = ["--out", str(args.out)] + (["--label", args.label] if args.label else [])
        lighthouse.main(lh_args, commit=results["commit"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
