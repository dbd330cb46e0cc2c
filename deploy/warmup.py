"""Warm a worker before it gets users: run the map page once over Streamlit's websocket.

Why: a fresh worker has imported nothing. The first session in a process loads the data and
fills the caches (seconds), and a custom component's files (the map) are served by a process only
once the module that declares the component has been imported, i.e. once the map page has run
there. A browser moved to a cold worker after a crash would get a 404 for the map's component.

Uses the ``websockets`` client (a dependency of Streamlit itself): nothing extra to install. Loopback only.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["WarmupError", "warm"]


class WarmupError(RuntimeError):
    """The page did not finish on the worker."""


async def _run_page(port: int, page: str, query: str, timeout: float) -> float:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    started = time.monotonic()
    conn = await connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                         origin=f"http://127.0.0.1:{port}", proxy=None, max_size=None, compression=None,
                         open_timeout=timeout, ping_interval=None)
    try:
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        await conn.send(msg.SerializeToString())
        ok = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
        while True:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                raise WarmupError(f"page {page!r} did not finish in {timeout:.0f} s")
            raw = await asyncio.wait_for(conn.recv(), left)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            if fwd.WhichOneof("type") != "script_finished" or fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue
            if fwd.script_finished not in ok:
                raise WarmupError(f"page {page!r} finished with status {fwd.script_finished}")
            return time.monotonic() - started
    finally:
        await conn.close()


def warm(ports: list[int], page: str = "map", query: str = "", timeout: float = 120.0) -> list[float]:
    """Run ``page`` once on each worker (all at once); return the seconds each took."""
    async def all_ports() -> list[float]:
        return list(await asyncio.gather(*(_run_page(p, page, query, timeout) for p in ports)))

    return asyncio.run(all_ports())
