"""Password hashing with argon2id (RFC 9106 parameters via argon2-cffi defaults)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id, 64 MiB, t=3, p=4
MIN_LENGTH = 10
TOO_SHORT = "at least 10 characters"  # a message id: keep the number in step with MIN_LENGTH

# A valid hash of a random password: verified against when the user does not exist,
# so a wrong username costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("jingwu-dummy-password-for-timing")


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; constant work even without a stored hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is unacceptable, or None."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if password.strip() != password:
        return "no leading or trailing spaces"
    return None
