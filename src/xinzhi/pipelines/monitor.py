"""Monitoring and early warning (监测预警) on the warehouse: yearly targets, five-colour signals,
trend tests with change points and the digest of a county.

* :func:`monitor_panel` — the long panel the analyses of :mod:`xinzhi.monitor` read: current
  county observations of an indicator system's indicators (default ``nqpf-county``) or of a list
  of indicator codes, codes carried to the panel's last year
  (:func:`xinzhi.regions.harmonise.harmonise_codes`: a renamed county is one unit; merged or
  split units are left out with a note), directions and names from the system and the
  catalogue;
* :func:`monitor_signals`, :func:`monitor_trends`, :func:`monitor_digest` — the declared
  analyses (:mod:`xinzhi.registry.monitor`; ``xinzhi monitor signals|trend|digest``,
  ``GET /api/analyses/monitor-signals`` …);
* :func:`import_targets_file` — a target table (CSV/XLSX) as one import batch
  (``xinzhi monitor targets-import``; :mod:`xinzhi.ingest.targets`);
* :func:`set_target` — one target typed in (the web app's targets editor), recorded with the
  account; :func:`read_targets` — the current targets.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

from xinzhi import monitor, store
from xinzhi.errors import InputError
from xinzhi.indicators.catalogue import load_catalogue
from xinzhi.indicators.system import load_system
from xinzhi.ingest.clean import Resolver
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.targets import FUTURE_YEARS, import_targets
from xinzhi.pipelines.enterprise_data import county_code
from xinzhi.pipelines.evaluation import region_names
from xinzhi.pipelines.industry import resolve_county
from xinzhi.pipelines.stored import evaluation_exists, stored_evaluation_names, stored_scores
from xinzhi.pipelines.warehouse import warehouse_registry
from xinzhi.regions.harmonise import harmonise_codes
from xinzhi.store.targets import ensure_target_table, insert_target, read_current_targets

__all__ = [
    "MonitorPanel",
    "import_targets_file",
    "monitor_digest",
    "monitor_panel",
    "monitor_signals",
    "monitor_trends",
    "read_targets",
    "set_target",
    "targets_table",
]


@dataclass
class MonitorPanel:
    """A long panel for :mod:`xinzhi.monitor` with what the analyses need beside it."""

    panel: pd.DataFrame
    """``region_code, indicator, year, value``."""
    directions: dict[str, str]
    names: dict[str, str]
    county_names: dict[str, str]
    system: str | None
    notes: list[str] = field(default_factory=list)


def _indicator_list(
    system: str | None, indicators: str | Sequence[str] | None
) -> tuple[list[str], dict[str, str], dict[str, str], str | None]:
    """(codes, directions, names, system name) from an explicit list or a system."""
    cat = load_catalogue()
    if indicators:
        items = indicators.split(",") if isinstance(indicators, str) else list(indicators)
        codes = []
        for raw in items:
            text = str(raw).strip()
            if not text:
                continue
            code = cat.match(text)
            if code is None:
                raise InputError(f"指标 {text!r} 不在指标目录中（可用指标编码、中文名称或别名）")
            codes.append(code)
        if not codes:
            raise InputError("未给出任何监测指标")
        dirs = {c: cat[c].direction for c in codes}
        names = {c: cat[c].name_zh for c in codes}
        return codes, dirs, names, None
    sys_ = load_system(system or "nqpf-county")
    codes = sys_.codes
    dirs = {i.code: ("-" if i.direction == "-" else "+") for i in sys_.indicators}
    names = {i.code: i.name for i in sys_.indicators}
    return codes, dirs, names, sys_.name


def monitor_panel(
    con: duckdb.DuckDBPyConnection,
    *,
    system: str | None = None,
    indicators: str | Sequence[str] | None = None,
    county: str | None = None,
    evaluation: str | None = None,
    harmonise: bool = True,
) -> MonitorPanel:
    """The monitoring panel of the warehouse (see the module docstring).

    Parameters
    ----------
    system : str, optional
        Indicator system (built-in name or YAML path; default ``nqpf-county``) whose
        indicators are monitored; ignored when ``indicators`` is given.
    indicators : str or sequence, optional
        Indicator codes / names (comma-separated text or a list).
    county : str, optional
        One county (name or code): its rows only.
    evaluation : str, optional
        A stored evaluation instead of the observations: its composite score (``score``) and
        dimension scores (``dim:<name>``) by county and year are the monitored indicators
        (all positive).
    harmonise : bool
        Carry the codes to those of the panel's last year.

    Raises
    ------
    InputError
        No observation of the indicators (in the county).
    """
    code = county_code(con, county)
    notes_first: list[str] = []
    sys_name: str | None
    if evaluation is not None:
        codes, dirs, names, sys_name, long = _evaluation_long(con, evaluation)
        if code is not None:
            long = long[long["region_code"] == code]
    else:
        codes, dirs, names, sys_name = _indicator_list(system, indicators)
        if code is not None:
            long, note = _county_long(con, codes, code, harmonise)
            if note:
                notes_first = [note]
        else:
            long = store.read_long(con, codes, level="county")
    notes: list[str] = list(notes_first)
    if long.empty:
        raise InputError(
            "数据仓库中没有这些指标的县级观测值："
            + "、".join(codes[:8])
            + ("……" if len(codes) > 8 else "")
            + "（先用 xinzhi import 导入统计数据）"
        )
    if harmonise and (code is None or evaluation is not None):
        history = store.read_region_history(con)
        if not history.empty:
            res = harmonise_codes(long, history, int(long["year"].max()))
            if len(res.dropped):
                n = res.dropped[["region_code", "year"]].drop_duplicates().shape[0]
                notes.append(f"区划调整：{n} 个县·年（合并或拆分的单位）未纳入监测面板")
            long = res.data.drop(columns=["source_code"], errors="ignore")
            long = long.drop_duplicates(["region_code", "indicator", "year"])
    if code is not None:
        long = long[long["region_code"] == code]
        if long.empty:
            raise InputError(f"数据仓库中没有 {county}（{code}）的监测指标观测值")
    missing = [c for c in codes if c not in set(long["indicator"])]
    if missing:
        notes.append("无观测值、未纳入监测的指标：" + "、".join(names.get(c, c) for c in missing))
    last = int(long["year"].max())
    keys = pd.DataFrame({"region_code": long["region_code"].unique(), "year": last})
    nm = region_names(con, keys)
    county_names = dict(zip(nm["region_code"].astype(str), nm["name"].astype(str), strict=True))
    panel = long[["region_code", "indicator", "year", "value"]].reset_index(drop=True)
    return MonitorPanel(panel, dirs, names, county_names, sys_name, notes)


def _evaluation_long(
    con: duckdb.DuckDBPyConnection, name: str
) -> tuple[list[str], dict[str, str], dict[str, str], str, pd.DataFrame]:
    """(codes, directions, names, system, long panel) of stored evaluation ``name``: the
    composite score and the dimension scores as indicators."""
    if evaluation_exists(con, name) is None:
        known = "、".join(stored_evaluation_names(con)) or "无"
        raise InputError(f"数据仓库中没有评价结果 {name!r}（已保存：{known}）")
    scores = stored_scores(con, name)
    cols = ["score", *(c for c in scores.columns if str(c).startswith("dim:"))]
    long = scores.melt(
        id_vars=["region_code", "year"], value_vars=cols, var_name="indicator", value_name="value"
    ).dropna(subset=["value"])
    names = {"score": "综合得分", **{c: f"{c[4:]}得分" for c in cols[1:]}}
    system = str(evaluation_exists(con, name)[0])  # type: ignore[index]
    return cols, dict.fromkeys(cols, "+"), names, system, long


def _county_long(
    con: duckdb.DuckDBPyConnection, codes: list[str], code: str, harmonise: bool
) -> tuple[pd.DataFrame, str | None]:
    """Current observations of ``codes`` for county ``code`` and, with ``harmonise``, its
    one-to-one predecessors relabelled to ``code`` (a renamed county, e.g. 宁乡县 430124 →
    宁乡市 430182: the only unit whose recorded successors are exactly ``code``, followed back
    through earlier renames). Units merged into ``code`` (several predecessors) or split are
    left out with a note — the rule of :func:`xinzhi.regions.harmonise.harmonise_codes`, for one
    county without building the crosswalk of every county."""
    chain = [code]
    note = None
    current = code
    for _ in range(10) if harmonise else ():  # rename chains are short
        rows = con.execute(
            "SELECT DISTINCT code, successors FROM regions "
            "WHERE end_year IS NOT NULL AND list_contains(successors, ?)",
            [current],
        ).fetchall()
        preds = {str(r[0]) for r in rows}
        if not preds:
            break
        one_to_one = len(preds) == 1 and [str(x) for x in (rows[0][1] or [])] == [current]
        if not one_to_one:
            note = (
                f"区划调整：{'、'.join(sorted(preds))} 并入或拆分为 {current}，"
                "其早年数据不可比，未纳入监测面板"
            )
            break
        current = preds.pop()
        if current in chain:
            break
        chain.append(current)
    long = con.execute(
        "SELECT region_code, year, indicator, value FROM current_observations "
        "WHERE list_contains(?, region_code) AND list_contains(?, indicator) "
        "ORDER BY year, indicator",
        [chain, codes],
    ).df()
    # the county's own code wins where both codes hold a value for the same year
    rank = long["region_code"].map({c: k for k, c in enumerate(chain)})
    long = (
        long.assign(_r=rank)
        .sort_values(["indicator", "year", "_r"])
        .drop_duplicates(["indicator", "year"])
        .drop(columns="_r")
        .assign(region_code=code)
        .reset_index(drop=True)
    )
    return long, note


def _finish(res: monitor.Signals | monitor.Trends, mp: MonitorPanel) -> None:
    res.notes = tuple(mp.notes)


def _targets_long(con: duckdb.DuckDBPyConnection, county: str | None) -> pd.DataFrame:
    t = read_current_targets(con, county)
    return t[["region_code", "indicator", "year", "value"]].rename(columns={"value": "target"})


def monitor_signals(
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    method: str = "sigma",
    basis: str = "growth",
    system: str | None = None,
    indicators: str | None = None,
    evaluation: str | None = None,
    county: str | None = None,
    k1: float = 1.0,
    k2: float = 2.0,
    window: int = 5,
    min_history: int = 3,
) -> monitor.Signals:
    """Five-colour signals and the composite warning index on the warehouse
    (:func:`xinzhi.monitor.signals`; ``method="target"`` reads ``current_targets``)."""
    mp = monitor_panel(
        con, system=system, indicators=indicators, evaluation=evaluation, county=county
    )
    targets = None
    if method == "target":
        code = county_code(con, county)
        targets = _targets_long(con, code)
        if targets.empty:
            raise InputError(
                "数据仓库中没有年度目标：先用 xinzhi monitor targets-import 导入目标表，或在网页中填写"
            )
    res = monitor.signals(
        mp.panel,
        method=method,
        targets=targets,
        directions=mp.directions,
        basis=basis,
        k=(k1, k2),
        window=window,
        min_history=min_history,
        names=mp.names,
        county_names=mp.county_names,
    )
    _finish(res, mp)
    return res


def monitor_trends(
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    basis: str = "level",
    system: str | None = None,
    indicators: str | None = None,
    evaluation: str | None = None,
    county: str | None = None,
    alpha: float = 0.05,
    changepoints: bool = True,
    min_length: int = 10,
    penalty: float = 2.0,
) -> monitor.Trends:
    """Mann–Kendall trend, Sen's slope and change points on the warehouse
    (:func:`xinzhi.monitor.trends`)."""
    mp = monitor_panel(
        con, system=system, indicators=indicators, evaluation=evaluation, county=county
    )
    res = monitor.trends(
        mp.panel,
        directions=mp.directions,
        basis=basis,
        alpha=alpha,
        changepoints=changepoints,
        min_length=min_length,
        penalty=penalty,
        names=mp.names,
        county_names=mp.county_names,
    )
    _finish(res, mp)
    return res


def monitor_digest(
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    county: str,
    year: int | None = None,
    method: str = "sigma",
    basis: str = "growth",
    system: str | None = None,
    indicators: str | None = None,
    evaluation: str | None = None,
    k1: float = 1.0,
    k2: float = 2.0,
    window: int = 5,
    alpha: float = 0.05,
) -> monitor.Digest:
    """The monitoring digest of one county (:func:`xinzhi.monitor.digest`): signals of
    ``year`` (default the latest with a signal) against the year before, with the county's
    trends (level basis) and change points — one panel read for both."""
    mp = monitor_panel(
        con, system=system, indicators=indicators, evaluation=evaluation, county=county
    )
    code = str(mp.panel["region_code"].iloc[0])
    targets = None
    if method == "target":
        targets = _targets_long(con, code)
        if targets.empty:
            raise InputError(
                f"{mp.county_names.get(code, code)} 没有年度目标：先用 xinzhi monitor "
                "targets-import 导入目标表，或在网页中填写"
            )
    sig = monitor.signals(
        mp.panel,
        method=method,
        targets=targets,
        directions=mp.directions,
        basis=basis,
        k=(k1, k2),
        window=window,
        min_history=min(3, window),
        names=mp.names,
        county_names=mp.county_names,
    )
    _finish(sig, mp)
    tr = monitor.trends(
        mp.panel,
        directions=mp.directions,
        alpha=alpha,
        names=mp.names,
        county_names=mp.county_names,
    )
    return monitor.digest(sig, code, year, trends=tr)


# ----------------------------------------------------------------------------- targets
def _resolver(con: duckdb.DuckDBPyConnection) -> Resolver | None:
    """Region resolver over the warehouse's registry (None: the mirror's, when the warehouse
    has no regions)."""
    if store.read_regions(con).empty:
        return None
    registry = warehouse_registry(con)

    def resolve(
        values: Sequence[str], year: int | None, parent: Sequence[str | None] | None
    ) -> pd.DataFrame:
        y = year
        if y is not None and y > registry.latest_year:
            y = registry.latest_year
        return registry.resolve_many(values, y, parent=parent, level="county")

    return resolve


def import_targets_file(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    sheet: str | None = None,
    harmonise: bool = False,
    db: str | os.PathLike[str] | None = None,
    user_name: str | None = None,
) -> ImportReport:
    """Import a table of yearly targets (地区, 指标, 年份, 目标值) into the warehouse as one
    import batch; rows read = loaded + quarantined (with reason) + skipped (with reason).
    Counties are resolved through the warehouse's region registry."""
    con = store.connect(db)
    try:
        ensure_target_table(con)
        return import_targets(
            path,
            source=source,
            sheet=sheet,
            harmonise=harmonise,
            con=con,
            user_name=user_name,
            resolver=_resolver(con),
        )
    finally:
        con.close()


def set_target(
    con: duckdb.DuckDBPyConnection,
    county: str,
    indicator: str,
    year: int,
    value: float | None,
    *,
    account: str,
) -> dict[str, object]:
    """Record one yearly target typed in by ``account`` (the web app's targets editor; the
    caller checks that the account may edit the county). ``value`` None clears the target.

    Returns
    -------
    dict
        ``region_code, county, indicator, year, value, account``.

    Raises
    ------
    InputError
        Unknown county or indicator, a year outside 1981 – current year + 20, a value that is
        not a finite number or outside what the indicator can take, an empty account.
    """
    if not str(account or "").strip():
        raise InputError("填写目标需要账户名（account）")
    code, name = resolve_county(con, county)
    cat = load_catalogue()
    ind = cat.match(indicator)
    if ind is None:
        raise InputError(f"指标 {indicator!r} 不在指标目录中")
    last = datetime.now(UTC).year + FUTURE_YEARS
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise InputError(f"年份应为整数，收到 {year!r}") from None
    if not 1981 <= y <= last:
        raise InputError(f"目标年份须在 1981–{last} 之间，收到 {year}")
    v: float | None = None
    if value is not None:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise InputError(f"目标值应为数值，收到 {value!r}") from None
        if not math.isfinite(v):
            raise InputError(f"目标值应为有限数值，收到 {value!r}")
        entry = cat[ind]
        if (entry.lower is not None and v < entry.lower) or (
            entry.upper is not None and v > entry.upper
        ):
            raise InputError(
                f"指标“{entry.name_zh}”的目标值 {v:g} 不可能（应在 "
                f"{entry.lower if entry.lower is not None else '−∞'}–"
                f"{entry.upper if entry.upper is not None else '∞'} 之间，单位 {entry.unit}）"
            )
    ensure_target_table(con)
    insert_target(con, code, ind, y, v, str(account))
    return {
        "region_code": code,
        "county": name,
        "indicator": ind,
        "year": y,
        "value": v,
        "account": str(account),
    }


def read_targets(con: duckdb.DuckDBPyConnection, county: str | None = None) -> pd.DataFrame:
    """The current targets (of one county, by name or code): ``region_code, indicator, year,
    value, batch_id`` (NULL: typed in), ``account``, ``entered_at``."""
    code = county_code(con, county)
    return read_current_targets(con, code)


def targets_table(
    county: str | None = None, *, db: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """:func:`read_targets` on the warehouse ``db`` (opened and closed here), with the
    indicator's Chinese name: ``region_code, indicator, indicator_name, year, value, source``
    (``导入`` batch number or ``填写：<account>``), ``entered_at``."""
    con = store.connect(db)
    try:
        t = read_targets(con, county)
    finally:
        con.close()
    cat = load_catalogue()
    names = {c: cat[c].name_zh for c in set(t["indicator"]) if c in cat}
    src = [
        f"填写：{a}" if pd.isna(b) else f"导入批次 {int(b)}"
        for a, b in zip(t["account"], t["batch_id"], strict=True)
    ]
    return pd.DataFrame(
        {
            "region_code": t["region_code"],
            "indicator": t["indicator"],
            "indicator_name": t["indicator"].map(names),
            "year": t["year"],
            "value": t["value"],
            "source": src,
            "entered_at": t["entered_at"],
        }
    )
