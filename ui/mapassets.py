"""The map's files as the browser asks for them: content-versioned URLs under ``/app/static/``.

No Streamlit here: the map component (``ui/atlasmap.py``) and the page's first view
(``ui/firstview.py``, which asks the browser to fetch these while Streamlit starts) use the same URLs,
so a file fetched early is the one the map then takes from the browser's cache.
"""

from __future__ import annotations

import hashlib
import os

from geo.carto.contract import RENDERER_SCRIPTS
from geo.data.paths import STATIC_DIR

__all__ = ["ASSETS", "ASSET_DIR", "ASSET_URL", "geometry_basemap", "versioned", "write_asset"]

#: Where the content-hashed geometry files are written (``ui.atlasmap.geometry_url``) and served from.
ASSET_DIR = STATIC_DIR / "atlas"
ASSET_URL = "/app/static/atlas/"


def versioned(path) -> str:
    """Return the URL of the file at ``path`` under ``static/`` with ``?v=`` and the first 10 hex digits of its sha256."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"/app/static/{path.relative_to(STATIC_DIR).as_posix()}?v={digest}"


#: Every file the map page loads is content-versioned (``?v=`` + hash, or a hashed name): the
#: server may let browsers keep them for a year (deploy/haproxy.cfg.tmpl, ui/webassets.py).
ASSETS = {
    "leaflet": versioned(STATIC_DIR / "leaflet" / "leaflet.js"),
    "leafletCss": versioned(STATIC_DIR / "leaflet" / "leaflet.css"),
    "renderer": [versioned(STATIC_DIR / "atlasmap" / name) for name in RENDERER_SCRIPTS],
    "css": versioned(STATIC_DIR / "atlasmap" / "atlas-map.css"),
}


def geometry_basemap(basemap: object) -> str:
    """Return the geometry file a basemap needs: ``"amap"`` (shifted to GCJ-02 for AMap tiles), else ``"none"`` (WGS-84).

    >>> geometry_basemap("amap"), geometry_basemap("osm"), geometry_basemap(None)
    ('amap', 'none', 'none')
    """
    return "amap" if basemap == "amap" else "none"


def write_asset(name: str, text: str) -> str:
    """Write the geometry file ``name`` (content-hashed) under :data:`ASSET_DIR` if it is not there; return its URL.

    Written atomically (a temporary file renamed), so several app processes may write it at once.
    Return "" if the folder cannot be written: the caller then sends the geometry inline.
    """
    path = ASSET_DIR / name
    if not path.exists():
        try:
            ASSET_DIR.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        except OSError:
            return ""
    return ASSET_URL + name
