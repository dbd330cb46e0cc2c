"""``./atlas serve`` end to end: HAProxy + 2 workers + PostgreSQL on free loopback ports.

One stack (the real command, ``python -m deploy``, in a subprocess with its state under a temp
folder) for the module:

- figures imported on the Import page of worker w1 are seen by a browser on worker w2, without a
  restart of w2 (its preview of the same file turns from "16 new · 16 changed · 3 conflicts" to "32 unchanged · 3 conflicts");
- the worker serving a browser is killed: within 5 s the page is connected to the live worker
  (the sticky cookie now names it) and a rerun there shows the same view (URL query, title,
  sidebar); the session then navigates and uploads there; the supervisor starts the dead worker
  again and HAProxy takes it back;
- a process killed in the middle of an import leaves no revision and no row behind; no committed
  revision is lost;
- SIGINT (Ctrl-C) stops everything the command started.

Which worker serves a browser is chosen by setting HAProxy's cookie in the browser context, as a
returning browser would carry it. Skipped, with the reason, where haproxy or PostgreSQL is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from common_import import SOURCE, xlsx, yearbook_rows
from conftest import ROOT

from deploy import haproxy
from deploy.postgres import PostgresUnavailable, find_bindir
from geo.access import Actor
from geo.accounts import Accounts
from geo.imports.parse import parse_upload
from geo.imports.store import ROWS, Store

pytestmark = pytest.mark.browser

TITLE = "北京统计年鉴2024"
URL = "https://tjj.beijing.gov.cn/nj/main/2024-tjnj/zk/indexch.htm"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE = {"name": "8-10 各区县有效发明专利情况.xlsx", "mimeType": XLSX_MIME, "buffer": xlsx(yearbook_rows(2023))}
VIEW = "/?year=2023&ind=invention_patents_per_10k&d=110108"
EDITOR, PASSWORD = "集群测试", "cluster-test-password"  # an office deployment: only signed-in editors import


def _alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _wait(condition, timeout: float, what: str, page=None, interval: float = 0.1):
    """Poll ``condition`` until true; with ``page``, wait through Playwright so its events keep coming."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if page is not None:
            page.wait_for_timeout(interval * 1000)  # polling a condition (Playwright delivers events meanwhile)
        else:
            time.sleep(interval)  # polling a condition
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Served:
    """The running command: its process, its state file and the store it shares."""

    def __init__(self, proc: subprocess.Popen, var: Path) -> None:
        self.proc, self.var = proc, var
        self.state_path = var / "serve" / "state.json"
        self._store: Store | None = None

    def state(self) -> dict:
        return json.loads(self.state_path.read_text())

    def worker(self, name: str) -> dict:
        return next(w for w in self.state()["workers"] if w["name"] == name)

    def pids(self) -> set[int]:
        s = self.state()
        return {s["haproxy"]["pid"], s["postgres"]["pid"], *(w["pid"] for w in s["workers"])}

    @property
    def url(self) -> str:
        return self.state()["url"]

    def store(self) -> Store:
        # the URL is in state.json without a password (our own server has none: local socket, trust)
        if self._store is None:
            self._store = Store(self.state()["store"])
        return self._store

    def states(self) -> dict[str, str]:
        try:
            return haproxy.server_states(self.state()["haproxy"]["stats_socket"])
        except OSError as exc:  # HAProxy is not there: say why, from what the stack logged
            raise AssertionError(f"HAProxy's stats socket: {exc}\n{self.logs()}") from exc

    def logs(self) -> str:
        """The ends of the command's own log and HAProxy's (for a failure message)."""
        parts = []
        for path in (self.var.parent / "serve.log", self.var / "serve" / "haproxy.log"):
            text = path.read_text(errors="replace") if path.exists() else "(none)"
            parts.append(f"--- {path.name} (end) ---\n{text[-1500:]}")
        return "\n".join(parts)


@pytest.fixture(scope="module")
def served():
    try:
        haproxy.find_haproxy()
        find_bindir()
    except (haproxy.HaproxyUnavailable, PostgresUnavailable) as exc:
        pytest.skip(str(exc))
    base = Path(tempfile.mkdtemp(prefix="atlas-stack-"))
    base.chmod(0o755)  # as root, the postgres user must reach its data folder
    var = base / "var"
    env = {k: v for k, v in os.environ.items() if k != "ATLAS_DATABASE_URL"}
    log = (base / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "deploy", "--workers", "2", "--host", "127.0.0.1", "--port", "0",
                             "--var-dir", str(var)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    s = Served(proc, var)
    try:
        _wait(lambda: s.state_path.exists() or proc.poll() is not None, 150, "the stack to start")
        if proc.poll() is not None:
            pytest.fail(f"./atlas serve exited with {proc.returncode}:\n{(base / 'serve.log').read_text()[-2000:]}")
        Accounts(s.state()["store"]).add(EDITOR, PASSWORD, "editor")
        yield s
    finally:
        if proc.poll() is None:
            proc.kill()  # the test of Ctrl-C did not run or failed: its children get SIGTERM (pdeathsig)
            proc.wait(timeout=30)
        log.close()
        shutil.rmtree(base, ignore_errors=True)


def _page_on(page_factory, served: Served, worker: str):
    """A fresh browser whose sticky cookie names ``worker``; its websockets are recorded."""
    page = page_factory()
    page.context.add_cookies([{"name": haproxy.COOKIE, "value": worker, "url": served.url}])
    page.sockets = []  # [(opened at, websocket, frames received)]

    def opened(ws):
        entry = [time.monotonic(), ws, 0]
        page.sockets.append(entry)
        ws.on("framereceived", lambda _payload: entry.__setitem__(2, entry[2] + 1))

    page.on("websocket", opened)
    return page


def _cookie(page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == haproxy.COOKIE), None)


def _fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")  # Streamlit commits a text input on Enter


SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"


def _settled(page, timeout: float = 30.0) -> None:
    """Wait until the page is connected and no script run is going on (Streamlit's own state marks)."""
    page.wait_for_selector(SETTLED, timeout=timeout * 1000)


def _sign_in(page) -> None:
    """Sign in as the editor on the Import page (a password sign-in lives in the browser's session)."""
    page.get_by_label("用户名", exact=True).fill(EDITOR)  # a form: sent by its button
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_text(f"已登录: {EDITOR}(编辑)").wait_for(timeout=30_000)


def _upload(page) -> None:
    page.get_by_text("选择文件(CSV / XLSX, ≤10 MB)").wait_for(timeout=30_000)
    page.locator("input[type=file]").first.set_input_files(files=[FILE])


def test_import_on_one_worker_shows_on_the_other_and_a_dead_worker_loses_nothing(served, page_factory, artifacts):
    _wait(lambda: served.states() == {"w1": "UP", "w2": "UP"}, 10, "HAProxy to see both workers up")
    # browser B, on w2, previews the yearbook file before anything was imported
    b = _page_on(page_factory, served, "w2")
    b.goto(served.url + "/import")
    _sign_in(b)
    _upload(b)
    b.get_by_text("保存前预览: 新增 16 · 变化 16 · 不变 0 · 冲突 3").wait_for(timeout=30_000)
    assert _cookie(b) == "w2"

    # browser A, on w1, imports it
    a = _page_on(page_factory, served, "w1")
    a.goto(served.url + "/import")
    _sign_in(a)
    _upload(a)
    a.get_by_text("保存前预览: 新增 16 · 变化 16 · 不变 0 · 冲突 3").wait_for(timeout=30_000)
    for i in range(3):  # keep each published figure the file's totals conflict with (recorded in the revision)
        a.get_by_text("保留已公布的数字", exact=True).nth(i).click()
        _settled(a)
    _fill(a, "来源出版物(必填)", TITLE)
    _fill(a, "表名/表号", "8-10 各区县有效发明专利情况")
    _fill(a, "来源网址(必填)", URL)
    a.wait_for_function("() => [...document.querySelectorAll('button')].some("
                        "b => b.innerText.includes('保存为新版本') && !b.disabled)", timeout=20_000)
    a.get_by_role("button", name="保存为新版本").click()
    a.get_by_text("已保存为版本 1: 32 个数值").wait_for(timeout=30_000)
    assert _cookie(a) == "w1"  # the upload, the save and the websocket all stayed on w1

    # B's worker reads the shared store: the same file now changes nothing
    _settled(b)
    b.keyboard.press("r")  # Streamlit's rerun key, as a planner would reload the view
    b.get_by_text("保存前预览: 新增 0 · 变化 0 · 不变 32 · 冲突 3").wait_for(timeout=30_000)
    assert _cookie(b) == "w2"

    # B opens a view on the map; then its worker dies
    b.goto(served.url + VIEW)
    # the app writes the full view into the URL once the map is drawn (the controls follow the map)
    b.wait_for_function("() => location.search.includes('layers=')", timeout=30_000)
    b.locator("[data-testid='stSidebar']").get_by_text("海淀区").wait_for()
    _settled(b)
    assert "d=110108" in b.url and "layers=" in b.url
    view_url, title = b.url, b.title()
    sidebar = b.locator("[data-testid='stSidebar']").inner_text()
    assert "海淀区" in sidebar and "year=2023" in b.url  # the year is the map's own control: in the URL
    assert _cookie(b) == "w2"
    dead = served.worker("w2")["pid"]
    before = len(b.sockets)
    os.kill(dead, signal.SIGKILL)
    killed_at = time.monotonic()

    # the frontend reconnects by itself, through HAProxy, to the live worker …
    _wait(lambda: len(b.sockets) > before, 5, "the browser to open a new websocket", page=b)
    new_socket = b.sockets[-1]
    _settled(b, 5 - (time.monotonic() - killed_at))
    reconnected_after = time.monotonic() - killed_at
    # … which reruns the page from the browser's URL and widget state (Streamlit reruns on the next
    # interaction, not on a reconnect: "r" is its rerun key)
    b.keyboard.press("r")
    _wait(lambda: new_socket[2] > 0, 5 - (time.monotonic() - killed_at), "the live worker to answer", page=b)
    _settled(b, 5 - (time.monotonic() - killed_at))
    back_after = time.monotonic() - killed_at
    print(f"failover: reconnected after {reconnected_after:.2f} s, rerun on the live worker done after {back_after:.2f} s")
    assert back_after < 5, f"session back after {back_after:.1f} s (reconnected after {reconnected_after:.1f} s)"
    assert _cookie(b) == "w1"  # HAProxy redispatched the browser and replaced its cookie
    assert b.url == view_url and b.title() == title
    # the same view: the URL (asserted above) and the controls drawn from it once the map is back
    side = b.locator("[data-testid='stSidebar']")
    side.get_by_text("海淀区").first.wait_for(timeout=5_000)  # the link's district, in the district filter
    assert "海淀区" in side.inner_text() and "海淀区" in sidebar
    assert b.locator("[data-testid='stException']").count() == 0
    b.screenshot(path=str(artifacts / "stack-after-failover.png"), full_page=True)
    # the moved session works fully on its new worker: navigation and an upload (cookies signed by
    # the dead worker are valid there: one cookie secret for all workers)
    b.get_by_role("link", name="数据导入").click()
    _sign_in(b)  # a password sign-in lived in the dead worker's session: asked again (README)
    _upload(b)
    b.get_by_text("保存前预览: 新增 0 · 变化 0 · 不变 32 · 冲突 3").wait_for(timeout=30_000)
    assert _cookie(b) == "w1"

    # nothing lost: the one revision, with its rows and source
    revisions = served.store().revisions()
    assert [(r.id, r.source_title, r.imported_rows) for r in revisions] == [(1, TITLE, 32)]
    # the signed-in editor, as the store recorded it (not a typed name)
    assert (revisions[0].author, revisions[0].author_role, revisions[0].author_via) == (EDITOR, "editor", "password")

    # the supervisor starts w2 again (on the same port) and HAProxy takes it back once it is warm
    _wait(lambda: served.worker("w2")["pid"] != dead and served.worker("w2")["restarts"] == 1, 30,
          "w2 to be started again")
    _wait(lambda: served.states().get("w2") == "UP", 30, "HAProxy to take w2 back")
    assert not _alive(dead)


KILLED_IMPORT = """
import sys
sys.path.insert(0, {tests!r})
import geo.imports.store as m
from common_import import SOURCE, xlsx, yearbook_rows
from geo.access import Actor
from geo.imports.parse import parse_upload
real = m._insert_rows
def half_then_hang(conn, rev_id, rows):
    real(conn, rev_id, rows.iloc[: len(rows) // 2])
    print("half written", flush=True)
    sys.stdin.readline()  # killed here, inside the transaction
m._insert_rows = half_then_hang
rows = parse_upload(xlsx(yearbook_rows(2024)), "2024.xlsx", SOURCE).rows
m.Store({url!r}).save_import(rows, SOURCE, Actor("killed", "editor", "cli"), "2024.xlsx")
"""


def test_a_process_killed_mid_import_leaves_nothing(served):
    store = served.store()
    before = store.revisions()
    rows_before = store.current_rows()
    code = KILLED_IMPORT.format(tests=str(ROOT / "tests"), url=served.state()["store"])
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # blocks until the transaction is half written
        assert line.strip() == "half written", proc.stderr.read()
        proc.kill()
    finally:
        proc.wait(timeout=30)
    assert store.revisions() == before
    with store.engine.connect() as conn:  # no orphan rows of the revision that never was
        ids = {r.id for r in before}
        orphans = conn.execute(ROWS.select().where(ROWS.c.revision_id.notin_(ids))).all()
    assert orphans == []
    assert len(store.current_rows()) == len(rows_before)
    # the table lock died with the process: the next import goes through at once
    rows = parse_upload(xlsx(yearbook_rows(2024)), "2024.xlsx", SOURCE).rows
    started = time.monotonic()
    rev = store.save_import(rows, SOURCE, Actor("after the crash", "editor", "cli"), "2024.xlsx")
    assert time.monotonic() - started < 5
    assert [r.id for r in store.revisions()] == [rev.id, *(r.id for r in before)]


def test_ctrl_c_stops_everything(served):
    served.store().engine.dispose()
    pids = served.pids()
    dead = [p for p in pids if not _alive(p)]
    assert not dead, f"not running before Ctrl-C: {dead} of {served.state()}\n{served.logs()}"
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=60) == 0
    _wait(lambda: not any(_alive(p) for p in pids), 10, "every process of the stack to exit")
    assert not served.state_path.exists()
