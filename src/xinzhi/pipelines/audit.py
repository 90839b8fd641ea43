"""Statistical audit of an index (``xinzhi audit``): a user's wide table or the warehouse's
counties, through :func:`xinzhi.evaluate.audit.audit` (formulas in ``docs/audit.md``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.evaluate.audit import T_AVAIL, AuditResult, audit
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.pipelines.evaluation import OPTIONAL_COVERAGE
from xinzhi.pipelines.user_tables import TableSource, table_frame
from xinzhi.registry.defaults import DEFAULT_SYSTEM

__all__ = ["audit_counties", "audit_table"]

KEY_COLUMNS = ("unit", "地区")


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
