"""``xinzhi demo``: the main job on public data, end to end.

Steps, in order (each takes a :class:`DemoContext` and returns an object with ``.summary()`` and
``.to_dict()``):

1. build the warehouse — verify the public files, load the region registry and both censuses;
2. evaluate every county with the built-in ``nqpf-county`` system (2010 and 2020 pooled), store
   the result in the warehouse as ``nqpf-county`` and write an Excel workbook; then print the
   县域 top 20 of the latest year (县域口径: 县, 县级市, 自治县, 旗 …, no 市辖区;
   :func:`xinzhi.pipelines.ranking.county_ranking`);
3. enterprise: a synthetic registry of 湘潭县 (示例数据) and its 亩均 evaluation;
4. policy: synthetic policy facts of 湘潭县 (示例数据) and the check of its firms against the real
   documents that apply to 湘潭县 (:data:`DEMO_POLICY_DOCUMENTS`), written as a workbook;
5. talent: a synthetic talent base of 湘潭县 (示例数据) and its 紧缺人才目录;
6. county contiguity: the queen weights of every county, written to the cache
   (``$XINZHI_CACHE/weights``) so that the web server of a new installation does not compute
   them at its first start (pages 区域差异 and 产业);
7. (last) write one example county report (湘潭县 2020, PDF) into the output directory.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from xinzhi import config, store
from xinzhi.pipelines.enterprise import mujun_scores
from xinzhi.pipelines.evaluation import CountyEvaluation, evaluate_counties
from xinzhi.pipelines.firms import generate_firms
from xinzhi.pipelines.policy import generate_policy_facts, policy_check
from xinzhi.pipelines.ranking import Ranking, county_ranking
from xinzhi.pipelines.report import write_county_report
from xinzhi.pipelines.spatial import warm_county_weights
from xinzhi.pipelines.talent import generate_talent_base, shortage_catalogue
from xinzhi.pipelines.warehouse import WarehouseSummary, build_warehouse
from xinzhi.registry.defaults import DEFAULT_EVALUATION, DEFAULT_SYSTEM
from xinzhi.report.model import CountyReportData

if TYPE_CHECKING:
    from xinzhi.regions.weights import SpatialWeights

__all__ = [
    "DEMO_COUNTY",
    "DEMO_EVALUATION",
    "DEMO_FIRMS",
    "DEMO_POLICY_DATE",
    "DEMO_POLICY_DOCUMENTS",
    "DEMO_STEPS",
    "DEMO_TOP",
    "DemoContext",
    "DemoReport",
    "DemoStep",
    "DemoWeights",
    "demo_report",
    "run_demo",
]

DEMO_EVALUATION = DEFAULT_EVALUATION
"""Name under which the demo stores its evaluation in the warehouse: the one reports, pages and
the API read unless told otherwise."""


@dataclass(frozen=True)
class DemoContext:
    """Where the warehouse, the public data and the output files are."""

    db_path: Path
    data_dir: Path | None
    output_dir: Path


class StepResult(Protocol):
    def summary(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DemoStep:
    """One step of ``xinzhi demo``: a Chinese title and a function of the context."""

    title: str
    run: Callable[[DemoContext], StepResult]


@dataclass
class DemoEvaluation:
    """The evaluation step's result: the evaluation and the workbook written."""

    evaluation: CountyEvaluation
    workbook: Path

    def summary(self) -> str:
        return self.evaluation.summary() + f"\n结果工作簿：{self.workbook}"

    def to_dict(self) -> dict[str, Any]:
        return {**self.evaluation.to_dict(), "workbook": str(self.workbook)}


def _warehouse_step(ctx: DemoContext) -> WarehouseSummary:
    return build_warehouse(ctx.db_path, ctx.data_dir)


def _evaluation_step(ctx: DemoContext) -> DemoEvaluation:
    ev = evaluate_counties(DEFAULT_SYSTEM, db=ctx.db_path, save_as=DEMO_EVALUATION)
    book = ev.to_excel(ctx.output_dir / "县域新质生产力指数.xlsx")
    return DemoEvaluation(ev, book)


DEMO_TOP = 20
"""Length of the 县域 top list the demo prints."""


@dataclass
class DemoRanking:
    """The demo's ranking step: the 县域 ranking of the stored evaluation (top :data:`DEMO_TOP`)."""

    ranking: Ranking

    def summary(self) -> str:
        return self.ranking.summary(DEMO_TOP)

    def to_dict(self) -> dict[str, Any]:
        d = self.ranking.to_dict()
        d["items"] = self.ranking.top(DEMO_TOP).to_dict("records")
        return d


def _ranking_step(ctx: DemoContext) -> DemoRanking:
    con = store.connect(ctx.db_path)
    try:
        return DemoRanking(county_ranking(con, evaluation=DEMO_EVALUATION, basis="county"))
    finally:
        con.close()


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
    evaluation: str = DEMO_EVALUATION,
) -> DemoReport:
    """Write the example county report (湘潭县 2020) of ``xinzhi demo`` into ``output_dir``."""
    code, year = DEMO_COUNTY
    out = config.output_path(output_dir, "输出目录")
    out.mkdir(exist_ok=True)
    path = out / f"{code}-湘潭县-{year}-新质生产力报告.pdf"
    data = write_county_report(code, year, path, db=db, evaluation=evaluation, data_dir=data_dir)
    return DemoReport(data, path)


DEMO_FIRMS = 3_000
"""Synthetic firms of the demo county (示例数据, seed 1)."""


@dataclass
class DemoEnterprise:
    """The enterprise step's result: the 亩均 evaluation of the demo county and its workbook."""

    result: Any
    workbook: Path

    def summary(self) -> str:
        return self.result.summary() + f"\n亩均效益评价工作簿（示例数据）：{self.workbook}"

    def to_dict(self) -> dict[str, Any]:
        counts = self.result.class_counts()
        return {
            "county": self.result.county,
            "year": self.result.year,
            "preset": self.result.preset.key,
            "synthetic": bool(self.result.synthetic),
            "firms": len(self.result.table),
            "classes": counts.to_dict(orient="records"),
            "workbook": str(self.workbook),
        }


def _enterprise_step(ctx: DemoContext) -> DemoEnterprise:
    code, _ = DEMO_COUNTY
    firms = ctx.db_path.with_name(f"demo-firms-{code}.parquet")
    generate_firms(firms, n=DEMO_FIRMS, seed=1, county=code, load=True, db=ctx.db_path)
    con = store.connect(ctx.db_path)
    try:
        res = mujun_scores(con, county=code)
    finally:
        con.close()
    book = res.to_excel(ctx.output_dir / f"{code}-湘潭县-{res.year}-亩均效益评价（示例数据）.xlsx")
    return DemoEnterprise(res, book)


DEMO_POLICY_DOCUMENTS = ("xiangtan-county-2022-baishiyi", "xiangtan-2022-zhaoshang")
"""The real documents the demo checks 湘潭县's firms against: 湘潭县 2022 百十亿 (region 430321)
and 湘潭市 2022 招商 (region 4303), both in force from 2022 with no end date."""

DEMO_POLICY_DATE = dt.date(2025, 6, 30)
"""Assessment date of the demo's policy check (data year 2024, the last synthetic year)."""


@dataclass
class DemoPolicy:
    """The policy step's result: the check of the demo county's firms and its workbook."""

    result: Any
    workbook: Path

    def counts(self) -> dict[str, int]:
        """Rows by status (符合, 可能符合, 不符合)."""
        status = self.result.tidy()["status"].astype(str)
        return {s: int((status == s).sum()) for s in ("符合", "可能符合", "不符合")}

    def amount(self) -> float:
        """Total of the 符合 rows' amounts (upper end, 万元)."""
        t = self.result.tidy()
        return float(t.loc[t["status"].astype(str) == "符合", "amount_max"].fillna(0).sum())

    def summary(self) -> str:
        counts = "，".join(f"{k} {v} 条" for k, v in self.counts().items())
        return (
            f"政策匹配（示例数据，湘潭县，{len(DEMO_POLICY_DOCUMENTS)} 个文件）：{counts}；"
            f"符合金额合计 {self.amount():,.2f} 万元\n政策匹配工作簿（示例数据）：{self.workbook}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "county": DEMO_COUNTY[0],
            "on": DEMO_POLICY_DATE.isoformat(),
            "documents": list(DEMO_POLICY_DOCUMENTS),
            "synthetic": True,
            "counts": self.counts(),
            "amount_total": self.amount(),
            "workbook": str(self.workbook),
        }


def _policy_step(ctx: DemoContext) -> DemoPolicy:
    code, _ = DEMO_COUNTY
    con = store.connect(ctx.db_path)
    try:
        generate_policy_facts(con, county=code, on=DEMO_POLICY_DATE)
        res = policy_check(
            con, county=code, on=DEMO_POLICY_DATE, documents=list(DEMO_POLICY_DOCUMENTS)
        )
    finally:
        con.close()
    book = res.to_excel(ctx.output_dir / f"{code}-湘潭县-政策匹配（示例数据）.xlsx")
    return DemoPolicy(res, book)


DEMO_TALENT_DATE = dt.date(2025, 6, 30)
"""The day the demo's talent base and shortage catalogue are made for (fixed: reproducible)."""


@dataclass
class DemoTalent:
    """The talent step's result: the shortage catalogue of the demo county's synthetic base."""

    result: Any
    workbook: Path
    talents: int
    jobs: int

    def summary(self) -> str:
        c = self.result.catalogue
        short = int(c["shortage"].sum())
        return (
            f"人才库（示例数据，湘潭县）：{self.talents} 名人才、{self.jobs} 个岗位；紧缺职业 {short} 个"
            f"（共 {len(c)} 个有岗位的职业）\n紧缺人才目录（示例数据）：{self.workbook}"
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.result.catalogue
        return {
            "county": DEMO_COUNTY[0],
            "synthetic": True,
            "talents": self.talents,
            "jobs": self.jobs,
            "occupations": len(c),
            "shortage": int(c["shortage"].sum()),
            "workbook": str(self.workbook),
        }


def _talent_step(ctx: DemoContext) -> DemoTalent:
    code, _ = DEMO_COUNTY
    con = store.connect(ctx.db_path)
    try:
        talents, jobs = generate_talent_base(con, county=code, seed=1, as_of=DEMO_TALENT_DATE)
        res = shortage_catalogue(con, county=code, as_of=DEMO_TALENT_DATE)
    finally:
        con.close()
    book = res.to_excel(ctx.output_dir / f"{code}-湘潭县-紧缺人才目录（示例数据）.xlsx")
    return DemoTalent(res, book, talents.rows_loaded, jobs.rows_loaded)


@dataclass
class DemoWeights:
    """The contiguity step's result: the queen weights of every county (now in the cache)."""

    weights: SpatialWeights

    def summary(self) -> str:
        return self.weights.summary() + "\n已写入缓存：网页“区域差异”“产业”首次打开时不再计算邻接"

    def to_dict(self) -> dict[str, Any]:
        return {"units": len(self.weights.ids), "islands": list(self.weights.islands)}


def _weights_step(ctx: DemoContext) -> DemoWeights:
    return DemoWeights(warm_county_weights(ctx.data_dir))


def _report_step(ctx: DemoContext) -> StepResult:
    return demo_report(ctx.db_path, ctx.data_dir, ctx.output_dir, DEMO_EVALUATION)


DEMO_STEPS: list[DemoStep] = [
    DemoStep("构建数据仓库（区划 + 六普/七普分县数据）", _warehouse_step),
    DemoStep("县域新质生产力指数（nqpf-county，2010 与 2020 混合测度）", _evaluation_step),
    DemoStep(f"县域排名前 {DEMO_TOP}（县域口径，不含市辖区）", _ranking_step),
    DemoStep("企业亩均效益评价（湘潭县 430321，示例数据）", _enterprise_step),
    DemoStep("政策匹配（免申即享；湘潭县 430321，示例数据）", _policy_step),
    DemoStep("人才库与紧缺人才目录（湘潭县 430321，示例数据）", _talent_step),
    DemoStep("县级空间邻接（queen，供网页使用并缓存）", _weights_step),
    DemoStep("示例县域报告（湘潭县 430321，2020 年，PDF）", _report_step),
]
"""Ordered steps of ``xinzhi demo``."""


def run_demo(
    db_path: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    output_dir: str | os.PathLike[str] = "xinzhi-output",
    steps: list[DemoStep] | None = None,
) -> list[tuple[str, StepResult]]:
    """Run the demo steps in order; return (title, result) pairs.

    ``output_dir`` is created (its parent must exist: a mistyped path is refused, not created
    with all its parents)."""
    out = config.output_path(output_dir, "输出目录")
    out.mkdir(exist_ok=True)
    ctx = DemoContext(config.db_path(db_path), config.data_dir(data_dir), out)
    return [(s.title, s.run(ctx)) for s in (steps if steps is not None else DEMO_STEPS)]
