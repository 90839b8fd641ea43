"""``xinzhi demo``: the main job on public data, end to end (steps in
:data:`xinzhi.pipelines.demo.DEMO_STEPS`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli._common import echo_json


def demo(
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", "-o", help="结果文件（Excel 工作簿、报告）目录")
    ] = Path("xinzhi-output"),
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """用公共数据跑通全流程：校验数据、构建数据仓库（可重复运行）、测度全国县域新质生产力指数。"""
    from xinzhi.pipelines.demo import run_demo

    t0 = time.perf_counter()
    results = run_demo(db, output_dir=output_dir)
    if as_json:
        echo_json({title: r.to_dict() for title, r in results})
        return
    for title, r in results:
        typer.secho(f"== {title}", bold=True)
        typer.echo(r.summary())
    typer.echo(f"用时 {time.perf_counter() - t0:.1f} 秒")
