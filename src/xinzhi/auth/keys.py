"""The server's secret key (signs session cookies).

Resolution: ``XINZHI_SECRET_KEY`` in the environment; else the file ``XINZHI_HOME/secret_key``;
else a new random key written to that file (mode 0600) on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

from xinzhi import config

__all__ = ["secret_key", "sign", "unsign"]


def secret_key() -> bytes:
    """The secret key as bytes (environment, key file, or generated and stored)."""
    env = os.environ.get("XINZHI_SECRET_KEY")
    if env:
        return env.encode("utf-8")
    path = config.home_dir() / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key.encode("utf-8")


def sign(value: str, key: bytes) -> str:
    """``value.signature`` with an HMAC-SHA256 signature (URL-safe hex)."""
    mac = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{value}.{mac}"


def unsign(signed: str, key: bytes) -> str | None:
    """The value of a string made by :func:`sign`, or None if the signature does not match."""
    value, _, mac = signed.rpartition(".")
    if not value or not mac:
        return None
    expected = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return value if hmac.compare_digest(mac, expected) else None
