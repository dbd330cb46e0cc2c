"""The policy's five regional-layout projects as factual cards, each with the map view that shows it.

Pure (no Streamlit). Facts (areas, years, figures, designations) come from the shipped datasets
with their sources; the cards' short texts are UI strings (``an.proj.<key>.*`` in
``geo/text/locale/analysis.json``). ``geo.view.scenes.PROJECT_VIEWS`` is the one definition of each project's
map view; the projects page links to it and the presentation mode reuses it as a scene.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.analysis.sources import figure_rows
from geo.data.designations import strong_in_year, with_timing
from geo.data.indicators import primary_rows
from geo.data.names import BEIJING_DISTRICTS, region_name
from geo.text.labels import name_of
from geo.view.scenes import PROJECT_VIEWS  # the map view of each project (the view package defines views)
from geo.view.state import ViewState

__all__ = ["PROJECTS", "PROJECT_VIEWS", "Project", "ProjectCard", "project_card", "project_cards"]


@dataclass(frozen=True)
class Project:
    """What a project is made of in the data."""

    key: str
    zones: tuple[str, ...]  # zone ids, current extent first
    figure_regions: tuple[str, ...]  # region codes whose indicator rows are the project's figures
    figure_indicators: tuple[str, ...] = ()  # limit to these indicators (all if empty)
    designation_filter: str = ""  # "districts": every district designation; "zone:<text>": zone rows naming it


PROJECTS: tuple[Project, ...] = (
    Project("jjj", ("jjj_ip_demo_zone", "jjj_xiongan", "jjj_binhai_zgc", "jjj_binhai_newarea"),
            ("110000", "120000", "130000"), ("invention_patents_per_10k", "pct_applications")),
    Project("science_cities", ("sc_zgc", "sc_huairou", "sc_future", "sc_zgc_pre2017", "sc_huairou_2017",
                               "sc_future_phase1"), ()),
    Project("zgc", ("zgc_all",), ("ZGC", "ZGC_CORE"), designation_filter="zone:中关村"),
    Project("etda", ("etda_yizhuang_newtown", "etda_bda_2010", "etda_bda_2002"), ("BDA",),
            designation_filter="zone:经济技术开发区"),
    Project("strong", (), (), designation_filter="districts"),
)


@dataclass(frozen=True)
class ProjectCard:
    """One project's facts, ready to show."""

    key: str
    districts: tuple[str, ...]  # codes of the Beijing districts it lies in
    zones: pd.DataFrame  # zone_id, name, area_km2, year, geometry_quality, source_url, source_note
    figures: pd.DataFrame  # region_code, indicator, name, year, value, unit, status, source_url, source_note
    designations: pd.DataFrame  # district_code, label, designation, year, stage, term_from, term_to, timing,
    #                             strong, source_url, source_note (timing and strong as of the view's year)
    view: ViewState


def _zone_rows(zones: pd.DataFrame, ids: tuple[str, ...], lang: str) -> pd.DataFrame:
    z = zones[zones["zone_id"].isin(ids)].copy()
    z["_o"] = z["zone_id"].map({zid: i for i, zid in enumerate(ids)})
    z = z.sort_values("_o")
    return pd.DataFrame({
        "zone_id": z["zone_id"].to_numpy(),
        "name": (name_of(z, lang)).to_numpy(),
        "area_km2": pd.to_numeric(z["area_km2"], errors="coerce").to_numpy(),
        "year": z["year"].to_numpy(),
        "host_districts": z["host_districts"].fillna("").astype(str).to_numpy(),
        "geometry_quality": z["geometry_quality"].to_numpy(),
        "source_url": z["source_url"].fillna("").to_numpy(),
        "source_note": z["source_note"].fillna("").to_numpy(),
    })


def _figure_rows(indicators: pd.DataFrame, project: Project, lang: str) -> pd.DataFrame:
    cols = ["region_code", "indicator", "name", "year", "value", "unit", "status", "source_url", "source_note"]
    if not project.figure_regions:
        return pd.DataFrame(columns=cols)
    d = indicators[indicators["region_code"].isin(project.figure_regions) & (indicators["status"] != "demo")]
    if project.figure_indicators:
        d = d[d["indicator"].isin(project.figure_indicators)]
        # the latest year of each region and indicator: the comparison a card needs
        d = primary_rows(d).sort_values("year").groupby(["region_code", "indicator"]).tail(1)
    else:
        d = primary_rows(d)
    order = {c: i for i, c in enumerate(project.figure_regions)}
    d = d.assign(_o=d["region_code"].map(order)).sort_values(["_o", "indicator", "year"])
    return figure_rows(d, lang)[cols]


def _designation_rows(designations: pd.DataFrame, project: Project, year: int, lang: str) -> pd.DataFrame:
    flt = project.designation_filter
    if not flt:
        d = designations.iloc[:0]
    elif flt == "districts":
        d = designations[designations["subject"] == "district"]
    else:
        text = flt.split(":", 1)[1]
        d = designations[(designations["subject"] == "zone")
                         & designations["district_label_zh"].fillna("").str.contains(text, regex=False)]
        d = d.drop_duplicates("designation_id")
    d = with_timing(d, year)
    return pd.DataFrame({
        "district_code": d["district_code"].fillna("").astype(str).to_numpy(),
        "label": [region_name(c, lang) if c in BEIJING_DISTRICTS else str(lab)
                  for c, lab in zip(d["district_code"].fillna(""), d["district_label_zh"].fillna(""), strict=False)],
        "designation": (name_of(d, lang, "designation")).to_numpy(),
        "year": d["year"].to_numpy(),
        "stage": d["stage"].to_numpy(),
        "term_from": d["term_from"].fillna("").astype(str).to_numpy(),
        "term_to": d["term_to"].fillna("").astype(str).to_numpy(),
        "timing": d["timing"].to_numpy(),
        "strong": d["strong"].to_numpy(dtype=bool),
        "source_url": d["source_url"].fillna("").to_numpy(),
        "source_note": d["source_note"].fillna("").to_numpy(),
    })


def _districts_of(zones: pd.DataFrame, designations: pd.DataFrame, view: ViewState) -> tuple[str, ...]:
    codes: list[str] = list(view.districts)
    for hosts in zones["host_districts"]:
        codes += [c for c in str(hosts).split(";") if c in BEIJING_DISTRICTS]
    codes += [c for c in designations["district_code"] if c in BEIJING_DISTRICTS]
    return tuple(c for c in BEIJING_DISTRICTS if c in set(codes))


def project_card(project: Project, zones: pd.DataFrame, designations: pd.DataFrame, indicators: pd.DataFrame,
                 lang: str = "zh") -> ProjectCard:
    """Return the card of ``project`` from the zone, designation and indicator tables.

    The strong-districts card's districts are those strong in its view's year
    (:func:`geo.data.designations.strong_in_year`), the ones its map outlines; its designations carry
    their timing as of that year.
    """
    view = PROJECT_VIEWS[project.key].with_(lang=lang)
    z = _zone_rows(zones, project.zones, lang)
    f = _figure_rows(indicators, project, lang)
    d = _designation_rows(designations, project, view.year, lang)
    if project.designation_filter == "districts":
        strong = strong_in_year(designations, view.year)
        districts = tuple(c for c in BEIJING_DISTRICTS if c in strong)
    else:
        districts = _districts_of(z, d, view)
    return ProjectCard(project.key, districts, z, f, d, view)


def project_cards(zones: pd.DataFrame, designations: pd.DataFrame, indicators: pd.DataFrame,
                  lang: str = "zh") -> list[ProjectCard]:
    """Return the five cards, in the policy's order."""
    return [project_card(p, zones, designations, indicators, lang) for p in PROJECTS]
