"""argon2id password hashing, the rules a chosen password follows, and one-time passwords.

The hashing cost is OWASP's recommendation for argon2id (Password Storage Cheat Sheet:
m=19 MiB, t=2, p=1). A hash made with other parameters (the library's default before) is
replaced at the next successful login (`needs_rehash`). An unknown email costs the same
work as a wrong password.
"""

from __future__ import annotations

import gzip
import secrets
from datetime import timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# OWASP Password Storage Cheat Sheet, argon2id: 19 MiB of memory, 2 iterations, 1 lane.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1
ONE_TIME_PASSWORD_LIFETIME = timedelta(hours=72)
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


class WeakPassword(ValueError):
    """A password the rules refuse; the message (French) says why."""


def make_hasher(env: str) -> PasswordHasher:
    """argon2id at OWASP's cost; tests alone use a cheap one for speed."""
    if env == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)
    return PasswordHasher(
        time_cost=OWASP_TIME_COST,
        memory_cost=OWASP_MEMORY_KIB,
        parallelism=OWASP_PARALLELISM,
        type=Type.ID,
    )


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lower-cased (see auth/data/README.md)."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def check_strength(password: str, *, email: str = "") -> None:
    """Raise WeakPassword (French message) unless `password` may be chosen."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Le mot de passe ne peut pas dépasser {MAX_PASSWORD_LENGTH} caractères."
        )
    lowered = password.lower()
    if lowered in common_passwords():
        raise WeakPassword(
            "Ce mot de passe figure dans une liste de mots de passe courants : choisissez-en un "
            "autre."
        )
    if email and lowered in (email.lower(), email.lower().split("@", 1)[0]):
        raise WeakPassword("Le mot de passe ne doit pas reprendre votre adresse électronique.")


def one_time_password() -> str:
    """A random one-time password (16 characters), shown once to the administrator."""
    return secrets.token_urlsafe(12)


class Passwords:
    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        # Verified against when the email is unknown, so both cases cost the same time.
        self._decoy_hash = hasher.hash("atlas-decoy-password-never-used")

    def hash(self, password: str, *, email: str = "") -> str:
        check_strength(password, email=email)
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash or self._decoy_hash, password) and bool(
                password_hash
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True
