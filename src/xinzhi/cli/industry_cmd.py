"""``xinzhi industry complexity | specialization | shiftshare | io``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import given
from xinzhi.cli._tables import checked_output, write_result, write_table
from xinzhi.registry.industry import IO

app = typer.Typer(
    help="产业分析：经济复杂度与关联度、专业化、偏离-份额分析、投入产出关联。",
    no_args_is_help=True,
)


@app.command("complexity")
def complexity_cmd(
    input: Annotated[
        Path, typer.Option("--input", help="长表文件（CSV/XLSX）：地区、产品、数值[、年份]")
    ],
    location: Annotated[str, typer.Option("--location", help="地区列名")],
    product: Annotated[str, typer.Option("--product", help="产品/产业列名")],
    value: Annotated[str, typer.Option("--value", help="数值列名（出口额、产值、就业等）")],
    year: Annotated[str | None, typer.Option("--year", help="年份列名（可选；逐年计算）")] = None,
    convention: Annotated[
        str | None, typer.Option("--convention", help="计算口径：stata（默认）或 py-ecomplexity")
    ] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="RCA 阈值：M = 1[RCA ≥ 阈值]（默认 1）")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="输出文件（.csv/.xlsx/.json）", callback=checked_output),
    ] = None,
) -> None:
    """经济复杂度（ECI/PCI）、密度、COI、COG（Hidalgo & Hausmann 2009；Stata ecomplexity 口径）。"""
    from xinzhi.pipelines.industry_tables import complexity_table

    res = complexity_table(
        input,
        location,
        product,
        value,
        year,
        **given(convention=convention, threshold=threshold),
    )
    for note in res.notes:
        typer.secho(f"提示：{note}", fg=typer.colors.YELLOW, err=True)
    typer.echo(res.result.summary())
    if output is not None:
        from xinzhi.cli._arrow_tables import write_arrow

        table = res.arrow()  # built from the arrays: no pandas frame of millions of rows
        write_arrow(table, output)
        typer.echo(f"已写出 {table.num_rows} 行到 {output}")


@app.command("specialization")
def specialization_cmd(
    input: Annotated[Path, typer.Option("--input", help="长表文件（CSV/XLSX）：地区、产业、数值")],
    location: Annotated[str, typer.Option("--location", help="地区列名")],
    industry: Annotated[str, typer.Option("--industry", help="产业列名")],
    value: Annotated[str, typer.Option("--value", help="数值列名（就业、产值等）")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", help="输出文件（.csv/.xlsx/.json；.xlsx 含全部表）", callback=checked_output
        ),
    ],
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference",
            help="参照区域：national（全部地区合计，默认）或 group:列名（如省份）",
        ),
    ] = None,
) -> None:
    """区位熵（LQ）、Hoover/Krugman 专业化指数、HHI、熵、区位基尼系数。"""
    from xinzhi.pipelines.industry_tables import specialization_table

    res = specialization_table(input, location, industry, value, **given(reference=reference))
    typer.echo(res.result.summary())
    write_result(res.result, output, res.table)
    typer.echo(f"已写出 {output}")


@app.command("shiftshare")
def shiftshare_cmd(
    input: Annotated[
        Path, typer.Option("--input", help="长表文件（CSV/XLSX）：地区、产业、年份、数值")
    ],
    location: Annotated[str, typer.Option("--location", help="地区列名")],
    industry: Annotated[str, typer.Option("--industry", help="产业列名")],
    value: Annotated[str, typer.Option("--value", help="数值列名")],
    year: Annotated[str, typer.Option("--year", help="年份列名")],
    base: Annotated[int, typer.Option("--base", help="基期年份")],
    final: Annotated[int, typer.Option("--final", help="末期年份")],
    output: Annotated[
        Path, typer.Option("--output", help="输出文件（.csv/.xlsx/.json）", callback=checked_output)
    ],
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            help="classic（Dunn，默认）| esteban-marquillas | dynamic（逐年加总）",
        ),
    ] = None,
) -> None:
    """偏离-份额分析：全国增长份额、产业结构效应、区域竞争效应（及配置效应）。"""
    from xinzhi.pipelines.industry_tables import shiftshare_table

    res = shiftshare_table(
        input, location, industry, value, year, base, final, **given(method=method)
    )
    typer.echo(res.result.summary())
    write_result(res.result, output, res.table)
    typer.echo(f"已写出 {output}")


def _io_help(option: str) -> str:
    o = IO.option(option)
    return f"{o.describe()}；默认 {o.default}"


@app.command("io")
def io_cmd(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            help="输出文件（.csv/.xlsx/.json；.xlsx 含全部矩阵）",
            callback=checked_output,
        ),
    ],
    table: Annotated[str | None, typer.Option("--table", help=_io_help("table"))] = None,
    lead: Annotated[str | None, typer.Option("--lead", help=_io_help("lead"))] = None,
    forward: Annotated[str | None, typer.Option("--forward", help=_io_help("forward"))] = None,
    imports: Annotated[str | None, typer.Option("--imports", help=_io_help("imports"))] = None,
    top: Annotated[int | None, typer.Option("--top", help=_io_help("top"))] = None,
) -> None:
    """投入产出关联：直接消耗系数、Leontief 逆、Ghosh 逆、影响力/感应度系数、关键部门。"""
    options = IO.resolve(
        {"table": table, "lead": lead, "forward": forward, "imports": imports, "top": top}
    )
    res = IO.run(None, **options)
    typer.echo(res.summary())
    write_result(res, output)
    if lead is not None and output.suffix.lower() != ".xlsx":  # the workbook has its own sheet
        links = output.with_name(output.stem + "_lead" + output.suffix)
        write_table(res.lead_links, links)
        typer.echo(f"主导部门上下游已写出到 {links}")
    typer.echo(f"已写出 {output}")
