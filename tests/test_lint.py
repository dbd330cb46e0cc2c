"""ruff over the project: unused imports, import order and the banned Streamlit import in geo/ (TID251)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "app.py", "views", "ui", "geo",
                             "scripts", "bench", "tests"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
