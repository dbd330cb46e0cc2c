"""A yearbook table whose header spans two rows is read (issue 19, item 4: a regression).

As the yearbook prints it: ``地区 | 有效发明专利(件)`` merged over two columns, ``2022年 | 2023年``
below; the 地区 cell merged down over both header rows.
"""

from __future__ import annotations

import pytest

from geo.data.names import BEIJING_DISTRICTS
from geo.imports.parse import parse_upload
from tests.common_import import POP, SOURCE, csv_bytes, xlsx

PER_10K = {code: 100.0 + 10 * i for i, code in enumerate(BEIJING_DISTRICTS)}


def rows_two_row_header() -> list[list[object]]:
    rows: list[list[object]] = [["8-10 各区县有效发明专利情况"], ["单位: 件"],
                                ["地区", "有效发明专利(件)", None], [None, "2022年", "2023年"]]
    for code, (zh, _en) in BEIJING_DISTRICTS.items():
        rows.append([zh, round(PER_10K[code] * POP[code] * 0.9), round(PER_10K[code] * POP[code])])
    rows.append(["注: 本表数据由市知识产权局提供。"])
    return rows


def _check(result) -> None:
    assert result.ok, result.messages("en")
    counts = result.rows[result.rows.indicator == "invention_patents_in_force"]
    assert sorted(counts.year.unique()) == [2022, 2023]
    assert len(counts) == 32
    hd = counts[(counts.region_code == "110108")].set_index("year")["value"]
    assert hd[2023] == round(PER_10K["110108"] * POP["110108"])
    assert hd[2022] == round(PER_10K["110108"] * POP["110108"] * 0.9)
    assert not [m for m in result.messages("en") if "Cannot tell the year" in m or "Merged cells" in m]


def test_xlsx_header_merged_over_two_rows():
    content = xlsx(rows_two_row_header(), merges=("B3:C3", "A3:A4"))
    _check(parse_upload(content, "yearbook.xlsx", SOURCE))


def test_csv_header_over_two_rows():
    _check(parse_upload(csv_bytes(rows_two_row_header()), "yearbook.csv", SOURCE))


@pytest.mark.parametrize("merges", [("B5:C5",)])
def test_merged_cells_in_the_data_area_are_still_refused(merges):
    result = parse_upload(xlsx(rows_two_row_header(), merges=merges), "yearbook.xlsx", SOURCE)
    assert any("Merged cells" in m for m in result.messages("en"))
