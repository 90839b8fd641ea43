"""Password hashing (argon2id via argon2-cffi) and generated passwords."""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from xinzhi.errors import InputError

__all__ = ["MIN_PASSWORD_LENGTH", "generate_password", "hash_password", "verify_password"]

MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory defaults of argon2-cffi
_ALPHABET = string.ascii_letters + string.digits


def hash_password(password: str) -> str:
    """argon2id hash of ``password`` (at least :data:`MIN_PASSWORD_LENGTH` characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"密码太短：至少 {MIN_PASSWORD_LENGTH} 个字符")
    if len(password) > 1024:
        raise InputError("密码太长：最多 1024 个字符")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash`` (never raises on a mismatch)."""
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def generate_password(length: int = 16) -> str:
    """A random password of letters and digits (``secrets``)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
