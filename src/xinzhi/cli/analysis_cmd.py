"""``xinzhi analysis list | <key> …``: one command per declaration of :mod:`xinzhi.registry`.

The options of each command are derived from the declaration (flag, type, Chinese help, choices,
default), so a new analysis appears here by being declared — no hand-written command. Every
command validates its options before opening the warehouse, calls the declaration's pipeline and
writes the result's tables (``--output`` .csv/.xlsx/.json: the first table; .xlsx: every table)
or prints them as JSON (``--json``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from xinzhi import registry
from xinzhi.cli._common import echo_json
from xinzhi.cli._tables import checked_output, write_table

app = typer.Typer(
    help="登记表中的全部分析：每项分析一条命令，选项来自其声明（xinzhi analysis list 查看）。",
    no_args_is_help=True,
)

_OUTPUT = inspect.Parameter(
    "output",
    inspect.Parameter.KEYWORD_ONLY,
    default=None,
    annotation=Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="结果表（.csv/.json 第一张表；.xlsx 全部表，中文表头）",
            callback=checked_output,
        ),
    ],
)
_JSON = inspect.Parameter(
    "as_json",
    inspect.Parameter.KEYWORD_ONLY,
    default=False,
    annotation=Annotated[bool, typer.Option("--json", help="在终端输出 JSON（全部表）")],
)


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出登记的分析、选项及默认值。"""
    items = [
        {
            "key": a.key,
            "family": a.family,
            "title": a.title,
            "formula": a.formula,
            "reference_test": a.reference_test,
            "options": {o.name: o.default for o in a.options},
        }
        for a in registry.analyses()
    ]
    if as_json:
        echo_json(items)
        return
    for a in registry.analyses():
        typer.echo(f"{a.key:16s} {a.title}（{registry.FAMILIES[a.family]}）")
        for o in a.options:
            req = "必填" if o.required else ("可不填" if o.default is None else f"默认 {o.default}")
            typer.echo(f"    {o.flag:18s} {o.label}：{req}")


def _parameter(o: registry.Option) -> inspect.Parameter:
    kind: Any = o.type if o.type is not bool else bool
    if o.type is bool:
        flag = f"{o.flag}/--no-{o.flag[2:]}"
        opt = typer.Option(flag, help=f"{o.describe()}；默认 {'是' if o.default else '否'}")
    else:
        suffix = (
            "（必填）"
            if o.required
            else ("（可不填）" if o.default is None else f"；默认 {o.default}")
        )
        opt = typer.Option(o.flag, help=o.describe() + suffix)
    return inspect.Parameter(
        o.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[kind | None, opt],
    )


def declared_command(analysis: registry.Analysis) -> Callable[..., None]:
    def command(**given: Any) -> None:
        output: Path | None = given.pop("output")
        as_json: bool = given.pop("as_json")
        options = analysis.resolve(given)  # every option checked before any work
        # imported when a command runs: `xinzhi --help` stays fast
        from xinzhi.pipelines.analyses import run_declared

        res = run_declared(analysis, options)
        tables = res.tables()
        if as_json:
            echo_json({name: t.to_dict(orient="records") for name, t in tables.items()})
        else:
            typer.echo(res.summary())
        if output is not None:
            if output.suffix.lower() == ".xlsx":
                res.to_excel(output)
            else:
                write_table(next(iter(tables.values())), output)
            if not as_json:
                typer.echo(f"已写出 {output}")

    params = [_parameter(o) for o in analysis.options] + [_OUTPUT, _JSON]
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__doc__ = (
        f"{analysis.title}（{registry.FAMILIES[analysis.family]}；公式见 {analysis.doc}，"
        f"参考测试 {analysis.reference_test}）。"
    )
    return command


for _a in registry.analyses():
    app.command(_a.key)(declared_command(_a))
