"""``xinzhi enterprise mujun | mujun-policy | tiers | size | import | labels-import``.

The evaluations are the declarations of family ``enterprise`` in :mod:`xinzhi.registry` (the
same commands as ``xinzhi analysis <key>``, options derived from the declaration); the two import
commands load a county's firm-year data and honours into the warehouse.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from xinzhi import registry
from xinzhi.cli._common import echo_json
from xinzhi.cli.analysis_cmd import declared_command

app = typer.Typer(
    help="企业评价：亩均效益、差别化政策模拟、梯度培育、大中小微划型；导入企业年度数据与荣誉资质。",
    no_args_is_help=True,
)

for _a in registry.analyses("enterprise"):
    app.command(_a.key)(declared_command(_a))


def _print_report(report: Any, as_json: bool) -> None:
    from xinzhi.pipelines.uploads import reason_tables

    if as_json:
        echo_json(asdict(report))
        return
    verb = "已导入" if report.status == "loaded" else "文件未变化，未重复导入"
    typer.echo(f"{verb}：{report.file_name}（来源 {report.source}，批次 {report.batch_id}）")
    typer.echo(
        f"读入 {report.rows_read} 行 = 载入 {report.rows_loaded} + 隔离 {report.rows_quarantined}"
        f" + 跳过 {report.rows_skipped}"
    )
    quarantined, skipped = reason_tables(report)
    for what, table in (("隔离", quarantined), ("跳过", skipped)):
        for reason, n in zip(table["reason"], table["rows"], strict=True):
            typer.echo(f"  {what} {n:>8} 行：{reason}")
    if report.columns_ignored:
        typer.echo("未识别的列（未导入）：" + "、".join(report.columns_ignored))


_DB = Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")]
_SHEET = Annotated[str | None, typer.Option("--sheet", help="Excel 工作表名称或序号")]
_SOURCE = Annotated[str | None, typer.Option("--source", help="数据来源名称（默认按文件名）")]
_JSON = Annotated[bool, typer.Option("--json", help="输出 JSON")]


@app.command("import")
def import_years(
    file: Annotated[Path, typer.Argument(help="企业年度数据 CSV/XLSX（一行一家企业一年）")],
    year: Annotated[
        int | None, typer.Option("--year", help="数据年度（文件没有“年份”列时必填）")
    ] = None,
    source: _SOURCE = None,
    sheet: _SHEET = None,
    db: _DB = None,
    as_json: _JSON = False,
    coords: Annotated[
        str | None,
        typer.Option(
            "--coords",
            help="经度/纬度列的坐标系：wgs84（默认，GPS）、gcj02（高德、腾讯）、bd09（百度）；"
            "后两者导入时转换为 WGS-84",
        ),
    ] = None,
) -> None:
    """导入企业年度数据（用地面积、实缴税金、营业收入、能耗、研发费用、经纬度……）到数据仓库。"""
    from xinzhi.pipelines.enterprise_data import import_firm_years_file

    _print_report(
        import_firm_years_file(
            file, year=year, source=source, sheet=sheet, db=db, coordinates=coords
        ),
        as_json,
    )


@app.command("labels-import")
def import_labels(
    file: Annotated[
        Path, typer.Argument(help="荣誉/资质 CSV/XLSX（信用代码、资质名称、认定日期、有效期至）")
    ],
    source: _SOURCE = None,
    sheet: _SHEET = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """导入企业荣誉与资质（高新技术企业、专精特新、小巨人、科技型中小企业……）及其有效期。"""
    from xinzhi.pipelines.enterprise_data import import_firm_labels_file

    _print_report(import_firm_labels_file(file, source=source, sheet=sheet, db=db), as_json)
