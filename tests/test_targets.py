"""Policy targets: the numbers the targets page shows are the rows in data/ (read both), met / projected years."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo import data
from geo.analysis.targets import TARGETS, all_statuses, first_met, outlook, project, supply_template, target_rows
from geo.text.i18n import format_number

CSV = ROOT / "data" / "indicators" / "indicators.csv"


def csv_actuals(indicator: str) -> dict[int, float]:
    """Read Beijing's primary rows of ``indicator`` straight from the CSV file (not through geo.data)."""
    with CSV.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["indicator"] == indicator and r["region_code"] == "110000"
                and r["primary"].lower() == "true"]
    out: dict[int, float] = {}
    for r in sorted(rows, key=lambda r: {"official": 0, "derived": 1, "demo": 2}[r["status"]]):
        out.setdefault(int(r["year"]), float(r["value"]))
    return out


@pytest.fixture(scope="module")
def statuses():
    return {s.target.key: s for s in all_statuses(data.read_indicators())}


@pytest.fixture(scope="module")
def page(targets_page):
    return targets_page


def test_six_targets_as_in_the_policy():
    assert [(t.indicator, t.value, t.unit) for t in TARGETS] == [
        ("invention_patents_per_10k", 80, "件/万人"), ("pct_applications", 13000, "件"),
        ("trademark_registrations", 550000, "件"), ("copyright_works_registrations", 830000, "件"),
        ("ip_pledge_financing_100m_yuan", 100, "亿元"), ("ip_service_brand_institutions", 100, "家")]


@pytest.mark.parametrize("target", TARGETS[:4], ids=lambda t: t.key)
def test_actuals_equal_the_csv_rows(statuses, target):
    expected = csv_actuals(target.indicator)
    assert expected, target.indicator
    rows = statuses[target.key].rows
    assert dict(zip(rows.year, rows.value, strict=False)) == expected
    assert ((rows.gap - (rows.value - target.value)).abs() < 1e-6).all()
    assert (rows.met == (rows.value >= target.value)).all()
    assert (rows.source_url.str.len() > 0).all()


def test_pledge_and_service_have_no_actual(statuses):
    for key in ("pledge", "service"):
        assert statuses[key].rows.empty and not statuses[key].has_data
        assert statuses[key].projection is None
    # the proxy is kept apart, never used as the service institutions' actual
    assert statuses["service"].proxy.value.tolist() == [660.0]
    assert not csv_actuals("ip_pledge_financing_100m_yuan") and not csv_actuals("ip_service_brand_institutions")


def test_met_years_and_projections(statuses):
    assert (statuses["patents_per_10k"].first_met, statuses["patents_per_10k"].first_met_exact) == (2017, True)
    # copyright works: 2016 below, no 2017 figure, 2018 above -> met by 2018, not exact
    assert (statuses["copyright"].first_met, statuses["copyright"].first_met_exact) == (2018, False)
    pct = statuses["pct"]
    assert pct.first_met is None and pct.projection is not None and pct.projection.slope > 0
    assert pct.projection.year > pct.rows.year.max()
    tm = statuses["trademarks"]
    assert tm.first_met is None and tm.projection.year is None and tm.projection.slope < 0
    assert not tm.related.empty and (tm.related.value > 550000).all()  # the stock is a different measure


def test_first_met_and_project_edge_cases():
    rows = pd.DataFrame({"year": [2019, 2020, 2021], "value": [1.0, 2.0, 3.0], "met": [False, False, True],
                         "status": ["official", "official", "demo"]})
    assert first_met(rows) == (2021, True)
    assert project(rows, 10) is None  # two real points only: demo is never used
    flat = pd.DataFrame({"year": [2019, 2020, 2021], "value": [5.0, 5.0, 5.0], "status": ["official"] * 3})
    assert project(flat, 10).year is None
    slow = flat.assign(value=[1.0, 1.001, 1.002])
    assert project(slow, 10).year is None  # beyond the horizon
    assert target_rows(pd.DataFrame(columns=["indicator", "region_code"]), "x", 1).empty


def test_supply_template_has_blank_values():
    text = supply_template(TARGETS[5])
    lines = text.strip().splitlines()
    assert lines[0].startswith("region_code,")
    assert all(line.split(",")[4] == "" for line in lines[1:])
    assert all("ip_service_brand_institutions" in line for line in lines[1:])


def test_page_tables_equal_the_csv(page, statuses):
    frames = [df.value for df in page.dataframe]
    for target in TARGETS[:4]:
        expected = csv_actuals(target.indicator)
        table = next(f for f in frames if list(f.iloc[:, 0]) == [str(y) for y in sorted(expected)]
                     and list(f.iloc[:, 1]) == [expected[y] for y in sorted(expected)])
        assert list(table.iloc[:, 2]) == [target.value] * len(expected)


def test_page_metrics_show_latest_values(page):
    shown = [m.value for m in page.metric]
    for target in TARGETS[:4]:
        expected = csv_actuals(target.indicator)
        year = max(expected)
        assert format_number(expected[year]) in shown, (target.key, shown)
    labels = [m.label for m in page.metric]
    assert "2024年实际值(件/万人)" in labels  # the unit in the label: the value's large type stays short


def test_a_past_year_is_never_a_projection(statuses):
    pct = statuses["pct"]
    assert pct.projection.year == 2024 and pct.rows.year.max() == 2023  # the trend crossed in a year now past
    assert outlook(pct, 2024).kind == "projected"
    now = outlook(pct, 2026)
    assert (now.kind, now.year, now.trend_year) == ("not_met_by", 2023, 2024)
    assert outlook(statuses["patents_per_10k"], 2026).kind == "met"
    assert outlook(statuses["trademarks"], 2026).kind == "not_reached"
    assert outlook(statuses["pledge"], 2026).kind == "no_data"


def test_page_says_not_met_by_the_last_data_year(page):
    assert ("截至2023年", "未达到") in [(m.label, m.value) for m in page.metric]  # the year in the heading
    shown = [m.value for m in page.metric]
    assert not any(v.startswith("约") for v in shown)  # no projected year in the past (today is after 2024)
    assert any("2024年达到目标" in c.value for c in page.caption)


def test_page_says_no_data_and_offers_templates(page):
    warnings = [w.value for w in page.warning]
    assert sum("无数据" in w for w in warnings) == 2
    text = " ".join(c.value for c in page.caption)
    assert "660" in text and "不是目标口径" in text
    assert "预测" in text  # the projection is labelled and its method stated
    markdown = " ".join(m.value for m in page.markdown)
    assert "有效注册量" in markdown and "不含计算机软件" in markdown
    assert any("2017-09-06" in c.value and "北京市知识产权局" in c.value for c in page.caption)


def test_page_in_english():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("views/targets.py").run()
    assert not at.exception
    assert at.title[0].value == "Progress against the policy targets"
    assert sum("No data" in w.value for w in at.warning) == 2
    shown = [m.value for m in at.metric]
    assert "Not met" in shown and "301.1" in shown and "By 2023" in [m.label for m in at.metric]
    labels = [m.label for m in at.metric]
    assert "Actual 2024 (per 10k residents)" in labels
    assert not any("(ratio (" in m.value for m in at.markdown)
