"""Where things live. Every path in the project is derived here from this file, never from the cwd."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["BOUNDARIES_DIR", "DATA_DIR", "INDICATORS_DIR", "REFERENCE_DIR", "ROOT", "SOURCES_DIR", "STATIC_DIR", "VAR_DIR", "ZONES_DIR"]

ROOT = Path(__file__).resolve().parents[2]  # geo/data/paths.py -> the repository
DATA_DIR = ROOT / "data"
BOUNDARIES_DIR = DATA_DIR / "boundaries"
ZONES_DIR = DATA_DIR / "zones"
INDICATORS_DIR = DATA_DIR / "indicators"
SOURCES_DIR = DATA_DIR / "sources"
STATIC_DIR = ROOT / "static"
#: Research notes shared beside the repository (build-time input only; the app never reads it).
REFERENCE_DIR = ROOT.parent / "shared" / "reference"
#: Writable state (the SQLite store of imported data); override with ATLAS_VAR_DIR.
VAR_DIR = Path(os.environ.get("ATLAS_VAR_DIR", ROOT / "var"))
