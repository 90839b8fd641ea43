"""``xinzhi industry firms-import | firms-generate | matrix``: enterprise records."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from xinzhi.cli._common import echo_json, given
from xinzhi.cli._tables import checked_output
from xinzhi.config import output_path


def firms_import(
    file: Annotated[
        Path, typer.Argument(help="企业名录 CSV/XLSX，或 firms-generate 生成的 .parquet")
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="数据来源名称（默认 firms:文件名）")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel 工作表名称或序号")] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """导入企业名录（统一社会信用代码、名称、住所、行业、注册资本……）到数据仓库 firms 表。"""
    from xinzhi.pipelines.firms import SYNTHETIC_LABEL, import_firm_file

    imp = import_firm_file(file, source=source, sheet=sheet, db=db)
    report = imp.report
    if as_json:
        out = asdict(report)
        out["synthetic_label"] = "示例数据" if imp.synthetic else None
        echo_json(out)
        return
    if imp.synthetic:
        typer.echo(SYNTHETIC_LABEL)
    verb = "已导入" if report.status == "loaded" else "文件未变化，未重复导入"
    typer.echo(f"{verb}：{report.file_name}（来源 {report.source}，批次 {report.batch_id}）")
    typer.echo(
        f"读入 {report.rows_read} 行 = 载入 {report.rows_loaded} + 隔离 {report.rows_quarantined}"
        f" + 跳过 {report.rows_skipped}"
    )
    for key, label, n in imp.reasons:
        typer.echo(f"  隔离 {n:>8} 行：{label}（{key}）")


def firms_generate(
    n: Annotated[int | None, typer.Option("--n", help="企业数量（默认 100000）")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="随机种子（默认 1）")] = None,
    output: Annotated[Path, typer.Option("--output", help="输出 .parquet 文件")] = Path(
        "firms.parquet"
    ),
    census: Annotated[
        Path | None,
        typer.Option(
            "--census",
            help="普查县表（region_code、pop_total、emp_sec_A…T）；默认读数据仓库 2020 年普查",
        ),
    ] = None,
    census_year: Annotated[
        int | None, typer.Option("--census-year", help="普查年份（默认 2020）")
    ] = None,
    divisions: Annotated[
        str | None,
        typer.Option(
            "--divisions", help="门类内大类比重：national（全国分行业就业，默认）或 uniform"
        ),
    ] = None,
    snapshot_year: Annotated[
        int | None, typer.Option("--snapshot-year", help="最晚成立年份（默认 2024）")
    ] = None,
    load: Annotated[
        bool,
        typer.Option("--load", help="生成后导入数据仓库 firms 表，并生成企业年度数据与荣誉/资质"),
    ] = False,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
) -> None:
    """生成示例企业名录（示例数据，synthetic）：按普查分行业就业结构分布到各县。"""
    from xinzhi.pipelines.firms import SYNTHETIC_LABEL, generate_firms

    options: dict[str, Any] = given(
        n=n,
        seed=seed,
        census=census,
        census_year=census_year,
        divisions=divisions,
        snapshot_year=snapshot_year,
    )
    output_path(output)
    res = generate_firms(output, **options, load=load, db=db)
    typer.echo(SYNTHETIC_LABEL)
    typer.echo(
        f"已生成 {res.rows} 家示例企业（示例数据，seed={res.seed}）→ {res.path}"
        f"（{res.seconds:.1f} 秒）"
    )
    if res.loaded is not None:
        rep = res.loaded
        typer.echo(
            f"已导入数据仓库：载入 {rep.rows_loaded} 行，隔离 {rep.rows_quarantined} 行"
            f"（批次 {rep.batch_id}，示例数据）"
        )
    if res.enterprise is not None:
        gen = res.enterprise
        typer.echo(
            f"已生成企业年度数据 {gen.firm_year_rows} 行（{gen.years[0]}–{gen.years[-1]} 年）、"
            f"荣誉/资质 {gen.label_rows} 条（示例数据）"
        )


def matrix(
    source: Annotated[
        str | None,
        typer.Option("--source", help="warehouse（数据仓库 firms 表，默认）或 .parquet 文件"),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level", help="行业层级：section（门类，默认）、division（大类）、class（小类）"
        ),
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(
            "--measure",
            help="firms（企业数，默认）、employees（参保人数）、revenue（营业收入，万元）",
        ),
    ] = None,
    engine: Annotated[
        str | None, typer.Option("--engine", help="计算引擎：duckdb（默认）或 spark")
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option("--mode", help="年份口径：active（存续快照，默认）或 cohort（成立年份）"),
    ] = None,
    years: Annotated[
        str | None, typer.Option("--years", help="年份，如 2024 或 2015-2024（快照默认最新年份）")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", help="输出文件（.csv/.xlsx/.json/.parquet）", callback=checked_output
        ),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
) -> None:
    """企业记录 → 县 × 行业 × 年份矩阵（长表：region_code, industry, year, 数值）。"""
    from xinzhi.cli._tables import write_table
    from xinzhi.pipelines.firms import SYNTHETIC_LABEL, firm_matrix_table

    options: dict[str, Any] = given(
        source=source, level=level, measure=measure, engine=engine, mode=mode
    )
    res = firm_matrix_table(**options, years=years, db=db)
    out = res.table
    if res.synthetic:
        typer.echo(SYNTHETIC_LABEL)
    typer.echo(
        f"{len(out)} 个（县 × 行业 × 年份）单元，{out['region_code'].nunique()} 个县，"
        f"{out['industry'].nunique()} 个行业；引擎 {res.engine}，{res.seconds:.1f} 秒"
    )
    if output is not None:
        write_table(out, output)
        typer.echo(f"已写出：{output}")
    else:
        typer.echo(out.head(20).to_string(index=False))
