"""What the access layer shares between requests, held by the Flask app (a leaf module).

`init_auth` builds one `AuthState` per app and stores it in `app.extensions`; every view,
hook and command reads it back with `auth_state()`, as flaskr's `get_db` reads its
connection. This module imports no other module of `auth` that could import it back.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from auth.db import Database
from auth.passwords import Passwords
from auth.throttle import LoginThrottle
from config import Settings

EXTENSION_KEY = "atlas_auth"


@dataclass
class AuthState:
    settings: Settings
    db: Database
    passwords: Passwords
    throttle: LoginThrottle


def auth_state() -> AuthState:
    """The access state of the app serving this request or command."""
    return current_app.extensions[EXTENSION_KEY]
