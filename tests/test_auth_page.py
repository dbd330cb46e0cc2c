"""Sign-in and roles on the pages (AppTest): what anonymous visitors, viewers, editors and admins see and can do.

Here AppTest runs with no server address, as an office deployment (``ui.auth.deployment``), unless a
test sets ``server.address`` to loopback (the ``local`` fixture: ``./atlas run`` on this machine).
"""

from __future__ import annotations

import time

import pytest
from common_import import SOURCE, xlsx, yearbook_rows
from conftest import ROOT
from streamlit import config
from streamlit.testing.v1 import AppTest

from geo.access import Actor
from geo.accounts import IDLE_SECONDS, MAX_FAILURES, Accounts
from geo.imports.store import Store
from geo.text.i18n import t

PW = "zhengque-mima-2024"
EDITING_KEYS = ("import_save", "import_rollback", "import_rollback_target", "import_boundary_save",
                "import_boundary_zone", "import_year", "import_source_title")


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_VAR_DIR", str(tmp_path))
    for name in ("ATLAS_DATABASE_URL", "ATLAS_DEPLOYMENT", "ATLAS_REQUIRE_SIGN_IN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def store(var) -> Store:
    s = Store(f"sqlite:///{var / 'atlas.sqlite'}")
    assert s.import_upload(xlsx(yearbook_rows(2023)), "a.xlsx", SOURCE, Actor("统计科", "editor", "cli"))[1] is not None
    return s


@pytest.fixture
def accounts(var) -> Accounts:
    a = Accounts(f"sqlite:///{var / 'atlas.sqlite'}")
    a.add("zhang.san", PW, "editor")
    a.add("li.si", PW, "viewer")
    a.add("wang.admin", PW, "admin")
    return a


@pytest.fixture(autouse=True)
def office(_app_on_loopback):
    """An office deployment: no loopback address (the conftest's default is ``./atlas run`` on loopback)."""
    config.set_option("server.address", None)


@pytest.fixture
def local(office):
    config.set_option("server.address", "127.0.0.1")


def open_import(at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/import_data.py")
    return at.run()


def widget_keys(at: AppTest) -> set[str]:
    keys = set()
    for kind in ("button", "selectbox", "text_input", "radio", "file_uploader"):
        keys |= {getattr(w, "key", None) for w in at.get(kind)}
    return keys - {None}


def editing_controls(at: AppTest) -> set[str]:
    return (widget_keys(at) & set(EDITING_KEYS)) | ({"file_uploader"} if at.get("file_uploader") else set())


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    next(w for w in at.text_input if w.key == "auth_name").input(name)
    next(w for w in at.text_input if w.key == "auth_password").input(password)
    next(b for b in at.button if b.label == "登录").click()
    return at.run()


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.sidebar.caption)


def test_anonymous_visitor_sees_history_and_a_sign_in_form_but_no_editing_control(store, accounts):
    at = open_import()
    assert not at.exception
    assert editing_controls(at) == set()
    assert any("只有编辑人员可以导入数据" in i.value for i in at.info)
    assert "统计科" in " ".join(m.value for m in at.markdown)  # the revision list stays open to everyone
    assert {"auth_name", "auth_password"} <= widget_keys(at)
    assert "只读浏览" in sidebar_text(at)
    assert store.current_revision_id() == 1


def test_no_accounts_and_no_provider_says_so(store):
    at = open_import()
    assert editing_controls(at) == set() and "auth_name" not in widget_keys(at)
    assert any("尚未设置编辑账号" in i.value for i in at.info)


def test_signed_in_viewer_still_has_no_editing_control(store, accounts):
    at = sign_in(open_import(), "li.si", PW)
    assert not at.exception
    assert "已登录: li.si(浏览者)" in sidebar_text(at)
    assert editing_controls(at) == set()
    assert any("查看权限" in i.value for i in at.info)


def test_editor_signs_in_rolls_back_and_signing_out_removes_the_controls(store, accounts):
    at = sign_in(open_import(), "Zhang.San ", PW)
    assert not at.exception
    assert "已登录: zhang.san(编辑)" in sidebar_text(at)
    assert {"import_rollback", "import_rollback_target", "import_source_title"} <= editing_controls(at)
    assert at.session_state["auth_password"] == ""  # the password is not kept in the session
    next(b for b in at.button if b.key == "import_rollback").click().run()
    assert not at.exception and store.current_revision_id() == 2
    rolled = store.revisions()[0]  # the store recorded the signed-in editor
    assert (rolled.author, rolled.author_role, rolled.author_via) == ("zhang.san", "editor", "password")
    next(b for b in at.button if b.key == "auth_sign_out").click().run()
    assert editing_controls(at) == set() and "只读浏览" in sidebar_text(at)


def test_wrong_password_and_unknown_name_say_the_same_and_repeats_are_locked(store, accounts):
    at = sign_in(open_import(), "zhang.san", "wrong-password")
    wrong = [e.value for e in at.error]
    at = sign_in(at, "nobody", PW)
    assert wrong == [e.value for e in at.error] == ["用户名或密码不正确。"]
    for _ in range(MAX_FAILURES - 2):
        at = sign_in(at, "zhang.san", "wrong-password")
    assert [e.value for e in at.error] == ["登录失败次数过多, 请 1 分钟后再试。"]
    at = sign_in(at, "zhang.san", PW)  # the right password is refused while locked
    assert editing_controls(at) == set() and "登录失败次数过多" in at.error[0].value


def test_idle_session_expires_and_loses_the_controls_on_its_next_interaction(store, accounts):
    at = sign_in(open_import(), "zhang.san", PW)
    assert "import_rollback" in widget_keys(at)
    at.session_state["auth_seen"] = time.time() - IDLE_SECONDS - 60  # 8 h without an interaction
    next(b for b in at.button if b.key == "import_rollback").click().run()  # the button drawn before
    assert not at.exception
    assert store.current_revision_id() == 1  # the callback checked the role again: nothing written
    assert editing_controls(at) == set()
    assert any("登录已过期" in w.value for w in at.warning)
    assert any("只有编辑可以修改数据" in e.value for e in at.error)


def test_removed_account_loses_its_rights_at_once(store, accounts):
    at = sign_in(open_import(), "zhang.san", PW)
    assert "import_rollback" in widget_keys(at)
    accounts.remove("zhang.san")
    at.run()
    assert editing_controls(at) == set() and "只读浏览" in sidebar_text(at)


def test_admin_adds_an_editor_on_the_page(store, accounts):
    at = sign_in(open_import(), "wang.admin", PW)
    assert "已登录: wang.admin(管理员)" in sidebar_text(at)
    next(w for w in at.text_input if w.key == "auth_admin_name").input("zhao.liu")
    next(w for w in at.text_input if w.key == "auth_admin_password").input("xin-mima-123456")
    next(b for b in at.button if b.label == "保存账号").click().run()
    assert not at.exception
    assert any("已保存账号 zhao.liu(editor)" in s.value for s in at.success)
    assert accounts.verify("zhao.liu", "xin-mima-123456").actor.role == "editor"
    # an editor has no admin section
    at2 = sign_in(open_import(), "zhang.san", PW)
    assert "auth_admin_name" not in widget_keys(at2)


OIDC_SECRETS = {
    "auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 40, "client_id": "atlas",
             "client_secret": "s", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
    "atlas": {"editor_groups": ["atlas-editors"], "admins": ["chief@bjipo.gov.cn"]},
}


def _oidc_app(user: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets.update(OIDC_SECRETS)
    at.user = user
    return open_import(at.run())


def test_oidc_group_claim_or_allow_list_decides_the_role(store):
    now = int(time.time())
    editor = _oidc_app({"is_logged_in": True, "sub": "1", "email": "ann@bjipo.gov.cn", "groups": ["atlas-editors"],
                        "iat": now})
    assert "已登录: ann@bjipo.gov.cn(编辑)" in sidebar_text(editor) and "import_rollback" in widget_keys(editor)
    chief = _oidc_app({"is_logged_in": True, "sub": "2", "email": "chief@bjipo.gov.cn", "iat": now})
    assert "(管理员)" in sidebar_text(chief) and "auth_admin_name" in widget_keys(chief)
    viewer = _oidc_app({"is_logged_in": True, "sub": "3", "email": "bob@bjipo.gov.cn", "groups": ["staff"], "iat": now})
    assert "(浏览者)" in sidebar_text(viewer) and editing_controls(viewer) == set()
    stale = _oidc_app({"is_logged_in": True, "sub": "1", "email": "ann@bjipo.gov.cn", "groups": ["atlas-editors"],
                       "iat": now - IDLE_SECONDS - 60})
    assert editing_controls(stale) == set() and any("登录已过期" in w.value for w in stale.warning)
    anonymous = _oidc_app({"is_logged_in": False})
    assert editing_controls(anonymous) == set()
    assert any(b.label == "使用单位账号登录" for b in anonymous.button)


def test_require_sign_in_hides_every_page_until_signed_in(store, accounts, monkeypatch):
    monkeypatch.setenv("ATLAS_REQUIRE_SIGN_IN", "1")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["请先登录"]
    assert not at.get("atlas_map") and not at.get("plotly_chart")
    at = sign_in(at, "li.si", PW)
    assert [t.value for t in at.title] != ["请先登录"] and "已登录: li.si(浏览者)" in sidebar_text(at)


def test_english_sign_in(store, accounts):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at = open_import(at.run())
    assert any("Only editors can import" in i.value for i in at.info)
    next(w for w in at.text_input if w.key == "auth_name").input("x")
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert [e.value for e in at.error] == ["The user name or password is not correct."]


def test_loopback_run_edits_without_sign_in(store, local):
    at = open_import()
    assert {"import_rollback", "import_source_title"} <= editing_controls(at)
    assert any("无需登录即可导入和回滚" in c.value for c in at.caption)
    assert "auth_name" not in widget_keys(at)


def test_forged_identity_headers_are_never_read():
    """No app code reads a request header for identity (st.context.headers, Remote-User and friends)."""
    forged = ("x-forwarded-user", "remote-user", "x-remote-user", "x-forwarded-email", "x-auth-request-user",
              "context.headers")
    sources = [ROOT / "app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "views").glob("*.py"), *(ROOT / "geo").rglob("*.py")]
    hits = [(p.name, h) for p in sources for h in forged if h in p.read_text(encoding="utf-8").lower()]
    assert hits == []


def test_xsrf_protection_stays_on():
    config.get_config_options(force_reparse=True)
    assert config.get_option("server.enableXsrfProtection") is True
    assert "enableXsrfProtection" not in (ROOT / ".streamlit" / "config.toml").read_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sign_in_texts_follow_the_language(store, accounts, lang):
    """The read-only Import page with its sign-in form, and an admin's page, in one language each."""
    from test_i18n_pages import check, page_strings

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at = open_import(at.run())
    assert at.title[0].value == t("import.title", lang)
    # what this page adds (the intro and the revision table, with data in them, are the Import page's own)
    own = (t("import.intro", lang),)
    texts = [s for s in page_strings(at) if s not in own and not s.startswith("<table")]
    assert len(texts) >= 8, texts
    check([*texts, *(f"item {i}" for i in range(6))], lang)  # the read-only page is shorter than check's minimum
    next(w for w in at.text_input if w.key == "auth_name").input("wang.admin")
    next(w for w in at.text_input if w.key == "auth_password").input(PW)
    next(b for b in at.button if b.label == t("auth.submit", lang)).click().run()
    texts = [s for s in page_strings(at) if s not in own and not s.startswith("<table")]
    assert any(t("auth.admin.heading", lang) in s for s in texts) and any(t("auth.sign_out", lang) in s for s in texts)
    check(texts, lang)
