"""A link's parameters as a whole, before any one is read: their number, and parameters given twice.

Pure (no Streamlit). :func:`read_link` returns the parameters to read and the notes (in the
planner's language) about what could not be read as given — never a silent guess:

- more parameters than :data:`geo.guard.MAX_LINK_PARAMS`: nothing is read (the link cannot be
  read whole), the note says so;
- a parameter given several times with one value: read once, no note (nothing is lost);
- a list parameter (``d``, ``layers``) given several times: merged, with a note;
- any other parameter given several times with different values: not used (its default applies),
  with a note naming the values.

>>> params, notes = read_link({"d": ["110101", "110108"], "year": ["2019", "2020"], "ind": ["x", "x"]}, "en")
>>> params
{'d': '110101,110108', 'ind': 'x'}
>>> notes
['d appears 2 times in the link; merged into d=110101,110108', 'year appears 2 times in the link with different values (2019, 2020); not used, the default applies']
>>> read_link({f"p{i}": "1" for i in range(50)}, "en")[1]
['The link has too many parameters (50, limit 40) to be read whole; none was read and the default view is shown. Use a share link made by this app.']
"""

from __future__ import annotations

from collections.abc import Mapping

from geo.guard import MAX_LINK_PARAMS
from geo.text.i18n import t

__all__ = ["LIST_PARAMS", "count_params", "read_link"]

#: Parameters holding a comma list: repeats are merged.
LIST_PARAMS = ("d", "layers")


def _values(value: str | list[str]) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def count_params(params: Mapping[str, str | list[str]]) -> int:
    """Return how many parameters a link carries (a repeated one counts each time)."""
    return sum(len(_values(v)) for v in params.values())


def read_link(params: Mapping[str, str | list[str]], lang: str) -> tuple[dict[str, str], list[str]]:
    """Return ``(parameters to read, one value each; notes in lang)`` for a link's parameters (see module)."""
    n = count_params(params)
    if n > MAX_LINK_PARAMS:
        return {}, [t("link.too_many", lang, n=n, limit=MAX_LINK_PARAMS)]
    out: dict[str, str] = {}
    notes: list[str] = []
    for key, value in params.items():
        values = _values(value)
        distinct = list(dict.fromkeys(values))
        if len(distinct) <= 1:
            if distinct:
                out[key] = distinct[0]
            continue
        shown = key[:40]
        if key in LIST_PARAMS:
            items = [p.strip() for v in distinct for p in v.split(",") if p.strip() and p.strip() != "-"]
            out[key] = ",".join(dict.fromkeys(items)) or "-"
            notes.append(t("link.repeated_merged", lang, param=shown, n=len(values), value=out[key][:200]))
        else:
            notes.append(t("link.repeated_refused", lang, param=shown, n=len(values),
                           values=", ".join(v[:40] for v in distinct[:5])))
    return out, notes
