"""argon2id password hashing, with the same work for an unknown email as for a wrong password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12


class WeakPassword(ValueError):
    pass


def make_hasher(env: str) -> PasswordHasher:
    """argon2id with the library's recommended cost; tests alone use a cheap one for speed."""
    if env == "test":
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
        )


class Passwords:
    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        # Verified against when the email is unknown, so both cases cost the same time.
        self._decoy_hash = hasher.hash("atlas-decoy-password-never-used")

    def hash(self, password: str) -> str:
        check_strength(password)
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash or self._decoy_hash, password) and bool(
                password_hash
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)
