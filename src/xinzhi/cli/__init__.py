"""The ``xinzhi`` command line (typer). Each command group lives in its own module."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from xinzhi.cli import (
    analysis_cmd,
    audit_cmd,
    causal_cmd,
    data_cmd,
    datasets_cmd,
    demo_cmd,
    disparity_cmd,
    enterprise_cmd,
    evaluate_cmd,
    firms_cmd,
    import_cmd,
    industry_cmd,
    industry_map_cmd,
    match_cmd,
    monitor_cmd,
    policy_cmd,
    quarantine_cmd,
    regions_cmd,
    report_cmd,
    serve_cmd,
    typology_cmd,
)
from xinzhi.cli._common import XinzhiGroup

app = typer.Typer(
    cls=XinzhiGroup,
    help="xinzhi 新质：县域新质生产力测度、诊断与产业选择。",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _global(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help="DuckDB 数据仓库文件（默认 ~/.xinzhi/xinzhi.duckdb 或 XINZHI_DB）"
        ),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="公共数据镜像目录（或 XINZHI_DATA_DIR）")
    ] = None,
) -> None:
    """Global options are passed on through the environment so every module sees them."""
    if db is not None:
        os.environ["XINZHI_DB"] = str(db)
    if data_dir is not None:
        os.environ["XINZHI_DATA_DIR"] = str(data_dir)


app.add_typer(datasets_cmd.app, name="datasets")
app.add_typer(analysis_cmd.app, name="analysis")
# (command groups register here, one line each)
app.command("demo")(demo_cmd.demo)
app.command("import")(import_cmd.import_command)
app.add_typer(disparity_cmd.app, name="disparity")
app.add_typer(regions_cmd.app, name="regions")
app.add_typer(industry_cmd.app, name="industry")
app.add_typer(enterprise_cmd.app, name="enterprise")
app.add_typer(causal_cmd.app, name="causal")
app.add_typer(monitor_cmd.app, name="monitor")
app.add_typer(policy_cmd.app, name="policy")
app.add_typer(match_cmd.app, name="match")
app.add_typer(data_cmd.app, name="data")
industry_cmd.app.command("map")(industry_map_cmd.map_cmd)
industry_cmd.app.command("chain")(industry_map_cmd.chain_cmd)
industry_cmd.app.command("firms-import")(firms_cmd.firms_import)
industry_cmd.app.command("firms-generate")(firms_cmd.firms_generate)
industry_cmd.app.command("matrix")(firms_cmd.matrix)
app.command("evaluate")(evaluate_cmd.evaluate)
app.command("audit")(audit_cmd.audit)
app.command("typology")(typology_cmd.typology)
app.command("report")(report_cmd.report)
app.command("serve")(serve_cmd.serve)
app.add_typer(serve_cmd.users_app, name="users")
app.add_typer(quarantine_cmd.app, name="quarantine")
app.command("backup")(serve_cmd.backup)
app.command("restore")(serve_cmd.restore)


def main() -> None:
    """Console-script entry point."""
    _plain_pages_for_numpy()
    app()


def _plain_pages_for_numpy() -> None:
    """Stop numpy asking the kernel for transparent huge pages for large arrays in this process.

    numpy advises huge pages for arrays of 4 MiB and more; with the kernel setting
    ``defrag=madvise`` (Debian's default) each such fault may compact memory first. A CLI process
    allocates its large arrays once and exits, so it gains nothing from huge pages and pays
    for them: ``xinzhi industry complexity`` on 2,850 × 1,380 spent 2.2–2.8 s of system time
    with them and 0.75–0.85 s without (2026-12-05, same user time). The variable
    ``NUMPY_MADVISE_HUGEPAGE`` (numpy's own switch) keeps its say when the user sets it."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    import numpy as np

    setter = getattr(getattr(np, "_core", None), "multiarray", None)
    setter = getattr(setter, "_set_madvise_hugepage", None)
    if setter is not None:
        setter(False)
