"""The login rate limit, in the user store: the same count for every worker and instance.

Each attempt is admitted or refused *before* its password is checked, inside one writing
transaction that counts the attempts of the sliding window and records the admitted one.
Those transactions are serialized (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction
advisory lock), so a burst of concurrent requests cannot slip past the count: exactly
`limit` attempts get through per window, whatever the number of workers and machines.

An attempt that ends in a successful login is marked so and stops counting: a brute
force fails, a user who logs in does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from auth.db import Database
from auth.models import LoginAttempt

# Another key than the schema upgrade's (auth.db.ADVISORY_LOCK_KEY).
THROTTLE_LOCK_KEY = 0x41544C54  # "ATLT"
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(
    r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE
)


class RateLimitSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    """At most `amount` attempts in any sliding `window`."""

    amount: int
    window: timedelta

    @classmethod
    def parse(cls, raw: str) -> Rate:
        """'20 per minute', '10/hour', '30 per 15 minutes'."""
        match = _RATE.match(raw)
        if not match:
            raise RateLimitSyntaxError(
                f"rate limit {raw!r}: expected 'N per [M] second|minute|hour|day'"
            )
        amount, count, unit = int(match[1]), int(match[2] or 1), match[3].lower()
        if amount < 1 or count < 1:
            raise RateLimitSyntaxError(f"rate limit {raw!r}: numbers must be at least 1")
        return cls(amount, timedelta(seconds=count * _UNITS[unit]))


class LimitReached(StrEnum):
    ADDRESS = "address"
    ACCOUNT = "account"


@dataclass(frozen=True)
class Admission:
    """An admitted attempt (`attempt_id`), or why it was refused."""

    attempt_id: int | None
    refusal: LimitReached | None = None


@dataclass(frozen=True)
class LoginThrottle:
    per_address: Rate
    per_account: Rate

    @property
    def longest_window(self) -> timedelta:
        return max(self.per_address.window, self.per_account.window)

    def admit(self, db: Database, address: str, email: str, now: datetime) -> Admission:
        """Count, then record, one attempt from `address` on `email` (normalized)."""
        with db.writing() as session:
            _serialize(session)
            session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - self.longest_window))
            if _count(session, LoginAttempt.client_address == address, now, self.per_address) >= (
                self.per_address.amount
            ):
                return Admission(None, LimitReached.ADDRESS)
            if _count(session, LoginAttempt.user_email == email, now, self.per_account) >= (
                self.per_account.amount
            ):
                return Admission(None, LimitReached.ACCOUNT)
            attempt = LoginAttempt(
                at=now, client_address=address[:64], user_email=email[:254], succeeded=False
            )
            session.add(attempt)
            session.flush()
            return Admission(attempt.id)


def mark_succeeded(session: Session, attempt_id: int) -> None:
    """In the caller's transaction: this attempt logged in, it no longer counts."""
    session.execute(
        update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(succeeded=True)
    )


def _serialize(session: Session) -> None:
    """Make the count-then-insert of concurrent transactions happen one after the other."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": THROTTLE_LOCK_KEY})
    # SQLite: the writing session began with BEGIN IMMEDIATE, which holds the write lock.


def _count(session: Session, key: object, now: datetime, rate: Rate) -> int:
    return session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(key, LoginAttempt.at > now - rate.window, LoginAttempt.succeeded.is_(False))
    )
