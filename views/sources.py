"""Sources page: every dataset with its provenance, every indicator with its definition, coverage, downloads."""

import pandas as pd
import streamlit as st

from geo.analysis.sources import (
    DEMO_ALPHA,
    DEMO_HAIDIAN_RATIO,
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
from geo.data.names import BEIJING_DISTRICTS
from geo.text.i18n import t
from ui import cache
from ui.common import lang
from ui.tables import dataframe

L = lang()
st.title(t("an.sources.title", L))

st.header(t("an.sources.policy", L))
st.markdown(t("an.sources.policy_text", L, publisher=POLICY_SOURCE.publisher_en if L == "en"
              else POLICY_SOURCE.publisher_zh, title=POLICY_SOURCE.title_zh, date=POLICY_SOURCE.date))

st.header(t("an.sources.datasets", L))
st.caption(t("src.ds.summary", L))
ds = dataset_table(L)
dataframe(pd.DataFrame({
    t("src.col.name", L): [t(f"src.dsname.{n}", L) for n in ds["name"]],
    t("src.col.nrows", L): ds["nrows"], t("src.col.date_built", L): ds["date_built"],
}), hide_index=True, width="stretch", key="datasets")
if (ds["problem"] != "").any():
    st.error(t("an.sources.provenance_problem", L))

st.header(t("an.sources.downloads", L))
cols = st.columns(3)
csvs = [(name, spec) for name, spec in DATASETS.items() if spec.kind == "csv"]
for i, (name, spec) in enumerate(csvs):
    cols[i % 3].download_button(f"⬇ {t(f'src.dsname.{name}', L)}", spec.path.read_bytes(), file_name=spec.path.name,
                                mime="text/csv", key=f"dl_{name}")
shown = cache.indicators()
st.download_button(t("an.sources.download_shown", L), shown.to_csv(index=False).encode("utf-8"),
                   file_name="indicators_shown.csv", mime="text/csv", key="dl_shown")
st.caption(t("an.sources.download_note", L))

st.header(t("an.sources.indicators", L))
st.markdown(t("an.sources.definitions_notes", L))
dataframe(indicator_table(L).rename(columns=lambda c: t(f"an.ind_col.{c}", L)), hide_index=True,
             width="stretch", key="indicator_table")

st.header(t("an.sources.coverage", L))
st.caption(t("an.sources.coverage_key", L))
cov = coverage_table(shown, L)
dataframe(cov.drop(columns="indicator").rename(columns={"name": t("an.col.indicator", L)}), hide_index=True,
             width="stretch", key="coverage")

st.subheader(t("src.kinds.title", L))
st.caption(t("src.kinds.intro", L))
counts = kind_counts(shown, L)
dataframe(counts[["label", "figures", "official", "all_rows"]].rename(columns={
    "label": t("src.col.kind", L), "figures": t("src.col.figures", L), "official": t("src.col.official", L),
    "all_rows": t("src.col.all_rows", L)}), hide_index=True, width="stretch", key="source_kinds")

st.subheader(t("src.conflicts.title", L))
conflicts = source_conflicts(L)



def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    """Columns named in the page's language (src.col.<code>); link columns stay links."""
    return df.rename(columns=lambda c: t(f"src.col.{c}", L))


_LINKS = {t(f"src.col.{c}", L): st.column_config.LinkColumn() for c in ("old_url", "new_url", "source_url")}
if conflicts.empty:
    st.caption(t("src.conflicts.none", L))
else:
    dataframe(_labelled(conflicts), hide_index=True, width="stretch", key="source_conflicts", column_config=_LINKS)
with st.expander(t("src.upgrades.title", L)):
    dataframe(_labelled(source_upgrades_table(L)), hide_index=True, width="stretch", key="source_upgrades",
                 column_config=_LINKS)

st.subheader(t("src.cross.title", L))
st.caption(t("src.cross.intro", L))
dataframe(_labelled(cross_checks(L).drop(columns=["region_code", "indicator_code"])), hide_index=True, width="stretch", key="cross_checks", column_config=_LINKS)

st.subheader(t("src.demo.title", L))
proxy = read_demo_proxy()
st.markdown(t("src.demo.method", L, alpha=DEMO_ALPHA, ratio=DEMO_HAIDIAN_RATIO, proxy=t("src.demo.proxy_table", L)))
st.markdown(t("src.demo.anchor", L))
dataframe(_labelled(pd.DataFrame({
    "region_name": proxy["region_name_zh"] if L == "zh" else [BEIJING_DISTRICTS[c][1] for c in proxy["region_code"]],
    "role": proxy["role_zh" if L == "zh" else "role_en"],
    "gdp_100m_yuan": proxy["gdp_100m_yuan"], "gdp_year": proxy["gdp_year"],
    "census_persons_2020": proxy["census_persons_2020"], "gdp_per_resident_10k_yuan": proxy["gdp_per_resident_10k_yuan"],
    "hightech_enterprises": proxy["hightech_enterprises"], "hightech_year": proxy["hightech_year"],
    "source_url": proxy["source_url"],
})), hide_index=True, width="stretch", key="demo_proxy", column_config=_LINKS)

# file paths, script names and raw column codes: for whoever maintains the data, not on the planner's part of the page
with st.expander(t("src.tech.title", L)):
    st.caption(t("src.tech.intro", L))
    dataframe(ds.rename(columns=lambda c: t(f"an.ds.{c}", L)), hide_index=True, width="stretch",
                 key="datasets_tech")
    st.markdown(t("src.tech.demo", L))
    dataframe(proxy.drop(columns=["source_kind"]), hide_index=True, width="stretch", key="demo_proxy_tech")
