"""Who is acting: the identity and role that every write to the store is checked against.

The store (``geo.imports.store``) takes an :class:`Actor` on every write and refuses one that may not
edit (:func:`require_editor`), so a page that forgets to hide a button still cannot change the figures.
``ui.auth.current_actor`` says who the browser session is; the CLI acts as the OS user.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ANONYMOUS", "ROLES", "Actor", "NotAllowed", "require_editor"]

#: Roles, weakest first: viewers read; editors import, choose on conflicts and roll back; admins also
#: manage who is an editor.
ROLES = ("viewer", "editor", "admin")


class NotAllowed(PermissionError):
    """Raised where the store is written by someone whose role may not change the figures."""


@dataclass(frozen=True)
class Actor:
    """A person (or the CLI's OS user) acting on the atlas.

    ``identity`` is what the audit trail records (an e-mail, a user name, ``os:<login>``);
    ``via`` says how it was established: ``oidc``, ``password``, ``local`` (``./atlas run`` on
    loopback, one person on their own machine), ``cli`` (the OS user) or ``anonymous``.

    >>> Actor("ann", "viewer", "password").can_edit
    False
    >>> Actor("ann", "editor", "oidc").can_edit
    True
    """

    identity: str
    role: str
    via: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


#: A visitor who has not signed in.
ANONYMOUS = Actor("", "viewer", "anonymous")


def require_editor(actor: Actor) -> None:
    """Raise :class:`NotAllowed` unless ``actor`` may change the figures.

    >>> require_editor(ANONYMOUS)
    Traceback (most recent call last):
    ...
    geo.access.NotAllowed: only an editor may change the figures (signed in as: anonymous, role viewer)
    """
    if not isinstance(actor, Actor) or not actor.can_edit:
        who = getattr(actor, "identity", "") or "anonymous"
        role = getattr(actor, "role", "?")
        raise NotAllowed(f"only an editor may change the figures (signed in as: {who}, role {role})")
