"""Profile one year change of the map page (cProfile inside Streamlit's script thread, via AppTest).

Run ``.venv/bin/python -m bench.profile [--app app.py|bench/naive_app.py] [--top 30]``: opens the
page, changes the year a few times and prints where the time of those reruns goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import threading
import time

from geo.data.paths import ROOT


def profile_year_changes(script: str, years: list[int]) -> tuple[pstats.Stats, list[float]]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / script), default_timeout=120).run()
    prof = cProfile.Profile()

    def hook(frame, event, arg):  # first event in each new thread: profile that thread
        sys.setprofile(None)
        prof.enable()

    times = []
    threading.setprofile(hook)
    try:
        for year in years:
            next(w for w in at.select_slider if w.key == "m_year").set_value(year)
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            assert not at.exception, at.exception
    finally:
        threading.setprofile(None)
    return pstats.Stats(prof), times


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.profile")
    ap.add_argument("--app", default="app.py")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--sort", default="cumulative")
    args = ap.parse_args()
    stats, times = profile_year_changes(args.app, [2016, 2020, 2024, 2018, 2022])
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats(args.sort).print_stats(args.top)
    print(f"{args.app}: {len(times)} year changes, rerun (profiled) {[round(t * 1000) for t in times]} ms")
    print(out.getvalue().replace(str(ROOT) + "/", "").replace(sys.prefix + "/lib/python3.11/site-packages/", ""))


if __name__ == "__main__":
    main()
