"""UI strings and number formatting. The locale check covers every file in geo/text/locale/, including later ones."""

from __future__ import annotations

import json
import math
import re
import string
from pathlib import Path

import pytest

from geo.text import i18n
from geo.text.i18n import LANGS, STRINGS, format_number, format_value, t, unit_label
from geo.text.labels import name_of

LOCALE_FILES = sorted((Path(i18n.__file__).resolve().parent / "locale").glob("*.json"))


def test_locale_folder_not_empty():
    assert any(p.name == "common.json" for p in LOCALE_FILES)


@pytest.mark.parametrize("path", LOCALE_FILES, ids=lambda p: p.name)
def test_every_key_has_zh_and_en(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data
    for key, entry in data.items():
        assert isinstance(entry, dict), key
        for lang in LANGS:
            assert isinstance(entry.get(lang), str) and entry[lang].strip(), f"{path.name}: {key} lacks {lang}"


@pytest.mark.parametrize("path", LOCALE_FILES, ids=lambda p: p.name)
def test_templates_parse(path):
    """Every string is a valid str.format template with named fields only (no stray braces)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, entry in data.items():
        for lang in LANGS:
            fields = [f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f is not None]
            assert all(f.isidentifier() for f in fields), f"{path.name}: {key} ({lang}) has fields {fields}"


def test_keys_unique_across_files_and_all_loaded():
    seen: dict[str, str] = {}
    for path in LOCALE_FILES:
        for key in json.loads(path.read_text(encoding="utf-8")):
            assert key not in seen, f"{key} in both {seen[key]} and {path.name}"
            seen[key] = path.name
    assert set(seen) == set(STRINGS)


def test_t_languages_and_fallbacks():
    assert t("app.title") == "北京知识产权区域布局图"
    assert t("app.title", "en") == "Beijing IP Atlas"
    assert t("app.title", "fr") == t("app.title", "zh")
    assert t("no.such.key", "en") == "no.such.key"


@pytest.mark.parametrize("value, lang, expected", [
    (574323, "zh", "57.4万"),
    (574323, "en", "574,323"),
    (100000, "zh", "10.0万"),
    (99999, "zh", "99,999"),
    (99999, "en", "99,999"),
    (1.2e9, "zh", "12.0亿"),
    (1e8, "zh", "1.0亿"),
    (99_990_000, "zh", "9999.0万"),
    (1.2e9, "en", "1,200,000,000"),
    (-574323, "zh", "-57.4万"),
    (80, "zh", "80"),
    (0, "en", "0"),
    (155.8, "zh", "155.8"),
    (155.84, "en", "155.8"),
    (1234.5, "en", "1,234.5"),
    (None, "zh", "—"),
    (float("nan"), "en", "—"),
])
def test_format_number(value, lang, expected):
    assert format_number(value, lang) == expected


def test_format_number_digits():
    assert format_number(574323, "zh", digits=2) == "57.43万"
    assert format_number(3.14159, "en", digits=3) == "3.142"


def test_format_value_with_units():
    assert format_value(155.8, "件/万人") == "155.8 件/万人"
    assert format_value(155.8, "件/万人", "en") == "155.8 per 10k residents"
    assert format_value(574323, "件", "en") == "574,323"
    assert format_value(None, "件") == "—"
    assert format_value(math.nan, "件/万人", "en") == "—"


def test_unit_label_known_and_unknown():
    assert unit_label("万人", "en") == "10,000 people"
    assert unit_label("亿元", "en") == "100 million yuan"
    assert "×" not in " ".join(unit_label(u, "en") for u in ("万人", "亿元", "件/万人"))
    assert unit_label("万人", "zh") == "万人"
    assert unit_label("km²", "en") == "km²"


def test_name_of():
    record = {"name_zh": "海淀区", "name_en": "Haidian"}
    assert name_of(record) == "海淀区" and name_of(record, "en") == "Haidian"


def test_no_chinese_in_english_strings_of_numbers():
    for value in (574323, 1.2e9, 155.8):
        assert not re.search(r"[\u4e00-\u9fff]", format_number(value, "en"))


def test_english_counts_of_one_are_singular():
    """"1 problems found" (issue 20): a string counting ``{n}`` things has an ``en_one`` form, used for 1."""
    plural = re.compile(r"\{n\} (?:[a-z-]+ )?[a-z]+s\b")
    # said only of several: sheets holding district names, the trends chart's limit of districts, the
    # password's minimum length (10), a link Streamlit dropped (> 1,000 parameters), a repeated parameter (≥ 2)
    never_one = {"import.msg.sheets_several", "an.trends.districts_help", "auth.admin.new_password",
                 "auth.admin.bad_password", "link.dropped", "link.repeated_merged", "link.repeated_refused"}
    for key, entry in STRINGS.items():
        if plural.search(entry["en"]) and key not in never_one:
            assert "en_one" in entry, f"{key}: {entry['en']!r} needs an en_one form"
            fields = {f: "x" for _, f, _, _ in string.Formatter().parse(entry["en"]) if f}
            assert plural.search(entry["en"]).group(0).replace("{n}", "1") not in t(key, "en", **{**fields, "n": 1}), key
            assert t(key, "en", **{**fields, "n": 2}) == entry["en"].format(**{**fields, "n": 2})
    assert t("import.errors", "en", n=1).startswith("1 problem found")
    assert t("import.errors", "zh", n=1) == t("import.errors", "zh", n=2).replace("2", "1")
