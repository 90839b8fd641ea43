"""``xinzhi regions resolve | list``: region codes, names and history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import echo_json, given
from xinzhi.config import output_path
from xinzhi.errors import InputError

app = typer.Typer(help="行政区划：名称与代码解析、区划列表。", no_args_is_help=True)

_LEVEL_HELP = "层级：county（县级）、prefecture（地级）、province（省级）或 all"


@app.command("resolve")
def resolve_cmd(
    names: Annotated[list[str], typer.Argument(help="区划名称或代码，可多个")],
    year: int | None = typer.Option(None, "--year", help="目标年份（默认最新，2024）"),
    parent: str | None = typer.Option(
        None, "--parent", help="上级省或地级市（名称或代码），用于消歧"
    ),
    level: str | None = typer.Option(
        None, "--level", help="限定层级：county / prefecture / province"
    ),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """把名称或代码解析为目标年份的区划代码；有无法解析的项时退出码为 2。"""
    from xinzhi.pipelines.regions import resolve_names

    res = resolve_names(names, year, parent=parent, level=level)
    if as_json:
        shown = res.drop(columns="resolved")
        echo_json(shown.astype(object).where(shown.notna(), None).to_dict(orient="records"))
    else:
        recs = res.to_dict(orient="records")
        for r in recs:
            if r["resolved"]:
                line = f"{r['code']}  {r['full_name']}  {r['type']}  {r['status']}"
                typer.echo(line + (f"  {r['message']}" if r["message"] else ""))
        for r in recs:
            if not r["resolved"]:
                typer.secho(f"错误：{r['input']}：{r['message']}", fg=typer.colors.RED, err=True)
    if not res["resolved"].all():
        raise typer.Exit(2)


@app.command("list")
def list_cmd(
    year: int | None = typer.Option(None, "--year", help="年份（年末在用的区划；默认 2024）"),
    province: str | None = typer.Option(None, "--province", help="只列某省（名称或代码）"),
    level: str | None = typer.Option(None, "--level", help=_LEVEL_HELP + "（默认 county）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
    output: Annotated[
        Path | None, typer.Option("--output", help="写入 CSV 文件（UTF-8 BOM）")
    ] = None,
) -> None:
    """列出某年在用的区划。"""
    from xinzhi.pipelines.regions import list_regions

    out = list_regions(**given(year=year, province=province, level=level))
    if output is not None:
        if output.suffix.lower() != ".csv":
            raise InputError(f"--output 只支持 .csv 文件：{output}")
        output_path(output)
        out.to_csv(output, index=False, encoding="utf-8-sig")
        typer.echo(f"已写入 {len(out)} 个区划到 {output}")
        return
    if as_json:
        echo_json(out.to_dict(orient="records"))
        return
    full = out["province_name"] + out["prefecture_name"].fillna("").where(
        out["level"] == "county", ""
    )
    for code, pre, name, typ in zip(out["code"], full, out["name"], out["type"], strict=True):
        label = name if pre == name else f"{pre}{name}"
        typer.echo(f"{code}  {label}  {typ}")
    shown_year = out.attrs.get("year", year)
    typer.echo(f"共 {len(out)} 个区划（{shown_year} 年）")
