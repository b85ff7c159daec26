"""The user store on SQLite and PostgreSQL: schema upgrade, append-only audit log, seeding."""

from __future__ import annotations

import multiprocessing
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DatabaseError

from auth.audit import record_event
from auth.db import SCHEMA_VERSION, Database
from auth.demo_accounts import DEMO_PASSWORD, DEMO_USERS, seed_demo_accounts
from auth.login import WRONG_CREDENTIALS, authenticate
from auth.management import CLI_ACTOR, ManagementError, create_user
from auth.models import AuditEvent, Convention, SchemaVersion, User, utcnow
from auth.passwords import Passwords, make_hasher
from auth.throttle import LoginThrottle, Rate


@pytest.fixture
def database(auth_database_url: str, tmp_path: Path):
    db = Database(auth_database_url, tmp_path / "lock")
    db.upgrade()
    yield db
    db.dispose()


def test_the_upgrade_creates_the_schema_once(database: Database) -> None:
    assert database.upgrade() == SCHEMA_VERSION
    assert database.upgrade() == SCHEMA_VERSION
    with database.reading() as session:
        versions = session.scalars(select(SchemaVersion.version)).all()
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_the_audit_log_is_append_only(database: Database) -> None:
    with database.writing() as session:
        record_event(session, "login", user_email="a@b.fr", client_address="127.0.0.1")
    for statement in (
        update(AuditEvent).values(user_email="someone-else@b.fr"),
        delete(AuditEvent),
    ):
        with pytest.raises(DatabaseError, match="append-only"), database.writing() as session:
            session.execute(statement)
    with database.reading() as session:
        assert session.scalars(select(AuditEvent.user_email)).all() == ["a@b.fr"]


def test_unknown_audit_actions_are_refused(database: Database) -> None:
    with pytest.raises(ValueError, match="unknown audit action"), database.writing() as session:
        record_event(session, "password_seen")


def test_emails_are_unique_whatever_their_case(database: Database) -> None:
    passwords = Passwords(make_hasher("test"))
    seed_demo_accounts(database, passwords)
    with pytest.raises(ManagementError, match="déjà"), database.writing() as session:
        create_user(
            session,
            CLI_ACTOR,
            passwords,
            email="CAPINGHEM@atlas-demo.fr",
            display_name="Doublon",
            convention_number="CONV-2021-011",
            role="reader",
            password="un-mot-de-passe-solide",
        )


def seed_in_a_new_process(url: str, lock_file: str) -> None:
    db = Database(url, Path(lock_file))
    db.upgrade()
    seed_demo_accounts(db, Passwords(make_hasher("test")))
    db.dispose()


def test_workers_starting_together_seed_each_demo_row_once(
    auth_database_url: str, tmp_path: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(
            target=seed_in_a_new_process, args=(auth_database_url, str(tmp_path / "lock"))
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    db = Database(auth_database_url, tmp_path / "lock")
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
        assert session.scalar(select(func.count()).select_from(Convention)) == len(DEMO_USERS)
        created = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "admin_change")
        )
        assert created == 2 * len(DEMO_USERS)
    db.dispose()


def test_passwords_are_argon2id_and_at_least_12_characters() -> None:
    passwords = Passwords(make_hasher("production"))
    hashed = passwords.hash("douze-caract")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify(hashed, "douze-caract")
    assert not passwords.verify(hashed, "douze-caracT")
    assert not passwords.verify(None, "douze-caract")
    with pytest.raises(ValueError, match="au moins 12"):
        passwords.hash("onze-caract")


def test_unknown_email_wrong_password_and_locked_account_take_similar_time(
    database: Database,
) -> None:
    """A guesser cannot tell an unknown address, a wrong password, or the right password
    on a locked account from the time of the answer: each costs one argon2 verification
    and one write."""
    # Enough argon2 work to dominate the time of a database write.
    passwords = Passwords(PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1))
    seed_demo_accounts(database, passwords)
    throttle = LoginThrottle(Rate.parse("1000 per minute"), Rate.parse("1000 per minute"))
    with database.writing() as session:
        session.execute(
            update(User)
            .where(User.email == "roubaix@atlas-demo.fr")
            .values(locked_until=utcnow() + timedelta(hours=1))
        )

    def attempt(email: str, password: str = "not-the-password") -> float:
        started = time.perf_counter()
        outcome = authenticate(
            database,
            passwords,
            throttle,
            email,
            password,
            address="127.0.0.1",
            now=utcnow(),
            today=date(2026, 1, 1),
        )
        assert outcome.message == WRONG_CREDENTIALS
        return time.perf_counter() - started

    attempt("etat@atlas-demo.fr")  # warm-up: connections, statement caches
    timings: dict[str, list[float]] = {"unknown": [], "wrong": [], "locked": []}
    for _ in range(7):  # interleaved, so that a busy machine slows both alike
        timings["unknown"].append(attempt("nobody@atlas-demo.fr"))
        timings["wrong"].append(attempt("etat@atlas-demo.fr"))
        timings["locked"].append(attempt("roubaix@atlas-demo.fr", DEMO_PASSWORD))
    unknown = statistics.median(timings["unknown"])
    wrong = statistics.median(timings["wrong"])
    locked = statistics.median(timings["locked"])
    assert 0.6 < unknown / wrong < 1.6, (unknown, wrong)
    assert 0.6 < locked / wrong < 1.6, (locked, wrong)
