"""``xinzhi industry map`` (三级产业图谱) and ``xinzhi industry chain`` (产业链补链与招商线索).

Registered on the ``industry`` sub-app in :mod:`xinzhi.cli`; thin wrappers around
:mod:`xinzhi.pipelines.industry`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xinzhi.cli._common import echo_json, given, json_text
from xinzhi.cli._tables import checked_output, write_result
from xinzhi.config import output_path
from xinzhi.errors import InputError

__all__ = ["chain_cmd", "map_cmd"]


def _write(result: Any, output: Path) -> None:
    if output.suffix.lower() == ".json":  # the whole result, not only its main table
        output_path(output)
        output.write_text(json_text(result.to_dict()), encoding="utf-8")
    else:
        write_result(result, output)
    typer.echo(f"已写出 {output}")


def map_cmd(
    county: Annotated[str, typer.Option("--county", help="县级单位名称或 6 位区划代码")],
    year: Annotated[
        int | None, typer.Option("--year", help="人口普查年份（门类层级；默认 2020）")
    ] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="section（门类，人口普查，默认）| division（大类，企业记录）"),
    ] = None,
    io_table: Annotated[
        str | None,
        typer.Option(
            "--io-table",
            help="产业关联用的全国投入产出表：2017-42、2018-42、2020-42（默认）、2018-153、2020-153",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", help="输出文件（.xlsx 全部表 / .csv / .json）", callback=checked_output
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="以 JSON 打印结果")] = False,
) -> None:
    """主导—配套—潜力三级产业图谱（RCA、投入产出关联、密度），附象限图数据。"""
    from xinzhi.pipelines.industry import county_industry_map

    res = county_industry_map(county, **given(year=year, level=level, io_table=io_table))
    if json_out:
        echo_json(res.to_dict())
    else:
        typer.echo(res.summary())
    if output is not None:
        _write(res, output)


def chain_cmd(
    county: Annotated[
        str | None, typer.Option("--county", help="县级单位名称或 6 位区划代码")
    ] = None,
    chain: Annotated[
        str | None, typer.Option("--chain", help="产业链模板：名称、key 或 YAML 文件")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="列出内置产业链模板")] = False,
    year: Annotated[
        int | None, typer.Option("--year", help="人口普查年份（门类参考数据；默认 2020）")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", help="输出文件（.xlsx 全部表 / .csv / .json）", callback=checked_output
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="以 JSON 打印结果")] = False,
) -> None:
    """产业链环节、补链缺口、邻县同质化预警、链主与招商线索。"""
    if list_:
        from xinzhi.pipelines.industry_reference import chain_templates

        table = chain_templates()
        if json_out:
            echo_json(table.to_dict("records"))
            return
        for r in table.itertuples():
            typer.echo(f"{r.key:<24}{r.name}（{r.type}，{r.segments} 个环节）  来源：{r.sources}")
        return
    if not county or not chain:
        raise InputError("请同时给出 --county 与 --chain（或用 --list 查看可选产业链）")
    from xinzhi.pipelines.industry import county_chain

    res = county_chain(county, chain, **given(year=year))
    if json_out:
        echo_json(res.to_dict())
    else:
        typer.echo(res.summary())
    if output is not None:
        _write(res, output)
