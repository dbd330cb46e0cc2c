"""The map page through Streamlit's AppTest: filters, layers, share-link state, bad parameters."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest


def open_map(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def widget(at: AppTest, key: str):
    for kind in (at.select_slider, at.multiselect, at.selectbox, at.radio, at.checkbox, at.toggle):
        for w in kind:
            if w.key == key:
                return w
    raise KeyError(key)


def table_text(at: AppTest) -> str:
    """The text of the district table (plain HTML, see ui.mapview.table_html) and of any data frame."""
    tables = [h.value for h in at.html if "atlas-table" in h.value]
    return " ".join([*(df.value.to_string() for df in at.dataframe), *tables])


def test_default_view_has_no_exception_and_flags_demo():
    at = open_map()
    assert not at.exception
    assert at.title[0].value == "北京知识产权区域布局图"
    assert "⚠演示" in table_text(at)  # the map's banner and title are drawn by the component; the table says it too
    assert "demo:" not in table_text(at)  # a demo row names its method in words, not the generator's code as a link
    assert at.query_params["year"] == ["2024"] or at.query_params["year"] == "2024"


def test_year_change_updates_url_and_table():
    at = open_map()
    before = table_text(at)
    at.query_params["year"] = "2016"  # what the map's own year control writes, through the URL
    at.run()
    assert not at.exception
    assert str(at.query_params["year"]).strip("[]'") == "2016"
    assert table_text(at) != before


def test_district_filter_limits_table_and_url():
    at = open_map()
    widget(at, "m_districts").set_value(["110108", "110105"]).run()
    assert not at.exception
    assert "110108,110105" in str(at.query_params["d"])
    rows = re.findall(r'<th scope="row">([^<]*)</th>', table_text(at))  # districts head the rows
    assert sorted(rows) == sorted(["海淀区", "朝阳区"])


def test_single_district_opens_its_profile():
    at = open_map(d="110108")
    assert not at.exception
    assert any("海淀区概况" in s.value for s in at.header)
    text = " ".join(m.value for m in at.markdown)
    assert "国家知识产权示范城区" in text and "中关村科学城" in text


def test_layer_toggle_updates_url_and_legend():
    at = open_map()
    widget(at, "m_layers").set_value(["districts"]).run()
    assert not at.exception
    assert str(at.query_params["layers"]).strip("[]'") == "districts"
    at2 = open_map(layers="districts,science_cities")
    assert not at2.exception


@pytest.mark.parametrize("params", [
    {"year": "1999"}, {"year": "abc"}, {"d": "999999,<script>"}, {"layers": "bogus"},
    {"ind": "nope"}, {"cls": "x"}, {"base": "google"}, {"lang": "fr"}, {"fixed": "2"},
])
def test_bad_query_parameters_fall_back_with_a_note(params):
    at = open_map(**params)
    assert not at.exception
    assert any("无效" in w.value for w in at.warning)


def test_share_link_restores_the_view():
    at = open_map(year="2019", d="110108", layers="districts,etda", cls="natural_breaks", fixed="0")
    assert not at.exception
    assert at.session_state["m_year"] == 2019
    assert widget(at, "m_districts").value == ["110108"]
    assert widget(at, "m_layers").value == ["districts", "etda"]
    assert widget(at, "m_cls").value == "natural_breaks"
    assert widget(at, "m_fixed").value is False


def test_english_switch():
    at = open_map(lang="en")
    assert not at.exception
    assert at.title[0].value == "Beijing IP Atlas"
    assert "Haidian" in table_text(at)


def test_population_indicator_is_not_demo():
    at = open_map(ind="resident_population_10k")
    assert not at.exception
    assert "⚠演示" not in table_text(at)
    assert "官方" in table_text(at) and "推算" not in table_text(at)  # the census is an official count


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_change_map_table_shows_the_change(lang):
    """The change map's table shows the signed change in %, under a heading that says so, not the levels."""
    at = open_map(year="2024", cmp="2019", chg="pct", lang=lang)
    assert not at.exception
    table = _read_table(at)
    heading = [c for c in table.columns if "2019" in c and "2024" in c]
    assert heading and "%" in heading[0], list(table.columns)
    values = [str(v) for v in table[heading[0]]]
    assert all(v.startswith(("+", "-", "—", "暂无", "no official")) and ("%" in v or v[:1] not in "+-")
               for v in values), values
    level = _read_table(open_map(year="2024", lang=lang))
    assert values != [str(v) for v in level.iloc[:, 1]]


def _read_table(at: AppTest) -> pd.DataFrame:
    """The district table (plain HTML, ui.mapview.table_html) read back as a frame of its cells' text."""
    page = next(h.value for h in at.html if "atlas-table" in h.value)
    rows = [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)]
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.parametrize("ready", ["compact", True])
def test_on_a_phone_sized_map_the_controls_and_exports_are_popovers(monkeypatch, ready):
    """The map reports it is drawn phone-sized ('compact'): its controls leave the sidebar for a popover under the
    map and the export buttons go in one too (the browser builds them when opened); otherwise sidebar and row."""
    from ui import atlasmap

    monkeypatch.setattr(atlasmap, "_component", lambda **kw: {"ready": ready})
    at = open_map(year="2019")
    assert not at.exception
    in_sidebar = [w.key for w in at.sidebar.selectbox] + [w.key for w in at.sidebar.multiselect]
    assert widget(at, "m_indicator").value == "invention_patents_per_10k"  # the controls are there in both
    assert widget(at, "m_layers").value  # and keep the link's values
    assert ("m_indicator" in in_sidebar) is (ready is True), in_sidebar
    popovers = [b for b in at.main.children.values() if getattr(b, "type", None) == "popover"]
    assert len(popovers) == (2 if ready == "compact" else 0)  # the controls', the exports'
    assert len(at.columns) == (0 if ready == "compact" else 5)  # on a laptop, the export buttons in a row
