"""Strong districts: which national IP designations are in force in a year, for whom, and which count.

Pure (no Streamlit). The one definition the projects card, the map, the profile and the exports
share. A designation is *in force in year Y* when its term (``term_from`` … ``term_to`` of
``data/zones/designations.csv``, see ``scripts/build_designations.py``) overlaps Y: a term
2019-06 to 2022-06 is in force in 2019 and 2022 and not in 2023; a term without an end (none was
found in the source) runs on. A district is *strong* in Y when at least one designation of the
district itself (``subject`` ``district``; a zone's designation, such as E-Town's, belongs to the
zone) at a stage of :data:`STRONG_STAGES` is in force in Y.
"""

from __future__ import annotations

import pandas as pd

from geo.text.i18n import t

__all__ = [
    "STRONG_STAGES",
    "designations_for",
    "in_force",
    "strong_in_year",
    "strong_rule",
    "term_years",
    "with_timing",
]

#: Stages that make a district strong (outlined on the map). Not: ``proposed`` (公示名单, final
#: approval not found), ``in_progress`` (no year), ``name_unconfirmed`` (English-only report).
STRONG_STAGES = ("designated", "candidate")


def _year(value: object) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return int(text[:4]) if text[:4].isdigit() else None


def term_years(row: dict) -> tuple[int | None, int | None]:
    """Return (first, last) year of a designation's term; last None when no end is known.

    ``term_from`` falls back to ``year``; a row with neither has no term (``(None, None)``).

    >>> term_years({"term_from": "2019-06", "term_to": "2022-06", "year": 2019})
    (2019, 2022)
    >>> term_years({"term_from": float("nan"), "term_to": float("nan"), "year": 2016})
    (2016, None)
    >>> term_years({"year": None})
    (None, None)
    """
    first = _year(row.get("term_from")) or _year(row.get("year"))
    return first, (_year(row.get("term_to")) if first is not None else None)


def in_force(designations: pd.DataFrame, year: int) -> pd.Series:
    """Return a boolean Series: which rows' terms overlap ``year``."""
    return pd.Series([_covers(term_years(r), int(year)) for r in designations.to_dict("records")],
                     index=designations.index, dtype=bool)


def _covers(term: tuple[int | None, int | None], year: int) -> bool:
    first, last = term
    return first is not None and first <= year and (last is None or year <= last)


def strong_in_year(designations: pd.DataFrame, year: int) -> dict[str, list[dict]]:
    """Return ``{district code: [designation rows in force]}`` of the districts strong in ``year``.

    Only district designations (never a zone's) at a stage of :data:`STRONG_STAGES` whose term
    overlaps ``year`` count; rows keep all their columns.
    """
    d = designations[(designations["subject"] == "district") & designations["stage"].isin(STRONG_STAGES)]
    d = d[in_force(d, year)]
    out: dict[str, list[dict]] = {}
    for row in d.to_dict("records"):
        code = row.get("district_code")
        if isinstance(code, str) and code:
            out.setdefault(code, []).append(row)
    return out


def with_timing(designations: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return a copy of ``designations`` with ``timing`` and ``strong`` as seen from ``year``.

    ``timing``: ``in_force`` (the term overlaps ``year``), ``past`` (the term ended before),
    ``later`` (it begins after) or ``undated`` (the source gives no year, e.g. 正在推进).
    ``strong``: the row makes its district strong in ``year`` (see :func:`strong_in_year`).
    Sorted in force, past, later, undated; by year within each.
    """
    d = designations.copy()
    terms = [term_years(r) for r in d.to_dict("records")]
    d["timing"] = ["undated" if first is None else ("in_force" if _covers((first, last), int(year)) else
                   ("past" if first <= year else "later")) for first, last in terms]
    d["strong"] = (d["timing"] == "in_force") & (d["subject"] == "district") & d["stage"].isin(STRONG_STAGES)
    order = {"in_force": 0, "past": 1, "later": 2, "undated": 3}
    d = d.assign(_o=d["timing"].map(order)).sort_values(["_o", "year", "designation_id"], na_position="last")
    return d.drop(columns="_o").reset_index(drop=True)


def designations_for(designations: pd.DataFrame, code: str, year: int) -> pd.DataFrame:
    """Return the designations of one district (or one zone, by ``zone_id``) as known in ``year``.

    For the profile: in force in ``year`` first, then earlier ones (``timing`` ``past``), then
    undated ones; rows whose term begins after ``year`` are left out. Columns as
    :func:`with_timing`. A zone's designation (E-Town's) is never a district's.

    >>> from geo.data.datasets import read_designations
    >>> d = read_designations()
    >>> designations_for(d, "110119", 2024)[["designation_id", "timing", "strong"]].values.tolist()
    [['d04', 'past', False]]
    >>> designations_for(d, "110115", 2026).empty, designations_for(d, "etda_yizhuang_newtown", 2026).timing[0]
    (True, 'in_force')
    """
    own = designations["district_code"].fillna("").astype(str).eq(code)
    if "zone_id" in designations:
        own |= designations["zone_id"].fillna("").astype(str).eq(code)
    d = with_timing(designations[own], year)
    return d[d["timing"] != "later"].reset_index(drop=True)


def strong_rule(lang: str = "zh") -> str:
    """Return the sentence saying which designations are outlined (for the legend and the card).

    >>> strong_rule("en").startswith("Outlined: districts with a national IP")
    True
    """
    return t("designation.rule", lang)
