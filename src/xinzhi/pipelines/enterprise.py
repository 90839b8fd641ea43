"""Enterprise evaluations on the warehouse (or a user's firm file): the pipelines of the
declarations in :mod:`xinzhi.registry.enterprise`.

Each pipeline validates its options, builds the firm frame of one data year
(:func:`xinzhi.pipelines.enterprise_data.firm_frame`: registry + firm-year data + labels, one
county or all) and hands it to the pure analysis (:mod:`xinzhi.enterprise`). Every county's
firms stay an Ibis expression on the warehouse's DuckDB (the scoring runs where the data are);
one county's frame is computed once and kept in memory while the warehouse's batches stay the
same; a firm file (``firms``, CLI only) is read and cleaned first (:func:`read_firm_file`).

The 亩均 evaluation of one county and data year is likewise computed once per warehouse stamp,
county, year, label date and preset (a small bounded cache, :func:`clear_caches`) and shared by
every pipeline that needs it: :func:`mujun_scores` (this year and the year before),
:func:`policy_simulation` (the same classes, and the years before for the streak in class D)
and, through the result, :func:`what_if_shares` and :func:`firm_card`. A county's firm-year row
counts come from the tables its frames read (once per stamp). The stamp (file, newest batch, active
batches) changes with every import, so an import is seen by the next call.

* :func:`mujun_scores` — 亩均效益 classes with the movement since the year before;
* :func:`policy_simulation` — differentiated prices and tax rebates on those classes;
* :func:`tier_checks` — the SME cultivation ladder on an assessment date;
* :func:`size_classes` — enterprise size classes (划型).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from xinzhi import yamlfile
from xinzhi.enterprise import mujun as mujun_mod
from xinzhi.enterprise import size as size_mod
from xinzhi.enterprise import tiers as tiers_mod
from xinzhi.enterprise._compiled import in_memory
from xinzhi.enterprise.presets import MujunPreset, parse_preset, preset
from xinzhi.enterprise.simulation import SimulationResult, simulate, what_if
from xinzhi.errors import InputError
from xinzhi.ingest.enterprises import clean_firms
from xinzhi.ingest.firm_years import clean_firm_years
from xinzhi.ingest.tables import read_grid
from xinzhi.pipelines.enterprise_data import (
    clear_frames,
    county_code,
    county_codes,
    county_year_counts,
    firm_frame,
    firm_frame_df,
    latest_firm_year,
    warehouse_stamp,
)
from xinzhi.pipelines.industry import resolve_county
from xinzhi.registry import enterprise as decl
from xinzhi.results import Result

CLASS_COLOURS = mujun_mod.CLASS_COLOURS
"""Colours of the 亩均 classes (workbook and web page)."""

__all__ = [
    "CLASS_COLOURS",
    "FirmFile",
    "FirmSource",
    "clear_caches",
    "firm_card",
    "firm_source",
    "mujun_scores",
    "mujun_workbook",
    "policy_simulation",
    "read_firm_file",
    "size_classes",
    "tier_checks",
    "what_if_shares",
]


@dataclass(frozen=True)
class FirmSource:
    """Where the firms of an evaluation come from: the frame of data year ``year`` (an Ibis
    table on the warehouse, or a DataFrame read from a user's file), the county it was narrowed
    to, and whether any row is 示例数据."""

    frame: Any
    year: int
    county: str | None
    synthetic: bool
    file: Path | None = None
    notes: list[str] = field(default_factory=list)
    #: The warehouse stamp the frame was read at (:func:`warehouse_stamp`; None: a file or an
    #: in-memory warehouse), read once per source.
    stamp: Any = None

    def previous(self, con: duckdb.DuckDBPyConnection) -> FirmSource | None:
        """The same firms one data year earlier (warehouse only; None when not imported)."""
        if self.file is not None:
            return None
        if not _year_rows(con, self.year - 1, self.county, self.stamp)[0]:
            return None
        return firm_source(con, county=self.county, year=self.year - 1, firms=None)


_V = TypeVar("_V")


class _Memo:
    """A small bounded cache (least recently used out) shared by the threads of a server; a
    ``None`` key is never cached (a firm file, an in-memory warehouse)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable | None, make: Callable[[], _V]) -> _V:
        if key is None:
            return make()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                hit: _V = self._items[key]
                return hit
        value = make()  # outside the lock: two threads may compute the same value once each
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def has(self, key: Hashable | None) -> bool:
        with self._lock:
            return key is not None and key in self._items

    def put(self, key: Hashable | None, value: Any) -> None:
        if key is None:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_YEAR_ROWS = _Memo(32)
_MUJUN = _Memo(16)


def clear_caches() -> None:
    """Forget every county's cached frames, row counts and 亩均 evaluations (the benchmark
    uses it to time a county seen for the first time; imports need no call, they change the
    warehouse stamp)."""
    _YEAR_ROWS.clear()
    _MUJUN.clear()
    clear_frames()


def _year_rows(
    con: duckdb.DuckDBPyConnection, year: int, county: str | None, stamp: Any = None
) -> tuple[int, bool]:
    """Firm-year rows of ``year`` (of ``county``'s registry firms) and whether any of them is
    示例数据. A county's rows are counted on its tables kept for the warehouse stamp
    (:func:`xinzhi.pipelines.enterprise_data.county_year_counts`, the tables its frames read);
    the whole warehouse is counted one year at a time, kept per stamp and year."""
    y = int(year)
    stamp = stamp if stamp is not None else warehouse_stamp(con)
    if county:
        counts = county_year_counts(con, county, stamp)
        if counts is not None:
            return counts.get(y, (0, False))

    def read() -> tuple[int, bool]:
        sql = "SELECT count(*), coalesce(bool_or(y.synthetic), false) FROM current_firm_years y"
        params: list[Any] = []
        if county:  # the county's codes as a list: the filter passes the view's window
            sql += " WHERE y.credit_code IN (SELECT unnest(?::VARCHAR[])) AND"
            params.append(county_codes(con, county))
        else:
            sql += " WHERE"
        rows = con.execute(sql + " y.year = ?", [*params, y]).fetchall()
        return (int(rows[0][0]), bool(rows[0][1])) if rows else (0, False)

    return _YEAR_ROWS.get(None if stamp is None else (stamp, county, y), read)


def _evaluate(
    con: duckdb.DuckDBPyConnection, src: FirmSource, p: MujunPreset
) -> mujun_mod.MujunResult:
    """The 亩均 evaluation of ``src`` with ``p`` — computed once per (warehouse stamp, county,
    data year, label date, preset) and shared; each caller gets its own result object over the
    shared table (the table is not to be changed in place)."""

    def run() -> mujun_mod.MujunResult:
        return mujun_mod.evaluate_mujun(src.frame, p, year=src.year)

    shared = _MUJUN.get(_mujun_key(src, p), run)
    return mujun_mod.MujunResult(shared.table, shared.preset, shared.year)


def _mujun_key(src: FirmSource, p: MujunPreset) -> Hashable | None:
    stamp = src.stamp if src.file is None else None
    return None if stamp is None else (stamp, src.county, src.year, dt.date.today(), repr(p))


def _evaluate_together(sources: list[FirmSource], p: MujunPreset) -> None:
    """Evaluate the warehouse sources not yet cached in ONE query
    (:func:`xinzhi.enterprise.mujun.evaluate_mujun_years`: the data year as a column, each
    year scored and classed on its own) and cache each year's result for :func:`_evaluate`."""
    todo = {}
    for s in sources:
        key = _mujun_key(s, p)
        if key is not None and not _MUJUN.has(key) and s.year not in todo:
            todo[s.year] = s
    if len(todo) < 2:  # nothing to share: _evaluate runs the one-year query
        return
    done = mujun_mod.evaluate_mujun_years({y: s.frame for y, s in todo.items()}, p)
    for y, s in todo.items():
        _MUJUN.put(_mujun_key(s, p), done[y])


@dataclass(frozen=True)
class FirmFile:
    """A user's firm file read for an evaluation (nothing is written to the warehouse): the
    registry part and the firm-year part cleaned by the importers' own rules, and what each
    left out (rows quarantined with reasons; columns neither recognised)."""

    frame: pd.DataFrame
    year: int
    rows_read: int
    firms_loaded: int
    years_loaded: int
    quarantined: pd.DataFrame
    columns_ignored: list[str]

    def notes(self) -> list[str]:
        """Chinese lines for the result (every surface shows them)."""
        out = [
            f"企业数据文件：读入 {self.rows_read} 行，企业 {self.firms_loaded} 家，"
            f"年度数据 {self.years_loaded} 行，隔离 {len(self.quarantined)} 行"
        ]
        for reason, n in self.quarantined["message"].value_counts().items():
            out.append(f"隔离 {n} 行：{reason}")
        if self.columns_ignored:
            out.append("未识别的列（未使用）：" + "、".join(self.columns_ignored))
        return out


def read_firm_file(path: str | os.PathLike[str], *, year: int | None = None) -> FirmFile:
    """The firm frame of a user's file (xlsx/csv, one row per firm and year: registry columns
    such as 统一社会信用代码, 企业名称, 行业代码, 所在县 and firm-year columns such as 年份, 用地面积,
    实缴税金 — :mod:`xinzhi.codes.firm_fields`), cleaned by the registry importer
    (:func:`xinzhi.ingest.enterprises.clean_firms`) and the firm-year importer
    (:func:`xinzhi.ingest.firm_years.clean_firm_years`); ``year`` None: the latest year in the
    file (earlier years give ``<field>_prev1`` / ``_prev2``)."""
    grid = read_grid(path)
    reg = clean_firms(grid)
    yrs = clean_firm_years(grid, year=year)
    if reg.firms.empty or yrs.rows.empty:
        raise InputError(
            f"企业数据文件 {Path(path).name} 没有可用的行：企业名录部分载入 {len(reg.firms)} 行，"
            f"年度数据部分载入 {len(yrs.rows)} 行（需要信用代码、所在县或地址、年份及年度数据列）"
        )
    y = int(year) if year is not None else int(yrs.rows["year"].max())
    frame = firm_frame_df({"firms": reg.firms, "firm_years": yrs.rows}, year=y)
    both = set(reg.columns_ignored) & set(yrs.columns_ignored)
    # a firm's registry columns repeat on each of its year rows: those repeats are not errors
    repeat = reg.quarantine["reason"].eq("duplicate_credit_code")
    quarantined = pd.concat([reg.quarantine[~repeat], yrs.quarantine], ignore_index=True)
    return FirmFile(
        frame=frame,
        year=y,
        rows_read=reg.rows_read,
        firms_loaded=len(reg.firms),
        years_loaded=len(yrs.rows),
        quarantined=quarantined,
        columns_ignored=[c for c in reg.columns_ignored if c in both],
    )


def _latest_before(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    """The latest data year before ``year`` (an assessment in 2026 reads 2025's data)."""
    if latest_firm_year(con) is None:
        return None
    # the view's years are those of the active batches' rows: read without ranking every row
    row = con.execute(
        "SELECT max(y.year) FROM firm_years y JOIN import_batches b USING (batch_id) "
        "WHERE b.status = 'active' AND y.year < ?",
        [int(year)],
    ).fetchall()
    return int(row[0][0]) if row and row[0][0] is not None else None


def firm_source(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    year: int | None,
    firms: str | os.PathLike[str] | None,
    on: dt.date | None = None,
) -> FirmSource:
    """The firms of one data year: from the file ``firms`` when given, else the warehouse
    (``county`` by name or code, None: every county; ``year`` None: the latest imported).
    The county is checked by :func:`xinzhi.pipelines.enterprise_data.county_code`: a province
    or prefecture (430300 湘潭市) is an :class:`InputError`, an unknown code a
    :class:`~xinzhi.errors.RegionError`."""
    text = str(county).strip() if county else ""
    name: str | None = None
    if text.isdigit() and len(text) == 6:  # the county-level check; the name only when needed
        code: str | None = county_code(con, text)
    else:
        code, name = resolve_county(con, county) if county else (None, None)
    if firms is not None:
        file = read_firm_file(firms, year=year)
        frame = file.frame
        if code is not None:
            frame = frame[frame["region_code"] == code].reset_index(drop=True)
        synthetic = bool(frame["synthetic"].fillna(False).any())
        return FirmSource(frame, file.year, code, synthetic, Path(firms), file.notes())
    y = year if year is not None else latest_firm_year(con)
    if y is None:
        raise InputError(
            "数据仓库中没有企业年度数据：请先导入（xinzhi enterprise import 文件），"
            "或生成示例数据（xinzhi industry firms-generate）"
        )
    stamp = warehouse_stamp(con)  # once: the counts, the frame and the evaluations share it
    rows, synthetic = _year_rows(con, int(y), code, stamp)
    if not rows:
        if county and name is None:  # a county given by code: its name for the message
            name = resolve_county(con, county)[1]
        where = f"{name or county}（{code}）" if code else "数据仓库"
        raise InputError(f"{where}没有 {y} 年的企业年度数据")
    frame = firm_frame(con, year=int(y), on=on, county=code, stamp=stamp)
    return FirmSource(frame, int(y), code, synthetic, stamp=stamp)


_R = TypeVar("_R", bound=Result)


def _labelled(res: _R, src: FirmSource) -> _R:
    """``res`` marked as 示例数据 when any firm of the source is synthetic (every surface shows
    the label: :attr:`xinzhi.results.Result.synthetic`)."""
    res.synthetic = src.synthetic
    res.notes = list(src.notes)
    return res


def _preset(name: str, file: str | os.PathLike[str] | None) -> MujunPreset:
    if file is None:
        return preset(name)
    # the declaration checked the suffix and that the file exists
    return parse_preset(yamlfile.safe_load(Path(file).read_text("utf-8")))


def mujun_scores(
    con: duckdb.DuckDBPyConnection,
    *,
    preset: str = decl.MUJUN.default("preset"),
    preset_file: str | os.PathLike[str] | None = None,
    county: str | None = None,
    year: int | None = None,
    firms: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> mujun_mod.MujunResult:
    """亩均效益 scores and classes of every firm (:func:`xinzhi.enterprise.mujun.evaluate_mujun`)
    with the class movement since the year before when that year's data exist."""
    opts = decl.MUJUN.resolve(
        {
            "preset": preset,
            "preset_file": preset_file,
            "county": county,
            "year": year,
            "firms": firms,
        }
    )
    p = _preset(opts["preset"], opts["preset_file"])
    src = firm_source(con, county=opts["county"], year=opts["year"], firms=opts["firms"])
    prev = src.previous(con)
    # this year, the year before (the movement) and the one before that (the streak in class D
    # of the policy simulation, which the page shows next) in one query
    before = prev.previous(con) if prev else None
    _evaluate_together([x for x in (src, prev, before) if x is not None], p)
    res = _evaluate(con, src, p)
    res.previous = _evaluate(con, prev, p) if prev else None
    res.county = src.county
    return _labelled(res, src)


def policy_simulation(
    con: duckdb.DuckDBPyConnection,
    *,
    preset: str = decl.SIMULATION.default("preset"),
    preset_file: str | os.PathLike[str] | None = None,
    county: str | None = None,
    year: int | None = None,
    firms: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> SimulationResult:
    """Differentiated electricity, land-use-tax, water and gas policies on the 亩均 classes
    (:func:`xinzhi.enterprise.simulation.simulate`, default schedule); consecutive years in class
    D counted over the data years in the warehouse."""
    opts = decl.SIMULATION.resolve(
        {
            "preset": preset,
            "preset_file": preset_file,
            "county": county,
            "year": year,
            "firms": firms,
        }
    )
    p = _preset(opts["preset"], opts["preset_file"])
    src = firm_source(con, county=opts["county"], year=opts["year"], firms=opts["firms"])
    res = _evaluate(con, src, p)  # the classes mujun_scores computed (cached)
    streak = _d_streak(con, src, p, res)
    return _labelled(
        simulate(res, _columns(src.frame, _SIMULATION_FIELDS), consecutive_d=streak), src
    )


_SIMULATION_FIELDS = ("credit_code", "electricity", "water", "gas", "land_area")
"""The columns of the firm frame the simulation reads."""


def _columns(frame: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    """``columns`` of a firm frame (those it has) as a DataFrame; an in-memory frame is read
    straight from its Arrow table (no query)."""
    if isinstance(frame, pd.DataFrame):
        return frame
    have = [c for c in columns if c in frame.columns]
    if in_memory(frame):
        op = frame.op()
        out: pd.DataFrame = op.data.to_pyarrow(op.schema).select(have).to_pandas()
        return out
    return frame.select(have).execute()


def _d_streak(
    con: duckdb.DuckDBPyConnection, src: FirmSource, p: MujunPreset, res: mujun_mod.MujunResult
) -> pd.Series:
    """credit_code → consecutive data years in class D up to ``src.year`` (at most 3 looked
    back: the surcharge tables stop at the third year)."""
    streak = (res.table.set_index("credit_code")["class"] == "D").astype(int)
    alive = streak.copy()
    cur = src
    for _ in range(2):
        if not alive.any():  # no firm is still in a run of D years: nothing to look back for
            break
        prev = cur.previous(con)
        if prev is None:
            break
        cls = _evaluate(con, prev, p).table
        was_d = (cls.set_index("credit_code")["class"] == "D").reindex(streak.index)
        alive = alive & was_d.fillna(False).astype(int)
        streak = streak + alive
        cur = prev
    return streak


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"评定日期应写作 YYYY-MM-DD（如 2026-04-01），得到 {text!r}") from None


def tier_checks(
    con: duckdb.DuckDBPyConnection,
    *,
    date: str | None = None,
    county: str | None = None,
    year: int | None = None,
    firms: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> tiers_mod.TierResult:
    """Every firm against the ladder's rules in force on ``date`` (default today); the data
    year defaults to the latest imported year before the date's year."""
    opts = decl.TIERS.resolve({"date": date, "county": county, "year": year, "firms": firms})
    on = _date(opts["date"])
    y = opts["year"]
    if y is None and opts["firms"] is None:
        y = _latest_before(con, on.year)
    src = firm_source(con, county=opts["county"], year=y, firms=opts["firms"], on=on)
    return _labelled(tiers_mod.check_tiers(src.frame, on), src)


def size_classes(
    con: duckdb.DuckDBPyConnection,
    *,
    revenue: str = decl.SIZE.default("revenue"),
    partial: bool = decl.SIZE.default("partial"),
    county: str | None = None,
    year: int | None = None,
    firms: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> size_mod.SizeResult:
    """Size classes (大 / 中 / 小 / 微) of every firm from its industry, employees, revenue and
    assets (:func:`xinzhi.enterprise.size.size_classes`)."""
    opts = decl.SIZE.resolve(
        {"revenue": revenue, "partial": partial, "county": county, "year": year, "firms": firms}
    )
    src = firm_source(con, county=opts["county"], year=opts["year"], firms=opts["firms"])
    res = size_mod.size_classes(src.frame, revenue=opts["revenue"], partial=opts["partial"])
    return _labelled(res, src)


def what_if_shares(
    result: mujun_mod.MujunResult, shares: tuple[float, float, float, float]
) -> pd.DataFrame:
    """The firms whose class changes when every list is cut by rank with ``shares`` (percent
    of A, B, C, D; :func:`xinzhi.enterprise.simulation.what_if`)."""
    a, b, c, d = shares
    return what_if(result, {"method": "percentile", "shares": {"A": a, "B": b, "C": c, "D": d}})


def mujun_workbook(result: mujun_mod.MujunResult) -> bytes:
    """The 亩均 workbook as a 亩均 office publishes it (one sheet per list, Chinese headers,
    classes coloured; :meth:`xinzhi.enterprise.mujun.MujunResult.to_excel`) as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mujun.xlsx"
        result.to_excel(path)
        return path.read_bytes()


def firm_card(
    mujun: mujun_mod.MujunResult,
    tiers: tiers_mod.TierResult,
    size: size_mod.SizeResult,
    credit_code: str,
) -> dict[str, Any]:
    """Everything the evaluations say about one firm: 亩均 class, score, list and reason, each
    indicator's value and points, the size class, and every tier's status with what is missing.

    Raises
    ------
    InputError
        When the firm is not among the evaluated firms.
    """
    t = mujun.tidy()
    row = t[t["credit_code"] == credit_code]
    if row.empty:
        raise InputError(f"评价结果中没有信用代码为 {credit_code} 的企业")
    r = row.iloc[0]
    indicators = pd.DataFrame(
        [
            {
                "indicator": ind.label,
                "value": r[key],
                "unit": ind.unit,
                "points": r[f"{key}_points"],
            }
            for key in mujun.preset.used_indicators()
            for ind in [mujun.preset.indicator(key)]
        ]
    )
    s = size.tidy()
    srow = s[s["credit_code"] == credit_code]
    return {
        "credit_code": credit_code,
        "name": str(r["name"]),
        "class": str(r["class"]),
        "score": None if pd.isna(r["score"]) else round(float(r["score"]), 2),
        "list": str(r["list"]),
        "reason": str(r["reason"]),
        "indicators": indicators,
        "size": str(srow["size"].iloc[0]) if len(srow) else "—",
        "size_basis": str(srow["basis"].iloc[0]) if len(srow) else "",
        "tiers": tiers.tidy_firm(credit_code),
    }
