"""Shared behaviour of result objects: Excel export (one sheet per table) and notebook display."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

__all__ = ["ResultMixin"]


class ResultMixin:
    """Mixin giving ``to_excel`` and ``_repr_html_`` from ``tables()`` and ``summary()``.

    Subclasses implement :meth:`tables` (sheet name -> DataFrame with Chinese headers) and
    :meth:`summary`.
    """

    def tables(self) -> dict[str, pd.DataFrame]:  # pragma: no cover - overridden
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_excel(self, path: str | Path) -> Path:
        """Write one sheet per table (Chinese headers) to ``path`` and return it."""
        out = Path(path)
        with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
            for name, table in self.tables().items():
                table.to_excel(writer, sheet_name=name[:31], index=False)
        return out

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"

    def __repr__(self) -> str:
        return self.summary()
