"""The layout shows the architecture: no module reaches into another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

CODE = sorted([*(ROOT / "geo").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), *(ROOT / "views").rglob("*.py"),
               *(ROOT / "scripts").rglob("*.py"), *(ROOT / "deploy").rglob("*.py"), ROOT / "app.py"])


def private_imports(source: str) -> list[str]:
    """Return ``module.name`` for every ``from module import _name`` in ``source`` (``__future__`` aside)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            out += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    return out


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_cross_module_import_of_an_underscore_name(path: Path):
    assert private_imports(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_a_private_import():
    assert private_imports("from geo.carto.model import _frame, layer_model\n") == ["geo.carto.model._frame"]
    assert private_imports("from __future__ import annotations\nfrom geo import data\n") == []


def test_every_geo_package_says_what_it_holds():
    for init in (ROOT / "geo").rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, init
