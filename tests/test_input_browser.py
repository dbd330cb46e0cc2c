"""Issue 23 in the browser (Debian's Chromium via Playwright): a link too long for Streamlit (which then
passes the app no parameters at all) is said in the page; a table only on a hidden sheet is read only
when the planner picks that sheet."""

from __future__ import annotations

import pytest
from conftest import wait_for_map

pytestmark = pytest.mark.browser


def test_a_link_dropped_by_streamlit_is_said_in_the_page(app_url, page_factory, artifacts):
    page = page_factory()
    query = "&".join(f"x{i}=1" for i in range(1001)) + "&year=2019"  # over Streamlit's 1,000-parameter limit
    page.goto(f"{app_url}/?{query}")
    wait_for_map(page, timeout=90_000)
    note = page.get_by_text("链接过长(1,002 个参数", exact=False)
    note.wait_for(timeout=60_000)  # reported by the browser, after the map is drawn
    assert "显示默认视图" in note.inner_text()
    page.screenshot(path=str(artifacts / "input-link-dropped.png"))


def test_a_table_only_on_a_hidden_sheet_is_read_only_when_picked(app_url, page_factory):
    import io

    import openpyxl
    from common_import import yearbook_rows

    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active.append(["北京统计年鉴"])
    draft = wb.create_sheet("旧稿")
    for row in yearbook_rows(2021):
        draft.append(row)
    draft.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    page = page_factory()
    page.goto(app_url + "/import")
    page.locator("input[type=file]").first.set_input_files(files=[{
        "name": "年鉴.xlsx", "buffer": buf.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_text("只有隐藏工作表(旧稿)中有北京的区名, 未读取任何工作表", exact=False).wait_for(timeout=60_000)
    page.get_by_label("工作表", exact=True).click()  # nothing preselected: the planner picks
    page.get_by_role("option", name="旧稿(含北京区名) (隐藏)").click()
    page.get_by_text("工作表“旧稿”是隐藏工作表; 按您的选择已读取", exact=False).wait_for(timeout=60_000)
    page.get_by_text("工作表“旧稿”识别为年鉴宽表格式", exact=False).wait_for(timeout=30_000)
