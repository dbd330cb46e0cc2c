"""Beijing IP Atlas, the pure part: no Streamlit here (ruff TID251 and tests/test_purity.py check it).

Subpackages, by concern:

- :mod:`geo.data`: datasets, their provenance, names, indicators, designations, source kinds;
- :mod:`geo.view`: the view a share link describes, and presentation scenes;
- :mod:`geo.carto`: the map — layer model, style table, classification, datum shifts;
- :mod:`geo.export`: PNG, PDF, HTML, CSV and XLSX exports of a view;
- :mod:`geo.imports`: reading, parsing, checking and storing official figures and outlines;
- :mod:`geo.analysis`: targets, projects, zones, charts, sources and profiles for the analysis pages;
- :mod:`geo.text`: UI strings (zh/en), number formats, labels, safe output;
- :mod:`geo.accounts`: password sign-in accounts in the store's database, OIDC claims to roles.

The Streamlit pages (``views/``) and their glue (``ui/``) call into these.
"""
