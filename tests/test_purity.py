"""geo/ stays pure (no Streamlit), and the shipped data is exactly what its scripts produce.

The scripts are run with their data folders redirected to a copy under tmp_path (their module
constants are monkeypatched; no script was changed for this), so shipped files are never written.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import geo
from geo.data.paths import DATA_DIR, ROOT

GEO_FILES = sorted(Path(geo.__file__).resolve().parent.rglob("*.py"))
BANNED = ("streamlit", "ui", "pages", "app")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in
              ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)):
            names.append(str(node.args[0].value))
    return names


@pytest.mark.parametrize("path", GEO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_geo_module_imports_no_streamlit(path):
    bad = [m for m in imported_modules(path) if m.split(".")[0] in BANNED]
    assert bad == [], f"{path.name} imports {bad}"


def test_importing_all_of_geo_loads_no_streamlit():
    """Catches Streamlit pulled in indirectly (through another package)."""
    code = ("import importlib, pkgutil, sys, geo\n"
            "for m in pkgutil.walk_packages(geo.__path__, 'geo.'): importlib.import_module(m.name)\n"
            "print(sorted(k for k in sys.modules if k.split('.')[0] == 'streamlit'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_ast_check_catches_streamlit(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nfrom streamlit.runtime import x\nimport importlib\nimportlib.import_module('ui.cache')\n")
    assert [m for m in imported_modules(probe) if m.split(".")[0] in BANNED] == ["streamlit.runtime", "ui.cache"]


# --- The shipped data is what its scripts make ------------------------------------------------

SCRIPTS = {  # script -> files it writes (relative to data/)
    "make_demo": ["indicators/demo_district_series.csv", "indicators/demo_proxy.csv"],
    "build_hosts": ["sources/hosts.csv"],
    "build_indicators": ["indicators/indicators.csv"],
    "build_designations": ["zones/designations.csv"],
    "build_zones": ["zones/zones.geojson"],
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_script_into(name: str, data_copy: Path, monkeypatch) -> None:
    """Import scripts/<name>.py and run its main() with every data folder pointed into ``data_copy``."""
    spec = importlib.util.spec_from_file_location(f"_script_under_test_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for attr, value in list(vars(module).items()):
        if isinstance(value, Path) and value.resolve().is_relative_to(DATA_DIR):
            monkeypatch.setattr(module, attr, data_copy / value.resolve().relative_to(DATA_DIR))
    left = [a for a, v in vars(module).items() if isinstance(v, Path) and v.resolve().is_relative_to(DATA_DIR)]
    assert left == [], f"{name} still points at shipped data through {left}"
    module.main()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    dst = tmp_path / "data"
    for sub in ("indicators", "zones", "boundaries", "sources"):
        shutil.copytree(DATA_DIR / sub, dst / sub)
    for path in dst.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dst


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_script_reproduces_shipped_file(name, data_copy, monkeypatch, capsys):
    shipped = {f: sha256(DATA_DIR / f) for f in SCRIPTS[name]}
    for f in SCRIPTS[name]:
        (data_copy / f).unlink()
    run_script_into(name, data_copy, monkeypatch)
    for f, digest in shipped.items():
        assert sha256(data_copy / f) == digest, f"scripts/{name}.py no longer reproduces data/{f}"
        assert sha256(DATA_DIR / f) == digest, f"data/{f} was modified by the test"


def test_make_demo_is_deterministic(data_copy, monkeypatch, capsys):
    target = data_copy / "indicators" / "demo_district_series.csv"
    run_script_into("make_demo", data_copy, monkeypatch)
    first = target.read_bytes()
    target.unlink()
    run_script_into("make_demo", data_copy, monkeypatch)
    assert target.read_bytes() == first
