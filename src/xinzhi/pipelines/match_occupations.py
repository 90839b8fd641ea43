"""``xinzhi match occupations``: code the job titles of a user's table to the 大典 2022.

Reads the table (csv / xlsx / parquet through :func:`xinzhi.pipelines.user_tables.table_frame`,
the title column kept as text), classifies the titles with
:func:`xinzhi.match.occupations.classify_titles` and returns the table with four columns added
(the stable contract of the command): ``code`` (大典 code of the best occupation), ``name``,
``score`` (0–1, the classifier's weighted signal sum; not a probability) and ``top5`` (the five
best codes joined by ";"). Every input column is kept, in its order; an input column already
called ``code``, ``name``, ``score`` or ``top5`` is kept as ``<name>_原`` (a note says so).

Test: ``tests/cli/test_match_occupations_cmd.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from xinzhi.errors import InputError
from xinzhi.match.occupations import classify_titles
from xinzhi.pipelines.user_tables import TableSource, table_frame

__all__ = ["OUTPUT_COLUMNS", "OccupationTable", "classify_table"]

OUTPUT_COLUMNS = ("code", "name", "score", "top5")


@dataclass
class OccupationTable:
    """The user's table with the occupation columns, and notes (Chinese) for the user."""

    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many titles were coded."""
        coded = int(self.table["code"].notna().sum())
        return f"职业编码（职业分类大典 2022）：{len(self.table)} 行，已编码 {coded} 行。"


def classify_table(
    data: TableSource,
    column: str,
    *,
    k: int = 5,
    embedder: Literal["e5", "use"] = "e5",
) -> OccupationTable:
    """Add ``code, name, score, top5`` for the job titles in ``column`` of ``data``."""
    frame = table_frame(data, [column])
    if column not in frame.columns:
        cols = "、".join(map(str, frame.columns))
        raise InputError(f"输入表中没有列“{column}”（现有列：{cols}）。")
    out = frame.copy()
    notes: list[str] = []
    renames = {c: f"{c}_原" for c in OUTPUT_COLUMNS if c in out.columns}
    if renames:
        out = out.rename(columns=renames)
        kept = "、".join(f"{a} → {b}" for a, b in renames.items())
        notes.append(f"输入表已有同名列，原列改名保留：{kept}。")
    titles = [None if pd.isna(t) else str(t) for t in frame[column]]
    result = classify_titles(titles, k=k, embedder=embedder)  # type: ignore[arg-type]
    for col in OUTPUT_COLUMNS:
        out[col] = result[col].to_numpy()
    empty = int(result["code"].isna().sum())
    if empty:
        notes.append(f"{empty} 行的职位名称为空（或清洗后为空），未编码。")
    return OccupationTable(out, notes)
