"""Text the planner reads: UI strings in Chinese and English, number formats, labels, safe output.

- :mod:`~geo.text.i18n`: ``t(key, lang)`` over ``locale/*.json``, 万/亿 number formats, unit labels;
- :mod:`~geo.text.labels`: the one set of label helpers — a name in a language, a data status's
  label and mark — used by every page, the map and the exports (text never imports ``geo.data``);
- :mod:`~geo.text.safe`: escaping where data meets HTML, and spreadsheet-safe text for exports.
"""

from __future__ import annotations

from geo.text.i18n import (
    DEFAULT_LANG,
    DOC_LANGS,
    LANGS,
    STRINGS,
    doc_lang,
    format_number,
    format_value,
    t,
    unit_label,
)
from geo.text.labels import (
    name_of,
    pick,
    status_label,
    status_mark,
)
from geo.text.safe import (
    FORMULA_PREFIXES,
    escape_text,
    safe_url,
    spreadsheet_safe,
    spreadsheet_text,
)

__all__ = ["DEFAULT_LANG", "DOC_LANGS", "FORMULA_PREFIXES", "LANGS", "STRINGS", "doc_lang", "escape_text", "format_number", "format_value", "name_of", "pick", "safe_url", "spreadsheet_safe", "spreadsheet_text", "status_label", "status_mark", "t", "unit_label"]
