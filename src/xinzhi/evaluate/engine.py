"""The evaluation engine: one function, :func:`evaluate`, that every surface calls.

Input is a *wide* table: one row per unit-year, a ``unit`` column (or ``地区``), an optional
``year`` column (or ``年份``) and one numeric column per indicator code of the system. The CLI
reads such a table from a file; a pipeline passes the same shape from the warehouse.

Steps (docs/evaluate.md): transforms → normalisation (§2) → weights (§3) → aggregation (§4) →
dimension scores → obstacle degree (§5.1).

Three units, a benefit indicator ``a`` = (1, 2, 4) and a cost indicator ``b`` = (10, 30, 20),
equal weights and weighted sum. Min–max gives a → (0, 1/3, 1) and b → (30 − b)/20 = (1, 0, 0.5),
so the scores are (0 + 1)/2 = 0.5, (1/3 + 0)/2 = 0.1667, (1 + 0.5)/2 = 0.75 and the ranks 2, 3, 1:

>>> import pandas as pd
>>> from xinzhi.indicators.system import IndicatorSystem
>>> system = IndicatorSystem.from_dict({"name": "demo", "dimensions": [{"name": "D", "indicators": [
...     {"code": "a", "name": "a", "direction": "+"},
...     {"code": "b", "name": "b", "direction": "-"}]}]})
>>> df = pd.DataFrame({"unit": ["甲", "乙", "丙"], "a": [1.0, 2.0, 4.0], "b": [10.0, 30.0, 20.0]})
>>> res = evaluate(df, system, weights="equal", aggregate="weighted-sum")
>>> [round(float(s), 4) for s in res.score], res.rank.tolist()
([0.5, 0.1667, 0.75], [2, 3, 1])

Where to look
-------------
* Docs: ``docs/evaluate.md`` (whole page; options table §7).
* Tests: ``tests/evaluate/test_eval_green.py`` (replication of the green study, Python and CLI),
  ``tests/evaluate/test_eval_system.py``, ``tests/evaluate/test_eval_degenerate.py``,
  ``tests/evaluate/test_eval_cli.py``, ``tests/golden/test_golden_counties.py``.
* CLI: ``xinzhi evaluate --system … --input … --weights … --aggregate …``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, ConfigError, InputError
from xinzhi.evaluate import aggregate as agg
from xinzhi.evaluate import impute as imp
from xinzhi.evaluate import weights as wts
from xinzhi.evaluate.ahp import AHPResult, ahp_system_weights, read_judgements
from xinzhi.evaluate.normalize import log_transform, minmax, normalize, winsorize
from xinzhi.evaluate.obstacle import obstacle_degree
from xinzhi.evaluate.options import EvaluationOptions
from xinzhi.evaluate.result import EvaluationResult
from xinzhi.indicators.system import IndicatorSystem

__all__ = ["evaluate", "prepare_wide"]

log = logging.getLogger(__name__)

UNIT_ALIASES = ("unit", "地区", "单元", "region", "省份", "县域", "县")
YEAR_ALIASES = ("year", "年份", "年度")


def _find_column(df: pd.DataFrame, aliases: tuple[str, ...]) -> str | None:
    stripped = {str(c).strip(): c for c in df.columns}
    for a in aliases:
        if a in stripped:
            return str(stripped[a])
    return None


def prepare_wide(data: pd.DataFrame, system: IndicatorSystem) -> tuple[pd.DataFrame, bool]:
    """Validate a wide table and return ``(frame, has_year)``.

    The frame has columns ``unit`` (str), ``year`` (int; 0 when the input has no year column)
    and the system's indicator codes as float (non-numeric cells raise).
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError("评价输入应为表格（DataFrame）")
    ucol = _find_column(data, UNIT_ALIASES)
    if ucol is None:
        raise InputError(
            f"输入表缺少评价单元列：应有名为 unit 或 地区 的列；现有列：{list(data.columns)[:10]}"
        )
    ycol = _find_column(data, YEAR_ALIASES)
    cols = {str(c).strip(): c for c in data.columns}
    missing = [c for c in system.codes if c not in cols]
    if missing:
        raise InputError(
            f"输入表缺少指标体系 {system.name} 的指标列：{missing[:8]}{'…' if len(missing) > 8 else ''}"
        )
    units = data[ucol].astype(str).str.strip().to_numpy()
    if ycol is not None:
        yrs = pd.to_numeric(data[ycol], errors="coerce")
        if yrs.isna().any() or (yrs % 1 != 0).any():
            bad = data.loc[yrs.isna() | (yrs % 1 != 0), ycol].head(3).tolist()
            raise InputError(f"年份列 {ycol} 含非整数值：{bad}")
        year = yrs.to_numpy(dtype=np.float64).astype(np.int64)
    else:
        year = np.zeros(len(data), dtype=np.int64)
    block = data[[cols[c] for c in system.codes]]
    if all(
        pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in block.dtypes
    ):
        values = block.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = np.empty((len(data), len(system.codes)))
        for j, code in enumerate(system.codes):
            raw = data[cols[code]]
            num = pd.to_numeric(raw, errors="coerce")
            nonnum = num.isna() & raw.notna()
            if nonnum.any():
                i = int(np.nonzero(nonnum.to_numpy())[0][0])
                raise InputError(f"指标 {code} 含非数值单元格：第 {i + 2} 行的值 {raw.iloc[i]!r}")
            values[:, j] = num.to_numpy(dtype=np.float64, na_value=np.nan)
    unit_code, _ = pd.factorize(units)
    year_code, year_uniques = pd.factorize(year)
    key = unit_code.astype(np.int64) * max(len(year_uniques), 1) + year_code
    if len(key) and np.bincount(key).max() > 1:
        first = int(np.nonzero(pd.Series(key).duplicated().to_numpy())[0][0])
        where = f"{units[first]} {year[first]} 年" if ycol is not None else str(units[first])
        raise InputError(f"评价单元-年份重复：{where} 出现多次；每个单元每年只能有一行")
    out = pd.DataFrame(values, columns=list(system.codes))
    out.insert(0, "year", year)
    out.insert(0, "unit", units)
    return out, ycol is not None


def _impute(frame: pd.DataFrame, codes: list[str], how: str) -> pd.DataFrame:
    """Fill NaN cells with the same-year mean/median (pooled if the year is all NaN)."""
    vals = frame[codes]
    by_year = vals.groupby(frame["year"]).transform(cast(Any, how))
    pooled = vals.agg(how)
    if pooled.isna().any():
        code = str(pooled.index[pooled.isna()][0])
        raise ComputationError(f"指标 {code} 全部缺失，无法插补；请删除该指标或补充数据")
    fill = by_year.fillna(pooled)
    mask = vals.isna()
    rows, cols = np.nonzero(mask.to_numpy())
    imputed = pd.DataFrame(
        {
            "unit": frame["unit"].to_numpy()[rows],
            "year": frame["year"].to_numpy()[rows],
            "indicator": np.array(codes, dtype=object)[cols],
            "value": fill.to_numpy()[rows, cols],
            "method": how,
        }
    )
    frame[codes] = vals.where(~mask, fill)
    log.warning(
        "缺失值插补：%d 个单元格用同年%s值填补", len(imputed), "均值" if how == "mean" else "中位数"
    )
    return imputed


def _objective(
    method: str,
    z: NDArray[np.float64],
    opts: EvaluationOptions,
    names: list[str],
    parts: dict[str, NDArray[np.float64]],
) -> NDArray[np.float64]:
    """Objective weights of ``method``; the entropy / CRITIC intermediates go into ``parts``."""
    if method == "entropy":
        ep = wts.entropy_parts(z, shift=opts.entropy_shift, k=opts.entropy_k, names=names)
        parts.update({"entropy_e": ep.e, "entropy_d": ep.d, "entropy_k": ep.k})
        return ep.weight
    if method == "critic":
        cp = wts.critic_parts(z, names=names)
        parts.update(
            {
                "critic_sigma": cp.sigma,
                "critic_conflict": cp.conflict,
                "critic_information": cp.information,
            }
        )
        return cp.weight
    return wts.objective_weights(method, z, names=names)


def _compute_weights(
    opts: EvaluationOptions,
    z: NDArray[np.float64],
    system: IndicatorSystem,
    codes: list[str],
    parts: dict[str, NDArray[np.float64]],
) -> tuple[
    NDArray[np.float64], dict[str, NDArray[np.float64]], list[AHPResult], NDArray[np.float64]
]:
    """Final weights, the ingredient weights, AHP results and the combination coefficients
    (entropy / CRITIC intermediates into ``parts``)."""
    names = [f"{i.code}（{i.name}）" if i.name != i.code else i.code for i in system.indicators]
    fixed = np.array(
        [np.nan if i.fixed_weight is None else i.fixed_weight for i in system.indicators]
    )
    ingredients: dict[str, NDArray[np.float64]] = {}
    ahp_results: list[AHPResult] = []
    coef = np.array([])
    method = opts.weights
    if method == "expert":
        if opts.expert_weights is not None:
            unknown = sorted(set(opts.expert_weights) - set(codes))
            if unknown:
                raise ConfigError(f"expert_weights 含体系之外的指标 {unknown}")
            lacking = [c for c in codes if c not in opts.expert_weights]
            if lacking:
                raise ConfigError(f"expert_weights 没有给出指标 {lacking[:5]} 的权重")
            raw = np.array([float(opts.expert_weights[c]) for c in codes])
        else:
            if np.isnan(fixed).any():
                lacking = [c for c, f in zip(codes, fixed, strict=True) if np.isnan(f)]
                raise ConfigError(
                    f"weights=expert 需要每个指标都有 fixed_weight，缺少：{lacking[:5]}"
                )
            raw = fixed
        if (raw < 0).any() or raw.sum() <= 0:
            raise ConfigError("专家权重必须非负且不全为 0")
        w = raw / raw.sum()
        ingredients["expert"] = w
        return w, ingredients, ahp_results, coef
    if method == "combined":
        for ing in opts.ingredients:
            ingredients[ing] = _objective(ing, z, opts, names, parts)
        base, coef = wts.combine(ingredients, opts.combination)
    elif method == "ahp":
        source = opts.ahp
        if isinstance(source, str | Path):
            path = Path(source)
            if not path.is_absolute() and not path.exists() and system.source:
                beside = Path(system.source).parent / path  # relative to the system YAML
                if beside.exists():
                    path = beside
            source = path
        blocks = read_judgements(source)
        base, ahp_results = ahp_system_weights(
            blocks,
            codes,
            system.top_dimension_of(),
            ri_table=opts.ahp_ri,
            max_cr=opts.ahp_max_cr,
            allow_inconsistent=opts.ahp_allow_inconsistent,
        )
        ingredients["ahp"] = base
    else:
        base = _objective(method, z, opts, names, parts)
        ingredients[method] = base
    return wts.apply_fixed(base, fixed), ingredients, ahp_results, coef


def evaluate(
    data: pd.DataFrame,
    system: IndicatorSystem,
    options: EvaluationOptions | Mapping[str, Any] | None = None,
    **overrides: Any,
) -> EvaluationResult:
    """Evaluate a panel with an indicator system.

    Parameters
    ----------
    data : DataFrame
        Wide table (``unit``/``地区``, optional ``year``/``年份``, one column per indicator code).
    system : IndicatorSystem
    options : EvaluationOptions or mapping, optional
        An :class:`EvaluationOptions` is used as given; a mapping is layered over the system's
        YAML ``options`` (which are layered over the defaults).
    **overrides
        Individual options (e.g. ``weights="combined", aggregate="topsis"``), highest precedence.

    Returns
    -------
    EvaluationResult
    """
    if isinstance(options, EvaluationOptions):
        opts = replace(options, **overrides) if overrides else options
        opts.validate()
    else:
        opts = EvaluationOptions.resolve(system.options, options, overrides)
    frame, has_year = prepare_wide(data, system)
    if opts.years is not None:
        if not has_year:
            raise InputError("输入表没有年份列，不能按年份筛选（--year / --years）")
        frame = frame[frame["year"].isin(opts.years)].reset_index(drop=True)
        if frame.empty:
            raise InputError(f"输入表中没有所选年份 {list(opts.years)} 的数据")
    codes = system.codes
    frame, excluded = imp.screen(frame, codes, opts.min_coverage)  # issue #12 part 9
    if len(frame) < 2:
        raise ComputationError(
            f"只有 {len(frame)} 个单元-年份样本，无法进行综合评价（标准化与客观赋权至少需要 2 个）"
        )
    imputed = pd.DataFrame(columns=["unit", "year", "indicator", "value", "method"])
    nan_mask = frame[codes].isna().to_numpy()
    if nan_mask.any():
        if opts.missing == "error":
            r, c = np.argwhere(nan_mask)[0]
            where = f"{frame['unit'].iat[r]}" + (f" {frame['year'].iat[r]} 年" if has_year else "")
            raise InputError(
                f"输入有 {int(nan_mask.sum())} 个缺失值（NaN），例如 {where} 的指标 {codes[c]}；"
                "请补全数据，或设置 missing=mean / median 按同年均值 / 中位数插补（会记录插补清单）"
            )
        elif opts.missing in imp.IMPUTATIONS:
            grp = None
            if opts.missing == "group-mean":
                grp = imp.unit_groups(data, frame["unit"], opts.impute_group)
            imputed = imp.impute(frame, codes, opts.missing, groups=grp)
        else:
            imputed = _impute(frame, codes, opts.missing)

    x = frame[codes].to_numpy(dtype=np.float64, copy=True)
    for j, ind in enumerate(system.indicators):
        if ind.transform in ("log", "log1p"):
            x[:, j] = log_transform(x[:, j], ind.transform, ind.code)
        elif ind.transform == "winsorize" and ind.winsor_p is not None:
            x[:, j] = winsorize(x[:, j], ind.winsor_p)
    benefit = np.array([i.direction == "+" for i in system.indicators])
    year_values, year_codes = np.unique(frame["year"].to_numpy(), return_inverse=True)
    year_codes = year_codes.astype(np.int64)
    per_year = opts.scope == "per-year" or opts.weight_scope == "year"
    if per_year:
        sizes = np.bincount(year_codes)
        if (sizes < 2).any():
            y = year_values[int(np.argmin(sizes))]
            raise ComputationError(
                f"{y} 年只有 1 个评价单元，无法逐年（per-year）标准化与赋权；请改用 pooled"
            )
    labels = [str(v) for v in year_values]
    if opts.weight_scope == "year":  # each year's cross-section on its own (逐年赋权)
        cores = []
        for k, label in enumerate(labels):
            rows = np.nonzero(year_codes == k)[0]
            cores.append(
                (rows, _core(opts, x[rows], benefit, system, None, [label], year_codes[rows]))
            )
        core = _stack(cores, len(frame))
    else:
        core = _core(opts, x, benefit, system, year_codes if per_year else None, labels, year_codes)
    if not np.isfinite(core.score).all():
        raise ComputationError("综合得分出现非有限值（NaN/inf），请检查输入数据")
    obstacles = obstacle_degree(core.z_mm, core.row_weights)
    weight_years = year_values if opts.weight_scope == "year" else None
    return EvaluationResult(
        system=system,
        options=opts,
        units=frame["unit"].to_numpy(),
        years=frame["year"].to_numpy(),
        has_year=has_year,
        codes=list(codes),
        normalized=core.z,
        weights=core.weights.mean(axis=0),
        ingredients={k: v.mean(axis=0) for k, v in core.ingredients.items()},
        combination_coefficients=core.coef.mean(axis=0) if core.coef.size else core.coef[0],
        score=core.score,
        dimension_names=list(system.dimension_names),
        dimension_index=core.dim_index,
        dimension_scores=core.dim_scores,
        dimension_weights=core.dim_weights.mean(axis=0),
        obstacle_matrix=obstacles,
        ahp=core.ahp,
        imputed=imputed,
        excluded=excluded,
        weight_years=weight_years,
        year_weights=core.weights,
        year_ingredients=core.ingredients,
        indicator_parts=core.parts,
        dimension_parts=core.dim_parts,
        year_dimension_weights=core.dim_weights,
        basis=core.basis,
        row_weights=core.row_weights,
        row_groups=year_codes if per_year else None,
    )


@dataclass
class _Core:
    """One computation over a set of rows (the panel, or one year's cross-section).

    Per-indicator arrays have one row per weight set (1 pooled; one per year when stacked)."""

    z: NDArray[np.float64]
    z_mm: NDArray[np.float64]
    weights: NDArray[np.float64]
    row_weights: NDArray[np.float64]
    ingredients: dict[str, NDArray[np.float64]]
    coef: NDArray[np.float64]
    parts: dict[str, NDArray[np.float64]]
    ahp: list[AHPResult]
    dim_index: NDArray[np.int64]
    dim_scores: NDArray[np.float64]
    dim_weights: NDArray[np.float64]
    dim_parts: dict[str, NDArray[np.float64]]
    score: NDArray[np.float64]
    basis: NDArray[np.float64]


def _core(
    opts: EvaluationOptions,
    x: NDArray[np.float64],
    benefit: NDArray[np.bool_],
    system: IndicatorSystem,
    groups: NDArray[np.int64] | None,
    labels: list[str],
    year_codes: NDArray[np.int64],
) -> _Core:
    """Normalise, weight, aggregate ``x`` (``groups``: per-year normalisation and ideals)."""
    codes = system.codes
    if opts.rescale is not None:  # z' = a + (b − a)·z, then the shift
        a, b = opts.rescale
        z = minmax(x, benefit, groups, names=codes, group_labels=labels)
        z_mm = z
        z = a + (b - a) * z + opts.shift
    else:
        z = normalize(
            x, benefit, opts.normalization, groups, shift=opts.shift, names=codes,
            group_labels=labels,
        )  # fmt: skip
        if opts.normalization != "minmax":
            z_mm = minmax(x, benefit, groups, names=codes, group_labels=labels)
        else:
            z_mm = z - opts.shift if opts.shift else z
    parts: dict[str, NDArray[np.float64]] = {}
    w, ingredients, ahp_results, coef = _compute_weights(opts, z, system, codes, parts)
    if opts.score_basis == "proportion":  # p_ij of the entropy method (with its shift)
        zs = z + opts.entropy_shift if opts.entropy_shift else z
        basis = zs / zs.sum(axis=0)
    else:
        basis = z

    top = system.top_dimension_of()
    dim_names = system.dimension_names
    dim_index = np.array([dim_names.index(top[c]) for c in codes], dtype=np.int64)
    dim_scores = np.empty((len(x), len(dim_names)))
    dim_weight = np.zeros(len(dim_names))
    for d in range(len(dim_names)):
        idx = np.nonzero(dim_index == d)[0]
        wd = w[idx]
        dim_weight[d] = wd.sum()
        wd = wd / wd.sum() if wd.sum() > 0 else np.full(idx.size, 1.0 / idx.size)
        dim_scores[:, d] = agg.aggregate(
            opts.aggregate, basis[:, idx], wd, groups, **agg.params_of(opts)
        )
    dim_parts: dict[str, NDArray[np.float64]] = {}
    if opts.dimension_weights != "sum":  # two-stage: re-normalise S_d, second entropy / CRITIC
        dgroups = year_codes if opts.dimension_scope == "year" else None
        s_norm = minmax(
            dim_scores, np.ones(len(dim_names), dtype=bool), dgroups, names=dim_names,
            group_labels=labels if dgroups is not None else None,
        )  # fmt: skip
        dim_weight = _objective(opts.dimension_weights, s_norm, opts, dim_names, dim_parts)
        dim_parts["renormalised"] = s_norm
        score = s_norm @ dim_weight
    elif opts.hierarchical:
        score = dim_scores @ dim_weight
    else:
        score = agg.aggregate(opts.aggregate, basis, w, groups, **agg.params_of(opts))
    return _Core(
        z=z,
        z_mm=z_mm,
        weights=w[None, :],
        row_weights=w,
        ingredients={k: v[None, :] for k, v in ingredients.items()},
        coef=coef[None, :],
        parts={k: v[None, :] for k, v in parts.items()},
        ahp=ahp_results,
        dim_index=dim_index,
        dim_scores=dim_scores,
        dim_weights=dim_weight[None, :],
        dim_parts={k: (v if k == "renormalised" else v[None, :]) for k, v in dim_parts.items()},
        score=score,
        basis=basis,
    )


def _stack(cores: list[tuple[NDArray[np.int64], _Core]], n: int) -> _Core:
    """One core from the cores of each year (rows put back in input order)."""

    def rows(get: Any) -> Any:
        first = get(cores[0][1])
        if first is None:
            return None
        out = np.empty((n, *first.shape[1:]))
        for idx, c in cores:
            out[idx] = get(c)
        return out

    def stack(get: Any) -> Any:
        return np.vstack([get(c) for _, c in cores])

    c0 = cores[0][1]
    row_w = np.empty((n, c0.weights.shape[1]))
    for idx, c in cores:
        row_w[idx] = c.weights[0]
    return _Core(
        z=rows(lambda c: c.z),
        z_mm=rows(lambda c: c.z_mm),
        weights=stack(lambda c: c.weights),
        row_weights=row_w,
        ingredients={k: stack(lambda c, k=k: c.ingredients[k]) for k in c0.ingredients},
        coef=stack(lambda c: c.coef),
        parts={k: stack(lambda c, k=k: c.parts[k]) for k in c0.parts},
        ahp=c0.ahp,
        dim_index=c0.dim_index,
        dim_scores=rows(lambda c: c.dim_scores),
        dim_weights=stack(lambda c: c.dim_weights),
        dim_parts={
            k: (rows if k == "renormalised" else stack)(lambda c, k=k: c.dim_parts[k])
            for k in c0.dim_parts
        },
        score=rows(lambda c: c.score),
        basis=rows(lambda c: c.basis),
    )
