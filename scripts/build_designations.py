"""Build data/zones/designations.csv: national IP designations (strong-district status), one row a district.

Run: ``.venv/bin/python scripts/build_designations.py`` (reads data/zones/designations_source.csv, a
copy of ``shared/reference/zones/strong_districts.csv``).

A designation that names several districts (海淀;朝阳;丰台) becomes one row per district. ``stage``
says how final it is, read from the source's own wording: ``designated``; ``candidate`` (创建对象);
``proposed`` (公示名单, final approval not found); ``in_progress`` (正在推进, no year);
``name_unconfirmed`` (English-only report, Chinese title not confirmed).

A designation of a zone (E-Town, Zhongguancun) is one row with ``subject`` ``zone``, its ``zone_id``
and the districts it lies in as ``host_districts``; its ``district_code`` is empty, so it is never
read as a designation of 大兴区 or 海淀区.

``term_from`` / ``term_to`` (``YYYY`` or ``YYYY-MM``) are the designation's term: the term the
source note quotes ("term 2022-07 to 2025-06", "construction period 2019-06 to 2022-06"), else the
period in the title ("（2025-2027年）", in force from the notice's year), else :data:`TERMS` (each
entry says why); without any, the term runs from ``year`` with no end stated (``term_to`` empty).
``term_note`` says which. Which designations make a district "strong" in a year is decided in one
place, ``geo.data.designations.strong_in_year``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.data.paths import ZONES_DIR
from geo.data.provenance import write_table_with_meta


def stage_of(name_zh: str) -> str:
    if "未证实" in name_zh:
        return "name_unconfirmed"
    if "公示" in name_zh:
        return "proposed"
    if "正在推进" in name_zh:
        return "in_progress"
    if "创建对象" in name_zh:
        return "candidate"
    return "designated"


#: Zone of each zone designation (matched on the source's label), with why.
ZONE_OF = (
    ("经济技术开发区", "etda_yizhuang_newtown"),  # the E-Town extent in force in the designation year (2026)
    ("海淀区（中关村）", "zgc_haidian"),  # the cluster is 中关村知识产权与标准化一条街, in Haidian
    ("中关村", "zgc_all"),  # "Zhongguancun" as a whole (multi-district)
)

#: Terms not written in the row itself: (designation_zh prefix, term_from, term_to, note).
TERMS = (
    ("国家知识产权服务业高质量集聚发展示范区创建对象", "2026", "2027",
     "same notice as 昌平's candidacy (国知发运函字〔2026〕25号), titled 2025-2027年…示范创建对象; from the notice's year"),
)

_TERM_IN_NOTE = re.compile(r"(?:term|construction period) (\d{4}-\d{2}) to (\d{4}-\d{2})")
_PERIOD_IN_TITLE = re.compile(r"（(\d{4})-(\d{4})年）")


def term_of(designation_zh: str, note: str, year: str | None) -> tuple[str, str, str]:
    """Return (term_from, term_to, term_note) of one designation (see the module docstring)."""
    if m := _TERM_IN_NOTE.search(note or ""):
        return m.group(1), m.group(2), "term quoted in source_note"
    if m := _PERIOD_IN_TITLE.search(designation_zh):
        start = max(m.group(1), year or m.group(1))
        return start, m.group(2), f"period {m.group(1)}-{m.group(2)} in the title; in force from the notice's year"
    for prefix, start, end, why in TERMS:
        if designation_zh.startswith(prefix):
            return start, end, why
    if not year:
        return "", "", "no year or term in the source"
    return year, "", "from the designation year; no end of term found in the source"


#: The stage as the source writes it before a title ("（正在推进）…", "(Currently implementing) …"): the
#: ``stage`` column says it, so the title does not repeat it (a profile read "（正在推进）… (正在推进, …)").
_STAGE_PREFIX = re.compile(r"^\s*(?:（正在推进）|\(Currently implementing\)\s*)")


def title_without_stage(title: str) -> str:
    """Return ``title`` without a leading stage annotation.

    >>> title_without_stage("（正在推进）国家知识产权强市建设示范市"), title_without_stage("(Currently implementing) X")
    ('国家知识产权强市建设示范市', 'X')
    """
    return _STAGE_PREFIX.sub("", title)


def zone_of(label_zh: str) -> str:
    return next((zone for text, zone in ZONE_OF if text in label_zh), "")


def main() -> None:
    src = pd.read_csv(ZONES_DIR / "designations_source.csv", dtype=str)
    rows = []
    for i, r in src.iterrows():
        codes = r.district_code.split(";") if isinstance(r.district_code, str) else []
        zone = zone_of(r.district_name_zh)
        year = r.year if isinstance(r.year, str) else None
        term_from, term_to, term_note = term_of(r.designation_zh, r.source_note, year)
        for code in ([""] if zone else codes or [""]):
            rows.append({
                "designation_id": f"d{i + 1:02d}", "district_code": code, "district_label_zh": r.district_name_zh,
                "designation_zh": title_without_stage(r.designation_zh),
                "designation_en": title_without_stage(r.designation_en), "level": r.level,
                "year": r.year, "stage": stage_of(r.designation_zh),
                "subject": "zone" if zone else "district", "zone_id": zone,
                "host_districts": ";".join(codes) if zone else "",
                "term_from": term_from, "term_to": term_to, "term_note": term_note,
                "status": "official",
                "source_url": r.source_url, "source_note": r.source_note,
            })
    df = pd.DataFrame(rows)
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    write_table_with_meta(
        df, ZONES_DIR / "designations.csv",
        title="知识产权强区等国家级称号 / National IP designations of Beijing districts",
        producer="Beijing IP Atlas, scripts/build_designations.py",
        source_url="per row: source_url column",
        licence="facts from public sources",
        script="scripts/build_designations.py",
        status="official (stage column says how final; term_from/term_to the term, term_note where it comes from)",
    )
    print(df[["designation_id", "district_code", "zone_id", "year", "stage", "term_from", "term_to"]].to_string())


if __name__ == "__main__":
    main()
