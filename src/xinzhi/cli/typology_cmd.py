"""``xinzhi typology``: county types (分类施策) with the evidence behind each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import echo_json, given
from xinzhi.cli._tables import checked_output, write_result


def typology(
    year: Annotated[
        int | None, typer.Option("--year", help="普查年份（2010 或 2020；默认 2020）")
    ] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="自定义规则 YAML（默认内置 rules.yaml）")
    ] = None,
    mixed_margin: Annotated[
        float | None,
        typer.Option(
            "--mixed-margin",
            help="不满足任何规则的县：典型度前两位相差小于此值时归为多元复合型（默认 0.05）",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="结果文件 .csv 或 .xlsx", callback=checked_output),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """县域类型判定：按规则给每个县一个主类型（及次类型）并列出依据；不满足任何规则的县按典型度归入最接近的类型或多元复合型。"""
    from xinzhi.pipelines.typology import classify_counties

    res = classify_counties(**given(year=year, mixed_margin=mixed_margin), rules=rules, db=db)
    if output is not None:
        write_result(res, output)
    if as_json:
        echo_json(res.to_dict())
        return
    typer.echo(res.summary())
    if output is not None:
        typer.echo(f"已写入 {output}")
