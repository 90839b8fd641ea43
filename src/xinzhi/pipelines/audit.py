"""Statistical audit of an index (``xinzhi audit``): a user's wide table or the warehouse's
counties, through :func:`xinzhi.evaluate.audit.audit` (formulas in ``docs/audit.md``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.evaluate.audit import (
    AUDIT_AGGREGATIONS,
    AUDIT_WEIGHTS,
    T_AVAIL,
    AuditResult,
    audit,
)
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.pipelines.evaluation import OPTIONAL_COVERAGE
from xinzhi.pipelines.stored import StoredEvaluation, read_stored_evaluation
from xinzhi.pipelines.user_tables import TableSource, table_frame
from xinzhi.registry import audit as decl
from xinzhi.registry.defaults import DEFAULT_SYSTEM

__all__ = ["audit_counties", "audit_declared", "audit_stored", "audit_table", "levels"]

KEY_COLUMNS = ("unit", "地区")
NORMALIZATIONS = ("minmax", "zscore", "vector")
IMPUTATIONS = ("mean", "median")


def _system(system: str | Path | IndicatorSystem) -> IndicatorSystem:
    return system if isinstance(system, IndicatorSystem) else load_system(system)


def audit_table(
    data: TableSource,
    system: str | Path | IndicatorSystem,
    options: Mapping[str, Any] | None = None,
    **audit_options: Any,
) -> AuditResult:
    """Audit the index ``system`` builds on a wide table (``unit``/``地区``, optional
    ``year``/``年份``, one column per indicator); ``options`` are the reference evaluation's
    (None values left to the system), ``audit_options`` those of
    :func:`xinzhi.evaluate.audit.audit` (``year``, ``n``, ``pct``, choice levels…)."""
    sys_obj = _system(system)
    df = table_frame(data, KEY_COLUMNS)
    opts = {k: v for k, v in dict(options or {}).items() if v is not None}
    return audit(df, sys_obj, opts, **audit_options)


def audit_counties(
    system: str | IndicatorSystem = DEFAULT_SYSTEM,
    options: Mapping[str, Any] | None = None,
    *,
    year: int | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    **audit_options: Any,
) -> AuditResult:
    """Audit the index over the warehouse's counties of one year (default: the latest year in
    which some county has every required indicator).

    Optional indicators covering less than 90 % of the counties are left out (as in
    :func:`xinzhi.pipelines.evaluation.evaluate_counties`); counties with less than 65 % of the
    indicators (COINr ``t_avail``) are screened out and counted in the result's notes; remaining
    gaps are imputed (mean in the reference; mean or median in the Monte Carlo).
    """
    sys_obj = _system(system)
    own = con is None
    con = con or store.connect(db)
    try:
        wide = store.read_wide(con, sys_obj.codes, [year] if year else None, level="county")
    finally:
        if own:
            con.close()
    required = [i.code for i in sys_obj.indicators if not i.optional]
    if wide.empty:
        raise InputError(
            f"数据仓库中没有指标体系 {sys_obj.name} 所需指标的县级数据"
            "（请先运行 xinzhi demo 或 xinzhi import 导入数据）"
        )
    if year is None:
        complete = wide.loc[wide[required].notna().all(axis=1), "year"]
        year = int(complete.max() if len(complete) else wide["year"].max())
    wide = wide[wide["year"] == year]
    coverage = wide[sys_obj.codes].notna().mean()
    used, _dropped = sys_obj.restrict(
        [c for c in sys_obj.codes if coverage[c] >= OPTIONAL_COVERAGE or c in required]
    )
    share = wide[used.codes].notna().mean(axis=1).to_numpy()
    keep = share >= T_AVAIL
    data = wide.loc[keep].rename(columns={"region_code": "unit"})
    opts = {k: v for k, v in dict(options or {}).items() if v is not None}
    res = audit(data, used, opts, year=year, **audit_options)
    notes = list(res.notes)
    if (~keep).any():
        notes.append(
            f"{int((~keep).sum())} 个县的指标覆盖率低于 {T_AVAIL:.0%}，未参加审计"
            f"（共 {len(keep)} 个，参加 {int(np.sum(keep))} 个）"
        )
    if _dropped:
        notes.append("覆盖不足而未使用的可选指标：" + "、".join(_dropped))
    res.notes = notes
    return res


def levels(text: str | None) -> tuple[str, ...] | None:
    """Comma-separated choice levels (``"minmax,zscore"``; Chinese comma accepted) as a tuple."""
    if text is None:
        return None
    return tuple(v.strip() for v in text.replace("，", ",").split(",") if v.strip())


def audit_stored(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    options: Mapping[str, Any] | None = None,
    *,
    year: int | None = None,
    stored: StoredEvaluation | None = None,
    raw: pd.DataFrame | None = None,
    **audit_options: Any,
) -> AuditResult:
    """Audit stored evaluation ``evaluation`` in one of its years (default the latest): its
    indicator system as used, its method options with ``options`` over them, and the counties
    it scored that year (their current raw values from the warehouse).

    The reference index is re-computed on that one cross-section; for an evaluation stored
    per year (or of one year) its ranks are the stored ranks of that year, for a pooled one
    (several years normalised together) they may differ (noted in the result).

    ``stored`` and ``raw`` (the evaluation already read and the wide current values with
    ``region_code, year`` and its indicators, as a report's context holds them) spare reading
    them again.
    """
    st = read_stored_evaluation(con, evaluation) if stored is None else stored
    if st is None:
        raise InputError(f"数据仓库中没有名为 {evaluation} 的评价结果")
    y = max(st.years) if year is None else int(year)
    if y not in st.years:
        raise InputError(f"评价 {evaluation} 没有 {y} 年的得分；有：{st.years}")
    if raw is None:
        wide = store.read_wide(con, st.system.codes, [y], level="county")
    else:
        wide = raw.loc[raw["year"] == y, ["region_code", "year", *st.system.codes]]
    scored = set(st.scores.loc[st.scores["year"] == y, "region_code"].astype(str))
    data = wide[wide["region_code"].astype(str).isin(scored)]
    data = data.rename(columns={"region_code": "unit"})
    # 评价范围 (``area``) is stored with the options but is no engine option
    own = {k: v for k, v in st.options.items() if v is not None and k not in ("ahp", "area")}
    given = {k: v for k, v in dict(options or {}).items() if v is not None}
    res = audit(data, st.system, {**own, **given}, year=y, **audit_options)
    res.options = {"evaluation": evaluation, **res.options}
    if len(st.years) > 1 and own.get("scope", "pooled") != "per-year":
        res.notes = [
            *res.notes,
            f"本评价混合测度 {len(st.years)} 个年份；审计只在 {y} 年截面上重算基准指数，"
            "基准排名可能与已存排名略有不同",
        ]
    return res


def audit_declared(
    con: duckdb.DuckDBPyConnection,
    *,
    evaluation: str | None = decl.AUDIT.default("evaluation"),
    system: str = decl.AUDIT.default("system"),
    year: int | None = decl.AUDIT.default("year"),
    normalization: str | None = decl.AUDIT.default("normalization"),
    weights: str | None = decl.AUDIT.default("weights"),
    aggregate: str | None = decl.AUDIT.default("aggregate"),
    n: int = decl.AUDIT.default("n"),
    pct: float = decl.AUDIT.default("pct"),
    normalizations: str = decl.AUDIT.default("normalizations"),
    weightings: str = decl.AUDIT.default("weightings"),
    aggregations: str = decl.AUDIT.default("aggregations"),
    imputations: str | None = decl.AUDIT.default("imputations"),
    seed: int = decl.AUDIT.default("seed"),
    uncertainty: bool = decl.AUDIT.default("uncertainty"),
    data_dir: str | os.PathLike[str] | None = None,
) -> AuditResult:
    """The declared analysis ``audit`` (:data:`xinzhi.registry.audit.AUDIT`): options validated
    before any work (``n`` at most :data:`xinzhi.registry.audit.N_MAX`), then
    :func:`audit_stored` (with ``evaluation``) or :func:`audit_counties`."""
    given: dict[str, Any] = {
        "evaluation": evaluation,
        "system": system,
        "year": year,
        "normalization": normalization,
        "weights": weights,
        "aggregate": aggregate,
        "n": n,
        "pct": pct,
        "normalizations": normalizations,
        "weightings": weightings,
        "aggregations": aggregations,
        "imputations": imputations,
        "seed": seed,
        "uncertainty": uncertainty,
    }
    o = decl.AUDIT.resolve(given)
    options = {"normalization": o["normalization"], "weights": o["weights"]}
    options["aggregate"] = o["aggregate"]
    kw: dict[str, Any] = {
        "uncertainty": o["uncertainty"],
        "n": o["n"],
        "pct": o["pct"],
        "normalizations": levels(o["normalizations"]),
        "weights": levels(o["weightings"]),
        "aggregations": levels(o["aggregations"]),
        "imputations": levels(o["imputations"]),
        "seed": o["seed"],
    }
    allowed = {
        "normalizations": ("normalizations", NORMALIZATIONS),
        "weights": ("weightings", AUDIT_WEIGHTS),
        "aggregations": ("aggregations", AUDIT_AGGREGATIONS),
        "imputations": ("imputations", IMPUTATIONS),
    }
    for key, (name, choices) in allowed.items():
        label = decl.AUDIT.option(name).label
        if kw[key] is not None and not kw[key]:
            raise InputError(f"选项 {name}（{label}）至少要有一个取值")
        bad = [v for v in kw[key] or () if v not in choices]
        if bad:
            raise InputError(
                f"选项 {name}（{label}）含无效取值 {'、'.join(bad)}；可选：{'、'.join(choices)}"
            )
    if o["evaluation"] is not None:
        return audit_stored(con, o["evaluation"], options, year=o["year"], **kw)
    return audit_counties(o["system"], options, year=o["year"], con=con, **kw)
