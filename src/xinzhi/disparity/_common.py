"""Shared pieces of the disparity analyses: input checks and the result-object base class."""

from __future__ import annotations

import html
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result

__all__ = ["DisparityResult", "MissingPolicy", "check_columns", "iter_by", "numeric_column"]

MissingPolicy = Literal["error", "drop"]


def check_columns(data: pd.DataFrame, *columns: str | None) -> None:
    """Raise :class:`InputError` (Chinese) when a named column is absent."""
    if not isinstance(data, pd.DataFrame):
        raise InputError("输入必须是 pandas DataFrame（长表：每行一个单元×年份）")
    missing = [c for c in columns if c is not None and c not in data.columns]
    if missing:
        raise InputError(
            f"输入数据缺少列：{'、'.join(missing)}；现有列：{'、'.join(map(str, data.columns))}"
        )


def numeric_column(
    data: pd.DataFrame,
    value: str,
    missing: MissingPolicy,
    what: str,
    keep: list[str | None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coerce ``value`` to float; handle missing values by ``missing``.

    Returns the kept rows (``value`` as float; only ``value`` and the ``keep`` columns when
    ``keep`` is given) and the dropped rows (empty when none).
    """
    if keep is not None:
        cols = list(dict.fromkeys([value, *(c for c in keep if c is not None)]))
        out = data[cols]
    else:
        out = data
    raw = out[value]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        vals = raw.to_numpy(dtype=float, na_value=np.nan)
    else:
        vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad_text = raw.notna().to_numpy() & np.isnan(vals)
        if bad_text.any():
            shown = "、".join(map(str, raw[bad_text].unique()[:5]))
            raise InputError(f"{what}：列 {value!r} 含有非数值内容（如 {shown}）")
    nan = ~np.isfinite(vals)
    if nan.any():
        if missing == "error":
            raise ComputationError(
                f"{what}：列 {value!r} 有 {int(nan.sum())} 个缺失值（NaN/空/无穷）；"
                "请补齐数据，或使用 missing='drop'（命令行 --drop-missing）删除这些行"
            )
        dropped = out[nan].copy()
        out = out[~nan].copy()
        out[value] = vals[~nan]
        return out, dropped
    out = out.copy()
    out[value] = vals
    return out, out.iloc[0:0]


def iter_by(data: pd.DataFrame, by: str | None) -> Iterator[tuple[Hashable, pd.DataFrame]]:
    """Yield ``(by value, rows)`` in sorted order; one pass with key ``None`` when ``by`` is None."""
    if by is None:
        yield None, data
        return
    if data[by].isna().any():
        raise ComputationError(
            f"分期列 {by!r} 有 {int(data[by].isna().sum())} 个空值，请补齐或删除这些行"
        )
    for key, part in data.groupby(by, sort=True):
        yield (key[0] if isinstance(key, tuple) else key), part


def _frame_html(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda v: f"{v:.6g}")


@dataclass
class DisparityResult(Result):
    """Base of the disparity results (:class:`xinzhi.results.Result` with options and notes).

    Subclasses implement :meth:`tables` (ordered ``{sheet name: DataFrame}``; the first one is
    returned by :meth:`tidy`, English column names) and may extend :meth:`summary`. ``options``
    keeps every option that produced the numbers; ``notes`` records documented special cases
    met on the data. :meth:`to_excel` adds a sheet "说明" with the options and notes.
    """

    options: dict[str, Any] = field(default_factory=dict, kw_only=True)
    notes: list[str] = field(default_factory=list, kw_only=True)

    #: Chinese title shown by summary() and used for the Excel "说明" sheet.
    title: ClassVar[str] = "分析结果"

    def _options_text(self) -> str:
        return "；".join(f"{k}={v}" for k, v in self.options.items())

    def summary(self) -> str:
        """Text summary: title, options, notes and the main table."""
        lines = [self.title, f"选项：{self._options_text()}"]
        lines += [f"注：{n}" for n in self.notes]
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            lines.append(self.tidy().to_string(index=False, float_format=lambda v: f"{v:.6g}"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        parts = [
            f"<h4>{html.escape(self.title)}</h4>",
            f"<p>{html.escape(self._options_text())}</p>",
        ]
        parts += [f"<p>注：{html.escape(n)}</p>" for n in self.notes]
        for name, df in self.tables().items():
            parts.append(f"<h5>{html.escape(name)}</h5>{_frame_html(df)}")
        return "\n".join(parts)

    def info_table(self) -> pd.DataFrame:
        """The sheet "说明": the analysis, its options and notes."""
        return pd.DataFrame(
            {
                "项目": ["分析", *self.options.keys(), *(["注"] * len(self.notes))],
                "取值": [self.title, *map(str, self.options.values()), *self.notes],
            }
        )
