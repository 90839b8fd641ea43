"""Monitoring and early warning (监测预警; issue #17) over REST.

``GET /api/monitor/matrix`` (counties × indicators, five colours with the rule of each cell),
``GET /api/monitor/counties/{county}`` (the drill-down: digest, series with the Sen line,
trends, change points, the composite warning index) and its workbook
``…/{county}/digest.xlsx``, ``GET /api/monitor/targets`` and ``PUT /api/monitor/targets`` (one
yearly target typed in).

The routes only parse and answer: the numbers come from :mod:`xinzhi.pipelines.monitor`
through :mod:`xinzhi.pipelines.monitor_views`, which also holds the access check (a county
account sees and edits its own county only; 403 otherwise) and which the page 监测预警 calls
too. A target typed in is written under the server's write lock and to the audit log (action
``target_set``, target ``target:<county>:<indicator>:<year>``); the digest workbook is a
download of kind ``report`` (a county's file: own county only), audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as FPath
from pydantic import BaseModel, Field

from xinzhi.api._util import XLSX, audit, audit_export, clean, file_route, records, xlsx_response
from xinzhi.api.deps import AnyUser, Cursor, Database, Db
from xinzhi.auth.policy import Kind, require_download
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import monitor_views as mv

router = APIRouter(tags=["监测预警"])


County = Annotated[
    str, FPath(min_length=1, max_length=40, description="县级单位：名称或 6 位区划代码")
]


class SignalQuery(BaseModel):
    """Options of the five-colour signals (unset: the pipeline's defaults)."""

    method: str | None = Field(
        default=None,
        pattern=r"^(sigma|quantile|target)$",
        description="阈值：sigma（历史均值 ± kσ，默认）、quantile（历史分位数）、target（年度目标）",
    )
    basis: str | None = Field(
        default=None,
        pattern=r"^(growth|level)$",
        description="历史阈值的口径：growth（同比增速，默认）或 level（水平值）",
    )
    system: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{0,60}$",
        description="内置指标体系（默认 nqpf-county）",
    )
    indicators: str | None = Field(
        default=None, max_length=2000, description="指标编码或名称，逗号分隔"
    )
    k1: float | None = Field(default=None, ge=0.1, le=5.0, description="黄/浅蓝界（σ 倍数）")
    k2: float | None = Field(default=None, ge=0.2, le=10.0, description="红/蓝界（σ 倍数）")
    window: int | None = Field(default=None, ge=2, le=30, description="历史窗口（年）")
    year: int | None = Field(default=None, ge=1981, le=2100, description="年份（默认：最新）")

    def options(self) -> dict[str, Any]:
        return {
            k: v for k, v in self.model_dump().items() if k != "year" and v is not None and v != ""
        }


Signal = Annotated[SignalQuery, Depends()]


# ----------------------------------------------------------------------------- models
class MatrixCell(BaseModel):
    region_code: str
    county: str | None
    indicator: str
    indicator_name: str
    direction: str
    value: float | None = Field(description="数值")
    basis_value: float | None = Field(description="监测值（增速或水平值）")
    centre: float | None = Field(description="基准：均值、中位数或目标")
    score: float | None = Field(description="偏离得分")
    signal: str = Field(description="红 / 黄 / 绿 / 浅蓝 / 蓝；空：无信号")
    meaning: str | None
    rule: str | None = Field(description="判定规则（或无信号的原因）")


class IndicatorInfo(BaseModel):
    indicator: str
    indicator_name: str
    direction: str


class MatrixOut(BaseModel):
    year: int
    years: list[int] = Field(description="有信号的年份")
    method: str
    county: str | None = Field(description="县区用户：只含本县区")
    colours: dict[str, str] = Field(description="颜色 → 十六进制色值")
    indicators: list[IndicatorInfo]
    cells: list[MatrixCell]
    index: list[dict[str, Any]] = Field(description="综合预警指数（该年）")
    info: list[dict[str, Any]] = Field(description="方法、判定规则与依据")
    summary: str
    notes: list[str]


class CountyOut(BaseModel):
    region_code: str
    county: str
    year: int
    summary: str
    digest: list[dict[str, Any]] = Field(description="指标变化：上年与本年信号、变化、趋势、变点")
    series: list[dict[str, Any]] = Field(description="历年数值与 Sen 斜率线")
    trends: list[dict[str, Any]]
    index: list[dict[str, Any]] = Field(description="综合预警指数（历年）")
    notes: list[str]


class TargetRow(BaseModel):
    region_code: str
    indicator: str
    indicator_name: str
    year: int
    value: float
    account: str | None
    entered_at: str | None
    source: str = Field(description="填写 / 导入")


class TargetList(BaseModel):
    items: list[TargetRow]


class TargetIn(BaseModel):
    county: str | None = Field(
        default=None, max_length=40, description="县级单位（县区用户可省略：本县区）"
    )
    indicator: str = Field(min_length=1, max_length=80, description="指标编码或名称")
    year: int = Field(ge=1981, le=2200, description="目标年份")
    value: float | None = Field(description="目标值（指标目录的单位；空：清除该目标）")


class TargetOut(BaseModel):
    region_code: str
    county: str
    indicator: str
    year: int
    value: float | None
    account: str


# ----------------------------------------------------------------------------- helpers
def _cached(db: Database, cur: Any, key: tuple[Any, ...], make: Any) -> Any:
    """``make()`` cached per warehouse version (imports and targets, :func:`monitor_stamp`)."""
    return db.cached(("monitor", mv.monitor_stamp(cur), *key), make)


def _notes(synthetic: bool, notes: Any) -> list[str]:
    return ([SYNTHETIC_NOTE] if synthetic else []) + [str(n) for n in notes]


def _county_view(db: Database, cur: Any, session: Any, county: str, q: SignalQuery) -> Any:
    opts = q.options()
    # the access check runs on every request (not only on a cache miss)
    code = mv.check_county(cur, session.user, county)
    key = ("county", code, q.year, tuple(sorted(opts.items())))
    return _cached(
        db, cur, key, lambda: mv.county_view(cur, session.user, code, year=q.year, **opts)
    )


# ----------------------------------------------------------------------------- routes
@router.get("/monitor/matrix", response_model=MatrixOut, summary="五色信号矩阵（县 × 指标）")
def matrix(db: Db, cur: Cursor, session: AnyUser, q: Signal) -> MatrixOut:
    """Every county the account sees × the monitored indicators in one year: the colour, the
    monitored value and the rule that gave it; the composite warning index."""
    opts = q.options()
    scope = mv.monitor_scope(session.user)
    key = ("matrix", scope, q.year, tuple(sorted(opts.items())))
    res = _cached(db, cur, key, lambda: mv.signal_matrix(cur, session.user, year=q.year, **opts))
    return MatrixOut(
        year=res.year,
        years=res.years,
        method=res.method,
        county=res.county,
        colours=mv.COLOUR_HEX,
        indicators=[IndicatorInfo(**r) for r in records(res.indicators)],
        cells=[MatrixCell(**r) for r in records(res.cells[list(MatrixCell.model_fields)])],
        index=records(res.index),
        info=records(res.info),
        summary=res.summary,
        notes=_notes(res.synthetic, res.notes),
    )


@router.get(
    "/monitor/matrix.xlsx",
    **file_route("五色信号矩阵（Excel）", XLSX, "工作簿：信号矩阵、信号明细、综合预警指数、说明"),
)
def matrix_xlsx(request: Request, db: Db, cur: Cursor, session: AnyUser, q: Signal) -> Response:
    """The matrix the account sees as a workbook (a county account: its own county's row);
    written to the audit log (kind ``analysis``, ``analysis:monitor-signals``)."""
    opts = q.options()
    scope = mv.monitor_scope(session.user)
    key = ("matrix", scope, q.year, tuple(sorted(opts.items())))
    res = _cached(db, cur, key, lambda: mv.signal_matrix(cur, session.user, year=q.year, **opts))
    require_download(session.user, Kind.ANALYSIS)
    body = mv.matrix_workbook(res)
    audit_export(
        db,
        request,
        session,
        Kind.ANALYSIS,
        fmt="xlsx",
        year=res.year,
        rows=len(res.cells),
        analysis="monitor-signals",
    )
    return xlsx_response(body, f"五色信号矩阵_{res.year}.xlsx")


@router.get(
    "/monitor/counties/{county}", response_model=CountyOut, summary="县域监测：简报、趋势与变点"
)
def county_detail(county: County, db: Db, cur: Cursor, session: AnyUser, q: Signal) -> CountyOut:
    """One county: what turned red or blue, what improved or worsened (against the year
    before), the series with the Sen line, Mann–Kendall verdicts, change points and the
    composite warning index by year. County accounts: their own county only."""
    v = _county_view(db, cur, session, county, q)
    dg = v.digest
    return CountyOut(
        region_code=v.region_code,
        county=v.county,
        year=dg.year,
        summary=dg.summary(),
        digest=records(dg.tidy()),
        series=records(v.series),
        trends=records(v.trends),
        index=records(v.index),
        notes=_notes(dg.synthetic, dg.notes),
    )


@router.get(
    "/monitor/counties/{county}/digest.xlsx",
    **file_route("县域监测简报（Excel）", XLSX, "工作簿：指标变化、综合预警指数、说明"),
)
def digest_xlsx(
    county: County, request: Request, db: Db, cur: Cursor, session: AnyUser, q: Signal
) -> Response:
    """The digest as a workbook (Chinese headers); a county account: its own county only.
    Written to the audit log (kind ``report``)."""
    v = _county_view(db, cur, session, county, q)
    require_download(session.user, Kind.REPORT, v.region_code)
    body = mv.digest_workbook(v.digest)
    audit_export(
        db,
        request,
        session,
        Kind.REPORT,
        fmt="xlsx",
        evaluation="monitor-digest",
        county=v.region_code,
        year=v.digest.year,
        rows=len(v.digest.table),
        analysis="monitor-digest",
    )
    return xlsx_response(body, f"监测简报_{v.county}_{v.digest.year}.xlsx")


@router.get("/monitor/targets", response_model=TargetList, summary="年度目标")
def list_targets(
    cur: Cursor,
    session: AnyUser,
    county: Annotated[
        str | None, Query(max_length=40, description="县级单位（名称或 6 位代码）")
    ] = None,
) -> TargetList:
    """The current yearly targets: of ``county`` (a county account: its own county only; other
    counties 403), or every county's (admin, analyst)."""
    t = mv.target_table(cur, session.user, county)
    rows = records(t.assign(entered_at=t["entered_at"].astype(str)))
    return TargetList(items=[TargetRow(**r) for r in rows])


@router.put("/monitor/targets", response_model=TargetOut, summary="填写年度目标")
def put_target(body: TargetIn, request: Request, db: Db, session: AnyUser) -> TargetOut:
    """Record one yearly target (``value`` null clears it): accounts that enter data, a county
    account for its own county only. Written to the audit log (``target_set``)."""
    with db.writing() as cur:
        row = mv.edit_target(cur, session.user, body.county, body.indicator, body.year, body.value)
    audit(
        db,
        request,
        session,
        "target_set",
        f"target:{row['region_code']}:{row['indicator']}:{row['year']}",
        {"value": row["value"], "via": "api"},
    )
    return TargetOut(**clean(row))
