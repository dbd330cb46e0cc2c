"""Sources page: every dataset with its provenance, every indicator with its definition, coverage, downloads."""

import streamlit as st

from geo.analysis.sources import (
    DEMO_ALPHA,
    coverage_table,
    cross_checks,
    dataset_table,
    indicator_table,
    kind_counts,
    source_conflicts,
    source_upgrades_table,
)
from geo.analysis.targets import POLICY_SOURCE
from geo.data.datasets import DATASETS, read_demo_proxy
from geo.text.i18n import t
from ui import cache
from ui.common import lang

L = lang()
st.title(t("an.sources.title", L))

st.header(t("an.sources.policy", L))
st.markdown(t("an.sources.policy_text", L, publisher=POLICY_SOURCE.publisher_en if L == "en"
              else POLICY_SOURCE.publisher_zh, title=POLICY_SOURCE.title_zh, date=POLICY_SOURCE.date))

st.header(t("an.sources.datasets", L))
ds = dataset_table(L)
st.dataframe(ds.rename(columns=lambda c: t(f"an.ds.{c}", L)), hide_index=True, width="stretch", key="datasets")
if (ds["problem"] != "").any():
    st.error(t("an.sources.provenance_problem", L))

st.header(t("an.sources.downloads", L))
cols = st.columns(3)
csvs = [(name, spec) for name, spec in DATASETS.items() if spec.kind == "csv"]
for i, (name, spec) in enumerate(csvs):
    cols[i % 3].download_button(f"⬇ {spec.path.name}", spec.path.read_bytes(), file_name=spec.path.name,
                                mime="text/csv", key=f"dl_{name}")
shown = cache.indicators()
st.download_button(t("an.sources.download_shown", L), shown.to_csv(index=False).encode("utf-8"),
                   file_name="indicators_shown.csv", mime="text/csv", key="dl_shown")
st.caption(t("an.sources.download_note", L))

st.header(t("an.sources.indicators", L))
st.markdown(t("an.sources.definitions_notes", L))
st.dataframe(indicator_table(L).rename(columns=lambda c: t(f"an.ind_col.{c}", L)), hide_index=True,
             width="stretch", key="indicator_table")

st.header(t("an.sources.coverage", L))
st.caption(t("an.sources.coverage_key", L))
cov = coverage_table(shown, L)
st.dataframe(cov.drop(columns="indicator").rename(columns={"name": t("an.col.indicator", L)}), hide_index=True,
             width="stretch", key="coverage")

st.subheader(t("src.kinds.title", L))
st.caption(t("src.kinds.intro", L))
counts = kind_counts(shown, L)
st.dataframe(counts[["label", "figures", "official", "all_rows"]].rename(columns={
    "label": t("src.col.kind", L), "figures": t("src.col.figures", L), "official": t("src.col.official", L),
    "all_rows": t("src.col.all_rows", L)}), hide_index=True, width="stretch", key="source_kinds")

st.subheader(t("src.conflicts.title", L))
conflicts = source_conflicts(L)
if conflicts.empty:
    st.caption(t("src.conflicts.none", L))
else:
    st.dataframe(conflicts, hide_index=True, width="stretch", key="source_conflicts")
with st.expander(t("src.upgrades.title", L)):
    st.dataframe(source_upgrades_table(L), hide_index=True, width="stretch", key="source_upgrades")

st.subheader(t("src.cross.title", L))
st.caption(t("src.cross.intro", L))
st.dataframe(cross_checks(L), hide_index=True, width="stretch", key="cross_checks")

st.subheader(t("src.demo.title", L))
proxy = read_demo_proxy()
st.markdown(t("src.demo.method", L, alpha=DEMO_ALPHA,
              proxy=t("src.demo.proxy_table", L)))
st.dataframe(proxy.drop(columns=["source_kind"]), hide_index=True, width="stretch", key="demo_proxy")
