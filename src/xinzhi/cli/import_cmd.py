"""``xinzhi import FILE``: load a user table into the warehouse and print the import report."""

from __future__ import annotations

from pathlib import Path

import typer

from xinzhi.cli._common import echo_json
from xinzhi.ingest import import_file


def import_command(
    file: Path = typer.Argument(..., help="CSV 或 XLSX 文件"),
    fmt: str | None = typer.Option(
        None, "--format", help="wide（宽表：行=县，列=指标）或 long（长表：地区/年份/指标/数值）；默认自动识别"
    ),
    year: int | None = typer.Option(None, "--year", help="宽表没有“年份”列时的年份"),
    source: str | None = typer.Option(
        None, "--source", help="数据来源名称（默认：文件名）；同一来源的新文件替代旧批次"
    ),
    sheet: str | None = typer.Option(None, "--sheet", help="Excel 工作表名称或序号（从 0 起）"),
    aliases: Path | None = typer.Option(None, "--aliases", help="指标别名 YAML（别名: 指标编码）"),
    db: Path | None = typer.Option(None, "--db", help="DuckDB 数据仓库文件"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """导入统计表（CSV/XLSX，宽表或长表）到数据仓库，并打印导入报告。"""
    report = import_file(
        file, fmt=fmt, year=year, source=source, sheet=sheet, aliases=aliases, db=db
    )
    if as_json:
        echo_json(report.to_dict())
    else:
        typer.echo(report.summary())
