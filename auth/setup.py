"""`init_auth(app, settings)`: everything access-related, wired into the Dash app in one call."""

from __future__ import annotations

from datetime import timedelta

from dash import Dash
from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from auth import admin, cli, views
from auth.access import load_user
from auth.dates import format_datetime
from auth.db import Database
from auth.demo_accounts import seed_demo_accounts
from auth.gate import install_gate
from auth.headers import install_security_headers
from auth.navigation import url
from auth.passwords import Passwords, make_hasher
from auth.state import EXTENSION_KEY, AuthState
from auth.throttle import LoginThrottle, Rate, RateLimitSyntaxError
from config import ConfigError, Settings

# Dash reads this cookie and sends it back as the X-CSRFToken header on its POSTs.
DASH_CSRF_COOKIE = "_csrf_token"


def _configure_cookies(server: Flask, settings: Settings) -> None:
    secure = settings.requires_https
    server.config.update(
        SESSION_COOKIE_NAME="atlas_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_max_hours),
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        # The token lives as long as the session that holds it (cleared at logout).
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=secure,
    )


def _login_manager(server: Flask) -> None:
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.user_loader(load_user)
    manager.init_app(server)


def _install_csrf(app: Dash, settings: Settings) -> None:
    """CSRF tokens on every POST: forms carry a field, Dash sends the cookie as a header."""
    CSRFProtect(app.server)
    secure = settings.requires_https
    page_endpoints = app.server.config["ATLAS_DASH_PAGE_ENDPOINTS"]

    def set_dash_csrf_cookie(response: Response) -> Response:
        if request.endpoint in page_endpoints and current_user.is_authenticated:
            response.set_cookie(
                DASH_CSRF_COOKIE,
                generate_csrf(),
                secure=secure,
                samesite="Strict",
                path=app.config.routes_pathname_prefix,
            )
        return response

    app.server.after_request(set_dash_csrf_cookie)


def _login_throttle(settings: Settings) -> LoginThrottle:
    try:
        return LoginThrottle(
            per_address=Rate.parse(settings.login_rate_limit),
            per_account=Rate.parse(settings.login_account_rate_limit),
        )
    except RateLimitSyntaxError as exc:
        raise ConfigError(f"login rate limit: {exc}") from exc


def _flask_limiter(server: Flask, settings: Settings) -> None:
    """Optional (RATELIMIT_STORAGE_URL, e.g. Redis): Flask-Limiter in front of the login
    form, with the same per-address figure, for deployments that want failed logins kept
    off the database. The database limit (auth/throttle.py) applies in any case."""
    limiter = Limiter(
        key_func=get_remote_address,
        app=server,
        storage_uri=settings.ratelimit_storage_url,
        headers_enabled=False,
        default_limits=[],
    )
    server.view_functions["auth.login"] = limiter.limit(
        settings.login_rate_limit,
        methods=["POST"],
        # Only failed attempts count: a brute force fails, a user who logs in does not.
        deduct_when=lambda response: response.status_code != 302,
        on_breach=views.rate_limited,
    )(server.view_functions["auth.login"])


def init_auth(app: Dash, settings: Settings) -> None:
    """Schema upgrade, demo accounts (demo only), login, the route gate, headers, CLI."""
    server = app.server
    if not settings.secret_key:
        raise ConfigError("SECRET_KEY is empty: sessions cannot be signed")
    server.config["SECRET_KEY"] = settings.secret_key
    server.config["ATLAS_ADMIN_CONTACT"] = settings.admin_contact
    prefix = app.config.routes_pathname_prefix
    bp_prefix = prefix.replace("/", "_").replace(".", "_")
    server.config["ATLAS_ROUTES_PREFIX"] = prefix
    server.config["ATLAS_DASH_ASSETS_ENDPOINT"] = f"{bp_prefix}dash_assets.static"
    server.config["ATLAS_DASH_PAGE_ENDPOINTS"] = frozenset({prefix, prefix + "<path:path>"})

    if settings.trusted_proxies > 0:
        # The client address (rate limit, audit log) and scheme as the proxy saw them.
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    db = Database(settings.effective_database_url, settings.var_dir / "atlas-auth.lock")
    db.upgrade()
    state = AuthState(
        settings=settings,
        db=db,
        passwords=Passwords(make_hasher(settings.env)),
        throttle=_login_throttle(settings),
    )
    server.extensions[EXTENSION_KEY] = state
    if settings.is_demo:
        seed_demo_accounts(db, state.passwords)

    _configure_cookies(server, settings)
    _login_manager(server)
    url_prefix = prefix.rstrip("/") or None
    server.register_blueprint(views.blueprint, url_prefix=url_prefix)
    server.register_blueprint(admin.blueprint, url_prefix=(url_prefix or "") + "/admin")
    server.add_template_global(url, "atlas_url")
    server.add_template_filter(format_datetime, "date_heure")
    install_gate(server)
    _install_csrf(app, settings)
    if settings.ratelimit_storage_url:
        _flask_limiter(server, settings)
    install_security_headers(app, settings)
    app.config.external_scripts.append({"src": f"{prefix}auth-static/session-guard.js"})
    cli.register(server)
