"""Bringing official figures and outlines in: read a file safely, parse its layout, check it, store it.

- :mod:`~geo.imports.read`: safe reading of CSV/XLSX/GeoJSON uploads (size, encoding, zip bombs,
  formulas, merged cells), sheet by sheet;
- :mod:`~geo.imports.parse`: the atlas long format and the yearbook layouts, and every row/column check;
- :mod:`~geo.imports.issues`: the problems a planner is told about, by row, column and sheet (zh/en);
- :mod:`~geo.imports.report`: preview counts and revision labels for the page and the command line;
- :mod:`~geo.imports.boundaries`: checks of an official zone outline (validity, CRS, GCJ-02, in Beijing);
- :mod:`~geo.imports.store`: the append-only revisions (SQLite or PostgreSQL): save, conflicts, roll back;
  every write checks the actor's role and records who, when, the file and its SHA-256;
- :mod:`~geo.imports.backup`: backups of the store and their all-or-nothing restore.
"""

from __future__ import annotations

__all__ = []
