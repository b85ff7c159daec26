"""One gate over every route: public pages, redirects for pages, 401 for everything else."""

from __future__ import annotations

import re

import pytest
from dash import Dash, html
from flask import Flask

from auth.navigation import safe_next
from auth.setup import init_auth
from tests.conftest import auth_test_settings

PUBLIC_PATHS = {"/login", "/healthz", "/auth-static/auth.css", "/assets/vendor/bootstrap.min.css"}
PUBLIC_ENDPOINTS = {"auth.login", "auth.static", "healthz"}
# Without a session, these send back to the login page themselves (POST: CSRF first).
LOGOUT_ENDPOINTS = {"auth.logout", "auth.logout_confirmation"}
DASH_INTERNALS = ("/_dash-layout", "/_dash-dependencies", "/_dash-update-component")


def sample_path(rule: str) -> str:
    """A concrete URL for a rule such as /_dash-component-suites/<package_name>/<path:p>."""
    samples = {"user_id": "1", "number": "CONV-2021-011", "filename": "atlas.css"}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return samples.get(name, "dash/dash-renderer/build/dash_renderer.min.js")

    return re.sub(r"<([^>]+)>", fill, rule)


def test_every_non_public_route_refuses_an_anonymous_request(auth_app: Dash) -> None:
    server = auth_app.server
    client = server.test_client()
    checked = 0
    for rule in server.url_map.iter_rules():
        path = sample_path(rule.rule)
        for method in sorted(rule.methods - {"OPTIONS"}):
            response = client.open(path, method=method)
            if rule.endpoint in PUBLIC_ENDPOINTS or path in PUBLIC_PATHS:
                assert response.status_code in (200, 400, 404), (method, path)
                continue
            if rule.endpoint in LOGOUT_ENDPOINTS:
                assert response.status_code in (302, 400), (method, path)
                assert response.headers.get("Location", "/login") == "/login"
                continue
            checked += 1
            if response.status_code == 302:
                location = response.headers["Location"]
                assert location.startswith("/login?next="), (method, path, location)
                assert method in ("GET", "HEAD"), (method, path)
            else:
                assert response.status_code == 401, (method, path, response.status_code)
                assert b"map-communes" not in response.data
    assert checked >= 20


@pytest.mark.parametrize("path", DASH_INTERNALS)
def test_dash_internal_endpoints_answer_401_not_a_redirect(auth_app: Dash, path: str) -> None:
    client = auth_app.server.test_client()
    response = client.post(path, json={}) if "update" in path else client.get(path)
    assert response.status_code == 401
    assert "connectez-vous" in response.get_json()["error"]


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js",
        "/assets/atlas.css",
        "/_reload-hash",
        "/does-not-exist.json",
    ],
)
def test_component_suites_assets_and_others_need_a_session(auth_app: Dash, path: str) -> None:
    response = auth_app.server.test_client().get(path, headers={"Accept": "application/json"})
    if path == "/does-not-exist.json":
        # Dash serves its index for any path: a page, so a redirect.
        assert response.status_code == 302
    else:
        assert response.status_code == 401


def test_pages_redirect_to_login_with_next(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    response = client.get("/?permalink=abc")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2F%3Fpermalink%3Dabc"
    assert client.get("/admin").headers["Location"] == "/login?next=%2Fadmin"


def test_public_routes_hold_no_data(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    login = client.get("/login")
    assert login.status_code == 200
    assert "Se connecter" in login.text
    assert "map-communes" not in login.text


def test_a_route_added_after_init_is_gated_too(tmp_path, demo_warehouse) -> None:
    auth_app = Dash(__name__, serve_locally=True)
    auth_app.layout = html.Div("secret layout")
    init_auth(auth_app, auth_test_settings(tmp_path, demo_warehouse, ""))

    @auth_app.server.get("/late-export.csv")
    def late_export() -> str:
        return "secret,data"

    @auth_app.server.post("/late-api")
    def late_api() -> str:
        return "secret"

    response = auth_app.server.test_client().get("/late-export.csv")
    assert response.status_code == 401
    assert b"secret" not in response.data
    assert auth_app.server.test_client().post("/late-api").status_code == 401


def test_the_gate_respects_routes_pathname_prefix(tmp_path, demo_warehouse) -> None:
    app = Dash(__name__, routes_pathname_prefix="/atlas/", serve_locally=True)
    app.layout = html.Div("secret layout")
    init_auth(app, auth_test_settings(tmp_path, demo_warehouse, ""))
    client = app.server.test_client()
    assert client.get("/atlas/_dash-layout").status_code == 401
    assert client.post("/atlas/_dash-update-component", json={}).status_code == 401
    response = client.get("/atlas/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/atlas/login?next=%2Fatlas%2F")
    assert client.get("/atlas/login").status_code == 200
    assert client.get("/atlas/assets/vendor/bootstrap.min.css").status_code in (200, 404)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/", "/"),
        ("/?zone=59350", "/?zone=59350"),
        ("/admin", "/admin"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("admin", "/"),
        ("", "/"),
        (None, "/"),
        ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
        ("/\r\nLocation: x", "/"),
    ],
)
def test_next_is_a_local_path_only(target: str | None, expected: str) -> None:
    server = Flask(__name__)
    server.config["ATLAS_ROUTES_PREFIX"] = "/"
    with server.test_request_context("/login"):
        assert safe_next(target) == expected


def test_next_stays_under_the_routes_prefix() -> None:
    server = Flask(__name__)
    server.config["ATLAS_ROUTES_PREFIX"] = "/atlas/"
    with server.test_request_context("/atlas/login"):
        assert safe_next("/atlas/?zone=59350") == "/atlas/?zone=59350"
        assert safe_next("/other-app/") == "/atlas/"
