"""What the Import page shows, as plain data and escaped HTML (pure; no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo.data.indicators import INDICATORS
from geo.data.names import region_name
from geo.imports.store import Revision
from geo.text.i18n import DEFAULT_LANG, format_value, t
from geo.text.labels import name_of
from geo.text.safe import escape_text, safe_url

__all__ = ["preview_counts", "preview_table", "revision_action", "revision_label", "revisions_html", "what_becomes"]


def _value(value: float | None, unit: str, status: str, lang: str) -> str:
    if value is None or pd.isna(value) or not status:
        return t("status.none", lang)
    return f"{format_value(value, unit, lang)} ({t(f'status.{status}', lang)})"


def preview_counts(preview: pd.DataFrame) -> dict[str, int]:
    """Return how many values are new, changed, unchanged, and in conflict with an official figure.

    >>> preview_counts(pd.DataFrame({"change": ["new", "new", "unchanged"]}))
    {'new': 2, 'changed': 0, 'unchanged': 1, 'conflict': 0}
    """
    counts = preview["change"].value_counts() if len(preview) else pd.Series(dtype=int)
    return {k: int(counts.get(k, 0)) for k in ("new", "changed", "unchanged", "conflict")}


def what_becomes(rows: pd.DataFrame, preview: pd.DataFrame, decisions: Mapping[tuple, str]) -> dict:
    """Return what a save with these ``decisions`` stores: ``official`` and ``derived`` counts, ``formulas``.

    A conflict whose published figure is kept, or not chosen yet, is not saved
    (``geo.imports.store.Store.save_import`` leaves it out): the summary counts the rows saved, so it
    says 32 when 32 are saved, not the file's 35 (issue 20).

    >>> rows = pd.DataFrame({"region_code": ["a", "b"], "year": [2023, 2023], "indicator": ["x", "x"],
    ...                      "status": ["official", "derived"], "formula": ["", "f"]})
    >>> preview = pd.DataFrame({"region_code": ["a", "b"], "year": [2023, 2023], "indicator": ["x", "x"],
    ...                         "change": ["conflict", "new"]})
    >>> what_becomes(rows, preview, {("a", 2023, "x"): "keep"})
    {'official': 0, 'derived': 1, 'formulas': ['f']}
    >>> what_becomes(rows, preview, {("a", 2023, "x"): "replace"})["official"]
    1
    """
    chosen = {(str(k[0]), int(k[1]), str(k[2])): v for k, v in decisions.items()}
    left_out = {(str(r.region_code), int(r.year), str(r.indicator)) for r in preview.itertuples()
                if r.change == "conflict" and chosen.get((str(r.region_code), int(r.year), str(r.indicator))) != "replace"}
    saved = rows[[(str(r), int(y), str(i)) not in left_out
                  for r, y, i in zip(rows["region_code"], rows["year"], rows["indicator"], strict=False)]]
    status = saved["status"]
    return {"official": int((status == "official").sum()), "derived": int((status == "derived").sum()),
            "formulas": sorted(set(saved.loc[status == "derived", "formula"]) - {""})}


def preview_table(preview: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """Return the preview (see :func:`geo.imports.store.preview_changes`) labelled for people, per district and year."""
    rows = []
    for rec in preview.sort_values(["indicator", "year", "region_code"]).itertuples():
        ind = INDICATORS.get(rec.indicator)
        unit = ind.unit if ind else ""
        rows.append({
            t("import.col.district", lang): region_name(rec.region_code, lang),
            t("import.col.year", lang): int(rec.year),
            t("import.col.indicator", lang): (name_of(ind, lang)) if ind else rec.indicator,
            t("import.col.old", lang): _value(rec.old_value, unit, rec.old_status, lang),
            t("import.col.new", lang): _value(rec.new_value, unit, rec.new_status, lang),
            t("import.col.change", lang): t(f"import.change.{rec.change}", lang),
        })
    return pd.DataFrame(rows)


def revision_action(rev: Revision, lang: str = DEFAULT_LANG, zones: Mapping[int, str] | None = None) -> str:
    """Return what a revision did: import figures, import a zone outline (``zones``: revision -> zone), roll back.

    >>> r = Revision(3, "2025-01-01T00:00:00+00:00", "a", "boundary", None, "t", "", "https://a", "z.geojson", 0, 5)
    >>> revision_action(r, "en", {3: "Zhongguancun Dongcheng Park"})
    'zone outline: Zhongguancun Dongcheng Park'
    """
    if rev.action == "boundary":
        return t("import.action.boundary", lang, zone=(zones or {}).get(rev.id, "?"))
    if rev.action == "rollback":
        return t("import.action.rollback", lang, target=rev.target)
    return t("import.action.import", lang)


def revision_label(rev: Revision, lang: str = DEFAULT_LANG, zones: Mapping[int, str] | None = None) -> str:
    """Return one line describing a revision (plain text; escape before putting it in HTML)."""
    action = revision_action(rev, lang, zones)
    source = " · ".join(p for p in (rev.source_title, rev.source_table, rev.source_url) if p) or "—"
    return t("import.rev_line", lang, rev=rev.id, when=rev.created_at.replace("T", " "), who=rev.author,
             action=action, n=rev.row_count, source=source)


def revisions_html(revisions: list[Revision], lang: str = DEFAULT_LANG, zones: Mapping[int, str] | None = None) -> str:
    """Return the revision list as an HTML table; every text from the store is escaped.

    ``zones`` names the zone of each outline revision (:meth:`geo.imports.store.Store.boundary_zones`).

    >>> r = Revision(1, "2025-01-01T00:00:00+00:00", "<b>x</b>", "import", None, "<script>1</script>", "", "https://a",
    ...              "f.csv", 3, 3)
    >>> "<script>" in revisions_html([r]), "&lt;script&gt;1&lt;/script&gt;" in revisions_html([r])
    (False, True)
    """
    head = [t("import.col.revision", lang), t("import.col.when", lang), t("import.col.who", lang),
            t("import.col.action", lang), t("common.source", lang), t("import.col.rows", lang)]
    cells = "".join(f"<th>{escape_text(h)}</th>" for h in head)
    body = []
    for rev in revisions:
        action = revision_action(rev, lang, zones)
        url = safe_url(rev.source_url)
        link = f' <a href="{url}" target="_blank" rel="noopener noreferrer">{escape_text(rev.source_url)}</a>' if url \
            else escape_text(rev.source_url)
        source = " · ".join(escape_text(p) for p in (rev.source_title, rev.source_table) if p)
        body.append(
            "<tr>" + "".join(f"<td>{c}</td>" for c in (
                rev.id, escape_text(rev.created_at.replace("T", " ")), escape_text(rev.author), escape_text(action),
                (source + link) if (source or link) else "—", f"{rev.imported_rows}/{rev.row_count}")) + "</tr>")
    return f'<table class="atlas-revisions"><thead><tr>{cells}</tr></thead><tbody>{"".join(body)}</tbody></table>'
