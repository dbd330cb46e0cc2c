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

__all__ = ["actor_label", "preview_counts", "preview_table", "revision_action", "revision_file", "revision_label",
           "revision_who", "revisions_html", "what_becomes"]


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


def actor_label(identity: str, role: str, via: str, lang: str = DEFAULT_LANG) -> str:
    """Return who someone is for people: identity, role and how it was established (plain text).

    >>> actor_label("os:wang", "editor", "cli", "en")
    'os:wang (editor · command line, OS user)'
    >>> actor_label("王规划", "", "typed", "zh")
    '王规划(手填姓名, 未核验)'
    """
    who = identity or t("import.anonymous", lang)
    parts = [t(f"import.role.{role}", lang) if role else "", t(f"import.via.{via}", lang) if via else ""]
    parts = [p for p in parts if p]
    if not parts:
        return who
    if len(parts) == 1:
        return f"{who}({parts[0]})" if lang == "zh" else f"{who} ({parts[0]})"
    return t("import.who_role", lang, who=who, role=parts[0], via=parts[1])


def revision_who(rev: Revision, lang: str = DEFAULT_LANG) -> str:
    """Return who wrote a revision, with role and how the identity was established (plain text)."""
    return actor_label(rev.author, rev.author_role, rev.author_via, lang)


def revision_file(rev: Revision, short: bool = True) -> str:
    """Return the revision's file name and SHA-256 (first 12 hex digits when ``short``), or "—" (rollbacks).

    >>> r = Revision(1, "2025-01-01T00:00:00+00:00", "a", "import", None, "t", "", "https://a", "f.csv", 3, 3,
    ...              file_sha256="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    >>> revision_file(r)
    'f.csv · sha256 ba7816bf8f01'
    """
    digest = rev.file_sha256[:12] if short else rev.file_sha256
    parts = [rev.filename, f"sha256 {digest}" if digest else ""]
    return " · ".join(p for p in parts if p) or "—"


def revision_label(rev: Revision, lang: str = DEFAULT_LANG, zones: Mapping[int, str] | None = None) -> str:
    """Return one line describing a revision (plain text; escape before putting it in HTML)."""
    action = revision_action(rev, lang, zones)
    source = " · ".join(p for p in (rev.source_title, rev.source_table, rev.source_url) if p) or "—"
    return t("import.rev_line", lang, rev=rev.id, when=rev.created_at.replace("T", " "), who=revision_who(rev, lang),
             action=action, n=rev.row_count, file=revision_file(rev), source=source)


def revisions_html(revisions: list[Revision], lang: str = DEFAULT_LANG, zones: Mapping[int, str] | None = None) -> str:
    """Return the revision list as an HTML table; every text from the store is escaped.

    ``zones`` names the zone of each outline revision (:meth:`geo.imports.store.Store.boundary_zones`).

    >>> r = Revision(1, "2025-01-01T00:00:00+00:00", "<b>x</b>", "import", None, "<script>1</script>", "", "https://a",
    ...              "f.csv", 3, 3)
    >>> "<script>" in revisions_html([r]), "&lt;script&gt;1&lt;/script&gt;" in revisions_html([r])
    (False, True)
    """
    head = [t("import.col.revision", lang), t("import.col.when", lang), t("import.col.who", lang),
            t("import.col.action", lang), t("import.col.file", lang), t("common.source", lang), t("import.col.rows", lang)]
    widths = {3: ' style="min-width:7em"'}  # the action (e.g. 回滚至版本 2) is not squeezed by a long source URL
    cells = "".join(f"<th{widths.get(i, '')}>{escape_text(h)}</th>" for i, h in enumerate(head))
    body = []
    for rev in revisions:
        action = revision_action(rev, lang, zones)
        url = safe_url(rev.source_url)
        link = f' <a href="{url}" target="_blank" rel="noopener noreferrer">{escape_text(rev.source_url)}</a>' if url \
            else escape_text(rev.source_url)
        source = " · ".join(escape_text(p) for p in (rev.source_title, rev.source_table) if p)
        file = escape_text(rev.filename) or "—"
        if rev.file_sha256:  # the first 12 hex digits; the whole digest on hover, to compare with `sha256sum FILE`
            file += f'<br><code title="SHA-256 {escape_text(rev.file_sha256)}">{escape_text(rev.file_sha256[:12])}</code>'
        how = " · ".join(t(k, lang) for k in (f"import.role.{rev.author_role}" if rev.author_role else "",
                                              f"import.via.{rev.author_via}" if rev.author_via else "") if k)
        who = escape_text(rev.author) + (f"<br><small>{escape_text(how)}</small>" if how else "")
        when = rev.created_at.replace("T", " ").removesuffix("+00:00")  # the heading says UTC
        body.append(
            "<tr>" + "".join(f"<td>{c}</td>" for c in (
                rev.id, escape_text(when), who, escape_text(action), file, (source + link) if (source or link) else "—",
                f"{rev.imported_rows}/{rev.row_count}")) + "</tr>")
    return f'<table class="atlas-revisions"><thead><tr>{cells}</tr></thead><tbody>{"".join(body)}</tbody></table>'
