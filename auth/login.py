"""Checking a login attempt: password, lock after repeated failures, convention validity.

An unknown email and a wrong password get the same answer after the same work (one
argon2 verification), so that the form does not tell which addresses have an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from auth.audit import record_event
from auth.db import Database
from auth.management import normalize_email
from auth.models import User
from auth.passwords import Passwords
from auth.rules import access_denial

MAX_FAILED_ATTEMPTS = 10
LOCK_DURATION = timedelta(minutes=15)
WRONG_CREDENTIALS = "Adresse électronique ou mot de passe incorrect."


@dataclass(frozen=True)
class LoginOutcome:
    user_id: int | None
    message: str = ""

    @property
    def succeeded(self) -> bool:
        return self.user_id is not None


def _failed(
    db: Database, user: User | None, email: str, address: str, reason: str, now: datetime
) -> None:
    with db.writing() as session:
        if user is not None and reason == "mot de passe incorrect":
            failures = session.scalar(
                update(User)
                .where(User.id == user.id)
                .values(failed_attempts=User.failed_attempts + 1)
                .returning(User.failed_attempts)
            )
            if failures is not None and failures >= MAX_FAILED_ATTEMPTS:
                session.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(failed_attempts=0, locked_until=now + LOCK_DURATION)
                )
                reason = (
                    f"mot de passe incorrect, compte verrouillé {LOCK_DURATION.seconds // 60} min"
                )
        record_event(
            session,
            "login_failed",
            user_email=email,
            convention_number=user.convention.number if user else "",
            obj=reason,
            client_address=address,
        )


def authenticate(
    db: Database,
    passwords: Passwords,
    email: str,
    password: str,
    *,
    address: str,
    now: datetime,
    today: date,
) -> LoginOutcome:
    email = normalize_email(email)
    with db.reading() as session:
        user = session.scalar(select(User).where(User.email == email))
    if not passwords.verify(user.password_hash if user else None, password):
        if user is None:
            reason = "adresse inconnue"
        elif user.locked_until is not None and user.locked_until > now:
            reason = "compte verrouillé"
        else:
            reason = "mot de passe incorrect"
        _failed(db, user, email, address, reason, now)
        return LoginOutcome(None, WRONG_CREDENTIALS)
    assert user is not None
    refusal = access_denial(user, now, today)
    with db.writing() as session:
        if refusal is not None:
            record_event(
                session,
                "access_denied",
                user_email=email,
                convention_number=user.convention.number,
                obj=f"connexion refusée : {refusal.denial.value}",
                client_address=address,
            )
            return LoginOutcome(None, refusal.message)
        values: dict[str, object] = {
            "failed_attempts": 0,
            "locked_until": None,
            "last_login_at": now,
        }
        if passwords.needs_rehash(user.password_hash):
            values["password_hash"] = passwords.hasher.hash(password)
        session.execute(update(User).where(User.id == user.id).values(**values))
        record_event(
            session,
            "login",
            user_email=email,
            convention_number=user.convention.number,
            client_address=address,
        )
    return LoginOutcome(user.id)
