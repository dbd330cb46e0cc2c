"""The one set of label helpers: a thing's name in a language, a status's label and mark.

An indicator's name is :func:`geo.data.indicators.indicator_name` (text never imports data).

Every page, the map's layer model and the exports use these, so a label is written in one place.

>>> name_of({"name_zh": "海淀区", "name_en": "Haidian"}, "en"), name_of({"designation_zh": "示范城区"}, "zh", "designation")
('Haidian', '示范城区')
>>> status_label("", "zh"), status_label("demo", "en")[:4], status_mark("derived", "zh")
('暂无官方数据', 'demo', 'ᵈ')
"""

from __future__ import annotations

import re
from typing import Any

from geo.text.i18n import DEFAULT_LANG, format_value, t
from geo.text.notes import zh_note

__all__ = [
    "name_of",
    "note_text",
    "pick",
    "short_note",
    "status_label",
    "status_mark",
    "status_text",
    "statuses_text",
    "value_text",
]


def pick(zh: str, en: str, lang: str = DEFAULT_LANG) -> str:
    """Return ``en`` in English, ``zh`` otherwise."""
    return en if lang == "en" else zh


def name_of(record: Any, lang: str = DEFAULT_LANG, field: str = "name") -> Any:
    """Return ``record``'s ``<field>_en`` in English, ``<field>_zh`` otherwise.

    ``record`` may be a mapping (a dict, a pandas row, a DataFrame: then a column) or an object
    with attributes (a dataclass, a named tuple from ``itertuples``).
    """
    key = f"{field}_{'en' if lang == 'en' else 'zh'}"
    try:
        return record[key]
    except (TypeError, KeyError, IndexError):
        return getattr(record, key)


def status_label(status: str, lang: str = DEFAULT_LANG, warn: bool = False) -> str:
    """Return the label of a data status: official, derived, demo; ``warn``: demo reads ⚠ first.

    No figure ('', a demo value hidden or none at all) reads the same everywhere: 暂无官方数据 /
    no official figure yet (map cells, tooltips, legend, tables, profile, charts, exports).

    >>> status_label("demo", "zh", warn=True), status_label("official", "en")
    ('⚠演示数据(非官方)', 'official')
    """
    label = t(f"status.{status}", lang) if status else t("status.no_official", lang)
    return f"⚠{label}" if warn and status == "demo" else label


def status_text(status: str, lang: str = DEFAULT_LANG) -> str:
    """Return the status as tables show it: 官方 / 推算ᵈ / ⚠演示数据(非官方) / 暂无官方数据."""
    if status == "derived":
        return status_label(status, lang) + status_mark(status, lang)
    return status_label(status, lang, warn=True)


def statuses_text(statuses, lang: str = DEFAULT_LANG) -> str:
    """Return several statuses as one line (官方 / 演示数据), or "no data" when there are none."""
    return " / ".join(status_label(s, lang) for s in statuses) or status_label("", lang)


def status_mark(status: str, lang: str = DEFAULT_LANG) -> str:
    """Return the mark a value of ``status`` carries wherever it is shown: '' / 'ᵈ' / '⚠演示' ('⚠demo')."""
    return {"derived": "ᵈ", "demo": t("mark.demo", lang)}.get(status, "")


def value_text(value: float, unit: str, status: str, lang: str = DEFAULT_LANG) -> str:
    """Return a value with its unit and status mark (demo values always carry ⚠演示).

    >>> value_text(301.1, "件/万人", "demo", "zh")
    '301.1 件/万人 ⚠演示'
    """
    text = format_value(value, unit, lang)
    mark = status_mark(status, lang)
    return f"{text} {mark}".strip() if mark else text


_CJK = re.compile(r"[\u3400-\u9fff]")
_DATE = re.compile(r"\b((?:19|20)\d{2}-\d{2}(?:-\d{2})?)\b")


def short_note(text: str, lang: str = DEFAULT_LANG) -> str | None:
    """Return a short text from a note (a lead, a remark) as a page in ``lang`` shows it in place, whole,
    or None where a Chinese page could only show it with English words left in it.

    >>> short_note("(rank 6 of 16)", "zh"), short_note("(15.8 existing + 24 expansion)", "zh")
    ('(全市16区中第6位)', None)
    """
    if lang != "zh":
        return text
    return zh_note(text, t("note.foreign_quote", lang), None)


def note_text(note: object, lang: str = DEFAULT_LANG, status: str = "") -> str:
    """Return a source note as a page in ``lang`` shows it (a demo row's note: how the demo is made, in ``lang``).

    On a Chinese page a note written in a foreign language (an English or German page quoted as
    published) reads 外文来源 with its date, the quote itself behind the source link (and on the
    English page); in a mixed note the researchers' English asides are said in Chinese, and what
    cannot be is left to the English page (:func:`geo.text.notes.zh_note`).

    >>> note_text("China Daily 2017-06-21: 'The capital also produced 76.8 patents for every 10,000 residents'")
    '外文来源(2017-06-21), 原文见来源链接'
    >>> note_text("Scope = Haidian全域 per 中关村 2017年3期. Area 430.77 km² is Haidian District's area as listed here")
    '研究说明为英文, 见英文页面'
    >>> note_text("北京青年报: 每万人发明专利拥有量达到78.61件 (rank 6 of 16)"), note_text("as of 2014-09", "en")
    ('北京青年报: 每万人发明专利拥有量达到78.61件 (全市16区中第6位)', 'as of 2014-09')
    """
    if status == "demo":
        return t("source.demo", lang)
    text = "" if note is None or (isinstance(note, float) and note != note) else str(note)
    if lang != "zh" or not text:
        return text
    shown = zh_note(text, t("note.foreign_quote", lang), t("note.english_more", lang))
    if shown is not None:
        return shown
    if _CJK.search(text):  # a researcher's note in English around a few Chinese names
        return t("note.english", lang)
    date = _DATE.search(text)
    return t("note.foreign", lang, date=f"({date.group(1)})" if date else "")
