"""Pydantic models of the API's requests and responses (the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from xinzhi.registry.defaults import DEFAULT_SYSTEM


class ErrorBody(BaseModel):
    code: str
    message: str
    candidates: list[str] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: str
    version: str


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: str


class UserOut(BaseModel):
    user_id: int
    username: str
    role: str
    role_label: str
    county_code: str | None = None
    disabled: bool
    created_at: str | None = None


class LoginResponse(BaseModel):
    user: UserOut
    csrf_token: str
    expires_at: str


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=8, max_length=1024)
    role: str = Field(pattern="^(admin|analyst|county)$")
    county: str | None = Field(default=None, max_length=64)


class UserRole(BaseModel):
    role: str = Field(pattern="^(admin|analyst|county)$")
    county: str | None = Field(default=None, max_length=64)


class Message(BaseModel):
    message: str


class Page(BaseModel):
    total: int
    limit: int
    offset: int


class RegionItem(BaseModel):
    code: str
    name: str | None = None
    level: str | None = None
    type: str | None = None
    province_code: str | None = None
    province_name: str | None = None
    prefecture_code: str | None = None
    prefecture_name: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    status: str | None = None


class RegionPage(Page):
    items: list[RegionItem]


class ResolvedRegion(BaseModel):
    code: str
    name: str
    full_name: str
    level: str
    type: str
    province_code: str
    province_name: str
    prefecture_code: str | None = None
    prefecture_name: str | None = None
    valid_from: int
    valid_to: int | None = None
    note: str = ""
    status: str = "ok"


class IndicatorItem(BaseModel):
    code: str
    name_zh: str
    unit: str | None = None
    direction: str | None = None
    dimension: str | None = None
    source: str | None = None
    definition: str | None = None


class IndicatorList(BaseModel):
    items: list[IndicatorItem]


class ObservationItem(BaseModel):
    region_code: str
    year: int
    indicator: str
    value: float | None = None
    batch_id: int
    source: str


class ObservationPage(Page):
    items: list[ObservationItem]


class BatchItem(BaseModel):
    batch_id: int
    file_name: str
    source: str
    imported_at: str
    user_name: str | None = None
    format: str | None = None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    values_loaded: int
    status: str
    superseded_by: int | None = None
    uploaded_by: str | None = None
    county_code: str | None = None


class BatchPage(Page):
    items: list[BatchItem]


class ImportReportOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    file_name: str
    source: str
    format: str
    status: str
    batch_id: int | None = None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    quarantined_by_reason: dict[str, int] = {}
    skipped_by_reason: dict[str, int] = {}
    values_loaded: int = 0
    warnings: list[str] = []
    rows_not_stored: int = 0


class PurgeOut(BaseModel):
    batch_id: int
    rows_deleted: int
    message: str


class EvaluationRunRequest(BaseModel):
    system: str = Field(default=DEFAULT_SYSTEM, max_length=64)
    years: list[int] | None = Field(default=None, max_length=50)
    options: dict[str, Any] | None = None
    save_as: str = Field(min_length=1, max_length=64)
    area: str | None = Field(default=None, max_length=200)
    """评价范围: a province or prefecture (name or code) or counties separated by commas."""


class EvaluationRunOut(BaseModel):
    name: str
    system: str
    counties_by_year: dict[str, int]
    dropped_optional: list[str]
    excluded: int
    area: str | None = None
    optional_coverage: dict[str, float] = {}


class EvaluationItem(BaseModel):
    name: str
    system: str
    created_at: str
    user_name: str | None = None
    units: int | None = None
    years: list[int] = []


class EvaluationList(BaseModel):
    items: list[EvaluationItem]


class ScoreItem(BaseModel):
    region_code: str
    name: str | None = None
    province_name: str | None = None
    prefecture_name: str | None = None
    year: int
    score: float
    rank: int
    province_rank: int
    percentile: float
    dimensions: dict[str, float | None]


class ScorePage(Page):
    evaluation: str
    items: list[ScoreItem]


class DimensionScore(BaseModel):
    dimension: str
    score: float


class Shortfall(BaseModel):
    shortfall: str
    obstacle: float


class CountyProfileOut(BaseModel):
    evaluation: str
    system: str
    region_code: str
    name: str | None = None
    province_name: str | None = None
    prefecture_name: str | None = None
    year: int
    years: list[int]
    score: float
    rank: int
    province_rank: int
    percentile: float
    counties: int
    dimensions: list[DimensionScore]
    shortfalls: list[Shortfall]


class DagumOut(BaseModel):
    evaluation: str
    group: str
    overall: list[dict[str, Any]]
    within: list[dict[str, Any]]
    between: list[dict[str, Any]]
    notes: list[str] = []


class MarkovOut(BaseModel):
    evaluation: str
    k: int
    classification: str
    harmonised_to: int | None
    years: list[int]
    units: int
    transitions: list[dict[str, Any]]
    steady_state: list[dict[str, Any]]
    notes: list[str] = []


class MoranOut(BaseModel):
    evaluation: str
    year: int
    statistics: dict[str, Any]
    left_out: list[str]
    notes: list[str] = []


class ConvergenceOut(BaseModel):
    evaluation: str
    harmonised_to: int | None
    units: int
    sigma: list[dict[str, Any]]
    beta: dict[str, Any]
    coefficients: list[dict[str, Any]]
    notes: list[str] = []


class IOSector(BaseModel):
    code: str
    name: str
    backward: float
    forward_leontief: float
    forward_ghosh: float
    key_sector: bool
    type: str


class IOOut(BaseModel):
    table: str
    forward: str
    sectors: list[IOSector]
    lead_links: list[dict[str, Any]]


class SpecializationRow(BaseModel):
    section: str
    share: float
    national_share: float
    lq: float


class SpecializationOut(BaseModel):
    region_code: str
    year: int
    items: list[SpecializationRow]


class AuditItem(BaseModel):
    audit_id: int
    at: str
    user_name: str | None = None
    action: str
    target: str | None = None
    detail: dict[str, Any] = {}
    ip: str | None = None


class AuditPage(Page):
    items: list[AuditItem]


class OptionInfo(BaseModel):
    """One option of a declared analysis (:class:`xinzhi.registry.Option`)."""

    name: str
    label: str
    type: str
    default: Any
    required: bool
    choices: list[str] | None
    minimum: float | None
    maximum: float | None
    help: str


class AnalysisInfo(BaseModel):
    """One declared analysis (:class:`xinzhi.registry.Analysis`)."""

    key: str
    family: str
    title: str
    formula: str
    reference_test: str
    scope: str
    route: str | None
    action: str | None
    options: list[OptionInfo]


class AnalysisOut(BaseModel):
    """Result of a declared analysis: its tables (English column names), notes and summary."""

    key: str
    title: str
    options: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    notes: list[str] = []
    summary: str


class DataValueItem(BaseModel):
    """One current value of a county with its provenance (:func:`xinzhi.pipelines.my_data.
    county_values`)."""

    indicator: str
    name_zh: str
    unit: str = ""
    kind: str
    year: int
    value: float | None = None
    source: str
    batch_id: int
    file_name: str | None = None
    imported_at: str | None = None
    imported_by: str | None = None


class DataValues(BaseModel):
    """The values of one county: ``columns`` gives each field's Chinese label."""

    columns: dict[str, str]
    items: list[DataValueItem]


class CorrectionIn(BaseModel):
    """A corrected value of one cell (county, indicator, year), in the indicator's unit."""

    county: str = Field(min_length=1, max_length=64, description="县区名称或 6 位代码")
    indicator: str = Field(min_length=1, max_length=64, description="指标代码")
    year: int
    value: float
    note: str = Field(default="", max_length=500, description="更正说明（来源、原因）")


class MappingIn(BaseModel):
    """Map user indicator ``code`` to catalogue indicator ``target``."""

    code: str = Field(min_length=1, max_length=64, description="用户指标代码")
    target: str = Field(min_length=1, max_length=64, description="目录指标代码")


class DataChangeOut(BaseModel):
    """The batch a correction or mapping wrote and its import report in Chinese."""

    batch_id: int | None = None
    summary: str
    values_loaded: int
    indicators_loaded: list[str] = []
    superseded: list[int] = []
    warnings: list[str] = []


class CatalogueChoice(BaseModel):
    code: str
    label: str


class CatalogueChoices(BaseModel):
    items: list[CatalogueChoice]
