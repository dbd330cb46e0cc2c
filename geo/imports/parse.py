"""Read official figures from uploaded CSV/XLSX files, and zone outlines from GeoJSON/GeoPackage.

Pure (no Streamlit). Two table layouts are understood:

* the atlas's **long format**: one value per row, columns ``region_code`` (or a district name),
  ``year``, ``indicator``, ``value``, ``unit`` (English or Chinese headers: 地区, 年份, 指标, 数值, 单位);
* the **yearbook wide layout** of the Beijing Statistical Yearbook / 北京区域统计年鉴: districts as
  rows (with the 全市/合计 row and possibly 经济技术开发区), Chinese headers, and either years or
  indicators as columns; the title rows above the header may give the year, the indicator and the
  unit ("单位: 件").

Nothing in an upload is executed: XLSX files are read with openpyxl without evaluating formulas,
and a cell holding a formula is refused. Every problem is an :class:`Issue` naming the row and
the column, in Chinese and English (strings in ``geo/text/locale/import.json``). Rows that pass become
``official`` with the user's :class:`Source`; per-10k density is derived from imported counts and
the 2020 census population (status ``derived``, formula recorded).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from geo.data.indicators import INDICATORS
from geo.data.names import BEIJING_CODE, BEIJING_DISTRICTS, district_code, region_name
from geo.guard import MAX_NUMBER, log_unexpected
from geo.imports.issues import MAX_BYTES, Issue, column_letter, fmt_number_cell
from geo.imports.read import Grid, read_sheets
from geo.text.i18n import DEFAULT_LANG

__all__ = [
    "MAX_BYTES",
    "MIN_YEAR",
    "ROW_COLUMNS",
    "ImportResult",
    "Issue",
    "Source",
    "derive_per_10k",
    "indicator_of",
    "parse_upload",
    "region_of",
    "sheet_score",
]

#: Uploads larger than this are refused before parsing.
#: Earliest plausible year (China's Patent Law took effect on 1985-04-01).
MIN_YEAR = 1985
#: Columns of an imported row (the same as the shipped indicator table).
ROW_COLUMNS = ("region_code", "region_name_zh", "year", "as_of", "indicator", "value", "unit", "status",
               "source_value", "source_unit", "source_url", "source_note", "formula", "primary")
#: Largest total uncompressed size of an XLSX (a zip): guards against zip bombs.
#: Values off from the expected magnitude by more than this factor are taken for a 10⁴ unit slip.
_SCALE_LIMIT = 10 ** 2.5
_MISSING_MARKS = {"", "-", "--", "—", "——", "–", "…", "...", "..", "x", "na", "n/a", "/", "无"}
_TOTAL_ALIASES = {"全市", "合计", "总计", "北京", "北京市", "全市合计", "总计(全市)", "beijing", "total", "110000"}
_ETOWN_ALIASES = {"经济技术开发区", "北京经济技术开发区", "经开区", "亦庄", "北京亦庄", "开发区", "etown", "e-town",
                  "bda", "beijingetown"}
#: Groupings of districts printed in yearbooks; they are skipped (their figures are sums).
_AGGREGATES = {"首都功能核心区", "城市功能拓展区", "城市发展新区", "生态涵养发展区", "生态涵养区", "城六区",
               "中心城区", "平原新城", "平原地区新城", "核心区", "城区", "郊区", "远郊区"}
ETOWN_CODE = "BDA"

_EXTRA_INDICATOR_ALIASES = {
    "invention_patents_in_force": ["有效发明专利", "有效发明专利量", "有效发明专利数", "有效发明专利拥有量",
                                   "发明专利拥有量", "发明专利有效量", "有效发明专利件数", "patents in force"],
    "invention_patents_per_10k": ["每万人发明专利拥有量", "每万人口发明专利拥有量", "万人发明专利拥有量",
                                  "每万人有效发明专利拥有量", "每万人口有效发明专利拥有量",
                                  "每万常住人口发明专利拥有量"],
    "invention_grants": ["发明专利授权量", "发明专利授权数", "发明专利授权", "发明授权量"],
    "patent_grants": ["专利授权量", "专利授权数", "专利授权"],
    "pct_applications": ["pct国际专利申请量", "pct专利申请量", "pct申请量", "pct国际专利申请"],
    "resident_population_10k": ["常住人口", "年末常住人口", "常住人口数"],
}
_LONG_HEADERS = {
    "region": {"region_code", "region", "district", "district_code", "code", "name", "地区", "区", "区县", "区域",
               "地区代码", "行政区划代码", "区名", "地区名称"},
    "year": {"year", "年份", "年度", "年"},
    "indicator": {"indicator", "indicator_id", "指标", "指标代码", "指标名称"},
    "value": {"value", "数值", "值", "数据"},
    "unit": {"unit", "单位", "计量单位"},
    "note": {"note", "source_note", "备注", "说明", "注释"},
    "status": {"status", "状态"},
}
#: unit (as written in a file) -> (canonical unit, factor to multiply the value by)
_UNIT_FACTORS = {
    ("件", "件"): 1.0, ("件", "万件"): 1e4, ("件", "个"): 1.0, ("件", "项"): 1.0,
    ("件/万人", "件/万人"): 1.0, ("件/万人", "件/万人口"): 1.0, ("件/万人", "件每万人"): 1.0,
    ("万人", "万人"): 1.0, ("万人", "人"): 1e-4,
    ("人/km²", "人/km²"): 1.0, ("人/km²", "人/平方公里"): 1.0, ("人/km²", "人/平方千米"): 1.0,
}


# --------------------------------------------------------------------------------------------- messages

@dataclass(frozen=True)
class Source:
    """Where imported figures come from: the publication, its table, and a URL (required: title, URL)."""

    title: str
    url: str
    table: str = ""

    def issues(self) -> list[Issue]:
        """Return the problems of this source (missing title or URL, URL not http(s))."""
        out = []
        if not str(self.title or "").strip():
            out.append(Issue("missing_source_title"))
        url = str(self.url or "").strip()
        if not url:
            out.append(Issue("missing_source_url"))
        elif not re.match(r"^https?://[^\s<>\"']+$", url, flags=re.I):
            out.append(Issue("bad_source_url", params={"url": url[:200]}))
        return out

    def describe(self) -> str:
        """Return ``title · table`` (what the note column quotes)."""
        return " · ".join(p.strip() for p in (self.title, self.table) if p and p.strip())


@dataclass
class ImportResult:
    """What :func:`parse_upload` found: rows in the indicator-table schema, and the issues."""

    rows: pd.DataFrame
    issues: list[Issue]
    layout: str = ""  # "long", "wide" or "" when nothing could be read
    sheet: str = ""  # the workbook sheet read ("" for a CSV)
    encoding: str = ""
    #: every sheet of the workbook, and those holding Beijing district names (best first)
    sheets: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    #: the hidden sheets of the workbook (read only when picked)
    hidden: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level != "error"]

    @property
    def ok(self) -> bool:
        """True when there is at least one row and no error."""
        return not self.errors and len(self.rows) > 0

    def messages(self, lang: str = DEFAULT_LANG, level: str | None = None) -> list[str]:
        return [i.text(lang) for i in self.issues if level is None or i.level == level]


# --------------------------------------------------------------------------------------------- cells

def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _key(text: object) -> str:
    """Normalise a heading or name for matching: NFKC, no spaces/punctuation, no '其中'/'#' prefixes, lower."""
    s = _text(text).lower()
    s = re.sub(r"^(其中|#|\*|△|:|：)+", "", s)
    return re.sub(r"[\s\u3000_\-·'’:：#*]+", "", s)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _number(value: object) -> tuple[str, float | None]:
    """Classify a cell: ('num', x), ('missing', None) or ('bad', None)."""
    if isinstance(value, bool):
        return "bad", None
    if isinstance(value, (int, float)):
        return ("missing", None) if isinstance(value, float) and math.isnan(value) else ("num", float(value))
    s = _text(value)
    if s.lower() in _MISSING_MARKS:
        return "missing", None
    s = s.replace(",", "").replace(" ", "")
    if _NUMBER.match(s):
        return "num", float(s)
    return "bad", None


_UNIT_IN_HEADER = re.compile(r"[(（\[]\s*([^()（）\[\]]+?)\s*[)）\]]\s*$")


def _split_unit(header: str) -> tuple[str, str | None]:
    """Return (heading without unit, unit) for headings like ``有效发明专利(件)``."""
    m = _UNIT_IN_HEADER.search(header)
    if m:
        unit = m.group(1).replace("单位", "").strip(":： ")
        return header[: m.start()].strip(), unit or None
    return header, None


@functools.lru_cache(maxsize=1)
def _indicator_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for ind in INDICATORS.values():
        for alias in (ind.id, ind.name_zh, ind.name_en):
            out[_key(alias)] = ind.id
    for ind_id, aliases in _EXTRA_INDICATOR_ALIASES.items():
        for alias in aliases:
            out[_key(alias)] = ind_id
    return out


def indicator_of(text: object) -> str | None:
    """Return the indicator id named by a heading or id (units in brackets ignored), else None.

    >>> indicator_of("有效发明专利(件)"), indicator_of("每万人口发明专利拥有量"), indicator_of("foo")
    ('invention_patents_in_force', 'invention_patents_per_10k', None)
    """
    head, _ = _split_unit(_text(text))
    return _indicator_aliases().get(_key(head))


def _indicator_in_title(title: str) -> str | None:
    """Return the indicator whose longest alias occurs in a table title."""
    k = _key(title)
    best = None
    for alias, ind in _indicator_aliases().items():
        if len(alias) >= 4 and alias in k and (best is None or len(alias) > len(best[0])):
            best = (alias, ind)
    return best[1] if best else None


def region_of(text: object) -> str | None:
    """Return the region code of a district, total (全市 -> 110000) or E-Town row label, else None.

    >>> [region_of(x) for x in ("海淀", "Haidian District", "110108", "全  市", "合计", "经济技术开发区", "火星")]
    ['110108', '110108', '110108', '110000', '110000', 'BDA', None]
    """
    k = _key(text)
    if not k:
        return None
    code = district_code(k)
    if code:
        return code
    if k in _TOTAL_ALIASES:
        return BEIJING_CODE
    if k in _ETOWN_ALIASES:
        return ETOWN_CODE
    return None


def _year_of_header(value: object) -> int | None:
    s = _text(value)
    m = re.fullmatch(r"(\d{4})(年|年末|年底|年度)?", s)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------- layouts

@dataclass
class _Record:
    region_code: str
    year: int | None
    indicator: str  # rows without one are reported and skipped before a record is made
    value: float
    unit: str | None
    row: int
    column: str
    header: str
    label: str
    note: str = ""
    source_value: float = 0.0  # the value and unit as written in the file
    source_unit: str = ""


def _find_long_header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(rows[:30]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(row):
            k = _key(cell)
            for role, names in _LONG_HEADERS.items():
                if role not in cols and k in {_key(n) for n in names}:
                    cols[role] = c
        if {"region", "indicator", "value"} <= cols.keys():
            return r, cols
    return None


def _parse_long(grid: Grid, header_row: int, cols: dict[str, int], defaults: dict, issues: list[Issue]
                ) -> list[_Record]:
    rows = grid.rows
    heads = {role: _text(rows[header_row][c]) for role, c in cols.items()}

    def cell(row: list[object], role: str) -> object:
        c = cols.get(role)
        return row[c] if c is not None and c < len(row) else None

    out = []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if all(_text(v) == "" for v in row):
            continue
        rownum = r + 1
        where = lambda role, rownum=rownum: dict(row=rownum, column=column_letter(cols[role]), header=heads[role])  # noqa: E731
        label = _text(cell(row, "region"))
        code = region_of(label)
        if code is None:
            if _key(label) in {_key(a) for a in _AGGREGATES}:
                issues.append(Issue("aggregate_skipped", "warning", **where("region"), params={"label": label}))
            else:
                issues.append(Issue("unknown_district", **where("region"), params={"label": label or "(空)"}))
            continue
        ind_text = _text(cell(row, "indicator"))
        ind = indicator_of(ind_text) if ind_text else defaults.get("indicator")
        if ind is None:
            issues.append(Issue("unknown_indicator", **where("indicator"), params={"label": ind_text or "(空)"}))
            continue
        year: int | None
        if "year" in cols:
            yval = _number(cell(row, "year"))[1]  # None unless the kind is "num"
            if yval is None or not yval.is_integer():
                issues.append(Issue("bad_year", **where("year"), params={"value": _text(cell(row, "year")) or "(空)"}))
                continue
            year = int(yval)
        else:
            year = defaults.get("year")
        if "status" in cols:
            status = _text(cell(row, "status")).lower()
            if status and status not in ("official", "官方"):
                issues.append(Issue("status_not_official", **where("status"), params={"status": status}))
                continue
        kind, value = _number(cell(row, "value"))
        raw = _text(cell(row, "value"))
        if kind == "missing":
            issues.append(_missing_issue(str(cell(row, "value") or "").strip(), where("value")))
            continue
        if kind == "bad":
            issues.append(Issue("not_a_number", **where("value"), params={"value": raw[:60]}))
            continue
        assert value is not None  # kind is "num", which always carries a float
        unit = _text(cell(row, "unit")) or defaults.get("unit") or None
        out.append(_Record(code, year, ind, value, unit, rownum, column_letter(cols["value"]), heads["value"], label,
                           note=_text(cell(row, "note"))))
    return out


def _missing_issue(raw: str, where: dict) -> Issue:
    """Return the warning for a cell with no value: a blank cell, or a no-data mark quoted as written."""
    if raw:
        return Issue("no_data_mark", "warning", **where, params={"mark": raw[:20]})
    return Issue("missing_value", "warning", **where)


def _is_header(cell: object, role: str) -> bool:
    """Return True when ``cell`` is a heading of ``role`` ('region', 'year', …) in ``_LONG_HEADERS``."""
    return _key(cell) in {_key(n) for n in _LONG_HEADERS[role]}


def _locate_table(rows: list[list[object]], issues: list[Issue]) -> tuple[int, int, int] | None:
    """Return ``(header_row, label_col, data_start)`` of a yearbook table (0-based), else add an issue.

    A heading such as 地区/区/区县 names the district column wherever it is (when a district name
    sits below it); otherwise the first of the first four columns holding a district name is the
    label column, and the header is the nearest row above with text right of it.
    """
    for r, row in enumerate(rows[:30]):
        for c, cell in enumerate(row):
            if not _is_header(cell, "region"):
                continue
            below = next((b for b in range(r + 1, min(len(rows), r + 40))
                          if c < len(rows[b]) and region_of(rows[b][c]) is not None), None)
            if below is not None:
                return r, c, below
    first = None
    for r, row in enumerate(rows[:200]):
        for c in range(min(len(row), 4)):
            if region_of(row[c]) is not None and _text(row[c]) and not _year_of_header(row[c]):
                first = (r, c)
                break
        if first:
            break
    if first is None:
        issues.append(Issue("layout_unknown"))
        return None
    data_start, label_col = first
    header_row = next((r for r in range(data_start - 1, -1, -1)
                       if any(_text(v) for v in rows[r][label_col + 1:])), None)
    if header_row is None:
        issues.append(Issue("no_header", row=data_start + 1))
        return None
    return header_row, label_col, data_start


def _title_defaults(rows: list[list[object]], header_row: int, label_col: int) -> dict:
    """Return the year, unit and indicator that the title rows above the header state (or None)."""
    title = " ".join(_text(v) for r in range(header_row) for v in rows[r] if _text(v))
    out: dict = {"year": None, "unit": None, "indicator": _indicator_in_title(title) if title else None}
    if m := re.search(r"((?:19|20)\d{2})\s*年", title):
        out["year"] = int(m.group(1))
    if m := re.search(r"单位\s*[:：]?\s*([^\s,，;；)）]+)", title + " " + _text(rows[header_row][label_col])):
        out["unit"] = m.group(1)
    return out


def _value_columns(header: list[object], header_row: int, label_col: int, year_col: int | None, defaults: dict,
                   title: dict, issues: list[Issue]) -> list[tuple[int, int | None, str, str | None, str]]:
    """Return ``(column, year, indicator, unit, heading)`` of each column to import, right of the labels.

    What a heading lacks comes from the planner's choice, then the title. With a year column
    (``year_col``) the year is read per row, so a column's year stays None.
    """
    columns = []
    for c in range(label_col + 1, len(header)):
        head = _text(header[c])
        if not head or c == year_col:
            continue
        year = _year_of_header(head)
        ind, unit = None, None
        rest, in_head = _year_in_heading(head)
        if year is None and in_head is not None:  # a two-row heading: 有效发明专利(件) 2022年
            year = in_head
            base, unit = _split_unit(rest)
            ind = indicator_of(base)
        if year is None:
            base, unit = _split_unit(head)
            ind = indicator_of(base)
            if ind is None and not _is_header(base, "value"):  # "数值": indicator from elsewhere
                issues.append(Issue("column_ignored", "warning", row=header_row + 1, column=column_letter(c), header=head))
                continue
        if year_col is None:
            year = year or defaults.get("year") or title["year"]
        ind = ind or defaults.get("indicator") or title["indicator"]
        unit = unit or defaults.get("unit") or title["unit"]
        if year is None and year_col is None:
            issues.append(Issue("missing_year", row=header_row + 1, column=column_letter(c), header=head))
            continue
        if ind is None:
            issues.append(Issue("missing_indicator", row=header_row + 1, column=column_letter(c), header=head))
            continue
        columns.append((c, year, ind, unit, head))
    return columns


def _row_year(row: list[object], r: int, year_col: int, head: str, fallback: int | None,
              issues: list[Issue]) -> int | None:
    """Return the year a row's 年份 cell gives (blank: ``fallback``), else add an issue and return None."""
    v = row[year_col] if year_col < len(row) else None
    where: dict[str, Any] = dict(row=r + 1, column=column_letter(year_col), header=head)
    kind, num = _number(v)
    if num is not None and num.is_integer():  # num is None unless kind is "num"
        return int(num)
    if kind != "num" and (year := _year_of_header(v)) is not None:
        return year
    if kind == "missing" and fallback is not None:
        return fallback
    if kind == "missing":
        issues.append(Issue("missing_year", **where))
    else:
        issues.append(Issue("bad_year", **where, params={"value": _text(v)[:60]}))
    return None


def _year_in_heading(head: str) -> tuple[str, int | None]:
    """Return ``(heading without the year, year)`` for a stacked heading ``有效发明专利(件) 2022年``.

    >>> _year_in_heading("有效发明专利(件) 2022年"), _year_in_heading("2022年"), _year_in_heading("地区")
    (('有效发明专利(件)', 2022), ('', 2022), ('地区', None))
    """
    m = re.fullmatch(r"(.*?)\s*((?:19|20)\d{2})\s*(?:年|年末|年底|年度)?", head)
    return (m.group(1).strip(), int(m.group(2))) if m else (head, None)


def _stacked_header(grid: Grid, header_row: int, label_col: int, data_start: int) -> list[object]:
    """Return the heading of each column when the table's header spans several rows (as yearbooks print it).

    E.g. ``地区 | 有效发明专利(件)`` merged over two columns, and ``2022年 | 2023年`` below: each
    column's heading becomes ``有效发明专利(件) 2022年``. A heading merged (or left blank) over
    several columns applies to each column under it. One header row: returned unchanged.
    """
    rows = grid.rows
    header = list(rows[header_row])
    below = [r for r in range(header_row + 1, data_start)
             if any(_text(v) for v in rows[r][label_col + 1:]) and region_of(rows[r][label_col]) is None]
    if not below:
        return header
    width = max(len(rows[r]) for r in [header_row, *below])
    spans = {}  # (row, col) -> text of the merged range covering it (0-based)
    for (r1, c1, r2, c2) in grid.merged:
        text = _text(rows[r1 - 1][c1 - 1]) if r1 - 1 < len(rows) and c1 - 1 < len(rows[r1 - 1]) else ""
        for r in range(r1 - 1, r2):
            for c in range(c1 - 1, c2):
                spans[(r, c)] = text
    out: list[object] = []
    for c in range(width):
        parts = []
        for r in [header_row, *below]:
            cell = _text(rows[r][c]) if c < len(rows[r]) else ""
            if not cell and c > label_col:
                cell = spans.get((r, c), "")
            if not cell and c > label_col + 1 and r != below[-1] and any(
                    c < len(rows[b]) and _text(rows[b][c]) for b in below):
                cell = next((_text(rows[r][k]) for k in range(c - 1, label_col, -1)
                             if k < len(rows[r]) and _text(rows[r][k])), "")  # a blank heading spans to the right
            if cell and cell not in parts:
                parts.append(cell)
        out.append(" ".join(parts) if c > label_col else (rows[header_row][c] if c < len(rows[header_row]) else None))
    return out


def _merged_issues(grid: Grid, header_row: int, issues: list[Issue], header_end: int | None = None) -> None:
    """Merged cells in the header or data area make it ambiguous which value belongs where.

    Merges inside a header of several rows (``header_row`` .. ``header_end``, 0-based, exclusive)
    are what :func:`_stacked_header` reads: they are no problem.
    """
    for (r1, c1, r2, c2) in grid.merged:
        rng = {"range": f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}"}
        if header_end is not None and r1 - 1 >= header_row and r2 - 1 < header_end:
            continue
        if r2 >= header_row + 1:
            issues.append(Issue("xlsx_merged", row=r1, column=f"{column_letter(c1 - 1)}–{column_letter(c2 - 1)}", params=rng))
        else:
            issues.append(Issue("xlsx_merged_title", "warning", row=r1, params=rng))


def _parse_wide(grid: Grid, defaults: dict, issues: list[Issue]) -> list[_Record] | None:
    """Read the yearbook layout: districts as rows; years or indicators as columns, or a 年份 column."""
    rows = grid.rows
    located = _locate_table(rows, issues)
    if located is None:
        return None
    header_row, label_col, data_start = located
    header = _stacked_header(grid, header_row, label_col, data_start)
    stacked = header != rows[header_row]
    title = _title_defaults(rows, header_row, label_col)
    year_col = next((c for c, cell in enumerate(header) if c != label_col and _is_header(cell, "year")), None)
    columns = _value_columns(header, header_row, label_col, year_col, defaults, title, issues)
    if not columns:
        if not any(i.code in ("missing_year", "missing_indicator") for i in issues):
            issues.append(Issue("no_value_columns", row=header_row + 1))
        return None
    _merged_issues(grid, header_row, issues, data_start if stacked else None)

    out = []
    head_label = _text(header[label_col]) or None
    year_head = _text(header[year_col]) if year_col is not None else ""
    for r in range(data_start, len(rows)):
        row = rows[r]
        label = _text(row[label_col]) if label_col < len(row) else ""
        values = [(c, row[c] if c < len(row) else None) for c, *_ in columns]
        has_numbers = any(_number(v)[0] == "num" for _, v in values)
        code = region_of(label)
        if code is None:
            if _key(label) in {_key(a) for a in _AGGREGATES}:
                issues.append(Issue("aggregate_skipped", "warning", row=r + 1, column=column_letter(label_col),
                                    header=head_label, params={"label": label}))
            elif has_numbers or (label and any(_text(v) for _, v in values)):
                issues.append(Issue("unknown_district", row=r + 1, column=column_letter(label_col), header=head_label,
                                    params={"label": label or "(空)"}))
            continue  # note rows (注: …, 资料来源: …) and blank rows
        row_year = None
        if year_col is not None:
            row_year = _row_year(row, r, year_col, year_head, defaults.get("year") or title["year"], issues)
            if row_year is None:
                continue
        for (c, year, ind, unit, head), (_, v) in zip(columns, values, strict=False):
            kind, value = _number(v)
            if kind == "missing":
                if _text(v):  # a yearbook's no-data mark ("-", "—", "…", "/"): said, by its cell, as written
                    issues.append(_missing_issue(str(v).strip(), dict(row=r + 1, column=column_letter(c), header=head)))
                continue
            if kind == "bad":
                issues.append(Issue("not_a_number", row=r + 1, column=column_letter(c), header=head,
                                    params={"value": _text(v)[:60]}))
                continue
            assert value is not None  # kind is "num", which always carries a float
            quoted = f"{label} · {_text(row[year_col]) or row_year}" if row_year is not None and year_col is not None else label
            out.append(_Record(code, row_year or year, ind, value, unit, r + 1, column_letter(c), head, quoted))
    return out


# --------------------------------------------------------------------------------------------- checks

@functools.lru_cache(maxsize=1)
def _reference() -> tuple[dict[str, dict[int, float]], dict[str, float]]:
    """Return (city series per indicator, 2020 census population in 10k per district) from shipped data."""
    from geo.data.datasets import read_indicators
    from geo.data.indicators import primary_rows

    df = primary_rows(read_indicators(include_demo=False))
    city: dict[str, dict[int, float]] = {}
    for rec in df[df.region_code == BEIJING_CODE].itertuples():
        city.setdefault(rec.indicator, {})[int(rec.year)] = float(rec.value)
    pop = df[(df.indicator == "resident_population_10k") & (df.year == 2020) & df.region_code.isin(BEIJING_DISTRICTS)]
    return city, {r.region_code: float(r.value) for r in pop.itertuples()}


def _expected(code: str, indicator: str, year: int) -> float | None:
    """Return the magnitude a value should roughly have (from the city figure and census shares)."""
    city, pop = _reference()
    series = city.get(indicator)
    if not series or len(pop) < 16:
        return None
    near = min(series, key=lambda y: abs(y - year))
    ref = series[near]
    if code == BEIJING_CODE:
        return ref
    if code not in BEIJING_DISTRICTS:
        return None
    if "/" in INDICATORS[indicator].unit or INDICATORS[indicator].kind == "ratio":
        return ref
    return ref * pop[code] / sum(pop.values())


def _check_records(records: list[_Record], issues: list[Issue]) -> list[_Record]:
    this_year = dt.date.today().year
    good: list[_Record] = []
    seen: dict[tuple, _Record] = {}
    for rec in records:
        where: dict[str, Any] = dict(row=rec.row, column=rec.column, header=rec.header)
        if rec.year is None:
            issues.append(Issue("missing_year", **where))
            continue
        if not MIN_YEAR <= rec.year <= this_year:
            issues.append(Issue("year_range", **where, params={"year": rec.year, "min": MIN_YEAR, "max": this_year}))
            continue
        canonical = INDICATORS[rec.indicator].unit
        unit = _text(rec.unit).replace("平方公里", "km²") if rec.unit else canonical
        unit = unit.replace("km²", "km²").replace("km2", "km²")
        factor = _UNIT_FACTORS.get((canonical, unit))
        if factor is None and unit == canonical:
            factor = 1.0
        if factor is None:
            issues.append(Issue("bad_unit", **where, params={"unit": unit, "expected": canonical}))
            continue
        if not math.isfinite(rec.value) or abs(rec.value) > MAX_NUMBER:  # before any arithmetic on it
            issues.append(Issue("number_too_large", **where, params={"value": f"{rec.value:.6g}", "limit": "10¹⁵"}))
            continue
        if rec.value < 0:
            issues.append(Issue("negative", **where, params={"value": rec.value}))
            continue
        key = (rec.region_code, rec.year, rec.indicator)
        if key in seen:
            first = seen[key]
            issues.append(Issue("duplicate", **where, params={
                "region": region_name(rec.region_code), "year": rec.year,
                "indicator": INDICATORS[rec.indicator].name_zh, "first_row": first.row}))
            continue
        value = rec.value * factor
        expected = _expected(rec.region_code, rec.indicator, rec.year)
        if expected and value > 0:
            ratio = value / expected
            if ratio > _SCALE_LIMIT or ratio < 1 / _SCALE_LIMIT:
                issues.append(Issue("unit_scale", **where, params={
                    "value": rec.value, "unit": unit, "expected": expected / factor,
                    "hint": "×10⁴" if ratio < 1 else "÷10⁴", "canonical": canonical}))
                continue
        elif canonical == "件" and factor == 1.0 and not float(value).is_integer():
            issues.append(Issue("unit_scale_fraction", **where, params={"value": rec.value}))
            continue
        seen[key] = rec
        rec.source_value, rec.source_unit = rec.value, unit
        rec.value = round(value, 6)
        rec.unit = canonical
        good.append(rec)
    return good


def _check_totals(records: list[_Record], issues: list[Issue]) -> None:
    by_key: dict[tuple[int | None, str], dict[str, _Record]] = {}
    for rec in records:
        by_key.setdefault((rec.year, rec.indicator), {})[rec.region_code] = rec
    for (_year, ind), regions in by_key.items():
        total = regions.get(BEIJING_CODE)
        districts = [regions[c] for c in BEIJING_DISTRICTS if c in regions]
        if total is None or len(districts) < len(BEIJING_DISTRICTS):
            continue
        where: dict[str, Any] = dict(row=total.row, column=total.column, header=total.header)
        values = [d.value for d in districts]
        if "/" in INDICATORS[ind].unit or INDICATORS[ind].kind == "ratio":
            if not min(values) - 0.05 <= total.value <= max(values) + 0.05:
                issues.append(Issue("total_outside_range", **where, params={
                    "total": total.value, "low": min(values), "high": max(values)}))
            continue
        s = sum(values)
        if abs(total.value - s) > max(1.0, 0.005 * abs(total.value)):
            issues.append(Issue("total_mismatch", **where, params={
                "total": total.value, "sum": s, "diff": total.value - s, "unit": INDICATORS[ind].unit}))


def _to_rows(records: list[_Record], source: Source | None, filename: str) -> pd.DataFrame:
    src = source or Source("", "")
    rows = []
    for rec in records:
        raw = f"{fmt_number_cell(rec.source_value)} {rec.source_unit}"
        quote = f"“{rec.label}” × “{rec.header}” = {raw}"
        note = f"{src.describe()} ({filename}, {rec.column}{rec.row}): {quote}"
        if rec.note:
            note += f"; {rec.note}"
        rows.append({
            "region_code": rec.region_code, "region_name_zh": region_name(rec.region_code), "year": rec.year,
            "as_of": "", "indicator": rec.indicator, "value": rec.value, "unit": rec.unit, "status": "official",
            "source_value": rec.source_value, "source_unit": rec.source_unit,
            "source_url": str(src.url or "").strip(), "source_note": note, "formula": "", "primary": True,
        })
    df = pd.DataFrame(rows, columns=list(ROW_COLUMNS))
    df["year"] = df["year"].astype("Int64")
    df["value"] = df["value"].astype(float)
    return df


def derive_per_10k(rows: pd.DataFrame) -> pd.DataFrame:
    """Return derived ``invention_patents_per_10k`` rows for imported district counts lacking one.

    value = invention patents in force ÷ 2020 census resident population (10k); status ``derived``,
    the formula names both operands. Districts that already have a per-10k row in ``rows`` are skipped.
    """
    _, pop = _reference()
    have = {(r.region_code, int(r.year)) for r in rows[rows.indicator == "invention_patents_per_10k"].itertuples()}
    out = []
    for r in rows[(rows.indicator == "invention_patents_in_force") & rows.region_code.isin(pop)].itertuples():
        if (r.region_code, int(r.year)) in have:
            continue
        p = pop[r.region_code]
        out.append({
            "region_code": r.region_code, "region_name_zh": r.region_name_zh, "year": r.year, "as_of": "",
            "indicator": "invention_patents_per_10k", "value": round(r.value / p, 2), "unit": "件/万人",
            "status": "derived", "source_value": "", "source_unit": "", "source_url": r.source_url,
            "source_note": f"推算 derived: {r.source_note}; 常住人口 {p}万人 (2020年第七次全国人口普查)",
            "formula": f"invention_patents_in_force ({int(r.year)}) {r.value:g} ÷ resident_population_10k "
                       f"(2020 census) {p:g}",
            "primary": True,
        })
    df = pd.DataFrame(out, columns=list(ROW_COLUMNS))
    df["year"] = df["year"].astype("Int64")
    df["value"] = df["value"].astype(float)
    return df


#: Fewest distinct Beijing region names for a sheet to count as holding the table.
_MIN_SHEET_NAMES = 3


def sheet_score(grid: Grid) -> int:
    """Return how many distinct Beijing regions (16 districts, 全市, E-Town) a table names in its cells.

    Only whole cells count (prose on a cover page that mentions 海淀 does not), in the first 300
    rows and 30 columns; a long-format header counts as a full table.
    """
    if _find_long_header(grid.rows) is not None:
        return len(BEIJING_DISTRICTS) + 2
    found = {region_of(cell) for row in grid.rows[:300] for cell in row[:30] if cell is not None}
    found.discard(None)
    return len(found)


def _choose_sheet(grids: list[Grid], wanted: str | None, issues: list[Issue]) -> tuple[Grid | None, list[str]]:
    """Return the table to read and the sheets that qualify (best first); say which sheet and why.

    ``wanted`` (the planner's choice) wins, hidden or not (a hidden one is said to be hidden);
    otherwise the visible sheet naming the most Beijing regions. Hidden sheets are never read
    unpicked: when only they hold the table, nothing is read and the message says so.
    """
    names = [g.sheet for g in grids]
    scored = sorted(((sheet_score(g), i) for i, g in enumerate(grids)), key=lambda x: (-x[0], x[1]))
    candidates = [names[i] for score, i in scored if score >= _MIN_SHEET_NAMES]
    if wanted:
        chosen = next((g for g in grids if g.sheet == wanted or g.sheet.strip() == str(wanted).strip()), None)
        if chosen is None:
            issues.append(Issue("sheet_missing", params={"sheet": wanted, "sheets": "、".join(names)}))
        elif chosen.hidden:
            issues.append(Issue("sheet_hidden_picked", "warning", params={"sheet": chosen.sheet}))
        return chosen, candidates
    hidden = [g.sheet for g in grids if g.hidden]
    visible = [g for g in grids if not g.hidden]
    shown = [c for c in candidates if c not in hidden]
    hidden_tables = [c for c in candidates if c in hidden]
    if hidden and (not visible or (not shown and hidden_tables)):
        issues.append(Issue("sheets_only_hidden", params={"sheets": "、".join(hidden_tables or hidden)}))
        return None, candidates
    if hidden:
        issues.append(Issue("sheets_hidden_skipped", "warning", params={"sheets": "、".join(hidden)}))
    if len(visible) == 1:
        return visible[0], candidates
    vnames = [g.sheet for g in visible]
    if not shown:
        first = next((g for g in visible if any(v is not None for row in g.rows for v in row)), visible[0])
        issues.append(Issue("sheets_none", "warning", params={"sheet": first.sheet, "sheets": "、".join(vnames)}))
        return first, candidates
    chosen = grids[names.index(shown[0])]
    if len(shown) > 1:
        issues.append(Issue("sheets_several", "warning", params={
            "n": len(shown), "sheets": "、".join(shown), "sheet": chosen.sheet}))
    else:
        others = "、".join(n for n in vnames if n != chosen.sheet)
        issues.append(Issue("sheet_found", "warning", params={"sheet": chosen.sheet, "others": others}))
    return chosen, candidates


def parse_upload(content: bytes, filename: str, source: Source | None = None, *, year: int | None = None,
                 indicator: str | None = None, unit: str | None = None, derive: bool = True,
                 sheet: str | None = None) -> ImportResult:
    """Read an uploaded CSV/XLSX of district figures; return its rows and every problem found.

    Parameters
    ----------
    content, filename
        The upload's bytes and name (the name decides nothing on its own: XLSX is recognised by content).
    source
        The publication the figures come from; ``None`` skips the source check (preview only).
    year, indicator, unit
        Used where the file itself does not say (e.g. a yearbook table with indicators as columns and
        the year only in the document title).
    derive
        Add per-10k density derived from imported counts (status ``derived``).
    sheet
        The workbook sheet to read; by default the visible one naming the most Beijing districts (a
        cover page before the table is passed over; a hidden sheet only when picked). Every message
        about the table names the sheet.

    Never raises on a file's content: an unexpected error becomes the issue ``unexpected`` (what,
    which file, what to do, a reference), its details logged on the server only.
    """
    try:
        return _parse_upload(content, filename, source, year=year, indicator=indicator, unit=unit, derive=derive,
                             sheet=sheet)
    except Exception as exc:  # a bug or a file no check foresaw: a message, never a traceback
        ref = log_unexpected(exc, f"parse_upload({filename!r}, sheet={sheet!r})")
        return ImportResult(pd.DataFrame(columns=list(ROW_COLUMNS)), [
            Issue("unexpected", params={"name": str(filename or "")[:120], "ref": ref})])


def _parse_upload(content: bytes, filename: str, source: Source | None, *, year: int | None, indicator: str | None,
                  unit: str | None, derive: bool, sheet: str | None) -> ImportResult:
    issues: list[Issue] = []
    if source is not None:
        issues.extend(source.issues())
    if indicator is not None and indicator not in INDICATORS:
        issues.append(Issue("unknown_indicator", params={"label": indicator}))
        indicator = None
    empty = pd.DataFrame(columns=list(ROW_COLUMNS))
    grids = read_sheets(content, filename, issues)
    if grids is None:
        return ImportResult(empty, issues)
    grid, candidates = _choose_sheet(grids, sheet, issues)
    names = [g.sheet for g in grids if g.kind == "xlsx"]
    hidden = [g.sheet for g in grids if g.hidden]
    if grid is None:
        return ImportResult(empty, issues, sheets=names, candidates=candidates, hidden=hidden)
    found: list[Issue] = list(grid.issues)  # everything found in the table names its sheet
    rows, layout = _parse_grid(grid, {"year": year, "indicator": indicator, "unit": unit}, source, filename,
                               derive, found)
    if grid.kind == "xlsx":
        found = [replace(i, sheet=grid.sheet) for i in found]
    return ImportResult(rows if rows is not None else empty, issues + found, layout, grid.sheet, grid.encoding,
                        names, candidates, hidden)


def _parse_grid(grid: Grid, defaults: dict, source: Source | None, filename: str, derive: bool,
                issues: list[Issue]) -> tuple[pd.DataFrame | None, str]:
    """Return the checked rows of one table and its layout ("long", "wide"; "" if unreadable)."""
    long = _find_long_header(grid.rows)
    records: list[_Record] | None
    if long is not None:
        layout = "long"
        records = _parse_long(grid, long[0], long[1], defaults, issues)
        for (r1, c1, r2, c2) in grid.merged:
            issues.append(Issue("xlsx_merged", row=r1, column=f"{column_letter(c1 - 1)}–{column_letter(c2 - 1)}",
                                params={"range": f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}"}))
    else:
        layout = "wide"
        records = _parse_wide(grid, defaults, issues)
        if records is None:
            return None, ""
    records = _check_records(records, issues)
    _check_totals(records, issues)
    if not records and not any(i.level == "error" for i in issues):
        issues.append(Issue("no_rows"))
    rows = _to_rows(records, source, filename)
    if derive and len(rows):
        rows = pd.concat([rows, derive_per_10k(rows)], ignore_index=True)
    return rows, layout
