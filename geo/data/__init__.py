"""The data the atlas shows, and where it comes from: the shipped datasets and their provenance.

- :mod:`~geo.data.paths`: every path of the project, derived from this package's location;
- :mod:`~geo.data.provenance`: the ``.meta.json`` sidecars (producer, source, licence, script, sha256)
  that every dataset must carry, and the check that every row is sourced;
- :mod:`~geo.data.datasets`: the loaders (``read_districts``, ``read_zones``, ``read_indicators`` …)
  and :class:`MapInputs`, the bundle every page, map and export is drawn from;
- :mod:`~geo.data.names`: district and region codes and names (zh/en), name matching;
- :mod:`~geo.data.indicators`: the indicator catalogue (what an id means, its unit and definition) and
  queries over the long indicator table (district values of a year, series, best year, demo hidden);
- :mod:`~geo.data.designations`: national IP designations in force in a year: the one strong-district rule;
- :mod:`~geo.data.source_kind`: government, official media or repost: the kind of every figure's source.

The loaders are re-exported here (``from geo.data import read_zones``).
"""

from __future__ import annotations

from geo.data.datasets import (
    DATASETS,
    OFFICIAL_ZONES_DIR,
    Dataset,
    MapInputs,
    dataset_provenance,
    read_dataset,
    read_demo_proxy,
    read_designations,
    read_district_figures,
    read_districts,
    read_indicators,
    read_inputs,
    read_regions,
    read_source_upgrades,
    read_zones,
    with_source_kind,
)

__all__ = ["DATASETS", "OFFICIAL_ZONES_DIR", "Dataset", "MapInputs", "dataset_provenance", "read_dataset", "read_demo_proxy", "read_designations", "read_district_figures", "read_districts", "read_indicators", "read_inputs", "read_regions", "read_source_upgrades", "read_zones", "with_source_kind"]
