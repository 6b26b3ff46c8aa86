"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt.gz"


@cache
def _hasher(parameters: tuple[tuple[str, int], ...]) -> PasswordHasher:
    return PasswordHasher(**dict(parameters))


def hasher() -> PasswordHasher:
    """argon2id with the library's defaults (RFC 9106 low-memory); tests may lower the cost."""
    return _hasher(tuple(sorted(current_app.config["ARGON2_PARAMETERS"].items())))


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@cache
def _dummy_hash(parameters: tuple[tuple[str, int], ...]) -> str:
    return _hasher(parameters).hash("not-a-real-password")


def burn_verification_time(password: str) -> None:
    """Spend as long as a real check, so an unknown e-mail cannot be told from a wrong password."""
    parameters = tuple(sorted(current_app.config["ARGON2_PARAMETERS"].items()))
    verify_password(_dummy_hash(parameters), password)


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def policy_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, in words for the person, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in common_passwords():
        return "That password is too common. Try a few words that mean something to you."
    if any(part and len(part) >= 3 and lowered == part.lower() for part in personal):
        return "Don't use your name or e-mail as your password."
    return None
