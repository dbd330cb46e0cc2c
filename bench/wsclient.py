"""A browser-less Streamlit session: speaks the app's websocket protocol (protobuf BackMsg/ForwardMsg).

One :class:`Session` is what one browser tab is to the server: it loads ``/`` (keeping the cookies
it is given: a proxy's sticky-session cookie, Streamlit's XSRF cookie), connects to
``/_stcore/stream`` with those cookies, asks for a page, and reruns it with changed widget values,
exactly as Streamlit's frontend does (it sends the state of every widget on the page, with the
changed ones changed, and the query string the app last set, as the address bar would). It
measures, per rerun, the time from sending the request to the server's ``script_finished``
message and the bytes received, and records every error the page reported (exception elements,
failed runs).

Loopback only: :func:`connect` refuses any host other than 127.0.0.1 / localhost.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

__all__ = ["RunResult", "Session", "connect", "load_page_cookies"]

LOOPBACK = ("127.0.0.1", "localhost")
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
OK_STATUSES = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class RunResult:
    """One rerun as the server answered it."""

    seconds: float
    bytes_received: int
    messages: int
    errors: list[str] = field(default_factory=list)


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    options: list[str]
    value: object  # what the browser would send: list[str] (slider, multiselect), str, or bool


def _current_value(kind: str, proto) -> object:
    """Return the widget's value as Streamlit's frontend holds it after rendering ``proto``.

    The server sends a value only when it set one (``set_value``); otherwise the default applies
    to a new widget and a known widget keeps the value the browser already holds.
    """
    opts = list(getattr(proto, "options", []))
    if kind == "slider":  # select_slider: indices into the formatted options
        if proto.set_value and proto.raw_value:
            return list(proto.raw_value)
        idx = proto.value if proto.set_value else proto.default
        return [opts[int(i)] for i in idx]
    if kind == "multiselect":
        return list(proto.raw_values) if proto.set_value else [opts[i] for i in proto.default]
    if kind in ("selectbox", "radio"):
        if proto.set_value:
            return proto.raw_value
        return opts[proto.default] if proto.HasField("default") and opts else ""
    if kind == "checkbox":
        return proto.value if proto.set_value else proto.default
    raise ValueError(kind)


def _put_state(w, widget: Widget) -> None:
    """Write ``widget``'s value into a WidgetState as the browser would."""
    w.id = widget.id
    if isinstance(widget.value, bool):
        w.bool_value = widget.value
    elif isinstance(widget.value, dict):  # a custom component's state (the map: {"year": …})
        w.json_value = json.dumps(widget.value)
    elif isinstance(widget.value, str):
        w.string_value = widget.value
    else:
        w.string_array_value.data.extend(widget.value)


class Session:
    """One websocket session against a running Streamlit app."""

    def __init__(self, ws, page: str, query: str, cookies: dict[str, str] | None = None) -> None:
        self.ws = ws
        self.page = page
        self.query = query
        self.cookies = dict(cookies or {})  # what the browser would hold, e.g. {"ATLAS_WORKER": "w2", ...}
        self.widgets: dict[str, Widget] = {}  # by user key (the part after the last '-' of the id)
        self.page_script_hash = ""
        self.debug = False
        self._previous: dict[str, Widget] = {}
        self.cached: set[str] = set()  # hashes of cacheable messages received (the browser's message cache)
        self.deltas: dict[str, ForwardMsg] = {}

    async def run(self, changes: dict[str, list[str]] | None = None, timeout: float = 60.0) -> RunResult:
        """Rerun the page with ``changes`` ({widget key: string values}); wait for script_finished."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        cs.page_script_hash = self.page_script_hash
        cs.cached_message_hashes.extend(sorted(self.cached))  # as the browser: big messages it already holds
        for key, values in (changes or {}).items():
            widget = self.widgets[key]
            widget.value = {**widget.value, **values} if isinstance(widget.value, dict) else values
        for widget in self.widgets.values():  # like the browser: the state of every widget on the page
            _put_state(cs.widget_states.widgets.add(), widget)
        self._previous, self.widgets = self.widgets, {}  # refilled from this run's elements
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        n_bytes = n_msgs = 0
        errors: list[str] = []
        deadline = started + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                errors.append(f"timeout after {timeout:.0f} s")
                break
            raw = await asyncio.wait_for(self.ws.recv(), left)
            n_bytes += len(raw)
            n_msgs += 1
            fwd, kind = self._resolve(raw)
            if kind == "new_session":
                self.page_script_hash = fwd.new_session.page_script_hash or self.page_script_hash
            elif kind == "page_info_changed":  # the app changed the URL (share link): keep it, as a browser does
                self.query = fwd.page_info_changed.query_string
            elif kind == "delta":
                self._see_delta(fwd, errors)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if fwd.script_finished not in OK_STATUSES:
                    errors.append(f"script finished with status {fwd.script_finished}")
                break
        return RunResult(time.perf_counter() - started, n_bytes, n_msgs, errors)

    def _resolve(self, raw: bytes) -> tuple[ForwardMsg, str | None]:
        """Parse a message; keep the browser's message cache (a reference becomes the message it names)."""
        fwd = ForwardMsg()
        fwd.ParseFromString(raw)
        kind = fwd.WhichOneof("type")
        if fwd.metadata.cacheable and fwd.hash:
            self.cached.add(fwd.hash)
        if kind == "ref_hash":  # a message the browser already holds, sent by reference
            kind = "delta" if fwd.ref_hash in self.deltas else kind
            fwd = self.deltas.get(fwd.ref_hash, fwd)
        elif kind == "delta" and fwd.metadata.cacheable:
            self.deltas[fwd.hash] = fwd
        return fwd, kind

    def _see_delta(self, fwd: ForwardMsg, errors: list[str]) -> None:
        if fwd.delta.WhichOneof("type") != "new_element":
            return
        el = fwd.delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            errors.append(f"exception: {el.exception.type}: {el.exception.message[:200]}"
                          + (" @ " + " / ".join(line.strip() for line in el.exception.stack_trace[-4:]) if self.debug else ""))
        elif kind in ("slider", "multiselect", "selectbox", "radio", "checkbox"):
            proto = getattr(el, kind)
            key = proto.id.rsplit("-", 1)[-1]
            before = self._previous.get(key)
            if proto.set_value or before is None or before.id != proto.id:
                value = _current_value(kind, proto)
            else:  # the server did not set it: the browser keeps what it had
                value = before.value
            self.widgets[key] = Widget(proto.id, kind, proto.label, list(getattr(proto, "options", [])), value)
        elif kind == "bidi_component":  # the map component: the browser holds its state ({} until it reports)
            proto = el.bidi_component
            key = proto.id.rsplit("-", 1)[-1]
            before = self._previous.get(key)
            value = before.value if before is not None and before.id == proto.id else {}
            self.widgets[key] = Widget(proto.id, kind, proto.component_name, [], value)

    async def close(self) -> None:
        await self.ws.close()


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


def load_page_cookies(base_url: str, cookies: dict[str, str] | None = None, timeout: float = 30.0) -> dict[str, str]:
    """GET ``base_url/`` as a browser opening the app does; return ``cookies`` updated by its Set-Cookie headers.

    Behind HAProxy this is where a new browser gets its sticky-session cookie, which it then sends
    with the websocket handshake and every request, so they all reach the same worker.
    """
    jar = dict(cookies or {})
    request = urllib.request.Request(base_url.rstrip("/") + "/", headers=_cookie_header(jar))
    with _OPENER.open(request, timeout=timeout) as r:
        r.read()
        for header in r.headers.get_all("Set-Cookie") or []:
            jar.update({k: m.value for k, m in SimpleCookie(header).items()})
    return jar


async def connect(base_url: str, page: str = "map", query: str = "", cookies: dict[str, str] | None = None,
                  compression: str | None = None) -> Session:
    """Open a session on ``base_url`` (loopback only) like a browser tab: load ``/``, then the websocket.

    ``compression="deflate"`` offers permessage-deflate as a browser does (the load test: the server
    then compresses each message, as for a browser); the default keeps the payload timing free of it."""
    url = urlparse(base_url)
    if url.hostname not in LOOPBACK:
        raise ValueError(f"refusing to connect to {url.hostname}: loopback only")
    jar = await asyncio.to_thread(load_page_cookies, base_url, cookies)
    ws = await websockets.connect(f"ws://{url.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                  origin=f"http://{url.netloc}", max_size=None, compression=compression,
                                  open_timeout=30, ping_interval=None, proxy=None,
                                  additional_headers=_cookie_header(jar))
    return Session(ws, page, query, jar)
