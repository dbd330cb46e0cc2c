"""Imported official figures anchor the demo series (issue 19, item 2): no zig-zag, roll-back restores."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.data.datasets import read_indicators
from geo.data.indicators import anchor_demo, city_series
from geo.imports.parse import parse_upload
from geo.imports.store import Store, overlay
from tests.common_import import EDITOR, POP, SOURCE, xlsx

PATENTS = "invention_patents_per_10k"
HD = "110108"


def _series(table: pd.DataFrame, code: str) -> dict[int, float]:
    s = city_series(table, PATENTS, code)
    return dict(zip(s["year"].astype(int), s["value"].astype(float), strict=False))


def _table_2023(haidian_per_10k: float) -> bytes:
    """A yearbook-style 2023 table of invention patents in force: 海淀 at ``haidian_per_10k``, the others at 150."""
    rows: list[list[object]] = [["8-10 各区县有效发明专利情况(2023年)"], ["地区", "有效发明专利(件)"]]
    for code, pop in POP.items():
        from geo.data.names import BEIJING_DISTRICTS

        per = haidian_per_10k if code == HD else 150.0
        rows.append([BEIJING_DISTRICTS[code][0], round(per * pop)])
    return xlsx(rows)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'atlas.sqlite'}")


@pytest.mark.parametrize("official", [500.0, 832.0, 1400.0])
def test_import_anchors_haidian_and_rollback_restores(store, official):
    shipped = read_indicators()
    before = _series(overlay(shipped, store.current_rows()), HD)
    result = parse_upload(_table_2023(official), "yearbook2023.xlsx", SOURCE)
    assert result.ok, result.messages("en")
    store.save_import(result.rows, SOURCE, EDITOR)
    after = _series(overlay(shipped, store.current_rows()), HD)
    shown_2023 = after[2023]
    assert shown_2023 == pytest.approx(official, rel=0.01)  # the imported (derived per-10k) figure
    for year in (2022, 2024):
        assert abs(after[year] - shown_2023) <= 0.35 * shown_2023, (year, after[year], shown_2023)
    # the years follow the official level, so the series keeps the city's shape (no zig-zag)
    assert after[2022] < shown_2023 < after[2024]
    print(f"\n海淀 with an imported 2023 of {official:g}: 2022 {before[2022]:.1f} → {after[2022]:.1f}, "
          f"2023 {shown_2023:.1f}, 2024 {before[2024]:.1f} → {after[2024]:.1f}")
    store.rollback(0, EDITOR)
    assert _series(overlay(shipped, store.current_rows()), HD) == before


def test_anchor_interpolates_between_official_years_and_leaves_others_alone():
    rows = []
    for year, demo in ((2019, 100.0), (2020, 110.0), (2021, 121.0), (2022, 133.1), (2023, 146.4)):
        rows.append({"region_code": HD, "year": year, "indicator": PATENTS, "value": demo, "status": "demo",
                     "primary": True, "formula": ""})
        rows.append({"region_code": "110101", "year": year, "indicator": PATENTS, "value": demo, "status": "demo",
                     "primary": True, "formula": ""})
    rows.append({"region_code": HD, "year": 2019, "indicator": PATENTS, "value": 200.0, "status": "official",
                 "primary": True, "formula": ""})
    rows.append({"region_code": HD, "year": 2023, "indicator": PATENTS, "value": 146.4 * 0.5, "status": "official",
                 "primary": True, "formula": ""})
    out = anchor_demo(pd.DataFrame(rows))
    hd = out[(out.region_code == HD) & (out.status == "demo")].set_index("year")["value"]
    assert hd[2019] == pytest.approx(200.0, abs=0.1) and hd[2023] == pytest.approx(73.2, abs=0.1)
    assert hd[2021] == pytest.approx(121.0, abs=0.1)  # halfway between ×2 and ×0.5 in log: ×1
    other = out[out.region_code == "110101"]["value"].tolist()
    assert other == [100.0, 110.0, 121.0, 133.1, 146.4]
    assert "anchored" in out.loc[(out.region_code == HD) & (out.year == 2020) & (out.status == "demo"), "formula"].iloc[0]
