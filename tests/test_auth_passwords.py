"""Passwords: first-login choice of an invited user, 72-hour one-time passwords, reset by
the administrator (page and CLI), self-service change, strength rules, OWASP argon2id
cost with transparent rehash, and a database of schema version 1 that keeps working."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from dash import Dash
from sqlalchemy import MetaData, Table, create_engine, insert, select, update

from auth.commission_files import files_of
from auth.db import SCHEMA_VERSION, Database
from auth.login import ONE_TIME_PASSWORD_EXPIRED
from auth.models import AuditEvent, Base, Convention, SchemaVersion, User, utcnow
from auth.passwords import Passwords, WeakPassword, check_strength, make_hasher
from tests.conftest import DEMO_PASSWORD, client_login, client_logout, form_csrf_token

ADMIN = "mel-admin@atlas-demo.fr"
CAPINGHEM = "capinghem@atlas-demo.fr"
NEW_PASSWORD = "tulipes-du-jardin-59"


def state_of(app: Dash):
    return app.server.extensions["atlas_auth"]


def user_row(app: Dash, email: str) -> User:
    with state_of(app).db.reading() as session:
        return session.scalars(select(User).where(User.email == email)).one()


def invite(client, email: str) -> str:
    """Invite `email` as the administrator logged in on `client`: its one-time password."""
    token = form_csrf_token(client.get("/admin").text)
    page = client.post(
        "/admin/users",
        data={
            "email": email,
            "display_name": "Agent",
            "convention": "CONV-2021-011",
            "role": "reader",
            "csrf_token": token,
        },
    )
    return re.search(r"affiché une seule fois : (\S+) —", unescape(page.text)).group(1)


def change(client, current: str, new: str, confirm: str | None = None, next_: str = ""):
    path = "/password" + (f"?next={next_}" if next_ else "")
    token = form_csrf_token(client.get(path).text)
    return client.post(
        path,
        data={
            "current": current,
            "new": new,
            "confirm": new if confirm is None else confirm,
            "csrf_token": token,
        },
    )


def test_an_invited_user_chooses_a_password_before_anything_else(
    logged_in_client, auth_app: Dash
) -> None:
    one_time = invite(logged_in_client(auth_app, ADMIN), "agent@capinghem.example")
    assert user_row(auth_app, "agent@capinghem.example").must_change_password
    client = auth_app.server.test_client()
    response = client_login(client, "agent@capinghem.example", one_time, accept_terms=False)
    assert response.headers["Location"] == "/password?next=%2F"
    # Nothing else until then: not the map, its data, the terms, nor the admin page.
    assert client.get("/").headers["Location"].startswith("/password?next=")
    assert client.get("/conditions").headers["Location"].startswith("/password?next=")
    assert client.get("/_dash-layout").status_code == 403
    page = unescape(client.get("/password").text)
    assert "Choisir mon mot de passe" in page and "mot de passe provisoire" in page
    chosen = change(client, one_time, NEW_PASSWORD)
    assert chosen.headers["Location"] == "/conditions?next=%2F"
    assert not user_row(auth_app, "agent@capinghem.example").must_change_password
    # The one-time password no longer opens the account; the chosen one does.
    assert (
        client_login(auth_app.server.test_client(), "agent@capinghem.example", one_time).status_code
        == 401
    )
    fresh = auth_app.server.test_client()
    assert client_login(fresh, "agent@capinghem.example", NEW_PASSWORD).status_code == 302
    assert fresh.get("/").status_code == 200
    with state_of(auth_app).db.reading() as session:
        logged = session.scalars(
            select(AuditEvent.object).where(AuditEvent.action == "password_change")
        ).all()
    assert logged == ["mot de passe choisi"]


def test_a_one_time_password_expires_after_72_hours(logged_in_client, auth_app: Dash) -> None:
    one_time = invite(logged_in_client(auth_app, ADMIN), "late@capinghem.example")
    expires = user_row(auth_app, "late@capinghem.example").one_time_password_expires_at
    assert timedelta(hours=71, minutes=59) < expires - utcnow() <= timedelta(hours=72)
    with state_of(auth_app).db.writing() as session:
        session.execute(
            update(User)
            .where(User.email == "late@capinghem.example")
            .values(one_time_password_expires_at=utcnow() - timedelta(seconds=1))
        )
    response = client_login(auth_app.server.test_client(), "late@capinghem.example", one_time)
    assert response.status_code == 401
    assert ONE_TIME_PASSWORD_EXPIRED in unescape(response.text)
    # the admin page says so
    page = unescape(logged_in_client(auth_app, ADMIN).get("/admin").text)
    row = re.search(r'<tr data-user="late@capinghem.example">.*?</tr>', page, re.S).group(0)
    assert "mot de passe provisoire expiré" in row


def test_the_administrator_resets_a_password_from_the_admin_page(
    logged_in_client, auth_app: Dash
) -> None:
    owner = auth_app.server.test_client()
    client_login(owner, CAPINGHEM)
    admin = logged_in_client(auth_app, ADMIN)
    user_id = user_row(auth_app, CAPINGHEM).id
    token = form_csrf_token(admin.get("/admin").text)
    page = admin.post(f"/admin/users/{user_id}/reset-password", data={"csrf_token": token})
    assert page.status_code == 200
    one_time = re.search(r"affiché une seule fois : (\S+) —", unescape(page.text)).group(1)
    assert "72 heures" in unescape(page.text)
    # The owner's session ends; the old password no longer works; the new one must be changed.
    assert owner.get("/_dash-layout").status_code == 401
    assert client_login(auth_app.server.test_client(), CAPINGHEM, DEMO_PASSWORD).status_code == 401
    client = auth_app.server.test_client()
    assert client_login(client, CAPINGHEM, one_time).headers["Location"].startswith("/password")
    assert change(client, one_time, NEW_PASSWORD).headers["Location"] == "/"
    assert client.get("/").status_code == 200
    with state_of(auth_app).db.reading() as session:
        changes = session.scalars(
            select(AuditEvent.object).where(AuditEvent.action == "admin_change")
        ).all()
    assert f"mot de passe de {CAPINGHEM} réinitialisé (provisoire, 72 h)" in changes
    assert one_time not in repr(changes)


def test_a_reset_without_the_csrf_token_changes_nothing(logged_in_client, auth_app: Dash) -> None:
    admin = logged_in_client(auth_app, ADMIN)
    before = user_row(auth_app, CAPINGHEM).password_hash
    response = admin.post(f"/admin/users/{user_row(auth_app, CAPINGHEM).id}/reset-password")
    assert response.status_code == 400
    assert user_row(auth_app, CAPINGHEM).password_hash == before


def test_the_cli_resets_a_password(auth_app: Dash) -> None:
    result = auth_app.server.test_cli_runner().invoke(args=["users", "reset-password", CAPINGHEM])
    assert result.exit_code == 0, result.output
    one_time = re.search(r"Mot de passe provisoire \(72 heures\) : (\S+)", result.output).group(1)
    client = auth_app.server.test_client()
    assert client_login(client, CAPINGHEM, one_time).headers["Location"].startswith("/password")
    missing = auth_app.server.test_cli_runner().invoke(
        args=["users", "reset-password", "nobody@example.fr"]
    )
    assert missing.exit_code == 1 and "Aucun utilisateur" in missing.output


def test_a_user_created_from_the_cli_chooses_their_password_too(auth_app: Dash) -> None:
    result = auth_app.server.test_cli_runner().invoke(
        args=[
            "users", "create", "--email", "cli@capinghem.example", "--name", "Agent",
            "--convention", "CONV-2021-011", "--role", "reader", "--password-stdin",
        ],
        input="un-mot-de-passe-remis\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    client = auth_app.server.test_client()
    response = client_login(client, "cli@capinghem.example", "un-mot-de-passe-remis")
    assert response.headers["Location"].startswith("/password")


def test_demo_accounts_are_not_asked_to_change_their_password(auth_app: Dash) -> None:
    client = auth_app.server.test_client()
    response = client_login(client, CAPINGHEM, accept_terms=False)
    assert response.headers["Location"].startswith("/conditions")
    assert not user_row(auth_app, CAPINGHEM).must_change_password


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong-current-password", NEW_PASSWORD, None, "Le mot de passe actuel est incorrect."),
        (DEMO_PASSWORD, "court-mdp", None, "au moins 12 caractères"),
        (DEMO_PASSWORD, "Password1234", None, "mots de passe courants"),
        (DEMO_PASSWORD, "capinghem@atlas-demo.fr", None, "adresse électronique"),
        (DEMO_PASSWORD, NEW_PASSWORD, "tulipes-du-jardin-60", "diffèrent"),
        (DEMO_PASSWORD, DEMO_PASSWORD, None, "différer de l'actuel"),
        ("", "", "", "Remplissez les trois champs."),
    ],
)
def test_every_form_error_is_a_french_message(
    auth_app: Dash, current: str, new: str, confirm: str | None, message: str
) -> None:
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    before = user_row(auth_app, CAPINGHEM).password_hash
    response = change(client, current, new, confirm)
    assert response.status_code == 400
    page = unescape(response.text)
    assert message in re.search(r'id="password-error">(.*?)</div>', page).group(1)
    assert "Traceback" not in page
    assert user_row(auth_app, CAPINGHEM).password_hash == before


def test_self_service_change_keeps_this_session_and_ends_the_others(auth_app: Dash) -> None:
    other_device = auth_app.server.test_client()
    client_login(other_device, CAPINGHEM)
    client = auth_app.server.test_client()
    client_login(client, CAPINGHEM)
    assert '"id":"password-link"' in client.get("/_dash-layout").text
    response = change(client, DEMO_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "Votre mot de passe a été changé." in unescape(client.get("/password").text)
    assert client.get("/_dash-layout").status_code == 200
    assert other_device.get("/_dash-layout").status_code == 401
    client_logout(client)
    assert client_login(client, CAPINGHEM, NEW_PASSWORD).status_code == 302


def test_wrong_current_passwords_count_in_the_rate_limit(make_auth_app) -> None:
    app = make_auth_app(login_rate_limit="3 per minute")
    client = app.server.test_client()
    client_login(client, CAPINGHEM)
    before = user_row(app, CAPINGHEM).password_hash
    for _ in range(3):
        assert "actuel est incorrect" in unescape(
            change(client, "guess-guess-1", NEW_PASSWORD).text
        )
    refused = unescape(change(client, DEMO_PASSWORD, NEW_PASSWORD).text)
    assert "Trop de tentatives" in refused
    assert user_row(app, CAPINGHEM).password_hash == before


def test_the_strength_rules() -> None:
    check_strength("tulipes-du-jardin-59")
    for weak in ("onze-caract", "password1234", "PASSWORD1234", "1234567890123"):
        with pytest.raises(WeakPassword):
            check_strength(weak)
    with pytest.raises(WeakPassword, match="adresse"):
        check_strength("jean.dupont@mairie.fr", email="jean.dupont@mairie.fr")


def test_hashes_use_owasp_argon2id_parameters() -> None:
    hashed = Passwords(make_hasher("production")).hash(NEW_PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert (
        Passwords(make_hasher("demo"))
        .hash(NEW_PASSWORD)
        .startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    )


def test_an_old_hash_is_replaced_at_the_next_successful_login_only(auth_app: Dash) -> None:
    old_hash = PasswordHasher().hash(DEMO_PASSWORD)  # the library default used before
    assert "m=65536,t=3,p=4" in old_hash
    with state_of(auth_app).db.writing() as session:
        session.execute(update(User).where(User.email == CAPINGHEM).values(password_hash=old_hash))
    client_login(auth_app.server.test_client(), CAPINGHEM, "not-the-password")
    assert user_row(auth_app, CAPINGHEM).password_hash == old_hash
    assert client_login(auth_app.server.test_client(), CAPINGHEM).status_code == 302
    new_hash = user_row(auth_app, CAPINGHEM).password_hash
    assert new_hash != old_hash
    assert not state_of(auth_app).passwords.needs_rehash(new_hash)
    assert client_login(auth_app.server.test_client(), CAPINGHEM).status_code == 302


VERSION_1_USER_COLUMNS = (
    "id", "email", "display_name", "password_hash", "convention_id", "role", "active",
    "terms_accepted_at", "last_login_at", "failed_attempts", "locked_until",
    "sessions_revoked_at", "created_at",
)  # fmt: skip


def test_a_database_of_schema_version_1_is_upgraded_and_keeps_its_users(
    auth_database_url: str, tmp_path: Path
) -> None:
    """Build the tables as version 1 had them, with a user, then start the current code."""
    version_1 = MetaData()
    for table in Base.metadata.sorted_tables:
        if table.name in ("login_attempts", "commission_files"):  # versions 2 and 3
            continue
        columns = [
            column._copy()
            for column in table.columns
            if table.name != "users" or column.name in VERSION_1_USER_COLUMNS
        ]
        Table(table.name, version_1, *columns)
    engine = create_engine(auth_database_url)
    passwords = Passwords(make_hasher("test"))
    with engine.begin() as connection:
        version_1.create_all(connection)
        connection.execute(insert(version_1.tables[SchemaVersion.__tablename__]).values(version=1))
        convention_id = connection.execute(
            insert(version_1.tables[Convention.__tablename__])
            .values(
                number="CONV-2021-001", partner_name="MEL", partner_type="mel",
                signed_on=utcnow().date(), valid_from=utcnow().date() - timedelta(days=1),
                valid_until=utcnow().date() + timedelta(days=365), status="signed",
                perimeter="", datasets="attributions,occupation,parc", signatory="",
            )
            .returning(version_1.tables[Convention.__tablename__].c.id)
        ).scalar_one()  # fmt: skip
        connection.execute(
            insert(version_1.tables[User.__tablename__]).values(
                email="ancien@mel.example", display_name="Ancien", role="admin",
                password_hash=passwords.hash(NEW_PASSWORD), convention_id=convention_id,
                active=True, failed_attempts=0, created_at=utcnow(),
            )
        )  # fmt: skip
    engine.dispose()

    db = Database(auth_database_url, tmp_path / "lock")
    assert db.upgrade() == SCHEMA_VERSION == 4
    assert db.upgrade() == SCHEMA_VERSION
    with db.reading() as session:
        user = session.scalars(select(User).where(User.email == "ancien@mel.example")).one()
        assert user.must_change_password is False
        assert user.one_time_password_expires_at is None
        assert files_of(session, user.id) == []  # version 3's table is there
    from auth.login import authenticate
    from auth.throttle import LoginThrottle, Rate

    outcome = authenticate(
        db,
        passwords,
        LoginThrottle(Rate.parse("5 per minute"), Rate.parse("5 per minute")),
        "ancien@mel.example",
        NEW_PASSWORD,
        address="127.0.0.1",
        now=utcnow(),
        today=utcnow().date(),
    )
    assert outcome.succeeded and not outcome.must_change_password
    db.dispose()
