"""Generate the DEMO district series of invention patents per 10k residents (NOT official data).

Run: ``.venv/bin/python scripts/make_demo.py`` (deterministic: seed 20170906, the date the
policy interpretation was published).

Why: no district-level patent figure could be found for any year (see data/indicators/README.md;
the authoritative source is the Beijing Statistical Yearbook table 各区县有效发明专利情况, which
planners can import on the Import page). The map needs a district series to be explorable, so
this script invents one and every row says ``status = demo``.

How:
1. each district d gets a fixed relative level f_d = exp(N(0, 0.8)) and a growth tilt
   g_d = N(0, 0.03), drawn from ``numpy.random.default_rng(SEED)`` in GB/T 2260 order;
2. raw_{d,y} = f_d · (1 + g_d)^(y − 2015);
3. each year y is scaled so the population-weighted mean equals Beijing's official figure:
   value_{d,y} = raw_{d,y} · B_y · Σ P_d / Σ (P_d · raw_{d,y}), where B_y is the primary official
   invention_patents_per_10k of 110000 in year y and P_d the district's 2020 census population
   (the only district population available for all 16 districts, used for every year).
So Σ P_d·value_{d,y} / Σ P_d = B_y exactly (before rounding to 0.1): the city total is real,
the split between districts is invented.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.names import BEIJING_DISTRICTS  # noqa: E402
from geo.paths import INDICATORS_DIR  # noqa: E402
from geo.provenance import write_table_with_meta  # noqa: E402

SEED = 20170906
DEMO_URL = "demo:scripts/make_demo.py"  # not a publication: the generating script


def main() -> None:
    ind = pd.read_csv(INDICATORS_DIR / "indicators.csv", dtype={"region_code": str})
    city = ind[(ind.region_code == "110000") & (ind.indicator == "invention_patents_per_10k") & ind.primary
               & (ind.status == "official")].set_index("year")
    pop = ind[(ind.indicator == "resident_population_census_persons") & ind.primary].set_index("region_code")["value"]
    codes = list(BEIJING_DISTRICTS)
    rng = np.random.default_rng(SEED)
    level = np.exp(rng.normal(0.0, 0.8, len(codes)))
    tilt = rng.normal(0.0, 0.03, len(codes))
    weights = pop.loc[codes].to_numpy(dtype=float)
    rows = []
    for year, ref in city.iterrows():
        if year < 2015:
            continue
        raw = level * (1 + tilt) ** (year - 2015)
        values = raw * ref.value * weights.sum() / (weights * raw).sum()
        for code, v in zip(codes, values):
            rows.append({
                "region_code": code, "region_name_zh": BEIJING_DISTRICTS[code][0], "year": int(year), "as_of": "",
                "indicator": "invention_patents_per_10k", "value": round(float(v), 1), "unit": "件/万人",
                "status": "demo", "source_value": "", "source_unit": "",
                "source_url": DEMO_URL,
                "source_note": f"DEMO — 演示数据, 非官方. Scaled to Beijing's official {ref.value} 件/万人 ({year}), "
                               f"source: {ref.source_url}",
                "formula": "scripts/make_demo.py: seeded relative levels scaled so the 2020-census-weighted mean "
                           "equals the official city figure",
                "primary": True,
            })
    df = pd.DataFrame(rows)
    write_table_with_meta(
        df, INDICATORS_DIR / "demo_district_series.csv",
        title="演示数据: 各区每万人发明专利拥有量 / DEMO district invention patents per 10k (not official)",
        producer="Beijing IP Atlas, scripts/make_demo.py",
        source_url="generated; scaled to the official city series in indicators.csv",
        licence="generated data, no facts",
        script="scripts/make_demo.py",
        seed=SEED,
        status="demo",
    )
    print(f"data/indicators/demo_district_series.csv: {len(df)} demo rows, years {df.year.min()}–{df.year.max()}")


if __name__ == "__main__":
    main()
