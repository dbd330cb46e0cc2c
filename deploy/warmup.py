"""Warm a worker before it gets users: run the map page once over Streamlit's websocket.

Why: a fresh worker has imported nothing. The first session in a process loads the data and
fills the caches (seconds), and a custom component's files (the map) are served by a process only
once the module that declares the component has been imported, i.e. once the map page has run
there. A browser moved to a cold worker after a crash would get a 404 for the map's component.

Uses the ``websockets`` client (a dependency of Streamlit itself): nothing extra to install.
``./atlas serve`` warms its workers itself; for workers started otherwise (several hosts, see the
README), ``python -m deploy.warmup [--host H] PORT…`` waits until each is healthy and warms it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import urllib.request

__all__ = ["WarmupError", "wait_healthy", "warm"]

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # our own workers: never via a proxy


class WarmupError(RuntimeError):
    """The page did not finish on the worker."""


async def _run_page(host: str, port: int, page: str, query: str, timeout: float) -> float:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    started = time.monotonic()
    conn = await connect(f"ws://{host}:{port}/_stcore/stream", subprotocols=["streamlit"],
                         origin=f"http://{host}:{port}", proxy=None, max_size=None, compression=None,
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


def warm(ports: list[int], host: str = "127.0.0.1", page: str = "map", query: str = "",
         timeout: float = 120.0) -> list[float]:
    """Run ``page`` once on each worker (all at once); return the seconds each took."""
    async def all_ports() -> list[float]:
        return list(await asyncio.gather(*(_run_page(host, p, page, query, timeout) for p in ports)))

    return asyncio.run(all_ports())


def wait_healthy(host: str, port: int, timeout: float = 120.0) -> None:
    """Wait until ``http://host:port/_stcore/health`` answers 200; raise :class:`WarmupError` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with _OPENER.open(f"http://{host}:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise WarmupError(f"{host}:{port} not healthy in {timeout:.0f} s")
        time.sleep(0.2)  # polling the worker's health endpoint


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m deploy.warmup",
                                 description="Wait until each worker is healthy, then run the map page once on it.")
    ap.add_argument("ports", type=int, nargs="+", metavar="PORT")
    ap.add_argument("--host", default="127.0.0.1", help="where the workers listen (default 127.0.0.1)")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args(argv)
    try:
        for port in args.ports:
            wait_healthy(args.host, port, args.timeout)
        took = warm(args.ports, args.host, timeout=args.timeout)
    except (WarmupError, OSError, TimeoutError) as exc:
        print(f"warmup: {exc}", file=sys.stderr)
        return 1
    print("warm: " + ", ".join(f"{args.host}:{p} {s:.1f} s" for p, s in zip(args.ports, took, strict=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
