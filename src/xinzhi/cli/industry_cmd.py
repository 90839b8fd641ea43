"""``xinzhi industry complexity | specialization | shiftshare | io``."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import typer

from xinzhi.errors import InputError

app = typer.Typer(
    help="产业分析：经济复杂度与关联度、专业化、偏离-份额分析、投入产出关联。",
    no_args_is_help=True,
)


def _read_table(path: Path, text_columns: list[str]) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM or GBK) or Excel file; key columns are read as text."""
    if not path.exists():
        raise InputError(f"找不到输入文件：{path}")
    dtype: Any = dict.fromkeys(text_columns, str)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, dtype=dtype, engine="calamine")
    if suffix == ".parquet":
        return pd.read_parquet(path)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, dtype=dtype, encoding=enc)
        except UnicodeDecodeError:
            continue
    raise InputError(f"无法识别文件编码（请使用 UTF-8 或 GBK）：{path}")


def _write_table(df: pd.DataFrame, out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        df.to_excel(out, index=False)
    elif suffix == ".json":
        df.to_json(out, orient="records", force_ascii=False, indent=1)
    elif suffix == ".parquet":
        df.to_parquet(out, index=False)
    else:
        df.to_csv(out, index=False, encoding="utf-8")


def _echo_warnings(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        typer.secho(f"提示：{w.message}", fg=typer.colors.YELLOW, err=True)


@app.command("complexity")
def complexity_cmd(
    input: Path = typer.Option(..., "--input", help="长表文件（CSV/XLSX）：地区、产品、数值[、年份]"),
    location: str = typer.Option(..., "--location", help="地区列名"),
    product: str = typer.Option(..., "--product", help="产品/产业列名"),
    value: str = typer.Option(..., "--value", help="数值列名（出口额、产值、就业等）"),
    year: str | None = typer.Option(None, "--year", help="年份列名（可选；逐年计算）"),
    convention: str = typer.Option(
        "stata", "--convention", help="计算口径：stata（默认）或 py-ecomplexity"
    ),
    threshold: float = typer.Option(1.0, "--threshold", help="RCA 阈值：M = 1[RCA ≥ 阈值]"),
    output: Path | None = typer.Option(None, "--output", help="输出文件（.csv/.xlsx/.json）"),
) -> None:
    """经济复杂度（ECI/PCI）、密度、COI、COG（Hidalgo & Hausmann 2009；Stata ecomplexity 口径）。"""
    from xinzhi.industry.complexity import TIDY_COLUMNS, complexity

    if convention not in ("stata", "py-ecomplexity"):
        raise InputError(f"未知的口径 --convention {convention}（可选 stata、py-ecomplexity）")
    data = _read_table(input, [location, product])
    if year and year in data.columns:
        data[year] = pd.to_numeric(data[year], errors="raise")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = complexity(
            data,
            location=location,
            product=product,
            value=value,
            year=year,
            convention=convention,  # type: ignore[arg-type]
            threshold=threshold,
        )
    _echo_warnings(caught)
    tidy = res.tidy()[TIDY_COLUMNS]
    typer.echo(res.summary())
    if output is not None:
        _write_table(tidy, output)
        typer.echo(f"已写出 {len(tidy)} 行到 {output}")
