"""Trend and ranking charts: the data they draw, their stated statuses, the demo mark."""

from __future__ import annotations

import json

import altair as alt
import pytest
from coloraide import Color

from geo import data
from geo.analysis.charts import ranking_chart, ranking_frame, trend_chart, trend_frame
from geo.data.indicators import district_values
from geo.text.labels import status_label

IND = "invention_patents_per_10k"


@pytest.fixture(scope="module")
def indicators():
    return data.read_indicators()


def spec_text(chart: alt.TopLevelMixin) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)


def test_trend_frame_city_and_districts(indicators):
    f = trend_frame(indicators, IND, ["110108", "bogus", "110105"])
    assert list(dict.fromkeys(f.series)) == ["全市", "海淀区", "朝阳区"]
    city = f[f.region_code == "110000"]
    assert set(city.status) <= {"official", "derived"} and list(city.line_status) == list(city.status)
    assert set(f[f.region_code == "110108"].status) == {"demo"}
    assert set(f[f.region_code == "110108"].line_status) == {"demo"}
    assert (f.groupby("region_code").year.apply(lambda y: y.is_monotonic_increasing)).all()


def test_no_line_joins_values_of_different_status(indicators):
    f = trend_frame(indicators, IND, ["110108"])
    for _, seg in f.groupby("segment"):
        assert seg.status.nunique() == 1 and seg.region_code.nunique() == 1
        years = seg.year.tolist()
        ranks = f[f.region_code == seg.region_code.iloc[0]].year.tolist()
        assert years == ranks[ranks.index(years[0]):ranks.index(years[0]) + len(years)]  # consecutive points
    city = f[f.region_code == "110000"]
    assert city[city.year == 2014].segment.iloc[0] != city[city.year == 2015].segment.iloc[0]  # derived | official
    lines = next(layer for layer in trend_chart(f, IND).to_dict()["layer"] if layer["mark"]["type"] == "line")
    assert lines["encoding"]["detail"]["field"] == "segment"


def test_trend_chart_marks_demo_in_title_and_legend(indicators):
    f = trend_frame(indicators, IND, ["110108"])
    chart = trend_chart(f, IND)
    text = spec_text(chart)
    title = chart.to_dict()["title"]
    assert "演示数据" in title["text"]
    assert "海淀区: ⚠演示数据(非官方)" in title["subtitle"][0] and "全市: 官方" in title["subtitle"][0]
    assert status_label("demo", "zh") in text  # legend domain
    # demo lines are dashed, demo points faded
    assert "[6, 4]" in text.replace(",", ", ").replace(",  ", ", ") and "0.45" in text


def test_trend_chart_without_demo_says_official(indicators):
    f = trend_frame(indicators, IND, [], "en")
    chart = trend_chart(f, IND, "en")
    title = chart.to_dict()["title"]
    assert "demo" not in title["text"].lower() and "demo" not in title["subtitle"][0].lower()
    assert "Beijing (city): official/derived" in title["subtitle"][0]


def test_ranking_frame_ranks_all_sixteen_and_filters(indicators):
    full = ranking_frame(indicators, IND, 2024)
    assert len(full) == 16 and list(full["rank"]) == sorted(full["rank"])
    assert full.value.is_monotonic_decreasing
    ref = district_values(indicators, IND, 2024).set_index("region_code")
    assert all(ref.loc[c, "value"] == v for c, v in zip(full.region_code, full.value, strict=False))
    assert all("⚠演示" in lab for lab in full.label)  # every district value is demo: every label says so
    part = ranking_frame(indicators, IND, 2024, ["110105", "110108"])
    assert set(part.region_code) == {"110105", "110108"}
    assert set(part["rank"]) <= set(full["rank"]) and part.name.iloc[0].startswith(f"{part['rank'].iloc[0]}. ")


def test_ranking_chart_states_status(indicators):
    f = ranking_frame(indicators, IND, 2020, lang="en")
    chart = ranking_chart(f, IND, 2020, "en")
    title = chart.to_dict()["title"]
    assert "demo" in title["text"] and "⚠demo" in title["subtitle"][0]
    official = ranking_frame(indicators, "resident_population_10k", 2020)
    assert "demo" not in set(official.status) and not any("演示" in lab for lab in official.label)
    assert "演示" not in json.dumps(ranking_chart(official, "resident_population_10k", 2020).to_dict()["title"],
                                    ensure_ascii=False)


def test_empty_frames_still_build(indicators):
    f = ranking_frame(indicators, IND, 1990)
    assert f.empty
    assert ranking_chart(f, IND, 1990).to_dict()["title"]["subtitle"][0].endswith("暂无官方数据")
    assert trend_chart(trend_frame(indicators, "no_such", []), "no_such").to_dict()


def test_status_is_not_told_by_colour_alone_and_marks_keep_contrast(indicators):
    """Demo bars: dashed opaque outline, faded fill only, ⚠ label; every trend line ≥ 3:1 against white."""
    f = ranking_frame(indicators, IND, 2024)
    bars = ranking_chart(f, IND, 2024).to_dict()["layer"][0]["encoding"]
    assert "opacity" not in bars and bars["fillOpacity"]["scale"]["range"][-1] == 0.45
    assert bars["strokeDash"]["scale"]["range"][-1] == [6, 4] and Color(bars["stroke"]["value"]).contrast("#fff") >= 3
    codes = ["110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111"]
    lines = trend_chart(trend_frame(indicators, IND, codes), IND).to_dict()["layer"][0]["encoding"]
    colours = lines["color"]["scale"]["range"]
    assert len(set(colours)) == 9, colours  # the city and eight districts
    assert {c: round(Color(c).contrast("#ffffff"), 2) for c in colours if Color(c).contrast("#ffffff") < 3} == {}
