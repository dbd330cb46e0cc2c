"""Who may change the figures, through ``./atlas serve`` (HAProxy + a worker + PostgreSQL) in Chromium.

- an anonymous visitor, and one whose browser sends every forged identity header, sees no upload,
  save, conflict choice, outline or roll-back control on the Import page, and the store is unchanged;
- a signed-in viewer likewise;
- a password-signed-in editor sees the controls, imports a yearbook table and rolls it back; the
  revision list names the editor; signing out removes the controls.

Skipped, with the reason, where haproxy or PostgreSQL is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from common_import import SOURCE, xlsx, yearbook_rows
from conftest import ROOT, wait_idle

from deploy import haproxy
from deploy.postgres import PostgresUnavailable, find_bindir
from geo.access import Actor
from geo.accounts import Accounts
from geo.imports.store import Store

pytestmark = pytest.mark.browser

PW = "office-password-2024"
FORGED = {"X-Forwarded-User": "zhang.san", "Remote-User": "zhang.san", "X-Remote-User": "zhang.san",
          "X-Forwarded-Email": "zhang.san@bjipo.gov.cn", "X-Auth-Request-User": "zhang.san"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE = {"name": "8-10 各区县有效发明专利情况.xlsx", "mimeType": XLSX_MIME, "buffer": xlsx(yearbook_rows(2023))}
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"


@pytest.fixture(scope="module")
def office():
    """``./atlas serve`` (one worker) with an editor and a viewer account and one imported revision."""
    try:
        haproxy.find_haproxy()
        find_bindir()
    except (haproxy.HaproxyUnavailable, PostgresUnavailable) as exc:
        pytest.skip(str(exc))
    base = Path(tempfile.mkdtemp(prefix="atlas-auth-"))
    base.chmod(0o755)  # as root, the postgres user must reach its data folder
    var = base / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("ATLAS_DATABASE_URL", "ATLAS_REQUIRE_SIGN_IN")}
    log = (base / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "deploy", "--workers", "1", "--host", "127.0.0.1", "--port", "0",
                             "--var-dir", str(var)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    state_path = var / "serve" / "state.json"
    try:
        deadline = time.monotonic() + 150
        while not state_path.exists() and proc.poll() is None:
            assert time.monotonic() < deadline, "the stack did not start in time"
            time.sleep(0.2)  # polling for the stack's state file
        if proc.poll() is not None:
            pytest.fail(f"./atlas serve exited with {proc.returncode}:\n{(base / 'serve.log').read_text()[-2000:]}")
        state = json.loads(state_path.read_text())
        store = Store(state["store"])
        store.import_upload(xlsx(yearbook_rows(2022)), "2022.xlsx", SOURCE, Actor("统计科", "editor", "cli"))
        accounts = Accounts(state["store"])
        accounts.add("zhang.san", PW, "editor")
        accounts.add("li.si", PW, "viewer")
        yield {"url": state["url"], "store": store, "workers": state["workers"]}
        store.engine.dispose()
        accounts.engine.dispose()
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=60)
        log.close()
        shutil.rmtree(base, ignore_errors=True)


def _settled(page) -> None:
    page.wait_for_selector(SETTLED, timeout=60_000)


def _controls(page) -> dict[str, int]:
    """Editing controls drawn on the page (every tab's content is in the DOM)."""
    return {
        "file inputs": page.locator("input[type=file]").count(),
        "save": page.get_by_role("button", name="保存为新版本", include_hidden=True).count(),
        "outline save": page.get_by_role("button", name="保存边界为新版本", include_hidden=True).count(),
        "roll back": page.get_by_role("button", name="回滚", exact=True, include_hidden=True).count(),
        "conflict choices": page.get_by_text("保留已公布的数字", exact=True).count(),
        "tabs": page.get_by_role("tab", name="表格数据", include_hidden=True).count(),
    }


NONE = {"file inputs": 0, "save": 0, "outline save": 0, "roll back": 0, "conflict choices": 0, "tabs": 0}


def _sign_in(page, name: str) -> None:
    page.get_by_label("用户名", exact=True).fill(name)
    page.get_by_label("密码", exact=True).fill(PW)
    page.get_by_role("button", name="登录", exact=True).click()


def _revisions(store: Store) -> list[tuple]:
    return [(r.id, r.action, r.imported_rows, r.row_count) for r in store.revisions()]


def _listening(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) on which something listens on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_workers_listen_on_loopback_only(office):
    assert office["workers"] and all(w["url"].startswith("http://127.0.0.1:") for w in office["workers"])
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    for worker in office["workers"]:
        assert _listening(worker["port"]) == {"0100007F"}, worker  # 127.0.0.1 only, not 0.0.0.0 or ::


@pytest.mark.parametrize("headers", [{}, FORGED], ids=["anonymous", "forged-headers"])
def test_anonymous_visitor_even_with_forged_headers_cannot_edit(office, page_factory, artifacts, headers):
    before = _revisions(office["store"])
    page = page_factory(extra_http_headers=headers)
    page.goto(office["url"] + "/import")
    page.get_by_text("只有编辑人员可以导入数据").wait_for(timeout=60_000)
    _settled(page)
    assert _controls(page) == NONE
    page.get_by_text("统计科").first.wait_for()  # the history is open to everyone
    side = page.locator("[data-testid='stSidebar']").inner_text()
    assert "只读浏览" in side and "已登录" not in side
    page.get_by_role("link", name="地图").first.click()  # another page, then back: still read only
    page.get_by_role("heading", name="北京知识产权区域布局图").wait_for(timeout=60_000)
    page.get_by_text("只有编辑人员可以导入数据").wait_for(state="detached", timeout=60_000)
    _settled(page)
    page.get_by_role("link", name="数据导入").click()
    page.get_by_role("heading", name="数据导入").wait_for(timeout=60_000)
    page.get_by_text("只有编辑人员可以导入数据").wait_for(timeout=60_000)
    _settled(page)
    assert _controls(page) == NONE
    page.screenshot(path=str(artifacts / f"auth-import-{'forged' if headers else 'anonymous'}.png"), full_page=True)
    assert _revisions(office["store"]) == before


def test_signed_in_viewer_cannot_edit(office, page_factory):
    before = _revisions(office["store"])
    page = page_factory()
    page.goto(office["url"] + "/import")
    _sign_in(page, "li.si")
    page.get_by_text("已登录: li.si(浏览者)").wait_for(timeout=60_000)
    _settled(page)
    assert _controls(page) == NONE
    page.get_by_text("您的账号是查看权限").wait_for()
    assert _revisions(office["store"]) == before


def test_wrong_password_is_refused_with_one_message(office, page_factory):
    page = page_factory()
    page.goto(office["url"] + "/import")
    page.get_by_label("用户名", exact=True).fill("zhang.san")
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_text("用户名或密码不正确。").wait_for(timeout=60_000)
    _settled(page)
    assert _controls(page) == NONE


def test_editor_imports_and_rolls_back_and_signing_out_removes_the_controls(office, page_factory, artifacts):
    store = office["store"]
    first = store.current_revision_id()
    page = page_factory()
    page.goto(office["url"] + "/import")
    _sign_in(page, "zhang.san")
    page.get_by_text("已登录: zhang.san(编辑)").wait_for(timeout=60_000)
    page.locator("input[type=file]").first.wait_for(state="attached", timeout=60_000)
    _settled(page)
    drawn = _controls(page)  # the same count that finds nothing for viewers finds the editor's controls
    assert drawn["file inputs"] == 2 and drawn["roll back"] == 1 and drawn["tabs"] == 1, drawn
    page.locator("input[type=file]").first.set_input_files(files=[FILE])
    page.get_by_text("冲突 3").first.wait_for(timeout=60_000)
    for i in range(3):  # keep each published figure the file's totals conflict with
        page.get_by_text("保留已公布的数字", exact=True).nth(i).click()
        wait_idle(page, 60_000)
    for label, value in (("来源出版物(必填)", SOURCE.title), ("表名/表号", SOURCE.table),
                         ("来源网址(必填)", SOURCE.url)):
        box = page.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter")
        wait_idle(page, 60_000)
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.includes('保存为新版本') && !b.disabled)", timeout=30_000)
    page.get_by_role("button", name="保存为新版本").click()
    page.get_by_text(f"已保存为版本 {first + 1}").wait_for(timeout=60_000)
    assert store.current_revision_id() == first + 1

    page.get_by_role("tab", name="版本历史").click()
    history = page.get_by_role("tabpanel", name="版本历史")
    history.locator("table.atlas-revisions td", has_text="zhang.san").first.wait_for(timeout=30_000)
    target = history.get_by_label("回滚到版本")
    target.click()
    page.get_by_role("option", name=str(first), exact=True).click()
    wait_idle(page, 60_000)
    history.get_by_role("button", name="回滚", exact=True).click()
    page.get_by_text(f"新版本 {first + 2} 恢复了版本 {first}").wait_for(timeout=60_000)
    revisions = store.revisions()
    assert [(r.id, r.action, r.target) for r in revisions[:2]] == [(first + 2, "rollback", first),
                                                                   (first + 1, "import", None)]
    assert {(r.author, r.author_role, r.author_via) for r in revisions[:2]} == {("zhang.san", "editor", "password")}
    page.screenshot(path=str(artifacts / "auth-editor-rolled-back.png"), full_page=True)

    page.locator("[data-testid='stSidebar']").get_by_role("button", name="退出登录").click()
    page.get_by_text("只有编辑人员可以导入数据").wait_for(timeout=60_000)
    _settled(page)
    assert _controls(page) == NONE
