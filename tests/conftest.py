"""Shared fixtures: a served app on a free loopback port, and Debian's Chromium via Playwright.

Browser tests never download a browser: they use /usr/bin/chromium and skip with a reason where
it is missing (``./atlas test`` installs it when run as root, as CI does).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ARTIFACTS = ROOT / "test-artifacts"
#: node's own count of the renderer's unit tests (tests/test_contract.py), printed at the end of the run.
JS_SUMMARY = pytest.StashKey[str]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if JS_SUMMARY in config.stash:
        terminalreporter.write_line(config.stash[JS_SUMMARY])

# Tests never touch the developer's own store (var/atlas.sqlite): one throwaway folder per run.
os.environ.setdefault("ATLAS_VAR_DIR", tempfile.mkdtemp(prefix="atlas-test-var-"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(env_extra: dict[str, str] | None = None, timeout: float = 60.0,
              script: str = "asgi.py") -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run <script>`` on a free loopback port; return (process, base URL) once healthy.

    ``asgi.py`` (the default) serves the app as ``./atlas run`` does: inside ``ui/webassets.py``'s
    middleware (the first view, compression, cache lifetimes, the page-address probes).
    """
    port = free_port()
    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"streamlit exited early:\n{out}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        time.sleep(0.2)  # polling a health endpoint, not synchronising a test
    proc.kill()
    raise RuntimeError("streamlit did not become healthy in time")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(autouse=True)
def _app_on_loopback():
    """AppTests run as ``./atlas run`` does by default: on loopback, one person who edits without signing in.

    ``ui.auth.deployment`` reads ``server.address`` (AppTest has none: an office deployment). The tests of
    the office deployment set it back to None (tests/test_auth_page.py).
    """
    from streamlit import config

    config.set_option("server.address", "127.0.0.1")


@pytest.fixture(scope="module")
def targets_page():
    """The Targets page run by AppTest (through app.py's navigation), once per test module."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("server.address", "127.0.0.1")  # as _app_on_loopback, which runs after module fixtures
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/targets.py").run()
    assert not at.exception
    return at


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """A running app (one per test session) on a free loopback port, with a throwaway data store."""
    var = tmp_path_factory.mktemp("atlas-var")
    proc, url = start_app({"ATLAS_VAR_DIR": str(var)})
    yield url
    stop_app(proc)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (skipped with a reason where it is not installed)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium; ./atlas test does it as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class RequestLog:
    """Every URL a page (and its iframes) requested."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def external(self) -> list[str]:
        """Return the requests that left 127.0.0.1 (data: and blob: URLs stay in the page)."""
        local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
        return [u for u in self.urls if not u.startswith(local)]


@pytest.fixture
def page_factory(browser):
    """Return ``new_page(log=None, **context_args)``: a fresh context each call; requests recorded."""
    contexts = []

    def new_page(log: RequestLog | None = None, **context_args):
        ctx = browser.new_context(**{"viewport": {"width": 1400, "height": 900}, "locale": "zh-CN", **context_args})
        contexts.append(ctx)
        if log is not None:
            ctx.on("request", lambda req: log.urls.append(req.url))
            ctx.on("websocket", lambda ws: log.urls.append(ws.url))
        return ctx.new_page()

    yield new_page
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and exports that a person can look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


#: The page's map, drawn: in Streamlit's page (not the first view's map before it is taken over).
PAGE_MAP = ".atlas-root[data-ready='1']:not(#atlas-first *)"


def wait_for_map(page, count: int = 16, timeout: float = 30_000):
    """Wait until the map (drawn in the page itself) is ready with at least ``count`` paths; return the page.

    The map is the atlas_map component: no iframe. Its root carries ``data-ready`` once the
    geometry is drawn; what the tests read (paths, labels, legend, tooltips) is in the page. The map
    the first view draws before Streamlit has started (``static/atlasmap/early.js``) counts once the
    page's component has taken it over (:data:`PAGE_MAP`).
    """
    page.wait_for_selector(PAGE_MAP, timeout=timeout, state="attached")
    page.wait_for_function("n => document.querySelectorAll('.atlas-root path.leaflet-interactive').length >= n",
                           arg=count, timeout=timeout)
    return page


def wait_idle(page, timeout: float = 20_000) -> None:
    """Wait until Streamlit has no run in progress (its status widget is gone).

    Clicking while a page is still rendering can land on another element after a layout shift.
    """
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=timeout)


def download(page, key: str, artifacts: Path, name: str) -> bytes:
    """Click the export button ``key`` and return the downloaded bytes (also saved as an artifact)."""
    button = page.locator(f".st-key-{key} button")
    button.wait_for()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = artifacts / name
    info.value.save_as(path)
    return path.read_bytes()
