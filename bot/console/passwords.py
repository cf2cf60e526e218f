"""Password hashing for staff accounts: argon2id, via argon2-cffi."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 256

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_HASHER = PasswordHasher()


class WeakPasswordError(ValueError):
    """The password is too short or too long to be accepted."""


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short (or absurdly long).

    Raises:
        WeakPasswordError: With a message that can be shown to the person.
    """
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPasswordError(f"use at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise WeakPasswordError(f"use at most {MAX_PASSWORD_CHARS} characters")


def hash_password(password: str) -> str:
    """The argon2id hash of a password (salted; safe to store)."""
    check_password_strength(password)
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; never raises for bad input."""
    if not password or len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against when the username is unknown.

    The check then takes as long as a real one, so response times do not
    reveal which usernames exist.
    """
    return _HASHER.hash(secrets.token_urlsafe(16))
