"""``xinzhi evaluate``: composite evaluation of a wide table with an indicator system."""

from __future__ import annotations

import inspect
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


#: declared options the command sets through flags of its own: ``--system``, ``--save``,
#: ``--year`` / ``--years``, ``--pooled/--per-year`` (scope) and ``--scope`` (area, 评价范围)
_OWN_FLAGS = ("system", "save_as", "years", "scope", "area")
#: chosen by the user in the method section of the help; the other declared options follow
_CHOICES = ("weights", "aggregate", "missing")

#: every other declared option of the evaluation: the method options of the system YAML, each
#: with a flag of its own (issue #12; CLI overrides YAML) — derived from the declaration, so a
#: new option is one declaration in :mod:`xinzhi.registry.evaluation`
METHOD_FLAGS = tuple(o.name for o in EVALUATION.options if o.name not in (*_OWN_FLAGS, *_CHOICES))

#: boolean options spelled as a pair of flags other than ``--name/--no-name``
_BOOL_FLAGS = {
    "hierarchical": "--hierarchical/--flat",
    "ahp_allow_inconsistent": "--ahp-allow-inconsistent/--ahp-consistent-only",
}


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


def _method_parameter(name: str) -> inspect.Parameter:
    """The typer parameter of a declared method option (flag, help text from the declaration)."""
    o = EVALUATION.option(name)
    flag = _BOOL_FLAGS.get(name, f"{o.flag}/--no-{o.flag[2:]}") if o.type is bool else o.flag
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[o.type | None, typer.Option(flag, help=_help(name))],
    )


def _keyword(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


_BEFORE = [
    _keyword(
        "system",
        Annotated[str | None, typer.Option("--system", help="指标体系：内置名称或 YAML 文件路径")],
    ),
    _keyword(
        "input_file",
        Annotated[
            Path | None,
            typer.Option(
                "--input", help="宽表（csv/xlsx）：unit/地区 列、可选 year/年份 列、每个指标一列"
            ),
        ],
    ),
    _keyword("year", Annotated[int | None, typer.Option("--year", help="只评价某一年")]),
    _keyword(
        "years",
        Annotated[str | None, typer.Option("--years", help="年份区间 A-B，如 2016-2024")],
    ),
    _keyword(
        "area",
        Annotated[
            str | None,
            typer.Option(
                "--scope",
                help="（数据仓库模式）评价范围：省或地级市的名称或代码（湖南省、湘潭市），逗号分隔的"
                "县区，或每行一个县区代码的 .txt/.csv 文件；不填为全国。可选指标按范围内覆盖率纳入",
            ),
        ],
    ),
    _keyword(
        "pooled",
        Annotated[
            bool | None,
            typer.Option("--pooled/--per-year", help="混合（全部年份）或逐年标准化与理想解"),
        ],
    ),
]
_AFTER = [
    _keyword(
        "weights_output",
        Annotated[
            Path | None,
            typer.Option("--weights-output", help="权重表输出文件", callback=checked_output),
        ],
    ),
    _keyword(
        "obstacles_output",
        Annotated[
            Path | None,
            typer.Option("--obstacles-output", help="障碍度长表输出文件", callback=checked_output),
        ],
    ),
    _keyword(
        "details_output",
        Annotated[
            Path | None,
            typer.Option(
                "--details-output",
                help="中间结果输出文件：每个单元-年份的 TOPSIS 距离 D⁺/D⁻、灰色关联系数等",
                callback=checked_output,
            ),
        ],
    ),
    _keyword(
        "output",
        Annotated[
            Path | None,
            typer.Option("--output", help="结果文件 .csv|.xlsx|.json", callback=checked_output),
        ],
    ),
    _keyword(
        "save",
        Annotated[
            str | None,
            typer.Option(
                "--save",
                help="（数据仓库模式）把结果以此名称保存到数据仓库，供差异分析、报告和网页使用",
            ),
        ],
    ),
    _keyword("db", Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")]),
    _keyword("as_json", Annotated[bool, typer.Option("--json", help="在标准输出打印 JSON")], False),
]


def evaluate(**given: Any) -> None:
    """综合评价：标准化、赋权（熵权/CRITIC/组合/AHP）、TOPSIS/加权/灰色关联、障碍度。"""
    system: str | None = given.pop("system")
    input_file: Path | None = given.pop("input_file")
    year: int | None = given.pop("year")
    years: str | None = given.pop("years")
    pooled: bool | None = given.pop("pooled")
    area: str | None = given.pop("area")
    weights_output: Path | None = given.pop("weights_output")
    obstacles_output: Path | None = given.pop("obstacles_output")
    details_output: Path | None = given.pop("details_output")
    output: Path | None = given.pop("output")
    save: str | None = given.pop("save")
    db: Path | None = given.pop("db")
    as_json: bool = given.pop("as_json")
    flags = {name: given.get(name) for name in METHOD_FLAGS}
    for name, value in flags.items():  # validated as every surface validates them
        EVALUATION.option(name).check(value)
    method = {
        **{name: given.get(name) for name in _CHOICES},
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
            area=area,
        )
        return
    if system is None:
        raise InputError("请用 --system 指定指标体系（内置名称或 YAML 文件）")
    if save is not None:
        raise InputError("--save 只用于数据仓库模式（不带 --input）")
    if area is not None:
        raise InputError("--scope 只用于数据仓库模式（不带 --input）；文件模式请只放入要评价的地区")
    from xinzhi.pipelines.table_evaluation import evaluate_table

    ev = evaluate_table(input_file, system, {**method, "years": _parse_years(year, years)})
    write_outputs(ev.result, *outputs)
    if as_json:
        echo_json(ev.to_dict())
    else:
        typer.echo(ev.summary())
        if output is not None:
            typer.echo(f"结果已写入 {output}")


evaluate.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [*_BEFORE, *(_method_parameter(name) for name in (*_CHOICES, *METHOD_FLAGS)), *_AFTER]
)


def _evaluate_warehouse(
    system: str | None,
    *,
    overrides: dict[str, Any],
    years: list[int] | None,
    outputs: tuple[Path | None, Path | None, Path | None, Path | None],
    save: str | None,
    db: Path | None,
    as_json: bool,
    area: str | None = None,
) -> None:
    """Evaluate the counties stored in the warehouse (``unit`` = 6-digit region code)."""
    from xinzhi.pipelines.evaluation import evaluate_counties

    ev = evaluate_counties(
        **given(system=system), years=years, options=overrides, db=db, save_as=save, area=area
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
