"""Run the doctests of every module in geo/ (modules added later are picked up too), so `pytest` alone covers them."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import geo

MODULES = sorted(m.name for m in pkgutil.walk_packages(geo.__path__, "geo."))


def test_modules_found():
    assert {"geo.carto.crs", "geo.data.names", "geo.text.i18n", "geo.view.state"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} doctests failed (see output above)"


def test_documented_examples_exist():
    """The modules that promise examples keep them."""
    for name in ("geo.carto.crs", "geo.data.names", "geo.text.i18n", "geo.view.state"):
        assert doctest.testmod(importlib.import_module(name)).attempted > 0, name
