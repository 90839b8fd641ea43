"""A county's own data, visible and fixable (the web's 数据 page, ``xinzhi data …``).

* :func:`county_values` — every current value of a county the account may see: indicator
  (name, unit, catalogue or user indicator), year, value, and where it came from (source,
  batch, file, when, who imported it).
* :func:`correct_value` — a corrected value is a new import batch of one value (source
  ``更正:<county>:<indicator>:<year>``, scoped to the county for a county account): the value it
  replaces stays in its batch, the newer batch wins in ``current_observations``, a second
  correction of the same cell supersedes the first. Audited as ``value_correct`` (from, to,
  note) in the batch's transaction.
* :func:`map_user_indicator` — the values of a user indicator (a column the catalogue did not
  know, :mod:`xinzhi.ingest.user_indicators`) stored again under the catalogue indicator the
  user names, converted to its unit, as a new batch; the user indicator's values stay.
  Audited as ``indicator_map``.

Nothing is overwritten: every change is a batch with its owner, and the audit log says who
changed what, from which value to which.
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import auth
from xinzhi.auth import policy
from xinzhi.auth.accounts import User
from xinzhi.errors import InputError
from xinzhi.indicators.catalogue import load_catalogue
from xinzhi.ingest.batch import loaded_report, write_report_batch
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.units import conversion_factor
from xinzhi.pipelines.uploads import scoped_source
from xinzhi.store.auth_tables import ensure_auth_tables

__all__ = [
    "VALUE_COLUMNS",
    "catalogue_choices",
    "correct_value",
    "county_values",
    "local_user",
    "map_user_indicator",
]

VALUE_COLUMNS = {
    "name_zh": "指标",
    "unit": "单位",
    "kind": "类别",
    "year": "年份",
    "value": "数值",
    "source": "来源",
    "batch_id": "批次",
    "file_name": "文件",
    "imported_at": "导入时间",
    "imported_by": "导入人",
}
"""Columns of :func:`county_values` and their Chinese labels (what the page shows)."""

_EMPTY_Q = pd.DataFrame({"row_number": [], "raw": [], "reason": [], "message": []})
_EMPTY_S = pd.DataFrame({"row_number": [], "raw": [], "reason": []})


def county_values(
    con: duckdb.DuckDBPyConnection, user: User, county: str, *, year: int | None = None
) -> pd.DataFrame:
    """Current values of ``county`` (name or code) from the batches ``user`` sees.

    Columns: indicator, name_zh, unit, kind (目录指标 / 用户指标), year, value, source, batch_id,
    file_name, imported_at (to the second), imported_by — newest year first.

    Raises
    ------
    AccessDenied
        A county account asking for another county.
    """
    ensure_auth_tables(con)
    code = _county(con, county)
    policy.require_county(user, code)
    visible, params = policy.visible_batches_sql(user, "b")
    return con.execute(
        f"""SELECT o.indicator, coalesce(i.name_zh, o.indicator) AS name_zh,
                   coalesce(i.unit, '') AS unit,
                   CASE WHEN i.dimension = '用户指标' THEN '用户指标' ELSE '目录指标' END AS kind,
                   o.year, o.value, b.source, o.batch_id, b.file_name,
                   strftime(b.imported_at, '%Y-%m-%d %H:%M:%S') AS imported_at,
                   coalesce(w.user_name, b.user_name) AS imported_by
            FROM current_observations o JOIN import_batches b USING (batch_id)
            LEFT JOIN auth_batch_owners w USING (batch_id)
            LEFT JOIN indicators i ON i.code = o.indicator
            WHERE o.region_code = ? AND (? IS NULL OR o.year = ?) AND {visible}
            ORDER BY o.year DESC, kind, o.indicator""",
        [code, year, year, *params],
    ).df()


def local_user() -> User:
    """The account ``xinzhi data …`` acts as: an administrator named ``cli:<system user>``.

    Whoever runs the command line holds the warehouse file itself, so it sees and corrects
    every county; the name goes into the batches (导入人) and the audit log.

    >>> u = local_user()
    >>> u.role, u.county_code, u.username.startswith("cli:")
    ('admin', None, True)
    """
    try:
        who = getpass.getuser()
    except Exception:  # no login name (some containers): still a named actor
        who = "unknown"
    return User(0, f"cli:{who}", "admin", None, False)


def catalogue_choices() -> dict[str, str]:
    """Catalogue indicators a user indicator can be mapped to: code → "名称（单位）"."""
    return {c: f"{e.name_zh}（{e.unit}）" for c, e in load_catalogue().entries.items()}


def _county(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The 6-digit code of a county-level unit (name or code); a province or prefecture code is
    refused in Chinese (a county's data are asked for, corrected and scoped by county)."""
    return auth.resolve_county(con, text)  # refuses provinces and prefectures (InputError)


def _indicator(con: duckdb.DuckDBPyConnection, code: str) -> tuple[str, str, str]:
    """(name, unit, dimension) of an indicator of the warehouse's ``indicators`` table."""
    rows = con.execute(
        "SELECT name_zh, coalesce(unit, ''), coalesce(dimension, '') FROM indicators"
        " WHERE code = ?",
        [code],
    ).fetchall()
    if not rows:
        raise InputError(f"数据仓库中没有指标 {code}")
    name, unit, dimension = rows[0]
    return str(name), str(unit), str(dimension)


def _check_bounds(code: str, values: np.ndarray) -> None:
    """Refuse values a catalogue indicator cannot take (its possible and plausible range)."""
    cat = load_catalogue()
    if code not in cat:
        return
    e = cat[code]
    lo = max(v for v in (e.lower, e.plausible_min, -np.inf) if v is not None)
    hi = min(v for v in (e.upper, e.plausible_max, np.inf) if v is not None)
    bad = values[(values < lo) | (values > hi) | ~np.isfinite(values)]
    if bad.size:
        raise InputError(
            f"指标 {e.name_zh} 的数值应在 {lo:g}～{hi:g}（{e.unit}）之间，收到 "
            + "、".join(f"{v:g}" for v in bad[:5])
        )


def _write(
    con: duckdb.DuckDBPyConnection,
    user: User,
    *,
    county: str | None,
    source: str,
    file_name: str,
    observations: pd.DataFrame,
    audit: Callable[[duckdb.DuckDBPyConnection, int], None],
    write_lock: AbstractContextManager[Any] | None,
    note: str,
) -> ImportReport:
    stamp = datetime.now(UTC).isoformat()
    report = loaded_report(
        file_name=file_name,
        source=source,
        fmt="manual",
        rows=len(observations),
        sha256=hashlib.sha256(f"{source}|{stamp}|{user.username}".encode()).hexdigest(),
        years=sorted(int(y) for y in observations["year"].unique()),
        regions_loaded=int(observations["region_code"].nunique()),
        indicators_loaded=sorted(str(i) for i in observations["indicator"].unique()),
        warnings=[note] if note else [],
    )

    def extra(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        c.execute(
            "INSERT INTO auth_batch_owners VALUES (?, ?, ?)", [batch_id, user.username, county]
        )
        audit(c, batch_id)

    with write_lock if write_lock is not None else nullcontext():
        return write_report_batch(
            con,
            report,
            observations=observations,
            quarantine=_EMPTY_Q,
            skipped=_EMPTY_S,
            extra=extra,
            user_name=user.username,
        )


def correct_value(
    con: duckdb.DuckDBPyConnection,
    user: User,
    county: str,
    indicator: str,
    year: int,
    value: float,
    *,
    note: str = "",
    ip: str | None = None,
    write_lock: AbstractContextManager[Any] | None = None,
) -> ImportReport:
    """Store a corrected value of one cell as a new batch (see the module docstring).

    Raises
    ------
    AccessDenied
        The account may not upload, or a county account correcting another county.
    InputError
        Unknown indicator, a year outside 1981–2100, or a value the indicator cannot take.
    """
    ensure_auth_tables(con)
    code = _county(con, county)
    restricted = policy.upload_county(user)
    policy.require_county(user, code)
    name, _unit, _dim = _indicator(con, indicator)
    if not 1981 <= int(year) <= 2100:
        raise InputError(f"年份应在 1981～2100 之间，收到 {year}")
    v = float(value)
    if not np.isfinite(v):
        raise InputError("请填写更正后的数值")
    _check_bounds(indicator, np.array([v]))
    before = con.execute(  # the value it replaces, whoever's batch holds it (for the audit log)
        "SELECT value FROM current_observations WHERE region_code = ? AND indicator = ?"
        " AND year = ?",
        [code, indicator, int(year)],
    ).fetchall()
    previous = float(before[0][0]) if before and before[0][0] is not None else None

    def audit(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        auth.write_audit(
            c,
            "value_correct",
            user=user.username,
            target=f"{code}:{indicator}:{int(year)}",
            detail={"from": previous, "to": v, "note": note, "batch": batch_id},
            ip=ip,
        )

    obs = pd.DataFrame(
        {"region_code": [code], "year": [int(year)], "indicator": [indicator], "value": [v]}
    )
    return _write(
        con,
        user,
        county=restricted,
        source=scoped_source(f"更正:{code}:{indicator}:{int(year)}", restricted),
        file_name=f"更正：{name}",
        observations=obs,
        audit=audit,
        write_lock=write_lock,
        note=f"更正说明：{note}" if note else "",
    )


def map_user_indicator(
    con: duckdb.DuckDBPyConnection,
    user: User,
    code: str,
    target: str,
    *,
    ip: str | None = None,
    write_lock: AbstractContextManager[Any] | None = None,
) -> ImportReport:
    """Store the current values of user indicator ``code`` again as catalogue indicator
    ``target`` (converted to its unit), as a new batch; a county account maps its own
    county's values only.

    Raises
    ------
    InputError
        ``code`` is not a user indicator, ``target`` not a catalogue indicator, the units do
        not convert (万吨 to 万元), no value to map, or a converted value out of range.
    """
    ensure_auth_tables(con)
    restricted = policy.upload_county(user)
    name, unit, dimension = _indicator(con, code)
    if dimension != "用户指标":
        raise InputError(f"{name}（{code}）不是用户指标，无需对应")
    cat = load_catalogue()
    if target not in cat:
        raise InputError(f"指标目录中没有指标 {target}")
    entry = cat[target]
    factor = conversion_factor(unit or None, entry.unit)
    if factor is None:
        raise InputError(
            f"用户指标 {name} 的单位 {unit} 无法换算为 {entry.name_zh} 的单位 {entry.unit}"
        )
    visible, params = policy.visible_batches_sql(user, "b")
    obs = con.execute(
        f"""SELECT o.region_code, o.year, ? AS indicator, o.value * ? AS value
            FROM current_observations o JOIN import_batches b USING (batch_id)
            WHERE o.indicator = ? AND (? IS NULL OR o.region_code = ?) AND {visible}
            ORDER BY o.region_code, o.year""",
        [target, factor, code, restricted, restricted, *params],
    ).df()
    if obs.empty:
        raise InputError(f"用户指标 {name} 没有可对应的数值")
    _check_bounds(target, obs["value"].to_numpy(dtype="float64"))

    def audit(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        auth.write_audit(
            c,
            "indicator_map",
            user=user.username,
            target=f"{code}→{target}",
            detail={"name": name, "factor": factor, "values": len(obs), "batch": batch_id},
            ip=ip,
        )

    return _write(
        con,
        user,
        county=restricted,
        source=scoped_source(f"对应:{code}:{target}", restricted),
        file_name=f"指标对应：{name} → {entry.name_zh}",
        observations=obs,
        audit=audit,
        write_lock=write_lock,
        note=f"用户指标“{name}”对应为目录指标“{entry.name_zh}”（×{factor:g}）",
    )
