"""Classify values into colour classes: quantiles, natural breaks (Fisher–Jenks), equal interval, policy 80.

Breaks are the inner class boundaries (k classes have k−1 breaks); a value v falls in class i
where i = number of breaks ≤ v. Palettes are ColorBrewer schemes, checked for colour-blind readers by tests/test_colour_blind.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["DIVERGING", "NO_DATA_COLOR", "POLICY_TARGET", "SEQUENTIAL", "Classes", "class_of", "classify", "classify_change"]

POLICY_TARGET = 80.0  # 每万人发明专利拥有量 target of the 2017 policy
#: YlGnBu, 5 classes (ColorBrewer; prints and projects well). The second class is ColorBrewer's #a1dab4
#: 2 % darker in OKLCh: under protanopia simulation #a1dab4 sits ΔE2000 9.99 from #ffffcc, #9bd3ae 11.6.
#: Every pair of neighbouring classes, in every class count the app draws, stays ΔE2000 ≥ 10 from its
#: neighbour under protanopia, deuteranopia and tritanopia (tests/test_colour_blind.py).
SEQUENTIAL = ("#ffffcc", "#9bd3ae", "#41b6c4", "#2c7fb8", "#253494")
#: PuOr-like diverging around the policy target: oranges below, purples above (checked the same way).
DIVERGING = ("#e66101", "#fdb863", "#d8daeb", "#b2abd2", "#5e3c99")
#: No data: a mid grey, ΔE2000 ≥ 27 from the map backgrounds (white, #f8f8f7) and ≥ 11 from every class
#: colour under each simulation, 3.4:1 against white (ColorBrewer's #d9d9d9 was 6.7 from #f8f8f7 and 3.0
#: from DIVERGING's middle class under tritanopia).
NO_DATA_COLOR = "#8c8c8c"


@dataclass(frozen=True)
class Classes:
    """Class breaks with their colours and the method that made them."""

    method: str
    breaks: tuple[float, ...]
    colors: tuple[str, ...]
    vmin: float
    vmax: float

    def color(self, value: float | None) -> str:
        """Return the fill colour of ``value`` (grey for no data)."""
        i = class_of(value, self.breaks)
        return NO_DATA_COLOR if i is None else self.colors[i]

    def labels(self, fmt=lambda v: f"{v:g}") -> list[str]:
        """Return one range label per class, e.g. ``['< 80', '80 – 160', '≥ 160']``."""
        edges = [self.vmin, *self.breaks, self.vmax]
        out = []
        for i in range(len(self.colors)):
            lo, hi = edges[i], edges[i + 1]
            if i == 0:
                out.append(f"< {fmt(hi)}" if self.breaks else f"{fmt(lo)} – {fmt(hi)}")
            elif i == len(self.colors) - 1:
                out.append(f"≥ {fmt(lo)}")
            else:
                out.append(f"{fmt(lo)} – {fmt(hi)}")
        return out


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """Return the class index of ``value`` or None for missing.

    >>> class_of(79.9, [80]), class_of(80, [80]), class_of(float("nan"), [80]) is None
    (0, 1, True)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(np.searchsorted(np.asarray(breaks, dtype=float), value, side="right"))


def _nice(x: float) -> float:
    """Round a break to 2–3 significant figures so legends read cleanly."""
    if x == 0 or not math.isfinite(x):
        return x
    mag = 10 ** (math.floor(math.log10(abs(x))) - 1)
    return round(x / mag) * mag


def _jenks(values: np.ndarray, k: int) -> list[float]:
    """Fisher–Jenks optimal breaks (dynamic programming; fine for the few hundred values we classify)."""
    x = np.sort(values)
    n = len(x)
    k = min(k, len(np.unique(x)))
    if k < 2:
        return []
    cs, cs2 = np.concatenate([[0], np.cumsum(x)]), np.concatenate([[0], np.cumsum(x * x)])

    def ssd(i: int, j: int) -> float:  # sum of squared deviations of x[i:j]
        s, s2, m = cs[j] - cs[i], cs2[j] - cs2[i], j - i
        return s2 - s * s / m

    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            best, arg = np.inf, c - 1
            for i in range(c - 1, j):
                v = cost[c - 1, i] + ssd(i, j)
                if v < best:
                    best, arg = v, i
            cost[c, j], back[c, j] = best, arg
    cuts, j = [], n
    for c in range(k, 1, -1):
        j = back[c, j]
        cuts.append(j)
    return sorted((x[i - 1] + x[i]) / 2 for i in cuts)


def classify(values: Sequence[float], method: str = "quantiles", k: int = 5) -> Classes:
    """Return the classes of ``values`` (NaN ignored) by ``method``.

    >>> classify([10, 20, 30, 40, 50, 60], "equal_interval").breaks
    (20.0, 30.0, 40.0, 50.0)
    >>> classify([10, 100], "policy_80").breaks
    (40.0, 80.0, 160.0, 320.0)
    """
    v = np.asarray([x for x in values if x is not None and not math.isnan(x)], dtype=float)
    vmin, vmax = (float(v.min()), float(v.max())) if len(v) else (0.0, 0.0)
    colors: tuple[str, ...] = SEQUENTIAL
    if method == "policy_80":
        breaks = [POLICY_TARGET / 2, POLICY_TARGET, POLICY_TARGET * 2, POLICY_TARGET * 4]
        colors = DIVERGING
    elif len(v) == 0:
        breaks = []
    elif method == "quantiles":
        breaks = [_nice(float(q)) for q in np.quantile(v, np.linspace(0, 1, k + 1)[1:-1])]
    elif method == "equal_interval":
        breaks = [_nice(vmin + (vmax - vmin) * i / k) for i in range(1, k)]
    elif method == "natural_breaks":
        breaks = [_nice(b) for b in _jenks(v, k)]
    else:
        raise ValueError(f"unknown classification {method!r}")
    breaks = sorted(set(float(b) for b in breaks))
    if method != "policy_80":
        colors = _spread(SEQUENTIAL, len(breaks) + 1)
    return Classes(method, tuple(breaks), tuple(colors), vmin, vmax)


def classify_change(values: Sequence[float], k: int = 5) -> Classes:
    """Return diverging classes for changes: symmetric around 0, the middle class holding "about no change".

    >>> classify_change([-10, 5, 50]).breaks
    (-25.0, -8.4, 8.4, 25.0)
    """
    v = np.asarray([x for x in values if x is not None and not math.isnan(x)], dtype=float)
    # the scale follows the bulk of the changes (90th percentile of their size), not the largest one,
    # so one outlier does not put every other district in the "about no change" class
    m = float(np.quantile(np.abs(v), 0.9)) if len(v) else 1.0
    m = _nice(m) or 1.0
    breaks = (-0.6 * m, -0.2 * m, 0.2 * m, 0.6 * m) if k == 5 else tuple(np.linspace(-m, m, k + 1)[1:-1])
    breaks = tuple(sorted({float(_nice(b)) for b in breaks}))
    vmin, vmax = (float(v.min()), float(v.max())) if len(v) else (-m, m)
    return Classes("change", breaks, DIVERGING[: len(breaks) + 1], vmin, vmax)


def _spread(palette: Sequence[str], n: int) -> tuple[str, ...]:
    if n >= len(palette):
        return tuple(palette)
    idx = np.round(np.linspace(0, len(palette) - 1, max(n, 1))).astype(int)
    return tuple(palette[i] for i in idx)
