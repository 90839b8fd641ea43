"""``xinzhi datasets list | fetch | verify``."""

from __future__ import annotations

from typing import Annotated

import typer

from xinzhi.cli._common import echo_json
from xinzhi.errors import DataUnavailableError, IntegrityError

app = typer.Typer(help="公共数据集：列出、下载（校验 sha256）、校验。", no_args_is_help=True)


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出已登记的公共数据集。"""
    from xinzhi.pipelines.public_data import dataset_catalogue

    rows = dataset_catalogue()
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        src = f"{r['repo']}@{str(r['commit'])[:7]}" if r["repo"] else "仅镜像"
        typer.echo(f"{r['name']:<28} {r['files']:>4} 个文件  {src:<40} {r['title']}")


@app.command("fetch")
def fetch_cmd(
    names: Annotated[list[str] | None, typer.Argument(help="数据集名称；省略则全部")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """获取数据集（优先使用镜像目录，否则下载），并校验 sha256。"""
    from xinzhi.pipelines.public_data import fetch_datasets

    got = fetch_datasets(names)
    if as_json:
        echo_json(got)
        return
    typer.echo(f"已就绪 {len(got)} 个文件（sha256 全部校验通过）。")


@app.command("verify")
def verify_cmd(
    names: Annotated[list[str] | None, typer.Argument(help="数据集名称；省略则全部")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """校验本地已有文件的 sha256（不下载）。有文件缺失或不符则退出码 2。"""
    from xinzhi.pipelines.public_data import verify_datasets

    res = verify_datasets(names)
    missing, mismatch = res.counts.get("missing", 0), res.counts.get("mismatch", 0)
    if as_json:
        echo_json(res.files)
    else:
        label = {"ok": "通过", "missing": "缺失", "mismatch": "不符"}
        for f in res.files:
            if f["status"] != "ok":
                typer.echo(f"{label[f['status']]}  {f['dataset']}/{f['file']}")
        typer.echo(
            f"共 {len(res.files)} 个文件：通过 {res.counts.get('ok', 0)}，缺失 {missing}，"
            f"sha256 不符 {mismatch}。"
        )
    if mismatch:
        also = f"、{missing} 个文件缺失" if missing else ""
        raise IntegrityError(f"有 {mismatch} 个文件 sha256 不符{also}，见上表。")
    if missing:
        raise DataUnavailableError(
            f"有 {missing} 个文件缺失（共 {len(res.files)} 个），见上表；"
            "用 xinzhi datasets fetch 获取，或用 --data-dir 指定镜像目录。"
        )
