"""Source kinds: every figure says whether it was read on a government page, official media or a repost.

Also: the build scripts reproduce the shipped tables they write (host table, indicators, demo).
"""

from __future__ import annotations

import importlib.util
import io

import pandas as pd
import pytest

from geo.analysis.sources import cross_checks, figure_rows, kind_counts, source_conflicts, source_upgrades_table
from geo.data.datasets import DATASETS, read_designations, read_indicators, read_zones
from geo.data.indicators import primary_rows
from geo.data.paths import ROOT
from geo.data.source_kind import KINDS, read_hosts, source_kind, source_kind_label


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"_script_{name}", ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return read_indicators()


def test_every_indicator_row_has_a_kind(table):
    assert table["source_kind"].isin(KINDS).all()
    for url, kind in zip(table.source_url, table.source_kind, strict=False):  # the walk: each row's kind from its own URL
        assert kind == source_kind(url)
    assert (table.source_kind[table.status == "demo"] == "generated").all()
    assert (table.source_kind[table.status != "demo"] != "generated").all()


def test_zones_and_designations_carry_a_kind():
    for df in (read_zones(), read_designations()):
        assert df["source_kind"].isin(KINDS).all() and len(df)


@pytest.mark.parametrize("url, kind", [
    ("https://zscqj.beijing.gov.cn/x", "government"),
    ("https://www.gov.cn/x", "government"),
    ("http://chinaipr.mofcom.gov.cn/a", "government"),
    ("https://gov.cn.evil.example.com/", "other"),
    ("https://global.chinadaily.com.cn/a", "official_media"),
    ("http://big5.cri.cn/gate/x", "official_media"),
    ("https://ipr.cnfi.org.tw/x", "repost"),
    ("http://www.unitalen.com.cn/html/report/23112005-1.htm", "repost"),
    ("https://www.bjmama.com/thread", "other"),
    ("demo:scripts/make_demo.py", "generated"),
    ("", "generated"),
])
def test_kind_of_a_url(url, kind):
    assert source_kind(url) == kind


def test_host_table_kinds_are_known():
    assert set(read_hosts().values()) <= set(KINDS) and read_hosts()["gov.cn"] == "government"


def test_labels_say_official_figure_via_a_repost():
    assert source_kind_label("repost", "official") == "官方数据 · 转载来源"
    assert source_kind_label("repost", "official", "en") == "official figure, via a repost"
    rows = figure_rows(read_indicators(include_demo=False), "en")
    assert rows["source_kind_label"].str.len().gt(0).all()


def test_strongest_source_of_the_same_figure_is_primary(table):
    prim = primary_rows(table).set_index(["region_code", "year", "indicator"])
    # 2021 per-10k: 185 on a repost and on ncac.gov.cn -> the government page
    assert prim.loc[("110000", 2021, "invention_patents_per_10k"), "source_kind"] == "government"
    # 2023 invention patents in force: 574,323 (repost) and 57.4万 (english.beijing.gov.cn), same figure
    row = prim.loc[("110000", 2023, "invention_patents_in_force")]
    assert row.source_kind == "government" and row.value == 574000
    # 2024 in force: Dec 663,490 (repost) vs Nov 658,000 (gov): different figures, the first listed stays
    assert prim.loc[("110000", 2024, "invention_patents_in_force"), "value"] == 663490


def test_shijingshan_2019_is_official_via_a_repost(table):
    prim = primary_rows(table).set_index(["region_code", "year", "indicator"])
    row = prim.loc[("110107", 2019, "invention_patents_per_10k")]
    assert (row.value, row.status, row.source_kind) == (78.61, "official", "repost")
    assert "6" in row.source_note and "排名北京市第6位" in row.source_note
    assert prim.loc[("110107", 2019, "invention_patents_in_force"), "value"] == 4481


def test_sources_page_tables(table):
    counts = kind_counts(table)
    assert list(counts.kind) == list(KINDS)
    assert counts.figures.sum() == int(table.primary.sum())
    assert counts.set_index("kind").loc["government", "figures"] > 0
    conflicts = source_conflicts()
    assert list(conflicts.figure) == ["etda_bda_2002"]  # shown, not resolved
    assert {"46.8"} <= set(conflicts.old_value) and conflicts.new_value.str.startswith("39.8").all()
    assert len(source_upgrades_table()) == 15
    cc = cross_checks("en")
    assert (cc.region_code == "110108").any()  # 海淀 (third-hand) only as a cross-check
    assert not ((cc.indicator_code == "invention_patents_per_10k") & (cc.region_code == "110107")).any()


def test_zone_area_cites_the_stronger_page():
    z = read_zones().set_index("zone_id")
    assert "chinadaily.com.cn" in z.loc["zgc_chaoyang", "source_url"]
    assert "spotlightbeijing" in z.loc["zgc_chaoyang", "source_note"]  # the weaker page is still named


@pytest.mark.parametrize("script, dataset", [("build_hosts", "source_hosts"), ("build_indicators", "indicators")])
def test_build_script_reproduces_the_shipped_table(script, dataset):
    built = load_script(script).build()
    assert built.to_csv(index=False, lineterminator="\n") == DATASETS[dataset].path.read_text(encoding="utf-8")


def test_make_demo_reproduces_the_shipped_tables():
    proxy, demo, *_ = load_script("make_demo").build()
    for df, name in ((proxy, "demo_proxy"), (demo, "demo_district_series")):
        shipped = pd.read_csv(DATASETS[name].path, dtype=str, keep_default_na=False)
        again = pd.read_csv(io.StringIO(df.to_csv(index=False)), dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(again, shipped)
