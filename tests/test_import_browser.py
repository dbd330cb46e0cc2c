"""The Import page in a real browser: a yearbook XLSX of all 16 districts imports in one step, the
map then shows those values as official (no demo mark), and markup in a source shows as text.

Runs its own app on a throwaway store so the other browser tests keep seeing the shipped data.
"""

from __future__ import annotations

import re

import pytest
from common_import import PER_10K, xlsx, yearbook_rows
from conftest import start_app, stop_app, wait_for_map, wait_idle

from geo.data.names import BEIJING_DISTRICTS

pytestmark = pytest.mark.browser

XSS = '<script>window.__atlas_xss=1</script><img src=x onerror="window.__atlas_xss=2">'
TITLE = f"北京统计年鉴2024 {XSS}"
URL = "https://tjj.beijing.gov.cn/nj/main/2024-tjnj/zk/indexch.htm"
#: Return viewport coordinates inside the idx-th interactive path where that path is the topmost element.
POINT_ON_PATH = """idx => {
  const path = document.querySelectorAll('path.leaflet-interactive')[idx];
  const r = path.getBoundingClientRect();
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
    const x = r.left + r.width * i / 20, y = r.top + r.height * j / 20;
    if (document.elementFromPoint(x, y) === path) return [x, y];
  }
  throw new Error('no visible point on path ' + idx);
}"""
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def import_app(tmp_path_factory):
    proc, url = start_app({"ATLAS_VAR_DIR": str(tmp_path_factory.mktemp("import-var")), "ATLAS_DATABASE_URL": ""})
    yield url
    stop_app(proc)


def _fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")  # Streamlit commits a text input on Enter


def test_yearbook_import_in_one_step_then_map_shows_official(import_app, page_factory, artifacts):
    page = page_factory()
    page.goto(import_app + "/")
    page.get_by_role("link", name="数据导入").click()  # as a planner would, from the navigation
    page.get_by_text("选择文件(CSV / XLSX, ≤10 MB)").wait_for()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "8-10 各区县有效发明专利情况.xlsx", "mimeType": XLSX_MIME,
                "buffer": xlsx(yearbook_rows(2023))}])
    page.get_by_text("保存前预览: 新增 16 · 变化 16 · 不变 0 · 冲突 3").wait_for(timeout=30_000)
    for i in range(3):  # keep each published figure (the choice is recorded in the revision)
        page.get_by_text("保留已公布的数字", exact=True).nth(i).click()
        wait_idle(page)  # the rerun the choice starts has finished before the next click
    _fill(page, "来源出版物(必填)", TITLE)
    _fill(page, "表名/表号", "8-10 各区县有效发明专利情况")
    _fill(page, "来源网址(必填)", URL)
    save = page.get_by_role("button", name="保存为新版本")
    assert save.is_disabled()  # the 全市 total and E-Town conflict with published figures: a choice first
    page.screenshot(path=str(artifacts / "import-conflicts-chosen.png"), full_page=True)
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('保存为新版本') && !b.disabled)", timeout=20_000)
    summary = page.get_by_text("保存后:").inner_text()  # what the save stores: the 3 kept figures are not saved
    official, derived = (int(n) for n in re.findall(r"(\d+) 个", summary)[:2])
    assert official + derived == 32, summary
    save.click()
    page.get_by_text("已保存为版本 1: 32 个数值").wait_for(timeout=30_000)
    # saved: the form is empty again (no file, no conflict choices waiting), the success stays in view
    page.wait_for_function("() => !document.body.innerText.includes('8-10 各区县有效发明专利情况.xlsx')", timeout=20_000)
    # the rerun that empties the form has finished: Streamlit removes what it no longer draws only then
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=30_000)
    wait_idle(page)
    assert page.get_by_text("未选择前不能保存").count() == 0
    assert page.get_by_role("button", name="保存为新版本").count() == 0
    page.screenshot(path=str(artifacts / "import-saved.png"), full_page=True)

    # the revision list shows the source's markup as text, and nothing in it ran
    page.get_by_role("tab", name="版本历史").click()
    cell = page.locator("table.atlas-revisions td", has_text="window.__atlas_xss=1").first
    cell.wait_for()
    assert "<script>window.__atlas_xss=1</script>" in cell.inner_text()
    assert page.locator("table.atlas-revisions script").count() == 0
    assert page.locator("table.atlas-revisions img").count() == 0
    assert page.evaluate("() => window.__atlas_xss") is None

    # the map: 2023 per-10k values are the imported ones, official, with no demo mark
    page.goto(import_app + "/?year=2023&ind=invention_patents_per_10k&layers=districts")
    frame = wait_for_map(page, 16)
    legend = page.locator("body").inner_text()
    assert "虚线边框 = 演示数据" not in legend
    assert "数据状态: 官方" in legend.replace("：", ":"), legend  # the legend names the status of the values shown
    codes = list(BEIJING_DISTRICTS)
    for idx in (codes.index("110108"), codes.index("110119")):
        x, y = frame.evaluate(POINT_ON_PATH, idx)  # a point where the district itself (not a label) is on top
        page.mouse.move(x, y)  # the map is in the page itself (no iframe): viewport coordinates
        name = BEIJING_DISTRICTS[codes[idx]][0]
        tip = frame.locator(".leaflet-tooltip", has_text=name).first
        tip.wait_for()
        text = tip.inner_text()
        assert f"{PER_10K[codes[idx]]:.1f}" in text, text
        assert "演示" not in text, text
        # the source, as text: a lead mostly in Latin letters reads as its host on a Chinese page (issue 19)
        assert "来源: 北京统计年鉴2024 <script>window.__atlas_xss=1" in text or "来源: tjj.beijing.gov.cn" in text, text
        assert tip.locator("script").count() == 0 and tip.locator("img").count() == 0
        page.mouse.move(5, 5)
    assert frame.evaluate("() => window.__atlas_xss") is None
    assert page.evaluate("() => window.__atlas_xss") is None
    page.screenshot(path=str(artifacts / "import-map-official.png"), full_page=True)


def _geometry_of(page, url: str, zone_id: str) -> dict:
    """Open the map at ``url``; return the GeoJSON geometry of ``zone_id`` in the geometry file it drew."""
    with page.expect_response(lambda r: "/app/static/atlas/atlas-geo-wgs84-" in r.url) as info:
        page.goto(url)
    wait_for_map(page, 16)
    return info.value.json()["z"][zone_id]


def test_outline_saved_on_the_page_is_drawn_and_listed(import_app, page_factory, artifacts):
    """A checked outline is saved as a revision from the 功能区边界 tab and the map then draws it."""
    import json

    page = page_factory()
    map_url = import_app + "/?layers=districts,zgc_parks"
    before = _geometry_of(page, map_url, "zgc_dongcheng")
    outline = [[116.405, 39.925], [116.425, 39.925], [116.425, 39.945], [116.405, 39.945], [116.405, 39.925]]
    assert before["coordinates"] != [outline]

    page.goto(import_app + "/import")
    page.get_by_role("tab", name="功能区边界").click()
    zone = page.get_by_label("替换的功能区")
    zone.click()
    page.get_by_role("option", name="中关村东城园 · 示意范围").click()
    wait_idle(page)
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [outline]}}]}
    page.locator("input[type=file]").last.set_input_files(
        files=[{"name": "东城园.geojson", "mimeType": "application/geo+json", "buffer": json.dumps(doc).encode()}])
    page.get_by_text("边界检查通过").wait_for(timeout=30_000)
    save = page.get_by_role("button", name="保存边界为新版本")
    assert save.is_disabled()  # no source yet
    panel = page.get_by_role("tabpanel", name="功能区边界")
    for label, value in (("来源出版物(必填)", "东城园四至范围图"), ("来源网址(必填)", "https://www.bjdch.gov.cn/")):
        box = panel.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter")
        wait_idle(page)
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('保存边界为新版本') && !b.disabled)", timeout=20_000)
    save.click()
    page.get_by_text("“中关村东城园”现按导入的边界绘制(官方)").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "import-outline-saved.png"), full_page=True)
    page.get_by_role("tab", name="版本历史").click()
    page.locator("table.atlas-revisions td", has_text="功能区边界: 中关村东城园").first.wait_for()

    after = _geometry_of(page, map_url, "zgc_dongcheng")
    assert after["type"] == "Polygon" and after["coordinates"] == [outline]  # the map draws the stored outline


def test_workbook_with_cover_and_two_tables_names_the_sheet_and_lets_the_planner_pick(import_app, page_factory):
    from common_import import COVER, workbook

    page = page_factory()
    page.goto(import_app + "/import")
    page.get_by_text("选择文件(CSV / XLSX, ≤10 MB)").wait_for()
    content = workbook({"封面": COVER, "2022": yearbook_rows(2022), "2023": yearbook_rows(2023)})
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "年鉴.xlsx", "mimeType": XLSX_MIME, "buffer": content}])
    page.get_by_text("工作表“2022”识别为年鉴宽表格式").wait_for(timeout=30_000)
    page.get_by_text("2 个工作表含北京的区名(2022、2023); 已读取“2022”").wait_for()
    page.get_by_label("工作表", exact=True).click()
    page.get_by_role("option", name="2023(含北京区名)").click()
    page.get_by_text("工作表“2023”识别为年鉴宽表格式").wait_for(timeout=30_000)
