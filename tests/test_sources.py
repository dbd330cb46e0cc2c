"""Sources page helpers: datasets with provenance, indicator catalogue, coverage table."""

from __future__ import annotations

from geo import data
from geo.analysis.sources import coverage_cell, coverage_table, dataset_table, indicator_label, indicator_table
from geo.data.datasets import DATASETS
from geo.data.indicators import INDICATORS


def test_every_dataset_listed_with_provenance():
    t = dataset_table()
    assert t.name.tolist() == list(DATASETS)
    assert (t.problem == "").all()
    assert (t.title.str.len() > 0).all() and (t.licence.str.len() > 0).all() and (t.nrows > 0).all()
    assert t.columns[-1] == "problem"


def test_indicator_table_states_kind_and_definition():
    t = indicator_table("zh").set_index("id")
    assert set(t.index) == set(INDICATORS)
    assert t.loc["trademarks_in_force", "kind"] == "年末存量"
    assert t.loc["trademark_registrations", "kind"] == "年度流量"
    assert "2021" in t.loc["invention_patents_per_10k", "definition"]
    assert "Resident" in indicator_table("en").set_index("id").loc["resident_population_10k", "definition"]


def test_coverage_table():
    cov = coverage_table(data.read_indicators()).set_index("indicator")
    assert cov.loc["invention_patents_per_10k", "2020"] == "16D⚠ BJ"
    assert cov.loc["resident_population_10k", "2020"] == "16D"
    assert cov.loc["pct_applications", "2023"] == "BJ TJ HB"
    assert cov.loc["invention_patents_in_force", "2021"] == "BDA"
    assert "ip_pledge_financing_100m_yuan" in cov.index and cov.loc["ip_pledge_financing_100m_yuan", "2016"] == "TJ"
    assert coverage_cell({"ZGC"}, {"official"}) == "ZGC"


def test_every_indicator_in_data_has_a_label():
    ids = set(data.read_indicators().indicator)
    assert all(indicator_label(i) != i for i in ids), [i for i in ids if indicator_label(i) == i]
