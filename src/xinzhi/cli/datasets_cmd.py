"""``xinzhi datasets list | fetch | verify``."""

from __future__ import annotations

from typing import Annotated

import typer

from xinzhi import datasets
from xinzhi.cli._common import echo_json
from xinzhi.errors import IntegrityError

app = typer.Typer(help="公共数据集：列出、下载（校验 sha256）、校验。", no_args_is_help=True)


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出已登记的公共数据集。"""
    rows = [
        {
            "name": d.name,
            "title": d.title,
            "repo": d.repo,
            "commit": d.commit,
            "licence": d.licence,
            "files": len(d.files),
        }
        for d in datasets.list_datasets()
    ]
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
    got = datasets.fetch(names or None)
    if as_json:
        echo_json([{"dataset": s.dataset, "file": s.local, "path": str(s.path)} for s in got])
        return
    typer.echo(f"已就绪 {len(got)} 个文件（sha256 全部校验通过）。")


@app.command("verify")
def verify_cmd(
    names: Annotated[list[str] | None, typer.Argument(help="数据集名称；省略则全部")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """校验本地已有文件的 sha256（不下载）。有不符则退出码 2。"""
    res = datasets.verify(names or None)
    if as_json:
        echo_json([{"dataset": s.dataset, "file": s.local, "status": s.status} for s in res])
    else:
        label = {"ok": "通过", "missing": "缺失", "mismatch": "不符"}
        for s in res:
            if s.status != "ok":
                typer.echo(f"{label[s.status]}  {s.dataset}/{s.local}")
        counts = {k: sum(s.status == k for s in res) for k in label}
        typer.echo(
            f"共 {len(res)} 个文件：通过 {counts['ok']}，缺失 {counts['missing']}，"
            f"sha256 不符 {counts['mismatch']}。"
        )
    if any(s.status == "mismatch" for s in res):
        raise IntegrityError("有文件 sha256 不符，见上表。")
