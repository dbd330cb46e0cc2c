"""Sign-in accounts kept in the atlas's own database: the default that needs no identity provider.

Pure (no Streamlit). The accounts live beside the store's tables (the same database:
``geo.imports.store.default_url()``, SQLite under ``var/`` or the PostgreSQL of ``./atlas serve``), so
every worker of an office deployment sees the same accounts. Passwords are kept only as argon2id
hashes (argon2-cffi, its RFC 9106 defaults); ``./atlas user add|remove|list`` manages them.

Repeated wrong passwords are slowed per name (whether or not the account exists, so a lockout tells
nothing about which names exist): after :data:`MAX_FAILURES` failures in a row the name is locked for
:data:`LOCK_SECONDS`, doubling with every further failure up to :data:`MAX_LOCK_SECONDS`. Nothing
sleeps: a locked name is refused at once, so one attacker does not slow the server for everyone.
The failure counts are in the database, so they hold across workers and restarts.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import re
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from geo.access import ROLES, Actor

__all__ = [
    "IDLE_SECONDS",
    "LOCK_SECONDS",
    "MAX_FAILURES",
    "MAX_LOCK_SECONDS",
    "MIN_PASSWORD",
    "Account",
    "AccountError",
    "Accounts",
    "OidcRoles",
    "SignIn",
    "is_loopback",
    "lock_seconds",
    "minutes",
    "name_key",
]

#: Failed sign-ins in a row (per name) before the name is locked.
MAX_FAILURES = 5
#: First lock, in seconds; it doubles with each further failure, up to :data:`MAX_LOCK_SECONDS`.
LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 15 * 60
#: A password sign-in ends after this long without an interaction (8 hours: one working day).
IDLE_SECONDS = 8 * 3600
#: Shortest password ``./atlas user add`` accepts.
MIN_PASSWORD = 10

_NAME = re.compile(r"^[\w.@+-]{1,64}$")
_HASHER = PasswordHasher()

_META = sa.MetaData()
ACCOUNTS = sa.Table(
    "atlas_accounts", _META,
    sa.Column("name_key", sa.String(64), primary_key=True),  # the name, NFKC + casefolded: what sign-in matches
    sa.Column("name", sa.String(64), nullable=False),  # as given: what the audit trail shows
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False, default=""),
)
THROTTLE = sa.Table(
    "atlas_sign_in_failures", _META,
    sa.Column("name_key", sa.String(64), primary_key=True),  # any name tried, existing or not
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),  # Unix time
)


class AccountError(ValueError):
    """A name, password or role that ``add`` cannot accept, or an account that exists / does not exist."""


@dataclass(frozen=True)
class Account:
    """One sign-in account (never its password or hash)."""

    name: str
    role: str
    created_at: str
    created_by: str

    def actor(self) -> Actor:
        return Actor(self.name, self.role, "password")


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt gave: ``actor`` if it succeeded, else ``locked_for`` > 0 if the name is locked.

    A wrong name and a wrong password give the same result (``actor`` None, ``locked_for`` 0).
    """

    actor: Actor | None
    locked_for: float = 0.0

    @property
    def ok(self) -> bool:
        return self.actor is not None


def name_key(name: str) -> str:
    """Return the form a name is matched in: NFKC, trimmed, case-folded.

    >>> name_key("  Zhang.San@Example.CN ")
    'zhang.san@example.cn'
    """
    return unicodedata.normalize("NFKC", name).strip().casefold()


def lock_seconds(failures: int) -> float:
    """Return how long a name is locked after ``failures`` failures in a row.

    >>> [lock_seconds(n) for n in (4, 5, 6, 7, 20)]
    [0.0, 60.0, 120.0, 240.0, 900.0]
    """
    if failures < MAX_FAILURES:
        return 0.0
    return float(min(MAX_LOCK_SECONDS, LOCK_SECONDS * 2 ** min(failures - MAX_FAILURES, 16)))


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return sa.create_engine(url, connect_args={"timeout": 30})
    return sa.create_engine(url, pool_pre_ping=True)


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Accounts:
    """The accounts table of the database at ``url`` (default: the store's, ``geo.imports.store.default_url``)."""

    def __init__(self, url: str | None = None, engine: sa.Engine | None = None) -> None:
        if engine is None:
            from geo.imports.store import default_url

            engine = _engine(url or default_url())
        self.engine = engine
        _META.create_all(self.engine)
        self._dummy_hash = ""

    # ------------------------------------------------------------------ manage
    def add(self, name: str, password: str, role: str = "editor", *, by: str = "", replace: bool = False) -> Account:
        """Create the account ``name`` (or, with ``replace``, set its password and role); return it."""
        shown = unicodedata.normalize("NFKC", name).strip()
        if not _NAME.match(shown):
            raise AccountError(f"account name {name!r}: 1–64 letters, digits or . @ + - _ (no spaces)")
        if role not in ROLES:
            raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"password: at least {MIN_PASSWORD} characters")
        key = name_key(shown)
        row = {"name": shown, "role": role, "password_hash": _HASHER.hash(password), "created_at": _now_text(),
               "created_by": by}
        with self.engine.begin() as conn:
            exists = conn.execute(sa.select(ACCOUNTS.c.name).where(ACCOUNTS.c.name_key == key)).first()
            if exists and not replace:
                raise AccountError(f"account {exists.name!r} exists (use --replace to set a new password or role)")
            if exists:
                conn.execute(ACCOUNTS.update().where(ACCOUNTS.c.name_key == key).values(**row))
            else:
                conn.execute(ACCOUNTS.insert().values(name_key=key, **row))
            conn.execute(THROTTLE.delete().where(THROTTLE.c.name_key == key))
        return Account(shown, role, row["created_at"], by)

    def remove(self, name: str) -> bool:
        """Delete the account ``name``; return False if there was none. Its sessions lose their rights at once."""
        with self.engine.begin() as conn:
            return conn.execute(ACCOUNTS.delete().where(ACCOUNTS.c.name_key == name_key(name))).rowcount > 0

    def list(self) -> list[Account]:
        """Return every account, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(ACCOUNTS.c.name, ACCOUNTS.c.role, ACCOUNTS.c.created_at,
                                          ACCOUNTS.c.created_by).order_by(ACCOUNTS.c.name_key)).all()
        return [Account(str(r.name), str(r.role), str(r.created_at), str(r.created_by)) for r in rows]

    def get(self, name: str) -> Account | None:
        """Return the account ``name`` as it stands now (its role may have changed), or None."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(ACCOUNTS.c.name, ACCOUNTS.c.role, ACCOUNTS.c.created_at, ACCOUNTS.c.created_by)
                             .where(ACCOUNTS.c.name_key == name_key(name))).first()
        return Account(str(r.name), str(r.role), str(r.created_at), str(r.created_by)) if r else None

    def __len__(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(ACCOUNTS)).scalar_one())

    # ------------------------------------------------------------------ sign in
    def verify(self, name: str, password: str, now: float | None = None) -> SignIn:
        """Check a sign-in; see :class:`SignIn`. Counts failures and locks the name as the module says."""
        now = time.time() if now is None else now
        key = name_key(name)[:64]
        with self.engine.connect() as conn:
            throttle = conn.execute(sa.select(THROTTLE.c.failures, THROTTLE.c.locked_until)
                                    .where(THROTTLE.c.name_key == key)).first()
            row = conn.execute(sa.select(ACCOUNTS).where(ACCOUNTS.c.name_key == key)).first()
        if throttle is not None and throttle.locked_until > now:
            return SignIn(None, locked_for=throttle.locked_until - now)
        ok = False
        if row is None:
            self._waste_time(password)  # as long as a real check: the answer's timing tells nothing either
        else:
            try:
                ok = _HASHER.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
        if not ok or row is None:
            return SignIn(None, locked_for=self._failed(key, now))  # the failure that locks says so
        with self.engine.begin() as conn:
            conn.execute(THROTTLE.delete().where(THROTTLE.c.name_key == key))
            if _HASHER.check_needs_rehash(row.password_hash):  # parameters raised since: store the stronger hash
                conn.execute(ACCOUNTS.update().where(ACCOUNTS.c.name_key == key)
                             .values(password_hash=_HASHER.hash(password)))
        return SignIn(Actor(row.name, row.role, "password"))

    def _waste_time(self, password: str) -> None:
        if not self._dummy_hash:
            self._dummy_hash = _HASHER.hash("not a password of anyone")
        try:
            _HASHER.verify(self._dummy_hash, password)
        except VerificationError:
            pass

    def _failed(self, key: str, now: float) -> float:
        """Count a failure of ``key``; return how long it is now locked (0: not locked)."""
        with self.engine.begin() as conn:
            failures = conn.execute(sa.select(THROTTLE.c.failures).where(THROTTLE.c.name_key == key)).scalar()
            n = (failures or 0) + 1
            values = {"failures": n, "locked_until": now + lock_seconds(n) if lock_seconds(n) else 0.0}
            if failures is None:
                conn.execute(THROTTLE.insert().values(name_key=key, **values))
            else:
                conn.execute(THROTTLE.update().where(THROTTLE.c.name_key == key).values(**values))
        return lock_seconds(n)

    def failures(self, name: str) -> int:
        """Return the failed sign-ins in a row recorded for ``name``."""
        with self.engine.connect() as conn:
            n = conn.execute(sa.select(THROTTLE.c.failures).where(THROTTLE.c.name_key == name_key(name))).scalar()
        return int(n or 0)


def minutes(seconds: float) -> int:
    """Return ``seconds`` as whole minutes, rounded up (what a lockout message says).

    >>> minutes(61), minutes(1), minutes(0)
    (2, 1, 0)
    """
    return math.ceil(seconds / 60)


def is_loopback(address: str | None) -> bool:
    """Whether a server listening on ``address`` is reachable from this machine only.

    No address (Streamlit's default) means every interface.

    >>> [is_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "127.0.0.2", "0.0.0.0", "", None, "10.1.2.3")]
    [True, True, True, True, False, False, False, False]
    """
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def _names(value: object) -> frozenset[str]:
    """A claim or setting as a set of case-folded names: a list, or one string split on commas/spaces."""
    if value is None:
        return frozenset()
    items: Iterable[object] = value.replace(",", " ").split() if isinstance(value, str) else value  # type: ignore[assignment]
    return frozenset(name_key(str(v)) for v in items if str(v).strip())


@dataclass(frozen=True)
class OidcRoles:
    """How a person signed in through the office's identity provider (OIDC) gets a role.

    From ``[atlas]`` in ``.streamlit/secrets.toml``: ``group_claim`` (default ``groups``) with
    ``admin_groups`` / ``editor_groups``, and/or the allow-lists ``admins`` / ``editors`` (e-mail
    addresses, user names or subject ids). Anyone else the provider signs in is a viewer. The
    identity the audit trail records is the first of ``email`` (only if not marked unverified),
    ``preferred_username``, ``sub``.

    >>> roles = OidcRoles.from_config({"editor_groups": ["atlas-editors"], "admins": ["Boss@bjipo.gov.cn"]})
    >>> roles.actor({"sub": "u1", "email": "ann@bjipo.gov.cn", "groups": ["staff", "atlas-editors"]})
    Actor(identity='ann@bjipo.gov.cn', role='editor', via='oidc')
    >>> roles.role({"sub": "u2", "email": "boss@bjipo.gov.cn"}), roles.role({"sub": "u3", "groups": "staff"})
    ('admin', 'viewer')
    >>> roles.role({"sub": "u4", "email": "boss@bjipo.gov.cn", "email_verified": False})
    'viewer'
    """

    group_claim: str = "groups"
    editor_groups: frozenset[str] = field(default_factory=frozenset)
    admin_groups: frozenset[str] = field(default_factory=frozenset)
    editors: frozenset[str] = field(default_factory=frozenset)
    admins: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OidcRoles:
        return cls(str(config.get("group_claim") or "groups"), _names(config.get("editor_groups")),
                   _names(config.get("admin_groups")), _names(config.get("editors")), _names(config.get("admins")))

    @staticmethod
    def _ids(claims: Mapping[str, Any]) -> list[str]:
        email = claims.get("email") if claims.get("email_verified") is not False else None
        return [str(v) for v in (email, claims.get("preferred_username"), claims.get("sub")) if v]

    def identity(self, claims: Mapping[str, Any]) -> str:
        ids = self._ids(claims)
        return ids[0] if ids else ""

    def role(self, claims: Mapping[str, Any]) -> str:
        ids = {name_key(i) for i in self._ids(claims)}
        groups = _names(claims.get(self.group_claim))
        if ids & self.admins or groups & self.admin_groups:
            return "admin"
        if ids & self.editors or groups & self.editor_groups:
            return "editor"
        return "viewer"

    def actor(self, claims: Mapping[str, Any]) -> Actor:
        return Actor(self.identity(claims), self.role(claims), "oidc")
