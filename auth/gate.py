"""The one `before_request` hook that guards every route, including routes added later.

Public: the login page, its static files (and the one stylesheet it uses from Dash's
assets) and /healthz. Anything else needs a valid session: a page request without one
is redirected to the login page; any other request (Dash's `/_dash-*` endpoints,
component suites, assets, unknown routes) gets 401, because a redirect would break
Dash's front end.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, redirect, request
from flask_login import current_user

from auth import sessions
from auth.access import current_account, log_access
from auth.dates import today_in_france
from auth.models import utcnow
from auth.navigation import url
from auth.rules import access_denial
from auth.state import auth_state

# The logout views handle an anonymous request themselves (back to the login page, not
# to a login that would then return to /logout).
PUBLIC_ENDPOINTS = frozenset(
    {"auth.login", "auth.logout", "auth.logout_confirmation", "auth.static", "healthz"}
)
# Endpoints a user who has not yet chosen their password may reach.
BEFORE_PASSWORD_ENDPOINTS = frozenset(
    {"auth.change_password", "auth.logout", "auth.logout_confirmation"}
)
# Endpoints a user who has not yet accepted the terms may reach.
BEFORE_TERMS_ENDPOINTS = BEFORE_PASSWORD_ENDPOINTS | {"auth.conditions"}
LOGIN_PAGE_ASSETS = frozenset({"vendor/bootstrap.min.css"})
PAGE_BLUEPRINTS = frozenset({"auth", "admin"})


def dash_assets_endpoint(app: Flask) -> str:
    return app.config["ATLAS_DASH_ASSETS_ENDPOINT"]


def is_public() -> bool:
    endpoint = request.endpoint
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    return (
        endpoint == dash_assets_endpoint(current_app)
        and (request.view_args or {}).get("filename") in LOGIN_PAGE_ASSETS
    )


def is_page_request() -> bool:
    """A browser navigation to a page (Dash's index pages, the auth and admin pages)."""
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return False
    if request.endpoint in current_app.config["ATLAS_DASH_PAGE_ENDPOINTS"]:
        return True
    return (
        request.endpoint.split(".", 1)[0] in PAGE_BLUEPRINTS and request.endpoint != "auth.static"
    )


def _requested_path() -> str:
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def refuse_anonymous() -> Response:
    if is_page_request():
        return redirect(url("login", next=_requested_path()))
    response = jsonify(error="Authentification requise : connectez-vous.")
    response.status_code = 401
    return response


def refuse_before_terms() -> Response:
    if is_page_request():
        return redirect(url("conditions", next=_requested_path()))
    response = jsonify(error="Acceptez d'abord les conditions d'utilisation de la convention.")
    response.status_code = 403
    return response


def refuse_before_password() -> Response:
    if is_page_request():
        return redirect(url("password", next=_requested_path()))
    response = jsonify(error="Choisissez d'abord votre mot de passe.")
    response.status_code = 403
    return response


def _end_session(message: str, audited_reason: str) -> None:
    log_access("access_denied", f"session terminée : {audited_reason} ({request.path})")
    sessions.end(message)


def gate() -> Response | None:
    """Let the request through (None) or answer it in place of the view."""
    if is_public():
        return None
    if not current_user.is_authenticated:
        return refuse_anonymous()
    settings = auth_state().settings
    refusal = access_denial(current_account().record, utcnow(), today_in_france())
    if refusal is not None:
        _end_session(refusal.message, refusal.denial.value)
        return refuse_anonymous()
    expired = sessions.expiry_message(
        settings.session_idle_minutes,
        settings.session_max_hours,
        current_account().record.sessions_revoked_at,
    )
    if expired:
        _end_session(expired, "session expirée")
        return refuse_anonymous()
    if current_account().record.must_change_password and (
        request.endpoint not in BEFORE_PASSWORD_ENDPOINTS
    ):
        return refuse_before_password()
    if current_account().record.terms_accepted_at is None and (
        request.endpoint not in BEFORE_TERMS_ENDPOINTS
    ):
        return refuse_before_terms()
    return None


def install_gate(app: Flask) -> None:
    """Run `gate` before every other before_request function (Dash's and extensions')."""
    app.before_request_funcs.setdefault(None, []).insert(0, gate)
