"""When the user store cannot be reached: a French 503 page, never a stack trace.

Every request needs the user store (the gate loads the logged-in user from it), so while
the database is down or unreachable each request gets "service momentanément
indisponible" (a page for a browser navigation, a short JSON answer to Dash's requests)
with Retry-After. Nothing is kept of the failure: the next request tries the database
again, and pooled connections are checked before use (auth/db.py), so the portal
recovers by itself when the database is back.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNAVAILABLE = (
    "L'Atlas du logement social est momentanément indisponible. Réessayez dans quelques "
    "minutes ; si le problème persiste, prévenez l'administrateur du portail."
)
RETRY_AFTER_SECONDS = 30
# What SQLAlchemy raises when it cannot reach or talk to the database server (refused or
# lost connection, server shutting down, no connection free in the pool in time).
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)


def wants_json() -> bool:
    """Dash's own requests (callbacks, dependencies…) and scripts get JSON, people a page."""
    prefix = current_app.config.get("ATLAS_ROUTES_PREFIX", "/")
    return request.is_json or request.path.startswith(f"{prefix}_dash-")


def unavailable(error: Exception) -> tuple[Response | str, int, dict[str, str]]:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines() or [""]
    current_app.logger.error("user store unavailable: %s: %s", type(error).__name__, reason[0])
    # Flask-Login would otherwise try the database again for the same request (after
    # this answer, from the hooks that look at the logged-in user).
    g._login_user = current_app.login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if wants_json():
        return jsonify(error=UNAVAILABLE), 503, headers
    page = render_template(
        "auth/unavailable.html", title="Service momentanément indisponible", message=UNAVAILABLE
    )
    return page, 503, headers


def install_outage_answer(server: Flask) -> None:
    for error in DATABASE_DOWN:
        server.register_error_handler(error, unavailable)
