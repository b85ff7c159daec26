"""The signed session cookie: when it started, when it was last used, and how it ends."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import session
from flask_login import login_user, logout_user

from auth.access import LoggedInUser

LOGIN_AT = "atlas_login_at"
SEEN_AT = "atlas_seen_at"
ENDED_BECAUSE = "atlas_ended_because"
# Writing the cookie on every Dash callback is wasteful; a few seconds of precision do.
SEEN_AT_RESOLUTION_SECONDS = 15


def start(user: LoggedInUser) -> None:
    """A fresh session for `user` (nothing kept from before: no session fixation)."""
    session.clear()
    login_user(user)
    # A browser-session cookie: Flask-Login's "strong" protection only drops a session
    # used from another address or browser when the session is not permanent. Lifetime
    # and idle timeout are enforced on the server (expiry_message).
    session.permanent = False
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def end(message: str = "") -> None:
    """Forget the user; `message` (French) is shown once by the login page."""
    logout_user()
    session.clear()
    if message:
        session[ENDED_BECAUSE] = message


def pop_end_message() -> str:
    return session.pop(ENDED_BECAUSE, "")


def expiry_message(idle_minutes: int, max_hours: int, revoked_at: datetime | None) -> str:
    """Why the session is over ("" while it is alive), and mark it as used now.

    `revoked_at` (naive UTC): sessions opened before it were closed by a logout or an
    administrator, even if their cookie is replayed.
    """
    now = time.time()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        return "Votre session n'est plus valide : reconnectez-vous."
    if revoked_at is not None and login_at < revoked_at.replace(tzinfo=UTC).timestamp():
        return "Votre session a été fermée : reconnectez-vous."
    if now - login_at > max_hours * 3600:
        return (
            f"Votre session a atteint sa durée maximale de {max_hours} heures : reconnectez-vous."
        )
    if now - seen_at > idle_minutes * 60:
        return (
            f"Votre session a expiré après {idle_minutes} minutes d'inactivité : reconnectez-vous."
        )
    if now - seen_at >= SEEN_AT_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return ""
