"""The one base class of result objects (evaluation, disparity, typology, industry, regions).

Every result keeps the options that produced it and offers the same surface:
``tables()`` (ordered ``{sheet name: DataFrame}``), ``tidy()`` (the main table, long form),
``summary()`` (Chinese text), ``to_excel(path)`` (one sheet per table with Chinese headers) and
``_repr_html_`` for notebooks.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pandas as pd

from xinzhi.labels import SYNTHETIC_NOTE

__all__ = ["Result"]


class Result:
    """Base of result objects.

    Subclasses implement :meth:`tables` and :meth:`summary`; they may override :meth:`tidy`
    (default: a copy of the first table), :meth:`excel_headers` (default :attr:`headers`) and
    :meth:`info_table` (an extra sheet "说明", default none).
    """

    #: Column name -> Chinese header, applied by :meth:`to_excel`.
    headers: ClassVar[dict[str, str]] = {}

    #: True when the result rests on synthetic example data (示例数据): every surface says so
    #: (CLI line, API note, web banner, report and workbook).
    synthetic: bool = False

    #: Chinese notes every surface shows with the result (e.g. what a user's file left out).
    notes: Sequence[str] = ()

    def tables(self) -> dict[str, pd.DataFrame]:  # pragma: no cover - overridden
        """All result tables, ordered, keyed by (Chinese) sheet name."""
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - overridden
        """Chinese text: what was computed with which options, and the main numbers."""
        raise NotImplementedError

    def labelled(self, text: str) -> str:
        """``text`` (a summary) with the 示例数据 line first when :attr:`synthetic` and the
        :attr:`notes` after it — for the summaries of results built on a warehouse's or a
        user's records."""
        lines = [SYNTHETIC_NOTE] if self.synthetic else []
        lines.append(text)
        lines.extend(f"注：{n}" for n in self.notes)
        return "\n".join(lines)

    def tidy(self) -> pd.DataFrame:
        """The main result table (the first of :meth:`tables`)."""
        return next(iter(self.tables().values())).copy()

    def excel_headers(self) -> dict[str, str]:
        """Column renames applied to every sheet by :meth:`to_excel`."""
        return dict(self.headers)

    def info_table(self) -> pd.DataFrame | None:
        """An extra sheet "说明" written last by :meth:`to_excel` (None: no such sheet)."""
        return None

    def _info_labelled(self) -> pd.DataFrame | None:
        """:meth:`info_table` with the 示例数据 label and the notes appended (as rows of its
        first two columns, or a sheet of its own)."""
        info = self.info_table()
        shown = set() if info is None else {str(v) for v in info.to_numpy().ravel()}
        notes = [str(n) for n in self.notes if str(n) not in shown]  # some sheets list them
        extra = ([SYNTHETIC_NOTE] if self.synthetic else []) + notes
        if not extra:
            return info
        if info is None or info.shape[1] < 2:
            return pd.DataFrame({"说明": extra})
        a, b = info.columns[:2]
        rows = pd.DataFrame({a: ["数据性质" if self.synthetic else "注"] * len(extra), b: extra})
        if self.synthetic and notes:
            rows.loc[1:, a] = "注"
        return pd.concat([info, rows], ignore_index=True)

    def to_excel(self, path: str | Path) -> Path:
        """Write one sheet per table (Chinese headers, names cut to Excel's 31 characters) and
        the optional "说明" sheet to ``path``; return the path."""
        out = Path(path)
        headers = self.excel_headers()
        with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
            for name, table in self.tables().items():
                table.rename(columns=headers).to_excel(writer, sheet_name=name[:31], index=False)
            info = self._info_labelled()
            if info is not None:
                info.to_excel(writer, sheet_name="说明", index=False)
        return out

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"

    def __repr__(self) -> str:
        return self.summary()
