"""Logging in: password, terms of use, lock, rate limit, CSRF, cookies, session lifetime."""

from __future__ import annotations

import time
import uuid
from html import unescape

import pytest
from dash import Dash
from sqlalchemy import select

from auth import sessions
from auth.login import WRONG_CREDENTIALS
from auth.models import AuditEvent, User
from tests.conftest import (
    DEMO_PASSWORD,
    client_login,
    client_logout,
    form_csrf_token,
    redis_test_url,
)

CAPINGHEM = "capinghem@atlas-demo.fr"


def state_of(app: Dash):
    return app.server.extensions["atlas_auth"]


def audit_rows(app: Dash) -> list[AuditEvent]:
    with state_of(app).db.reading() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def user_row(app: Dash, email: str) -> User:
    with state_of(app).db.reading() as session:
        return session.scalars(select(User).where(User.email == email)).one()


def test_first_login_asks_for_the_terms_before_anything_else(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    response = client_login(client, CAPINGHEM, accept_terms=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/conditions?next=%2F"
    # The map, its data and the admin page all wait for the acceptance.
    assert client.get("/").headers["Location"].startswith("/conditions?next=")
    assert client.get("/_dash-layout").status_code == 403
    terms = client.get("/conditions")
    assert "Aucune communication à des tiers" in terms.text
    assert "CONV-2021-011" in terms.text
    refused = client.post("/conditions", data={"csrf_token": form_csrf_token(terms.text)})
    assert refused.status_code == 400
    assert user_row(auth_app, CAPINGHEM).terms_accepted_at is None
    accepted = client.post(
        "/conditions?next=/", data={"accept": "y", "csrf_token": form_csrf_token(terms.text)}
    )
    assert accepted.headers["Location"] == "/"
    assert user_row(auth_app, CAPINGHEM).terms_accepted_at is not None
    page = client.get("/")
    assert page.status_code == 200
    assert client.get("/_dash-layout").status_code == 200


def test_login_goes_to_the_requested_page_and_is_audited(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    client_logout(client)
    token = form_csrf_token(client.get("/login").text)
    response = client.post(
        "/login?next=/%3Fzone%3D59128",
        data={"email": "CapingHem@Atlas-Demo.fr", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/?zone=59128"
    logins = [event for event in audit_rows(auth_app) if event.action == "login"]
    assert [(e.user_email, e.convention_number) for e in logins] == [
        (CAPINGHEM, "CONV-2021-011"),
        (CAPINGHEM, "CONV-2021-011"),
    ]
    assert logins[0].client_address == "127.0.0.1"
    assert user_row(auth_app, CAPINGHEM).last_login_at is not None


def test_unknown_email_and_wrong_password_get_the_same_answer_and_work(
    auth_app: Dash, monkeypatch: pytest.MonkeyPatch
) -> None:
    passwords = state_of(auth_app).passwords
    calls: list[str] = []

    class CountingHasher:
        def __init__(self, hasher) -> None:
            self.hasher = hasher

        def verify(self, password_hash: str, password: str) -> bool:
            calls.append(password_hash)
            return self.hasher.verify(password_hash, password)

        def __getattr__(self, name: str):
            return getattr(self.hasher, name)

    monkeypatch.setattr(passwords, "hasher", CountingHasher(passwords.hasher))
    answers = []
    for email in ("nobody@atlas-demo.fr", CAPINGHEM):
        client = auth_app.server.test_client()
        response = client_login(client, email, password="wrong-password-123")
        answers.append((response.status_code, response.text.count(WRONG_CREDENTIALS.split(" ")[0])))
        assert "mot de passe incorrect" in response.text
    assert answers[0] == answers[1]
    assert len(calls) == 2  # one argon2 verification in both cases
    failures = [e for e in audit_rows(auth_app) if e.action == "login_failed"]
    assert [e.object for e in failures] == ["adresse inconnue", "mot de passe incorrect"]


def test_a_success_resets_the_count_of_failures(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    for _ in range(9):
        client_login(client, CAPINGHEM, password="not-the-password")
    client_login(client, CAPINGHEM)
    client_logout(client)
    client_login(client, CAPINGHEM, password="not-the-password")
    assert user_row(auth_app, CAPINGHEM).locked_until is None
    assert user_row(auth_app, CAPINGHEM).failed_attempts == 1


def test_failed_logins_are_rate_limited_per_address(make_auth_app) -> None:
    app = make_auth_app(login_rate_limit="3 per minute")
    attacker = app.server.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    for _ in range(3):
        assert client_login(attacker, "nobody@atlas-demo.fr").status_code == 401
    blocked = client_login(attacker, CAPINGHEM)
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion" in blocked.text
    other = app.server.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert client_login(other, CAPINGHEM).status_code == 302
    # Successful logins do not use up the allowance.
    for _ in range(4):
        client_logout(other)
        assert client_login(other, CAPINGHEM).status_code == 302


def test_login_form_needs_its_csrf_token(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client.get("/login")
    response = client.post("/login", data={"email": CAPINGHEM, "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.text
    assert not [e for e in audit_rows(auth_app) if e.action == "login"]


def dash_update(client, headers: dict[str, str] | None = None):
    body = {
        "output": "nothing.children",
        "outputs": {"id": "nothing", "property": "children"},
        "inputs": [],
        "changedPropIds": [],
    }
    return client.post("/_dash-update-component", json=body, headers=headers or {})


def test_dash_posts_carry_the_csrf_cookie_as_a_header(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    page = client.get("/")
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None and not cookie.http_only
    assert "_csrf_token" in page.headers.get("Set-Cookie", "")
    assert dash_update(client).status_code == 400
    with_token = dash_update(client, {"X-CSRFToken": cookie.value})
    assert with_token.status_code != 400
    assert with_token.status_code != 401


def test_logout_ends_the_session_even_for_a_copied_cookie(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    copied = client.get_cookie("atlas_session").value
    response = client_logout(client)
    assert response.headers["Location"] == "/login"
    assert "Vous êtes déconnecté" in client.get("/login").text
    assert client.get("/").status_code == 302
    replay = auth_app.server.test_client()
    replay.set_cookie("atlas_session", copied)
    assert replay.get("/_dash-layout").status_code == 401
    assert [e.action for e in audit_rows(auth_app)][-2:] == ["logout", "access_denied"]


def test_idle_sessions_expire(make_auth_app) -> None:
    app = make_auth_app(session_idle_minutes=30)
    client = app.server.test_client()
    client_login(client, CAPINGHEM)
    with client.session_transaction() as session:
        session[sessions.SEEN_AT] = time.time() - 29 * 60
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session[sessions.SEEN_AT] = time.time() - 31 * 60
    assert client.get("/_dash-layout").status_code == 401
    assert "30 minutes d'inactivité" in unescape(client.get("/login").text)


def test_sessions_have_an_absolute_lifetime(make_auth_app) -> None:
    app = make_auth_app(session_max_hours=10)
    client = app.server.test_client()
    client_login(client, CAPINGHEM)
    with client.session_transaction() as session:
        session[sessions.LOGIN_AT] = time.time() - 10 * 3600 - 5
    response = client.get("/")
    assert response.headers["Location"].startswith("/login?next=")
    assert "durée maximale de 10 heures" in client.get("/login").text


def test_session_protection_drops_a_session_used_from_another_browser(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client.environ_base["HTTP_USER_AGENT"] = "Firefox"
    client_login(client, CAPINGHEM)
    assert client.get("/").status_code == 200
    client.environ_base["HTTP_USER_AGENT"] = "curl"
    assert client.get("/_dash-layout").status_code == 401


def test_session_cookie_flags(auth_app: Dash, make_auth_app) -> None:
    client = auth_app.server.test_client()
    response = client_login(client, CAPINGHEM)
    cookie = response.headers["Set-Cookie"]
    assert "atlas_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # test and demo run on plain http
    production = make_auth_app(env="production")
    assert production.server.config["SESSION_COOKIE_SECURE"] is True
    assert production.server.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.server.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_security_headers_on_pages_and_dash_endpoints(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    for response in (client.get("/login"), client.get("/_dash-layout")):
        headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-eval'" not in policy
        assert "http" not in policy  # no CDN: nothing but this site
        for script_hash in auth_app.csp_hashes():
            assert script_hash in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "no-store"
        assert "Server" not in headers


def test_the_audit_log_never_holds_a_password_or_a_session_token(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM, password="my-secret-attempt-1")
    client_login(client, CAPINGHEM)
    token = client.get_cookie("atlas_session").value
    client_logout(client)
    with state_of(auth_app).db.reading() as session:
        dump = repr([vars(e) for e in session.scalars(select(AuditEvent))])
    assert "my-secret-attempt-1" not in dump
    assert DEMO_PASSWORD not in dump
    assert token not in dump
    assert "$argon2" not in dump


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(make_auth_app) -> None:
    forwarded = {"X-Forwarded-For": "192.0.2.44"}
    for proxies, expected in ((0, "127.0.0.1"), (1, "192.0.2.44")):
        app = make_auth_app(trusted_proxies=proxies)
        client = app.server.test_client()
        token = form_csrf_token(client.get("/login", headers=forwarded).text)
        client.post(
            "/login",
            data={"email": CAPINGHEM, "password": "not-the-password", "csrf_token": token},
            headers=forwarded,
        )
        assert audit_rows(app)[-1].client_address == expected


def test_instances_share_the_rate_limit_through_redis(make_auth_app) -> None:
    redis_url = redis_test_url()
    if not redis_url:
        pytest.skip("Redis test skipped: ATLAS_TEST_REDIS_URL is not set")
    first, second = (
        make_auth_app(login_rate_limit="3 per minute", ratelimit_storage_url=redis_url)
        for _ in range(2)
    )
    address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    clients = [first.server.test_client(), second.server.test_client(), first.server.test_client()]
    for client in clients:
        client.environ_base["REMOTE_ADDR"] = address
        assert client_login(client, "nobody@atlas-demo.fr").status_code == 401
    other_instance = second.server.test_client()
    other_instance.environ_base["REMOTE_ADDR"] = address
    assert client_login(other_instance, CAPINGHEM).status_code == 429


def test_an_empty_login_form_gets_a_french_message(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    token = form_csrf_token(client.get("/login").text)
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    assert response.status_code == 400
    assert "Saisissez votre adresse électronique" in unescape(response.text)
