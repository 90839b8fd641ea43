"""Policy evaluation of county pilots (政策评估; issue #17) over REST.

``GET /api/causal/pilots`` (the imported pilot tables), ``GET /api/causal/outcomes`` (indicators
with county observations and stored evaluations), ``GET /api/causal/effect`` (one estimator:
the estimate with its standard error, the assumptions, the event study with the pre-trend test,
the synthetic-control path, placebos and weights) and ``…/effect.xlsx`` (every table).

The estimate is the declared analysis ``pilot-effect`` (:mod:`xinzhi.registry.causal`,
pipeline :func:`xinzhi.pipelines.causal.pilot_effect`), run with the options derived from the
declaration and the access check of its scope (:func:`xinzhi.pipelines.analyses.authorise`);
it is cached per warehouse version (the newest import batch: observations and pilot lists are
import batches). :mod:`xinzhi.pipelines.causal_views` reads any estimator's result into one
shape; the page 政策评估 calls the same functions.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from xinzhi.api._util import XLSX, audit_export, clean, file_route, records, xlsx_response
from xinzhi.api.deps import AnyUser, Cursor, Database, Db
from xinzhi.api.options import options_of
from xinzhi.auth.policy import Kind, require_download
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import causal_views as cv
from xinzhi.pipelines.analyses import authorise
from xinzhi.pipelines.warehouse import latest_batch_id
from xinzhi.registry import causal as decl

router = APIRouter(tags=["政策评估"])


class PilotTable(BaseModel):
    policy: str
    counties: int
    first_year: int
    last_year: int
    cohorts: str = Field(description="试点批次（首次试点年份，顿号分隔）")
    synthetic: bool


class PilotList(BaseModel):
    items: list[PilotTable]


class OutcomeChoice(BaseModel):
    kind: str = Field(
        description="indicator（指标，参数 indicator）、evaluation（已存评价的综合得分）或 "
        "dimension（已存评价的一个维度：参数 evaluation 与 dimension）"
    )
    key: str
    label: str
    years: str
    counties: int | None
    evaluation: str | None
    dimension: str | None


class OutcomeList(BaseModel):
    items: list[OutcomeChoice]


class EffectOut(BaseModel):
    estimator: str
    title: str
    options: dict[str, Any]
    estimate: float | None = Field(description="效应估计（SC：处理后平均差值）")
    se: float | None = Field(description="标准误（SC 无；推断见安慰剂 p 值）")
    pvalue: float | None = Field(description="p 值（SC：空间安慰剂 p 值）")
    ci_lower: float | None
    ci_upper: float | None
    assumptions: str = Field(description="估计量的识别假设")
    summary: str
    event: list[dict[str, Any]] = Field(description="事件研究系数（含参照期 e = −1）")
    pretrend: dict[str, Any] = Field(description="处理前系数联合为 0 的检验")
    path: list[dict[str, Any]] = Field(description="合成控制路径：处理单位与合成控制")
    placebos: list[dict[str, Any]] = Field(description="安慰剂结果")
    weights: list[dict[str, Any]] = Field(description="供体或单位权重")
    treat_time: int | None
    cohorts: list[dict[str, Any]] = Field(description="合成双重差分的各试点批次（交错试点）")
    tables: dict[str, list[dict[str, Any]]]
    notes: list[str]


def _effect(db: Database, cur: Any, session: Any, options: dict[str, Any]) -> Any:
    authorise(cur, decl.PILOT_EFFECT, options, session.user)
    key = ("causal", latest_batch_id(cur), tuple(sorted(options.items())))
    return db.cached(key, lambda: decl.PILOT_EFFECT.run(cur, **options))


Options = Annotated[dict[str, Any], Depends(options_of(decl.PILOT_EFFECT))]


class ChecksOut(BaseModel):
    policy: str
    checks: list[dict[str, Any]] = Field(
        description="随机化推断（TWFE 系数的置换 p 值）与安慰剂时点（提前开始，应不显著）"
    )
    ri_estimate: float
    ri_pvalue: float
    permutations: int
    placebo_att: float | None
    placebo_se: float | None
    placebo_pvalue: float | None
    shift: int
    summary: str
    notes: list[str]


@router.get("/causal/checks", response_model=ChecksOut, summary="试点政策效果的安慰剂检验")
def checks(
    db: Db,
    cur: Cursor,
    session: AnyUser,
    options: Annotated[
        dict[str, Any],
        Depends(options_of(decl.PILOT_EFFECT, exclude=("estimator", "control", "leads", "lags"))),
    ],
    permutations: Annotated[int, Query(ge=1, le=5000, description="置换次数")] = 199,
    shift: Annotated[int, Query(ge=1, le=10, description="安慰剂时点：提前的年数")] = 2,
) -> ChecksOut:
    """Randomisation inference for the TWFE coefficient (pilot cohorts permuted across
    counties, seed 0) and the in-time placebo (adoption moved ``shift`` years earlier,
    Callaway–Sant'Anna on the years before the first adoption)."""
    authorise(cur, decl.PILOT_EFFECT, options, session.user)
    opts: dict[str, Any] = {
        k: options.get(k) for k in ("policy", "indicator", "evaluation", "dimension")
    }
    key = ("causal-checks", latest_batch_id(cur), tuple(sorted(opts.items())), permutations, shift)
    res = db.cached(
        key, lambda: cv.pilot_checks(cur, permutations=permutations, shift=shift, **opts)
    )
    return ChecksOut(
        policy=str(opts["policy"]),
        checks=records(res.table()),
        ri_estimate=res.ri_estimate,
        ri_pvalue=res.ri_pvalue,
        permutations=res.permutations,
        placebo_att=res.placebo_att,
        placebo_se=res.placebo_se,
        placebo_pvalue=res.placebo_pvalue,
        shift=res.shift,
        summary=res.summary,
        notes=([SYNTHETIC_NOTE] if res.synthetic else []) + res.notes,
    )


@router.get("/causal/pilots", response_model=PilotList, summary="已导入的试点名单")
def pilots(cur: Cursor, _: AnyUser) -> PilotList:
    """One row per policy: counties, first and last start year, the cohorts."""
    return PilotList(items=[PilotTable(**r) for r in records(cv.pilot_tables(cur))])


@router.get("/causal/outcomes", response_model=OutcomeList, summary="可选的结果变量")
def outcomes(cur: Cursor, _: AnyUser) -> OutcomeList:
    """Indicators with county observations (parameter ``indicator``) and stored evaluations
    (parameter ``evaluation``: the score; ``dimension``: one dimension)."""
    return OutcomeList(items=[OutcomeChoice(**r) for r in records(cv.outcome_choices(cur))])


@router.get("/causal/effect", response_model=EffectOut, summary="试点政策效果评估")
def effect(db: Db, cur: Cursor, session: AnyUser, options: Options) -> EffectOut:
    """The effect of a pilot policy on an outcome by the chosen estimator (did: TWFE and event
    study, cs: Callaway–Sant'Anna, sc: synthetic control, sdid: synthetic DiD, compare)."""
    res = _effect(db, cur, session, options)
    v = cv.effect_view(res, options["estimator"], cv.county_names(cur))
    return EffectOut(
        estimator=v.estimator,
        title=v.title,
        options=clean(dict(options)),
        estimate=v.estimate,
        se=v.se,
        pvalue=v.pvalue,
        ci_lower=v.ci[0],
        ci_upper=v.ci[1],
        assumptions=v.assumptions,
        summary=v.summary,
        event=records(v.event),
        pretrend=clean(v.pretrend),
        path=records(v.path),
        placebos=records(v.placebos),
        weights=records(v.weights),
        treat_time=v.treat_time,
        cohorts=records(v.cohorts),
        tables={name: records(t) for name, t in v.tables.items()},
        notes=([SYNTHETIC_NOTE] if v.synthetic else []) + v.notes,
    )


@router.get(
    "/causal/effect.xlsx",
    **file_route("试点政策效果评估（Excel）", XLSX, "Excel 工作簿：估计量的全部结果表"),
)
def effect_xlsx(
    request: Request, db: Db, cur: Cursor, session: AnyUser, options: Options
) -> Response:
    """Every table of the estimate as a workbook (Chinese headers); written to the audit log
    (kind ``analysis``)."""
    res = _effect(db, cur, session, options)
    require_download(session.user, Kind.ANALYSIS)
    with tempfile.TemporaryDirectory(prefix="xinzhi-causal-") as tmp:
        path = Path(tmp) / "effect.xlsx"
        res.to_excel(path)
        body = path.read_bytes()
    audit_export(db, request, session, Kind.ANALYSIS, fmt="xlsx", analysis=decl.PILOT_EFFECT.key)
    return xlsx_response(body, f"政策效果评估_{options['policy']}_{options['estimator']}.xlsx")
