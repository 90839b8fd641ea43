"""``xinzhi data values | correct | map``: a county's own data, visible and fixable.

The same three tasks as the section 本县数据 of the web page 数据 and the routes
``/api/data/*``, through :mod:`xinzhi.pipelines.my_data`. The command line acts as the local
administrator ``cli:<system user>`` (:func:`xinzhi.pipelines.my_data.local_user`): whoever
runs it holds the warehouse file, so it sees and corrects every county; that name goes into the
new batch (导入人) and the audit log. A correction or a mapping is a new import batch — the
value it replaces stays in its batch. Errors are printed in Chinese and exit with status 2.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import db_connection, echo_json
from xinzhi.cli._tables import checked_output, write_table

__all__ = ["app"]

app = typer.Typer(
    help="本县数据：查看数值及其来源（批次、导入人），更正一个数值，把用户指标对应为目录指标。",
    no_args_is_help=True,
)

_DB = Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")]
_JSON = Annotated[bool, typer.Option("--json", help="输出 JSON")]

_SHOWN = ["name_zh", "indicator", "year", "value", "unit", "kind", "batch_id", "imported_by"]
"""Columns printed on the terminal (the file and JSON outputs have every column)."""


@app.command("values")
def values_cmd(
    county: Annotated[str, typer.Option("--county", help="县级单位（名称或 6 位区划代码）")],
    year: Annotated[int | None, typer.Option("--year", help="年份（不填为全部年份）")] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="写出 .csv/.xlsx/.json/.parquet（列：indicator, name_zh, unit, kind, year, "
            "value, source, batch_id, file_name, imported_at, imported_by）",
            callback=checked_output,
        ),
    ] = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """列出一个县的当前数值：指标、单位、类别（目录指标/用户指标）、年份、数值、来源、批次、导入时间与导入人。"""
    from xinzhi.pipelines.my_data import VALUE_COLUMNS, county_values, local_user

    with db_connection(db) as con:
        table = county_values(con, local_user(), county, year=year)
    if as_json:
        echo_json(table.to_dict(orient="records"))
    elif output is None:
        if table.empty:
            typer.echo("没有数值")
        else:
            shown = table[_SHOWN].rename(columns={**VALUE_COLUMNS, "indicator": "代码"})
            typer.echo(shown.to_string(index=False))
    if output is not None:
        write_table(table, output)
        if not as_json:
            typer.echo(f"已写出 {output}（{len(table)} 个数值）")


@app.command("correct")
def correct_cmd(
    county: Annotated[str, typer.Option("--county", help="县级单位（名称或 6 位区划代码）")],
    indicator: Annotated[str, typer.Option("--indicator", help="指标代码（如 gdp）")],
    year: Annotated[int, typer.Option("--year", help="年份")],
    value: Annotated[float, typer.Option("--value", help="正确的数值（按指标的单位）")],
    note: Annotated[str, typer.Option("--note", help="更正说明（来源、原因）")] = "",
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """更正一个数值：保存为新的导入批次（被替代的数值留在原批次中），写入审计日志。"""
    from xinzhi.pipelines.my_data import correct_value, local_user

    with db_connection(db) as con:
        report = correct_value(con, local_user(), county, indicator, year, value, note=note)
    if as_json:
        echo_json(asdict(report))
        return
    typer.echo(report.summary())


@app.command("map")
def map_cmd(
    code: Annotated[str, typer.Argument(help="用户指标代码（导入报告“新指标”中的代码）")],
    target: Annotated[str, typer.Argument(help="目录指标代码（如 industrial_va_above_scale）")],
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """把用户指标对应为目录指标：其数值按目录指标的单位换算后另存为新批次（用户指标的数值保留）。"""
    from xinzhi.pipelines.my_data import local_user, map_user_indicator

    with db_connection(db) as con:
        report = map_user_indicator(con, local_user(), code, target)
    if as_json:
        echo_json(asdict(report))
        return
    typer.echo(report.summary())
