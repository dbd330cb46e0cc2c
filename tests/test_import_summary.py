"""The Import page's summary counts what a save stores (issue 20: it said 34 official when 32 were saved)."""

from __future__ import annotations

from common_import import EDITOR, SOURCE, xlsx, yearbook_rows

from geo.data.datasets import read_indicators
from geo.imports.parse import parse_upload
from geo.imports.report import what_becomes
from geo.imports.store import Store, preview_changes


def test_summary_counts_the_rows_a_save_stores(tmp_path):
    shipped = read_indicators()
    result = parse_upload(xlsx(yearbook_rows(2023)), "8-10.xlsx", SOURCE)
    preview = preview_changes(shipped, result.rows)
    conflicts = [(r.region_code, int(r.year), r.indicator) for r in preview[preview.change == "conflict"].itertuples()]
    assert len(conflicts) == 3
    keep = dict.fromkeys(conflicts, "keep")
    becomes = what_becomes(result.rows, preview, keep)
    store = Store(f"sqlite:///{tmp_path / 'atlas.sqlite'}")
    rev = store.save_import(result.rows, SOURCE, EDITOR, shown=shipped, decisions=keep)
    assert becomes["official"] + becomes["derived"] == rev.imported_rows == 32
    replace_one = {**keep, conflicts[0]: "replace"}
    assert sum(what_becomes(result.rows, preview, replace_one)[k] for k in ("official", "derived")) == 33
    assert len(result.rows) == 35  # the file's own count, which the summary used to give
