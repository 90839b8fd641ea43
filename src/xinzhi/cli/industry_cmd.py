"""``xinzhi industry complexity | specialization | shiftshare | io``."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from xinzhi.cli._tables import checked_output, read_table, write_result, write_table
from xinzhi.errors import InputError
from xinzhi.registry.industry import IO

app = typer.Typer(
    help="产业分析：经济复杂度与关联度、专业化、偏离-份额分析、投入产出关联。",
    no_args_is_help=True,
)


def _echo_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        typer.secho(f"提示：{w.message}", fg=typer.colors.YELLOW, err=True)


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
        str, typer.Option("--convention", help="计算口径：stata（默认）或 py-ecomplexity")
    ] = "stata",
    threshold: Annotated[
        float, typer.Option("--threshold", help="RCA 阈值：M = 1[RCA ≥ 阈值]")
    ] = 1.0,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="输出文件（.csv/.xlsx/.json）", callback=checked_output),
    ] = None,
) -> None:
    """经济复杂度（ECI/PCI）、密度、COI、COG（Hidalgo & Hausmann 2009；Stata ecomplexity 口径）。"""
    from xinzhi.industry.complexity import TIDY_COLUMNS, complexity

    if convention not in ("stata", "py-ecomplexity"):
        raise InputError(f"未知的口径 --convention {convention}（可选 stata、py-ecomplexity）")
    data = read_table(input, [location, product])
    if year and year in data.columns:
        data[year] = pd.to_numeric(data[year], errors="raise")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = complexity(
            data,
            location=location,
            product=product,
            value=value,
            year=year,
            convention=convention,  # type: ignore[arg-type]
            threshold=threshold,
        )
    _echo_warnings(caught)
    tidy = res.tidy()[TIDY_COLUMNS]
    typer.echo(res.summary())
    if output is not None:
        write_table(tidy, output)
        typer.echo(f"已写出 {len(tidy)} 行到 {output}")


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
        str,
        typer.Option(
            "--reference", help="参照区域：national（全部地区合计）或 group:列名（如省份）"
        ),
    ] = "national",
) -> None:
    """区位熵（LQ）、Hoover/Krugman 专业化指数、HHI、熵、区位基尼系数。"""
    from xinzhi.industry.specialization import specialization

    group: str | None = None
    if reference.startswith("group:"):
        group = reference.split(":", 1)[1]
        ref = "group"
    elif reference == "national":
        ref = "national"
    else:
        raise InputError(f"未知的参照方式 --reference {reference}（可选 national 或 group:列名）")
    data = read_table(input, [location, industry] + ([group] if group else []))
    res = specialization(
        data, location=location, industry=industry, value=value, reference=ref, group=group
    )
    typer.echo(res.summary())
    tidy = res.tidy().merge(res.regions().drop(columns="total"), on="location", how="left")
    write_result(res, output, tidy)
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
        str,
        typer.Option("--method", help="classic（Dunn）| esteban-marquillas | dynamic（逐年加总）"),
    ] = "classic",
) -> None:
    """偏离-份额分析：全国增长份额、产业结构效应、区域竞争效应（及配置效应）。"""
    from xinzhi.industry.shiftshare import shift_share

    if method not in ("classic", "esteban-marquillas", "dynamic"):
        raise InputError(
            f"未知的方法 --method {method}（可选 classic、esteban-marquillas、dynamic）"
        )
    data = read_table(input, [location, industry])
    res = shift_share(
        data,
        location=location,
        industry=industry,
        value=value,
        year=year,
        base=base,
        final=final,
        method=method,  # type: ignore[arg-type]
    )
    typer.echo(res.summary())
    write_result(res, output)
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
