"""Missing data for an index (issue #12 part 9): within-group mean, iterative regression
imputation, and unit screening by data availability.

The engine (:func:`xinzhi.evaluate.evaluate`) calls :func:`screen` first (``min_coverage``), then,
when NaN cells remain, imputes them (``missing``). Same-year mean / median imputation lives in
the engine; this module adds:

``group-mean``
    :math:`\\hat x_{ij} = \\operatorname{mean}\\{x_{kj} : g_k = g_i,\\ t_k = t_i,\\ x_{kj}\\ \\text{observed}\\}`
    — the mean of the indicator over the units of the same group (province, county type …) in
    the same year; if none is observed there, the same-year mean over all units, then the mean
    over the whole panel (OECD/JRC Handbook 2008, §3 "unconditional / group mean substitution").
``iterative``
    chained linear regressions (the deterministic form of MICE, van Buuren &
    Groothuis-Oudshoorn 2011; like scikit-learn's ``IterativeImputer`` with a linear model and no
    posterior sampling): start from the same-year means, then repeatedly regress every
    incomplete indicator on all the others (OLS with intercept, on the rows where it is observed,
    pooled over the panel) and replace its missing cells by the predictions, until the largest
    change, relative to the indicator's standard deviation, is below ``tol`` (at most
    ``max_iter`` rounds).

Screening: a unit whose share of observed indicator cells (over all its rows) is below
``min_coverage`` is left out and reported (:func:`screen`).

Two provinces (codes 11…, 12…), one year; indicator ``a`` of 120102 missing: the mean of the
other units of province 12 is (10 + 20)/2 = 15:

>>> import numpy as np, pandas as pd
>>> f = pd.DataFrame({"unit": ["110101", "110102", "120101", "120102", "120103"], "year": 0,
...                   "a": [1.0, 3.0, 10.0, np.nan, 20.0]})
>>> log = impute(f, ["a"], "group-mean", groups=unit_groups(f, f["unit"], "province"))
>>> f["a"].tolist(), log["value"].tolist()
([1.0, 3.0, 10.0, 15.0, 20.0], [15.0])

Where to look
-------------
* Docs: ``docs/evaluate.md`` §7.1.
* Tests: ``tests/evaluate/test_eval_impute.py``.
* Options: ``missing=group-mean|iterative``, ``impute_group``, ``min_coverage``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, ConfigError, InputError

__all__ = ["IMPUTATIONS", "impute", "screen", "unit_groups"]

log = logging.getLogger(__name__)

IMPUTATIONS = ("group-mean", "iterative")
_UNIT_ALIASES = ("unit", "地区", "单元", "region", "省份", "县域", "县")


def unit_groups(data: pd.DataFrame, units: pd.Series | Any, spec: str) -> NDArray[np.object_]:
    """Group label of every row (``units`` aligned with the evaluated frame).

    ``spec="province"``: the first two digits of a 6-digit administrative code (the unit label);
    otherwise ``spec`` names a column of ``data`` (e.g. ``类型``) giving each unit's group — one
    value per unit (the first non-empty one is used).

    Raises
    ------
    InputError
        Unit labels that are not 6-digit codes with ``province``, or a missing group column.
    """
    u = pd.Series(np.asarray(units, dtype=object)).astype(str)
    if spec == "province":
        ok = u.str.fullmatch(r"\d{6}")
        if not ok.all():
            bad = u[~ok].iloc[0]
            raise InputError(
                f"impute_group=province 需要 6 位行政区划代码作为评价单元，{bad!r} 不是；"
                "请用 impute_group=<分组列名> 指定分组列"
            )
        return u.str[:2].to_numpy(dtype=object)
    cols = {str(c).strip(): c for c in data.columns}
    if spec not in cols:
        raise InputError(f"输入表没有分组列 {spec!r}（impute_group）；现有列：{list(cols)[:10]}")
    ucol = next((cols[a] for a in _UNIT_ALIASES if a in cols), None)
    if ucol is None:
        raise InputError("输入表缺少评价单元列（unit 或 地区）")
    pairs = pd.DataFrame(
        {"unit": data[ucol].astype(str).str.strip(), "group": data[cols[spec]]}
    ).dropna()
    mapping = pairs.drop_duplicates("unit").set_index("unit")["group"]
    out = u.map(mapping)
    if out.isna().any():
        raise InputError(f"单元 {u[out.isna()].iloc[0]!r} 在分组列 {spec!r} 中没有取值")
    return out.astype(str).to_numpy(dtype=object)


def screen(
    frame: pd.DataFrame, codes: list[str], min_coverage: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Leave out units with too few observed indicator cells.

    Coverage of unit *u*: :math:`c_u = \#\{\text{observed cells}\}/(\#\text{rows}_u \cdot m)`
    over all its rows (years). Units with :math:`c_u <` ``min_coverage`` are removed. Returns
    ``(kept_frame, excluded)`` where ``excluded`` has columns ``unit, rows, observed, cells,
    coverage`` (one row per excluded unit).

    Raises
    ------
    InputError
        Every unit falls below the threshold.
    """
    cols = ["unit", "rows", "observed", "cells", "coverage"]
    if min_coverage <= 0:
        return frame, pd.DataFrame(columns=cols)
    obs = frame[codes].notna().sum(axis=1)
    per = (
        pd.DataFrame({"unit": frame["unit"], "observed": obs})
        .groupby("unit", sort=False)
        .agg(rows=("observed", "size"), observed=("observed", "sum"))
        .reset_index()
    )
    per["cells"] = per["rows"] * len(codes)
    per["coverage"] = per["observed"] / per["cells"]
    out = per[per["coverage"] < min_coverage][cols].reset_index(drop=True)
    if len(out) == len(per):
        raise InputError(
            f"所有 {len(per)} 个单元的指标覆盖率都低于 min_coverage={min_coverage:g}，没有可评价的单元"
        )
    if len(out):
        log.warning("数据不足剔除：%d 个单元的指标覆盖率低于 %.0f%%", len(out), 100 * min_coverage)
    kept = frame[~frame["unit"].isin(out["unit"])].reset_index(drop=True)
    return kept, out


def _year_mean_fill(vals: pd.DataFrame, year: pd.Series, codes: list[str]) -> pd.DataFrame:
    by_year = vals.groupby(year.to_numpy()).transform("mean")
    pooled = vals.mean()
    if pooled.isna().any():
        code = str(pooled.index[pooled.isna()][0])
        raise ComputationError(f"指标 {code} 全部缺失，无法插补；请删除该指标或补充数据")
    return vals.fillna(by_year).fillna(pooled)


def _iterate(x: NDArray[np.float64], mask: NDArray[np.bool_], max_iter: int, tol: float) -> int:
    """Chained OLS rounds on ``x`` (filled in place); returns the number of rounds."""
    n = x.shape[0]
    sd = x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    todo = np.nonzero(mask.any(axis=0))[0]
    for it in range(1, max_iter + 1):
        change = 0.0
        for j in todo:
            miss = mask[:, j]
            design = np.column_stack([np.ones(n), np.delete(x, j, axis=1)])
            beta = np.linalg.lstsq(design[~miss], x[~miss, j], rcond=None)[0]
            pred = design[miss] @ beta
            change = max(change, float(np.abs(pred - x[miss, j]).max() / sd[j]))
            x[miss, j] = pred
        if change < tol:
            return it
    log.warning("迭代插补在 %d 轮内未收敛（最大相对变化仍 ≥ %g）", max_iter, tol)
    return max_iter


def impute(
    frame: pd.DataFrame,
    codes: list[str],
    how: str,
    *,
    groups: NDArray[np.object_] | None = None,
    max_iter: int = 100,
    tol: float = 1e-8,
) -> pd.DataFrame:
    """Fill the NaN cells of ``frame[codes]`` in place; return the log of imputed cells.

    ``how`` is ``group-mean`` (``groups`` = one label per row, see :func:`unit_groups`) or
    ``iterative``. The log has columns ``unit, year, indicator, value, method``.
    """
    if how not in IMPUTATIONS:
        raise ConfigError(f"插补方法 {how!r} 无效；可选：{', '.join(IMPUTATIONS)}")
    vals = frame[codes].astype(np.float64)
    mask = vals.isna().to_numpy()
    year = frame["year"]
    if how == "group-mean":
        if groups is None:
            raise ConfigError("missing=group-mean 需要分组（impute_group）")
        keys = [year.to_numpy(), np.asarray(groups)]
        in_group = vals.groupby(keys).transform("mean")
        filled = _year_mean_fill(vals.fillna(in_group), year, codes)
    else:
        start = _year_mean_fill(vals, year, codes).to_numpy(dtype=np.float64, copy=True)
        rounds = _iterate(start, mask, max_iter, tol)
        log.info("迭代插补：%d 轮收敛", rounds)
        filled = pd.DataFrame(start, columns=codes, index=vals.index)
    rows, cols = np.nonzero(mask)
    out = pd.DataFrame(
        {
            "unit": frame["unit"].to_numpy()[rows],
            "year": year.to_numpy()[rows],
            "indicator": np.array(codes, dtype=object)[cols],
            "value": filled.to_numpy()[rows, cols],
            "method": how,
        }
    )
    frame[codes] = filled
    log.warning("缺失值插补：%d 个单元格（%s）", len(out), how)
    return out
