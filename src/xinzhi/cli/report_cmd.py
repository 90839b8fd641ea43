"""``xinzhi report``: the Chinese county report (PDF/HTML) or a province batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import echo_json, given
from xinzhi.errors import InputError


def report(
    county: Annotated[
        str | None, typer.Option("--county", help="县级单位名称或区划代码（如 湘潭县、430321）")
    ] = None,
    province: Annotated[
        str | None, typer.Option("--province", help="省份名称（批量：每县一份报告 + 省级汇总）")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="报告年份（默认评价中最新的年份）")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="县域报告文件 .pdf/.html；省级批量时为输出目录"),
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="省级批量的报告格式：pdf（默认）或 html")
    ] = None,
    evaluation: Annotated[
        str | None,
        typer.Option(
            "--evaluation",
            help="读取数据仓库中以此名称保存的评价（xinzhi evaluate --save 名称；默认 "
            "nqpf-county）；没有时若为内置指标体系名，则按其默认选项测度并保存",
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="省级批量的并行进程数（默认至多 2）")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """县域新质生产力报告（中文 PDF/HTML）：得分与排名、能力雷达图、短板、类型、对标、路径、地图。"""
    if (county is None) == (province is None):
        raise InputError("请指定 --county（单个县）或 --province（全省批量）之一")
    from xinzhi.pipelines.report import write_county_report, write_province_reports

    if county is not None:
        out = output or Path(f"{county}-{year or '最新'}-新质生产力报告.pdf")
        data = write_county_report(county, year, out, db=db, **given(evaluation=evaluation))
        if as_json:
            echo_json({**data.to_dict(), "file": str(out)})
            return
        typer.echo(data.headline())
        for n in data.notes:
            typer.echo(f"注：{n}")
        typer.echo(f"报告已写入 {out}")
        return
    assert province is not None
    res = write_province_reports(
        province,
        year,
        output or Path(f"{province}-报告"),
        db=db,
        workers=workers,
        **given(fmt=fmt, evaluation=evaluation),
    )
    if as_json:
        echo_json(res.to_dict())
        return
    typer.echo(res.summary())
