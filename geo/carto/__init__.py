"""The map: one layer model and one style table that every renderer reads.

- :mod:`geo.carto.styles`: colours, outlines, dashes and label sizes, as named constants;
- :mod:`geo.carto.model`: what a view draws — per-district frames for every year, zones in force,
  labels with priorities, legend items, titles, source line, summary — as JSON-able data, and the
  content-hashed geometry asset the browser caches.

The browser renderer is ``static/atlasmap/atlas-map.js`` (Leaflet, SVG paths); the matplotlib
renderer is :func:`geo.export.draw_figure`.
"""

from geo.carto.model import (
    BEIJING_BOUNDS,
    LegendItem,
    classes_for,
    demo_banner,
    district_frame,
    geometry_asset,
    layer_model,
    legend_items,
    source_line,
    view_bounds,
    zones_in_view,
)

__all__ = ["BEIJING_BOUNDS", "LegendItem", "classes_for", "demo_banner", "district_frame", "geometry_asset",
           "layer_model", "legend_items", "source_line", "view_bounds", "zones_in_view"]
