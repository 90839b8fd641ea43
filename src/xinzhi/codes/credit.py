r"""Unified social credit codes (统一社会信用代码, GB 32100-2015) and organisation codes
(组织机构代码, GB 11714-1997): character sets, weights and check characters (vectorised).

A credit code has 18 characters from the 31-character set ``0-9 A-H J-N P-R T U W-Y`` (no I,
O, Z, S, V) with values 0–30 in that order: 1 registration authority (登记管理部门), 1 entity
category (机构类别), 6 region code (登记管理机关行政区划码), 9 entity identifier (主体标识码, the
GB 11714 organisation code) and 1 check character. With character values :math:`C_i` and
weights :math:`W_i = 3^{i-1} \bmod 31` (i = 1..17)::

    C18 = 31 − (Σ_{i=1}^{17} C_i · W_i  mod 31),   and C18 = 0 when that gives 31.

(GB 32100-2015《法人和其他组织统一社会信用代码编码规则》, 4.2 and Annex B.) The organisation
code check character is ``C9 = 11 − (Σ C_i·W_i mod 11)`` with W = (3, 7, 9, 10, 5, 8, 4, 2),
digits 0–9 and letters A–Z valued 10–35; 10 is written ``X`` and 11 is written ``0``.

Tests: ``tests/firms/test_firms_credit.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = [
    "CREDIT_CHARSET",
    "CREDIT_WEIGHTS",
    "ORG_WEIGHTS",
    "code_matrix",
    "credit_check_bytes",
    "credit_check_chars",
    "credit_values",
    "org_check_bytes",
    "org_check_chars",
]

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 code characters of GB 32100-2015 in value order (0–30)."""
CREDIT_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
"""Weights W_i = 3^(i−1) mod 31 of positions 1–17 (GB 32100-2015)."""
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
"""Weights of positions 1–8 of an organisation code (GB 11714-1997)."""

_CREDIT_LUT = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(CREDIT_CHARSET):
    _CREDIT_LUT[ord(_c)] = _i
_CREDIT_BYTES = np.frombuffer(CREDIT_CHARSET.encode(), dtype=np.uint8)
_ORG_LUT = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    _ORG_LUT[ord(_c)] = _i


def code_matrix(codes: pd.Series, width: int) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    """Codes as a (n, width) uint8 matrix of ASCII bytes, and a mask of the rows that have
    exactly ``width`` ASCII characters (other rows are filled with ``"0"``)."""
    text = codes.astype(object).where(codes.notna(), "").astype(str)
    ok = (text.str.len() == width).to_numpy() & text.map(str.isascii).to_numpy(dtype=bool)
    padded = np.where(ok, text.to_numpy(dtype=object), "0" * width).astype(f"S{width}")
    mat = padded.view(np.uint8).reshape(len(text), width)
    return mat, ok


def credit_values(mat: NDArray[np.uint8]) -> NDArray[np.int64]:
    """Values 0–30 of credit-code characters (byte matrix); −1 outside :data:`CREDIT_CHARSET`."""
    return _CREDIT_LUT[mat]


def credit_check_bytes(body: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    """Check characters (as bytes) of an (n, 17) byte matrix of credit-code bodies, and a mask
    of the rows whose 17 characters are all in :data:`CREDIT_CHARSET`."""
    vals = credit_values(body)
    ok = np.asarray((vals >= 0).all(axis=1), dtype=np.bool_)
    total = (np.where(vals < 0, 0, vals) * CREDIT_WEIGHTS).sum(axis=1)
    check = np.asarray(_CREDIT_BYTES[(31 - total % 31) % 31], dtype=np.uint8)
    return check, ok


def org_check_bytes(body: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], NDArray[np.bool_]]:
    """Check characters (as bytes) of an (n, 8) byte matrix of organisation-code bodies, and a
    mask of the rows whose 8 characters are all digits or capital letters."""
    vals = _ORG_LUT[body]
    ok = np.asarray((vals >= 0).all(axis=1), dtype=np.bool_)
    c = 11 - (np.where(vals < 0, 0, vals) * ORG_WEIGHTS).sum(axis=1) % 11
    check = np.where(c == 10, ord("X"), np.where(c == 11, ord("0"), c + ord("0")))
    return check.astype(np.uint8), ok


def credit_check_chars(body: pd.Series | np.ndarray) -> np.ndarray:
    """GB 32100-2015 check characters of 17-character code bodies (vectorised).

    Parameters
    ----------
    body : Series or array of str
        The first 17 characters (upper case, from :data:`CREDIT_CHARSET`).

    Returns
    -------
    ndarray of str
        The check character per body; ``""`` where the body is not 17 valid characters.
    """
    mat, ok = code_matrix(pd.Series(np.asarray(body, dtype=object)), 17)
    check, valid = credit_check_bytes(mat)
    return np.where(ok & valid, check.view("S1").astype("U1"), "")


def org_check_chars(body: pd.Series | np.ndarray) -> np.ndarray:
    """GB 11714-1997 check characters of 8-character organisation-code bodies (vectorised);
    ``""`` where the body is not 8 digits or capital letters."""
    mat, ok = code_matrix(pd.Series(np.asarray(body, dtype=object)), 8)
    check, valid = org_check_bytes(mat)
    return np.where(ok & valid, check.view("S1").astype("U1"), "")
