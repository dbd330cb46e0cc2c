"""Issue 23 in the browser: a link too long for Streamlit (which then passes the app no parameters at all)
is said in the page, and the note stays while the map reruns (Debian's Chromium via Playwright)."""

from __future__ import annotations

from conftest import wait_for_map


def test_a_link_dropped_by_streamlit_is_said_in_the_page(app_url, page_factory, artifacts):
    page = page_factory()
    query = "&".join(f"x{i}=1" for i in range(1001)) + "&year=2019"  # over Streamlit's 1,000-parameter limit
    page.goto(f"{app_url}/?{query}")
    wait_for_map(page, timeout=90_000)
    note = page.get_by_text("链接过长(1,002 个参数", exact=False)
    note.wait_for(timeout=60_000)  # reported by the browser, after the map is drawn
    assert "显示默认视图" in note.inner_text()
    page.screenshot(path=str(artifacts / "input-link-dropped.png"))
