"""Copy the researched source tables from ../shared/reference into data/, with provenance sidecars.

Run: ``.venv/bin/python scripts/import_reference.py [DEST ...]`` (only the named copies, e.g.
``sources/source_upgrades.csv``; all without arguments). The copies are byte-identical; each
sidecar records where the file came from. Every row of these tables carries its own source_url
and source_note (the research notes quote the sentence each figure was read from).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.data.paths import DATA_DIR, REFERENCE_DIR
from geo.data.provenance import meta_path

COPIES = {
    "ip/city_and_region_indicators.csv": ("indicators/city_and_region_source.csv",
                                          "Beijing, E-Town, Tianjin, Hebei IP figures 2014–2024 and 2020 district census"),
    "zones/targets_actuals.csv": ("indicators/targets_actuals_source.csv",
                                  "Beijing actuals for the six policy targets, Zhongguancun figures"),
    "zones/zones.csv": ("zones/zones_source.csv", "Zones: science cities, E-Town, Zhongguancun parks, Jing-Jin-Ji"),
    "zones/strong_districts.csv": ("zones/designations_source.csv", "National IP designations of Beijing districts"),
    "ip/district_and_zone_figures.csv": ("indicators/district_and_zone_source.csv",
                                         "District and zone figures (石景山 2019, Zhongguancun, E-Town, 滨海, 石家庄)"),
    "source-upgrades.csv": ("sources/source_upgrades.csv",
                            "The same figure on a government or official-media page (agrees=no: a conflict)"),
}


def main(only: list[str] | None = None) -> None:
    for src, (dst, title) in COPIES.items():
        if only and dst not in only:
            continue
        target = DATA_DIR / dst
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(REFERENCE_DIR / src, target)
        df = pd.read_csv(target, dtype=str)
        meta = {
            "title": title,
            "producer": "Beijing IP Atlas research notes (public web pages; each row names its page)",
            "source_url": "per row: source_url column",
            "licence": "facts from public sources",
            "script": "scripts/import_reference.py",
            "origin": f"shared/reference/{src}",
            "date_built": dt.date.today().isoformat(),
            "status": "official (as quoted by each row's source)",
            "nrows": len(df),
            "columns": list(df.columns),
            "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        }
        meta_path(target).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"data/{dst}: {len(df)} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
