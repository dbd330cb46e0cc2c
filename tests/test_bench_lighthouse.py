"""bench/lighthouse.py without Lighthouse: the figures kept from a report, the table, the targets.

(Lighthouse itself runs in ``./atlas bench``, not in the test suite: npm is not needed here.)
"""

from __future__ import annotations

from bench.lighthouse import figures, report, targets_met


def lh_report(lcp_ms: float, kib: float, score: float) -> dict:
    audits = {
        "first-contentful-paint": {"numericValue": 1500.0},
        "largest-contentful-paint": {"numericValue": lcp_ms},
        "total-blocking-time": {"numericValue": 120.4},
        "cumulative-layout-shift": {"numericValue": 0.0123},
        "interactive": {"numericValue": 7000.0},
        "total-byte-weight": {"numericValue": kib * 1024},
        "network-requests": {"details": {"items": [{}, {}, {}]}},
        "errors-in-console": {"details": {"items": [{"description": "Failed to load resource: 404"}]}},
    }
    return {"categories": {"performance": {"score": score}}, "audits": audits}


def test_figures_units_and_console_errors():
    f = figures(lh_report(5400.0, 1300.0, 0.81))
    assert (f["score"], f["fcp_s"], f["lcp_s"], f["tbt_ms"], f["cls"], f["kib"]) == (0.81, 1.5, 5.4, 120.0, 0.012, 1300.0)
    assert f["requests"] == 3 and f["console_errors"] == ["Failed to load resource: 404"]


def test_targets_are_serve_mobile_map():
    ok = {"serve": {"map": {"mobile": figures(lh_report(5900.0, 1500.0, 0.8))}}}
    assert targets_met(ok) == {"lcp_s": True, "mib": True, "score": True}
    slow = {"serve": {"map": {"mobile": figures(lh_report(6100.0, 1600.0, 0.79))}}}
    assert targets_met(slow) == {"lcp_s": False, "mib": False, "score": False}
    assert targets_met({"run": slow["serve"]}) is None
    assert "| `./atlas serve` | map | mobile | 0.79 | 1.5 s | 6.1 s |" in report(slow)
