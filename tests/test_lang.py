"""The language is part of the session and of every link (AppTest; the browser test is test_lang_browser.py)."""

from __future__ import annotations

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.text.i18n import t

PAGES = {"views/targets.py": "an.targets.title", "views/projects.py": "an.projects.title",
         "views/trends.py": "an.trends.title", "views/zones.py": "an.zones.title",
         "views/sources.py": "an.sources.title", "views/import_data.py": "import.title"}


def qp(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


@pytest.fixture
def english_session() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()  # the map, in Chinese
    assert not at.exception and qp(at, "lang") == "zh"
    at.radio(key="ui_lang").set_value("en").run()
    assert not at.exception and qp(at, "lang") == "en"
    return at


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_opened_without_lang_keeps_the_session_language(english_session, page):
    at = english_session
    at.query_params.clear()  # st.navigation drops the query when switching pages
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t(PAGES[page], "en")
    assert qp(at, "lang") == "en"  # written back: the address bar is a link in English
    assert at.radio(key="ui_lang").value == "en"


def test_switching_back_on_another_page_switches_all(english_session):
    at = english_session
    at.query_params.clear()
    at.switch_page("views/sources.py").run()
    at.radio(key="ui_lang").set_value("zh").run()
    assert at.title[0].value == t("an.sources.title", "zh")
    at.query_params.clear()
    at.switch_page("views/targets.py").run()
    assert at.title[0].value == t("an.targets.title", "zh") and qp(at, "lang") == "zh"


def test_a_link_with_lang_sets_the_session():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.switch_page("views/zones.py").run()
    assert at.title[0].value == t("an.zones.title", "en")
    at.query_params.clear()
    at.switch_page("views/targets.py").run()
    assert at.title[0].value == t("an.targets.title", "en")


def test_project_button_keeps_the_language(english_session):
    at = english_session
    at.query_params.clear()
    at.switch_page("views/projects.py").run()
    at.button(key="open_map_etda").click().run()
    assert not at.exception
    assert qp(at, "lang") == "en" and qp(at, "layers") == "districts,etda"
    assert at.title[0].value == t("app.title", "en")


@pytest.mark.parametrize("page", ["views/import_data.py", "views/trends.py", "views/zones.py"])
def test_placeholders_in_the_page_language(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(page).run()
    assert not at.exception
    widgets = [*at.selectbox, *at.multiselect]
    assert widgets
    for w in widgets:
        assert w.proto.placeholder and not any(c.isascii() and c.isalpha() for c in w.proto.placeholder), \
            (w.key, w.proto.placeholder)


def test_upload_limit_said_in_the_page_language():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("views/import_data.py").run()
    hints = [c.value for c in at.caption if "MB" in c.value]
    assert hints and all("每个文件不超过 10 MB" in h for h in hints)
    assert any("stFileUploaderDropzoneInstructions" in h.proto.body for h in at.get("html"))


def test_an_invalid_lang_is_replaced_and_said():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.query_params.clear()
    at.query_params["lang"] = "fr"
    at.switch_page("views/sources.py").run()
    assert not at.exception
    assert qp(at, "lang") == "zh" and at.title[0].value == t("an.sources.title", "zh")
    assert any("lang=" in w.value and "fr" in w.value and "无效" in w.value for w in at.main.warning)  # in the page: the sidebar is hidden in presentation mode


def test_an_invalid_lang_stays_said_on_the_map_on_every_run():
    """The map's second run (its controls after the first paint, any click) still says lang was ignored."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = "xx"
    at.query_params["year"] = "2024"
    at.run()
    assert not at.exception and qp(at, "lang") == "zh"
    for _ in range(2):
        assert any("lang=" in w.value and "xx" in w.value for w in at.main.warning), [w.value for w in at.main.warning]
        at.run()
    at.switch_page("views/sources.py").run()  # another page: the link's note is done
    assert not any("lang=" in w.value and "xx" in w.value for w in at.main.warning)
