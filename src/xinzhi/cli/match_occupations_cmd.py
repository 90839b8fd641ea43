"""``xinzhi match occupations``: job titles → 国家职业分类大典 2022 codes (registered by
:mod:`xinzhi.cli.match_cmd`).

Stable contract: ``--input FILE --column NAME --output FILE`` writes the input table with the
columns ``code, name, score, top5`` added (top5: five 大典 codes joined by ";").
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import given
from xinzhi.cli._tables import checked_output, write_table


def occupations_cmd(
    input: Annotated[Path, typer.Option("--input", help="含职位名称的表（CSV/XLSX/Parquet）")],
    column: Annotated[str, typer.Option("--column", help="职位名称所在的列名")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", help="输出文件（.csv/.xlsx/.json/.parquet）", callback=checked_output
        ),
    ],
    embedder: Annotated[
        str | None,
        typer.Option("--embedder", help="语义模型：e5（默认，较准）或 use（较快）"),
    ] = None,
) -> None:
    """职位名称 → 职业分类大典（2022）编码：加列 code、name、score、top5（五个候选编码，以 ; 分隔）。"""
    from xinzhi.pipelines.match_occupations import classify_table

    res = classify_table(input, column, **given(embedder=embedder))
    for note in res.notes:
        typer.secho(f"提示：{note}", fg=typer.colors.YELLOW, err=True)
    typer.echo(res.summary())
    write_table(res.table, output)
    typer.echo(f"已写出 {len(res.table)} 行到 {output}")


def register(app: typer.Typer) -> None:
    """Add this part's commands to the ``xinzhi match`` group."""
    app.command("occupations")(occupations_cmd)
