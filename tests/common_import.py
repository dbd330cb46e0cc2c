"""Builders of upload files for the import tests (made in memory; no fixtures on disk).

``POP`` is the 2020 census population (10k) of the 16 districts as in data/indicators; the
yearbook builder makes plausible counts from it so that only the defect under test trips a check.
"""

from __future__ import annotations

import io

import openpyxl

from geo.access import Actor
from geo.data.names import BEIJING_DISTRICTS
from geo.imports.parse import Source

POP = {"110101": 70.88, "110102": 110.62, "110105": 345.25, "110106": 201.98, "110107": 56.79, "110108": 313.35,
       "110109": 39.26, "110111": 131.28, "110112": 184.03, "110113": 132.4, "110114": 226.95, "110115": 199.36,
       "110116": 44.1, "110117": 45.73, "110118": 52.77, "110119": 34.55}
SOURCE = Source("北京统计年鉴2024", "https://tjj.beijing.gov.cn/tjsj_31433/sjjd_31444/", "8-10 各区县有效发明专利情况")
#: An editor signed in with a password account (the store records identity, role and via).
EDITOR = Actor("tester@office", "editor", "password")


def editor(identity: str) -> Actor:
    """An editor named ``identity`` (as a signed-in session would be)."""
    return Actor(identity, "editor", "password")


#: Per-10k figures for the yearbook test file: distinct, plausible, none equal to the demo series.
PER_10K = {code: round(60.0 + 37.5 * i + 0.3, 1) for i, code in enumerate(BEIJING_DISTRICTS)}


def counts(year_factor: float = 1.0) -> dict[str, int]:
    """Return invention patents in force per district (per-10k × population)."""
    return {code: round(PER_10K[code] * POP[code] * year_factor) for code in BEIJING_DISTRICTS}


def yearbook_rows(year: int = 2023, *, with_total: bool = True, with_etown: bool = True,
                  names: str = "short") -> list[list[object]]:
    """Return the rows of a yearbook-style table: title, unit, header, 全市, 16 districts, E-Town, note."""
    c = counts()
    rows: list[list[object]] = [[f"8-10 各区县有效发明专利情况({year}年)"], ["单位: 件"],
                                ["地  区", "有效发明专利(件)", "每万人发明专利拥有量(件/万人)"]]
    if with_total:
        rows.append(["全  市", sum(c.values()), 200.0])
    for code, (zh, en) in BEIJING_DISTRICTS.items():
        label = {"short": zh[:-1], "full": zh, "en": en, "code": code}[names]
        rows.append([label, c[code], PER_10K[code]])
    if with_etown:
        rows.append(["经济技术开发区", 19000, None])
    rows.append(["注: 本表数据由市知识产权局提供。"])
    return rows


def yearbook_year_column_rows(years: tuple[int, ...] = (2022, 2023)) -> list[list[object]]:
    """Return a yearbook-style table with a 年份 column: one row per district and year, indicators as columns.

    The title names no year (the rows do); 2022's counts are 0.9 × 2023's; the years are written
    as 2022年 and 2023 to show both forms; each year has its 全市 row (the sum of the districts).
    """
    rows: list[list[object]] = [["各区县有效发明专利情况"], ["年份", "地区", "有效发明专利(件)", "每万人发明专利拥有量(件/万人)"]]
    for year in years:
        factor = 0.9 ** (max(years) - year)
        c = counts(factor)
        label = f"{year}年" if year != max(years) else year
        rows.append([label, "全市", sum(c.values()), None])
        for code, (zh, _en) in BEIJING_DISTRICTS.items():
            rows.append([label, zh, c[code], round(PER_10K[code] * factor, 1)])
    return rows


def xlsx(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    """Return an XLSX workbook (one sheet) holding ``rows``; ``merges`` like ``"A1:C1"``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "8-10"
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """Return an XLSX workbook with one sheet per item of ``sheets`` (name -> rows), in that order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


#: A yearbook cover page: prose only (it mentions 海淀 in a sentence, never as a cell of its own).
COVER = [["北京统计年鉴2024"], ["说明"], ["本表数据由市知识产权局提供, 含海淀区、朝阳区等16个区。"], ["北京市统计局 编"]]


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    """Return ``rows`` as CSV text in ``encoding``."""
    lines = [",".join("" if v is None else str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def long_rows(year: int = 2022) -> list[list[object]]:
    """Return a long-format table (header + 16 district rows of invention patents in force)."""
    c = counts(0.85)
    rows: list[list[object]] = [["region_code", "year", "indicator", "value", "unit", "note"]]
    for code in BEIJING_DISTRICTS:
        rows.append([code, year, "invention_patents_in_force", c[code], "件", "test"])
    return rows
