"""Problems found in an upload, with the messages a planner reads (Chinese first, English too)."""

from __future__ import annotations

from dataclasses import dataclass, field

from geo.text.i18n import DEFAULT_LANG, t

__all__ = ["MAX_BYTES", "Issue", "column_letter", "fmt_number_cell", "size_params"]

#: Largest upload accepted, in bytes: 10 MB = 10,000,000 bytes, on the Import page and in ``./atlas import``
#: alike. Streamlit 1.67's uploader counts ``server.maxUploadSize`` (10 in .streamlit/config.toml) in units of
#: 1000² bytes in the browser (1024² on Windows, and on the server): the browser never refuses a file the CLI
#: takes, and a file between 10,000,000 and 10 × 2²⁰ bytes reaching the server is refused by this limit with
#: the same message as in the CLI (tests/test_input_kinds.py checks both).
MAX_BYTES = 10 * 1000 * 1000


def size_params(nbytes: int, prefix: str = "") -> dict[str, str]:
    """Return a size as a message states it: MB (10⁶ bytes, as the uploader counts) and exact bytes.

    >>> size_params(10_000_000, "limit_"), size_params(10_485_760)
    ({'limit_mb': '10', 'limit_bytes': '10,000,000'}, {'mb': '10.5', 'bytes': '10,485,760'})
    """
    mb = nbytes / 1e6
    text = f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}"
    return {f"{prefix}mb": text, f"{prefix}bytes": f"{nbytes:,}"}


@dataclass(frozen=True)
class Issue:
    """One problem found in an upload: ``level`` is 'error' (blocks saving) or 'warning'.

    ``row`` is the 1-based row as a spreadsheet shows it; ``column`` the column letter; ``header``
    the column's heading; ``sheet`` the workbook sheet read (XLSX only). The message text lives in
    ``geo/text/locale/import.json`` under ``import.msg.<code>``.
    """

    code: str
    level: str = "error"
    row: int | None = None
    column: str | None = None
    header: str | None = None
    params: dict = field(default_factory=dict, compare=False)
    sheet: str | None = None

    def where(self, lang: str = DEFAULT_LANG) -> str:
        """Return where the problem is, e.g. ``工作表“8-10” 第7行 C列(“2022年”)`` / ``sheet “8-10”, row 7, column C``.

        >>> Issue("no_rows", sheet="表1", row=3).where("en"), Issue("no_rows", sheet="表1").where("zh")
        ('sheet “表1”, row 3', '工作表“表1”')
        """
        parts = [t("import.where.sheet", lang, sheet=self.sheet)] if self.sheet else []
        if self.row is not None:
            parts.append(t("import.where.row", lang, row=self.row))
        if self.column is not None:
            head = f"(“{self.header}”)" if self.header and lang == "zh" else (
                f" (“{self.header}”)" if self.header else "")
            parts.append(t("import.where.column", lang, column=self.column) + head)
        return (" " if lang == "zh" else ", ").join(parts)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """Return the message in ``lang``, prefixed with where it is."""
        msg = t(f"import.msg.{self.code}", lang, **{k: fmt_number_cell(v) for k, v in self.params.items()})
        where = self.where(lang)
        return f"{where}: {msg}" if where else msg

    def __str__(self) -> str:  # Chinese first, English after
        return f"{self.text('zh')} / {self.text('en')}"


def fmt_number_cell(value: object) -> object:
    """Return a cell value as a message quotes it: floats with separators, other values as they are."""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return value


def column_letter(col: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s
