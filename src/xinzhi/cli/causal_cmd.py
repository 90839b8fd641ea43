"""``xinzhi causal did | cs | sc | sdid | check | pilots-import``: policy evaluation on a panel file.

Every estimator reads a long panel (one row per unit and year; csv / xlsx / parquet) and
writes its tables with ``--output`` (.xlsx: one sheet per table; .csv / .json / .parquet: the
long table of ``tidy()``). Formulas and assumptions: ``docs/causal.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import echo_json
from xinzhi.cli._tables import checked_output, write_result

app = typer.Typer(
    help="政策效果评估：双向固定效应与事件研究、Callaway–Sant'Anna、合成控制、合成双重差分；导入试点名单。",
    no_args_is_help=True,
)

_INPUT = Annotated[
    Path, typer.Option("--input", "-i", help="面板数据 csv/xlsx/parquet（一行一个单位一年）")
]
_UNIT = Annotated[str, typer.Option("--unit", help="单位（县）列名")]
_TIME = Annotated[str, typer.Option("--time", help="年份列名")]
_OUTCOME = Annotated[str, typer.Option("--outcome", help="结果变量列名")]
_COHORT = Annotated[str, typer.Option("--cohort", help="首次处理年份列名（0 或空 = 从未处理）")]
_OUTPUT = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="结果文件 .xlsx / .csv / .json / .parquet", callback=checked_output
    ),
]
_JSON = Annotated[bool, typer.Option("--json", help="输出 JSON（tidy 长表）")]


def _emit(res: object, output: Path | None, as_json: bool) -> None:
    if output is not None:
        write_result(res, output)
    if as_json:
        echo_json(res.tidy().to_dict(orient="records"))  # type: ignore[attr-defined]
        return
    typer.echo(res.summary())  # type: ignore[attr-defined]
    if output is not None:
        typer.echo(f"已写入 {output}")


def _names(text: str | None) -> list[str] | None:
    return [x.strip() for x in text.replace("，", ",").split(",") if x.strip()] if text else None


@app.command("cs")
def cs(
    input: _INPUT,
    unit: _UNIT,
    time: _TIME,
    cohort: _COHORT,
    outcome: _OUTCOME,
    control: Annotated[
        str, typer.Option("--control", help="对照组：never（从未处理）| notyet（尚未处理）")
    ] = "never",
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="乘数自助法次数（0 = 解析标准误）", min=0)
    ] = 0,
    seed: Annotated[int | None, typer.Option("--seed", help="自助法随机种子")] = None,
    output: _OUTPUT = None,
    as_json: _JSON = False,
) -> None:
    """Callaway–Sant'Anna：ATT(g,t) 及简单 / 按队列 / 按事件时间 / 按日历年汇总（含标准误）。"""
    from xinzhi.pipelines.causal import cs_file

    res = cs_file(
        input,
        unit=unit,
        time=time,
        cohort=cohort,
        outcome=outcome,
        control=control,  # type: ignore[arg-type]  # checked by the estimator
        bootstrap=bootstrap,
        seed=seed,
    )
    _emit(res, output, as_json)


@app.command("did")
def did(
    input: _INPUT,
    unit: _UNIT,
    time: _TIME,
    outcome: _OUTCOME,
    cohort: Annotated[
        str | None, typer.Option("--cohort", help="首次处理年份列名（给出时另做事件研究）")
    ] = None,
    treat: Annotated[
        str | None, typer.Option("--treat", help="0/1 处理列名（代替 --cohort）")
    ] = None,
    leads: Annotated[int, typer.Option("--leads", help="事件研究前导期数（端点合并）", min=2)] = 4,
    lags: Annotated[int, typer.Option("--lags", help="事件研究滞后期数（端点合并）", min=0)] = 4,
    output: _OUTPUT = None,
    as_json: _JSON = False,
) -> None:
    """双向固定效应 DiD（按单位聚类标准误）与事件研究（前导/滞后系数、预趋势联合检验）。"""
    from xinzhi.pipelines.causal import did_file

    res = did_file(
        input,
        unit=unit,
        time=time,
        outcome=outcome,
        cohort=cohort,
        treat=treat,
        leads=leads,
        lags=lags,
    )
    _emit(res, output, as_json)


@app.command("sc")
def sc(
    input: _INPUT,
    unit: _UNIT,
    time: _TIME,
    outcome: _OUTCOME,
    treated: Annotated[str, typer.Option("--treated", help="处理单位（--unit 列中的取值）")],
    treat_time: Annotated[int, typer.Option("--treat-time", help="处理起始年份")],
    donors: Annotated[
        str | None, typer.Option("--donors", help="供体单位，逗号分隔（默认其余全部单位）")
    ] = None,
    predictors: Annotated[
        str | None,
        typer.Option(
            "--predictors", help="预测变量列，逗号分隔（处理前均值；默认用处理前各年结果变量）"
        ),
    ] = None,
    placebo: Annotated[bool, typer.Option("--placebo/--no-placebo", help="空间安慰剂检验")] = True,
    leave_one_out: Annotated[
        bool, typer.Option("--leave-one-out/--no-leave-one-out", help="留一法稳健性")
    ] = True,
    refit: Annotated[
        bool, typer.Option("--refit", help="安慰剂与留一法各自重新优化 V（慢）")
    ] = False,
    output: _OUTPUT = None,
    as_json: _JSON = False,
) -> None:
    """合成控制（单个处理县）：供体权重、处理前拟合、空间安慰剂 p 值、留一法。"""
    from xinzhi.pipelines.causal import sc_file

    res = sc_file(
        input,
        unit=unit,
        time=time,
        outcome=outcome,
        treated=treated,
        treat_time=treat_time,
        donors=_names(donors),
        predictors=_names(predictors),
        placebo=placebo,
        leave_one_out=leave_one_out,
        refit=refit,
    )
    _emit(res, output, as_json)


@app.command("sdid")
def sdid(
    input: _INPUT,
    unit: _UNIT,
    time: _TIME,
    outcome: _OUTCOME,
    cohort: _COHORT,
    variance: Annotated[
        str | None,
        typer.Option(
            "--variance", help="placebo | jackknife（默认：1 个处理单位用 placebo，否则 jackknife）"
        ),
    ] = None,
    replications: Annotated[
        int, typer.Option("--replications", help="安慰剂方差的重复次数", min=10)
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="安慰剂抽样随机种子")] = 0,
    output: _OUTPUT = None,
    as_json: _JSON = False,
) -> None:
    """合成双重差分（Arkhangelsky 等 2021）：单位与时间权重、加权双向固定效应估计与标准误。"""
    from xinzhi.pipelines.causal import sdid_file

    res = sdid_file(
        input,
        unit=unit,
        time=time,
        outcome=outcome,
        cohort=cohort,
        variance=variance,
        replications=replications,
        seed=seed,
    )
    _emit(res, output, as_json)


@app.command("check")
def check(
    input: _INPUT,
    unit: _UNIT,
    time: _TIME,
    cohort: _COHORT,
    outcome: _OUTCOME,
    permutations: Annotated[
        int, typer.Option("--permutations", help="随机化推断的置换次数", min=1)
    ] = 999,
    shift: Annotated[int, typer.Option("--shift", help="安慰剂时点：处理提前的年数", min=1)] = 2,
    seed: Annotated[int, typer.Option("--seed", help="置换随机种子")] = 0,
    output: _OUTPUT = None,
    as_json: _JSON = False,
) -> None:
    """稳健性检验：各估计量比较（TWFE / CS / SDID / SC）、随机化推断、安慰剂时点。"""
    from xinzhi.pipelines.causal import checks_file

    res = checks_file(
        input,
        unit=unit,
        time=time,
        cohort=cohort,
        outcome=outcome,
        permutations=permutations,
        shift=shift,
        seed=seed,
    )
    _emit(res, output, as_json)


@app.command("pilots-import")
def pilots_import(
    file: Annotated[Path, typer.Argument(help="试点名单 CSV/XLSX（县、政策、开始年份）")],
    policy: Annotated[
        str | None, typer.Option("--policy", help="政策名称（文件没有“政策/试点名称”列时必填）")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="数据来源名称（默认按文件名）")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel 工作表名称或序号")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    as_json: _JSON = False,
) -> None:
    """导入试点名单（县、政策、开始年份）：县名经区划库识别；读入 = 载入 + 隔离 + 跳过。"""
    from dataclasses import asdict

    from xinzhi.pipelines.causal import import_pilot_file
    from xinzhi.pipelines.uploads import reason_tables

    rep = import_pilot_file(file, policy=policy, source=source, sheet=sheet, db=db)
    if as_json:
        echo_json(asdict(rep))
        return
    verb = "已导入" if rep.status == "loaded" else "文件未变化，未重复导入"
    typer.echo(f"{verb}：{rep.file_name}（来源 {rep.source}，批次 {rep.batch_id}）")
    typer.echo(
        f"读入 {rep.rows_read} 行 = 载入 {rep.rows_loaded} + 隔离 {rep.rows_quarantined}"
        f" + 跳过 {rep.rows_skipped}"
    )
    quarantined, skipped = reason_tables(rep)
    for what, table in (("隔离", quarantined), ("跳过", skipped)):
        for reason, n in zip(table["reason"], table["rows"], strict=True):
            typer.echo(f"  {what} {n:>8} 行：{reason}")
    for w in rep.warnings:
        typer.echo(f"注意：{w}")
