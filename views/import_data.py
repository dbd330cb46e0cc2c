"""Import page: upload official figures, preview what changes, save as a revision, roll back."""

from __future__ import annotations

import streamlit as st

from geo.access import NotAllowed
from geo.data.indicators import INDICATORS
from geo.data.names import region_name
from geo.imports.boundaries import validate_boundary
from geo.imports.parse import Source, parse_upload
from geo.imports.report import actor_label, preview_counts, preview_table, revisions_html, what_becomes
from geo.imports.store import StoreError, preview_changes
from geo.text.i18n import t
from geo.text.safe import escape_text
from ui import auth, cache
from ui.auth import current_actor
from ui.common import lang, upload_hint
from ui.guard import planner_errors, unexpected_message
from ui.tables import dataframe

L = lang()
db = cache.import_store()
actor = current_actor()


def _indicator_name(ind: str) -> str:
    return (INDICATORS[ind].name_en if L == "en" else INDICATORS[ind].name_zh) if ind in INDICATORS else ind


def _bullets(issues) -> str:
    return "\n".join(f"- {escape_text(i.text(L))}" for i in issues)


def _who() -> str:
    actor = current_actor()
    return actor_label(actor.identity, actor.role, actor.via, L)


def _save(result, source: Source, filename: str, content: bytes, decisions: dict) -> None:
    try:  # who is asked at the moment of saving: a session signed out meanwhile is refused by the store
        rev = db.save_import(result.rows, source, current_actor(), filename, content=content, shown=cache.indicators(),
                             decisions=decisions)
    except NotAllowed:
        st.session_state["import_message"] = ("error", t("import.not_allowed", L, who=_who()))
    except StoreError as exc:  # one transaction: nothing was changed
        st.session_state["import_message"] = ("error", t("import.save_failed", L, error=exc))
    except Exception as exc:  # the database or a bug: details in the server log only
        st.session_state["import_message"] = ("error", unexpected_message(exc, L, "import: save"))
    else:
        st.session_state["import_message"] = ("success", t("import.saved", L, rev=rev.id, n=rev.imported_rows))
        # saved: the form starts again empty (the file and its conflict choices are done with)
        st.session_state["import_form"] = st.session_state.get("import_form", 0) + 1


def _rollback() -> None:
    target = int(st.session_state["import_rollback_target"])
    try:
        rev = db.rollback(target, current_actor())  # the map follows the revision
    except NotAllowed:
        st.session_state["import_history_message"] = ("error", t("import.not_allowed", L, who=_who()))
    except StoreError as exc:  # one transaction: nothing was changed
        st.session_state["import_history_message"] = ("error", t("import.rollback_failed", L, error=exc))
    except Exception as exc:  # the database or a bug: details in the server log only
        st.session_state["import_history_message"] = ("error", unexpected_message(exc, L, "import: rollback"))
    else:
        st.session_state["import_history_message"] = ("success", t("import.rolled_back", L, rev=rev.id, target=target))


def _sheet_label(sheet: str, result) -> str:
    label = t("import.sheet_with_names", L, sheet=sheet) if sheet in result.candidates else sheet
    return t("import.sheet_hidden", L, sheet=label) if sheet in result.hidden else label


def _zone_name(zone_id: str) -> str:
    shipped = cache.shipped_zones().set_index("zone_id")
    if zone_id not in shipped.index:
        return zone_id
    return str(shipped.at[zone_id, "name_en" if L == "en" else "name_zh"])


def _quality_short(quality: str) -> str:
    return t(f"map.quality.{quality}", L).split(":")[0].split("(")[0].strip()


def _save_boundary(checked, zone_id: str, filename: str, content: bytes) -> None:
    source = Source(st.session_state.get("import_boundary_title", ""), st.session_state.get("import_boundary_url", ""),
                    st.session_state.get("import_boundary_table", ""))
    try:
        rev = db.save_boundary(checked.geometry, zone_id, source, current_actor(), filename, content=content,
                               area_km2=checked.area_km2)
    except NotAllowed:
        st.session_state["import_boundary_message"] = ("error", t("import.not_allowed", L, who=_who()))
    except StoreError as exc:  # one transaction: nothing was changed
        st.session_state["import_boundary_message"] = ("error", t("import.save_failed", L, error=exc))
    except Exception as exc:  # the database or a bug: details in the server log only
        st.session_state["import_boundary_message"] = ("error", unexpected_message(exc, L, "import: save outline"))
    else:  # the map's geometry and model are cached per data revision (ui/atlasmap.py): they follow
        st.session_state["import_boundary_message"] = ("success", t("import.boundary_saved", L, rev=rev.id,
                                                                    zone=_zone_name(zone_id)))


def _revision_list() -> list:
    revisions = db.revisions()
    if not revisions:
        st.info(t("import.history_empty", L))
    else:
        st.caption(t("import.current", L, rev=revisions[0].id))
        outline_zones = {rev: _zone_name(z) for rev, z in db.boundary_zones().items()}
        st.markdown(revisions_html(revisions, L, outline_zones), unsafe_allow_html=True)
    return revisions


st.title(t("import.title", L))
st.caption(t("import.intro", L))
if actor.via == "local":
    st.caption(t("auth.local", L))
if not actor.can_edit:  # viewers: no upload, save, conflict choice, outline or roll-back control is ever drawn
    auth.editors_only(L, actor)
    if (message := st.session_state.pop("import_message", None) or st.session_state.pop("import_history_message", None)
            or st.session_state.pop("import_boundary_message", None)) is not None:
        st.error(escape_text(message[1] if isinstance(message, tuple) else message))
    st.header(t("import.tab_history", L))
    _revision_list()
    st.stop()
auth.admin_section(L, actor)
tab_table, tab_history, tab_boundary = st.tabs([t("import.tab_table", L), t("import.tab_history", L),
                                                t("import.tab_boundary", L)])

with tab_table, planner_errors(L, "import: table"):
    upload_hint(L)
    upload = st.file_uploader(t("import.file", L), key=f"import_file_{st.session_state.get('import_form', 0)}")
    with st.expander(t("import.overrides", L)):
        year = st.selectbox(t("import.year", L), [None, *range(2025, 1984, -1)], key="import_year",
                            format_func=lambda y: t("import.from_file", L) if y is None else str(y),
                            placeholder=t("common.choose", L))
        indicator = st.selectbox(t("import.indicator", L), [None, *INDICATORS], key="import_indicator",
                                 format_func=lambda i: t("import.from_file", L) if i is None else (
                                     INDICATORS[i].name_en if L == "en" else INDICATORS[i].name_zh),
                                 placeholder=t("common.choose", L))
    left, right = st.columns(2)
    title = left.text_input(t("import.source_title", L), key="import_source_title")
    table = right.text_input(t("import.source_table", L), key="import_source_table")
    url = left.text_input(t("import.source_url", L), key="import_source_url")

    if (message := st.session_state.pop("import_message", None)) is not None:
        (st.success if message[0] == "success" else st.error)(escape_text(message[1]))
    if upload is not None:
        decisions: dict = {}
        conflicts = []
        source = Source(title, url, table)
        sheet_key = f"import_sheet_{upload.file_id}"  # a new file starts from the sheet found in it
        result = parse_upload(upload.getvalue(), upload.name, source, year=year, indicator=indicator,
                              sheet=st.session_state.get(sheet_key))
        if len(result.sheets) > 1 or result.hidden:  # no sheet read (only hidden ones hold a table): none preselected
            st.selectbox(t("import.sheet", L), result.sheets, key=sheet_key,
                         index=result.sheets.index(result.sheet) if result.sheet in result.sheets else None,
                         placeholder=t("common.choose", L), format_func=lambda s: _sheet_label(s, result))
        source_codes = {i.code for i in source.issues()}
        file_errors = [i for i in result.errors if i.code not in source_codes]
        if file_errors:
            st.error(t("import.errors", L, n=len(file_errors)) + "\n\n" + _bullets(file_errors))
        if result.warnings:
            st.warning(t("import.warnings", L) + "\n\n" + _bullets(result.warnings))
        if len(result.rows):
            layout = t(f"import.layout.{result.layout}", L)
            st.caption(escape_text(t("import.layout_sheet", L, layout=layout, sheet=result.sheet, n=len(result.rows))
                                   if result.sheet else t("import.layout", L, layout=layout, n=len(result.rows))))
            preview = preview_changes(cache.indicators(), result.rows)
            st.markdown("**" + t("import.preview", L, **preview_counts(preview)) + "**")
            dataframe(preview_table(preview, L), hide_index=True, width="stretch")
            conflicts = preview[preview["change"] == "conflict"]
            if len(conflicts):
                st.warning(t("import.conflicts", L, n=len(conflicts)))
            for rec in conflicts.itertuples():
                key = (rec.region_code, int(rec.year), rec.indicator)
                choice = st.radio(
                    escape_text(t("import.conflict_choice", L, region=region_name(rec.region_code, L), year=rec.year,
                                  indicator=_indicator_name(rec.indicator), old=f"{rec.old_value:,.6g}",
                                  url=rec.old_source_url, new=f"{rec.new_value:,.6g}")),
                    ["keep", "replace"], index=None, horizontal=True, key=f"import_conflict_{'_'.join(map(str, key))}",
                    format_func=lambda c: t(f"import.choice.{c}", L))
                if choice is not None:
                    decisions[key] = choice
            # what the save stores, after the choices (a kept published figure is not saved)
            becomes = what_becomes(result.rows, preview, decisions)
            st.markdown(escape_text(t("import.what_becomes", L, official=becomes["official"], derived=becomes["derived"],
                                      formulas="; ".join(becomes["formulas"]) or "—")))
        missing_source = bool(source_codes)
        if missing_source:
            st.info(t("import.need_source", L) + "\n\n" + _bullets(source.issues()))
        st.caption(escape_text(t("import.recorded_as", L, who=_who())))
        st.button(t("import.save", L), key="import_save", type="primary", on_click=_save,
                  args=(result, source, upload.name, upload.getvalue(), decisions),
                  disabled=bool(file_errors) or missing_source or not len(result.rows)
                  or len(decisions) < len(conflicts))

with tab_history, planner_errors(L, "import: revisions"):
    if (message := st.session_state.pop("import_history_message", None)) is not None:
        (st.success if message[0] == "success" else st.error)(escape_text(message[1]))
    revisions = _revision_list()
    if revisions:
        st.selectbox(t("import.rollback_to", L), [r.id for r in revisions[1:]] + [0], key="import_rollback_target",
                     format_func=lambda i: t("import.rev0", L) if i == 0 else str(i), placeholder=t("common.choose", L))
        st.caption(escape_text(t("import.recorded_as", L, who=_who())))
        st.button(t("import.rollback", L), key="import_rollback", on_click=_rollback)

with tab_boundary, planner_errors(L, "import: outline"):
    if (message := st.session_state.pop("import_boundary_message", None)) is not None:
        (st.success if message[0] == "success" else st.error)(escape_text(message[1]))
    shipped = cache.shipped_zones()
    stored = db.current_boundaries().set_index("zone_id")
    # zones drawn schematic or as a point in the shipped data, and those already given an imported outline
    zone_ids = [z for z, q in zip(shipped.zone_id, shipped.geometry_quality, strict=False) if q in ("schematic", "point")
                or z in stored.index]
    quality = dict(zip(cache.zones().zone_id, cache.zones().geometry_quality, strict=False))
    zone_id = st.selectbox(t("import.boundary_zone", L), zone_ids, key="import_boundary_zone",
                           format_func=lambda z: _zone_name(z) + " · " + _quality_short(quality.get(z, "none")),
                           placeholder=t("common.choose", L))
    if zone_id in stored.index:
        b = stored.loc[zone_id]
        st.info(escape_text(t("import.boundary_current", L, rev=int(b.revision_id),
                              source=" · ".join(p for p in (b.source_title, b.source_url) if p))))
    upload_hint(L)
    outline = st.file_uploader(t("import.boundary_file", L), key="import_boundary_file")
    if outline is not None:
        checked = validate_boundary(outline.getvalue(), outline.name, zone_id, districts=cache.districts(),
                                    zone_ids=cache.zones().zone_id)
        for issue in checked.issues:
            (st.error if issue.level == "error" else st.warning)(escape_text(issue.text(L)))
        if checked.ok:
            st.success(escape_text(t("import.boundary_ok", L, area=checked.area_km2, zone=_zone_name(zone_id))))
            left, right = st.columns(2)
            b_title = left.text_input(t("import.source_title", L), key="import_boundary_title")
            right.text_input(t("import.source_table", L), key="import_boundary_table")
            b_url = left.text_input(t("import.source_url", L), key="import_boundary_url")
            b_source = Source(b_title, b_url)
            if b_source.issues():
                st.info(t("import.need_source", L) + "\n\n" + _bullets(b_source.issues()))
            st.caption(escape_text(t("import.recorded_as", L, who=_who())))
            st.button(t("import.boundary_save", L), key="import_boundary_save", type="primary",
                      on_click=_save_boundary, args=(checked, zone_id, outline.name, outline.getvalue()),
                      disabled=bool(b_source.issues()))
