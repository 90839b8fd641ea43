"""Analyses declared in :mod:`xinzhi.registry`: the catalogue, one generic route per declaration
(``GET /api/analyses/<key>``, JSON tables) with its workbook (``…/export.xlsx``: the access
policy's download rule — kind ``firms`` for county-scoped analyses, ``analysis`` for public ones —
and the audit log), and the older disparity / industry routes with their own response models.

Every route calls the declaration's pipeline with the options derived from it
(:func:`xinzhi.api.options.options_of`); results are cached in memory per evaluation version.
"""

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request, Response

from xinzhi import registry
from xinzhi.api import models as m
from xinzhi.api._util import audit_export, clean, evaluation_stamp, records, xlsx_response
from xinzhi.api.deps import AnyUser, Cursor, Database, Db
from xinzhi.api.errors import ApiError
from xinzhi.api.options import options_of
from xinzhi.api.routes_evaluations import XLSX
from xinzhi.auth import Session
from xinzhi.auth.policy import Kind, require_download
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import industry as industry_pipe
from xinzhi.pipelines.analyses import authorise, record_county
from xinzhi.pipelines.warehouse import latest_batch_id
from xinzhi.registry import disparity as decl
from xinzhi.registry import industry as industry_decl

router = APIRouter(tags=["分析"])


def _run(
    db: Database,
    cur: Any,
    analysis: registry.Analysis,
    options: dict[str, Any],
    session: Session | None = None,
) -> Any:
    """The analysis's pipeline on ``options`` (cached per evaluation version, or per warehouse
    version — the newest import batch — when it reads no evaluation) after the access check of a
    county-scoped analysis; 404 for an unknown evaluation."""
    if session is not None:
        authorise(cur, analysis, options, session.user)
    stamp: Any = ("batch", latest_batch_id(cur))
    if options.get("evaluation"):
        stamp = evaluation_stamp(cur, options["evaluation"])
        if stamp is None:
            raise ApiError(404, "evaluation_not_found", "没有该名称的评价结果")
    key = (analysis.key, stamp, tuple(sorted(options.items())))
    return db.cached(key, lambda: analysis.run(cur, **options))


def _route(a: registry.Analysis) -> str | None:
    if a.takes_file:
        return None
    if a.action == "run_evaluation":
        return "POST /api/evaluations"
    return f"GET /api/analyses/{a.key}"


@router.get("/analyses", response_model=list[m.AnalysisInfo], summary="分析目录（登记表）")
def catalogue(_: AnyUser) -> list[m.AnalysisInfo]:
    """Every declared analysis with its options, Chinese labels and defaults."""
    return [
        m.AnalysisInfo(
            key=a.key,
            family=a.family,
            title=a.title,
            formula=a.formula,
            reference_test=a.reference_test,
            scope=a.scope,
            route=_route(a),
            action=a.action,
            options=[
                m.OptionInfo(
                    name=o.name,
                    label=o.label,
                    type=o.type.__name__,
                    default=o.default,
                    required=o.required,
                    choices=list(o.choices) if o.choices else None,
                    minimum=o.minimum,
                    maximum=o.maximum,
                    help=o.help,
                )
                for o in a.web_options
            ],
        )
        for a in registry.analyses()
    ]


def _generic(analysis: registry.Analysis) -> Callable[..., m.AnalysisOut]:
    def endpoint(
        db: Db,
        cur: Cursor,
        session: AnyUser,
        options: Annotated[dict[str, Any], Depends(options_of(analysis))],
    ) -> m.AnalysisOut:
        res = _run(db, cur, analysis, options, session)
        return m.AnalysisOut(
            key=analysis.key,
            title=analysis.title,
            options=clean(dict(options)),
            tables={name: records(t) for name, t in res.tables().items()},
            notes=([SYNTHETIC_NOTE] if res.synthetic else []) + [str(n) for n in res.notes],
            summary=res.summary(),
        )

    endpoint.__name__ = f"analysis_{analysis.key.replace('-', '_')}"
    endpoint.__doc__ = f"{analysis.title}（{analysis.doc}；参考测试 {analysis.reference_test}）"
    return endpoint


def _export(analysis: registry.Analysis) -> Callable[..., Response]:
    def endpoint(
        request: Request,
        db: Db,
        cur: Cursor,
        session: AnyUser,
        options: Annotated[dict[str, Any], Depends(options_of(analysis))],
    ) -> Response:
        res = _run(db, cur, analysis, options, session)
        county = record_county(cur, analysis, options)
        kind = Kind.FIRMS if analysis.scope == "county" else Kind.ANALYSIS
        require_download(session.user, kind, county)
        with tempfile.TemporaryDirectory(prefix="xinzhi-export-") as tmp:
            path = Path(tmp) / "export.xlsx"
            res.to_excel(path)
            body = path.read_bytes()
        year = options.get("year")
        audit_export(
            db, request, session, kind, fmt="xlsx", county=county, year=year, analysis=analysis.key
        )
        return xlsx_response(body, f"{analysis.title}.xlsx")

    endpoint.__name__ = f"export_{analysis.key.replace('-', '_')}"
    endpoint.__doc__ = (
        f"{analysis.title}：结果工作簿（每张表一页，中文表头；含明细的分析按访问规则只限本县区）"
    )
    return endpoint


for _a in registry.analyses():
    if _a.takes_file or _a.action is not None:
        # a user's file: CLI only (the API would need an upload); an analysis that writes
        # (the evaluation) has its own POST route with its permission (POST /api/evaluations)
        continue
    router.add_api_route(
        f"/analyses/{_a.key}",
        _generic(_a),
        methods=["GET"],
        response_model=m.AnalysisOut,
        summary=_a.title,
    )
    router.add_api_route(
        f"/analyses/{_a.key}/export.xlsx",
        _export(_a),
        methods=["GET"],
        response_class=Response,
        summary=f"{_a.title}（Excel）",
        responses={200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}},
    )


@router.get("/disparity/dagum", response_model=m.DagumOut, summary="Dagum 基尼系数分解")
def dagum(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    options: Annotated[dict[str, Any], Depends(options_of(decl.DAGUM))],
) -> m.DagumOut:
    """Dagum (1997) decomposition of the stored scores by province or by the four regions."""
    res = _run(db, cur, decl.DAGUM, options)
    return m.DagumOut(
        evaluation=options["evaluation"],
        group=options["group"],
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
    options: Annotated[dict[str, Any], Depends(options_of(decl.MARKOV))],
) -> m.MarkovOut:
    """Classic Markov chain of the stored scores over the units observed in every year; with
    ``harmonise`` the codes are first carried to the latest year (docs/regions.md)."""
    res = _run(db, cur, decl.MARKOV, options)
    return m.MarkovOut(
        evaluation=options["evaluation"],
        k=options["k"],
        classification=options["classification"],
        harmonised_to=res.options["harmonised_to"],
        years=res.options["years"],
        units=res.options["units"],
        transitions=records(res.tidy()),
        steady_state=records(res.steady_state.reset_index(drop=True)),
        notes=[str(n) for n in res.notes],
    )


@router.get(
    "/disparity/moran", response_model=m.MoranOut, summary="全局 Moran's I（县级 queen 邻接）"
)
def moran(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    options: Annotated[dict[str, Any], Depends(options_of(decl.MORAN))],
) -> m.MoranOut:
    """Global Moran's I of one year's scores on queen contiguity, the codes first carried to
    those of the boundaries."""
    res = _run(db, cur, decl.MORAN, options)
    return m.MoranOut(
        evaluation=options["evaluation"],
        year=res.options["year"],
        statistics=records(res.table)[0],
        left_out=res.options["left_out"],
        notes=[str(n) for n in res.notes],
    )


@router.get("/disparity/convergence", response_model=m.ConvergenceOut, summary="σ 与 β 收敛")
def convergence(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    options: Annotated[dict[str, Any], Depends(options_of(decl.CONVERGENCE))],
) -> m.ConvergenceOut:
    """σ convergence and β convergence of the counties observed in every year."""
    res = _run(db, cur, decl.CONVERGENCE, options)
    stats = res.beta.stats
    return m.ConvergenceOut(
        evaluation=options["evaluation"],
        harmonised_to=res.options["harmonised_to"],
        units=res.options["units"],
        sigma=records(res.sigma.table),
        beta=clean(dict(zip(stats["statistic"], stats["value"], strict=True))),
        coefficients=records(res.beta.coefficients),
        notes=[str(n) for n in res.notes],
    )


@router.get("/industry/io", response_model=m.IOOut, summary="投入产出关联与主导部门上下游")
def io(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    options: Annotated[dict[str, Any], Depends(options_of(industry_decl.IO))],
) -> m.IOOut:
    res = _run(db, cur, industry_decl.IO, options)
    sectors = [m.IOSector(**r) for r in records(res.tidy())]
    return m.IOOut(
        table=options["table"],
        forward=options["forward"],
        sectors=sectors,
        lead_links=records(res.lead_links),
    )


@router.get(
    "/industry/specialization",
    response_model=m.SpecializationOut,
    summary="县域就业区位熵（普查行业门类）",
)
def specialization(
    cur: Cursor,
    _: AnyUser,
    region: Annotated[str, Query(pattern=r"^\d{6}$", description="6 位区划代码")],
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> m.SpecializationOut:
    """LQ of the county's census employment by GB/T 4754 section vs. all counties."""
    df: pd.DataFrame = industry_pipe.county_specialization(cur, region, year)
    return m.SpecializationOut(
        region_code=region,
        year=int(df.attrs["year"]),
        items=[m.SpecializationRow(**clean(r)) for r in records(df)],
    )
