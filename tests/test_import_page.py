"""The Import page through Streamlit's AppTest: history, roll back, and the map table after a save.

(File uploads need a browser: see tests/test_import_browser.py.)
"""

from __future__ import annotations

import getpass

import pytest
from common_import import EDITOR, SOURCE, editor, xlsx, yearbook_rows
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.imports.store import Store


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    return tmp_path


def open_import() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/import_data.py")
    return at.run()


def test_empty_store_page(var):
    at = open_import()
    assert not at.exception
    assert at.title[0].value == "数据导入"
    assert any("尚无导入版本" in i.value for i in at.info)


def test_history_lists_revisions_escaped_and_rolls_back(var):
    store = Store(f"sqlite:///{var / 'atlas.sqlite'}")
    evil = SOURCE.__class__("<img src=x onerror=alert(1)>年鉴", SOURCE.url, SOURCE.table)
    assert store.import_upload(xlsx(yearbook_rows(2023)), "a.xlsx", evil, EDITOR)[1] is not None
    at = open_import()
    assert not at.exception
    html = " ".join(m.value for m in at.markdown)
    assert "&lt;img src=x onerror=alert(1)&gt;年鉴" in html and "<img" not in html
    target = next(s for s in at.selectbox if s.key == "import_rollback_target")
    assert target.options == ["0(仅随应用发布的数据)"]
    at.run()
    next(b for b in at.button if b.key == "import_rollback").click().run()
    assert not at.exception
    assert any("新版本 2 恢复了版本 0" in s.value for s in at.success)
    assert store.current_revision_id() == 2 and store.current_rows().empty
    # the roll-back names who the session is (ui.auth.current_actor), not a typed name
    rolled = store.revisions()[0]
    # ./atlas run on loopback: the person at this computer, named by the OS user running the app
    assert (rolled.author, rolled.author_role, rolled.author_via) == (f"os:{getpass.getuser()}", "editor", "local")
    html = " ".join(m.value for m in at.markdown)
    assert f"os:{getpass.getuser()}<br><small>编辑 · 本机</small>" in html and "a.xlsx<br><code title=\"SHA-256 " in html


def test_a_viewer_cannot_roll_back_even_if_the_button_is_drawn(var, monkeypatch):
    """The store checks the role: a viewer's click on a roll-back button changes nothing and says why."""
    import ui.auth
    from geo.access import Actor

    store = Store(f"sqlite:///{var / 'atlas.sqlite'}")
    assert store.import_upload(xlsx(yearbook_rows(2023)), "a.xlsx", SOURCE, EDITOR)[1] is not None
    before = store.current_rows()
    monkeypatch.setattr(ui.auth, "current_actor", lambda: Actor("ann@office", "viewer", "oidc"))
    at = open_import()
    assert not at.exception
    button = next((b for b in at.button if b.key == "import_rollback"), None)
    if button is None:  # the sign-in work hides it from viewers: nothing to click, nothing changed
        assert store.current_revision_id() == 1
        return
    button.click().run()
    assert not at.exception
    assert any("只有编辑可以修改数据" in e.value and "ann@office" in e.value for e in at.error)
    assert store.current_revision_id() == 1
    import pandas as pd

    pd.testing.assert_frame_equal(store.current_rows(), before)


def _zone_quality(at: AppTest, zone_id: str) -> str:
    """Open the Zones page on ``zone_id``; return the geometry quality metric it shows."""
    at.switch_page("views/zones.py").run()
    assert not at.exception
    next(s for s in at.selectbox if s.key == "zs_zone").set_value(zone_id).run()
    assert not at.exception
    return at.metric[2].value


def test_stored_outline_is_listed_drawn_official_and_rolled_back_on_the_page(var):
    from shapely.geometry import box

    from geo.imports.parse import Source

    store = Store(f"sqlite:///{var / 'atlas.sqlite'}")
    assert store.import_upload(xlsx(yearbook_rows(2023)), "a.xlsx", SOURCE, EDITOR)[1] is not None
    at = open_import()
    assert _zone_quality(at, "zgc_dongcheng") == "示意范围"  # before: schematic

    source = Source("东城园四至范围图", "https://www.bjdch.gov.cn/", "附图1")
    rev = store.save_boundary(box(116.405, 39.925, 116.425, 39.945), "zgc_dongcheng", source, editor("测绘科"),
                              "dongcheng.geojson")
    assert rev.id == 2
    assert _zone_quality(at, "zgc_dongcheng") == "官方边界文件"  # the app's zones follow the store's revision

    at.switch_page("views/import_data.py").run()
    assert not at.exception
    html = " ".join(m.value for m in at.markdown)
    assert "功能区边界: 中关村东城园" in html and "东城园四至范围图" in html and "测绘科" in html
    zone = next(s for s in at.selectbox if s.key == "import_boundary_zone")
    assert zone.format_func("zgc_dongcheng") == "中关村东城园 · 官方边界文件"
    zone.set_value("zgc_dongcheng").run()
    assert any("该功能区当前为官方边界(版本 2 导入, 来源: 东城园四至范围图" in i.value for i in at.info)
    target = next(s for s in at.selectbox if s.key == "import_rollback_target")
    assert target.options[:1] == ["1"]
    target.set_value(1)
    at.run()
    next(b for b in at.button if b.key == "import_rollback").click().run()
    assert not at.exception
    assert any("新版本 3 恢复了版本 1" in s.value for s in at.success)
    assert _zone_quality(at, "zgc_dongcheng") == "示意范围"  # rolled back: schematic again
    assert store.current_boundaries().empty and [r.action for r in store.revisions()] == ["rollback", "boundary",
                                                                                          "import"]
