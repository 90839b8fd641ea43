"""Evaluations: run and store (analyst/admin), list, scores (paged), one county's profile,
Excel exports.

Every role reads the scores and county profiles of all counties (public results). The Excel
export of a whole evaluation is for analysts and admins; a county user may export the profile
workbook of its own county only. Who may do what is asked of :mod:`xinzhi.auth.policy`; every
export is audited with :func:`xinzhi.auth.write_export`.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as FPath
from starlette.concurrency import run_in_threadpool

from xinzhi.api import models as m
from xinzhi.api._util import (
    Limit,
    Offset,
    audit,
    audit_export,
    cached_json_async,
    clean,
    evaluation_stamp,
    records,
)
from xinzhi.api.deps import AnyUser, Cursor, Database, Db, Evaluator
from xinzhi.api.errors import ApiError
from xinzhi.auth import Session
from xinzhi.auth.policy import Kind, require_download
from xinzhi.errors import ConfigError, InputError
from xinzhi.pipelines import stored
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.systems import builtin_systems
from xinzhi.registry.evaluation import EVALUATION

router = APIRouter(tags=["评价"])

_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EvalName = Annotated[str, FPath(max_length=64, description="评价结果名称")]
CountyCode = Annotated[str, FPath(pattern=r"^\d{6}$", description="6 位区划代码")]


def scores_of(db: Database, cur: Any, name: str, stamp: str | None = None) -> pd.DataFrame:
    """Stored scores of ``name`` (cached per name and creation time); 404 if unknown."""
    stamp = stamp or evaluation_stamp(cur, name)
    if stamp is None:
        raise ApiError(404, "evaluation_not_found", "没有该名称的评价结果")
    return db.cached(("scores", name, stamp), lambda: stored.stored_scores(cur, name))


async def _stamp_or_404(db: Database, cur: Any, name: str) -> str:
    """The evaluation's creation time, remembered until the next write (a new evaluation of
    the same name is a write: :attr:`~xinzhi.api.deps.Database.generation`)."""
    key = ("stamp", db.generation, name)
    stamp = db.peek(key)
    if stamp is None:
        stamp = await run_in_threadpool(db.cached, key, lambda: evaluation_stamp(cur, name))
    if stamp is None:
        raise ApiError(404, "evaluation_not_found", "没有该名称的评价结果")
    return stamp


def _check_options(options: dict[str, Any] | None) -> dict[str, Any] | None:
    """Options through the API may not name files (AHP matrices are read from disk)."""
    if not options:
        return options
    for k, v in options.items():
        if k.replace("-", "_") == "ahp" or (isinstance(v, str) and v.startswith("ahp")):
            raise InputError("通过 API 运行评价时不支持 AHP 文件（请使用命令行）")
        if not isinstance(v, str | int | float | bool | list) and v is not None:
            raise ConfigError(f"评价选项 {k} 的取值类型无效")
    declared = {o.name: o for o in EVALUATION.options}
    # the method options declared in the registry are checked as every surface checks them;
    # an invalid option of an evaluation is a 422 ``invalid_option``, as the engine's own
    try:
        return {k: declared[k].check(v) if k in declared else v for k, v in options.items()}
    except InputError as exc:
        raise ConfigError(str(exc)) from exc


@router.post(
    "/evaluations", response_model=m.EvaluationRunOut, status_code=201, summary="运行评价并保存"
)
def run_evaluation(
    body: m.EvaluationRunRequest, request: Request, db: Db, session: Evaluator
) -> m.EvaluationRunOut:
    if body.system not in builtin_systems():
        raise InputError(f"未知的指标体系 {body.system!r}；可选：{'、'.join(builtin_systems())}")
    if not _NAME.fullmatch(body.save_as):
        raise InputError("评价结果名称只能包含字母、数字、汉字、下划线、点或连字符")
    options = _check_options(body.options)
    with db.write_lock:
        cur = db.cursor()
        try:
            ev = evaluate_counties(
                body.system,
                years=body.years,
                options=options,
                con=cur,
                save_as=body.save_as,
                area=body.area,
            )
        except (TypeError, ValueError, KeyError) as exc:
            raise ConfigError(f"评价选项无效：{exc}") from exc
        finally:
            cur.close()
    d = ev.to_dict()
    audit(
        db,
        request,
        session,
        "evaluate",
        body.save_as,
        {"system": body.system, "years": body.years, "area": body.area, "options": options},
    )
    return m.EvaluationRunOut(
        name=body.save_as,
        system=d["system"],
        counties_by_year={str(k): int(v) for k, v in d["counties_by_year"].items()},
        dropped_optional=list(d["dropped_optional"]),
        excluded=int(d["excluded"]),
        area=d["area"],
        optional_coverage=d["optional_coverage"],
    )


@router.get("/evaluations", response_model=m.EvaluationList, summary="已保存的评价")
def evaluations(cur: Cursor, _: AnyUser) -> m.EvaluationList:
    df = stored.evaluation_list(cur)
    items = []
    for r in records(df):
        r["created_at"] = str(r["created_at"])
        r["years"] = [int(y) for y in (r.get("years") or [])]
        items.append(m.EvaluationItem(**r))
    return m.EvaluationList(items=items)


@router.get("/evaluations/{name}", response_model=m.ScorePage, summary="评价得分（分页）")
async def scores(
    name: EvalName,
    db: Db,
    cur: Cursor,
    _: AnyUser,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    province: Annotated[str | None, Query(max_length=32, description="省级代码或名称")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    stamp = await _stamp_or_404(db, cur, name)

    def page() -> m.ScorePage:
        s = scores_of(db, cur, name, stamp)
        y = int(s["year"].max()) if year is None and not s.empty else year
        s = s[s["year"] == y]
        if province:
            s = s[
                (s["province_code"] == province)
                | s["province_name"].fillna("").str.startswith(province)
            ]
        rows = s.iloc[offset : offset + limit]
        dims = [c for c in s.columns if c.startswith("dim:")]
        items = []
        for r in records(rows):
            r["dimensions"] = {d.removeprefix("dim:"): r.pop(d) for d in dims}
            items.append(m.ScoreItem(**r))
        return m.ScorePage(evaluation=name, total=len(s), limit=limit, offset=offset, items=items)

    return await cached_json_async(
        db, ("scores-page", name, stamp, year, province, limit, offset), page
    )


@router.get(
    "/evaluations/{name}/counties/{code}", response_model=m.CountyProfileOut, summary="县域画像"
)
async def county(
    name: EvalName,
    code: CountyCode,
    db: Db,
    cur: Cursor,
    _: AnyUser,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> Response:
    stamp = await _stamp_or_404(db, cur, name)

    def make() -> m.CountyProfileOut:
        s = scores_of(db, cur, name, stamp)
        if not (s["region_code"] == code).any():
            raise ApiError(404, "county_not_found", f"评价结果中没有县区 {code}")
        p = stored.county_profile(cur, name, code, year, scores=s)
        return m.CountyProfileOut(**clean(p.to_dict()))

    return await cached_json_async(db, ("profile", name, stamp, code, year), make)


def _xlsx_response(
    db: Database,
    request: Request,
    session: Session,
    kind: Kind,
    evaluation: str,
    write: Any,
    county: str | None = None,
    year: int | None = None,
) -> Response:
    with tempfile.TemporaryDirectory(prefix="xinzhi-export-") as tmp:
        path = Path(tmp) / "export.xlsx"
        write(path)
        body = path.read_bytes()
    audit_export(
        db, request, session, kind, fmt="xlsx", evaluation=evaluation, county=county, year=year
    )
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="xinzhi-export.xlsx"'},
    )


@router.get(
    "/evaluations/{name}/export.xlsx",
    response_class=Response,
    summary="导出评价结果（Excel）",
    responses={200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}},
)
def export(name: EvalName, request: Request, db: Db, cur: Cursor, session: AnyUser) -> Response:
    require_download(session.user, Kind.EVALUATION)
    s = scores_of(db, cur, name)
    return _xlsx_response(
        db,
        request,
        session,
        Kind.EVALUATION,
        name,
        lambda p: stored.export_stored_evaluation(cur, name, p, scores=s),
    )


@router.get(
    "/evaluations/{name}/counties/{code}/export.xlsx",
    response_class=Response,
    summary="导出县域画像（Excel）",
    responses={200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}},
)
def export_county(
    name: EvalName, code: CountyCode, request: Request, db: Db, cur: Cursor, session: AnyUser
) -> Response:
    require_download(session.user, Kind.PROFILE, code)
    s = scores_of(db, cur, name)
    if not (s["region_code"] == code).any():
        raise ApiError(404, "county_not_found", f"评价结果中没有县区 {code}")
    p = stored.county_profile(cur, name, code, scores=s)
    return _xlsx_response(
        db,
        request,
        session,
        Kind.PROFILE,
        name,
        lambda path: p.to_excel(path),
        county=code,
        year=p.year,
    )
