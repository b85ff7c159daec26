"""Access by signed convention: users, login, perimeter scope, audit log, administration.

`init_auth` is imported lazily so that the data layer can use `auth.scope` without
loading Flask extensions.
"""

from __future__ import annotations

from typing import Any

__all__ = ["init_auth"]


def __getattr__(name: str) -> Any:
    if name == "init_auth":
        from auth.setup import init_auth

        return init_auth
    raise AttributeError(f"module 'auth' has no attribute {name!r}")
