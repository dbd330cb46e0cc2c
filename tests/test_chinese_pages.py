"""Chinese pages in Chinese (issue 19, item 5): no English note, file path or script name on a Chinese page.

Every page is run in Chinese (AppTest) and every text a planner reads is collected: titles,
headers, markdown, captions, notes, table headers and cells. A text fails when it is ASCII-only
and longer than a few words (an English sentence), or names a file path or script. URLs, numbers,
codes in a machine column and the Sources page's technical-details section (an expander titled
技术细节) are allowed.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from geo.text.i18n import t

PAGES = ["views/map.py", "views/targets.py", "views/projects.py", "views/trends.py", "views/zones.py",
         "views/sources.py", "views/import_data.py", "views/present.py"]
PATH = re.compile(r"(?<![\w.])(?:scripts|data|geo|ui|views|tests|static)/[\w./-]+|\b\w+\.(?:py|csv|json|geojson)\b")
URL = re.compile(r"(?:https?|demo):\S+|\]\([^)]*\)")  # addresses and markdown link targets
WORDS = re.compile(r"[A-Za-z]{2,}")
MARKUP = re.compile(r"<[^>]+>")  # tags are not shown: their class names are no English on the page
#: Table columns that hold codes or addresses a machine needs (shown with a bilingual header).
MACHINE_COLUMNS = re.compile(r"(链接|网址|URL|代码|code)", re.I)


CJK = re.compile(r"[\u3400-\u9fff]")


def english_sentence(text: str) -> bool:
    """Return True for an ASCII-only text of more than four words, or a mostly English one (URLs removed).

    >>> english_sentence("来源: Scope = Haidian全域 per 中关村 2017年3期. Area 430.77 km² is Haidian District's area")
    True
    """
    s = MARKUP.sub("", URL.sub("", text)).strip()
    words = len(WORDS.findall(s))
    return (s.isascii() and words > 4) or (words >= 8 and words > len(CJK.findall(s)) / 2)


def _tech_section_ids(at: AppTest) -> set[int]:
    title = t("src.tech.title", "zh")
    out: set[int] = set()
    for exp in at.expander:
        if exp.label == title:
            stack = list(exp.children.values())
            while stack:
                node = stack.pop()
                out.add(id(node))
                stack.extend(getattr(node, "children", {}).values())
    return out


def page_texts(at: AppTest) -> list[tuple[str, str]]:
    """Return (where, text) of every text on the page outside the Sources page's technical section."""
    skip = _tech_section_ids(at)
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info", "error", "success"):
        for el in getattr(at, kind):
            if id(el) not in skip:
                out.append((kind, str(el.value)))
    for kind in ("dataframe", "table"):
        for el in getattr(at, kind):
            if id(el) in skip:
                continue
            df = el.value if isinstance(el.value, pd.DataFrame) else pd.DataFrame(el.value)
            for col in df.columns:
                out.append((f"{kind} header", str(col)))
                if MACHINE_COLUMNS.search(str(col)):
                    continue
                out.extend((f"{kind} {col}", str(v)) for v in df[col].dropna().astype(str).unique()[:400])
    return out


@pytest.mark.parametrize("page", PAGES)
def test_chinese_page_has_no_english_notes_or_paths(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    if page != "views/map.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    bad = [(w, s[:160]) for w, s in page_texts(at) if english_sentence(s) or PATH.search(URL.sub("", s))]
    assert not bad, "\n".join(f"{w}: {s}" for w, s in bad)


def test_chinese_map_model_has_no_english_notes_or_paths():
    """What the map draws in the page (tooltips, legend, zone notes, sources), every layer on, in Chinese."""
    from geo.carto.model import layer_model
    from geo.data.datasets import read_inputs
    from geo.view.state import LAYERS, ViewState

    strings: set[str] = set()

    def walk(x: object) -> None:
        if isinstance(x, str):
            strings.add(x)
        elif isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for year in (2019, 2024):
        walk(layer_model(read_inputs(), ViewState(layers=LAYERS, year=year, lang="zh")))
    assert len(strings) > 100
    bad = [s for s in strings if english_sentence(s) or PATH.search(URL.sub("", s))]
    assert not bad, bad


QUOTE = re.compile(r"'[^'\u3400-\u9fff]*[\u3400-\u9fff][^']*'|“[^”]*[\u3400-\u9fff][^”]*”")


def _shipped_notes() -> list[tuple[str, str, str]]:
    """(where, note, status) of every source note the pages can show: figures, zones, designations, upgrades."""
    from geo.data import datasets as d

    ind = d.read_indicators(include_demo=False)
    out = [("indicator", n, s) for n, s in zip(ind.source_note, ind.status, strict=True)]
    out += [("zone", n, "official") for n in d.read_zones().source_note]
    out += [("designation", n, "official") for n in d.read_designations().source_note]
    out += [("upgrade", n, "official") for n in d.read_source_upgrades()["quote"]]
    return [(w, n, s) for w, n, s in out if isinstance(n, str) and n]


def test_every_shipped_note_reads_without_english_on_a_chinese_page_and_keeps_its_quotes():
    """The researchers' English asides ("repost date not shown", "(rank 6 of 16)", "(Beijing, stock)") are said
    in Chinese or left to the English page; the published Chinese words are never dropped with them."""
    from geo.text.labels import note_text
    from geo.text.notes import english_words

    notes = _shipped_notes()
    assert len(notes) > 250
    english, lost = [], []
    for where, note, status in notes:
        zh = note_text(note, "zh", status)
        assert note_text(note, "en", status) == note  # the English page shows the note as written
        if english_words(zh):
            english.append(f"{where}: {english_words(zh)} in {zh[:120]}")
        if zh not in (t("note.english", "zh"),) and not zh.startswith("外文来源"):
            lost += [f"{where}: {q} not in {zh[:120]}" for q in QUOTE.findall(note)
                     if not english_words(q) and q.strip("'“”") not in zh]
    assert not english, "\n".join(english)
    assert not lost, "\n".join(lost)
    shijingshan = next(n for w, n, s in notes if "78.61" in n and "rank 6 of 16" in n)
    assert note_text(shijingshan, "zh").endswith("“每万人发明专利拥有量达到78.61件,排名北京市第6位” (全市16区中第6位)")
    assert "转载页未注明日期" in note_text(shijingshan, "zh")
