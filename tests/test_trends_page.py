"""The Trends page through AppTest: its line chart never joins values of different status."""

from __future__ import annotations

import json

import pyarrow as pa
from conftest import ROOT
from streamlit.testing.v1 import AppTest


def test_trend_lines_are_split_where_the_status_changes():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.query_params.clear()
    at.query_params["d"] = "110108"
    at.switch_page("views/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    line = next(layer for layer in spec["layer"] if (layer["mark"]["type"] if isinstance(layer["mark"], dict)
                                                     else layer["mark"]) == "line")
    assert line["encoding"]["detail"]["field"] == "segment"
    rows = [r for d in chart.datasets for r in pa.ipc.open_stream(d.data.data).read_all().to_pylist()]
    assert rows
    by_segment: dict[str, set[str]] = {}
    for r in rows:
        by_segment.setdefault(r["segment"], set()).add(r["status"])
    assert all(len(s) == 1 for s in by_segment.values()), by_segment
    city = {r["year"]: r["segment"] for r in rows if r["region_code"] == "110000"}
    assert city[2014] != city[2015]  # derived 2014, official 2015: no line between them
    assert {r["status"] for r in rows if r["region_code"] == "110108"} == {"demo"}
