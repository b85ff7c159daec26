"""Checking a login attempt: rate limit, password, lock after repeated failures, validity.

Every attempt first goes through the rate limit (per client address and per account,
counted in the user store before the password is checked: auth/throttle.py). Then one
argon2 verification, whatever the case, so that the answer and its time tell nothing:
- an unknown email and a wrong password get the same answer;
- while an account is locked, every attempt, with the right password or not, gets that
  same answer too, counts as a failure and extends the lock. The user learns of the lock
  from the administrator (the admin page shows it) or once it has ended.
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
from auth.throttle import LimitReached, LoginThrottle, mark_succeeded

MAX_FAILED_ATTEMPTS = 10
LOCK_DURATION = timedelta(minutes=15)
WRONG_CREDENTIALS = "Adresse électronique ou mot de passe incorrect."
RATE_LIMITED_ADDRESS = (
    "Trop de tentatives de connexion depuis votre adresse : patientez une minute avant de "
    "réessayer."
)
RATE_LIMITED_ACCOUNT = (
    "Trop de tentatives de connexion sur ce compte : patientez avant de réessayer, ou "
    "contactez l'administrateur."
)
ONE_TIME_PASSWORD_EXPIRED = (
    "Ce mot de passe provisoire a expiré (il vaut 72 heures) : demandez-en un nouveau à "
    "l'administrateur de la Métropole."
)


@dataclass(frozen=True)
class LoginOutcome:
    user_id: int | None
    message: str = ""
    status: int = 200
    must_change_password: bool = False

    @property
    def succeeded(self) -> bool:
        return self.user_id is not None


def _locked(user: User | None, now: datetime) -> bool:
    return user is not None and user.locked_until is not None and user.locked_until > now


def _failed(
    db: Database, user: User | None, email: str, address: str, password_ok: bool, now: datetime
) -> None:
    with db.writing() as session:
        if user is None:
            reason = "adresse inconnue"
        else:
            failures = session.scalar(
                update(User)
                .where(User.id == user.id)
                .values(failed_attempts=User.failed_attempts + 1)
                .returning(User.failed_attempts)
            )
            still_locked = session.scalar(
                select(User.locked_until).where(User.id == user.id, User.locked_until > now)
            )
            if still_locked is not None:
                # Any attempt on a locked account, even with the right password, fails and
                # pushes the end of the lock back.
                session.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(failed_attempts=0, locked_until=now + LOCK_DURATION)
                )
                verdict = "mot de passe correct" if password_ok else "mot de passe incorrect"
                reason = f"compte verrouillé ({verdict}), verrou prolongé de 15 min"
            elif failures is not None and failures >= MAX_FAILED_ATTEMPTS:
                session.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(failed_attempts=0, locked_until=now + LOCK_DURATION)
                )
                reason = (
                    f"mot de passe incorrect, compte verrouillé {LOCK_DURATION.seconds // 60} min"
                )
            else:
                reason = "mot de passe incorrect"
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
    throttle: LoginThrottle,
    email: str,
    password: str,
    *,
    address: str,
    now: datetime,
    today: date,
) -> LoginOutcome:
    email = normalize_email(email)
    admission = throttle.admit(db, address, email, now)
    if admission.attempt_id is None:
        message = (
            RATE_LIMITED_ADDRESS
            if admission.refusal is LimitReached.ADDRESS
            else RATE_LIMITED_ACCOUNT
        )
        return LoginOutcome(None, message, 429)
    with db.reading() as session:
        user = session.scalar(select(User).where(User.email == email))
    password_ok = passwords.verify(user.password_hash if user else None, password)
    if not password_ok or _locked(user, now):
        _failed(db, user, email, address, password_ok, now)
        return LoginOutcome(None, WRONG_CREDENTIALS, 401)
    assert user is not None
    refusal = access_denial(user, now, today)
    expired = (
        user.must_change_password
        and user.one_time_password_expires_at is not None
        and user.one_time_password_expires_at <= now
    )
    with db.writing() as session:
        if refusal is not None or expired:
            denial = refusal.denial.value if refusal else "mot de passe provisoire expiré"
            record_event(
                session,
                "access_denied",
                user_email=email,
                convention_number=user.convention.number,
                obj=f"connexion refusée : {denial}",
                client_address=address,
            )
            return LoginOutcome(
                None, refusal.message if refusal else ONE_TIME_PASSWORD_EXPIRED, 401
            )
        values: dict[str, object] = {
            "failed_attempts": 0,
            "locked_until": None,
            "last_login_at": now,
        }
        if passwords.needs_rehash(user.password_hash):
            values["password_hash"] = passwords.hasher.hash(password)
        session.execute(update(User).where(User.id == user.id).values(**values))
        mark_succeeded(session, admission.attempt_id)
        record_event(
            session,
            "login",
            user_email=email,
            convention_number=user.convention.number,
            client_address=address,
        )
    return LoginOutcome(user.id, must_change_password=user.must_change_password)
