"""Disparity (Dagum, Markov, Moran and convergence of a stored evaluation) and industry (input–output linkages,
census employment specialisation) endpoints. Results are cached in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Query

from xinzhi import config
from xinzhi.api import models as m
from xinzhi.api._util import clean, evaluation_stamp, records
from xinzhi.api.deps import AnyUser, Cursor, Database, Db
from xinzhi.api.errors import ApiError
from xinzhi.api.routes_evaluations import scores_of
from xinzhi.pipelines import profile

if TYPE_CHECKING:
    from xinzhi.disparity.markov import MarkovResult

router = APIRouter(tags=["分析"])


def _scores(db: Database, cur: Any, evaluation: str) -> tuple[pd.DataFrame, str]:
    """Stored scores of ``evaluation`` and its creation time (the cache-key version); 404 if
    unknown."""
    stamp = evaluation_stamp(cur, evaluation)
    return scores_of(db, cur, evaluation, stamp), stamp or ""


def _comparable(
    db: Database, cur: Any, evaluation: str, stamp: str, harmonise: bool
) -> tuple[pd.DataFrame, list[str], str | None]:
    """:func:`xinzhi.pipelines.spatial.comparable_panel` (cached)."""
    from xinzhi.pipelines.spatial import comparable_panel

    return db.cached(
        ("comparable", evaluation, stamp, harmonise),
        lambda: comparable_panel(evaluation, cur, harmonise=harmonise),
    )


@router.get("/disparity/dagum", response_model=m.DagumOut, summary="Dagum 基尼系数分解")
def dagum(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    evaluation: Annotated[str, Query(min_length=1, max_length=64, description="评价结果名称")],
    group: Literal["province", "region"] = "province",
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> m.DagumOut:
    """Dagum (1997) decomposition of the stored scores by province or by the four regions."""
    s, stamp = _scores(db, cur, evaluation)
    key = ("dagum", evaluation, stamp, group, year)
    res = db.cached(key, lambda: profile.evaluation_dagum(cur, evaluation, group, year, scores=s))
    return m.DagumOut(
        evaluation=evaluation,
        group=group,
        overall=records(res.overall),
        within=records(res.within),
        between=records(res.between),
        notes=[str(n) for n in res.notes],
    )


@router.get("/disparity/markov", response_model=m.MarkovOut, summary="马尔可夫转移矩阵")
def markov(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    evaluation: Annotated[str, Query(min_length=1, max_length=64, description="评价结果名称")],
    k: Annotated[int, Query(ge=2, le=8, description="状态数（分位数分类）")] = 4,
    classification: Literal["pooled", "per-year"] = "pooled",
    harmonise: Annotated[
        bool, Query(description="把区划代码统一到最新一年（更名的县为同一单元）")
    ] = True,
) -> m.MarkovOut:
    """Classic Markov chain of the stored scores over the units observed in every year; with
    ``harmonise`` the codes are first carried to the latest year (docs/regions.md)."""
    from xinzhi.disparity import markov_chain

    s, stamp = _scores(db, cur, evaluation)
    latest = int(s["year"].max())
    bal, dropped, note = _comparable(db, cur, evaluation, stamp, harmonise)
    res: MarkovResult = db.cached(
        ("markov", evaluation, stamp, k, classification, harmonise),
        lambda: markov_chain(bal, "score", "unit", "year", k=k, classification=classification),
    )
    notes = [str(n) for n in res.notes]
    if dropped:
        notes.append(f"{len(dropped)} 个单元不是每年都有数据，未计入转移")
    if note:
        notes.append(note)
    return m.MarkovOut(
        evaluation=evaluation,
        k=k,
        classification=classification,
        harmonised_to=latest if harmonise else None,
        years=sorted(int(y) for y in bal["year"].unique()),
        units=int(bal["unit"].nunique()),
        transitions=records(res.tidy()),
        steady_state=records(res.steady_state.reset_index(drop=True)),
        notes=notes,
    )


@router.get(
    "/disparity/moran", response_model=m.MoranOut, summary="全局 Moran's I（县级 queen 邻接）"
)
def moran(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    evaluation: Annotated[str, Query(min_length=1, max_length=64, description="评价结果名称")],
    year: Annotated[int | None, Query(ge=1900, le=2100, description="默认最新一年")] = None,
    permutations: Annotated[int, Query(ge=0, le=9999, description="置换次数（种子 0）")] = 999,
) -> m.MoranOut:
    """Global Moran's I of one year's scores on queen contiguity, the codes first carried to
    those of the boundaries (:func:`xinzhi.pipelines.spatial.evaluation_spatial`)."""
    from xinzhi.disparity import moran as global_moran
    from xinzhi.pipelines.spatial import evaluation_spatial

    s, stamp = _scores(db, cur, evaluation)
    years = sorted(int(y) for y in s["year"].unique())
    y = years[-1] if year is None else year
    if y not in years:
        raise ApiError(
            404,
            "year_not_found",
            f"评价 {evaluation} 没有 {y} 年（可选：{'、'.join(map(str, years))}）",
        )

    def run() -> tuple[pd.DataFrame, list[str], list[str]]:
        df, w, left_out = evaluation_spatial(evaluation, y, cur, data_dir=config.data_dir())
        res = global_moran(df, "score", "unit", w, permutations=permutations, seed=0)
        return res.table, left_out, [str(n) for n in res.notes]

    table, left_out, notes = db.cached(("moran", evaluation, stamp, y, permutations), run)
    return m.MoranOut(
        evaluation=evaluation,
        year=y,
        statistics=records(table)[0],
        left_out=left_out,
        notes=notes,
    )


@router.get("/disparity/convergence", response_model=m.ConvergenceOut, summary="σ 与绝对 β 收敛")
def convergence(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    evaluation: Annotated[str, Query(min_length=1, max_length=64, description="评价结果名称")],
    harmonise: Annotated[
        bool, Query(description="把区划代码统一到最新一年（更名的县为同一单元）")
    ] = True,
) -> m.ConvergenceOut:
    """σ convergence (coefficient of variation per year) and absolute β convergence (growth from
    the first to the last year on the log of the first score, HC1) of the counties observed in
    every year."""
    from xinzhi.disparity import beta_convergence, sigma_convergence

    s, stamp = _scores(db, cur, evaluation)
    latest = int(s["year"].max())
    bal = _comparable(db, cur, evaluation, stamp, harmonise)[0]

    def run() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
        sig = sigma_convergence(bal, "score", "year", measure="cv")
        beta = beta_convergence(bal, "score", "unit", "year", kind="cross-section")
        notes = [str(n) for n in [*sig.notes, *beta.notes]]
        return sig.table, beta.stats, beta.coefficients, notes

    sig, stats, coefs, notes = db.cached(("convergence", evaluation, stamp, harmonise), run)
    units = int(bal["unit"].nunique())
    return m.ConvergenceOut(
        evaluation=evaluation,
        harmonised_to=latest if harmonise else None,
        units=units,
        sigma=records(sig),
        beta=clean(dict(zip(stats["statistic"], stats["value"], strict=True))),
        coefficients=records(coefs),
        notes=notes,
    )


@router.get("/industry/io", response_model=m.IOOut, summary="投入产出关联与主导部门上下游")
def io(
    db: Db,
    _: AnyUser,
    table: Annotated[str, Query(pattern=r"^\d{4}-\d{2,3}$", description="如 2020-42")] = "2020-42",
    lead: Annotated[str | None, Query(max_length=64, description="主导部门代码或名称")] = None,
    forward: Literal["leontief", "ghosh"] = "leontief",
    imports: Literal["domestic", "total"] = "domestic",
    top: Annotated[int, Query(ge=1, le=50)] = 5,
) -> m.IOOut:
    from xinzhi.industry.io import io_analysis
    from xinzhi.pipelines.industry import load_io_table

    def make() -> object:
        t = load_io_table(table)
        z = t.z if imports == "domestic" or t.z_imports is None else t.z + t.z_imports
        return io_analysis(
            z,
            t.x,
            codes=t.codes,
            names=t.names_zh,
            forward=forward,
            lead=lead,
            top=top,
            table=table,
        )

    res = db.cached(("io", table, lead, forward, imports, top), make)
    sectors = [m.IOSector(**r) for r in records(res.tidy())]
    return m.IOOut(
        table=table, forward=forward, sectors=sectors, lead_links=records(res.lead_links)
    )


@router.get(
    "/industry/specialization",
    response_model=m.SpecializationOut,
    summary="县域就业区位熵（普查行业门类）",
)
def specialization(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    region: Annotated[str, Query(pattern=r"^\d{6}$", description="6 位区划代码")],
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> m.SpecializationOut:
    """LQ of the county's census employment by GB/T 4754 section vs. all counties."""
    if not cur.execute("SELECT 1 FROM regions WHERE code = ? LIMIT 1", [region]).fetchall():
        raise ApiError(404, "region_not_found", f"区划代码 {region} 不存在")
    df = profile.county_specialization(cur, region, year)
    return m.SpecializationOut(
        region_code=region,
        year=int(df.attrs["year"]),
        items=[m.SpecializationRow(**clean(r)) for r in records(df)],
    )
