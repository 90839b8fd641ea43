"""``xinzhi audit``: statistical audit of an index (JRC/OECD handbook, COINr): indicator
statistics, correlation flags, Cronbach's α, PCA, effective contributions, Monte Carlo rank
intervals and Sobol indices (docs/audit.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xinzhi.cli._common import echo_json
from xinzhi.cli._tables import checked_output, write_result, write_table


def _levels(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(v.strip() for v in text.replace("，", ",").split(",") if v.strip())


def _checked_chart(path: Path | None) -> Path | None:
    """The chart must be an ``.svg`` in an existing directory (checked before any work)."""
    if path is None:
        return None
    from xinzhi.config import output_path
    from xinzhi.errors import InputError

    if path.suffix.lower() != ".svg":
        raise InputError(f"排名区间图只能写成 .svg 文件，收到 {path.name}")
    output_path(path)
    return path


def audit(
    system: Annotated[
        str | None, typer.Option("--system", help="指标体系：内置名称或 YAML 文件路径")
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="宽表（csv/xlsx）：unit/地区 列、可选 year/年份 列、每个指标一列；不填则审计数据仓库中的县",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="审计的年份（默认最新）")] = None,
    normalization: Annotated[
        str | None, typer.Option("--normalization", help="基准评价的标准化（默认体系设置）")
    ] = None,
    weights: Annotated[
        str | None, typer.Option("--weights", help="基准评价的赋权（默认体系设置）")
    ] = None,
    aggregate: Annotated[
        str | None, typer.Option("--aggregate", help="基准评价的集成方法（默认体系设置）")
    ] = None,
    n: Annotated[
        int, typer.Option("--n", min=2, help="蒙特卡洛基础样本数 N（共 N·(k+2) 次运行）")
    ] = 1000,
    pct: Annotated[
        float, typer.Option("--pct", min=0.0, max=0.99, help="权重扰动幅度 p：w·U(1−p, 1+p)")
    ] = 0.25,
    normalizations: Annotated[
        str, typer.Option("--normalizations", help="参与不确定性分析的标准化方法（逗号分隔）")
    ] = "minmax,zscore,vector",
    weightings: Annotated[
        str, typer.Option("--weightings", help="参与不确定性分析的赋权方法（逗号分隔）")
    ] = "entropy,critic,equal",
    aggregations: Annotated[
        str, typer.Option("--aggregations", help="参与不确定性分析的集成方法（逗号分隔）")
    ] = "weighted-sum,topsis",
    imputations: Annotated[
        str | None,
        typer.Option("--imputations", help="插补方法 mean,median（默认：有缺失时两者都参与）"),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="随机数种子")] = 0,
    uncertainty: Annotated[
        bool, typer.Option("--uncertainty/--no-uncertainty", help="是否做不确定性与敏感性分析")
    ] = True,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", help="结果：.xlsx 全部工作表，.csv/.json 指标表", callback=checked_output
        ),
    ] = None,
    intervals_output: Annotated[
        Path | None,
        typer.Option("--intervals-output", help="排名区间表输出文件", callback=checked_output),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="排名区间图（SVG）输出文件", callback=_checked_chart),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="在标准输出打印 JSON")] = False,
) -> None:
    """指数统计审计：指标统计与离群值、相关性、克朗巴赫 α、主成分、有效贡献、不确定性与 Sobol 敏感性。"""
    from xinzhi.pipelines.audit import audit_counties, audit_table

    options = {"normalization": normalization, "weights": weights, "aggregate": aggregate}
    kw: dict[str, Any] = {
        "uncertainty": uncertainty,
        "n": n,
        "pct": pct,
        "normalizations": _levels(normalizations),
        "weights": _levels(weightings),
        "aggregations": _levels(aggregations),
        "imputations": _levels(imputations),
        "seed": seed,
    }
    if input_file is None:
        res = audit_counties(system or "nqpf-county", options, year=year, db=db, **kw)
    else:
        if system is None:
            from xinzhi.errors import InputError

            raise InputError("请用 --system 指定指标体系（内置名称或 YAML 文件）")
        res = audit_table(input_file, system, options, year=year, **kw)
    if output is not None:
        write_result(res, output)
    if intervals_output is not None and res.rank_intervals is not None:
        write_table(res.rank_intervals, intervals_output)
    if chart is not None:
        chart.write_text(res.rank_interval_svg(), encoding="utf-8")
    if as_json:
        echo_json({name: t.to_dict(orient="records") for name, t in res.tables().items()})
        return
    typer.echo(res.summary())
    for path in (output, intervals_output, chart):
        if path is not None:
            typer.echo(f"已写出 {path}")
