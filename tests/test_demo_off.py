"""Demo off means off on every page, for the whole session (issue 19, item 3; AppTest).

The browser test (test_demo_off_browser.py) looks at the profile and the trends page as drawn;
this one walks every page of one session opened with ``demo=0`` and back to the map, then turns
the map's switch on.
"""

from __future__ import annotations

import pandas as pd
from conftest import ROOT
from streamlit.testing.v1 import AppTest

#: Every page that shows figures (the Sources page explains how the demo is made: it names it, shows no value of it).
PAGES = ["views/trends.py", "views/zones.py", "views/targets.py", "views/projects.py", "views/present.py",
         "views/sources.py", "views/map.py"]
EXPLAINS_THE_DEMO = {"views/sources.py"}


def main_texts(at: AppTest) -> str:
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info", "error"):
        out += [str(e.value) for e in getattr(at.main, kind)]
    for kind in ("dataframe", "table"):
        for el in getattr(at.main, kind):
            df = el.value if isinstance(el.value, pd.DataFrame) else pd.DataFrame(el.value)
            out += [str(c) for c in df.columns] + [str(v) for v in df.astype(str).to_numpy().ravel()]
    return "\n".join(out)


def demo_marks(text: str) -> list[str]:
    return [line for line in text.splitlines() if "演示" in line and "演示模式" not in line]


def test_demo_off_on_every_page_and_back():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"demo": "0", "d": "110105", "year": "2024"})
    at.run()
    assert not at.exception
    assert not demo_marks(main_texts(at)), demo_marks(main_texts(at))
    assert "暂无官方数据" in main_texts(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        if page not in EXPLAINS_THE_DEMO:
            assert not demo_marks(main_texts(at)), (page, demo_marks(main_texts(at))[:5])
    assert at.checkbox(key="m_demo").value is False  # back on the map: still off
    at.checkbox(key="m_demo").check().run()
    assert demo_marks(main_texts(at))  # switched on: the demo values are there, marked
    at.switch_page("views/trends.py").run()
    assert demo_marks(main_texts(at))
