"""``xinzhi industry firms-import | firms-generate | matrix``: enterprise records."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from xinzhi.cli._common import echo_json
from xinzhi.cli._tables import checked_output
from xinzhi.errors import InputError

_LABEL = "【示例数据 synthetic】"


def _census_table(census: Path | None, year: int) -> pd.DataFrame:
    """Census county table: from a file (CSV/XLSX/Parquet) or the warehouse."""
    from xinzhi.codes.gbt4754 import SECTION_CODES

    cols = ["pop_total"] + [f"emp_sec_{s}" for s in SECTION_CODES]
    if census is not None:
        from xinzhi.cli._tables import read_table

        return read_table(census, ["region_code"])
    from xinzhi import store

    con = store.connect(read_only=True)
    try:
        wide = store.read_wide(con, cols, years=[year])
    finally:
        con.close()
    if wide.empty:
        raise InputError(
            f"数据仓库中没有 {year} 年普查的人口与行业就业数据：请先运行 xinzhi demo，"
            "或用 --census 指定含 region_code、pop_total、emp_sec_A…emp_sec_T 的表"
        )
    return wide


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
    from xinzhi.ingest.enterprises import import_firms
    from xinzhi.ingest.reasons import reason_label

    report = import_firms(file, source=source, sheet=sheet, db=db)
    synthetic = file.suffix.lower() == ".parquet"
    if as_json:
        out = asdict(report)
        out["synthetic_label"] = "示例数据" if synthetic else None
        echo_json(out)
        return
    if synthetic:
        typer.echo(_LABEL)
    verb = "已导入" if report.status == "loaded" else "文件未变化，未重复导入"
    typer.echo(f"{verb}：{report.file_name}（来源 {report.source}，批次 {report.batch_id}）")
    typer.echo(
        f"读入 {report.rows_read} 行 = 载入 {report.rows_loaded} + 隔离 {report.rows_quarantined}"
        f" + 跳过 {report.rows_skipped}"
    )
    for reason, n in sorted(report.quarantined_by_reason.items(), key=lambda kv: -kv[1]):
        typer.echo(f"  隔离 {n:>8} 行：{reason_label(reason)}（{reason}）")


def firms_generate(
    n: Annotated[int, typer.Option("--n", help="企业数量")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子")] = 1,
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
    census_year: Annotated[int, typer.Option("--census-year", help="普查年份")] = 2020,
    divisions: Annotated[
        str,
        typer.Option(
            "--divisions", help="门类内大类比重：national（全国分行业就业，默认）或 uniform"
        ),
    ] = "national",
    snapshot_year: Annotated[int, typer.Option("--snapshot-year", help="最晚成立年份")] = 2024,
    load: Annotated[bool, typer.Option("--load", help="生成后导入数据仓库 firms 表")] = False,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
) -> None:
    """生成示例企业名录（示例数据，synthetic）：按普查分行业就业结构分布到各县。"""
    from xinzhi.industry.synthetic import division_shares_from_employment, write_parquet
    from xinzhi.ingest.io_tables import read_employment_frame
    from xinzhi.regions import load_registry

    if output.suffix.lower() != ".parquet":
        raise InputError("--output 须为 .parquet 文件")
    if divisions not in ("national", "uniform"):
        raise InputError("--divisions 可选 national 或 uniform")
    table = _census_table(census, census_year)
    shares = (
        division_shares_from_employment(read_employment_frame())
        if divisions == "national"
        else None
    )
    units = load_registry().units(min(snapshot_year, 2024), level="county")
    names = pd.Series(units["short_name"].to_numpy(), index=units["code"].astype(str).to_numpy())
    start = time.perf_counter()
    rows = write_parquet(
        table,
        output,
        n,
        seed=seed,
        division_shares=shares,
        place_names=names,
        snapshot_year=snapshot_year,
    )
    typer.echo(_LABEL)
    typer.echo(
        f"已生成 {rows} 家示例企业（示例数据，seed={seed}）→ {output}"
        f"（{time.perf_counter() - start:.1f} 秒）"
    )
    if load:
        from xinzhi.ingest.enterprises import import_firms

        rep = import_firms(output, db=db)
        typer.echo(
            f"已导入数据仓库：载入 {rep.rows_loaded} 行，隔离 {rep.rows_quarantined} 行"
            f"（批次 {rep.batch_id}，示例数据）"
        )


def matrix(
    source: Annotated[
        str, typer.Option("--source", help="warehouse（数据仓库 firms 表）或 .parquet 文件")
    ] = "warehouse",
    level: Annotated[
        str,
        typer.Option("--level", help="行业层级：section（门类）、division（大类）、class（小类）"),
    ] = "section",
    measure: Annotated[
        str,
        typer.Option(
            "--measure", help="firms（企业数）、employees（参保人数）、revenue（营业收入，万元）"
        ),
    ] = "firms",
    engine: Annotated[
        str, typer.Option("--engine", help="计算引擎：duckdb（默认）或 spark")
    ] = "duckdb",
    mode: Annotated[
        str, typer.Option("--mode", help="年份口径：active（存续快照，默认）或 cohort（成立年份）")
    ] = "active",
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
    from xinzhi.industry.firms import firm_matrix
    from xinzhi.ingest.firm_sources import firms_table

    if measure not in ("firms", "employees", "revenue"):
        raise InputError("--measure 可选 firms、employees、revenue")
    if engine not in ("duckdb", "spark"):
        raise InputError("--engine 可选 duckdb 或 spark")
    yrs: list[int] | None = None
    if years:
        try:
            if "-" in years:
                a, b = (int(x) for x in years.split("-", 1))
                yrs = list(range(a, b + 1))
            else:
                yrs = [int(y) for y in years.split(",")]
        except ValueError:
            raise InputError(f"无法解析年份 {years!r}（示例：2024 或 2015-2024）") from None
    start = time.perf_counter()
    res = firm_matrix(
        firms_table(source, engine=engine, db=db),  # type: ignore[arg-type]
        level=level,
        mode=mode,  # type: ignore[arg-type]
        years=yrs,
    )
    elapsed = time.perf_counter() - start
    out = res[["region_code", "industry", "year", measure]]
    synthetic = _is_synthetic(source, db)
    if synthetic:
        typer.echo(_LABEL)
    typer.echo(
        f"{len(out)} 个（县 × 行业 × 年份）单元，{out['region_code'].nunique()} 个县，"
        f"{out['industry'].nunique()} 个行业；引擎 {engine}，{elapsed:.1f} 秒"
    )
    if output is not None:
        write_table(out, output)
        typer.echo(f"已写出：{output}")
    else:
        typer.echo(out.head(20).to_string(index=False))


def _is_synthetic(source: str, db: Path | None) -> bool:
    """Whether the data contain synthetic rows (示例数据)."""
    try:
        if source == "warehouse":
            from xinzhi import store

            con = store.connect(db, read_only=True)
            try:
                row = con.execute("SELECT bool_or(synthetic) FROM current_firms").fetchone()
            finally:
                con.close()
            return bool(row and row[0])
        import pyarrow.parquet as pq

        meta = pq.read_schema(source).metadata or {}
        return b"xinzhi.synthetic" in meta
    except Exception:
        return False
