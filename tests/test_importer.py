"""geo.imports.parse: layouts, units, derivation, and 40+ hostile or broken uploads.

Each bad upload goes through ``Store.import_upload`` against a store that already holds one
import: the test asserts the specific message (Chinese and English, naming row and column where
there is one) AND that the stored data did not change.
"""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from common_import import (
    COVER,
    EDITOR,
    PER_10K,
    POP,
    SOURCE,
    counts,
    csv_bytes,
    editor,
    long_rows,
    workbook,
    xlsx,
    yearbook_rows,
    yearbook_year_column_rows,
)
from shapely.geometry import Point, Polygon, box, mapping

from geo.carto.crs import geometry_wgs84_to_gcj02
from geo.data.datasets import read_districts
from geo.data.names import BEIJING_DISTRICTS
from geo.imports.boundaries import validate_boundary
from geo.imports.parse import (
    MAX_BYTES,
    Issue,
    Source,
    derive_per_10k,
    indicator_of,
    parse_upload,
    region_of,
)
from geo.imports.store import Store


@pytest.fixture
def seeded(tmp_path):
    """A SQLite store holding one good long-format import (revision 1)."""
    store = Store(f"sqlite:///{tmp_path / 'atlas.sqlite'}")
    result, rev = store.import_upload(csv_bytes(long_rows()), "long.csv", SOURCE, EDITOR)
    assert result.ok and rev is not None and rev.id == 1
    return store


# ----------------------------------------------------------------------------------------- good files

def test_yearbook_xlsx_reads_all_districts_total_and_etown():
    result = parse_upload(xlsx(yearbook_rows()), "8-10.xlsx", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    assert result.layout == "wide" and result.sheet == "8-10"
    official = result.rows[result.rows.status == "official"]
    per10k = official[official.indicator == "invention_patents_per_10k"].set_index("region_code")
    assert set(BEIJING_DISTRICTS) <= set(per10k.index) and "110000" in per10k.index
    assert per10k.at["110108", "value"] == pytest.approx(60.3 + 37.5 * 5)
    assert official.set_index(["region_code", "indicator"]).at[("BDA", "invention_patents_in_force"), "value"] == 19000
    assert (result.rows.year == 2023).all()
    # the note quotes the source, the cell and what it said
    note = official.set_index(["region_code", "indicator"]).at[("110108", "invention_patents_in_force"), "source_note"]
    assert "北京统计年鉴2024" in note and "8-10.xlsx" in note and "“海淀”" in note
    assert (official.source_url == SOURCE.url).all()
    assert not (result.rows.status == "derived").any()  # per-10k given: nothing derived


@pytest.mark.parametrize("names", ["short", "full", "en", "code"])
def test_district_names_in_any_form(names):
    result = parse_upload(csv_bytes(yearbook_rows(names=names)), "t.csv", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    assert set(BEIJING_DISTRICTS) <= set(result.rows.region_code)


def test_gbk_csv_is_decoded_with_a_note():
    result = parse_upload(csv_bytes(yearbook_rows(), encoding="gbk"), "gbk.csv", SOURCE)
    assert result.ok
    assert result.encoding == "GBK/GB18030"
    assert any(i.code == "decoded_gbk" and i.level == "warning" for i in result.issues)
    assert len(result.rows[result.rows.region_code.isin(list(BEIJING_DISTRICTS))]) == 32


def test_years_as_columns_with_indicator_from_title():
    rows = [["各区每万人发明专利拥有量"], ["单位: 件/万人"], ["区域", "2021年", "2022年"]]
    rows += [[zh, 100 + i, 120 + i] for i, (zh, _) in enumerate(BEIJING_DISTRICTS.values())]
    result = parse_upload(csv_bytes(rows), "years.csv", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    assert set(result.rows.indicator) == {"invention_patents_per_10k"}
    assert sorted(result.rows.year.unique()) == [2021, 2022]
    assert result.rows.set_index(["region_code", "year"]).at[("110101", 2022), "value"] == 120


def test_wan_jian_is_converted_and_source_value_kept():
    rows = [["各区县有效发明专利情况(2023年)"], ["单位: 万件"], ["地区", "有效发明专利"]]
    rows += [[code, round(v / 1e4, 4)] for code, v in {c: POP[c] * 100 for c in BEIJING_DISTRICTS}.items()]
    result = parse_upload(csv_bytes(rows), "wan.csv", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    hd = result.rows[(result.rows.region_code == "110108") & (result.rows.status == "official")].iloc[0]
    assert hd.value == pytest.approx(31335.0) and hd.unit == "件" and hd.source_unit == "万件"


def test_counts_give_derived_per_10k_with_formula():
    result = parse_upload(csv_bytes(long_rows()), "long.csv", SOURCE)
    derived = result.rows[result.rows.status == "derived"].set_index("region_code")
    assert len(derived) == 16 and set(derived.indicator) == {"invention_patents_per_10k"}
    official = result.rows[result.rows.status == "official"].set_index("region_code")
    assert derived.at["110108", "value"] == pytest.approx(round(official.at["110108", "value"] / 313.35, 2))
    assert "÷ resident_population_10k (2020 census) 313.35" in derived.at["110108", "formula"]
    assert derive_per_10k(result.rows[result.rows.status == "official"]).shape[0] == 16
    assert (parse_upload(csv_bytes(long_rows()), "long.csv", SOURCE, derive=False).rows.status == "official").all()


def test_year_and_indicator_can_be_supplied():
    rows = [["地区", "数值"]] + [[zh, 100.0] for zh, _ in BEIJING_DISTRICTS.values()]
    bare = parse_upload(csv_bytes(rows), "bare.csv", SOURCE)
    assert not bare.ok and {"missing_year", "missing_indicator"} & {i.code for i in bare.errors}
    given = parse_upload(csv_bytes([["地区", "2022"]] + [r for r in rows[1:]]), "given.csv", SOURCE,
                         indicator="invention_patents_per_10k")
    assert given.ok and set(given.rows.indicator) == {"invention_patents_per_10k"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_year_column_imports_in_one_step(fmt):
    """A 年份 column (one row per district and year, indicators as columns) needs no year chosen by hand."""
    rows = yearbook_year_column_rows((2022, 2023))
    content = csv_bytes(rows) if fmt == "csv" else xlsx(rows)
    result = parse_upload(content, f"by-year.{fmt}", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    assert result.layout == "wide" and not result.issues
    official = result.rows[result.rows.status == "official"].set_index(["region_code", "year", "indicator"])
    assert sorted(result.rows.year.unique()) == [2022, 2023]
    assert official.at[("110108", 2023, "invention_patents_in_force"), "value"] == counts()["110108"]
    assert official.at[("110108", 2022, "invention_patents_in_force"), "value"] == counts(0.9)["110108"]
    assert official.at[("110119", 2023, "invention_patents_per_10k"), "value"] == PER_10K["110119"]
    assert official.at[("110000", 2022, "invention_patents_in_force"), "value"] == sum(counts(0.9).values())
    assert len(official) == 2 * (16 * 2 + 1)
    # the note quotes the row's cell (district × indicator column)
    note = official.at[("110108", 2022, "invention_patents_in_force"), "source_note"]
    assert "“海淀区 · 2022年” × “有效发明专利(件)”" in note, note


def test_year_column_beats_the_title_and_a_bad_year_names_its_cell():
    rows = yearbook_year_column_rows((2023,))
    rows[0] = ["各区县有效发明专利情况(2019年)"]  # the rows' 年份 wins over the title
    assert set(parse_upload(csv_bytes(rows), "t.csv", SOURCE).rows.year) == {2023}
    rows[5][0] = "去年"  # 东城's year (row 6, column A)
    result = parse_upload(csv_bytes(rows), "t.csv", SOURCE)
    issue = next(i for i in result.errors if i.code == "bad_year")
    assert issue.text("zh") == "第6行 A列(“年份”): 年份“去年”不是有效年份。"
    assert "row 6, column A (“年份”)" in issue.text("en")
    rows[5][0] = None  # blank year and none in the title: said, not guessed
    rows[0] = ["各区县有效发明专利情况"]
    result = parse_upload(csv_bytes(rows), "t.csv", SOURCE)
    assert any(i.code == "missing_year" and i.row == 6 and i.column == "A" for i in result.errors)
    assert parse_upload(csv_bytes(rows), "t.csv", SOURCE, year=2023).ok  # the planner's year fills the blank


def test_district_column_named_by_its_heading_anywhere():
    """A 区县 column beyond the first four columns, after a year column, still names the districts."""
    rows = [["序号", "年度", "类别", "代码", "区县", "有效发明专利"]]
    rows += [[i + 1, 2021, "区", "", zh, counts()[code]] for i, (code, (zh, _)) in enumerate(BEIJING_DISTRICTS.items())]
    result = parse_upload(csv_bytes(rows), "t.csv", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    official = result.rows[result.rows.status == "official"]
    assert set(official.region_code) == set(BEIJING_DISTRICTS) and set(official.year) == {2021}
    assert (result.rows[result.rows.status == "derived"].indicator == "invention_patents_per_10k").all()


# ----------------------------------------------------------------------------------------- sheets

def test_cover_sheet_then_data_sheet_reads_the_data_sheet_and_says_so():
    content = workbook({"封面": COVER, "说明": [["指标解释"], ["有效发明专利: 截至年末"]], "8-10": yearbook_rows(2023)})
    result = parse_upload(content, "年鉴.xlsx", SOURCE)
    assert result.ok, [str(i) for i in result.issues]
    assert result.sheet == "8-10" and result.sheets == ["封面", "说明", "8-10"] and result.candidates == ["8-10"]
    assert set(BEIJING_DISTRICTS) <= set(result.rows.region_code)
    note = next(i for i in result.warnings if i.code == "sheet_found")
    assert note.text("zh") == "已读取工作表“8-10”(含北京的区名); 其他工作表(封面、说明)中没有区名, 未读取。"
    assert "Read the sheet “8-10”" in note.text("en")
    # every message about the table names the sheet it read
    rows = yearbook_rows(2023)
    rows[6][1] = "abc"
    bad = parse_upload(workbook({"封面": COVER, "8-10": rows}), "年鉴.xlsx", SOURCE)
    table_issues = [i for i in bad.issues if i.code not in ("sheet_found",)]
    assert table_issues and all(i.text("zh").startswith("工作表“8-10”") for i in table_issues)
    assert all(i.text("en").startswith("sheet “8-10”") for i in table_issues)


def test_formula_on_a_cover_sheet_does_not_block_the_data_sheet():
    content = workbook({"封面": [["北京统计年鉴"], ["=HYPERLINK(\"http://x\")"]], "数据": yearbook_rows(2023)})
    result = parse_upload(content, "年鉴.xlsx", SOURCE)
    assert result.ok and result.sheet == "数据", [str(i) for i in result.issues]
    assert parse_upload(content, "年鉴.xlsx", SOURCE, sheet="封面").sheet == "封面"  # chosen: its problems count
    assert any(i.code == "xlsx_formula" and i.sheet == "封面"
               for i in parse_upload(content, "年鉴.xlsx", SOURCE, sheet="封面").errors)


def test_several_data_sheets_the_planner_picks_one():
    content = workbook({"封面": COVER, "2022": yearbook_rows(2022), "2023": yearbook_rows(2023)})
    auto = parse_upload(content, "年鉴.xlsx", SOURCE)
    assert auto.ok and auto.sheet == "2022" and auto.candidates == ["2022", "2023"]
    note = next(i for i in auto.warnings if i.code == "sheets_several")
    assert "2 个工作表含北京的区名(2022、2023); 已读取“2022”" in note.text("zh")
    assert "choose it under “Sheet”" in note.text("en")
    picked = parse_upload(content, "年鉴.xlsx", SOURCE, sheet="2023")
    assert picked.ok and picked.sheet == "2023" and set(picked.rows.year) == {2023}
    assert not any(i.code.startswith("sheet") for i in picked.issues)
    missing = parse_upload(content, "年鉴.xlsx", SOURCE, sheet="2030")
    issue = next(i for i in missing.errors if i.code == "sheet_missing")
    assert issue.text("zh") == "工作簿中没有名为“2030”的工作表(现有: 封面、2022、2023)。" and missing.rows.empty


def test_no_sheet_with_district_names_says_which_sheets_were_looked_at():
    result = parse_upload(workbook({"封面": COVER, "附注": [["无"]]}), "x.xlsx", SOURCE)
    assert not result.ok
    assert "所有工作表(封面、附注)中都没有北京的区名; 已读取第一个工作表“封面”" in result.messages("zh", "warning")[0]
    layout = next(i for i in result.errors if i.code == "layout_unknown")
    assert layout.text("en").startswith("sheet “封面”: Cannot recognise the layout")


def test_aliases():
    assert region_of("全市") == region_of("合  计") == "110000"
    assert region_of("北京经济技术开发区") == "BDA"
    assert indicator_of("每万人口发明专利拥有量（件/万人）") == "invention_patents_per_10k"
    assert str(Issue("negative", row=3, column="B", header="2022", params={"value": -1.0})).startswith("第3行 B列")


def test_messages_name_row_and_column_in_both_languages():
    rows = yearbook_rows()
    rows[6][1] = "abc"  # 西城's count (row 7, column B)
    issue = next(i for i in parse_upload(xlsx(rows), "x.xlsx", SOURCE).errors if i.code == "not_a_number")
    assert issue.text("zh") == "工作表“8-10” 第7行 B列(“有效发明专利(件)”): “abc”不是数字。"
    assert issue.text("en") == "sheet “8-10”, row 7, column B (“有效发明专利(件)”): “abc” is not a number."
    csv_issue = next(i for i in parse_upload(csv_bytes(rows), "x.csv", SOURCE).errors if i.code == "not_a_number")
    assert csv_issue.text("zh") == "第7行 B列(“有效发明专利(件)”): “abc”不是数字。"  # a CSV has no sheet


# ----------------------------------------------------------------------------------------- bad files

def _yb(edit) -> list[list[object]]:
    rows = yearbook_rows()
    edit(rows)
    return rows


def _set(r: int, c: int, v: object):
    def edit(rows):
        rows[r][c] = v
    return edit


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(101):
                fh.write(chunk)
    return buf.getvalue()


def _xlsx_formula() -> bytes:
    rows = yearbook_rows()
    rows[3][1] = "=SUM(B5:B20)"
    return xlsx(rows)


def _long(edit) -> bytes:
    rows = long_rows()
    edit(rows)
    return csv_bytes(rows)


OTHER = Source("北京统计年鉴2024", "https://tjj.beijing.gov.cn/", "")
# (id, content, filename, source, options, code, text in the Chinese message, text in the English message)
BAD_FILES = [
    ("empty", b"", "e.csv", SOURCE, {}, "empty_file", "文件为空", "empty"),
    ("blank-lines", b" \r\n\r\n  ", "e.csv", SOURCE, {}, "empty_file", "文件为空", "empty"),
    ("oversize", b"a,b\n" + b"1,2\n" * (MAX_BYTES // 4 + 1), "big.csv", SOURCE, {}, "too_big", "超过 10 MB", "10 MB"),
    ("undecodable", "地区,2022\n海淀,1\n".encode() + b"\x81\x20\xff\xfe\xfd,1\n", "x.csv", SOURCE, {},
     "bad_encoding", "既不是 UTF-8 也不是 GBK", "neither UTF-8 nor GBK"),
    ("binary", b"\x00\x01\x02binary\x00", "x.csv", SOURCE, {}, "binary_file", "二进制", "binary"),
    ("old-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "t.xls", SOURCE, {}, "old_xls", ".xls", ".xls"),
    ("broken-xlsx", b"PK\x03\x04garbage" * 10, "t.xlsx", SOURCE, {}, "bad_xlsx", "无法读取该 XLSX", "Cannot read"),
    ("xlsx-not-zip", b"hello,world\n", "t.xlsx", SOURCE, {}, "bad_xlsx", "XLSX", "XLSX"),
    ("zip-bomb", _zip_bomb(), "bomb.xlsx", SOURCE, {}, "xlsx_too_big", "解压后", "unpacks"),
    ("pdf", b"%PDF-1.4 ...", "table.pdf", SOURCE, {}, "unsupported_type", "不支持的文件类型", "Unsupported"),
    ("xlsx-formula", _xlsx_formula(), "f.xlsx", SOURCE, {}, "xlsx_formula", "第4行 B列: 单元格含公式“=SUM(B5:B20)”",
     "formulas are never evaluated"),
    ("xlsx-merged-data", xlsx(yearbook_rows(), merges=("A5:A6",)), "m.xlsx", SOURCE, {}, "xlsx_merged",
     "合并单元格 A5:A6", "Merged cells A5:A6"),
    ("xlsx-merged-header", xlsx(yearbook_rows(), merges=("B3:C3",)), "m.xlsx", SOURCE, {}, "xlsx_merged",
     "合并单元格 B3:C3", "unmerge"),
    ("csv-formula", _long(lambda r: r[1].__setitem__(3, "=1+cmd|' /C calc'!A0")), "f.csv", SOURCE, {},
     "csv_formula", "第2行 D列: 单元格以“=”开头", "formulas are never run"),
    ("unknown-district-wide", xlsx(_yb(_set(5, 0, "火星区"))), "u.xlsx", SOURCE, {}, "unknown_district",
     "第6行 A列(“地  区”): 无法识别的区名“火星区”", "Unknown district “火星区”"),
    ("unknown-district-long", _long(lambda r: r[3].__setitem__(0, "Gotham")), "u.csv", SOURCE, {},
     "unknown_district", "第4行 A列(“region_code”): 无法识别的区名“Gotham”", "row 4, column A"),
    ("duplicate-wide", xlsx(_yb(lambda r: r.insert(10, ["海淀区", 5, 6]))), "d.xlsx", SOURCE, {}, "duplicate",
     "重复: 海淀区 2023年 有效发明专利量 已在第10行出现", "already appears in row 10"),
    ("duplicate-long", _long(lambda r: r.append(list(r[1]))), "d.csv", SOURCE, {}, "duplicate",
     "第18行 D列(“value”): 重复: 东城区 2022年", "Duplicate: 东城区 2022"),
    ("non-numeric-wide", xlsx(_yb(_set(6, 1, "约3万"))), "n.xlsx", SOURCE, {}, "not_a_number",
     "第7行 B列(“有效发明专利(件)”): “约3万”不是数字", "is not a number"),
    ("non-numeric-long", _long(lambda r: r[2].__setitem__(3, "12.3x")), "n.csv", SOURCE, {}, "not_a_number",
     "第3行 D列(“value”): “12.3x”不是数字", "“12.3x” is not a number"),
    ("negative", xlsx(_yb(_set(8, 2, -12.5))), "neg.xlsx", SOURCE, {}, "negative", "第9行 C列", "is negative"),
    ("unit-wan-labelled-jian", xlsx(_yb(_set(9, 1, 21.3))), "u.xlsx", SOURCE, {}, "unit_scale",
     "第10行 B列(“有效发明专利(件)”): 数值 21.3 件 与预期量级", "万件 (10k items) rather than 件"),
    ("unit-jian-labelled-wan", csv_bytes([["各区县有效发明专利情况(2023年)"], ["地区", "有效发明专利(万件)"]]
                                         + [[c, POP[c] * 100] for c in BEIJING_DISTRICTS]), "u.csv", SOURCE, {},
     "unit_scale", "相差约一万倍", "about 10,000 times off"),
    ("unit-fraction", csv_bytes([["region", "year", "indicator", "value", "unit"],
                                 ["经济技术开发区", 2023, "有效发明专利", 1.25, "件"]]), "f.csv", SOURCE, {},
     "unit_scale_fraction", "不是整数", "not a whole number"),
    ("unit-unknown", csv_bytes([["各区县有效发明专利情况(2023年)"], ["单位: 吨"], ["地区", "有效发明专利"]]
                               + [[c, 1000] for c in BEIJING_DISTRICTS]), "t.csv", SOURCE, {}, "bad_unit",
     "单位“吨”与指标不符(应为 件)", "Unit “吨” does not fit"),
    ("year-future", xlsx(_yb(_set(0, 0, "8-10 各区县有效发明专利情况(2099年)"))), "y.xlsx", SOURCE, {},
     "year_range", "年份 2099 超出范围", "Year 2099 is out of range"),
    ("year-too-early", csv_bytes([["地区", "1950年"]] + [[c, 10] for c in BEIJING_DISTRICTS]), "y.csv", SOURCE,
     {"indicator": "invention_patents_per_10k"}, "year_range", "年份 1950 超出范围(1985–", "out of range (1985"),
    ("year-not-a-year", _long(lambda r: r[5].__setitem__(1, "二〇二二")), "y.csv", SOURCE, {}, "bad_year",
     "第6行 B列(“year”): 年份“二〇二二”不是有效年份", "is not a valid year"),
    ("no-source-title", csv_bytes(long_rows()), "s.csv", Source("", SOURCE.url), {}, "missing_source_title",
     "缺少来源", "Missing source"),
    ("no-source-url", csv_bytes(long_rows()), "s.csv", Source("北京统计年鉴2024", "  "), {}, "missing_source_url",
     "缺少来源网址", "Missing source URL"),
    ("javascript-url", csv_bytes(long_rows()), "s.csv", Source("年鉴", "javascript:alert(1)"), {}, "bad_source_url",
     "须以 http:// 或 https:// 开头", "must start with http"),
    ("total-mismatch", xlsx(_yb(_set(3, 1, sum(counts().values()) + 5000))), "t.xlsx", SOURCE, {}, "total_mismatch",
     "第4行 B列(“有效发明专利(件)”): 全市合计 656,858 与16区之和 651,858 不符(相差 5,000 件)",
     "disagrees with the sum of the 16 districts"),
    ("total-outside-range", xlsx(_yb(_set(3, 2, 999.0))), "t.xlsx", SOURCE, {}, "total_outside_range",
     "全市合计 999 不在各区数值范围", "outside the districts' range"),
    ("no-layout", b"a,b\n1,2\n", "x.csv", SOURCE, {}, "layout_unknown", "无法识别表格格式", "Cannot recognise"),
    ("no-year", csv_bytes([["地区", "有效发明专利"]] + [[c, 1000] for c in BEIJING_DISTRICTS]), "y.csv", SOURCE, {},
     "missing_year", "无法确定年份", "Cannot tell the year"),
    ("no-indicator", csv_bytes([["地区", "2022"]] + [[c, 1000] for c in BEIJING_DISTRICTS]), "i.csv", SOURCE, {},
     "missing_indicator", "无法确定指标", "Cannot tell the indicator"),
    ("unknown-indicator", _long(lambda r: r[1].__setitem__(2, "GDP")), "i.csv", SOURCE, {}, "unknown_indicator",
     "第2行 C列(“indicator”): 无法识别的指标“GDP”", "Unknown indicator “GDP”"),
    ("demo-status", csv_bytes([["region_code", "year", "indicator", "value", "unit", "status"],
                               ["110108", 2022, "invention_patents_per_10k", 500, "件/万人", "demo"]]), "d.csv",
     SOURCE, {}, "status_not_official", "状态为“demo”", "cannot be imported as official"),
    ("header-only", csv_bytes([long_rows()[0]]), "h.csv", SOURCE, {}, "no_rows", "没有可导入的数据行", "no data rows"),
    ("bad-indicator-param", csv_bytes([["地区", "2022"]] + [[c, 10] for c in BEIJING_DISTRICTS]), "p.csv", SOURCE,
     {"indicator": "<script>x</script>"}, "unknown_indicator", "无法识别的指标“<script>x</script>”",
     "Unknown indicator"),
    ("no-header", csv_bytes([[zh, 1] for zh, _ in BEIJING_DISTRICTS.values()]), "n.csv", SOURCE, {}, "no_header",
     "没有表头行", "No header row"),
]


def test_at_least_30_bad_files():
    assert len(BAD_FILES) >= 30
    assert len({case[0] for case in BAD_FILES}) == len(BAD_FILES)


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_refused_with_its_message_and_store_unchanged(seeded, case):
    _, content, filename, source, options, code, zh, en = case
    before_rev = seeded.current_revision_id()
    before_rows = seeded.current_rows()
    before_list = seeded.revisions()

    result, rev = seeded.import_upload(content, filename, source, editor("mallory"), **options)

    assert rev is None and not result.ok
    issue = next((i for i in result.errors if i.code == code), None)
    assert issue is not None, f"expected {code}, got {[str(i) for i in result.issues]}"
    assert zh in issue.text("zh"), issue.text("zh")
    assert en in issue.text("en"), issue.text("en")
    assert seeded.current_revision_id() == before_rev
    assert seeded.revisions() == before_list
    pd.testing.assert_frame_equal(seeded.current_rows(), before_rows)


def test_xlsx_formula_is_never_evaluated():
    """openpyxl keeps the formula text: the cell value never becomes a computed number."""
    result = parse_upload(_xlsx_formula(), "f.xlsx", SOURCE)
    assert "110000" not in set(result.rows[result.rows.indicator == "invention_patents_in_force"].region_code)


def test_merged_title_cells_are_only_a_note():
    result = parse_upload(xlsx(yearbook_rows(), merges=("A1:C1",)), "m.xlsx", SOURCE)
    assert result.ok
    assert [i.code for i in result.warnings if i.code.startswith("xlsx")] == ["xlsx_merged_title"]


# ----------------------------------------------------------------------------------------- boundaries

SHIPPED = {}  # filled on first use: the shipped districts and zone ids the checks compare with


def _shipped() -> dict:
    if not SHIPPED:
        from geo.data import read_districts, read_zones

        SHIPPED.update(districts=read_districts(), zone_ids=tuple(read_zones().zone_id))
    return SHIPPED


def _geojson(geoms, crs: str | None = None, **props) -> bytes:
    doc = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "properties": dict(props), "geometry": mapping(g)} for g in geoms]}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


def _gpkg(geoms, crs, tmp_path) -> bytes:
    path = tmp_path / "zone.gpkg"
    gpd.GeoDataFrame({"name": ["z"] * len(geoms)}, geometry=list(geoms), crs=crs).to_file(path, driver="GPKG")
    return path.read_bytes()


@pytest.fixture(scope="module")
def dongcheng():
    d = read_districts()
    return d.loc[d.code == "110101", "geometry"].iloc[0]


INSIDE = box(116.25, 39.95, 116.30, 39.99)  # a box inside Haidian, far from district boundaries


def test_boundary_good_wgs84_file_passes(dongcheng):
    result = validate_boundary(_geojson([dongcheng]), "dongcheng.geojson", "zgc_dongcheng", **_shipped())
    assert result.ok, [str(i) for i in result.issues]
    assert result.area_km2 == pytest.approx(41.8, rel=0.1)
    assert validate_boundary(_geojson([INSIDE]), "in.geojson", **_shipped()).ok


def test_boundary_projected_with_declared_crs_is_converted(tmp_path, dongcheng):
    utm = gpd.GeoSeries([dongcheng], crs=4326).to_crs(32650).iloc[0]
    result = validate_boundary(_gpkg([utm], 32650, tmp_path), "z.gpkg", **_shipped())
    assert result.ok, [str(i) for i in result.issues]
    assert result.geometry.symmetric_difference(dongcheng).area < 1e-9


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_boundary_bad_files(tmp_path, dongcheng):
    bowtie = Polygon([(116.3, 39.9), (116.4, 40.0), (116.4, 39.9), (116.3, 40.0), (116.3, 39.9)])
    utm_box = gpd.GeoSeries([INSIDE], crs=4326).to_crs(32650).iloc[0]
    shanghai = box(121.4, 31.1, 121.5, 31.2)
    cases = [
        (_geojson([bowtie]), "b.geojson", "geo_invalid", "几何无效: Self-intersection", "self-intersection"),
        (_gpkg([INSIDE], None, tmp_path), "z.gpkg", "geo_missing_crs", "缺少坐标参考系", "Missing coordinate"),
        (_geojson([utm_box]), "z.geojson", "geo_missing_crs", "不是经纬度", "not degrees"),
        (_geojson([INSIDE], "urn:ogc:def:crs:EPSG::3857"), "z.geojson", "geo_wrong_crs", "与坐标", "does not fit"),
        (_geojson([utm_box], "urn:ogc:def:crs:OGC:1.3:CRS84"), "z.geojson", "geo_wrong_crs", "EPSG", "check the CRS"),
        (_geojson([geometry_wgs84_to_gcj02(dongcheng)]), "gcj.geojson", "geo_gcj02", "GCJ-02",
         "GCJ-02 passed as WGS-84"),
        (_geojson([shanghai]), "sh.geojson", "geo_outside", "不在北京市范围内", "not in Beijing"),
        (_geojson([box(116.0, 39.3, 116.3, 39.6)]), "edge.geojson", "geo_partly_outside", "北京市界外",
         "outside Beijing"),
        (_geojson([Point(116.3, 39.9)]), "p.geojson", "geo_not_polygon", "Point", "must be polygons"),
        (b"{not json", "x.geojson", "geo_unreadable", "无法读取边界文件", "Cannot read"),
        (b"", "x.geojson", "empty_file", "文件为空", "empty"),
        (b"x" * (MAX_BYTES + 1), "x.geojson", "too_big", "超过", "over the"),
        (_geojson([]), "none.geojson", "geo_no_features", "没有几何要素", "no features"),
        (b"PK\x03\x04", "x.shp.zip", "unsupported_type", "不支持", "Unsupported"),
        (_geojson([INSIDE]), "z.geojson", "geo_unknown_zone", "没有编号为", "no zone"),
    ]
    for content, name, code, zh, en in cases:
        result = validate_boundary(content, name, "no_such_zone" if code == "geo_unknown_zone" else None, **_shipped())
        assert not result.ok, name
        issue = next((i for i in result.errors if i.code == code), None)
        assert issue is not None, (code, [str(i) for i in result.issues])
        assert zh in issue.text("zh") and en in issue.text("en"), issue.text("zh") + issue.text("en")
