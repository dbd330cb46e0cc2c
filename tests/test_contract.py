"""The layer model's contract (geo/carto/contract.py), checked on both sides.

Python: every model conforms to the declared TypedDicts; the committed golden model
(``tests/golden/model.json``) is what Python writes today; no module outside the contract adds a
key. JavaScript: the renderer's unit tests (``tests/js/``, node's own runner) run on a golden model
built in this run, so a key renamed in Python fails a JS test in the same ``./atlas test``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import JS_SUMMARY, ROOT
from golden_model import GOLDEN, golden_text

from geo.carto.contract import MODEL_VERSION, Cell, check
from geo.carto.model import layer_model, select_districts
from geo.data.datasets import read_inputs
from geo.view.state import LAYERS, ViewState

NODE = shutil.which("node") or shutil.which("nodejs")


@pytest.fixture(scope="module")
def inputs():
    return read_inputs()


@pytest.mark.parametrize("state", [ViewState(), ViewState(layers=LAYERS, lang="en"), ViewState(layers=()),
                                   ViewState(compare=2019, change="pct", districts=("110101", "110108")),
                                   ViewState(indicator="resident_population_10k", demo=False, basemap="amap")],
                         ids=["default", "all-layers-en", "no-layers", "change-selection", "derived-amap"])
def test_every_model_conforms_to_the_contract(inputs, state):
    model = select_districts(layer_model(inputs, state.with_(districts=()), "/x.json"), inputs, state)
    assert check(json.loads(json.dumps(model))) == []
    assert model["v"] == MODEL_VERSION


def test_the_check_finds_a_renamed_or_missing_key():
    assert check({"f": "#fff", "s": "", "v": "—"}, Cell) == []
    assert check({"fill": "#fff", "s": "", "v": "—"}, Cell) == ["model: missing key f", "model: unknown key fill"]
    assert check({"f": 3, "s": "", "v": "—"}, Cell) == ["model.f: expected str, got int"]


def test_the_golden_model_is_current(inputs):
    fresh = golden_text(inputs)
    assert check(json.loads(fresh)["change"]) == [] and check(json.loads(fresh)["level"]) == []
    assert GOLDEN.read_text(encoding="utf-8") == fresh, (
        "tests/golden/model.json is not what Python writes now: if the change is intended, run "
        "`.venv/bin/python tests/golden_model.py` and commit it (the JS tests read it)")


def test_renderer_unit_tests_pass_on_the_model_python_writes_now(inputs, tmp_path, request):
    if NODE is None:
        pytest.skip("node is not installed (apt-get install nodejs; ./atlas test does it as root)")
    golden = tmp_path / "model.json"
    golden.write_text(golden_text(inputs), encoding="utf-8")
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.*js"))
    result = subprocess.run([NODE, "--test", *files], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "ATLAS_GOLDEN": str(golden)})
    summary = "\n".join(line for line in result.stdout.splitlines() if re.match(r"# (tests|pass|fail) ", line))
    request.config.stash[JS_SUMMARY] = f"renderer unit tests, node --test ({len(files)} files): " + summary.replace("\n", ", ")
    failed = [line for line in result.stdout.splitlines() if line.startswith("not ok")]
    assert result.returncode == 0, "\n".join(failed) + "\n" + result.stdout[-6000:] + result.stderr[-2000:]
    assert re.search(r"# pass [1-9]", result.stdout), result.stdout[-2000:]


def _model_key_writes(path) -> list[str]:
    """Return ``model[...] = ...`` / ``model.update(...)`` / ``model.setdefault`` in a module (a layer model extended)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        for t in targets:
            if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and "model" in t.value.id:
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "setdefault")
                and isinstance(node.func.value, ast.Name) and "model" in node.func.value.id):
            out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


def test_no_module_but_the_contract_adds_a_key_to_a_model():
    modules = [p for d in ("geo", "ui", "views") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]
    writes = [w for p in modules if p.name != "contract.py" for w in _model_key_writes(p)]
    assert writes == [], "add keys through geo.carto.contract (with_selection, with_geometry, for_display)"
