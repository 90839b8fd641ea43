"""Cell values: missing markers, full-width digits, thousands separators, % and ‰.

All functions work on whole columns (pandas string methods), never cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["MISSING_MARKERS", "ParsedValues", "parse_values", "to_text"]

MISSING_MARKERS: tuple[str, ...] = (
    "",
    "—",
    "——",
    "-",
    "--",
    "…",
    "...",
    "……",
    "NA",
    "N/A",
    "#N/A",
    "#DIV/0!",
    "/",
    "NAN",
    "NONE",
    "NULL",
)
"""Cell texts read as “no value” (compared after NFKC, trimming and upper-casing)."""

_MARKERS_NORMALISED = {
    pd.Series([m]).str.normalize("NFKC").iloc[0].upper() for m in MISSING_MARKERS
}
_THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"


@dataclass(frozen=True)
class ParsedValues:
    """Result of :func:`parse_values` (aligned with the input index).

    ``value`` is NaN where ``missing`` or ``bad``; ``marker`` holds the normalised missing
    marker (``""`` for an empty cell) where ``missing``; ``cell_factor`` is 0.01 / 0.001 where
    the cell itself carried ``%`` / ``‰`` (the header unit is then not applied), else NaN.
    """

    value: pd.Series
    missing: pd.Series
    marker: pd.Series
    bad: pd.Series
    cell_factor: pd.Series


def to_text(raw: pd.Series) -> pd.Series:
    """Cells as normalised text: NFKC (full-width → half-width), trimmed; None/NaN → ``""``.

    Floats are written with ``repr`` precision, so numeric cells read back exactly.
    """
    obj = raw.astype(object)
    obj = obj.where(obj.notna(), "")
    text = obj.astype(str).str.normalize("NFKC").str.strip()
    return text.str.replace(r"\s+", "", regex=True)


def parse_values(raw: pd.Series) -> ParsedValues:
    """Parse raw cells (numbers or text) into floats.

    Rules: a missing marker (:data:`MISSING_MARKERS`) → missing; full-width digits and signs are
    NFKC-normalised; thousands separators ``1,234.5`` removed (only in the exact thousands
    pattern); a trailing ``%`` / ``‰`` divides by 100 / 1000; anything else that does not parse
    as a finite number is ``bad`` (non-numeric).
    """
    text = to_text(raw)
    upper = text.str.upper()
    missing = upper.isin(_MARKERS_NORMALISED)
    pct = text.str.endswith("%")
    permille = text.str.endswith("‰")
    body = text.mask(pct | permille, text.str[:-1])
    body = body.mask(body.str.match(_THOUSANDS), body.str.replace(",", "", regex=False))
    num = pd.to_numeric(body.where(~missing, None), errors="coerce").astype("float64")
    finite = np.isfinite(num.to_numpy())
    bad = ~missing & ~pd.Series(finite, index=raw.index)
    cell_factor = pd.Series(np.where(pct, 0.01, np.where(permille, 0.001, np.nan)), index=raw.index)
    num = num.where(~bad)
    num = num.where(~(pct | permille), num * cell_factor)
    marker = upper.where(missing, None)
    return ParsedValues(value=num, missing=missing, marker=marker, bad=bad, cell_factor=cell_factor)
