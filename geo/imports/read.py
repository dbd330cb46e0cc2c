"""Read an uploaded table (CSV in UTF-8 or GBK, XLSX) into a grid of cells, refusing what is unsafe.

Nothing in a file is ever executed or evaluated: XLSX formulas and merged cells are reported, not
computed; zip bombs and oversize files are refused. Problems are :class:`geo.imports.parse.Issue`
objects (the messages a planner reads).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from geo.guard import MAX_FIELD_CHARS
from geo.imports.issues import MAX_BYTES, Issue, column_letter, size_params

__all__ = ["Grid", "read_sheets", "size_issue"]

_MAX_UNZIPPED = 100 * 1024 * 1024


@dataclass
class Grid:
    """The cells of one table: a CSV file, or one sheet of a workbook (``sheet`` is its name)."""

    rows: list[list[object]]
    kind: str  # "csv" or "xlsx"
    sheet: str = ""
    encoding: str = ""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2), 1-based
    #: problems of this sheet's cells (formulas): they count only if this sheet is the one read
    issues: list[Issue] = field(default_factory=list)
    #: a hidden (or very hidden) workbook sheet: never read unless the planner picks it
    hidden: bool = False


def _decode(content: bytes, issues: list[Issue]) -> tuple[str, str] | None:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in content[:4096]:
        issues.append(Issue("binary_file"))
        return None
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError as exc:
        issues.append(Issue("bad_encoding", params={"offset": exc.start}))
        return None
    issues.append(Issue("decoded_gbk", level="warning"))
    return text, "GBK/GB18030"


def _read_csv(content: bytes, issues: list[Issue]) -> Grid | None:
    decoded = _decode(content, issues)
    if decoded is None:
        return None
    text, encoding = decoded
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t，")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = _csv_rows(text, delimiter, issues)
    if rows is None:
        return None
    grid = Grid([[c if c.strip() else None for c in row] for row in rows], "csv", encoding=encoding)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell.strip().startswith("=") and len(cell.strip()) > 1:
                grid.issues.append(Issue("csv_formula", row=r + 1, column=column_letter(c),
                                         params={"formula": cell.strip()[:60]}))
    return grid


def _csv_rows(text: str, delimiter: str, issues: list[Issue]) -> list[list[str]] | None:
    """Return the rows of a CSV text; lines may end in CRLF, LF or CR alone (old Mac / some exports).

    A cell longer than :data:`geo.guard.MAX_FIELD_CHARS` ends the reading with an issue naming it.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            for c, cell in enumerate(row):
                if len(cell) > MAX_FIELD_CHARS:
                    issues.append(Issue("field_too_long", row=len(rows) + 1, column=column_letter(c),
                                        params={"chars": len(cell), "limit": MAX_FIELD_CHARS}))
                    return None
            rows.append(row)
    except csv.Error:  # a field over the csv module's own limit (131,072): the line it reached, and its cell
        line_num = max(reader.line_num, 1)
        lines = re.split(r"\r\n|\r|\n", text, maxsplit=line_num)
        pieces = lines[line_num - 1].split(delimiter) if line_num <= len(lines) else []
        col = next((c for c, piece in enumerate(pieces) if len(piece) > MAX_FIELD_CHARS), None)
        issues.append(Issue("field_too_long", row=len(rows) + 1, column=None if col is None else column_letter(col),
                            params={"chars": f"> {MAX_FIELD_CHARS}" if col is None else len(pieces[col]),
                                    "limit": MAX_FIELD_CHARS}))
        return None
    return rows


def _read_sheet(ws) -> Grid:
    """Return one worksheet's cells; formulas are reported (never evaluated) and left blank."""
    grid = Grid([], "xlsx", sheet=ws.title, hidden=getattr(ws, "sheet_state", "visible") != "visible")
    for r, row in enumerate(ws.iter_rows(), start=1):
        values = []
        for cell in row:
            v = cell.value
            if cell.data_type == "f" or (isinstance(v, str) and v.startswith("=") and len(v) > 1):
                text = v if isinstance(v, str) else getattr(v, "text", "") or "="
                grid.issues.append(Issue("xlsx_formula", row=r, column=column_letter(cell.column - 1),
                                         params={"formula": str(text)[:60]}))
                v = None
            elif isinstance(v, (dt.datetime, dt.date)):
                v = v.year if v.month == 12 and v.day == 31 else str(v)
            elif isinstance(v, str) and len(v) > MAX_FIELD_CHARS:
                grid.issues.append(Issue("field_too_long", row=r, column=column_letter(cell.column - 1),
                                         params={"chars": len(v), "limit": MAX_FIELD_CHARS}))
                v = v[:MAX_FIELD_CHARS]
            values.append(v)
        grid.rows.append(values)
    grid.merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    return grid


def _read_xlsx(content: bytes, issues: list[Issue]) -> list[Grid] | None:
    import openpyxl  # imported lazily: only uploads need it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            unzipped = sum(i.file_size for i in zf.infolist())
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        issues.append(Issue("bad_xlsx"))
        return None
    if unzipped > _MAX_UNZIPPED:
        issues.append(Issue("xlsx_too_big", params={"mb": round(unzipped / 2**20)}))
        return None
    if "xl/workbook.xml" not in names:
        issues.append(Issue("bad_xlsx"))
        return None
    try:
        # data_only=False: formulas stay formulas (never evaluated; _read_sheet refuses them).
        wb = openpyxl.load_workbook(io.BytesIO(content), read_only=False, data_only=False, keep_vba=False,
                                    keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on broken files
        issues.append(Issue("bad_xlsx", params={"detail": type(exc).__name__}))
        return None
    return [_read_sheet(ws) for ws in wb.worksheets]


def size_issue(nbytes: int) -> Issue | None:
    """Return the "too big" issue for a file of ``nbytes`` (its real size), or None within the limit.

    Callers that stop reading at the limit (the CLI) pass the size of the whole file.

    >>> size_issue(10_000_001).text("en")
    'The file is 10.0 MB (10,000,001 bytes), over the limit of 10 MB (10,000,000 bytes).'
    >>> size_issue(10_000_000) is None
    True
    """
    if nbytes <= MAX_BYTES:
        return None
    return Issue("too_big", params={**size_params(nbytes), **size_params(MAX_BYTES, "limit_")})


def read_sheets(content: bytes, filename: str, issues: list[Issue]) -> list[Grid] | None:
    """Return the tables of an upload: one for a CSV, one per worksheet of an XLSX (in workbook order).

    File-level problems (empty, too big, old .xls, damaged, undecodable) go into ``issues`` and
    give None; problems of one sheet's cells stay on its :class:`Grid`.
    """
    name = (filename or "").lower()
    if len(content) == 0 or not content.strip():
        issues.append(Issue("empty_file"))
        return None
    if (big := size_issue(len(content))) is not None:
        issues.append(big)
        return None
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        issues.append(Issue("old_xls"))
        return None
    if content.startswith(b"PK\x03\x04"):
        if not name.endswith((".xlsx", ".xlsm")):
            issues.append(Issue("xlsx_renamed", level="warning", params={"name": filename}))
        return _read_xlsx(content, issues)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        issues.append(Issue("bad_xlsx"))
        return None
    if not name.endswith((".csv", ".txt", ".tsv")):
        issues.append(Issue("unsupported_type", params={"name": filename}))
        return None
    grid = _read_csv(content, issues)
    return None if grid is None else [grid]


