"""``xinzhi evaluate``: composite evaluation of a wide table with an indicator system."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Protocol

import pandas as pd
import typer

from xinzhi.cli._common import echo_json, given, json_text
from xinzhi.cli._tables import checked_output, write_result, write_table
from xinzhi.config import output_path
from xinzhi.errors import InputError
from xinzhi.registry.evaluation import EVALUATION
from xinzhi.years import parse_years


class EvaluationTables(Protocol):
    """What the outputs are written from (:class:`xinzhi.evaluate.EvaluationResult`)."""

    def to_json(self) -> str: ...
    def scores(self) -> pd.DataFrame: ...
    def weight_table(self) -> pd.DataFrame: ...
    def obstacles(self) -> pd.DataFrame: ...
    def details(self) -> pd.DataFrame: ...


#: method options of the system YAML with a flag of their own (issue #12; CLI overrides YAML)
METHOD_FLAGS = (
    "normalization",
    "weight_scope",
    "entropy_k",
    "shift",
    "entropy_shift",
    "rescale",
    "score_basis",
    "hierarchical",
    "dimension_weights",
    "dimension_scope",
    "combination",
    "ingredients",
    "grey_rho",
    "ahp_ri",
    "ahp_max_cr",
    "ahp_allow_inconsistent",
    "vikor_v",
    "promethee_function",
    "promethee_q",
    "promethee_p",
    "impute_group",
    "min_coverage",
)


def _help(name: str) -> str:
    return EVALUATION.option(name).describe()


def _parse_years(year: int | None, years: str | None) -> list[int] | None:
    if year is not None and years is not None:
        raise InputError("--year 与 --years 只能二选一")
    if year is not None:
        return [year]
    return parse_years(years)


def write_outputs(
    result: EvaluationTables,
    output: Path | None,
    weights_output: Path | None,
    obstacles_output: Path | None,
    details_output: Path | None = None,
) -> None:
    """Write the requested files (scores: csv / xlsx workbook of all tables / json; weights with
    their intermediates; obstacles; row intermediates: TOPSIS D⁺/D⁻, grey coefficients)."""
    if output is not None:
        if output.suffix.lower() == ".json":  # the whole result: scores, weights, options
            output_path(output)
            output.write_text(json_text(result.to_json()), encoding="utf-8")
        else:
            write_result(result, output, result.scores())
    if weights_output is not None:
        write_table(result.weight_table().drop(columns=["name", "direction"]), weights_output)
    if obstacles_output is not None:
        write_table(result.obstacles(), obstacles_output)
    if details_output is not None:
        write_table(result.details(), details_output)


def evaluate(
    system: Annotated[
        str | None, typer.Option("--system", help="指标体系：内置名称或 YAML 文件路径")
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input", help="宽表（csv/xlsx）：unit/地区 列、可选 year/年份 列、每个指标一列"
        ),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="只评价某一年")] = None,
    years: Annotated[str | None, typer.Option("--years", help="年份区间 A-B，如 2016-2024")] = None,
    pooled: Annotated[
        bool | None,
        typer.Option("--pooled/--per-year", help="混合（全部年份）或逐年标准化与理想解"),
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option("--weights", help=EVALUATION.option("weights").describe()),
    ] = None,
    aggregate: Annotated[
        str | None, typer.Option("--aggregate", help=EVALUATION.option("aggregate").describe())
    ] = None,
    missing: Annotated[
        str | None, typer.Option("--missing", help=EVALUATION.option("missing").describe())
    ] = None,
    normalization: Annotated[
        str | None, typer.Option("--normalization", help=_help("normalization"))
    ] = None,
    weight_scope: Annotated[
        str | None, typer.Option("--weight-scope", help=_help("weight_scope"))
    ] = None,
    entropy_k: Annotated[str | None, typer.Option("--entropy-k", help=_help("entropy_k"))] = None,
    shift: Annotated[float | None, typer.Option("--shift", help=_help("shift"))] = None,
    entropy_shift: Annotated[
        float | None, typer.Option("--entropy-shift", help=_help("entropy_shift"))
    ] = None,
    rescale: Annotated[str | None, typer.Option("--rescale", help=_help("rescale"))] = None,
    score_basis: Annotated[
        str | None, typer.Option("--score-basis", help=_help("score_basis"))
    ] = None,
    hierarchical: Annotated[
        bool | None, typer.Option("--hierarchical/--flat", help=_help("hierarchical"))
    ] = None,
    dimension_weights: Annotated[
        str | None, typer.Option("--dimension-weights", help=_help("dimension_weights"))
    ] = None,
    dimension_scope: Annotated[
        str | None, typer.Option("--dimension-scope", help=_help("dimension_scope"))
    ] = None,
    combination: Annotated[
        str | None, typer.Option("--combination", help=_help("combination"))
    ] = None,
    ingredients: Annotated[
        str | None, typer.Option("--ingredients", help=_help("ingredients"))
    ] = None,
    grey_rho: Annotated[float | None, typer.Option("--grey-rho", help=_help("grey_rho"))] = None,
    ahp_ri: Annotated[str | None, typer.Option("--ahp-ri", help=_help("ahp_ri"))] = None,
    ahp_max_cr: Annotated[
        float | None, typer.Option("--ahp-max-cr", help=_help("ahp_max_cr"))
    ] = None,
    ahp_allow_inconsistent: Annotated[
        bool | None,
        typer.Option(
            "--ahp-allow-inconsistent/--ahp-consistent-only", help=_help("ahp_allow_inconsistent")
        ),
    ] = None,
    vikor_v: Annotated[float | None, typer.Option("--vikor-v", help=_help("vikor_v"))] = None,
    promethee_function: Annotated[
        str | None, typer.Option("--promethee-function", help=_help("promethee_function"))
    ] = None,
    promethee_q: Annotated[
        float | None, typer.Option("--promethee-q", help=_help("promethee_q"))
    ] = None,
    promethee_p: Annotated[
        float | None, typer.Option("--promethee-p", help=_help("promethee_p"))
    ] = None,
    impute_group: Annotated[
        str | None, typer.Option("--impute-group", help=_help("impute_group"))
    ] = None,
    min_coverage: Annotated[
        float | None, typer.Option("--min-coverage", help=_help("min_coverage"))
    ] = None,
    weights_output: Annotated[
        Path | None,
        typer.Option("--weights-output", help="权重表输出文件", callback=checked_output),
    ] = None,
    obstacles_output: Annotated[
        Path | None,
        typer.Option("--obstacles-output", help="障碍度长表输出文件", callback=checked_output),
    ] = None,
    details_output: Annotated[
        Path | None,
        typer.Option(
            "--details-output",
            help="中间结果输出文件：每个单元-年份的 TOPSIS 距离 D⁺/D⁻、灰色关联系数等",
            callback=checked_output,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="结果文件 .csv|.xlsx|.json", callback=checked_output),
    ] = None,
    save: Annotated[
        str | None,
        typer.Option(
            "--save",
            help="（数据仓库模式）把结果以此名称保存到数据仓库，供差异分析、报告和网页使用",
        ),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="在标准输出打印 JSON")] = False,
) -> None:
    """综合评价：标准化、赋权（熵权/CRITIC/组合/AHP）、TOPSIS/加权/灰色关联、障碍度。"""
    flags = {
        "normalization": normalization,
        "weight_scope": weight_scope,
        "entropy_k": entropy_k,
        "shift": shift,
        "entropy_shift": entropy_shift,
        "rescale": rescale,
        "score_basis": score_basis,
        "hierarchical": hierarchical,
        "dimension_weights": dimension_weights,
        "dimension_scope": dimension_scope,
        "combination": combination,
        "ingredients": ingredients,
        "grey_rho": grey_rho,
        "ahp_ri": ahp_ri,
        "ahp_max_cr": ahp_max_cr,
        "ahp_allow_inconsistent": ahp_allow_inconsistent,
        "vikor_v": vikor_v,
        "promethee_function": promethee_function,
        "promethee_q": promethee_q,
        "promethee_p": promethee_p,
        "impute_group": impute_group,
        "min_coverage": min_coverage,
    }
    for name, value in flags.items():  # validated as every surface validates them
        EVALUATION.option(name).check(value)
    method = {
        "weights": weights,
        "aggregate": aggregate,
        "missing": missing,
        "scope": None if pooled is None else ("pooled" if pooled else "per-year"),
        **flags,
    }
    outputs = (output, weights_output, obstacles_output, details_output)
    if input_file is None:
        _evaluate_warehouse(
            system,
            overrides=method,
            years=_parse_years(year, years),
            outputs=outputs,
            save=save,
            db=db,
            as_json=as_json,
        )
        return
    if system is None:
        raise InputError("请用 --system 指定指标体系（内置名称或 YAML 文件）")
    if save is not None:
        raise InputError("--save 只用于数据仓库模式（不带 --input）")
    from xinzhi.pipelines.table_evaluation import evaluate_table

    ev = evaluate_table(input_file, system, {**method, "years": _parse_years(year, years)})
    write_outputs(ev.result, *outputs)
    if as_json:
        echo_json(ev.to_dict())
    else:
        typer.echo(ev.summary())
        if output is not None:
            typer.echo(f"结果已写入 {output}")


def _evaluate_warehouse(
    system: str | None,
    *,
    overrides: dict[str, Any],
    years: list[int] | None,
    outputs: tuple[Path | None, Path | None, Path | None, Path | None],
    save: str | None,
    db: Path | None,
    as_json: bool,
) -> None:
    """Evaluate the counties stored in the warehouse (``unit`` = 6-digit region code)."""
    from xinzhi.pipelines.evaluation import evaluate_counties

    ev = evaluate_counties(
        **given(system=system), years=years, options=overrides, db=db, save_as=save
    )
    write_outputs(ev.result, *outputs)
    if as_json:
        echo_json(ev.to_dict())
        return
    typer.echo(ev.summary())
    if save:
        typer.echo(f"评价结果已保存到数据仓库，名称：{save}")
    for path in outputs:
        if path is not None:
            typer.echo(f"已写入 {path}")
