"""Industry analyses of a user's table: one function per ``xinzhi industry complexity |
specialization | shiftshare --input FILE`` task.

Each function takes the table (a DataFrame, or the path of a csv / xlsx / parquet file read by
:func:`xinzhi.pipelines.user_tables.read_user_table` with the location, industry and group
columns kept as text), the column names and the options, and returns an
:class:`IndustryTable`: the result object of :mod:`xinzhi.industry`, its main table as written
by every surface, and the notes (warnings of the analysis, in Chinese).

Tests: ``tests/pipelines/test_pipeline_tables.py`` and ``tests/industry/test_industry_cli.py``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from xinzhi.errors import InputError
from xinzhi.industry.complexity import TIDY_COLUMNS, ComplexityResult, complexity
from xinzhi.industry.shiftshare import shift_share
from xinzhi.industry.specialization import specialization
from xinzhi.pipelines.user_tables import TableSource, table_frame
from xinzhi.registry import industry as decl

__all__ = [
    "CONVENTIONS",
    "SHIFT_SHARE_METHODS",
    "IndustryTable",
    "complexity_of_file",
    "complexity_table",
    "shiftshare_of_file",
    "shiftshare_table",
    "specialization_of_file",
    "specialization_table",
]

CONVENTIONS: tuple[str, ...] = decl.COMPLEXITY.option("convention").choices or ()
"""Standardisation conventions of the complexity indices (Stata ``ecomplexity`` or the Python
package ``py-ecomplexity``), as declared."""

SHIFT_SHARE_METHODS: tuple[str, ...] = decl.SHIFT_SHARE.option("method").choices or ()
"""Shift-share variants: Dunn's classic three effects, Esteban-Marquillas (with the allocation
effect), dynamic (year-by-year effects summed)."""


class IndustryTable:
    """An industry analysis of a user's table: the result object, its main table, the notes.

    ``table`` may be given as a function that builds it (made on first use); ``arrow`` builds
    the same rows as a ``pyarrow.Table`` without a pandas frame (the writer of a large
    complexity table uses it, :func:`xinzhi.cli._arrow_tables.write_arrow`).
    """

    def __init__(
        self,
        result: Any,
        table: pd.DataFrame | Callable[[], pd.DataFrame],
        notes: list[str] | None = None,
        *,
        arrow: Callable[[], Any] | None = None,
    ) -> None:
        self.result = result
        self._table = table
        self.notes: list[str] = list(notes or [])
        self._arrow = arrow

    @cached_property
    def table(self) -> pd.DataFrame:
        """The main table (built on first use when it was given as a function)."""
        return self._table if isinstance(self._table, pd.DataFrame) else self._table()

    def arrow(self) -> Any:
        """The main table as a ``pyarrow.Table`` (from the arrays when the analysis can)."""
        if self._arrow is not None:
            return self._arrow()
        import pyarrow as pa

        return pa.Table.from_pandas(self.table, preserve_index=False)


def complexity_table(
    data: TableSource,
    location: str,
    product: str,
    value: str,
    year: str | None = None,
    *,
    convention: Literal["stata", "py-ecomplexity"] = decl.COMPLEXITY.default("convention"),
    threshold: float = decl.COMPLEXITY.default("threshold"),
) -> IndustryTable:
    """Economic complexity (ECI/PCI), density, COI, COG (Hidalgo & Hausmann 2009) with
    presence ``M = 1[RCA ≥ threshold]``, per ``year`` when given.

    The table has the columns of :data:`xinzhi.industry.complexity.TIDY_COLUMNS`; the warnings
    of the analysis (e.g. locations without any presence) become the notes.
    """
    if convention not in CONVENTIONS:
        raise InputError(f"未知的口径 convention {convention!r}（可选 {'、'.join(CONVENTIONS)}）")
    df = table_frame(data, [location, product])
    if year and year in df.columns:
        df = df.assign(**{year: pd.to_numeric(df[year], errors="raise")})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = complexity(
            df,
            location=location,
            product=product,
            value=value,
            year=year,
            convention=convention,
            threshold=threshold,
        )
    notes = [str(w.message) for w in caught]
    return IndustryTable(
        res,
        lambda: res.tidy()[TIDY_COLUMNS],
        notes,
        arrow=lambda: res.to_arrow().select(TIDY_COLUMNS),
    )


def _reference(spec: str) -> tuple[str, str | None]:
    """``national`` or ``group:COLUMN`` → (reference, group column)."""
    if spec.startswith("group:"):
        return "group", spec.split(":", 1)[1]
    if spec == "national":
        return "national", None
    raise InputError(f"未知的参照方式 reference {spec!r}（可选 national 或 group:列名）")


def specialization_table(
    data: TableSource,
    location: str,
    industry: str,
    value: str,
    *,
    reference: str = decl.SPECIALIZATION.default("reference"),
) -> IndustryTable:
    """Location quotients, Hoover/Krugman specialisation, HHI, entropy and locational Gini.

    ``reference``: ``national`` (all locations summed) or ``group:COLUMN`` (the locations with
    the same value of COLUMN, e.g. the province). The table is one row per location × industry
    with the location's indices beside it.
    """
    ref, group = _reference(reference)
    df = table_frame(data, [location, industry, group])
    res = specialization(
        df, location=location, industry=industry, value=value, reference=ref, group=group
    )
    table = res.tidy().merge(res.regions().drop(columns="total"), on="location", how="left")
    return IndustryTable(res, table)


def shiftshare_table(
    data: TableSource,
    location: str,
    industry: str,
    value: str,
    year: str,
    base: int,
    final: int,
    *,
    method: Literal["classic", "esteban-marquillas", "dynamic"] = decl.SHIFT_SHARE.default(
        "method"
    ),
) -> IndustryTable:
    """Shift-share analysis between years ``base`` and ``final``: national growth share,
    industry-mix and competitive effects (and the allocation effect, ``esteban-marquillas``)."""
    if method not in SHIFT_SHARE_METHODS:
        raise InputError(f"未知的方法 method {method!r}（可选 {'、'.join(SHIFT_SHARE_METHODS)}）")
    df = table_frame(data, [location, industry])
    res = shift_share(
        df,
        location=location,
        industry=industry,
        value=value,
        year=year,
        base=base,
        final=final,
        method=method,
    )
    return IndustryTable(res, res.tidy())


def complexity_of_file(
    con: Any,
    *,
    input: Path,
    location: str,
    product: str,
    value: str,
    year: str | None = decl.COMPLEXITY.default("year"),
    convention: str = decl.COMPLEXITY.default("convention"),
    threshold: float = decl.COMPLEXITY.default("threshold"),
    data_dir: str | os.PathLike[str] | None = None,
) -> ComplexityResult:
    """The declared analysis ``complexity`` (:data:`xinzhi.registry.industry.COMPLEXITY`):
    :func:`complexity_table` of a user's file; its warnings become the result's ``notes``.
    ``con`` and ``data_dir`` are not used (signature shared by every declared pipeline)."""
    decl.COMPLEXITY.resolve(
        {
            "input": input,
            "location": location,
            "product": product,
            "value": value,
            "year": year,
            "convention": convention,
            "threshold": threshold,
        }
    )
    out = complexity_table(
        input,
        location,
        product,
        value,
        year,
        convention=convention,  # type: ignore[arg-type]
        threshold=threshold,
    )
    res: ComplexityResult = _with_notes(out)
    return res


def _with_notes(out: IndustryTable) -> Any:
    """The result object of ``out`` with the pipeline's notes (warnings of the analysis)."""
    out.result.notes = [*out.result.notes, *out.notes]
    return out.result


def specialization_of_file(
    con: Any,
    *,
    input: Path,
    location: str,
    industry: str,
    value: str,
    reference: str = decl.SPECIALIZATION.default("reference"),
    data_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """The declared analysis ``specialization`` (:data:`xinzhi.registry.industry.
    SPECIALIZATION`): :func:`specialization_table` of a user's file. ``con`` and ``data_dir``
    are not used (signature shared by every declared pipeline)."""
    decl.SPECIALIZATION.resolve(
        {
            "input": input,
            "location": location,
            "industry": industry,
            "value": value,
            "reference": reference,
        }
    )
    return _with_notes(specialization_table(input, location, industry, value, reference=reference))


def shiftshare_of_file(
    con: Any,
    *,
    input: Path,
    location: str,
    industry: str,
    value: str,
    year: str,
    base: int,
    final: int,
    method: str = decl.SHIFT_SHARE.default("method"),
    data_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """The declared analysis ``shiftshare`` (:data:`xinzhi.registry.industry.SHIFT_SHARE`):
    :func:`shiftshare_table` of a user's file. ``con`` and ``data_dir`` are not used."""
    decl.SHIFT_SHARE.resolve(
        {
            "input": input,
            "location": location,
            "industry": industry,
            "value": value,
            "year": year,
            "base": base,
            "final": final,
            "method": method,
        }
    )
    out = shiftshare_table(
        input,
        location,
        industry,
        value,
        year,
        base,
        final,
        method=method,  # type: ignore[arg-type]
    )
    return _with_notes(out)
