"""mypy over geo/ (the settings are ``[tool.mypy]`` in pyproject.toml): the pure package type-checks."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_mypy_is_clean(tmp_path_factory):
    # mypy's incremental cache in a temporary folder (CI runs with -p no:cacheprovider): about half a minute
    cache_dir = tmp_path_factory.mktemp("mypy-cache")
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache_dir)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
