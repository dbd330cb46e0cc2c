"""The golden layer models the JavaScript unit tests read (``tests/golden/model.json``).

Python writes them from the real data, the JS tests (``tests/js/*.test.js``) read them: a key
renamed on one side fails a test on the other. ``tests/test_contract.py`` compares the committed
file with a fresh one and runs the JS tests on a fresh one, so both fail in the same run.

Regenerate after an intended change of the model or of the data it is made from::

    .venv/bin/python tests/golden_model.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.carto.contract import LayerModel, for_display  # noqa: E402
from geo.carto.model import layer_model, select_districts  # noqa: E402
from geo.data.datasets import MapInputs, read_inputs  # noqa: E402
from geo.view.state import ViewState  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "model.json"
#: The small views: a change map (two years, 海淀 selected, one zone: 中关村科学城 over all of 海淀,
#: demo values) and a level map of a derived indicator with the strong-district layer.
CHANGE = ViewState(indicator="invention_patents_per_10k", year=2020, compare=2019, change="abs",
                   districts=("110108",), layers=("districts", "strong", "science_cities"))
LEVEL = ViewState(indicator="population_density", year=2020, layers=("districts", "strong"))
YEARS = [2019, 2020]


def golden_models(inputs: MapInputs | None = None) -> dict[str, LayerModel]:
    """Return the golden models by name, as the page would send them."""
    inputs = inputs or read_inputs()
    one_zone = MapInputs(inputs.districts, inputs.zones[inputs.zones.zone_id == "sc_zgc"], inputs.regions,
                         inputs.designations, inputs.indicators)
    out = {}
    for name, state, data in (("change", CHANGE, one_zone), ("level", LEVEL, inputs)):
        model = layer_model(data, state.with_(districts=()), "/app/static/atlas/atlas-geo-golden.json", years=YEARS)
        model = select_districts(model, data, state)
        out[name] = for_display(model, mode="page", year=state.year, year_token=1, height="620px")
    return out


def golden_text(inputs: MapInputs | None = None) -> str:
    """Return the golden file's text (stable: sorted keys, one line per key at the top)."""
    return json.dumps(golden_models(inputs), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    GOLDEN.write_text(golden_text(), encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
