"""Fuzz test of every entry point for outside input (issue 23), with ``hypothesis`` on a fixed budget.

Generated: malformed CSV (delimiters, CR/LF/CRLF endings, encodings, quotes, NULs, formulas, huge
numbers, no-data marks, very long cells, raw bytes), XLSX workbooks (hidden sheets, formulas,
merges, huge numbers, dates, truncated or corrupted zips), scene lists as JSON files and as
``scenes=`` parameters (any JSON, deep nesting), GeoJSON boundary files (any JSON, coordinates of
any shape and size), and link parameters (known and unknown names, repeated, too many).

Invariants, for every input: no exception escapes (only a scene list's own ``SceneError``), none
needs the unexpected-error backstop (every input meets a check), no message carries traceback text or
a server path, every error names its place (sheet/row/column, the parameter, or is a whole-file
problem), and the store (database and WAL files) is byte-identical after a refused import.

Budget: ``derandomize=True`` (the same inputs on every run, so CI is deterministic), no example
database, ``deadline=None``; the example counts below are the inputs per run (about 700 in all).
"""

from __future__ import annotations

import io
import json
import re
import zlib
from base64 import urlsafe_b64encode
from pathlib import Path

import openpyxl
import pytest
from common_import import SOURCE, yearbook_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.data.names import BEIJING_DISTRICTS
from geo.imports.boundaries import validate_boundary
from geo.imports.parse import parse_upload
from geo.imports.store import Store
from geo.view.links import read_link
from geo.view.scenes import SceneError, decode_scenes, scene_from_link, scenes_from_json
from geo.view.state import from_query
from tests.common_import import EDITOR

#: What traceback text looks like: the header, a frame line, a server path, an exception's class name.
TRACEBACK = re.compile(r'Traceback|File "|, line \d+, in |site-packages|/work/|/usr/|/srv/|/home/|\b\w+(Error|Exception)\b')
#: Problems of the whole file (or of the source fields): they need no row or column to be found.
WHOLE_FILE = {"empty_file", "too_big", "old_xls", "xlsx_renamed", "bad_xlsx", "unsupported_type", "binary_file",
              "bad_encoding", "decoded_gbk", "xlsx_too_big", "layout_unknown", "no_rows", "unexpected",
              "sheets_only_hidden", "sheets_hidden_skipped", "sheets_none", "sheets_several", "sheet_found",
              "sheet_missing", "sheet_hidden_picked", "missing_source_title", "missing_source_url", "bad_source_url",
              "unknown_indicator"}
GEO_WHOLE_FILE = WHOLE_FILE | {"geo_unreadable", "geo_too_deep", "geo_unexpected", "geo_no_features", "geo_not_polygon",
                               "geo_invalid", "geo_missing_crs", "geo_wrong_crs", "geo_outside", "geo_partly_outside",
                               "geo_gcj02", "geo_unknown_zone"}


def _budget(n: int):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None, print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])


def clean(text: str) -> bool:
    return TRACEBACK.search(text) is None


def check_issues(issues, whole_file=WHOLE_FILE) -> None:
    for issue in issues:
        # the guard's backstop (a message with a reference) is for users; here it means a check is missing
        assert issue.code not in ("unexpected", "geo_unexpected"), issue
        for lang in ("zh", "en"):
            text = issue.text(lang)
            assert text and clean(text), (issue, text)
        if issue.level == "error":
            assert issue.row is not None or issue.sheet or issue.code in whole_file, issue


# ------------------------------------------------------------------ cells and tables

NAMES = [*BEIJING_DISTRICTS, *(zh for zh, _ in BEIJING_DISTRICTS.values()), "全市", "合计", "经济技术开发区", "火星"]
HEADERS = ["region_code", "year", "indicator", "value", "unit", "地区", "年份", "有效发明专利(件)", "数值", "单位: 件",
           "每万人发明专利拥有量", "invention_patents_in_force", "2023年", "2022"]
MARKS = ["-", "—", "…", "/", "--", "x", "无", ""]
cell_text = st.one_of(
    st.sampled_from(NAMES + HEADERS + MARKS),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e400", "9" * 400, "=SUM(A1:A9)", "=1+1", "\x00", '"', '""', "\r", "\n", "'", "，", "\t",
                     "<script>x</script>", "1,234", "12万", "%s%n", "{0}", "\u200b海淀\u200b", "海澱"]),
    st.text(max_size=30),
    st.integers(min_value=0, max_value=3).map(lambda k: "长" * (10 ** (k + 1))),  # up to 10,000 characters
)


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    if draw(st.integers(0, 9)) == 0:  # raw bytes, now and then
        return draw(st.binary(max_size=400)), draw(st.sampled_from(["x.csv", "x.txt", "x.xlsx", "x.pdf"]))
    delimiter = draw(st.sampled_from([",", ";", "\t", "，"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = draw(st.lists(st.lists(cell_text, max_size=7), max_size=25))
    if draw(st.booleans()):
        rows = [["region_code", "year", "indicator", "value", "unit"], *rows]
    text = ending.join(delimiter.join(row) for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(encoding, errors="replace"), "fuzz.csv"


def _workbook(sheets: list[tuple[str, list[list[object]], str]], merges: list[str]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i, (name, rows, state) in enumerate(sheets):
        ws = wb.create_sheet(f"{name[:20]}{i}".replace("/", "_").replace("?", "_").replace("*", "_")
                             .replace("[", "_").replace("]", "_").replace(":", "_").replace("\\", "_") or f"s{i}")
        for row in rows:
            ws.append(row)
        ws.sheet_state = state
        for rng in merges[:2]:
            ws.merge_cells(rng)
    if all(ws.sheet_state != "visible" for ws in wb.worksheets):
        wb.worksheets[0].sheet_state = "visible"  # Excel needs one visible sheet; the fuzz keeps files Excel writes
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


xlsx_cell = st.one_of(st.none(), cell_text.map(lambda s: s.replace("\x00", "")[:3000]),
                      st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**15, 10**15),
                      st.dates(), st.booleans())


@st.composite
def xlsx_files(draw) -> tuple[bytes, str]:
    sheets = draw(st.lists(st.tuples(st.text(max_size=8), st.one_of(
        st.lists(st.lists(xlsx_cell, max_size=6), max_size=12),
        st.just(yearbook_rows(2023))), st.sampled_from(["visible", "hidden", "veryHidden"])), min_size=1, max_size=3))
    merges = draw(st.lists(st.sampled_from(["A1:B1", "A3:A5", "B2:C4"]), max_size=2, unique=True))
    try:
        content = _workbook(sheets, merges)
    except (ValueError, TypeError, openpyxl.utils.exceptions.IllegalCharacterError):
        content = _workbook([("s", yearbook_rows(2023), "visible")], [])
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip"]))
    if damage == "truncate":
        content = content[: draw(st.integers(0, len(content)))]
    elif damage == "flip":
        at = draw(st.integers(0, len(content) - 1))
        content = content[:at] + bytes([content[at] ^ 0xFF]) + content[at + 1:]
    return content, "fuzz.xlsx"


# ------------------------------------------------------------------ the store: byte-identical after a refusal

@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[Store, Path]:
    path = tmp_path_factory.mktemp("fuzzstore") / "atlas.sqlite"
    return Store(f"sqlite:///{path}"), path


def _store_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


def _import_and_check(store: tuple[Store, Path], content: bytes, filename: str) -> None:
    db, path = store
    before = _store_bytes(path)
    result, revision = db.import_upload(content, filename, SOURCE, EDITOR)
    check_issues(result.issues)
    if revision is None:  # refused: not one byte of the store changed
        assert _store_bytes(path) == before
    else:  # an import that passed every check is a new revision; undo it so later examples start alike
        db.rollback(0, EDITOR)


@_budget(150)
@given(csv_files())
def test_fuzz_csv_uploads(store, upload):
    _import_and_check(store, *upload)


@_budget(50)
@given(xlsx_files(), st.one_of(st.none(), st.sampled_from(["8-100", "s0", "nope"])))
def test_fuzz_xlsx_uploads(store, upload, sheet):
    content, filename = upload
    result = parse_upload(content, filename, SOURCE, sheet=sheet)
    check_issues(result.issues)
    assert not (set(result.hidden) & {result.sheet}) or result.sheet == sheet  # a hidden sheet only when picked
    _import_and_check(store, content, filename)


# ------------------------------------------------------------------ scene lists, GeoJSON

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**40, 10**40) | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["?year=2019", "/?year=abc&d=1", "http://x/map?layers=jjj", "v1.x"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["format", "version", "scenes", "title", "title_zh", "title_en", "link", "query", "type",
                         "features", "geometry", "coordinates", "crs", "properties"]) | st.text(max_size=5),
        children, max_size=5),
    max_leaves=25)


@st.composite
def scene_documents(draw) -> bytes:
    kind = draw(st.sampled_from(["any", "scenes", "deep", "bytes"]))
    if kind == "deep":
        n = draw(st.integers(5, 200_000))
        return b"[" * n + b"]" * draw(st.sampled_from([n, 0, n // 2]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    doc = draw(json_values)
    if kind == "scenes":
        doc = {"format": "beijing-ip-atlas/scenes", "version": draw(st.sampled_from([1, 2, "1"])),
               "scenes": draw(st.lists(json_values, max_size=4))}
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8")


def _scene_message(call) -> None:
    try:
        call()
    except SceneError as err:
        assert err.key != "present.err.unexpected", err  # the backstop means a check is missing
        for lang in ("zh", "en"):
            assert clean(err.message(lang)), err.message(lang)


@_budget(120)
@given(scene_documents())
def test_fuzz_scene_lists_as_files_and_links(document):
    _scene_message(lambda: scenes_from_json(document))
    param = "v1." + urlsafe_b64encode(zlib.compress(document, 9)).decode().rstrip("=")
    _scene_message(lambda: decode_scenes(param))
    _scene_message(lambda: decode_scenes("v1." + document.decode("latin-1")))


coordinate = st.one_of(st.floats(allow_nan=False), st.sampled_from([116.3, 39.9, 116.4, 40.0, 1e308]),
                       st.integers(-10**30, 10**30), st.text(max_size=3), st.none())


@st.composite
def geojson_files(draw) -> bytes:
    kind = draw(st.sampled_from(["polygon", "polygon", "any", "deep"]))
    if kind == "deep":
        n = draw(st.integers(10, 100_000))
        return b'{"type":"Polygon","coordinates":' + b"[" * n + b"1" + b"]" * n + b"}"
    if kind == "any":
        return json.dumps(draw(json_values)).encode()
    ring = draw(st.lists(st.lists(coordinate, min_size=0, max_size=3), max_size=6))
    geometry = {"type": draw(st.sampled_from(["Polygon", "MultiPolygon", "Point", "Nope"])),
                "coordinates": draw(st.sampled_from([[ring], ring, [[ring]]]))}
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": geometry}]}
    if draw(st.booleans()):
        doc["crs"] = {"type": "name", "properties": {"name": draw(st.sampled_from(
            ["EPSG:4326", "EPSG:3857", "urn:ogc:def:crs:OGC:1.3:CRS84", "nonsense"]))}}
    return json.dumps(doc).encode()


@pytest.fixture(scope="module")
def districts():
    from geo.data.datasets import read_districts

    return read_districts()


@_budget(70)
@given(geojson_files())
def test_fuzz_boundary_files(districts, content):
    result = validate_boundary(content, "fuzz.geojson", "zgc_dongcheng", districts=districts,
                               zone_ids=["zgc_dongcheng"])
    check_issues(result.issues, GEO_WHOLE_FILE)
    assert result.ok == (result.geometry is not None and not result.errors)


# ------------------------------------------------------------------ link parameters

param_names = st.sampled_from(["year", "d", "layers", "ind", "cls", "base", "lang", "fixed", "demo", "cmp", "chg",
                               "scenes", "scene"]) | st.text(max_size=6)
param_values = st.one_of(st.sampled_from(["2019", "2024", "110108", "110101,110108", "-", "", "jjj", "zh", "1", "0",
                                          "9" * 600, "abc", "<script>", "１９９９"]), st.text(max_size=40))


@_budget(200)
@given(st.dictionaries(param_names, st.one_of(param_values, st.lists(param_values, min_size=1, max_size=4)),
                       max_size=60), st.sampled_from(["zh", "en"]))
def test_fuzz_link_parameters(params, lang):
    clean_params, notes = read_link(params, lang)
    assert all(isinstance(v, str) for v in clean_params.values())
    state = from_query(clean_params, years=[2016, 2019, 2024])
    for note in [*notes, *state.notes]:
        assert clean(note), note
    for note in state.notes:  # each note names its parameter
        assert "=" in note
    assert state.year in (2016, 2019, 2024)
    link = "?" + "&".join(f"{k}={v}" for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs))
    _scene_message(lambda: scene_from_link(link, years=[2016, 2019, 2024]))
