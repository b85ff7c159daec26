"""A guesser learns nothing from the lock, and the rate limit counts in the user store.

Issue 9: while locked, the right password got "Ce compte est verrouillé…" and a wrong one
the usual answer; failures during the lock did not count. The rate limit was kept by each
worker apart and checked before the failure was counted.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from dash import Dash
from sqlalchemy import func, select, update

from auth.dates import format_datetime
from auth.db import Database
from auth.login import RATE_LIMITED_ACCOUNT, WRONG_CREDENTIALS
from auth.models import AuditEvent, LoginAttempt, User, utcnow
from auth.throttle import LimitReached, LoginThrottle, Rate
from config import ConfigError
from tests.conftest import DEMO_PASSWORD, client_login, form_csrf_token

CAPINGHEM = "capinghem@atlas-demo.fr"
ADMIN = "mel-admin@atlas-demo.fr"


def state_of(app: Dash):
    return app.server.extensions["atlas_auth"]


def user_row(app: Dash, email: str) -> User:
    with state_of(app).db.reading() as session:
        return session.scalars(select(User).where(User.email == email)).one()


def failures(app: Dash, email: str) -> list[str]:
    with state_of(app).db.reading() as session:
        rows = session.scalars(
            select(AuditEvent.object)
            .where(AuditEvent.action == "login_failed", AuditEvent.user_email == email)
            .order_by(AuditEvent.id)
        )
        return list(rows)


def answer(response) -> tuple[int, str]:
    """Status and page of a login answer, without the CSRF token (new on every page)."""
    return response.status_code, re.sub(r'value="[^"]*"', 'value=""', response.text)


def lock(app: Dash, email: str) -> None:
    for _ in range(10):
        client_login(app.server.test_client(), email, password="not-the-password")
    assert user_row(app, email).locked_until is not None


def test_a_locked_account_answers_the_right_password_exactly_like_a_wrong_one(
    auth_app: Dash,
) -> None:
    lock(auth_app, CAPINGHEM)
    right = client_login(auth_app.server.test_client(), CAPINGHEM, DEMO_PASSWORD)
    wrong = client_login(auth_app.server.test_client(), CAPINGHEM, "still-not-it")
    assert answer(right) == answer(wrong)
    assert right.status_code == 401
    assert WRONG_CREDENTIALS in unescape(right.text)
    assert "verrouillé" not in unescape(right.text)
    assert right.headers.get("Set-Cookie", "").count("atlas_session") == wrong.headers.get(
        "Set-Cookie", ""
    ).count("atlas_session")
    # and the same as for an address that has no account at all
    unknown = client_login(auth_app.server.test_client(), "nobody@atlas-demo.fr", DEMO_PASSWORD)
    assert answer(unknown)[0] == 401
    assert WRONG_CREDENTIALS in unescape(unknown.text)


def test_every_attempt_during_the_lock_counts_and_extends_it(auth_app: Dash) -> None:
    lock(auth_app, CAPINGHEM)
    first_end = user_row(auth_app, CAPINGHEM).locked_until
    client_login(auth_app.server.test_client(), CAPINGHEM, DEMO_PASSWORD)
    after_right = user_row(auth_app, CAPINGHEM).locked_until
    client_login(auth_app.server.test_client(), CAPINGHEM, "still-not-it")
    after_wrong = user_row(auth_app, CAPINGHEM).locked_until
    assert first_end < after_right < after_wrong
    assert after_wrong - utcnow() > timedelta(minutes=14)
    logged = failures(auth_app, CAPINGHEM)
    assert len(logged) == 12
    assert logged[-2].startswith("compte verrouillé (mot de passe correct)")
    assert logged[-1].startswith("compte verrouillé (mot de passe incorrect)")


def test_once_the_lock_has_ended_the_right_password_works(auth_app: Dash) -> None:
    lock(auth_app, CAPINGHEM)
    with state_of(auth_app).db.writing() as session:
        session.execute(
            update(User)
            .where(User.email == CAPINGHEM)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
    assert client_login(auth_app.server.test_client(), CAPINGHEM).status_code == 302
    assert user_row(auth_app, CAPINGHEM).failed_attempts == 0


def test_a_lock_does_not_end_the_owners_running_session(auth_app: Dash) -> None:
    owner = auth_app.server.test_client()
    client_login(owner, CAPINGHEM)
    lock(auth_app, CAPINGHEM)
    assert owner.get("/_dash-layout").status_code == 200


def test_the_admin_page_shows_a_running_lock_and_not_an_ended_one(auth_app: Dash) -> None:
    lock(auth_app, CAPINGHEM)
    admin = auth_app.server.test_client()
    client_login(admin, ADMIN)
    locked_until = user_row(auth_app, CAPINGHEM).locked_until
    row = re.search(
        rf'<tr data-user="{re.escape(CAPINGHEM)}">.*?</tr>',
        unescape(admin.get("/admin").text),
        re.S,
    ).group(0)
    assert f"verrouillé jusqu'au {format_datetime(locked_until)}" in row
    assert "Déverrouiller" in row
    with state_of(auth_app).db.writing() as session:
        session.execute(
            update(User)
            .where(User.email == CAPINGHEM)
            .values(locked_until=utcnow() - timedelta(minutes=1), failed_attempts=0)
        )
    row = re.search(
        rf'<tr data-user="{re.escape(CAPINGHEM)}">.*?</tr>',
        unescape(admin.get("/admin").text),
        re.S,
    ).group(0)
    assert "verrouillé" not in row and "actif" in row


def test_failed_logins_are_limited_per_account_from_any_address(make_auth_app) -> None:
    app = make_auth_app(login_rate_limit="100 per minute", login_account_rate_limit="3 per hour")
    for email in (CAPINGHEM, "nobody@atlas-demo.fr"):  # the same for an unknown address
        for number in range(3):
            guesser = app.server.test_client()
            guesser.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
            assert client_login(guesser, email, "not-the-password").status_code == 401
        guesser = app.server.test_client()
        guesser.environ_base["REMOTE_ADDR"] = "198.51.100.50"
        refused = client_login(guesser, email, DEMO_PASSWORD)
        assert refused.status_code == 429
        assert RATE_LIMITED_ACCOUNT in unescape(refused.text)
    # another account is not affected
    assert client_login(app.server.test_client(), "etat@atlas-demo.fr").status_code == 302


def test_the_window_slides(make_auth_app) -> None:
    app = make_auth_app(login_rate_limit="3 per minute")
    attacker = app.server.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for _ in range(3):
        assert client_login(attacker, "nobody@atlas-demo.fr").status_code == 401
    assert client_login(attacker, "nobody@atlas-demo.fr").status_code == 429
    # the oldest attempt leaves the window: one more is let through, not three
    with state_of(app).db.writing() as session:
        oldest = session.scalar(select(func.min(LoginAttempt.id)))
        session.execute(
            update(LoginAttempt)
            .where(LoginAttempt.id == oldest)
            .values(at=utcnow() - timedelta(seconds=61))
        )
    assert client_login(attacker, "nobody@atlas-demo.fr").status_code == 401
    assert client_login(attacker, "nobody@atlas-demo.fr").status_code == 429


def test_a_refused_attempt_never_reaches_the_password_check(make_auth_app, monkeypatch) -> None:
    app = make_auth_app(login_rate_limit="2 per minute")
    client = app.server.test_client()
    for _ in range(2):
        client_login(client, CAPINGHEM, "not-the-password")
    checked: list[str] = []
    passwords = state_of(app).passwords
    original = passwords.verify
    monkeypatch.setattr(
        passwords, "verify", lambda stored, given: checked.append(given) or original(stored, given)
    )
    token = form_csrf_token(client.get("/login").text)
    response = client.post(
        "/login", data={"email": CAPINGHEM, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert checked == []
    assert user_row(app, CAPINGHEM).last_login_at is None


def test_concurrent_attempts_cannot_slip_past_the_count(auth_database_url: str, tmp_path) -> None:
    """40 threads, each with its own connection, ask at once: exactly 20 are admitted."""
    db = Database(auth_database_url, tmp_path / "lock")
    db.upgrade()
    throttle = LoginThrottle(Rate.parse("20 per minute"), Rate.parse("1000 per hour"))
    barrier = threading.Barrier(40)
    admissions = []

    def attempt(number: int) -> None:
        barrier.wait()
        admissions.append(throttle.admit(db, "203.0.113.77", f"guess{number}@x.fr", utcnow()))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    admitted = [a for a in admissions if a.attempt_id is not None]
    assert len(admissions) == 40
    assert len(admitted) == 20
    assert {a.refusal for a in admissions if a.attempt_id is None} == {LimitReached.ADDRESS}
    db.dispose()


def test_rate_syntax() -> None:
    assert Rate.parse("20 per minute") == Rate(20, timedelta(minutes=1))
    assert Rate.parse("30 per 15 minutes") == Rate(30, timedelta(minutes=15))
    assert Rate.parse("5/hour") == Rate(5, timedelta(hours=1))


def test_a_malformed_limit_stops_the_start_with_a_clear_message(make_auth_app) -> None:
    for setting in ({"login_rate_limit": "beaucoup"}, {"login_account_rate_limit": "0 per hour"}):
        with pytest.raises(ConfigError, match="rate limit"):
            make_auth_app(**setting)
