"""Strong districts by year: terms honoured, zone designations kept off their host districts."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import data
from geo.data.designations import STRONG_STAGES, designations_for, strong_in_year, strong_rule, with_timing


@pytest.fixture(scope="module")
def des() -> pd.DataFrame:
    return data.read_designations()


def test_yanqing_pilot_term_ends_2022(des):
    assert "110119" not in strong_in_year(des, 2018)
    assert "110119" in strong_in_year(des, 2019)
    assert "110119" in strong_in_year(des, 2022)  # term 2019-06 to 2022-06 overlaps 2022
    assert "110119" not in strong_in_year(des, 2023)
    assert "110119" not in strong_in_year(des, 2024)


def test_haidian_strong_city_term(des):
    ids = lambda y: [r["designation_id"] for r in strong_in_year(des, y).get("110108", [])]  # noqa: E731
    assert ids(2021) == ["d01"]
    assert ids(2022) == ids(2025) == ["d01", "d02"]  # 2022-07 to 2025-06
    assert ids(2026) == ["d01"]


def test_strong_districts_2024(des):
    assert sorted(strong_in_year(des, 2024)) == ["110106", "110108"]
    assert strong_in_year(des, 2015) == {}


def test_etown_designation_belongs_to_the_zone(des):
    etown = des[des["zone_id"] == "etda_yizhuang_newtown"]
    assert len(etown) == 1 and etown["subject"].iloc[0] == "zone"
    assert etown["district_code"].isna().all() or (etown["district_code"].fillna("") == "").all()
    assert set(str(etown["host_districts"].iloc[0]).split(";")) == {"110115", "110112"}
    for year in (2024, 2026, 2027):
        assert "110115" not in strong_in_year(des, year) and "110112" not in strong_in_year(des, year)
        assert designations_for(des, "110115", year).empty
    assert designations_for(des, "etda_yizhuang_newtown", 2026)["timing"].tolist() == ["in_force"]


def test_only_strong_stages_count(des):
    for year in range(2000, 2030):
        for rows in strong_in_year(des, year).values():
            assert all(r["stage"] in STRONG_STAGES and r["subject"] == "district" for r in rows)
    assert "110114" not in strong_in_year(des, 2017)  # name_unconfirmed
    assert "110114" in strong_in_year(des, 2026)  # 2025-2027 candidate, from the 2026 notice


def test_profile_lists_in_force_then_past_never_later(des):
    hd = designations_for(des, "110108", 2020)
    assert hd["designation_id"].tolist() == ["d01", "d07"]  # d02 (2022) and d08 (2024) not yet
    assert hd["timing"].tolist() == ["in_force", "undated"]
    yq = designations_for(des, "110119", 2024)
    assert yq["timing"].tolist() == ["past"] and not yq["strong"].any()
    hd24 = designations_for(des, "110108", 2024)
    assert hd24.loc[hd24["designation_id"] == "d08", "strong"].tolist() == [False]  # proposed list


def test_with_timing_on_a_toy_table():
    toy = pd.DataFrame({"designation_id": ["a", "b", "c"], "district_code": ["1", "1", "2"],
                        "subject": ["district"] * 3, "stage": ["designated", "proposed", "designated"],
                        "year": [2010, 2012, None], "term_from": ["2010-06", None, None],
                        "term_to": ["2013-06", None, None]})
    got = with_timing(toy, 2011).set_index("designation_id")
    assert got["timing"].to_dict() == {"a": "in_force", "b": "later", "c": "undated"}
    assert got["strong"].to_dict() == {"a": True, "b": False, "c": False}
    assert with_timing(toy, 2014).set_index("designation_id").at["a", "timing"] == "past"


def test_rule_text_in_both_languages():
    assert "创建对象" in strong_rule("zh") and "candidate" in strong_rule("en")


def test_a_designation_says_each_fact_once():
    """A profile line is "title (stage; timing)": the title holds no stage, the stage no timing (issue 20:
    "（正在推进）国家知识产权强市建设示范市 (正在推进, 年份未知; 年份未知)")."""
    from geo.text.i18n import t

    d = data.read_designations()
    for lang in ("zh", "en"):
        undated = t("designation.timing.undated", lang)
        for row in d.to_dict("records"):
            stage = t(f"stage.{row['stage']}", lang)
            title = row["designation_zh" if lang == "zh" else "designation_en"]
            assert undated not in stage, (lang, stage)
            if row["stage"] == "in_progress":
                assert "正在推进" not in title and "implementing" not in title.lower(), title
