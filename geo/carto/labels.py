"""Map labels: text, anchor (pole of inaccessibility), priority and zoom range of districts, zones and regions.

Part of the layer model (:mod:`geo.carto.model`); typed in :mod:`geo.carto.contract`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import geopandas as gpd
import shapely

from geo.carto import styles
from geo.carto.contract import Label
from geo.data.datasets import MapInputs
from geo.data.names import BEIJING_CODE
from geo.text.labels import name_of

__all__ = [
    "DISTRICT_LABEL_MIN_ZOOM",
    "ZOOMED_LABEL_KINDS",
    "district_labels",
    "region_labels",
    "short_name",
    "unique_labels",
    "zone_labels",
]


#: Zone kinds whose labels are shown only when zoomed in (the 16 parks are small and many).
ZOOMED_LABEL_KINDS = {"zgc_park": 11}


#: Minimum zoom of district labels: at the Jing-Jin-Ji scale the districts are too small to name.
DISTRICT_LABEL_MIN_ZOOM = 8


def _anchor(geom) -> tuple[float, float]:
    """Return (lat, lng) of a label anchor well inside ``geom`` (pole of inaccessibility)."""
    if geom.geom_type == "Point":
        return float(geom.y), float(geom.x)
    part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    p = shapely.ops.polylabel(part, tolerance=0.002) if part.geom_type == "Polygon" else part.representative_point()
    return float(p.y), float(p.x)


@lru_cache(maxsize=4)
def _district_anchors(wkb: tuple[bytes, ...]) -> tuple[tuple[float, float], ...]:
    return tuple(_anchor(shapely.from_wkb(w)) for w in wkb)


def district_labels(inputs: MapInputs, lang: str) -> list[Label]:
    """Return one label per district: text, anchor (lat, lng), priority (larger first) and minimum zoom.

    Priority follows area: where labels would overlap the smaller district's label gives way and
    returns when zoomed in.
    """
    d = inputs.districts
    anchors = _district_anchors(tuple(shapely.to_wkb(g) for g in d.geometry))
    out: list[Label] = []
    for code, zh, en, area, ll in zip(d.code, d.name_zh, d.name_en, d.area_km2, anchors, strict=False):
        out.append(Label(id=code, text=en if lang == "en" else zh.removesuffix("区"), at=list(ll),
                         prio=100 + round(float(area) / 100, 1), minZoom=DISTRICT_LABEL_MIN_ZOOM, kind="district"))
    return out


def short_name(name: str) -> str:
    """Return a zone's name without its parenthesised note, as a map label shows it.

    >>> short_name("中关村科学城（2017年起：海淀全域）"), short_name("BDA (area actually administered)")
    ('中关村科学城', 'BDA')
    """
    return re.split(r"\s*[（(]", name, maxsplit=1)[0].strip() or name


def _zone_label_text(z: dict, lang: str) -> str:
    name = short_name(str(name_of(z, lang)))
    if z["kind"] == "zgc_park":
        name = name.removeprefix("中关村") if lang == "zh" else name.removeprefix("ZGC ")
    return name


def zone_labels(zones: gpd.GeoDataFrame, lang: str) -> list[Label]:
    """Return one label per drawable zone: text, anchor, priority (science cities and E-Town first), min zoom."""
    out: list[Label] = []
    for z in zones[zones.geometry.notna() & zones.on_map].to_dict("records"):
        kind = z["kind"]
        prio = {"science_city": 104, "etda": 104, "jjj_zone": 70, "other": 60, "zgc_park": 40}.get(kind, 30)
        out.append(Label(id=z["zone_id"], text=_zone_label_text(z, lang), at=list(_anchor(z["geometry"])),
                         prio=prio, minZoom=ZOOMED_LABEL_KINDS.get(kind, 0), kind="zone", color=styles.zone_colour(kind)))
    return out


def region_labels(regions: gpd.GeoDataFrame, lang: str) -> list[Label]:
    """Return labels of the Jing-Jin-Ji context: Tianjin and Hebei's 11 cities (Xiong'an is named by its zone)."""
    keep = regions[(regions.level.isin(["province", "city"])) & (regions.code != BEIJING_CODE)]
    out: list[Label] = []
    for r in keep.to_dict("records"):
        prio = 80 if r["level"] in ("province", "new_area") else 50
        out.append(Label(id=r["code"], text=str(name_of(r, lang)), at=list(_anchor(r["geometry"])), prio=prio,
                         minZoom=0, maxZoom=10, kind="region"))
    return out


def unique_labels(labels: list[Label]) -> list[Label]:
    """Return labels highest priority first, without one whose text a higher one already shows (天津市 zone and region)."""
    seen: set[str] = set()
    out = []
    for lb in sorted(labels, key=lambda x: -x["prio"]):
        if lb["text"] not in seen:
            seen.add(lb["text"])
            out.append(lb)
    return out
