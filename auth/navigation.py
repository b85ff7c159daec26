"""URLs of the auth pages under Dash's routes prefix, and safe `next` targets."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import current_app


def routes_prefix() -> str:
    return current_app.config.get("ATLAS_ROUTES_PREFIX", "/")


def url(path: str, **query: str) -> str:
    target = routes_prefix() + path.lstrip("/")
    return f"{target}?{urlencode(query)}" if query else target


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, the home page otherwise (no open redirect)."""
    home = routes_prefix()
    if not target:
        return home
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(char) < 32 for char in target)
        or not target.startswith(home)
    ):
        return home
    return target
