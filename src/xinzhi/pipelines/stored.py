"""Stored evaluations, read back: one source of truth for every surface and report.

* :func:`evaluation_exists` — (system, created_at) of a stored evaluation;
* :func:`stored_scores` — its scores with names, provincial rank and percentile (same definitions
  as :meth:`xinzhi.pipelines.evaluation.CountyEvaluation.scores`);
* :func:`county_profile` — one county: score, ranks, percentile, dimension scores and shortfalls
  (obstacle degree summed by 短板, as :meth:`CountyEvaluation.shortfalls`);
* :func:`evaluation_panel` — the long panel the disparity analyses read (codes optionally carried
  to one year's, :func:`xinzhi.regions.harmonise.harmonise_codes`);
* :func:`export_stored_evaluation` — the workbook of a whole evaluation;
* :func:`stored_system` — the indicator system of a stored evaluation: the definition stored
  with it (so a user's own YAML file may be deleted or changed afterwards), else — evaluations
  saved before definitions were stored — the built-in system or file of its name;
* :func:`read_stored_evaluation` — the whole record a report needs (:class:`StoredEvaluation`:
  scores with names and ranks, the indicator system as declared and as used, weights, obstacle
  degrees, options). Nothing is re-evaluated here; the county-years left out of the evaluation
  are found by :meth:`StoredEvaluation.excluded` from the current raw values.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd

from xinzhi import store
from xinzhi.errors import ConfigError, InputError, XinzhiError
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.labels import COLUMN_LABELS
from xinzhi.pipelines.evaluation import named_scores, region_names
from xinzhi.regions.economic_regions import PROVINCE_REGION
from xinzhi.regions.harmonise import harmonise_codes
from xinzhi.regions.names import BASIS_LABELS, basis_of
from xinzhi.store.evaluations import (
    ensure_evaluation_tables,
    list_evaluations,
    load_evaluation,
    load_system_def,
    load_weights,
)

__all__ = [
    "CountyProfile",
    "StoredEvaluation",
    "county_profile",
    "evaluation_area",
    "evaluation_exists",
    "evaluation_label",
    "evaluation_list",
    "evaluation_panel",
    "export_stored_evaluation",
    "read_stored_evaluation",
    "stored_evaluation_names",
    "stored_scores",
    "stored_system",
    "with_basis_ranks",
    "with_economic_region",
]


def evaluation_exists(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str] | None:
    """(system, created_at) of stored evaluation ``name``, or None."""
    ensure_evaluation_tables(con)
    rows = con.execute(
        "SELECT system, CAST(created_at AS VARCHAR) FROM evaluations WHERE name = ?", [name]
    ).fetchall()
    return (str(rows[0][0]), str(rows[0][1])) if rows else None


def evaluation_label(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """How pages name stored evaluation ``name``: the Chinese title of its built-in indicator
    system when the evaluation carries that system's name (``nqpf-county`` → 县域新质生产力指数),
    else the name it was saved under (the user's own words)."""
    from xinzhi.indicators.system import load_system
    from xinzhi.pipelines.systems import builtin_systems

    info = evaluation_exists(con, name)
    if info is not None and info[0] == name and name in builtin_systems():
        return str(load_system(name).title or name)
    return name


def evaluation_area(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """评价范围 of stored evaluation ``name`` (``湖南省`` …; None: the nation or unknown). Works
    on a read-only connection."""
    if list_evaluations(con).empty:
        return None
    rows = con.execute(
        "SELECT json_extract_string(options, '$.area') FROM evaluations WHERE name = ?", [name]
    ).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] else None


def evaluation_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored evaluations: ``name, system, created_at, user_name, units, years``."""
    return list_evaluations(con)


_BASIS_WORDS = {"county": "县域", "district": "市辖区"}


def with_basis_ranks(scores: pd.DataFrame, kinds: pd.DataFrame) -> pd.DataFrame:
    """``scores`` (one row per county-year with ``score``, ``province_code``) plus the county
    basis (县域口径) columns.

    ``region_kind`` — 市辖区 / 县 / 县级市 / 自治县 / 旗 / 自治旗 / 特区 / 林区 of the unit in that year
    (``kinds``: ``region_code, year, type``, e.g. :func:`region_names`; docs/regions.md);
    ``basis`` — ``county`` (县域: every kind but 市辖区), ``district`` (市辖区) or None (a census
    unit without a kind, e.g. a development zone: only in the all-unit ranking);
    ``basis_rank`` / ``basis_province_rank`` — rank of the score among the units of the same
    basis in the year (nation / province; 1 = best, ties share the best rank, as
    ``province_rank``); ``basis_counties`` — the number of units of that basis in the year.
    The all-unit ranks ``rank`` and ``province_rank`` are kept unchanged.

    >>> s = pd.DataFrame({"region_code": ["1", "2", "3", "4"], "year": 2020,
    ...                   "province_code": "43", "score": [0.9, 0.8, 0.7, 0.6]})
    >>> k = pd.DataFrame({"region_code": ["1", "2", "3", "4"], "year": 2020,
    ...                   "type": ["市辖区", "县", "市辖区", "县级市"]})
    >>> with_basis_ranks(s, k)[["basis", "basis_rank", "basis_counties"]].values.tolist()
    [['district', 1, 2], ['county', 1, 2], ['district', 2, 2], ['county', 2, 2]]
    """
    k = kinds[["region_code", "year", "type"]].rename(columns={"type": "region_kind"})
    k = k.astype({"year": "int64"}).drop_duplicates(["region_code", "year"])
    out = scores.drop(columns=[c for c in ("region_kind", "basis") if c in scores.columns]).merge(
        k, on=["region_code", "year"], how="left"
    )
    out["basis"] = basis_of(out["region_kind"])
    key = out["basis"].fillna("")
    ranked = out["basis"].notna()
    rank = out.groupby([out["year"], key])["score"].rank(ascending=False, method="min")
    prov = out.groupby([out["year"], key, out["province_code"]], dropna=False)["score"].rank(
        ascending=False, method="min"
    )
    n = out.groupby([out["year"], key])["score"].transform("size")
    out["basis_rank"] = rank.where(ranked).astype("Int64")
    out["basis_province_rank"] = prov.where(ranked).astype("Int64")
    out["basis_counties"] = n.where(ranked).astype("Int64")
    return out


def stored_scores(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Scores of stored evaluation ``name``.

    Returns
    -------
    DataFrame
        ``region_code, name, province_code, province_name, prefecture_name, year, score, rank,
        province_rank, percentile, dim:<dimension>…, region_kind, basis, basis_rank,
        basis_province_rank, basis_counties`` sorted by year and rank. ``rank`` is the national
        rank among all units; ``province_rank`` ranks the score within the province and year
        (1 = best, ties share the best rank); ``percentile`` = share of the year's counties
        scoring at most as high (1.0 = top); the ``basis_*`` columns rank on the county basis
        (县域口径, :func:`with_basis_ranks`). ``attrs["area"]``: the evaluation's 评价范围
        (:func:`evaluation_area`; None: the nation) — the ranks are among its units.
    """
    s = load_evaluation(con, name)
    names = region_names(con, s[["region_code", "year"]])
    out = with_basis_ranks(named_scores(s, names), names)
    out.attrs["area"] = evaluation_area(con, name)
    return out


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
    area: str | None = None
    """评价范围 of the evaluation (None: the nation): the ranks are among its units."""

    def to_dict(self) -> dict[str, Any]:
        r = self.row
        return {
            "evaluation": self.evaluation,
            "system": self.system,
            "area": self.area,
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
            **self.basis(),
            "dimensions": self.dimensions,
            "shortfalls": self.shortfalls.to_dict("records"),
        }

    def basis(self) -> dict[str, Any]:
        """The county's own ranking basis (县域口径 for a 县, 市辖区 for a district): ``region_kind``,
        ``basis``, ``basis_label``, ``basis_rank``, ``basis_province_rank``,
        ``basis_counties`` (None where the unit has no kind)."""
        r = self.row
        raw = r.get("basis")
        b = raw if isinstance(raw, str) and raw in BASIS_LABELS else None
        ok = b is not None

        def num(key: str) -> int | None:
            v = r.get(key)
            return int(v) if ok and v is not None and not pd.isna(v) else None

        return {
            "region_kind": r.get("region_kind") if isinstance(r.get("region_kind"), str) else None,
            "basis": b,
            "basis_label": BASIS_LABELS[b] if b is not None else None,
            "basis_rank": num("basis_rank"),
            "basis_province_rank": num("basis_province_rank"),
            "basis_counties": num("basis_counties"),
        }

    def basis_text(self) -> str:
        """One Chinese sentence: the rank on the county's own basis, then the all-unit rank,
        e.g. ``县域口径（…；不含市辖区）排名 35/1870；全国全部县级单位（含市辖区）排名
        120/2847``; for a scoped evaluation ``评价范围（湖南省）内的县域口径（…）排名 5/6；
        评价范围（湖南省）内全部县级单位（含市辖区）排名 5/6``."""
        b = self.basis()
        inside = f"评价范围（{self.area}）内" if self.area else ""
        allrank = (
            f"{inside or '全国'}全部县级单位（含市辖区）排名 "
            f"{int(self.row['rank'])}/{int(self.row['counties'])}"
        )
        if b["basis"] is None:
            return f"本单位没有县级区划类别，只参加全部单位排名：{allrank}"
        return (
            f"{inside + '的' if inside else ''}{b['basis_label']}排名 "
            f"{b['basis_rank']}/{b['basis_counties']}；{allrank}"
        )

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
                    "全国排名（全部县级单位）",
                    "省内排名",
                    "百分位",
                    "参评县数",
                    "区划类别",
                    "排名口径",
                    "本口径排名",
                    "本口径参评数",
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
                    d["region_kind"],
                    d["basis_label"],
                    d["basis_rank"],
                    d["basis_counties"],
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


def stored_system(
    con: duckdb.DuckDBPyConnection, name: str, system: str | None = None
) -> IndicatorSystem:
    """The indicator system (as declared, all its indicators) of stored evaluation ``name``.

    The definition stored with the evaluation is preferred, also for a built-in system: the
    stored scores, weights and obstacle degrees were computed with it, so reading them with a
    later edition of the system (or a changed YAML file) could mislabel them. An evaluation
    saved before definitions were stored (``evaluations.system_def`` NULL) loads its system by
    the stored name ``system`` (read from the warehouse when not given).

    Raises
    ------
    ConfigError
        No definition stored and no built-in system or readable file of that name.
    InputError
        No evaluation ``name``.
    """
    data = load_system_def(con, name)
    if data is not None:
        return IndicatorSystem.from_dict(data, source=f"评价 {name} 保存的指标体系")
    if system is None:
        info = evaluation_exists(con, name)
        if info is None:
            raise InputError(f"数据仓库中没有名为 {name!r} 的评价结果")
        system = info[0]
    try:
        return load_system(system)
    except XinzhiError as exc:
        raise ConfigError(f"无法载入评价 {name} 所用的指标体系 {system}：{exc}") from exc


@lru_cache(maxsize=16)
def _shortfall_map(system: str) -> dict[str, str]:
    try:
        return load_system(system).shortfall_of()
    except Exception:  # system file no longer available: shortfalls cannot be named
        return {}


def _shortfalls_of(con: duckdb.DuckDBPyConnection, name: str, system: str) -> dict[str, str]:
    """Indicator → 短板 of stored evaluation ``name`` (:func:`stored_system`; {} when its system
    can no longer be loaded: the shortfalls cannot be named)."""
    data = load_system_def(con, name)
    if data is not None:
        return IndicatorSystem.from_dict(data).shortfall_of()
    return _shortfall_map(system)


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
    mapping = _shortfalls_of(con, name, info[0])
    ob["shortfall"] = ob["indicator"].map(mapping)
    grouped = ob.dropna(subset=["shortfall"]).groupby("shortfall")["obstacle"].sum()
    short = grouped.reset_index().sort_values("obstacle", ascending=False).reset_index(drop=True)
    row_dict = {str(k): v for k, v in row.items()}
    area = s.attrs["area"] if "area" in s.attrs else evaluation_area(con, name)
    return CountyProfile(name, info[0], region_code, y, row_dict, dims, short, years, area)


def with_economic_region(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` plus column ``region``: 东部 / 中部 / 西部 / 东北 (NBS 2011) from the code."""
    return scores.assign(region=scores["region_code"].str[:2].map(PROVINCE_REGION))


def evaluation_panel(
    name: str,
    *,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    harmonise_to: int | Literal["latest"] | None = None,
) -> pd.DataFrame:
    """Long panel of stored evaluation ``name`` for :mod:`xinzhi.disparity`.

    Columns: ``unit`` (6-digit code), ``name``, ``year``, ``score``, ``rank``, ``dim:<dimension>``…,
    ``province`` (province name), ``region`` (东部 / 中部 / 西部 / 东北, NBS 2011).

    ``harmonise_to``: relabel the codes to those valid in that year (``"latest"``: the panel's
    last year; :func:`xinzhi.regions.harmonise.harmonise_codes` over the warehouse's region
    history), so
    that a county renamed between two years is one unit in Markov chains and convergence;
    rows of merged or split units are left out (column ``source_code`` keeps the original
    code; ``attrs["harmonise"]`` holds the Chinese summary, ``attrs["harmonise_dropped"]`` the
    codes left out per year).
    """
    own = con is None
    con = con or store.connect(db)
    try:
        scores = stored_scores(con, name)
        regions = store.read_region_history(con) if harmonise_to is not None else None
    finally:
        if own:
            con.close()
    note = None
    left_out: dict[int, list[str]] = {}
    if regions is not None and harmonise_to is not None:
        to = int(scores["year"].max()) if harmonise_to == "latest" else int(harmonise_to)
        res = harmonise_codes(scores, regions, to)
        scores, note = res.data, res.summary()
        d = res.dropped
        left_out = {
            y: sorted(d.loc[d["year"] == y, "region_code"].astype(str))
            for y in sorted({int(v) for v in d["year"]})
        }
    out = with_economic_region(scores).rename(
        columns={"region_code": "unit", "province_name": "province"}
    )
    first = ["unit", "name", "year", "score", "rank"]
    out = out[[*first, *(c for c in out.columns if c not in first)]]
    if note is not None:
        out.attrs["harmonise"] = note
        out.attrs["harmonise_dropped"] = left_out
    return out


def export_stored_evaluation(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: str | Path,
    scores: pd.DataFrame | None = None,
) -> Path:
    """Workbook of a stored evaluation: 得分 (with dimension scores), 权重, 障碍度 (Chinese
    headers)."""
    s = stored_scores(con, name) if scores is None else scores
    weights = load_weights(con, name)
    if weights["year"].isna().all():  # pooled weights: no year column in the sheet
        weights = weights.drop(columns="year")
    ob = con.execute(
        "SELECT region_code, year, indicator, dimension, obstacle FROM evaluation_obstacles "
        "WHERE name = ? ORDER BY year, region_code, obstacle DESC",
        [name],
    ).df()
    p = Path(path)
    with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
        shown = s.assign(basis=s["basis"].map(_BASIS_WORDS)) if "basis" in s.columns else s
        shown.rename(columns=COLUMN_LABELS).to_excel(xw, sheet_name="得分", index=False)
        weights.rename(columns=COLUMN_LABELS).to_excel(xw, sheet_name="权重", index=False)
        ob.rename(columns=COLUMN_LABELS).to_excel(xw, sheet_name="障碍度", index=False)
    return p


def weights_of_year(weights: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """One weight per indicator from stored ``indicator, dimension, weight[, year]`` rows: the
    rows of ``year`` when the weights are per year and that year is stored, the pooled rows
    when ``year`` is NULL everywhere, else the mean over the stored years (in stored order)."""
    cols = ["indicator", "dimension", "weight"]
    if "year" not in weights.columns or weights["year"].isna().all():
        return weights[cols].reset_index(drop=True)
    yearly = weights[weights["year"].notna()]
    if year is not None and (yearly["year"] == year).any():
        return yearly.loc[yearly["year"] == year, cols].reset_index(drop=True)
    mean = yearly.groupby("indicator", sort=False).agg(
        dimension=("dimension", "first"), weight=("weight", "mean")
    )
    return mean.reset_index()[cols]


@dataclass
class StoredEvaluation:
    """An evaluation as stored in the warehouse.

    Attributes
    ----------
    name : str
        Name it was stored under.
    system : IndicatorSystem
        The system as used (optional indicators without a stored weight removed).
    full_system : IndicatorSystem
        The system as declared: the definition stored with the evaluation (for evaluations
        saved before definitions were stored: the built-in system or YAML file of its name).
    dropped_optional : list of str
        Optional indicators of ``full_system`` the evaluation left out.
    options : dict
        Engine options the evaluation was run with.
    years : list of int
        Years evaluated.
    scores : DataFrame
        :func:`xinzhi.pipelines.stored.stored_scores`: ``region_code,
        name, province_code, province_name, prefecture_name, year, score, rank, province_rank,
        percentile, dim:…``.
    weights : DataFrame
        ``indicator, dimension, weight, year``: ``year`` NULL for pooled weights, else one row
        per indicator and year (``weight_scope="year"``); :meth:`weights_of` gives one year's.
    obstacles : DataFrame
        ``region_code, year, indicator, dimension, obstacle``.
    """

    name: str
    system: IndicatorSystem
    full_system: IndicatorSystem
    dropped_optional: list[str]
    options: dict[str, Any]
    years: list[int]
    scores: pd.DataFrame
    weights: pd.DataFrame
    obstacles: pd.DataFrame

    def weights_of(self, year: int | None = None) -> pd.DataFrame:
        """``indicator, dimension, weight`` used for ``year``: the weights of that year's
        cross-section when they were computed per year, else the pooled weights (a per-year
        evaluation asked for a year it does not have, or for ``None``: the mean weight)."""
        return weights_of_year(self.weights, year)

    def excluded(self, raw: pd.DataFrame) -> pd.DataFrame:
        """County-years of the evaluated years in ``raw`` (a wide table of current values with
        ``region_code, year`` and the system's indicators) that have no stored score:
        ``region_code, year, missing`` — ``missing`` lists the used indicators they lack
        (joined with 、; empty when they lack none, i.e. the data changed after saving)."""
        used = self.system.codes
        rows = raw[raw["year"].isin(self.years)][["region_code", "year", *used]]
        keys = self.scores[["region_code", "year"]].assign(_scored=True)
        rows = rows.merge(keys, on=["region_code", "year"], how="left")
        out = rows[rows["_scored"].isna()]
        codes = np.array(used, dtype=object)
        mask = out[used].isna().to_numpy()
        return pd.DataFrame(
            {
                "region_code": out["region_code"].to_numpy(),
                "year": out["year"].to_numpy(),
                "missing": ["、".join(codes[m]) for m in mask],
            }
        )


def stored_evaluation_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the evaluations stored in the warehouse."""
    return [str(n) for n in list_evaluations(con)["name"]]


def _systems(
    con: duckdb.DuckDBPyConnection, name: str, system: str, used: list[str]
) -> tuple[IndicatorSystem, IndicatorSystem]:
    """(full, used) systems of stored evaluation ``name`` (:func:`stored_system`); a system that
    changed since the evaluation was stored is an error (the stored scores would not match its
    indicators: only possible for an old evaluation stored without its definition)."""
    redo = f"请重新运行 xinzhi evaluate --system {system} --save {name}"
    full = stored_system(con, name, system)
    restricted, _ = full.restrict(used)
    if set(restricted.codes) != set(used):
        raise ConfigError(
            f"指标体系 {system} 的指标与保存评价 {name} 时不同（保存后体系被修改）；{redo}"
        )
    return full, restricted


def read_stored_evaluation(con: duckdb.DuckDBPyConnection, name: str) -> StoredEvaluation | None:
    """Evaluation ``name`` as stored in the warehouse, or None when none of that name is stored.

    Raises
    ------
    ConfigError
        When its indicator system cannot be loaded or no longer has the stored indicators.
    """
    if name not in stored_evaluation_names(con):
        return None
    system, options, years = con.execute(
        "SELECT system, options, years FROM evaluations WHERE name = ?", [name]
    ).fetchone() or (None, None, None)
    weights = load_weights(con, name)
    full, used = _systems(con, name, str(system), list(dict.fromkeys(weights["indicator"])))
    order = {c: i for i, c in enumerate(used.codes)}
    weights = (
        weights[weights["indicator"].isin(order)]
        .assign(_order=lambda d: d["indicator"].map(order))
        .sort_values(["year", "_order"], na_position="first", kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    obstacles = con.execute(
        "SELECT region_code, year, indicator, dimension, obstacle FROM evaluation_obstacles "
        "WHERE name = ?",
        [name],
    ).df()
    obstacles = obstacles.astype({"year": "int64"})
    named = stored_scores(con, name)
    return StoredEvaluation(
        name=name,
        system=used,
        full_system=full,
        dropped_optional=[c for c in full.codes if c not in set(used.codes)],
        options=json.loads(options or "{}"),
        years=sorted(int(y) for y in (years or named["year"].unique())),
        scores=named,
        weights=weights,
        obstacles=obstacles,
    )
