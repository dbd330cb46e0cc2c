"""Small named geometries, points and frames shared by the tests (in the manner of shapely's tests/common.py).

Import as ``from common import ...`` (pytest puts tests/ on sys.path). Every figure here is either
a published fact (with where it comes from) or a hand-made toy geometry; nothing is read from data/.
"""

from __future__ import annotations

import pandas as pd
from shapely.geometry import MultiPolygon, Point, Polygon, box

# --- Places (WGS-84, lon/lat) -----------------------------------------------------------------

#: 天安门 (Tiananmen gate), WGS-84: 39.907333 N, 116.391083 E. Lies in 东城区.
TIANANMEN_WGS84 = Point(116.391083, 39.907333)
#: A few spread-out points inside Beijing for CRS checks (city centre, Haidian, Yanqing, Pinggu, Daxing).
BEIJING_POINTS_WGS84 = [
    (116.391083, 39.907333),
    (116.298, 39.959),
    (115.975, 40.456),
    (117.121, 40.141),
    (116.341, 39.726),
]

#: GB/T 2260 codes of Beijing's 16 districts (shared/reference/README.md), with their Chinese names.
DISTRICT_CODES_REFERENCE = {
    "110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区", "110107": "石景山区",
    "110108": "海淀区", "110109": "门头沟区", "110111": "房山区", "110112": "通州区", "110113": "顺义区",
    "110114": "昌平区", "110115": "大兴区", "110116": "怀柔区", "110117": "平谷区", "110118": "密云区",
    "110119": "延庆区",
}
XIONGAN_COUNTY_CODES = ("130638", "130629", "130632")  # 雄县, 容城县, 安新县

# --- Toy geometries ---------------------------------------------------------------------------

#: Edge of a grid every shipped boundary and zone vertex is snapped to (scripts/build_*.py: set_precision(1e-5)).
SNAP_GRID_DEG = 1e-5

SQUARE = box(116.0, 39.0, 116.1, 39.1)
SQUARE_WITH_HOLE = Polygon(SQUARE.exterior.coords, [box(116.03, 39.03, 116.07, 39.07).exterior.coords])
TWO_SQUARES = MultiPolygon([SQUARE, box(116.2, 39.0, 116.3, 39.1)])
TRIANGLE = Polygon([(116.0, 39.0), (116.1, 39.0), (116.05, 39.1)])
#: Named geometries for parametrised tests (id -> geometry).
NAMED_POLYGONS = {
    "square": SQUARE,
    "square_with_hole": SQUARE_WITH_HOLE,
    "two_squares": TWO_SQUARES,
    "triangle": TRIANGLE,
}

# --- Toy indicator rows -----------------------------------------------------------------------

INDICATOR_COLUMNS = ["region_code", "year", "indicator", "value", "unit", "status", "source_url", "source_note",
                     "formula", "primary"]


def indicator_row(region_code: str = "110108", year: int = 2020, value: float = 1.0, status: str = "official",
                  indicator: str = "invention_patents_per_10k", primary: bool = True, **extra: object) -> dict:
    """Return one row of the long indicator table with sensible sourcing for ``status``."""
    return {
        "region_code": region_code, "year": year, "indicator": indicator, "value": value, "unit": "件/万人",
        "status": status,
        "source_url": "demo:make_demo" if status == "demo" else "https://example.org/source",
        "source_note": f"{status} test row", "formula": "x ÷ 100" if status == "derived" else "",
        "primary": primary, **extra,
    }


def indicator_frame(rows: list[dict]) -> pd.DataFrame:
    """Return a long indicator table from ``rows`` with the loader's dtypes (Int64 year, bool primary)."""
    df = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    df["primary"] = df["primary"].astype(bool)
    return df
