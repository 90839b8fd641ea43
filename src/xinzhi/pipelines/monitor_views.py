"""What the monitoring surfaces (REST ``/api/monitor/*`` and the page 监测预警) show, with the
access check of the account in one place.

The numbers come from :mod:`xinzhi.pipelines.monitor` (:func:`monitor_signals`,
:func:`monitor_trends`, :func:`monitor_digest`, :func:`monitor_panel`, :func:`read_targets`,
:func:`set_target`); this module only scopes them to what the account may see and shapes them
for a matrix, a county drill-down and the targets editor:

* a county account (:func:`xinzhi.auth.policy.policy_county`) sees the signals, trends, digest
  and targets of its own county only (another county: 403, the rule of record-level data,
  :func:`xinzhi.auth.policy.can_view_county`); admin and analyst see every county;
* targets are typed in by the accounts that may enter data (:attr:`Action.UPLOAD`: admin,
  analyst, and a county account for its own county); the surfaces write the audit entry.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi.auth.accounts import User
from xinzhi.auth.policy import (
    AccessDenied,
    Action,
    can_view_county,
    is_unrestricted,
    policy_county,
    require,
)
from xinzhi.errors import InputError
from xinzhi.indicators.catalogue import load_catalogue
from xinzhi.indicators.system import list_systems
from xinzhi.pipelines.industry import resolve_county
from xinzhi.pipelines.monitor import (
    monitor_digest,
    monitor_panel,
    monitor_signals,
    monitor_trends,
    read_targets,
    set_target,
)
from xinzhi.pipelines.warehouse import latest_batch_id
from xinzhi.store.targets import has_target_table

__all__ = [
    "COLOUR_HEX",
    "SIGNAL_OPTIONS",
    "CountyView",
    "SignalMatrix",
    "check_county",
    "county_view",
    "digest_workbook",
    "edit_target",
    "matrix_workbook",
    "monitor_scope",
    "monitor_stamp",
    "province_names",
    "signal_matrix",
    "target_table",
]

COLOUR_HEX: dict[str, str] = {
    "红": "#d62728",
    "黄": "#f2c200",
    "绿": "#2ca02c",
    "浅蓝": "#7ec8f0",
    "蓝": "#1f4e9c",
}
"""The five signal colours as drawn (NBS 预警信号灯: 红 过热 … 蓝 过冷)."""

SIGNAL_OPTIONS = ("method", "basis", "system", "indicators", "k1", "k2", "window")
"""Options of :func:`xinzhi.pipelines.monitor.monitor_signals` the surfaces pass on (when set)."""


def monitor_scope(user: User) -> str | None:
    """The county whose monitoring ``user`` sees (None: every county)."""
    return policy_county(user)


def check_county(con: duckdb.DuckDBPyConnection, user: User, county: str | None) -> str:
    """The 6-digit code of ``county`` (default: the account's own) after the access check."""
    own = monitor_scope(user)
    if not county:
        if own is None:
            raise InputError("请指定县级单位（名称或 6 位区划代码）")
        return own
    code = resolve_county(con, str(county))[0]
    if not can_view_county(user, code):  # the policy decides; the sentence names monitoring
        raise AccessDenied(
            f"县区用户只能查看和填写本县区的监测信号与年度目标（请求的县区：{code}）"
        )
    return code


def _given(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options set, checked: known names; a built-in indicator system only (a server never
    opens a path its client names)."""
    unknown = sorted(set(options) - set(SIGNAL_OPTIONS))
    if unknown:
        raise InputError(f"未知的监测选项：{'、'.join(unknown)}")
    given = {k: v for k, v in options.items() if v is not None and v != ""}
    system = given.get("system")
    if system is not None and str(system) not in list_systems():
        raise InputError(
            f"指标体系 {system!r} 不是内置指标体系（可用：{'、'.join(list_systems())}）"
        )
    return given


def province_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """2-digit province code → its most recent name (the region table), for a province filter
    of the matrix."""
    rows = con.execute(
        "SELECT substr(province_code, 1, 2), province_name FROM regions "
        "WHERE province_code IS NOT NULL AND province_name IS NOT NULL "
        "ORDER BY start_year NULLS FIRST"
    ).fetchall()
    return {str(c): str(n) for c, n in rows}


def monitor_stamp(con: duckdb.DuckDBPyConnection) -> tuple[int, int, str]:
    """A version of what monitoring reads: the newest import batch and the number and time of
    the newest target row (a target typed in is no import batch)."""
    if not has_target_table(con):
        return latest_batch_id(con), 0, ""
    row = con.execute("SELECT count(*), CAST(max(entered_at) AS VARCHAR) FROM targets").fetchone()
    n, last = (0, "") if row is None else (int(row[0]), str(row[1] or ""))
    return latest_batch_id(con), n, last


@dataclass
class SignalMatrix:
    """Counties × indicators of one year: the colour and the rule of every cell."""

    year: int
    years: list[int]
    cells: pd.DataFrame
    """``region_code, county, indicator, indicator_name, direction, value, basis_value,
    centre, score, signal, meaning, rule`` of the year (every cell, with or without signal)."""
    indicators: pd.DataFrame
    """``indicator, indicator_name, direction`` in the matrix's column order."""
    index: pd.DataFrame
    """Composite warning index of the year: ``region_code, county, index, signal, n_signals,
    alerts, n_red, n_blue``."""
    method: str
    summary: str
    info: pd.DataFrame
    county: str | None
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)

    def wide(self) -> pd.DataFrame:
        """One row per county: ``region_code, county`` and per indicator its colour (empty: no
        signal) — the matrix as a table."""
        c = self.cells
        w = c.pivot(index="region_code", columns="indicator", values="signal")
        w = w.reindex(columns=self.indicators["indicator"]).astype(object)
        w = w.where(w.notna(), "")
        names = c.drop_duplicates("region_code").set_index("region_code")["county"]
        w.insert(0, "county", names.reindex(w.index))
        return w.reset_index()


def matrix_workbook(m: SignalMatrix) -> bytes:
    """The matrix as a workbook: 信号矩阵 (county × indicator colours), 信号明细 (every cell with
    its value and rule), 综合预警指数, 说明 (method and rules); Chinese headers."""
    names = dict(zip(m.indicators["indicator"], m.indicators["indicator_name"], strict=True))
    wide = m.wide().rename(columns={"region_code": "区划代码", "county": "县级单位", **names})
    cells = m.cells.rename(
        columns={
            "region_code": "区划代码",
            "county": "县级单位",
            "indicator": "指标代码",
            "indicator_name": "指标",
            "direction": "方向",
            "value": "数值",
            "basis_value": "监测值",
            "centre": "基准（均值/中位数/目标）",
            "score": "偏离得分",
            "cut_1": "蓝/浅蓝界",
            "cut_2": "浅蓝/绿界",
            "cut_3": "绿/黄界",
            "cut_4": "黄/红界",
            "signal": "信号",
            "meaning": "含义",
            "rule": "判定规则",
        }
    )
    index = m.index.rename(
        columns={
            "region_code": "区划代码",
            "county": "县级单位",
            "index": "综合预警指数",
            "mean_score": "平均灯值",
            "signal": "综合信号",
            "n_signals": "参与指标数",
            "alerts": "红灯或蓝灯数",
            "n_red": "红灯数",
            "n_blue": "蓝灯数",
        }
    )
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        for name, frame in (
            (f"信号矩阵{m.year}", wide),
            ("信号明细", cells),
            ("综合预警指数", index),
            ("说明", m.info),
        ):
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buf.getvalue()


def signal_matrix(
    con: duckdb.DuckDBPyConnection,
    user: User,
    *,
    year: int | None = None,
    **options: Any,
) -> SignalMatrix:
    """The five-colour matrix the account may see (a county account: its own county's row).

    Parameters
    ----------
    year : int, optional
        Default: the last year with any signal.
    **options
        :data:`SIGNAL_OPTIONS` of :func:`xinzhi.pipelines.monitor.monitor_signals` (unset: its
        defaults).
    """
    opts = _given(options)
    county = monitor_scope(user)
    res = monitor_signals(con, county=county, **opts)
    y = res.latest_year() if year is None else int(year)
    res._t(y)  # unknown year → InputError naming the panel's years
    t = res.signal_table(all_cells=True)
    cells = t[(t["year"] == y).to_numpy()].drop(columns=["year"]).reset_index(drop=True)
    cells["signal"] = cells["signal"].astype(object).where(cells["signal"].notna(), "")
    if "county" not in cells.columns:
        cells.insert(1, "county", cells["region_code"])
    if "indicator_name" not in cells.columns:
        cells.insert(3, "indicator_name", cells["indicator"])
    inds = cells.drop_duplicates("indicator")[["indicator", "indicator_name", "direction"]]
    idx = res.index_table()
    idx = idx[idx["year"] == y].drop(columns=["year"]).reset_index(drop=True)
    has = np.asarray((res.code > 0).any(axis=(0, 1)), dtype=bool)
    years = [int(v) for v in np.asarray(res.cube.years)[has]]
    return SignalMatrix(
        year=y,
        years=years,
        cells=cells,
        indicators=inds.reset_index(drop=True),
        index=idx,
        method=res.options.method,
        summary=res.summary(),
        info=res.info_table(),
        county=county,
        synthetic=bool(res.synthetic),
        notes=[str(n) for n in res.notes],
    )


@dataclass
class CountyView:
    """One county's drill-down: the digest, the series with their trend lines, the index."""

    region_code: str
    county: str
    digest: Any
    """:class:`xinzhi.monitor.Digest` (``.tidy()``, ``.summary()``, ``.to_excel()``)."""
    series: pd.DataFrame
    """``indicator, indicator_name, year, value, sen`` (``sen``: the Sen line
    ``intercept + slope·(year − first year)``)."""
    trends: pd.DataFrame
    """Per indicator: ``indicator, indicator_name, n, slope, intercept, p, trend, assessment,
    change_points`` (level basis)."""
    index: pd.DataFrame
    """The county's composite warning index by year."""


def county_view(
    con: duckdb.DuckDBPyConnection,
    user: User,
    county: str | None = None,
    *,
    year: int | None = None,
    alpha: float | None = None,
    **options: Any,
) -> CountyView:
    """The drill-down of ``county`` (default: the account's own county) after the access check
    (a county account: its own county only)."""
    code = check_county(con, user, county)
    opts = _given(options)
    extra: dict[str, Any] = {} if alpha is None else {"alpha": alpha}
    dg = monitor_digest(con, county=code, year=year, **opts, **extra)
    pick = {k: opts[k] for k in ("system", "indicators") if k in opts}
    tr = monitor_trends(con, county=code, **pick, **extra)
    mp = monitor_panel(con, county=code, **pick)
    t = tr.tidy()
    t = t[t["region_code"] == code].drop(columns=["region_code"])
    t = t.drop(columns=[c for c in ("county",) if c in t.columns]).reset_index(drop=True)
    if "indicator_name" not in t.columns:
        t.insert(1, "indicator_name", t["indicator"])
    p = mp.panel.dropna(subset=["value"]).sort_values(["indicator", "year"])
    first = int(tr.years[0])
    line = t.set_index("indicator")[["slope", "intercept"]]
    p = p.join(line, on="indicator")
    p["sen"] = p["intercept"] + p["slope"] * (p["year"] - first)
    p["indicator_name"] = p["indicator"].map(mp.names).fillna(p["indicator"])
    series = p[["indicator", "indicator_name", "year", "value", "sen"]].reset_index(drop=True)
    return CountyView(
        region_code=code,
        county=dg.county,
        digest=dg,
        series=series,
        trends=t,
        index=dg.index,
    )


def digest_workbook(digest: Any) -> bytes:
    """The digest as an Excel workbook (指标变化, 综合预警指数, 说明; Chinese headers)."""
    with tempfile.TemporaryDirectory(prefix="xinzhi-digest-") as tmp:
        path = Path(tmp) / "digest.xlsx"
        digest.to_excel(path)
        return path.read_bytes()


def target_table(
    con: duckdb.DuckDBPyConnection, user: User, county: str | None = None
) -> pd.DataFrame:
    """The current targets the account may see: of ``county`` (default: a county account's own
    county; admin and analyst without a county: every county's), with the indicator's name.
    Columns ``region_code, indicator, indicator_name, year, value, account, entered_at,
    source`` (``source``: 填写 for a target typed in, 导入 for an imported one)."""
    code: str | None
    if county or not is_unrestricted(user):
        code = check_county(con, user, county)
    else:
        code = None
    t = read_targets(con, code)
    names = _indicator_names(con)
    out = t.copy()
    out.insert(2, "indicator_name", out["indicator"].map(names).fillna(out["indicator"]))
    out["source"] = out["batch_id"].map(lambda b: "填写" if pd.isna(b) else "导入")
    return out.drop(columns=["batch_id"]).reset_index(drop=True)


def _indicator_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {code: e.name_zh for code, e in load_catalogue().entries.items()}


def edit_target(
    con: duckdb.DuckDBPyConnection,
    user: User,
    county: str | None,
    indicator: str,
    year: int,
    value: float | None,
) -> dict[str, Any]:
    """Record one target typed in by ``user`` (:func:`xinzhi.pipelines.monitor.set_target`)
    after the access check: accounts that may enter data, a county account for its own county
    only. ``value`` None clears the target. The caller holds the write lock and writes the
    audit entry."""
    require(user, Action.UPLOAD)
    code = check_county(con, user, county)
    return set_target(con, code, indicator, year, value, account=user.username)
