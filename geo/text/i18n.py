"""Chinese-first UI text and number formatting.

Strings live in ``geo/text/locale/*.json`` (one file per area of the app, each ``{key: {"zh": …, "en": …}}``);
all files are merged at import. Chinese is the default language.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

__all__ = [
    "DEFAULT_LANG",
    "DOC_LANGS",
    "LANGS",
    "STRINGS",
    "change_formula",
    "doc_lang",
    "format_change",
    "format_number",
    "format_value",
    "rounded",
    "t",
    "unit_label",
]

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
#: The document language (HTML ``lang``, PDF ``/Lang``; BCP 47) of each UI language.
DOC_LANGS = {"zh": "zh-CN", "en": "en"}
_LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_LOCALE_DIR.glob("*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"duplicate UI string key {key!r} in {path.name}")
            merged[key] = value
    return merged


STRINGS: dict[str, dict[str, str]] = _load()


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Return the UI string ``key`` in ``lang`` (falls back to Chinese, then to the key itself).

    Plural forms: an entry may carry ``"en_one"``, the English for a count ``n`` of exactly 1 (Chinese
    has one form). ``t("import.errors", "en", n=1)`` reads "1 problem found", not "1 problems found".
    """
    entry = STRINGS.get(key)
    if entry is None:
        return key
    one = entry.get(f"{lang}_one") if fmt.get("n") == 1 else None
    text = one or entry.get(lang) or entry.get(DEFAULT_LANG) or key
    return text.format(**fmt) if fmt else text


def format_number(value: float | int | None, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """Format a number as a Beijing planner reads it: 万 and 亿 in Chinese, separators in English.

    >>> format_number(574323), format_number(574323, "en"), format_number(1.2e9), format_number(80)
    ('57.4万', '574,323', '12.0亿', '80')
    >>> format_number(155.8), format_number(None), format_number(float("nan"), "en")
    ('155.8', '—', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    if lang == "zh":
        if abs(v) >= 1e8:
            return f"{v / 1e8:.{digits}f}亿"
        if abs(v) >= 1e5:
            return f"{v / 1e4:.{digits}f}万"
    if v.is_integer():
        return f"{int(v):,}" if lang == "en" or abs(v) < 1e5 else f"{int(v)}"
    return f"{v:,.{digits}f}" if lang == "en" else f"{v:.{digits}f}"


def format_value(value: float | None, unit: str, lang: str = DEFAULT_LANG) -> str:
    """Format a value with its unit, e.g. ``155.8 件/万人`` (zh) or ``155.8 per 10k residents`` (en).

    In English a unit of 万 or 亿 is read out: ``2189.3 万人`` is ``21.89 million people``.

    >>> format_value(2189.3, "万人", "en"), format_value(12.5, "亿元", "en"), format_value(0.5, "亿元", "en")
    ('21.89 million people', '1.25 billion yuan', '50 million yuan')
    >>> format_value(2189.3, "万人")
    '2189.3 万人'
    """
    text = format_number(value, lang)
    if text == "—":
        return text
    if lang == "en" and unit in _SCALED_EN:
        factor, word = _SCALED_EN[unit]
        return f"{_in_words(float(value) * factor)} {word}"  # type: ignore[arg-type]
    return f"{text} {unit_label(unit, lang)}".strip()


def format_change(value: float | None, unit: str, lang: str = DEFAULT_LANG) -> str:
    """Format a change with its sign and unit, as the change map, its table and tooltips show it.

    >>> format_change(128.09656453110492, "%"), format_change(-3.25, "件/万人", "en"), format_change(0.0, "%")
    ('+128.1%', '-3.2 per 10k residents', '0%')
    >>> format_change(float("nan"), "%")
    '—'
    """
    text = format_number(value, lang)
    if text == "—":
        return text
    sign = "+" if float(value) > 0 else ""  # type: ignore[arg-type]
    if unit == "%":
        return f"{sign}{text}%"
    return sign + format_value(value, unit, lang)


def change_formula(year: int, base: int, mode: str = "abs") -> str:
    """Return how a change is computed, written as a formula (the % change with its parentheses).

    >>> change_formula(2024, 2019), change_formula(2024, 2019, "pct")
    ('2024 − 2019', '(2024 − 2019) ÷ 2019 × 100%')
    """
    return f"({year} − {base}) ÷ {base} × 100%" if mode == "pct" else f"{year} − {base}"


def rounded(value: float | None, digits: int = 1) -> float | None:
    """Return ``value`` rounded as :func:`format_number` shows it (for files: a CSV holds 128.1, not 128.0965…).

    >>> rounded(128.09656453110492), rounded(574323), rounded(None), rounded(0.123456, 3)
    (128.1, 574323.0, None, 0.123)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    return round(float(value), digits)


def _in_words(v: float) -> str:
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    return format_number(v, "en")


_UNITS_EN = {"件/万人": "per 10k residents", "件": "", "万人": "10,000 people", "人/km²": "people/km²", "人": "people",
             "亿元": "100 million yuan", "家": "institutions", "件/百万人": "per million residents"}
#: Units of 万/亿 read out in English values: unit -> (factor, counted word).
_SCALED_EN = {"万人": (1e4, "people"), "亿元": (1e8, "yuan")}


def unit_label(unit: str, lang: str = DEFAULT_LANG) -> str:
    """Return ``unit`` as shown in ``lang`` (units are stored in Chinese)."""
    if lang == "en":
        return _UNITS_EN.get(unit, unit)
    return unit


def doc_lang(lang: str) -> str:
    """Return the BCP 47 tag a document in UI language ``lang`` declares (unknown codes read as Chinese).

    >>> doc_lang("en"), doc_lang("zh"), doc_lang("fr")
    ('en', 'zh-CN', 'zh-CN')
    """
    return DOC_LANGS.get(lang, DOC_LANGS[DEFAULT_LANG])
