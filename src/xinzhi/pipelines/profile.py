"""Stored evaluations seen from one county, and views the server shows (one place for every
surface).

* :func:`stored_scores` — scores of a stored evaluation with names, provincial rank and percentile
  (same definitions as :meth:`xinzhi.pipelines.evaluation.CountyEvaluation.scores`).
* :func:`county_profile` — one county: score, ranks, percentile, dimension scores and shortfalls
  (obstacle degree summed by 短板, as :meth:`CountyEvaluation.shortfalls`).
* :func:`evaluation_dagum` — Dagum Gini decomposition of a stored evaluation's scores by province
  or by economic region (:func:`xinzhi.disparity.dagum_gini`).
* :func:`county_specialization` — location quotients of a county's census employment by GB/T 4754
  section against the national structure (:func:`xinzhi.industry.specialization`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.labels import COLUMN_LABELS
from xinzhi.pipelines.disparity import with_economic_region
from xinzhi.pipelines.evaluation import named_scores, region_names
from xinzhi.store.evaluations import ensure_evaluation_tables, load_evaluation

__all__ = [
    "SECTIONS",
    "CountyProfile",
    "county_profile",
    "county_specialization",
    "evaluation_dagum",
    "evaluation_exists",
    "export_stored_evaluation",
    "stored_scores",
    "warehouse_registry",
]

SECTIONS = "ABCDEFGHIJKLMNOPQRST"
"""GB/T 4754-2017 sections with a census employment share ``emp_sec_<letter>``."""


def evaluation_exists(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str] | None:
    """(system, created_at) of stored evaluation ``name``, or None."""
    ensure_evaluation_tables(con)
    rows = con.execute(
        "SELECT system, CAST(created_at AS VARCHAR) FROM evaluations WHERE name = ?", [name]
    ).fetchall()
    return (str(rows[0][0]), str(rows[0][1])) if rows else None


def stored_scores(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Scores of stored evaluation ``name``.

    Returns
    -------
    DataFrame
        ``region_code, name, province_code, province_name, prefecture_name, year, score, rank,
        province_rank, percentile, dim:<dimension>…`` sorted by year and rank. ``province_rank``
        ranks the score within the province and year (1 = best, ties share the best rank);
        ``percentile`` = share of the year's counties scoring at most as high (1.0 = top).
    """
    s = load_evaluation(con, name)
    return named_scores(s, region_names(con, s[["region_code", "year"]]))


@dataclass
class CountyProfile:
    """One county in a stored evaluation (latest year unless asked)."""

    evaluation: str
    system: str
    region_code: str
    year: int
    row: dict[str, Any]
    dimensions: list[dict[str, Any]]
    shortfalls: pd.DataFrame
    years: list[int]

    def to_dict(self) -> dict[str, Any]:
        r = self.row
        return {
            "evaluation": self.evaluation,
            "system": self.system,
            "region_code": self.region_code,
            "name": r.get("name"),
            "province_name": r.get("province_name"),
            "prefecture_name": r.get("prefecture_name"),
            "year": self.year,
            "years": self.years,
            "score": float(r["score"]),
            "rank": int(r["rank"]),
            "province_rank": int(r["province_rank"]),
            "percentile": float(r["percentile"]),
            "counties": int(r["counties"]),
            "dimensions": self.dimensions,
            "shortfalls": self.shortfalls.to_dict("records"),
        }

    def to_excel(self, path: str | Path) -> Path:
        """Workbook with sheets 概况, 维度得分, 短板 (Chinese headers)."""
        d = self.to_dict()
        head = pd.DataFrame(
            {
                "项目": [
                    "评价结果",
                    "指标体系",
                    "区划代码",
                    "名称",
                    "省份",
                    "年份",
                    "综合得分",
                    "全国排名",
                    "省内排名",
                    "百分位",
                    "参评县数",
                ],
                "取值": [
                    d["evaluation"],
                    d["system"],
                    d["region_code"],
                    d["name"],
                    d["province_name"],
                    d["year"],
                    d["score"],
                    d["rank"],
                    d["province_rank"],
                    d["percentile"],
                    d["counties"],
                ],
            }
        )
        p = Path(path)
        with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
            head.to_excel(xw, sheet_name="概况", index=False)
            pd.DataFrame(self.dimensions).rename(
                columns={"dimension": "维度", "score": "得分"}
            ).to_excel(xw, sheet_name="维度得分", index=False)
            self.shortfalls.rename(columns={"shortfall": "短板", "obstacle": "障碍度"}).to_excel(
                xw, sheet_name="短板", index=False
            )
        return p


@lru_cache(maxsize=16)
def _shortfall_map(system: str) -> dict[str, str]:
    from xinzhi.indicators.system import load_system

    try:
        return load_system(system).shortfall_of()
    except Exception:  # system file no longer available: shortfalls cannot be named
        return {}


def county_profile(
    con: duckdb.DuckDBPyConnection,
    name: str,
    region_code: str,
    year: int | None = None,
    scores: pd.DataFrame | None = None,
) -> CountyProfile:
    """Profile of ``region_code`` in stored evaluation ``name``.

    Shortfalls: the obstacle degree ``O_ij`` of each indicator (Yang et al. obstacle model, see
    :mod:`xinzhi.evaluate.obstacle`) summed over the indicators that reveal the same shortfall
    (``shortfall`` in the indicator system), sorted descending — the same table as
    :meth:`CountyEvaluation.shortfalls`.

    Parameters
    ----------
    scores : DataFrame, optional
        :func:`stored_scores` of ``name`` if the caller already has it (servers cache it).
    """
    info = evaluation_exists(con, name)
    if info is None:
        raise InputError(f"数据仓库中没有名为 {name!r} 的评价结果")
    s = stored_scores(con, name) if scores is None else scores
    mine = s[s["region_code"] == region_code]
    if mine.empty:
        raise InputError(f"评价结果 {name} 中没有县区 {region_code}")
    years = sorted(int(y) for y in mine["year"].unique())
    y = max(years) if year is None else int(year)
    if y not in years:
        raise InputError(f"评价结果 {name} 中县区 {region_code} 没有 {y} 年的得分")
    row = mine[mine["year"] == y].iloc[0].to_dict()
    row["counties"] = int((s["year"] == y).sum())
    dims = [
        {"dimension": c.removeprefix("dim:"), "score": float(row[c])}
        for c in s.columns
        if c.startswith("dim:") and pd.notna(row[c])
    ]
    ob = con.execute(
        "SELECT indicator, obstacle FROM evaluation_obstacles "
        "WHERE name = ? AND region_code = ? AND year = ?",
        [name, region_code, y],
    ).df()
    mapping = _shortfall_map(info[0])
    ob["shortfall"] = ob["indicator"].map(mapping)
    grouped = ob.dropna(subset=["shortfall"]).groupby("shortfall")["obstacle"].sum()
    short = grouped.reset_index().sort_values("obstacle", ascending=False).reset_index(drop=True)
    row_dict = {str(k): v for k, v in row.items()}
    return CountyProfile(name, info[0], region_code, y, row_dict, dims, short, years)


def evaluation_dagum(
    con: duckdb.DuckDBPyConnection,
    name: str,
    group: str = "province",
    year: int | None = None,
    scores: pd.DataFrame | None = None,
) -> Any:
    """Dagum Gini decomposition (Dagum 1997) of the scores of stored evaluation ``name``.

    Parameters
    ----------
    group : {"province", "region"}
        Groups: provinces, or the four economic regions (东部/中部/西部/东北,
        :func:`xinzhi.regions.economic_regions.economic_region`).
    year : int, optional
        One year; default every year (decomposed separately, ``by="year"``).
    """
    from xinzhi.disparity import dagum_gini

    if group not in ("province", "region"):
        raise InputError(f"未知的分组 {group!r}：可选 province（省份）或 region（四大区域）")
    s = stored_scores(con, name) if scores is None else scores
    if year is not None:
        s = s[s["year"] == int(year)]
        if s.empty:
            raise InputError(f"评价结果 {name} 中没有 {year} 年的得分")
    data = with_economic_region(s)
    return dagum_gini(data, "score", group if group == "region" else "province_name", by="year")


def county_specialization(
    con: duckdb.DuckDBPyConnection, region_code: str, year: int | None = None
) -> pd.DataFrame:
    """Location quotients of one county's employment by GB/T 4754 section (census shares).

    Employment counts are approximated by ``emp_sec_X × pop_total`` (section share of the
    employed times resident population; the employed/population ratio cancels within a county
    and is assumed uniform across counties for the national reference), then

    ``LQ_ri = (E_ri / E_r) / (E_i / E)``  (location quotient, e.g. Isard 1960)

    with the nation = all counties with the census values in that year.

    Returns
    -------
    DataFrame
        ``section, share, national_share, lq`` sorted by ``lq`` descending; attribute
        ``year`` in ``.attrs``.
    """
    from xinzhi.industry.specialization import specialization

    codes = [f"emp_sec_{x}" for x in SECTIONS]
    long = con.execute(
        """SELECT region_code, year, indicator, value FROM current_observations
           WHERE list_contains(?, indicator) AND value IS NOT NULL""",
        [[*codes, "pop_total"]],
    ).df()
    have = long.loc[long["region_code"] == region_code, "year"].unique()
    if len(have) == 0:
        raise InputError(f"数据仓库中没有县区 {region_code} 的普查分行业就业数据")
    y = int(max(have)) if year is None else int(year)
    if y not in set(int(v) for v in have):
        raise InputError(f"数据仓库中没有县区 {region_code} {y} 年的普查分行业就业数据")
    long = long[long["year"] == y]
    wide = long.pivot_table(index="region_code", columns="indicator", values="value")
    wide = wide.dropna(subset=["pop_total"])
    present = [c for c in codes if c in wide.columns]
    emp = wide[present].fillna(0.0).mul(wide["pop_total"], axis=0)
    emp = emp[emp.sum(axis=1) > 0]
    data = emp.reset_index().melt(id_vars="region_code", var_name="section", value_name="value")
    data["section"] = data["section"].str.removeprefix("emp_sec_")
    res = specialization(data, location="region_code", industry="section", value="value")
    t = res.tidy()
    t = t[t["location"] == region_code]
    out = t.rename(columns={"industry": "section", "reference_share": "national_share"})[
        ["section", "share", "national_share", "lq"]
    ]
    out = out.sort_values("lq", ascending=False).reset_index(drop=True)
    out.attrs["year"] = y
    return out


def warehouse_registry(con: duckdb.DuckDBPyConnection) -> Any:
    """A :class:`xinzhi.regions.RegionRegistry` built from the warehouse's ``regions`` table
    (so a server resolves names without the public-data mirror); falls back to
    :func:`xinzhi.regions.load_registry` when the table is empty."""
    from xinzhi.regions import RegionRegistry, load_registry
    from xinzhi.regions.names import short_names

    table = con.execute("SELECT * FROM regions ORDER BY code, start_year").df()
    if table.empty:
        return load_registry()
    table["short_name"] = short_names(table["name"], table["type"])
    table["successors"] = table["successors"].map(lambda s: tuple(s) if s is not None else ())
    table["start_year"] = table["start_year"].astype("int64")
    return RegionRegistry(table)


def export_stored_evaluation(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: str | Path,
    scores: pd.DataFrame | None = None,
) -> Path:
    """Workbook of a stored evaluation: 得分 (with dimension scores), 权重, 障碍度 (Chinese
    headers)."""
    s = stored_scores(con, name) if scores is None else scores
    weights = con.execute(
        "SELECT indicator, dimension, weight FROM evaluation_weights WHERE name = ?", [name]
    ).df()
    ob = con.execute(
        "SELECT region_code, year, indicator, dimension, obstacle FROM evaluation_obstacles "
        "WHERE name = ? ORDER BY year, region_code, obstacle DESC",
        [name],
    ).df()
    p = Path(path)
    with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
        s.rename(columns=COLUMN_LABELS).to_excel(xw, sheet_name="得分", index=False)
        weights.rename(columns=COLUMN_LABELS).to_excel(xw, sheet_name="权重", index=False)
        ob.rename(columns=COLUMN_LABELS).to_excel(xw, sheet_name="障碍度", index=False)
    return p
