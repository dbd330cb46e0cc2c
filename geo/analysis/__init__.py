"""What the analysis pages show, as data: policy targets, the five projects, zones, trends, sources, profiles.

- :mod:`~geo.analysis.targets`: the six headline targets against Beijing's actuals, gaps, outlook;
- :mod:`~geo.analysis.projects`: one factual card per regional-layout project;
- :mod:`~geo.analysis.zones`: the districts each zone touches, published vs drawn areas;
- :mod:`~geo.analysis.charts`: trend and ranking charts (Altair specs), one line per run of one status;
- :mod:`~geo.analysis.sources`: the Sources page's tables (provenance, coverage, kinds, conflicts);
- :mod:`~geo.analysis.profile`: a district's profile (indicators, designations, zones).
"""

from __future__ import annotations

__all__ = []
