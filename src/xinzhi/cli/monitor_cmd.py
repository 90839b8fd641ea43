"""``xinzhi monitor signals | trend | digest | targets-import | targets``.

The three analyses are the declarations of family ``monitor`` in :mod:`xinzhi.registry` (the
same commands as ``xinzhi analysis monitor-signals`` …, options derived from the declaration);
``targets-import`` loads a table of yearly targets (年度目标) into the warehouse and ``targets``
lists the current ones.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from xinzhi import registry
from xinzhi.cli._common import echo_json
from xinzhi.cli._tables import checked_output, write_table
from xinzhi.cli.analysis_cmd import declared_command

app = typer.Typer(
    help="监测预警：五色信号与综合预警指数、趋势检验与变点、县域监测简报；导入与查看年度目标。",
    no_args_is_help=True,
)

_NAMES = {"monitor-signals": "signals", "monitor-trend": "trend", "monitor-digest": "digest"}
for _a in registry.analyses("monitor"):
    app.command(_NAMES.get(_a.key, _a.key))(declared_command(_a))

_DB = Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")]
_JSON = Annotated[bool, typer.Option("--json", help="输出 JSON")]


@app.command("targets-import")
def targets_import(
    file: Annotated[
        Path,
        typer.Argument(help="年度目标 CSV/XLSX（一行一县一指标一年：地区、指标、年份、目标值）"),
    ],
    source: Annotated[
        str | None,
        typer.Option("--source", help="数据来源名称（默认按文件名；新文件替代同来源旧批次）"),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel 工作表名称或序号")] = None,
    harmonise: Annotated[
        bool, typer.Option("--harmonise", help="已撤销或更名的区县按承继区划导入")
    ] = False,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """导入各县年度目标（年度目标）：读入行数 = 载入 + 隔离（原因）+ 跳过（原因）。"""
    from xinzhi.pipelines.monitor import import_targets_file

    rep = import_targets_file(file, source=source, sheet=sheet, harmonise=harmonise, db=db)
    if as_json:
        echo_json(asdict(rep))
        return
    typer.echo(rep.summary())


@app.command("targets")
def targets_list(
    county: Annotated[
        str | None, typer.Option("--county", help="县级单位（名称或 6 位代码；不填则全部）")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写出 .csv/.xlsx/.json", callback=checked_output),
    ] = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """列出当前有效的年度目标（导入的与网页填写的，后填写者优先）。"""
    from xinzhi.pipelines.monitor import targets_table

    table = targets_table(county, db=db)
    if as_json:
        echo_json(table.to_dict(orient="records"))
    elif output is None:
        typer.echo(table.to_string(index=False) if len(table) else "没有年度目标")
    if output is not None:
        write_table(table, output)
        if not as_json:
            typer.echo(f"已写出 {output}（{len(table)} 条目标）")
