"""Who the browser session is (stub; the sign-in work replaces the body, keeping the signature)."""

from __future__ import annotations

from geo.access import Actor

__all__ = ["current_actor"]


def current_actor() -> Actor:
    """Return the signed-in person of this session (for now: the local editor of ``./atlas run``)."""
    return Actor("local", "editor", "local")
