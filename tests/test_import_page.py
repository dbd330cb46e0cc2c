"""The Import page through Streamlit's AppTest: history, roll back, and the map table after a save.

(File uploads need a browser: see tests/test_import_browser.py.)
"""

from __future__ import annotations

import pytest
from common_import import SOURCE, xlsx, yearbook_rows
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.store import Store


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
    assert store.import_upload(xlsx(yearbook_rows(2023)), "a.xlsx", evil, "tester")[1] is not None
    at = open_import()
    assert not at.exception
    html = " ".join(m.value for m in at.markdown)
    assert "&lt;img src=x onerror=alert(1)&gt;年鉴" in html and "<img" not in html
    target = next(s for s in at.selectbox if s.key == "import_rollback_target")
    assert target.options == ["0(仅随应用发布的数据)"]
    next(w for w in at.text_input if w.key == "import_rollback_who").input("规划处").run()
    next(b for b in at.button if b.key == "import_rollback").click().run()
    assert not at.exception
    assert any("新版本 2 恢复了版本 0" in s.value for s in at.success)
    assert store.current_revision_id() == 2 and store.current_rows().empty
