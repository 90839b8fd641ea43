"""Evaluate counties stored in the warehouse with an indicator system (one place for every surface).

Steps: read the current observations of the system's indicators (county level), keep the optional
indicators that cover enough unit-years, exclude unit-years that lack a required value (each listed
with the reason), call :func:`xinzhi.evaluate.evaluate`, attach region names and provincial ranks,
and optionally store the result under a name (:mod:`xinzhi.store.evaluations`).
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import config, store
from xinzhi.auth.accounts import resolve_county
from xinzhi.errors import InputError
from xinzhi.evaluate import EvaluationResult, evaluate
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.labels import COLUMN_LABELS
from xinzhi.registry import evaluation as decl
from xinzhi.registry.defaults import DEFAULT_SYSTEM
from xinzhi.store.evaluations import save_evaluation
from xinzhi.years import parse_years

__all__ = [
    "METHOD_OPTIONS",
    "OPTIONAL_COVERAGE",
    "CountyEvaluation",
    "area_counties",
    "evaluate_counties",
    "evaluate_declared",
    "named_scores",
    "region_names",
    "stored_weights",
]

#: An optional (yearbook) indicator joins the index only when it is present for at least this
#: share of the unit-years evaluated; otherwise one county's import would exclude all others.
OPTIONAL_COVERAGE = 0.9


@dataclass
class CountyEvaluation:
    """An evaluation of warehouse counties, with names, provincial ranks and what was left out.

    Attributes
    ----------
    result : EvaluationResult
        The engine's result; its ``unit`` is the 6-digit region code.
    system : IndicatorSystem
        The system as used (optional indicators without data removed).
    dropped_optional : list of str
        Optional indicators not used, because the warehouse lacks them (or covers too few units).
    excluded : DataFrame
        ``region_code, year, missing`` — unit-years left out for lack of required values.
    regions : DataFrame
        ``region_code, year, name, province_code, province_name, prefecture_name``.
    name : str or None
        Name under which the evaluation was stored, if any.
    """

    result: EvaluationResult
    system: IndicatorSystem
    dropped_optional: list[str]
    excluded: pd.DataFrame
    regions: pd.DataFrame
    name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    area: str | None = None
    """评价范围 (a province, prefecture or list of counties); None: the nation."""
    coverage: dict[str, float] = field(default_factory=dict)
    """Share of the unit-years of the area that hold each optional indicator."""
    declared: IndicatorSystem | None = None
    """The system as declared (before optional indicators without data were removed); stored
    with a saved evaluation so it can be read again without the YAML file. None: ``system``."""

    def scores(self) -> pd.DataFrame:
        """Scores with names and ranks (see :func:`named_scores`)."""
        s = self.result.scores().rename(columns={"unit": "region_code"})
        s["region_code"] = s["region_code"].astype(str)
        return named_scores(s, self.regions)

    def tidy(self) -> pd.DataFrame:
        """The score table (:meth:`scores`)."""
        return self.scores()

    def shortfalls(self) -> pd.DataFrame:
        """Obstacle degree summed by shortfall (短板): ``region_code, year, shortfall, obstacle``."""
        mapping = self.system.shortfall_of()
        ob = self.result.obstacles().rename(columns={"unit": "region_code"})
        ob["shortfall"] = ob["indicator"].map(mapping)
        ob = ob.dropna(subset=["shortfall"])
        out = ob.groupby(["region_code", "year", "shortfall"])["obstacle"].sum().reset_index()
        return out.sort_values(["region_code", "year", "obstacle"], ascending=[True, True, False])

    def summary(self, top: int = 20) -> str:
        """Chinese summary: counties per year, what was dropped, top ``top`` of the latest year
        (all units of the evaluation: 全国全部县级单位, or 评价范围（湖南省）内全部县级单位 for a
        scoped one; both 含市辖区)."""
        s = self.scores()
        latest = int(s["year"].max())
        lines = [
            f"指标体系 {self.system.name}：{len(self.system.codes)} 个指标；"
            + "，".join(f"{y} 年 {n} 个县" for y, n in s.groupby("year").size().items()),
            f"评价范围：{self.area or '全国'}（可选指标在本范围内覆盖 ≥ "
            f"{OPTIONAL_COVERAGE:.0%} 的县-年时纳入）",
        ]
        joined = [c for c in self.coverage if c not in self.dropped_optional]
        if joined:
            lines.append(
                "纳入的可选指标："
                + "、".join(f"{c}（覆盖 {self.coverage[c]:.0%}）" for c in joined)
            )
        if self.dropped_optional:
            lines.append(
                "未纳入的可选指标（数据仓库中缺失或覆盖不足）："
                + "、".join(
                    f"{c}（覆盖 {self.coverage.get(c, 0.0):.0%}）" for c in self.dropped_optional
                )
            )
        if not self.excluded.empty:
            lines.append(
                f"因缺少必需指标而未参评的县-年：{len(self.excluded)} 个（见 excluded 表）"
            )
        d = s[s["year"] == latest]["score"].describe(percentiles=[0.1, 0.25, 0.5, 0.75, 0.9])
        lines.append(
            f"{latest} 年得分分布：最小 {d['min']:.4f}，P10 {d['10%']:.4f}，P25 {d['25%']:.4f}，"
            f"中位数 {d['50%']:.4f}，P75 {d['75%']:.4f}，P90 {d['90%']:.4f}，最大 {d['max']:.4f}"
        )
        units = f"评价范围（{self.area}）内全部县级单位" if self.area else "全国全部县级单位"
        lines.append(f"{latest} 年前 {top} 名（{units}，含市辖区）：")
        head = s[s["year"] == latest].head(top)
        for r in head.itertuples():
            lines.append(
                f"  {r.rank:>4}  {r.region_code}  {r.province_name}"
                f"{r.prefecture_name if isinstance(r.prefecture_name, str) else ''}"
                f"{r.name}  {r.score:.4f}"
            )
        return "\n".join(lines)

    def tables(self) -> dict[str, pd.DataFrame]:
        """得分 (:meth:`scores`), 短板, 未参评 and 权重 — the sheets of :meth:`to_excel`."""
        return {
            "得分": self.scores(),
            "短板": self.shortfalls(),
            "未参评": self.excluded,
            "权重": self.result.weight_table(),
        }

    def to_dict(self) -> dict[str, Any]:
        s = self.scores()
        return {
            "system": self.system.name,
            "name": self.name,
            "counties_by_year": {int(str(y)): int(n) for y, n in s.groupby("year").size().items()},
            "area": self.area,
            "optional_coverage": self.coverage,
            "dropped_optional": self.dropped_optional,
            "excluded": len(self.excluded),
            "top": s[s["year"] == s["year"].max()].head(20).to_dict("records"),
        }

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Workbook: 得分, 短板, 未参评, then the engine's own sheets (weights, obstacles...)."""
        p = config.output_path(path, "工作簿")
        engine_book = p.with_name(p.stem + "-明细.xlsx")
        with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
            self.scores().rename(columns=COLUMN_LABELS).to_excel(xw, sheet_name="得分", index=False)
            self.shortfalls().rename(columns=COLUMN_LABELS).to_excel(
                xw, sheet_name="短板", index=False
            )
            self.excluded.rename(columns=COLUMN_LABELS).to_excel(
                xw, sheet_name="未参评", index=False
            )
            self.result.weight_table(aliases=False).to_excel(xw, sheet_name="权重", index=False)
        self.result.to_excel(engine_book)
        return p


def named_scores(scores: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Attach names and rank within province; one row per county-year, sorted by year and rank.

    Returns ``region_code, name, province_code, province_name, prefecture_name, year, score,
    rank, province_rank, percentile, dim:<dimension>…``. ``province_rank`` ranks the score within
    the province and year (1 = best, ties share the best rank); ``percentile`` is the share of
    the year's counties scoring at most as high (1.0 = top).
    """
    s = scores.assign(year=scores["year"].astype("int64"))
    cols = ["region_code", "year", "name", "province_code", "province_name", "prefecture_name"]
    s = s.merge(regions[cols], on=["region_code", "year"], how="left")
    s["province_rank"] = (
        s.groupby(["year", "province_code"], dropna=False)["score"]
        .rank(ascending=False, method="min")
        .astype("int64")
    )
    s["percentile"] = s.groupby("year")["score"].rank(pct=True, method="max")
    dims = [c for c in s.columns if c.startswith("dim:")]
    out = [*cols[:1], *cols[2:], "year", "score", "rank", "province_rank", "percentile", *dims]
    return s[out].sort_values(["year", "rank"]).reset_index(drop=True)


def region_names(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame) -> pd.DataFrame:
    """Name, province, prefecture and unit type of each ``(region_code, year)`` in ``keys``.

    The record valid at the end of the year is used; a code that ended within the year (census
    codes are resolved as of the previous year-end) falls back to its latest record before it.
    """
    keys = keys[["region_code", "year"]].drop_duplicates().astype({"year": "int64"})
    con.register("_keys", keys)
    try:
        out = con.execute(
            """WITH m AS (
                 SELECT k.region_code, k.year, r.*,
                        (r.end_year IS NULL OR r.end_year > k.year) AS valid
                 FROM _keys k JOIN regions r
                   ON r.code = k.region_code AND r.start_year <= k.year)
               SELECT region_code, year,
                      arg_max(name, (valid, start_year)) AS name,
                      arg_max(province_code, (valid, start_year)) AS province_code,
                      arg_max(province_name, (valid, start_year)) AS province_name,
                      arg_max(prefecture_name, (valid, start_year)) AS prefecture_name,
                      arg_max(type, (valid, start_year)) AS type
               FROM m GROUP BY region_code, year"""
        ).df()
    finally:
        con.unregister("_keys")
    out = keys.merge(out, on=["region_code", "year"], how="left")
    # 直辖 counties have no prefecture; the province name is enough
    out["prefecture_name"] = out["prefecture_name"].where(
        out["prefecture_name"] != out["province_name"], None
    )
    return out


def evaluate_counties(
    system: str | IndicatorSystem = DEFAULT_SYSTEM,
    *,
    years: list[int] | None = None,
    options: dict[str, Any] | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    save_as: str | None = None,
    area: str | None = None,
) -> CountyEvaluation:
    """Evaluate the county-level units of the warehouse (all, or those of ``area``).

    Parameters
    ----------
    system : str or IndicatorSystem
        Built-in name, YAML path or system object.
    years : list of int, optional
        Years to evaluate (pooled over them unless ``options["scope"] == "per-year"``); default
        every year the warehouse holds for the system's required indicators.
    options : dict, optional
        Engine options (:class:`xinzhi.evaluate.options.EvaluationOptions`), over the system's.
    db, con : warehouse path or open connection.
    save_as : str, optional
        Store the result in the warehouse under this name (not empty or blank).
    area : str, optional
        评价范围: a province or prefecture (name or code) or county codes / names separated by
        commas (:func:`area_counties`). Only its units are evaluated, and an optional indicator
        joins when it covers ≥ :data:`OPTIONAL_COVERAGE` of the area's unit-years — a county
        office's own province yearbook counts in its province's index.
    """
    if save_as is not None and not save_as.strip():
        raise InputError("保存评价的名称（--save）不能为空")
    sys_obj = system if isinstance(system, IndicatorSystem) else load_system(system)
    own = con is None
    con = con or store.connect(db)
    try:
        wide = store.read_wide(con, sys_obj.codes, years, level="county")
        label = None
        if area is not None and area.strip():
            label, codes = area_counties(con, area)
            wide = wide[wide["region_code"].astype(str).isin(codes)]
        required = [i.code for i in sys_obj.indicators if not i.optional]
        if years is None and not wide.empty:
            # default years: those in which at least one unit has every required indicator
            complete_years = wide.loc[wide[required].notna().all(axis=1), "year"].unique()
            wide = wide[wide["year"].isin(complete_years)]
        if wide.empty:
            raise InputError(
                f"数据仓库中没有{label or ''}指标体系 {sys_obj.name} 所需指标的县级数据"
                "（请先运行 xinzhi demo 或 xinzhi import 导入数据）"
            )
        coverage = wide[sys_obj.codes].notna().mean()
        available = [c for c in sys_obj.codes if coverage[c] >= OPTIONAL_COVERAGE or c in required]
        used, dropped = sys_obj.restrict(available)
        missing_cols = [c for c in required if coverage[c] == 0]
        if missing_cols:
            raise InputError(f"数据仓库中完全没有必需指标：{'、'.join(missing_cols)}")
        complete = wide[used.codes].notna().all(axis=1)
        excluded = wide.loc[~complete, ["region_code", "year"]].copy()
        excluded["missing"] = _missing_labels(wide.loc[~complete, used.codes])
        data = wide.loc[complete].rename(columns={"region_code": "unit"})
        result = evaluate(data, used, options)
        regions = region_names(con, data.rename(columns={"unit": "region_code"}))
        out = CountyEvaluation(
            result=result,
            system=used,
            dropped_optional=dropped,
            excluded=excluded.reset_index(drop=True),
            regions=regions,
            name=save_as,
            options={**result.options.as_dict(), **({"area": label} if label else {})},
            area=label,
            coverage={i.code: float(coverage[i.code]) for i in sys_obj.indicators if i.optional},
            declared=sys_obj,
        )
        if save_as:
            _save(con, out)
        return out
    finally:
        if own:
            con.close()


def area_counties(con: duckdb.DuckDBPyConnection, area: str) -> tuple[str, list[str]]:
    """The label and county codes of 评价范围 ``area``: a province or prefecture by name
    (``湖南省``, ``湖南``, ``湘潭市``) or 6-digit code (``430000``, ``430300``), or counties by
    code or name separated by commas — every code the region table has for them, old and new.

    Raises
    ------
    InputError
        Nothing of that name or code.
    """
    text = area.strip()
    listed = Path(text)
    if listed.suffix.lower() in {".txt", ".csv"} and listed.is_file():  # one county per line
        lines = listed.read_text(encoding="utf-8-sig").splitlines()
        text = ",".join(line.split(",")[0] for line in lines if line.strip())
    items = [t.strip() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()]
    if len(items) > 1 or (len(items) == 1 and text.isdigit() and not text.endswith("00")):
        codes = sorted({resolve_county(con, t) for t in items})
        return f"{len(codes)} 个县级单位", codes
    rows = con.execute(
        """SELECT DISTINCT code, province_name, prefecture_name FROM regions
           WHERE level = 'county' AND (
               province_name IN (?, ? || '省', ? || '市') OR prefecture_name IN (?, ? || '市')
               OR province_code = ? OR prefecture_code = ?)""",
        [text, text, text, text, text, text, text],
    ).fetchall()
    if not rows:
        raise InputError(
            f"找不到评价范围“{text}”：请写省或地级市的名称或代码，或用逗号分隔的县区名称或代码"
        )
    by_province = {r[1] for r in rows}
    label = next(iter(by_province)) if len(by_province) == 1 else text
    if all(r[2] for r in rows) and len({r[2] for r in rows}) == 1 and text not in by_province:
        label = f"{rows[0][1]}{rows[0][2]}"
    return label, sorted({str(r[0]) for r in rows})


def _missing_labels(frame: pd.DataFrame) -> list[str]:
    codes = np.array(frame.columns)
    mask = frame.isna().to_numpy()
    return ["、".join(codes[row]) for row in mask]


def stored_weights(res: EvaluationResult) -> pd.DataFrame:
    """The weights an evaluation stores: ``indicator, dimension, weight, year`` — one row per
    indicator and year with ``weight_scope="year"`` (the weights of that year's
    cross-section), one row per indicator with year NULL for pooled weights."""
    table = res.weight_table(by_year=res.weight_years is not None)
    if "year" not in table.columns:
        table = table.assign(year=None)
    return table[["indicator", "dimension", "weight", "year"]].astype({"year": "Int64"})


def _save(con: duckdb.DuckDBPyConnection, ev: CountyEvaluation) -> None:
    assert ev.name is not None
    res = ev.result
    scores = res.scores().rename(columns={"unit": "region_code"})
    dims = scores.drop(columns=["score", "rank"]).melt(
        id_vars=["region_code", "year"],
        value_vars=[f"dim:{d}" for d in res.dimension_names],
        var_name="dimension",
        value_name="score",
    )
    dims["position"] = dims["dimension"].map(
        {f"dim:{d}": i for i, d in enumerate(res.dimension_names)}
    )
    dims["dimension"] = dims["dimension"].str.removeprefix("dim:")
    weights = stored_weights(res)
    obstacles = res.obstacles().rename(columns={"unit": "region_code"})
    save_evaluation(
        con,
        ev.name,
        system=ev.system.name,
        options=ev.options,
        scores=scores,
        dimensions=dims,
        weights=weights,
        obstacles=obstacles,
        system_def=(ev.declared or ev.system).to_dict(),
    )


#: the declared options of the evaluation other than ``system``, ``save_as`` and ``years``: the
#: method options, passed to the engine when given (derived from the declaration)
METHOD_OPTIONS: tuple[str, ...] = tuple(
    o.name for o in decl.EVALUATION.options if o.name not in ("system", "save_as", "years", "area")
)


def evaluate_declared(
    con: duckdb.DuckDBPyConnection,
    *,
    system: str = decl.EVALUATION.default("system"),
    save_as: str | None = decl.EVALUATION.default("save_as"),
    years: str | None = decl.EVALUATION.default("years"),
    area: str | None = decl.EVALUATION.default("area"),
    data_dir: str | os.PathLike[str] | None = None,
    **method: Any,
) -> CountyEvaluation:
    """The declared analysis ``evaluation`` (:data:`xinzhi.registry.evaluation.EVALUATION`):
    :func:`evaluate_counties` of the warehouse with the method options given (unset ones: the
    system's own, then the engine's defaults), saved as ``save_as`` when given.

    The method options (``weights``, ``aggregate``, ``weight_scope``, …) are keywords named
    and defaulted by the declaration (:data:`METHOD_OPTIONS`; the function's signature lists
    them), so a new option is one declaration."""
    unknown = sorted(set(method) - set(METHOD_OPTIONS))
    if unknown:
        raise InputError(
            f"综合评价没有选项 {'、'.join(unknown)}；可选：{'、'.join(METHOD_OPTIONS)}"
        )
    given = {name: method.get(name, decl.EVALUATION.default(name)) for name in METHOD_OPTIONS}
    decl.EVALUATION.resolve(
        {"system": system, "save_as": save_as, "years": years, "area": area, **given}
    )
    options = {k: v for k, v in given.items() if v is not None}
    return evaluate_counties(
        system,
        years=parse_years(years),
        options=options or None,
        con=con,
        save_as=save_as,
        area=area,
    )


def _declared_signature() -> inspect.Signature:
    """``(con, *, <every declared option with its declared default>, data_dir=None)``."""
    params = [inspect.Parameter("con", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [
        inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, default=o.default)
        for o in decl.EVALUATION.options
    ]
    params.append(inspect.Parameter("data_dir", inspect.Parameter.KEYWORD_ONLY, default=None))
    return inspect.Signature(params, return_annotation=CountyEvaluation)


evaluate_declared.__signature__ = _declared_signature()  # type: ignore[attr-defined]
