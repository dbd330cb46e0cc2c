"""Manage who may sign in with a password (``./atlas user add|remove|list``).

The accounts live in the store's database (``$ATLAS_DATABASE_URL``, else ``var/atlas.sqlite``), so
``./atlas serve`` sees them at once, on every worker. Roles: viewer (reads; useful where every page
requires sign-in), editor (imports, chooses on conflicts, rolls back), admin (an editor who also
manages accounts on the Import page). The password is asked twice on the terminal, or read from
the first line of standard input with ``--password-stdin`` (scripts). Removing an account ends its
sessions' rights on their next interaction.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from geo.access import ROLES
from geo.accounts import MIN_PASSWORD, AccountError, Accounts


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="./atlas user", description=__doc__.splitlines()[0])
    p.add_argument("--database", default=None, help="SQLAlchemy URL (default: $ATLAS_DATABASE_URL or var/atlas.sqlite)")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="add|remove|list")
    add = sub.add_parser("add", help="add an account (asks for its password)")
    add.add_argument("name", help="sign-in name, e.g. zhang.san or an e-mail address (what the audit trail shows)")
    add.add_argument("--role", choices=ROLES, default="editor", help="default: editor")
    add.add_argument("--replace", action="store_true", help="the account exists: set a new password and role")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    rm = sub.add_parser("remove", help="remove an account")
    rm.add_argument("name")
    sub.add_parser("list", help="list the accounts and their roles")
    return p


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password (at least {MIN_PASSWORD} characters): ")
    if getpass.getpass("Password again: ") != first:
        raise AccountError("the two passwords differ; nothing was changed")
    return first


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    accounts = Accounts(args.database)
    try:
        if args.cmd == "add":
            account = accounts.add(args.name, _password(args.password_stdin), args.role, replace=args.replace,
                                   by=f"os:{getpass.getuser()}")
            print(f"{'updated' if args.replace else 'added'} {account.name} ({account.role})")
        elif args.cmd == "remove":
            if not accounts.remove(args.name):
                raise AccountError(f"no account {args.name!r}")
            print(f"removed {args.name}")
        else:
            if not len(accounts):
                print("no accounts (./atlas user add NAME)", file=sys.stderr)
            for a in accounts.list():
                print(f"{a.name}\t{a.role}\tadded {a.created_at}" + (f" by {a.created_by}" if a.created_by else ""))
    except AccountError as exc:
        print(f"atlas user: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
