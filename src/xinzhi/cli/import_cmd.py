"""``xinzhi import FILE``: load a user table into the warehouse and print the import report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import echo_json


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV 或 XLSX 文件")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="wide（宽表：行=县，列=指标）或 long（长表：地区/年份/指标/数值）；默认自动识别",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="宽表没有“年份”列时的年份")] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="数据来源名称（默认：文件名）；同一来源的新文件替代旧批次"),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Excel 工作表名称或序号（从 0 起）")
    ] = None,
    aliases: Annotated[
        Path | None, typer.Option("--aliases", help="指标别名 YAML（别名: 指标编码）")
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="替换公共数据来源（如 census2020）的现有批次；新批次须覆盖原批次至少一半的地区和指标",
        ),
    ] = False,
    harmonise: Annotated[
        bool,
        typer.Option(
            "--harmonise",
            help="把数据年份已不存在的地区名称或代码（如 2022 年的崇文区）对应到承继区划；"
            "默认隔离并说明沿革",
        ),
    ] = False,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """导入统计表（CSV/XLSX，宽表或长表）到数据仓库，并打印导入报告。"""
    from xinzhi.pipelines.imports import import_statistics_file

    report = import_statistics_file(
        file,
        fmt=fmt,
        year=year,
        source=source,
        sheet=sheet,
        aliases=aliases,
        db=db,
        replace=replace,
        harmonise=harmonise,
    )
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(report.summary())
