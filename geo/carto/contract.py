"""The contract between Python and the map renderer: the layer model's every key, typed, and its version.

The layer model (:func:`geo.carto.model.layer_model`) is the one message every browser renderer
reads (``static/atlasmap/*.js``: the page, presentation mode and the standalone HTML export). Its
shape is written down here once, as TypedDicts mypy checks, and nowhere else: a key the renderer
reads is declared here, and code outside this module adds no key to a model; it calls one of the
functions below (:func:`with_selection`, :func:`with_geometry`, :func:`for_display`).

Python writes a small golden model (:func:`golden_state`, ``tests/golden/model.json``) that the
JavaScript unit tests (``tests/js/``) read: a key renamed on one side fails a test on the other.
:func:`check` compares any JSON value with the declared shape at run time (the golden test uses it).

Every text is plain text: the renderer sets it with ``textContent``, never as HTML.
"""

from __future__ import annotations

import hashlib
import json
import types
from typing import Any, Literal, NotRequired, TypedDict, Union, get_args, get_origin, get_type_hints

__all__ = [
    "MODEL_VERSION",
    "RENDERER_SCRIPTS",
    "Basemap",
    "Cell",
    "DistrictFeature",
    "Frame",
    "Label",
    "LayerModel",
    "Layers",
    "LegendLine",
    "Mode",
    "RendererText",
    "ZoneFeature",
    "check",
    "for_display",
    "model_key",
    "with_geometry",
    "with_selection",
]

#: Raised whenever a key is renamed, removed or changes meaning; the renderer refuses another version.
MODEL_VERSION = 2

#: The renderer's scripts in ``static/atlasmap/``, in load order (each adds a part; the last joins them to Leaflet).
RENDERER_SCRIPTS = ("atlas-model.js", "atlas-tooltip.js", "atlas-legend.js", "atlas-labels.js", "atlas-controls.js",
                    "atlas-map.js")

#: Where the model is drawn: the map page, presentation mode, the standalone HTML export.
Mode = Literal["page", "present", "export"]


class Cell(TypedDict):
    """One district in one year."""

    f: str  #: fill colour (the class colour, or the no-data grey)
    s: str  #: status: "official", "derived", "demo" or "" (no value)
    v: str  #: the value with its unit as shown ("—" when there is none); a change carries its sign
    r: NotRequired[int]  #: rank among the 16 districts (1 = highest); absent without a value
    src: NotRequired[int]  #: index into ``LayerModel.sources``; absent without a value
    k: NotRequired[list[int]]  #: indexes into ``LayerModel.designations``: strong-IP designations in force


class LegendLine(TypedDict):
    """One legend line: a swatch (fill and/or outline) and a label, or a heading without swatch."""

    label: str
    face: str | None
    edge: str | None
    dashed: bool
    width: float
    alpha: float
    warn: bool
    heading: bool
    title: bool


class Frame(TypedDict):
    """One year of the view: what changes when the year changes."""

    d: dict[str, Cell]  #: by district code
    zones: list[str]  #: ids of the zones in force that year (of ``LayerModel.zones``)
    legend: int  #: index into ``LayerModel.legends``
    legendTitle: str
    title: str
    banner: str | None  #: the demo warning, when a demo value is shown
    source: str
    summary: str  #: one sentence a screen reader reads


class Label(TypedDict):
    """A map label: text at an anchor; where labels collide the lower priority gives way."""

    id: str
    text: str
    at: list[float]  #: (lat, lng)
    prio: float
    minZoom: float
    kind: Literal["district", "zone", "region"]
    maxZoom: NotRequired[float]
    color: NotRequired[str]


class DistrictFeature(TypedDict):
    id: str  #: administrative code; geometry under this key in the geometry asset's ``d``
    name: str  #: in the view's language
    names: str  #: "中文名 · English name", the tooltip's first line


class ZoneFeature(TypedDict):
    id: str  #: geometry under this key in the geometry asset's ``z``
    kind: str
    q: str  #: geometry quality: surveyed, schematic, point
    point: bool
    style: dict[str, Any]  #: Leaflet path options
    tip: list[str]  #: tooltip lines (name first)
    warn: bool  #: the second tooltip line is a warning (schematic or point geometry)


class Basemap(TypedDict):
    url: str
    attr: str
    subdomains: NotRequired[str]


class Layers(TypedDict):
    districts: bool
    strong: bool
    regions: bool


class RendererText(TypedDict):
    """The renderer's own words, in the view's language (``{rank}``, ``{year}``: filled in by the renderer)."""

    play: str
    pause: str
    year: str
    map_label: str
    legend: str
    keys_help: str
    slider: str
    no_data: str
    zoom_in: str
    zoom_out: str
    rank: str
    yearOf: str
    source: str
    marks: dict[str, str]  #: status → mark after a value (⚠ demo, derived)
    status: dict[str, str]  #: status → words
    strong: str
    strongMark: str


class LayerModel(TypedDict):
    """Everything the renderer draws, every year of the indicator at once."""

    v: int  #: :data:`MODEL_VERSION`
    lang: str
    geometry: str | None  #: URL of the geometry asset (None: ``geometryData`` carries it)
    regionsGeometry: str | None  #: URL of the Jing-Jin-Ji regions asset, when that layer is shown
    bounds: list[list[float]]  #: [[south, west], [north, east]]
    basemap: Basemap | None
    layers: Layers
    years: list[int]
    year: int  #: the year shown first
    districts: list[DistrictFeature]
    zones: list[ZoneFeature]
    labels: list[Label]
    selected: list[str]  #: selected district codes: highlighted, the others dimmed
    style: dict[str, Any]  #: ``geo.carto.styles.style_table``
    legends: list[list[LegendLine]]
    selectionAt: list[int]  #: per legend, where the selection's line goes (-1: nowhere); one rule, in Python
    frames: dict[str, Frame]  #: by year (a string)
    sources: list[str]
    designations: list[str]
    text: RendererText
    selectionLegend: NotRequired[LegendLine]  #: the selection's legend line (the renderer places it)
    geometryData: NotRequired[dict[str, Any]]  #: the geometry itself, when it is not fetched
    mode: NotRequired[Mode]
    yearToken: NotRequired[int]  #: ``year`` applies only when this changes (see ``ui.atlasmap``)
    height: NotRequired[str]  #: CSS height of the map
    playMs: NotRequired[int]  #: milliseconds per year when playing


def with_selection(model: LayerModel, selected: list[str], bounds: list[list[float]],
                   legend: LegendLine | None) -> LayerModel:
    """Return a copy of ``model`` with districts selected: highlighted, framed and (with a legend line) explained."""
    out = model.copy()
    out["selected"] = list(selected)
    out["bounds"] = bounds
    if legend is not None:
        out["selectionLegend"] = legend
    return out


def with_geometry(model: LayerModel, data: dict[str, Any]) -> LayerModel:
    """Return a copy of ``model`` carrying its geometry (``d``, ``z``, ``r``) instead of a URL."""
    out = model.copy()
    out["geometryData"] = data
    return out


def for_display(model: LayerModel, *, mode: Mode, year: int | None = None, year_token: int = 0,
                height: str | None = None, play_ms: int | None = None) -> LayerModel:
    """Return a copy of ``model`` as one place draws it: mode, the year to show (if it has data), token, size."""
    out = model.copy()
    out["mode"] = mode
    out["yearToken"] = year_token
    if year is not None and str(year) in model["frames"]:
        out["year"] = year
    if height is not None:
        out["height"] = height
    if play_ms is not None:
        out["playMs"] = play_ms
    return out


def model_key(model: LayerModel) -> str:
    """Return a short digest of ``model`` as drawn, its year token aside (that is the session's, not the view's).

    The map page's first view carries its model with this key (``ui/firstview.py``); a session whose
    browser holds the same key is sent the key instead of the model (``ui.atlasmap``).

    >>> a = {"v": 2, "year": 2020, "yearToken": 0}
    >>> model_key(a) == model_key({**a, "yearToken": 3}) != model_key({**a, "year": 2021})
    True
    """
    body = {k: v for k, v in model.items() if k != "yearToken"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


# --- run-time check -------------------------------------------------------------------------------

def _is_typeddict(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def check(value: object, tp: object = LayerModel, where: str = "model") -> list[str]:
    """Return where ``value`` (decoded JSON) differs from the declared type ``tp`` (empty: it conforms).

    Checks keys (missing, unknown) and the JSON kind of every value; ``Any`` accepts anything.

    >>> check({"f": "#fff", "s": "", "v": "—"}, Cell), check({"f": "#fff", "s": ""}, Cell)
    ([], ['model: missing key v'])
    """
    if tp is Any:
        return []
    if _is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        hints = get_type_hints(tp, include_extras=True)
        # (``__required_keys__`` is wrong under ``from __future__ import annotations`` before 3.12)
        required = {k for k, h in hints.items() if get_origin(h) is not NotRequired}
        errors = [f"{where}: missing key {k}" for k in sorted(required - value.keys())]
        errors += [f"{where}: unknown key {k}" for k in sorted(value.keys() - hints.keys())]
        for k in sorted(value.keys() & hints.keys()):
            errors += check(value[k], hints[k], f"{where}.{k}")
        return errors
    origin = get_origin(tp)
    if origin is NotRequired:
        return check(value, get_args(tp)[0], where)
    if origin in (Union, types.UnionType):
        tried = [check(value, arg, where) for arg in get_args(tp)]
        return [] if any(not e for e in tried) else min(tried, key=len)
    if origin is Literal:
        return [] if value in get_args(tp) else [f"{where}: {value!r} not one of {get_args(tp)}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        (item,) = get_args(tp)
        return [e for i, v in enumerate(value) for e in check(v, item, f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        _, item = get_args(tp)
        return [e for k, v in value.items() for e in check(v, item, f"{where}.{k}")]
    if tp is type(None):
        return [] if value is None else [f"{where}: expected null"]
    if tp is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected a number"]
    if isinstance(tp, type):
        ok = isinstance(value, tp) and not (tp is int and isinstance(value, bool))
        return [] if ok else [f"{where}: expected {tp.__name__}, got {type(value).__name__}"]
    raise TypeError(f"check: unsupported type {tp!r}")  # pragma: no cover - a new kind of annotation

