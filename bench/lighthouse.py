"""Lighthouse (a third-party auditor) on the map page and on an empty Streamlit page, in one run.

``./atlas bench --lighthouse`` runs only this part (``./atlas bench`` runs it after the other
benchmarks). Lighthouse 12.2.3 is pinned in ``bench/lighthouse/package.json`` with its lockfile;
``./atlas bench`` installs it there (``npm ci``) and it drives Debian's Chromium
(``CHROME_PATH=/usr/bin/chromium``, headless, no sandbox). Not needed by ``./atlas test``.

For each way the atlas is served — ``serve`` (``./atlas serve``: HAProxy in front of one worker,
PostgreSQL) and ``run`` (``./atlas run``: one Streamlit process) — and each page — ``map`` (the
app's map page, ``/``, as ``asgi.py`` serves it), ``targets`` (``/targets``, a deep link) and ``empty`` (``bench/empty_app.py``, one line of
markdown: the framework's floor, served alike by ``bench/empty_asgi.py``) — it runs Lighthouse's ``mobile`` profile (simulated slow 4G, 4× CPU slowdown, 412×823)
and its ``desktop`` profile (1350×940, no throttling), each on a fresh load (cache and storage
cleared), and keeps: performance score, first contentful paint, largest contentful paint (LCP),
total blocking time, cumulative layout shift, time to interactive, bytes transferred, console
errors. Prints a table and writes ``bench/results/lighthouse-latest.json`` plus a copy named by
date and commit. Targets (issue 22, through ``serve``, mobile, map page): LCP ≤ 6 s, ≤ 1.5 MiB
transferred, performance ≥ 0.8.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from geo.data.paths import ROOT

__all__ = ["LIGHTHOUSE", "audit", "figures", "main", "run_all"]

LH_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LH_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
RESULTS = ROOT / "bench" / "results"
# served as ./atlas run serves the app: inside st.App with the compression and cache policy (ui/webassets.py)
PAGES = {"map": (ROOT / "asgi.py", "/"), "targets": (ROOT / "asgi.py", "/targets"),
         "empty": (ROOT / "bench" / "empty_asgi.py", "/")}
TARGETS = {"lcp_s": 6.0, "mib": 1.5, "score": 0.8}  # serve · mobile · map


def audit(url: str, preset: str, timeout: float = 300.0) -> dict:
    """Run Lighthouse on ``url`` with the ``mobile`` or ``desktop`` profile; return its JSON report."""
    cmd = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
           "--only-categories=performance,best-practices", f"--chrome-flags={CHROME_FLAGS}",
           "--max-wait-for-load=60000"]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                         env={**os.environ, "CHROME_PATH": CHROMIUM})
    if out.returncode != 0:
        raise RuntimeError(f"lighthouse {preset} {url} failed: {out.stderr.strip()[-800:]}")
    return json.loads(out.stdout)


def figures(report: dict) -> dict:
    """The figures kept from a Lighthouse report (seconds, milliseconds, KiB)."""
    a = report["audits"]

    def value(key: str, scale: float = 1.0, digits: int = 2) -> float | None:
        v = a.get(key, {}).get("numericValue")
        return round(v * scale, digits) if isinstance(v, (int, float)) else None

    console = a.get("errors-in-console", {}).get("details", {}).get("items", [])
    lcp_items = a.get("largest-contentful-paint-element", {}).get("details", {}).get("items", [])
    lcp_node = next((i.get("items", [{}])[0].get("node", {}) for i in lcp_items if i.get("items")), {})
    return {
        "score": report["categories"]["performance"]["score"],
        "fcp_s": value("first-contentful-paint", 1e-3),
        "lcp_s": value("largest-contentful-paint", 1e-3),
        "tbt_ms": value("total-blocking-time", 1, 0),
        "cls": value("cumulative-layout-shift", 1, 3),
        "tti_s": value("interactive", 1e-3),
        "kib": value("total-byte-weight", 1 / 1024, 0),
        "requests": len(a.get("network-requests", {}).get("details", {}).get("items", [])),
        "console_errors": [str(i.get("description", ""))[:200] for i in console],
        "lcp_element": lcp_node.get("snippet", "")[:160],
        "warnings": report.get("runWarnings", []),
    }


def _serve(exit_stack: ExitStack, script: Path, base: Path) -> str:
    """``./atlas serve`` with one worker running ``script``: HAProxy + worker (+ PostgreSQL for the app)."""
    from deploy.stack import Stack

    var = base / f"var-{script.stem}"
    var.mkdir(parents=True)
    # the empty page touches no store: a throwaway SQLite URL spares a second PostgreSQL
    url = None if script.name == "asgi.py" else f"sqlite:///{var / 'atlas.sqlite'}"
    stack = Stack(1, host="127.0.0.1", port=0, var_dir=var, fsync=False, script=script, database_url=url,
                  log=lambda msg: print(f"bench: serve {script.stem}: {msg}", file=sys.stderr, flush=True))
    exit_stack.enter_context(stack)
    return stack.url


def _run(exit_stack: ExitStack, script: Path, base: Path) -> str:
    """``./atlas run``: one Streamlit process running ``script``."""
    from bench.servers import start

    server = start(script, f"lighthouse-{script.stem}", {"ATLAS_VAR_DIR": str(base)})
    exit_stack.callback(server.stop)
    # the first session in a process loads the data: warm it as ./atlas serve warms its workers
    from deploy.warmup import warm

    warm([int(server.url.rsplit(":", 1)[1])], page="map" if script.name == "asgi.py" else "")
    return server.url


def run_all(modes: list[str], pages: list[str], presets: list[str]) -> dict:
    """Audit every (mode, page, preset); return ``{mode: {page: {preset: figures}}}``."""
    results: dict = {}
    base = Path(tempfile.mkdtemp(prefix="atlas-lighthouse-"))
    base.chmod(0o755)  # PostgreSQL runs as its own user when we are root: it must reach var/
    try:
        for mode in modes:
            with ExitStack() as exit_stack:
                urls: dict[Path, str] = {}  # one server per script (the map and Targets share one)
                for page in pages:
                    script, path = PAGES[page]
                    if script not in urls:
                        urls[script] = (_serve if mode == "serve" else _run)(exit_stack, script, base)
                    for preset in presets:
                        print(f"bench: lighthouse {mode} {page} {preset}…", file=sys.stderr, flush=True)
                        row = figures(audit(urls[script] + path, preset))
                        results.setdefault(mode, {}).setdefault(page, {})[preset] = row
                        print(f"bench:   {_line(row)}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return results


def _line(f: dict) -> str:
    return (f"perf {f['score']:.2f} · FCP {f['fcp_s']:.1f} s · LCP {f['lcp_s']:.1f} s · TBT {f['tbt_ms']:.0f} ms · "
            f"CLS {f['cls']:.3f} · {f['kib']:,.0f} KiB · console errors {len(f['console_errors'])}")


def report(results: dict) -> str:
    """A Markdown table of the figures (as in README and bench/README.md)."""
    lines = ["| served by | page | profile | performance | FCP | LCP | TBT | CLS | transferred |",
             "|---|---|---|---|---|---|---|---|---|"]
    for mode, pages in results.items():
        for page, presets in pages.items():
            for preset, f in presets.items():
                lines.append(f"| `./atlas {mode}` | {page} | {preset} | {f['score']:.2f} | {f['fcp_s']:.1f} s | "
                             f"{f['lcp_s']:.1f} s | {f['tbt_ms']:.0f} ms | {f['cls']:.3f} | {f['kib']:,.0f} KiB |")
    return "\n".join(lines)


def targets_met(results: dict) -> dict | None:
    f = results.get("serve", {}).get("map", {}).get("mobile")
    if not f:
        return None
    return {"lcp_s": f["lcp_s"] <= TARGETS["lcp_s"], "mib": f["kib"] / 1024 <= TARGETS["mib"],
            "score": f["score"] >= TARGETS["score"]}


def available() -> str | None:
    """None if Lighthouse can run here, else why not."""
    if not LIGHTHOUSE.exists():
        return f"{LIGHTHOUSE} missing (./atlas bench installs it: npm ci in bench/lighthouse)"
    if not shutil.which("node"):
        return "node missing (Debian: apt-get install nodejs npm)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} missing (apt-get install chromium)"
    return None


def main(argv: list[str] | None = None, commit: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog="./atlas bench --lighthouse", description=__doc__.split("\n\n")[0])
    ap.add_argument("--modes", nargs="+", choices=("serve", "run"), default=["serve", "run"])
    ap.add_argument("--pages", nargs="+", choices=tuple(PAGES), default=list(PAGES),
                    help="map (/), targets (/targets), empty (the framework's floor); default all three")
    ap.add_argument("--presets", nargs="+", choices=("mobile", "desktop"), default=["mobile", "desktop"])
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for the JSON results")
    ap.add_argument("--label", help="tag for the results file instead of the git commit (e.g. before)")
    args = ap.parse_args(argv)
    why = available()
    if why:
        print(f"bench: Lighthouse skipped: {why}", file=sys.stderr)
        return 1
    if commit is None:
        from bench.__main__ import git_commit

        commit = git_commit()
    version = json.loads((LIGHTHOUSE.parent.parent / "package.json").read_text())["version"]
    results = {"commit": args.label or commit, "date": dt.datetime.now().isoformat(timespec="seconds"),
               "lighthouse": version, "chromium": CHROMIUM, "cores": os.cpu_count(), "targets": TARGETS,
               "results": run_all(args.modes, args.pages, args.presets)}
    results["targets_met"] = targets_met(results["results"])
    table = report(results["results"])
    print(f"\nLighthouse {version} · {results['commit']} · {results['date']}\n{table}")
    if results["targets_met"] is not None:
        print("targets (serve · mobile · map: LCP ≤ 6 s, ≤ 1.5 MiB, performance ≥ 0.8): "
              + ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in results["targets_met"].items()))
    args.out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    (args.out / "lighthouse-latest.json").write_text(text, encoding="utf-8")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (args.out / f"lighthouse-{stamp}-{results['commit']}.json").write_text(text, encoding="utf-8")
    print(f"wrote {args.out / 'lighthouse-latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
