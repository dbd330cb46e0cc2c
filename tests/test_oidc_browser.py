"""Sign-in through a real OpenID Connect provider, in Chromium: ``st.login`` against panva's oidc-provider.

The provider (tests/oidc/provider.mjs, npm ``oidc-provider`` run with Debian's ``nodejs``; ``./atlas
test`` installs it from tests/oidc/package-lock.json) and the app run on loopback; the app as an
office deployment (``ATLAS_DEPLOYMENT=office``) with ``[auth]`` and ``[atlas]`` in a secrets file
of the test's own. The browser signs in on the provider's login and consent pages; the ID token's
``groups`` claim decides the role (``atlas-editors`` → editor); signing out (Streamlit's
``st.logout``, then the provider's end-session page) removes the editor controls.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from common_import import SOURCE, xlsx, yearbook_rows
from conftest import ROOT, free_port

from geo.access import Actor
from geo.imports.store import Store

pytestmark = pytest.mark.browser

OIDC_DIR = ROOT / "tests" / "oidc"
USERS = {
    "ann": {"password": "ann-directory-pw", "email": "ann@bjipo.gov.cn", "name": "Ann", "groups": ["staff", "atlas-editors"]},
    "bob": {"password": "bob-directory-pw", "email": "bob@bjipo.gov.cn", "name": "Bob", "groups": ["staff"]},
}
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"
NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            with opener.open(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # polling a health endpoint
    raise RuntimeError(f"{url} did not answer in time")


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory):
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Debian nodejs is not installed (./atlas test installs it as root)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("tests/oidc/node_modules missing (./atlas test runs npm ci there)")
    tmp = tmp_path_factory.mktemp("oidc")
    app_port, idp_port = free_port(), free_port()
    client_secret = secrets.token_urlsafe(24)
    redirect = f"http://127.0.0.1:{app_port}/oauth2callback"
    secrets_file = tmp / "secrets.toml"
    secrets_file.write_text(f"""
[auth]
redirect_uri = "{redirect}"
cookie_secret = "{secrets.token_urlsafe(32)}"
client_id = "atlas"
client_secret = "{client_secret}"
server_metadata_url = "http://127.0.0.1:{idp_port}/.well-known/openid-configuration"
client_kwargs = {{ scope = "openid email profile groups", prompt = "login" }}

[atlas]
group_claim = "groups"
editor_groups = ["atlas-editors"]
""", encoding="utf-8")
    var = tmp / "var"
    Store(f"sqlite:///{var / 'atlas.sqlite'}").import_upload(xlsx(yearbook_rows(2022)), "2022.xlsx", SOURCE,
                                                             Actor("统计科", "editor", "cli"))
    idp_log, app_log = (tmp / "idp.log").open("wb"), (tmp / "app.log").open("wb")
    idp = subprocess.Popen([node, "provider.mjs"], cwd=OIDC_DIR, stdout=idp_log, stderr=subprocess.STDOUT,
                           env={**os.environ, "OIDC_PORT": str(idp_port), "OIDC_REDIRECT_URI": redirect,
                                "OIDC_CLIENT_SECRET": client_secret, "OIDC_USERS": json.dumps(USERS)})
    env = {k: v for k, v in os.environ.items() if k not in ("ATLAS_DATABASE_URL", "ATLAS_REQUIRE_SIGN_IN")}
    app = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(app_port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--secrets.files", str(secrets_file)],
        cwd=ROOT, stdout=app_log, stderr=subprocess.STDOUT,
        env={**env, **NO_PROXY, "ATLAS_VAR_DIR": str(var), "ATLAS_DEPLOYMENT": "office"})
    try:
        _wait_http(f"http://127.0.0.1:{idp_port}/.well-known/openid-configuration", idp)
        _wait_http(f"http://127.0.0.1:{app_port}/_stcore/health", app)
        yield f"http://127.0.0.1:{app_port}"
    finally:
        for proc in (app, idp):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        idp_log.close()
        app_log.close()
        if os.environ.get("ATLAS_KEEP_OIDC_LOGS"):
            print((tmp / "idp.log").read_text(), (tmp / "app.log").read_text())


def _settled(page) -> None:
    page.wait_for_selector(SETTLED, timeout=60_000)


def _editing_controls(page) -> int:
    return (page.locator("input[type=file]").count()
            + page.get_by_role("button", name="回滚", exact=True, include_hidden=True).count()
            + page.get_by_role("button", name="保存为新版本", include_hidden=True).count())


def _open_import(page, url: str) -> None:
    page.goto(url + "/import")
    page.get_by_role("heading", name="数据导入").wait_for(timeout=60_000)
    _settled(page)


def _sign_in_at_the_provider(page, url: str, login: str, password: str) -> None:
    _open_import(page, url)
    page.get_by_role("button", name="使用单位账号登录").click()
    page.get_by_role("heading", name="Office directory sign-in").wait_for(timeout=60_000)  # the provider's page
    assert page.url.startswith("http://127.0.0.1:") and "/interaction/" in page.url and url not in page.url
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_group_claim_makes_an_editor_and_sign_out_removes_the_controls(oidc_app, page_factory, artifacts):
    page = page_factory()
    _sign_in_at_the_provider(page, oidc_app, "ann", "wrong-password")
    page.get_by_role("alert").get_by_text("Wrong username or password.").wait_for(timeout=30_000)
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(USERS["ann"]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Allow").click()  # the provider's consent page
    page.wait_for_url(oidc_app + "/**", timeout=60_000)  # back in the atlas, signed in
    _settled(page)
    _open_import(page, oidc_app)
    page.get_by_text("已登录: ann@bjipo.gov.cn(编辑)").wait_for(timeout=60_000)
    page.locator("input[type=file]").first.wait_for(state="attached", timeout=60_000)
    _settled(page)
    assert page.get_by_role("button", name="回滚", exact=True, include_hidden=True).count() == 1
    page.screenshot(path=str(artifacts / "oidc-editor.png"), full_page=True)

    page.locator("[data-testid='stSidebar']").get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="Yes, sign me out").click(timeout=60_000)  # the provider's end-session page
    page.wait_for_url(oidc_app + "/**", timeout=60_000)
    _open_import(page, oidc_app)
    page.get_by_text("只有编辑人员可以导入数据").wait_for(timeout=60_000)
    assert _editing_controls(page) == 0
    assert "已登录" not in page.locator("[data-testid='stSidebar']").inner_text()
    assert not [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]


def test_without_the_group_a_directory_user_is_a_viewer(oidc_app, page_factory):
    page = page_factory()
    _sign_in_at_the_provider(page, oidc_app, "bob", USERS["bob"]["password"])
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(oidc_app + "/**", timeout=60_000)
    _settled(page)
    _open_import(page, oidc_app)
    page.get_by_text("已登录: bob@bjipo.gov.cn(浏览者)").wait_for(timeout=60_000)
    page.get_by_text("您的账号是查看权限").wait_for()
    assert _editing_controls(page) == 0
