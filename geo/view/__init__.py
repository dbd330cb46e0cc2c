"""The view: what a share link says, and the presentation scenes built from views.

- :mod:`~geo.view.state`: :class:`ViewState` (year, districts, layers, indicator, classification,
  basemap, language, change map, demo switch) and its round trip through URL query parameters,
  every parameter validated (a bad one falls back to its default with a note);
- :mod:`~geo.view.scenes`: presentation scenes (the five regional-layout projects and saved views),
  their links, JSON and URL forms.
"""

from __future__ import annotations

from geo.view.state import (
    BASEMAPS,
    CHANGES,
    CLASSIFICATIONS,
    DEFAULT_LAYERS,
    DEFAULT_YEAR,
    LAYERS,
    ViewState,
    from_query,
    share_url,
    to_query,
    view_for_data,
)

__all__ = ["BASEMAPS", "CHANGES", "CLASSIFICATIONS", "DEFAULT_LAYERS", "DEFAULT_YEAR", "LAYERS", "ViewState", "from_query", "share_url", "to_query", "view_for_data"]
