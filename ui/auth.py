"""Who the browser session is, and the sign-in UI (sidebar status, sign-in panel, admin section).

Two kinds of deployment (:func:`deployment`):

- **local**: ``./atlas run`` listening on loopback only (``server.address`` 127.0.0.1/::1/localhost,
  the default of ``./atlas run``): one person on their own machine, who edits without signing in
  (``Actor("os:<login>", "editor", "local")``);
- **office**: any other address (``./atlas run --server.address 0.0.0.0``; Streamlit's own default of
  all interfaces), or ``ATLAS_DEPLOYMENT=office`` (set by ``./atlas serve`` for its workers, which
  listen on loopback behind HAProxy). Visitors are viewers without signing in (or, with
  ``ATLAS_REQUIRE_SIGN_IN=1`` / ``[atlas] require_sign_in = true`` in ``.streamlit/secrets.toml``,
  see nothing until they sign in); editors sign in

  * with the office's identity provider (OIDC through ``st.login``, when ``[auth]`` is configured in
    ``secrets.toml``): the role comes from a group claim or an allow-list (``geo.accounts.OidcRoles``);
  * or with a password account kept in the atlas's database (``./atlas user add``): the default
    that needs no identity provider.

The role is read again on every run (an account removed or demoted loses its rights at once); a
password sign-in ends after :data:`geo.accounts.IDLE_SECONDS` without an interaction, an OIDC one
that long after the provider signed the person in. Identity comes only from Streamlit's signed
cookie (OIDC) or this session's own state (password): no request header is ever read.
"""

from __future__ import annotations

import getpass
import os
import time
from typing import Any

import streamlit as st

from geo.access import ANONYMOUS, ROLES, Actor
from geo.accounts import (
    IDLE_SECONDS,
    MIN_PASSWORD,
    AccountError,
    Accounts,
    OidcRoles,
    is_loopback,
    lock_seconds,
    minutes,
)
from geo.imports.store import default_url
from geo.text.i18n import t
from geo.text.safe import escape_text
from ui.tables import dataframe

__all__ = ["admin_section", "current_actor", "deployment", "draw_sidebar", "gate", "require_sign_in",
           "sign_in_panel"]

_ACCOUNT, _SEEN = "auth_account", "auth_seen"  # password sign-in: the account name, the last interaction
_FAILS, _LOCKED = "auth_failures", "auth_locked_until"  # this session's failed attempts, its own lock
_MESSAGE = "auth_message"  # ("error" | "info", text key, format args) shown by the sign-in panel
_EXPIRED = "auth_expired"


def deployment() -> str:
    """Return ``"local"`` (loopback-only ``./atlas run``) or ``"office"``; see the module docstring."""
    if os.environ.get("ATLAS_DEPLOYMENT", "").strip().lower() == "office":
        return "office"
    return "local" if is_loopback(st.get_option("server.address")) else "office"


def _secrets_section(name: str) -> dict[str, Any]:
    if not st.secrets.load_if_toml_exists():
        return {}
    section = st.secrets.get(name)
    return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})


def _oidc_configured() -> bool:
    return bool(_secrets_section("auth"))


def require_sign_in() -> bool:
    """Whether every page needs a signed-in person (office only): env ``ATLAS_REQUIRE_SIGN_IN`` or secrets."""
    env = os.environ.get("ATLAS_REQUIRE_SIGN_IN", "").strip().lower()
    if env:
        return env in ("1", "true", "yes", "on")
    return bool(_secrets_section("atlas").get("require_sign_in", False))


@st.cache_resource(show_spinner=False)
def _accounts_for(url: str) -> Accounts:
    return Accounts(url)


def _accounts() -> Accounts:
    return _accounts_for(default_url())


def _oidc_actor(now: float) -> Actor | None:
    if not _oidc_configured() or not st.user.is_logged_in:
        return None
    claims = st.user.to_dict()
    since = claims.get("auth_time") or claims.get("iat")
    if isinstance(since, int | float) and now - since > IDLE_SECONDS:
        st.session_state[_EXPIRED] = True
        return None
    return OidcRoles.from_config(_secrets_section("atlas")).actor(claims)


def _password_actor(now: float) -> Actor | None:
    name = st.session_state.get(_ACCOUNT)
    if not name:
        return None
    if now - st.session_state.get(_SEEN, 0.0) > IDLE_SECONDS:
        _sign_out_password()
        st.session_state[_EXPIRED] = True
        return None
    account = _accounts().get(name)
    if account is None:  # removed meanwhile: its rights end now
        _sign_out_password()
        return None
    st.session_state[_SEEN] = now
    return account.actor()


def current_actor() -> Actor:
    """Return who this session is: the local editor, a signed-in person, or :data:`geo.access.ANONYMOUS`."""
    if deployment() == "local":
        return Actor(f"os:{getpass.getuser()}", "editor", "local")
    now = time.time()
    return _oidc_actor(now) or _password_actor(now) or ANONYMOUS


# ---------------------------------------------------------------------- password sign-in
def _sign_out_password() -> None:
    for key in (_ACCOUNT, _SEEN):
        st.session_state.pop(key, None)


def _sign_in() -> None:
    """Form callback: check the name and password; never keep the password in the session."""
    name = st.session_state.get("auth_name", "")
    password = st.session_state.get("auth_password", "")
    st.session_state["auth_password"] = ""
    now = time.time()
    if st.session_state.get(_LOCKED, 0.0) > now:  # this session tried too often, whatever the name
        st.session_state[_MESSAGE] = ("error", "auth.locked", {"minutes": minutes(st.session_state[_LOCKED] - now)})
        return
    result = _accounts().verify(name, password, now=now)
    if result.ok:
        st.session_state.update({_ACCOUNT: result.actor.identity, _SEEN: now, _FAILS: 0})  # type: ignore[union-attr]
        st.session_state.pop(_EXPIRED, None)
        st.session_state.pop(_MESSAGE, None)
        return
    fails = st.session_state.get(_FAILS, 0) + 1
    st.session_state[_FAILS] = fails
    locked_for = max(result.locked_for, lock_seconds(fails))
    if lock_seconds(fails):
        st.session_state[_LOCKED] = now + lock_seconds(fails)
    if locked_for:
        st.session_state[_MESSAGE] = ("error", "auth.locked", {"minutes": minutes(locked_for)})
    else:
        st.session_state[_MESSAGE] = ("error", "auth.wrong", {})


def _sign_out() -> None:
    _sign_out_password()
    st.session_state.pop(_EXPIRED, None)


# ---------------------------------------------------------------------- drawing
def _role(actor: Actor, lang: str) -> str:
    return t(f"import.role.{actor.role}", lang)


def draw_sidebar(lang: str) -> Actor:
    """Sidebar (every page): who is signed in and a sign-out button, or that the view is read only.

    Nothing in a local deployment (the Import page says that editing needs no sign-in there).
    """
    actor = current_actor()
    with st.sidebar:
        if actor.via in ("password", "oidc"):
            st.caption(escape_text(t("auth.signed_in", lang, who=actor.identity, role=_role(actor, lang))))
            if actor.via == "oidc":
                if st.button(t("auth.sign_out", lang), key="auth_sign_out_oidc"):
                    st.logout()
            else:
                st.button(t("auth.sign_out", lang), key="auth_sign_out", on_click=_sign_out)
        elif not require_sign_in():
            st.caption(t("auth.read_only", lang))
    return actor


def sign_in_panel(lang: str) -> None:
    """The sign-in choices of this deployment: the office account (OIDC) and/or a password form."""
    if st.session_state.get(_EXPIRED):
        st.warning(t("auth.expired", lang, hours=IDLE_SECONDS // 3600))
    if _oidc_configured():
        if st.button(t("auth.oidc_button", lang), key="auth_oidc", type="primary"):
            st.login()
    has_accounts = len(_accounts()) > 0
    if not has_accounts and not _oidc_configured():
        st.info(t("auth.no_accounts", lang))
        return
    if not has_accounts:
        return
    with st.form("auth_form", border=True):
        st.markdown(f"**{t('auth.heading', lang)}**")
        st.text_input(t("auth.name", lang), key="auth_name", autocomplete="username")
        st.text_input(t("auth.password", lang), key="auth_password", type="password",
                      autocomplete="current-password")
        st.form_submit_button(t("auth.submit", lang), on_click=_sign_in)
    if (message := st.session_state.get(_MESSAGE)) is not None:
        st.error(t(message[1], lang, **message[2]))


def gate(lang: str) -> None:
    """Before a page runs (app.py): where every page requires sign-in, stop here for anonymous visitors."""
    if deployment() == "local" or not require_sign_in():
        return
    if current_actor().via != "anonymous":
        return
    st.title(t("auth.required_title", lang))
    st.caption(t("auth.required", lang))
    sign_in_panel(lang)
    st.stop()


def editors_only(lang: str, actor: Actor) -> None:
    """What a viewer sees instead of the import controls: why, and how an editor signs in."""
    st.info(t("auth.viewer_signed_in", lang) if actor.via in ("password", "oidc") else t("auth.editors_only", lang))
    if actor.via == "anonymous":
        sign_in_panel(lang)


# ---------------------------------------------------------------------- admin
def _admin_save() -> None:
    actor = current_actor()
    if not actor.is_admin:
        return
    name = st.session_state.get("auth_admin_name", "").strip()
    role = st.session_state.get("auth_admin_role", "editor")
    password = st.session_state.get("auth_admin_password", "")
    st.session_state["auth_admin_password"] = ""
    if name.casefold() == actor.identity.casefold() and role != "admin":
        st.session_state["auth_admin_message"] = ("error", "auth.admin.self", {})
        return
    try:
        saved = _accounts().add(name, password, role, by=actor.identity, replace=True)
    except AccountError as exc:
        key = "auth.admin.bad_password" if "password" in str(exc) else "auth.admin.bad_name"
        st.session_state["auth_admin_message"] = ("error", key, {"n": MIN_PASSWORD})
    else:
        st.session_state["auth_admin_message"] = ("success", "auth.admin.saved", {"name": saved.name,
                                                                                  "role": saved.role})


def _admin_remove(name: str) -> None:
    actor = current_actor()
    if not actor.is_admin:
        return
    if name.casefold() == actor.identity.casefold():
        st.session_state["auth_admin_message"] = ("error", "auth.admin.self", {})
        return
    _accounts().remove(name)
    st.session_state["auth_admin_message"] = ("success", "auth.admin.removed", {"name": name})


def admin_section(lang: str, actor: Actor) -> None:
    """For admins: the password accounts, add or reset one, remove one (the CLI does the same)."""
    if not actor.is_admin:
        return
    with st.expander(t("auth.admin.heading", lang)):
        if (message := st.session_state.pop("auth_admin_message", None)) is not None:
            (st.success if message[0] == "success" else st.error)(escape_text(t(message[1], lang, **message[2])))
        accounts = _accounts().list()
        st.markdown(f"**{t('auth.admin.list', lang)}**")
        dataframe([{t("auth.name", lang): a.name, t("auth.admin.role", lang): t(f"import.role.{a.role}", lang)}
                      for a in accounts], hide_index=True)
        with st.form("auth_admin_form"):
            st.markdown(f"**{t('auth.admin.add', lang)}**")
            st.text_input(t("auth.name", lang), key="auth_admin_name")
            st.selectbox(t("auth.admin.role", lang), ROLES, index=1, key="auth_admin_role",
                         format_func=lambda r: t(f"import.role.{r}", lang))
            st.text_input(t("auth.admin.new_password", lang, n=MIN_PASSWORD), key="auth_admin_password",
                          type="password", autocomplete="new-password")
            st.form_submit_button(t("auth.admin.save", lang), on_click=_admin_save)
        others = [a.name for a in accounts if a.name.casefold() != actor.identity.casefold()]
        if others:
            target = st.selectbox(t("auth.admin.remove", lang), others, index=None, key="auth_admin_remove_name",
                                  placeholder=t("common.choose", lang))
            st.button(t("auth.admin.remove", lang), key="auth_admin_remove", disabled=target is None,
                      on_click=_admin_remove, args=(target or "",))
