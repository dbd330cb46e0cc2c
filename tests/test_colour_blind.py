"""Map colours for colour-blind readers: every palette classify offers keeps neighbouring classes apart
under protanopia, deuteranopia and tritanopia simulation, and "no data" stands out from the map.

Simulation: coloraide's CVD filters at full severity ('protan'/'deutan': Viénot, 'tritan': Brettel);
difference: CIEDE2000. ΔE2000 ≥ 10 is the issue's bar (about twice what reads as "clearly different"
on a small swatch; 2.3 is a just-noticeable difference).
"""

from __future__ import annotations

import itertools

import pytest
from coloraide import Color

from geo.carto.classify import DIVERGING, NO_DATA_COLOR, SEQUENTIAL, classify

MIN_DE = 10.0
VISIONS = (None, "protan", "deutan", "tritan")  # None: normal vision
MAP_BACKGROUNDS = ("#ffffff", "#f8f8f7")  # no basemap: the page; Streamlit's secondary background


def seen(colour: str, vision: str | None) -> Color:
    c = Color(colour)
    return c if vision is None else c.filter(vision)


def delta(a: str, b: str, vision: str | None) -> float:
    return seen(a, vision).delta_e(seen(b, vision), method="2000")


def offered_palettes() -> dict[str, tuple[str, ...]]:
    """Every colour sequence the app can draw: each class count of each method, from classify itself."""
    values = list(range(1, 101))
    out = {"policy_80": classify(values, "policy_80").colors}
    for method in ("quantiles", "equal_interval", "natural_breaks"):
        for k in range(2, len(SEQUENTIAL) + 1):
            out[f"{method}/{k}"] = classify(values, method, k=k).colors
    out["quantiles/2-of-few"] = classify([1, 1, 1, 2], "quantiles").colors  # ties collapse breaks
    return out


def test_palettes_cover_what_the_app_offers():
    palettes = offered_palettes()
    assert palettes["policy_80"] == DIVERGING
    assert palettes["quantiles/5"] == SEQUENTIAL
    assert {len(p) for p in palettes.values()} == {2, 3, 4, 5}


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
@pytest.mark.parametrize("name", list(offered_palettes()))
def test_neighbouring_classes_stay_apart(name, vision):
    colours = offered_palettes()[name]
    gaps = {f"{a}→{b}": round(delta(a, b, vision), 1) for a, b in itertools.pairwise(colours)}
    assert min(gaps.values()) >= MIN_DE, f"{name} under {vision or 'normal vision'}: {gaps}"


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "normal")
def test_no_data_differs_from_background_and_every_class(vision):
    others = {*MAP_BACKGROUNDS, *SEQUENTIAL, *DIVERGING}
    gaps = {c: round(delta(NO_DATA_COLOR, c, vision), 1) for c in others}
    assert min(gaps.values()) >= MIN_DE, gaps
    assert min(gaps[b] for b in MAP_BACKGROUNDS) >= 2 * MIN_DE, gaps  # never mistaken for "nothing drawn"


def test_the_check_can_fail():
    """Two ColorBrewer neighbours that protanopes confuse: the check really measures something."""
    assert delta("#ffffcc", "#a1dab4", None) > MIN_DE > delta("#ffffcc", "#a1dab4", "protan")
    assert delta("#d9d9d9", "#f8f8f7", None) < MIN_DE  # the old no-data grey against the sidebar grey
