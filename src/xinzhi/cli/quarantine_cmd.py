"""``xinzhi quarantine purge``: delete the stored quarantined rows of an import batch."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(help="导入批次的隔离行：清除。", no_args_is_help=True)


@app.command("purge")
def purge(
    batch_id: Annotated[int, typer.Argument(help="导入批次号（xinzhi import 的报告中）")],
) -> None:
    """清除一个导入批次保存的隔离行（批次、观测值与各项计数保留；写入审计日志）。"""
    from xinzhi.cli.serve_cmd import whoami
    from xinzhi.pipelines.uploads import purge_batch_quarantine

    n = purge_batch_quarantine(batch_id, actor=f"cli:{whoami()}")
    typer.echo(f"已清除批次 {batch_id} 的 {n} 行隔离数据")
