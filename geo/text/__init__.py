"""Text the planner reads: UI strings in Chinese and English, number formats, labels, safe output.

- :mod:`~geo.text.i18n`: ``t(key, lang)`` over ``locale/*.json``, 万/亿 number formats, unit labels;
- :mod:`~geo.text.labels`: the one set of label helpers — a name in a language, an indicator's name,
  a data status's label and mark — used by every page, the map and the exports;
- :mod:`~geo.text.safe`: escaping where data meets HTML, and spreadsheet-safe text for exports.
"""

from __future__ import annotations

from geo.text.i18n import (  # noqa: F401
    DEFAULT_LANG,
    DOC_LANGS,
    LANGS,
    STRINGS,
    doc_lang,
    format_number,
    format_value,
    name_of,
    t,
    unit_label,
)

__all__ = ["LANGS", "DEFAULT_LANG", "STRINGS", "t", "format_number", "format_value", "unit_label", "name_of", "DOC_LANGS", "doc_lang"]
