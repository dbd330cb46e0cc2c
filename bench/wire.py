"""Bytes on the wire of the map page, websocket compression off and on, in one run (``python -m bench.wire``).

The main bench counts what the browser's DevTools report: websocket payloads *after* the browser
has inflated them. What a phone waits for is what crosses the network, so here a counting TCP proxy
sits between Chromium and two servers of the atlas (as ``./atlas run`` serves it): one with
``server.enableWebsocketCompression`` off (as ``.streamlit/config.toml`` leaves it, README: why) and
one with it on.
For each fresh desktop load of ``/`` it counts the bytes the server sent on the websocket and on
everything else (HTTP, already gzip where ``ui/webassets.py`` compresses), then the websocket bytes of one
year change (the map's ``Home`` key: the first year, and the page's rerun for it). Prints medians;
writes ``bench/results/wire-latest.json``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import threading
from pathlib import Path

from bench.__main__ import CHROMIUM, CHROMIUM_ARGS, RESULTS, _poll, git_commit
from bench.servers import start
from geo.data.paths import ROOT

__all__ = ["CountingProxy", "main"]

#: Streamlit's page shown with the map in it and the table drawn (the second run has come).
SHOWN = ("!!document.querySelector(\"#root .atlas-root[data-ready='1']\") && !!document.querySelector('.atlas-table')"
         " && getComputedStyle(document.getElementById('root')).visibility === 'visible'")


class CountingProxy:
    """A TCP proxy on a free loopback port to ``target``: counts the bytes the server sends, websocket or not."""

    def __init__(self, target: int) -> None:
        self.target, self.ws, self.http, self.extensions = target, 0, 0, set()
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait()

    def reset(self) -> None:
        self.ws = self.http = 0

    async def _handle(self, client_r, client_w) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target)
        upgraded = False

        async def up() -> None:
            nonlocal upgraded
            try:
                while data := await client_r.read(65536):
                    upgraded = upgraded or b"upgrade: websocket" in data.lower()
                    server_w.write(data)
                    await server_w.drain()
            except OSError:
                pass
            finally:
                server_w.close()

        async def down() -> None:
            first = True
            try:
                while data := await server_r.read(65536):
                    if upgraded and first:  # the handshake's answer: which extensions the server accepted
                        first = False
                        self.extensions.update(line.split(b":", 1)[1].strip().decode() for line in data.split(b"\r\n")
                                               if line.lower().startswith(b"sec-websocket-extensions:"))
                    if upgraded:
                        self.ws += len(data)
                    else:
                        self.http += len(data)
                    client_w.write(data)
                    await client_w.drain()
            except OSError:
                pass
            finally:
                client_w.close()

        await asyncio.gather(up(), down())


def load(browser, proxy: CountingProxy) -> dict:
    """One fresh desktop load of the map through ``proxy``, then one year change: bytes the server sent."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    page = ctx.new_page()
    proxy.reset()
    page.goto(f"http://127.0.0.1:{proxy.port}/", wait_until="commit")
    _poll(page, lambda: page.evaluate(SHOWN), 90, "the map page never showed")
    page.wait_for_timeout(1500)  # nothing more is sent once the page is idle; this only lets late frames in
    row = {"ws_load_kb": proxy.ws / 1024, "http_load_kb": proxy.http / 1024}
    proxy.reset()
    page.locator("#root .atlas-slider").focus()
    page.keyboard.press("Home")
    _poll(page, lambda: page.evaluate("new URL(location.href).searchParams.get('year') !== null"), 30, "no year change")
    page.wait_for_timeout(1500)
    row["ws_year_kb"] = proxy.ws / 1024
    ctx.close()
    return row


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    servers = {on: start(ROOT / "asgi.py", f"wire-{on}", env_extra={"STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": on})
               for on in ("false", "true")}
    try:
        proxies = {on: CountingProxy(int(s.url.rsplit(":", 1)[1])) for on, s in servers.items()}
        rows: dict[str, list[dict]] = {on: [] for on in servers}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(args.runs):  # alternated: the machine's drift falls on both alike
                for on, proxy in proxies.items():
                    rows[on].append(load(browser, proxy))
            browser.close()
    finally:
        for s in servers.values():
            s.stop()
    out = {"commit": git_commit(), "runs": args.runs, "results": {}}
    print(f"Bytes the server sent, median of {args.runs} loads (KB)   compression off   on")
    for key, label in (("ws_load_kb", "websocket, page load"), ("http_load_kb", "HTTP, page load"),
                       ("ws_year_kb", "websocket, one year change")):
        off, on = (statistics.median(r[key] for r in rows[x]) for x in ("false", "true"))
        out["results"][key] = {"off": round(off, 1), "on": round(on, 1)}
        print(f"  {label:<40} {off:>10.1f} {on:>8.1f}")
    out["extensions"] = {on: sorted(p.extensions) for on, p in proxies.items()}
    print("  negotiated:", out["extensions"]["true"] or "nothing", "| without the option:", out["extensions"]["false"] or "nothing")
    Path(RESULTS / "wire-latest.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {RESULTS / 'wire-latest.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
