"""Password accounts (geo.accounts) and ``./atlas user``: hashes, sign-in, lockout, add/remove/list."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from conftest import ROOT

from geo import accounts as acc
from geo.access import Actor
from geo.accounts import ACCOUNTS, AccountError, Accounts

PW = "correct horse battery"


@pytest.fixture
def accounts(tmp_path) -> Accounts:
    return Accounts(f"sqlite:///{tmp_path / 'atlas.sqlite'}")


def test_password_is_stored_as_an_argon2id_hash_only(accounts):
    accounts.add("zhang.san", PW)
    with accounts.engine.connect() as conn:
        stored = conn.execute(sa.select(ACCOUNTS)).one()
    assert stored.password_hash.startswith("$argon2id$") and PW not in stored.password_hash
    assert PW not in repr(accounts.list()) and "argon2" not in repr(accounts.list())


def test_right_password_signs_in_with_the_accounts_role(accounts):
    accounts.add("Zhang.San", PW, "admin")
    result = accounts.verify("  zhang.san ", PW)  # names match trimmed and case-folded
    assert result.ok and result.actor == Actor("Zhang.San", "admin", "password")
    assert accounts.verify("zhang.san", PW).actor.can_edit


def test_wrong_password_and_unknown_name_give_the_same_answer(accounts):
    accounts.add("zhang.san", PW)
    wrong_password = accounts.verify("zhang.san", PW + "!")
    unknown_name = accounts.verify("li.si", PW)
    assert wrong_password == unknown_name == acc.SignIn(None, 0.0)
    assert not wrong_password.ok


def test_repeated_failures_lock_the_name_then_it_opens_again(accounts):
    accounts.add("zhang.san", PW)
    now = 1_000_000.0
    for _ in range(acc.MAX_FAILURES - 1):
        assert accounts.verify("zhang.san", "guess-guess", now=now).locked_for == 0
    assert accounts.verify("zhang.san", "guess-guess", now=now).locked_for == acc.LOCK_SECONDS  # the 5th locks
    locked = accounts.verify("zhang.san", PW, now=now + 1)  # even the right password is refused meanwhile
    assert not locked.ok and locked.locked_for == pytest.approx(acc.LOCK_SECONDS - 1)
    assert accounts.verify("zhang.san", PW, now=now + acc.LOCK_SECONDS + 1).ok  # after the window: in
    assert accounts.failures("zhang.san") == 0  # and the count starts again


def test_lockout_grows_and_does_not_tell_which_names_exist(accounts):
    accounts.add("zhang.san", PW)
    now = 2_000_000.0
    for name in ("zhang.san", "nobody.here"):
        for i in range(acc.MAX_FAILURES + 1):
            accounts.verify(name, "guess-guess", now=now + i * 10_000)  # each after the last lock ended
        assert accounts.verify(name, PW, now=now + (acc.MAX_FAILURES + 1) * 10_000 - 9_999).locked_for > 0
    assert accounts.failures("zhang.san") == accounts.failures("nobody.here") == acc.MAX_FAILURES + 1
    assert acc.lock_seconds(acc.MAX_FAILURES + 1) == 2 * acc.LOCK_SECONDS


def test_add_remove_list_and_bad_input(accounts):
    accounts.add("wang.wu", PW, "editor", by="os:root")
    accounts.add("admin@bjipo.gov.cn", PW, "admin")
    assert [(a.name, a.role) for a in accounts.list()] == [("admin@bjipo.gov.cn", "admin"), ("wang.wu", "editor")]
    assert accounts.list()[1].created_by == "os:root" and len(accounts) == 2
    with pytest.raises(AccountError, match="exists"):
        accounts.add("Wang.Wu", PW)
    accounts.add("wang.wu", PW + "2", "viewer", replace=True)
    assert accounts.get("wang.wu").role == "viewer" and accounts.verify("wang.wu", PW + "2").ok
    with pytest.raises(AccountError, match="at least"):
        accounts.add("li.si", "short")
    with pytest.raises(AccountError, match="role"):
        accounts.add("li.si", PW, "owner")
    with pytest.raises(AccountError, match="name"):
        accounts.add("li si", PW)
    assert accounts.remove("WANG.WU") and not accounts.remove("wang.wu")
    assert accounts.get("wang.wu") is None and not accounts.verify("wang.wu", PW + "2").ok


def _cli(*args, stdin="", db=""):
    return subprocess.run([sys.executable, "-m", "scripts.user_cli", "--database", db, *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_cli_add_list_remove(tmp_path):
    db = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    added = _cli("add", "zhao.liu", "--role", "admin", "--password-stdin", stdin=PW + "\n", db=db)
    assert added.returncode == 0 and "added zhao.liu (admin)" in added.stdout
    assert _cli("add", "zhao.liu", "--password-stdin", stdin=PW + "\n", db=db).returncode == 1
    short = _cli("add", "qian.qi", "--password-stdin", stdin="123\n", db=db)
    assert short.returncode == 1 and "at least 10" in short.stderr
    listed = _cli("list", db=db)
    assert listed.returncode == 0 and listed.stdout.startswith("zhao.liu\tadmin\tadded ") and "qian.qi" not in listed.stdout
    assert Accounts(db).verify("zhao.liu", PW).actor == Actor("zhao.liu", "admin", "password")
    assert _cli("remove", "zhao.liu", db=db).returncode == 0
    gone = _cli("remove", "zhao.liu", db=db)
    assert gone.returncode == 1 and "no account" in gone.stderr
