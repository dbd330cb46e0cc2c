"""A browser-less Streamlit session: speaks the app's websocket protocol (protobuf BackMsg/ForwardMsg).

One :class:`Session` is what one browser tab is to the server: it connects to ``/_stcore/stream``,
asks for a page, and reruns it with changed widget values, exactly as Streamlit's frontend does
(it sends only the widgets that changed; the server keeps the others). It measures, per rerun,
the time from sending the request to the server's ``script_finished`` message and the bytes
received, and records every error the page reported (exception elements, failed runs).

Loopback only: :func:`connect` refuses any host other than 127.0.0.1 / localhost.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

__all__ = ["Session", "RunResult", "connect"]

LOOPBACK = ("127.0.0.1", "localhost")
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


class Session:
    """One websocket session against a running Streamlit app."""

    def __init__(self, ws, page: str, query: str) -> None:
        self.ws = ws
        self.page = page
        self.query = query
        self.widgets: dict[str, Widget] = {}  # by user key (the part after the last '-' of the id)
        self.page_script_hash = ""

    async def run(self, changes: dict[str, list[str]] | None = None, timeout: float = 60.0) -> RunResult:
        """Rerun the page with ``changes`` ({widget key: string values}); wait for script_finished."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        cs.page_script_hash = self.page_script_hash
        for key, values in (changes or {}).items():
            w = cs.widget_states.widgets.add()
            w.id = self.widgets[key].id
            w.string_array_value.data.extend(values)
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
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = fwd.new_session.page_script_hash or self.page_script_hash
            elif kind == "delta":
                self._see_delta(fwd, errors)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if fwd.script_finished not in OK_STATUSES:
                    errors.append(f"script finished with status {fwd.script_finished}")
                break
        return RunResult(time.perf_counter() - started, n_bytes, n_msgs, errors)

    def _see_delta(self, fwd: ForwardMsg, errors: list[str]) -> None:
        if fwd.delta.WhichOneof("type") != "new_element":
            return
        el = fwd.delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            errors.append(f"exception: {el.exception.type}: {el.exception.message[:200]}")
        elif kind in ("slider", "multiselect", "selectbox", "radio"):
            proto = getattr(el, kind)
            key = proto.id.rsplit("-", 1)[-1]
            self.widgets[key] = Widget(proto.id, kind, proto.label, list(getattr(proto, "options", [])))

    async def close(self) -> None:
        await self.ws.close()


async def connect(base_url: str, page: str = "map", query: str = "") -> Session:
    """Open a session on ``base_url`` (loopback only) and run ``page`` once."""
    url = urlparse(base_url)
    if url.hostname not in LOOPBACK:
        raise ValueError(f"refusing to connect to {url.hostname}: loopback only")
    ws = await websockets.connect(f"ws://{url.netloc}/_stcore/stream", subprotocols=["streamlit"],
                                  origin=f"http://{url.netloc}", max_size=None, compression=None,
                                  open_timeout=30, ping_interval=None)
    session = Session(ws, page, query)
    return session
