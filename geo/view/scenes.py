"""Scenes for presentation mode: a titled share link, and lists of them saved, reloaded and shared.

A scene is a :class:`~geo.view.state.ViewState` with a title; its share link is the map page URL
``/?`` (the app root, where the map is) + the view's query. A scene list travels as a JSON file (save / reload) or as one URL
query parameter (share). Everything coming in is validated: a bad file or parameter raises
:class:`SceneError` (with a UI string key and details), never anything else, so the caller can
show a clear message and keep what it had.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

from geo.guard import json_depth, log_unexpected
from geo.text.i18n import t
from geo.view.state import DEFAULT_YEAR, ViewState, from_query, share_url, to_query

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "MAX_PARAM_CHARS",
    "MAX_SCENES",
    "PROJECT_VIEWS",
    "Scene",
    "SceneError",
    "decode_scenes",
    "encode_scenes",
    "project_scenes",
    "scene_from_link",
    "scene_link",
    "scenes_from_json",
    "scenes_to_json",
    "step",
]

FORMAT = "beijing-ip-atlas/scenes"
VERSION = 1
MAX_SCENES = 60
MAX_TITLE = 200
MAX_FILE_BYTES = 200_000
MAX_PARAM_CHARS = 6_000
#: Deepest bracket nesting of a scene list (a saved file needs 3, a shared parameter 2): checked before parsing.
MAX_DEPTH = 6
_PARAM_PREFIX = "v1."
_F = TypeVar("_F", bound=Callable)


class SceneError(ValueError):
    """A scene file, link or parameter that cannot be used; ``key`` is a UI string, ``detail`` says where."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail

    def message(self, lang: str) -> str:
        """Return the message to show, in ``lang``."""
        return t(self.key, lang, detail=self.detail)


def _guarded(func: _F) -> _F:
    """Make ``func`` raise only :class:`SceneError`: any other error is logged and said with a reference."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SceneError:
            raise
        except Exception as exc:  # a bug or an input no check foresaw: a message, never a traceback
            raise SceneError("present.err.unexpected", log_unexpected(exc, func.__name__)) from None
    return wrapper  # type: ignore[return-value]


def _check_depth(text: str) -> None:
    if (depth := json_depth(text)) > MAX_DEPTH:
        raise SceneError("present.err.too_deep", f"{depth} > {MAX_DEPTH}")


@dataclass(frozen=True)
class Scene:
    """One step of a presentation: a title (zh/en) and the view it shows."""

    title_zh: str
    title_en: str
    state: ViewState

    def title(self, lang: str) -> str:
        """Return the title in ``lang`` (the other language when that one is empty)."""
        first, other = (self.title_en, self.title_zh) if lang == "en" else (self.title_zh, self.title_en)
        return first or other


def scene_link(scene: Scene | ViewState, lang: str | None = None, base: str = "") -> str:
    """Return the share link of a scene: ``{base}/?`` + the view's query (``lang`` overrides its language).

    >>> scene_link(ViewState(year=2019, layers=("districts",)), "en")
    '/?year=2019&d=&layers=districts&ind=invention_patents_per_10k&cls=quantiles&base=none&lang=en&fixed=1&demo=1'
    """
    state = scene.state if isinstance(scene, Scene) else scene
    if lang is not None:
        state = state.with_(lang=lang)
    return share_url(state, base)


def _state_from_query(query: dict[str, str], where: str, years: Sequence[int] | None) -> ViewState:
    state = from_query(query, list(years) if years else None)
    if state.notes:
        raise SceneError("present.err.bad_view", f"{where}: {', '.join(state.notes)}")
    if years and "year" in query and state.year != int(query["year"]):
        raise SceneError("present.err.bad_view", f"{where}: year={query['year']!r}")
    return state


@_guarded
def scene_from_link(link: str, title_zh: str | None = "", title_en: str | None = "", where: str = "",
                    years: Sequence[int] | None = None) -> Scene:
    """Return the scene of a share link (full URL or ``/map?…`` or a bare query); raise SceneError if invalid.

    >>> scene_from_link("http://127.0.0.1:8501/map?year=2020&layers=districts,etda", "亦庄").state.layers
    ('districts', 'etda')
    """
    if not isinstance(link, str) or not link.strip():
        raise SceneError("present.err.bad_link", where or "''")
    text = link.strip()[:2000]
    query_text = urlsplit(text).query if ("?" in text or "://" in text) else text
    parsed = parse_qs(query_text, keep_blank_values=True)
    if not parsed:
        raise SceneError("present.err.bad_link", where or text[:80])
    query = {k: v[-1] for k, v in parsed.items()}
    state = _state_from_query(query, where or text[:80], years)
    return Scene(_clean_title(title_zh, where), _clean_title(title_en, where), state)


def _clean_title(value: object, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SceneError("present.err.bad_title", where)
    return " ".join(value.split())[:MAX_TITLE]


# --- the five regional-layout projects --------------------------------------------------------------

#: Each project's map view (layers, districts, year): the one place these are defined
#: (``geo.analysis.projects`` builds each project's card on it; the projects page links to it).
PROJECT_VIEWS: dict[str, ViewState] = {
    "jjj": ViewState(year=DEFAULT_YEAR, districts=(), layers=("districts", "jjj")),
    "science_cities": ViewState(year=DEFAULT_YEAR, districts=("110108", "110114", "110116", "110118"),
                                layers=("districts", "science_cities")),
    "zgc": ViewState(year=DEFAULT_YEAR, districts=(), layers=("districts", "zgc_parks")),
    "etda": ViewState(year=DEFAULT_YEAR, districts=("110115", "110112"), layers=("districts", "etda")),
    "strong": ViewState(year=DEFAULT_YEAR, districts=(), layers=("districts", "strong")),
}


def project_scenes() -> list[Scene]:
    """Return the five regional-layout projects as scenes: the views of :data:`PROJECT_VIEWS`.

    Titles are the short slide titles ``present.project.<key>`` (the projects page has longer ones).

    >>> [s.state.layers[-1] for s in project_scenes()]
    ['jjj', 'science_cities', 'zgc_parks', 'etda', 'strong']
    """
    return [Scene(t(f"present.project.{key}", "zh"), t(f"present.project.{key}", "en"), view)
            for key, view in PROJECT_VIEWS.items()]


# --- save, reload, share ----------------------------------------------------------------------------

def _scene_record(scene: Scene) -> dict[str, str]:
    return {"title_zh": scene.title_zh, "title_en": scene.title_en, "link": scene_link(scene)}


def scenes_to_json(scenes: Iterable[Scene]) -> str:
    """Return a scene list as a JSON document (UTF-8 text, human-readable, links included)."""
    doc = {"format": FORMAT, "version": VERSION, "scenes": [_scene_record(s) for s in scenes]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _scenes_from_doc(doc: object, years: Sequence[int] | None) -> list[Scene]:
    if isinstance(doc, dict):
        if doc.get("format", FORMAT) != FORMAT:
            raise SceneError("present.err.not_scenes", str(doc.get("format"))[:80])
        if doc.get("version", VERSION) != VERSION:
            raise SceneError("present.err.version", str(doc.get("version"))[:20])
        items = doc.get("scenes")
    else:
        items = doc
    if not isinstance(items, list):
        raise SceneError("present.err.not_scenes", "scenes")
    if not items:
        raise SceneError("present.err.empty")
    if len(items) > MAX_SCENES:
        raise SceneError("present.err.too_many", str(len(items)))
    out = []
    for i, item in enumerate(items, start=1):
        where = f"#{i}"
        if isinstance(item, str):
            out.append(scene_from_link(item, where=where, years=years))
            continue
        if not isinstance(item, dict):
            raise SceneError("present.err.bad_scene", where)
        title = item.get("title", "")
        zh, en = item.get("title_zh", title), item.get("title_en", title)
        if "link" in item:
            out.append(scene_from_link(item["link"], zh, en, where, years))
        elif isinstance(item.get("query"), dict):
            query = {str(k): str(v) for k, v in item["query"].items()}
            out.append(Scene(_clean_title(zh, where), _clean_title(en, where), _state_from_query(query, where, years)))
        else:
            raise SceneError("present.err.bad_scene", where)
    return out


@_guarded
def scenes_from_json(data: bytes | str, years: Sequence[int] | None = None) -> list[Scene]:
    """Return the scenes of a saved scene file; raise SceneError (never anything else) if it is not valid.

    >>> len(scenes_from_json(scenes_to_json(project_scenes())))
    5
    >>> scenes_from_json(b"not json")
    Traceback (most recent call last):
    geo.view.scenes.SceneError: present.err.not_json: line 1
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise SceneError("present.err.too_big", f"{len(data):,} B")
    try:
        text = data.decode("utf-8-sig")
        _check_depth(text)  # before parsing: json.loads recurses once per level
        doc = json.loads(text)
    except UnicodeDecodeError as e:
        raise SceneError("present.err.not_json", f"byte {e.start}") from None
    except json.JSONDecodeError as e:
        raise SceneError("present.err.not_json", f"line {e.lineno}") from None
    return _scenes_from_doc(doc, years)


def encode_scenes(scenes: Iterable[Scene]) -> str:
    """Return a scene list as one URL-safe query parameter value (compressed JSON, base64url)."""
    doc = [[s.title_zh, s.title_en, urlencode(to_query(s.state))] for s in scenes]
    raw = zlib.compress(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 9)
    return _PARAM_PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@_guarded
def decode_scenes(value: str, years: Sequence[int] | None = None) -> list[Scene]:
    """Return the scenes of a shared parameter value; raise SceneError if it is not valid.

    >>> [s.title("en") for s in decode_scenes(encode_scenes(project_scenes()))][:1]
    ['Jing-Jin-Ji coordinated development']
    """
    if not isinstance(value, str) or not value.startswith(_PARAM_PREFIX):
        raise SceneError("present.err.bad_param", "prefix")
    if len(value) > MAX_PARAM_CHARS:
        raise SceneError("present.err.bad_param", f"{len(value)} chars")
    body = value[len(_PARAM_PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        text = zlib.decompressobj().decompress(raw, MAX_FILE_BYTES).decode("utf-8")
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        raise SceneError("present.err.bad_param", "encoding") from None
    _check_depth(text)  # before parsing: json.loads recurses once per level
    try:
        doc = json.loads(text)
    except ValueError:
        raise SceneError("present.err.bad_param", "encoding") from None
    if not isinstance(doc, list):
        raise SceneError("present.err.bad_param", "list")
    items = []
    for i, item in enumerate(doc, start=1):
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
            raise SceneError("present.err.bad_scene", f"#{i}")
        items.append({"title_zh": item[0], "title_en": item[1], "link": "?" + item[2]})
    return _scenes_from_doc(items, years)


def step(index: int, count: int, delta: int) -> int:
    """Return the scene index after moving ``delta`` scenes, kept within ``0 … count-1``.

    >>> step(0, 5, -1), step(3, 5, 1), step(4, 5, 1), step(7, 5, 0)
    (0, 4, 4, 4)
    """
    if count <= 0:
        return 0
    return max(0, min(count - 1, index + delta))

