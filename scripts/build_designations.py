"""Build data/zones/designations.csv: national IP designations (strong-district status), one row a district.

Run: ``.venv/bin/python scripts/build_designations.py`` (reads data/zones/designations_source.csv).

A designation that names several districts (海淀;朝阳;丰台) becomes one row per district. ``stage``
says how final it is, read from the source's own wording: ``designated``; ``candidate`` (创建对象);
``proposed`` (公示名单, final approval not found); ``in_progress`` (正在推进, no year);
``name_unconfirmed`` (English-only report, Chinese title not confirmed). A district is marked
strong on the map from ``year`` on, for stages designated and candidate only, and only where
``subject`` is ``district`` (a designation of E-Town or Zhongguancun marks the zone, not its host
districts).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.paths import ZONES_DIR  # noqa: E402
from geo.provenance import write_table_with_meta  # noqa: E402


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


def main() -> None:
    src = pd.read_csv(ZONES_DIR / "designations_source.csv", dtype=str)
    rows = []
    for i, r in src.iterrows():
        codes = (r.district_code or "").split(";") if isinstance(r.district_code, str) else [""]
        for code in codes:
            rows.append({
                "designation_id": f"d{i + 1:02d}", "district_code": code, "district_label_zh": r.district_name_zh,
                "designation_zh": r.designation_zh, "designation_en": r.designation_en, "level": r.level,
                "year": r.year, "stage": stage_of(r.designation_zh),
                "subject": "zone" if ("开发区" in r.district_name_zh or "中关村" in r.district_name_zh) else "district",
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
        status="official (stage column says how final)",
    )
    print(df[["district_code", "year", "stage"]].to_string())


if __name__ == "__main__":
    main()
