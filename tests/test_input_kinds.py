"""Issue 23, kind by kind: bad input never ends in a traceback or a silent guess (one named test per kind).

Each test first builds the input that misbehaved on main at de0af5f (a traceback, a silent guess,
a vanishing note, two answers to one file, a read waiting on a write) and asserts what a planner
now sees. The fuzz test (tests/test_fuzz_input.py) generalises the same invariants.
"""

from __future__ import annotations

import io
import logging
import sqlite3
import subprocess
import sys
import threading
import tomllib
import zlib
from base64 import urlsafe_b64encode

import openpyxl
import pytest
from common_import import SOURCE, yearbook_rows
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.guard import MAX_FIELD_CHARS, MAX_LINK_PARAMS
from geo.imports.boundaries import validate_boundary
from geo.imports.issues import MAX_BYTES
from geo.imports.parse import parse_upload
from geo.imports.store import Store
from geo.text.i18n import t
from geo.view.links import read_link
from geo.view.scenes import SceneError, decode_scenes, scenes_from_json
from tests.common_import import EDITOR

TRACEBACK = ("Traceback", 'File "/', "Error:", "site-packages", "/work/")
HEADER = "region_code,year,indicator,value,unit\n"


def no_traceback(text: str) -> bool:
    return not any(mark in text for mark in TRACEBACK)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "scripts.import_cli", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)


# ------------------------------------------------------------------ 1. no traceback ever reaches a user

def test_rollback_number_too_large_for_an_integer(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with pytest.raises(Exception) as refused:
        store.rollback(10**20, EDITOR)
    assert type(refused.value).__name__ == "StoreError" and "no revision" in str(refused.value)
    var = tmp_path / "var"
    Store(f"sqlite:///{var / 'atlas.sqlite'}").engine.dispose()  # closed: its WAL checkpointed into the file
    before = {p.name: p.read_bytes() for p in var.glob("atlas.sqlite*")}
    out = _cli("--rollback", str(10**20), env={"ATLAS_VAR_DIR": str(var), "ATLAS_DATABASE_URL": ""})
    assert out.returncode == 1 and no_traceback(out.stderr), out.stderr
    assert {p.name: p.read_bytes() for p in var.glob("atlas.sqlite*")} == before  # the store unchanged
    assert "--rollback 100000000000000000000: 没有这个修订号" in out.stderr and "See the revisions with --list" in out.stderr


def test_csv_with_cr_only_line_endings_is_read():
    lines = [",".join("" if v is None else str(v) for v in row) for row in yearbook_rows(2023)]
    result = parse_upload(("\r".join(lines) + "\r").encode("utf-8"), "cr.csv", SOURCE)
    assert result.ok, result.messages("en")
    as_lf = parse_upload(("\n".join(lines) + "\n").encode("utf-8"), "cr.csv", SOURCE)
    assert len(result.rows) == len(as_lf.rows) > 34 and result.rows.equals(as_lf.rows)


def test_very_long_text_field_is_refused_naming_its_cell():
    for length in (MAX_FIELD_CHARS + 1, 200_000):  # ours, and past the csv module's own limit (131,072)
        body = HEADER + "110108,2023,invention_patents_in_force,1,件\n" + f"110105,2023,x{'y' * length},1,件\n"
        result = parse_upload(body.encode(), "long.csv", SOURCE)
        [issue] = result.errors
        assert issue.code == "field_too_long" and (issue.row, issue.column) == (3, "C")
        assert issue.text("en").startswith("row 3") and "too long" in issue.text("en")
        assert no_traceback(issue.text("zh")) and not len(result.rows)


def test_deeply_nested_scene_list_file_and_link():
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(SceneError) as file_error:
        scenes_from_json(deep)
    value = "v1." + urlsafe_b64encode(zlib.compress(deep, 9)).decode().rstrip("=")
    with pytest.raises(SceneError) as link_error:
        decode_scenes(value)
    for err in (file_error.value, link_error.value):
        assert err.key == "present.err.too_deep"
        assert "nests too deeply" in err.message("en") and no_traceback(err.message("zh"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["scenes"] = value
    at.switch_page("views/present.py").run()
    assert not at.exception
    assert any("scenes" in w.value and "嵌套过深" in w.value for w in at.warning)  # what and where
    assert "present_atlas" in at.session_state  # the map is still drawn (the five project scenes)


def test_a_scene_number_of_5000_digits_and_a_language_given_twice():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["scene"] = "9" * 5000  # int() of it raised ValueError (Python's 4,300-digit limit)
    at.query_params["lang"] = ["en", "zh"]
    at.switch_page("views/present.py").run()
    assert not at.exception
    assert any("lang 在链接中出现 2 次且取值不同(en, zh), 未使用" in w.value for w in at.main.warning)


def test_deeply_nested_boundary_file():
    from geo.data.datasets import read_districts

    result = validate_boundary(b'{"type":' + b"[" * 50_000 + b"]" * 50_000 + b"}", "deep.geojson", None,
                               districts=read_districts())
    assert not result.ok and [i.code for i in result.issues] == ["geo_too_deep"]


def test_an_unexpected_error_is_a_message_with_a_reference_and_logged(monkeypatch, caplog):
    import geo.imports.parse as parse

    def broken(*_args, **_kwargs):
        raise RuntimeError("/srv/atlas/secret/path.py exploded")

    monkeypatch.setattr(parse, "_parse_grid", broken)
    with caplog.at_level(logging.ERROR, logger="atlas"):
        result = parse_upload(b"a,b\n1,2\n", "x.csv", SOURCE)
    [issue] = result.issues
    text = issue.text("en")
    assert issue.code == "unexpected" and "“x.csv”" in text and "reference" in text
    assert "/srv/atlas" not in text and no_traceback(text)
    assert issue.params["ref"] in caplog.text and "/srv/atlas/secret/path.py exploded" in caplog.text


def test_the_cli_never_ends_in_a_traceback(tmp_path, monkeypatch, capsys):
    import scripts.import_cli as cli

    def broken(_args):
        raise RuntimeError("/srv/atlas/secret/path.py exploded")

    monkeypatch.setenv("ATLAS_VAR_DIR", str(tmp_path))
    monkeypatch.setattr(cli, "_main", broken)
    monkeypatch.setattr(logging.getLogger("atlas"), "handlers", [])
    monkeypatch.setattr(logging.getLogger("atlas"), "propagate", True)
    assert cli.main(["--list", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Unexpected problem (reference ") and "nothing was changed" in err
    assert "/srv/atlas" not in err and "Traceback" not in err
    log = (tmp_path / "logs" / "import.log").read_text()
    assert "Traceback" in log and "/srv/atlas/secret/path.py exploded" in log  # the details: on the server only


def test_the_office_deployment_hides_streamlit_error_details():
    from streamlit import config

    from deploy.stack import WORKER_OPTIONS

    option = dict(zip(WORKER_OPTIONS[::2], WORKER_OPTIONS[1::2], strict=True))["--client.showErrorDetails"]
    # "none": no message, type or trace; Streamlit 1.67's legacy "false" still shows the trace
    assert config.ShowErrorDetailsConfigOptions(option) is config.ShowErrorDetailsConfigOptions.NONE


# ------------------------------------------------------------------ 2. no silent guess

def _workbook_with_hidden_draft(visible_table: bool = True) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    draft = wb.create_sheet("旧稿")
    for row in yearbook_rows(2021):
        draft.append(row)
    draft.sheet_state = "hidden"
    table = wb.create_sheet("8-10")
    for row in (yearbook_rows(2023) if visible_table else [["封面"]]):
        table.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_hidden_sheet_is_never_read_unless_picked():
    result = parse_upload(_workbook_with_hidden_draft(), "book.xlsx", SOURCE)
    assert result.sheet == "8-10" and set(result.rows.year) == {2023}  # not the hidden old draft placed first
    assert result.hidden == ["旧稿"] and any("Hidden sheets (旧稿) were not read" in m for m in result.messages("en"))
    only_hidden = parse_upload(_workbook_with_hidden_draft(visible_table=False), "book.xlsx", SOURCE)
    assert not len(only_hidden.rows) and only_hidden.sheet == ""
    assert any("Only hidden sheets (旧稿)" in m and "no sheet was read" in m for m in only_hidden.messages("en"))
    picked = parse_upload(_workbook_with_hidden_draft(visible_table=False), "book.xlsx", SOURCE, sheet="旧稿")
    assert picked.ok and set(picked.rows.year) == {2021}
    assert any("“旧稿” is hidden; it was read because you picked it" in m for m in picked.messages("en"))


def test_a_no_data_mark_is_named_by_its_cell():
    rows = yearbook_rows(2023, with_total=False)
    rows[4][1], rows[5][2], rows[6][1], rows[7][2] = "-", "—", "…", "/"
    result = parse_upload(_xlsx(rows), "marks.xlsx", SOURCE)
    marks = [i for i in result.issues if i.code == "no_data_mark"]
    assert [(i.row, i.column, i.params["mark"]) for i in marks] == [(5, "B", "-"), (6, "C", "—"), (7, "B", "…"),
                                                                   (8, "C", "/")]
    assert marks[0].text("en") == ('sheet “8-10”, row 5, column B (“有效发明专利(件)”): The cell holds “-” (no data); '
                                   'it was skipped and no value imported.')


def _xlsx(rows) -> bytes:
    from common_import import xlsx

    return xlsx(rows)


def test_a_link_with_more_parameters_than_the_limit_says_so():
    params = {f"x{i}": "1" for i in range(MAX_LINK_PARAMS)} | {"year": "2019"}
    assert read_link(params, "en") == ({}, [t("link.too_many", "en", n=MAX_LINK_PARAMS + 1, limit=MAX_LINK_PARAMS)])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert any("链接参数过多" in w.value and "显示默认视图" in w.value for w in at.warning)
    assert at.session_state["m_year"] != 2019  # nothing of it was read


def test_a_repeated_parameter_is_merged_or_refused_with_a_note():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["d"] = ["110101", "110108"]
    at.query_params["year"] = ["2019", "2020", "2021"]
    at.run()
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "d 在链接中出现 2 次, 已合并为 d=110101,110108" in notes
    assert "year 在链接中出现 3 次且取值不同(2019, 2020, 2021), 未使用" in notes
    assert list(at.session_state["m_districts"]) == ["110101", "110108"]


# ------------------------------------------------------------------ 3. notes that stay

def test_a_note_about_the_link_stays_until_the_view_changes():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["year"] = "abc"
    at.run()
    assert any("year=" in w.value for w in at.warning)
    at.run()  # the map's next run (e.g. its "drawn" report): the URL is clean now, the note stays
    assert any("year=" in w.value for w in at.warning)
    at.multiselect(key="m_districts").set_value(["110108"]).run()  # the planner changes the view
    assert not any("year=" in w.value for w in at.warning)


def test_a_note_stays_in_the_presentation_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "fr"
    at.switch_page("views/present.py").run()
    for _ in range(2):  # shown in the page (the sidebar is hidden there), and again on the next run
        assert any("lang=" in w.value and "fr" in w.value for w in at.main.warning)
        at.run()
    at.button(key="present_next").click().run()
    assert not any("lang=" in w.value for w in at.main.warning)


# ------------------------------------------------------------------ 4. one size limit

def test_one_size_limit_in_bytes_on_the_page_and_in_the_cli(tmp_path):
    mb = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert mb * 1000**2 == MAX_BYTES  # the browser's uploader refuses above this (Linux/macOS) …
    assert mb * 2**20 >= MAX_BYTES  # … the server (and Windows) let a little more through: our check answers
    over = tmp_path / "over.csv"
    over.write_bytes(b"a,b\n" + b"1" * (MAX_BYTES + 1 - 4))
    page = parse_upload(over.read_bytes(), "over.csv", SOURCE).messages("en")
    cli = _cli(str(over), "--source-title", SOURCE.title, "--source-url", SOURCE.url, "--dry-run", "--lang", "en",
               env={"ATLAS_VAR_DIR": str(tmp_path / "var"), "ATLAS_DATABASE_URL": ""})
    assert page == ["The file is 10.0 MB (10,000,001 bytes), over the limit of 10 MB (10,000,000 bytes)."]
    assert cli.returncode == 1 and cli.stderr.strip() == f"error: {page[0]}"
    assert "10 MB (10,000,000 bytes)" in t("common.upload_hint", "en", mb="10", bytes="10,000,000")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("views/import_data.py").run()
    assert any("10 MB(10,000,000 字节)" in c.value for c in at.caption)  # the page states the same limit


# ------------------------------------------------------------------ 5. reads never wait on writes

def test_a_read_completes_while_a_write_is_held_open(tmp_path):
    path = tmp_path / "atlas.sqlite"
    store = Store(f"sqlite:///{path}")
    writer = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    writer.execute("BEGIN IMMEDIATE")  # a slow import, holding the write lock
    writer.execute("UPDATE atlas_revisions SET id = id WHERE 0")
    done: list[object] = []
    reader = threading.Thread(target=lambda: done.append((store.current_revision_id(), store.revisions(),
                                                          len(store.current_rows()))))
    reader.start()
    reader.join(timeout=10)  # with BEGIN IMMEDIATE on reads this waited out the 30 s busy timeout
    try:
        assert done == [(0, [], 0)]  # the last committed state, at once
        other = sqlite3.connect(path, isolation_level=None, timeout=0.1)
        other.execute("BEGIN")
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # writers are still serialised
            other.execute("UPDATE atlas_revisions SET id = id WHERE 0")
        other.execute("ROLLBACK")
    finally:
        writer.execute("ROLLBACK")
