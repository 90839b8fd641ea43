"""``xinzhi disparity dagum|theil|indices|kde|markov|moran|convergence``.

Every command reads a long table (csv — UTF-8 or GBK — or xlsx, first sheet), calls one analysis
of :mod:`xinzhi.disparity` and writes its main table with English column names to ``--output``
(``.csv``, ``.xlsx`` or ``.json``); ``--report FILE.xlsx`` writes every table with Chinese
headers. Heavy libraries are imported inside the commands so ``xinzhi --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from xinzhi import registry
from xinzhi.cli._common import echo_json, given
from xinzhi.cli._tables import checked_output, write_table
from xinzhi.errors import InputError
from xinzhi.registry.disparity import WEIGHT_OPTIONS

app = typer.Typer(
    help="区域差异、动态演进与空间分析：Dagum 基尼、泰尔、核密度、马尔可夫、Moran。",
    no_args_is_help=True,
)

Input = Annotated[
    Path | None, typer.Option("--input", "-i", help="输入长表（csv 或 xlsx）；或用 --evaluation")
]
Evaluation = Annotated[
    str | None,
    typer.Option(
        "--evaluation",
        help="数据仓库中保存的评价结果名称（如 nqpf-county）：列 unit、name、year、score、"
        "dim:<维度>、province、region（四大区域）",
    ),
]
Value = Annotated[str, typer.Option("--value", help="数值列（--evaluation 时默认 score）")]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="主结果表（.csv/.xlsx/.json）", callback=checked_output),
]
Report = Annotated[
    Path | None, typer.Option("--report", help="完整结果工作簿（.xlsx，中文表头，每表一页）")
]
AsJson = Annotated[bool, typer.Option("--json", help="在终端输出 JSON")]
Drop = Annotated[bool, typer.Option("--drop-missing", help="删除缺失值所在行（默认：缺失值报错）")]
Harmonise = Annotated[
    int | None,
    typer.Option(
        "--harmonise",
        help="把 --evaluation 的区划代码统一到该年：更名的县视为同一单元，"
        "合并、拆分的县不纳入（列出条数）",
    ),
]
By = Annotated[str | None, typer.Option("--by", "--year", help="分期列（如年份）")]
Unit = Annotated[str, typer.Option("--unit", help="单元代码列")]
Year = Annotated[str, typer.Option("--year", "--by", help="年份列")]
Group = Annotated[
    str | None,
    typer.Option(
        "--group",
        help="分组列（省份 province、四大区域 region、县域类型……）；--evaluation 时默认 province，--input 时默认 region",
    ),
]
EvalYear = Annotated[
    int | None,
    typer.Option("--evaluation-year", help="--evaluation 时只分析这一年（默认：每一年）"),
]


def _help(key: str, option: str) -> str:
    """Help text of a declared option (:mod:`xinzhi.registry`): label, choices, default."""
    o = registry.get(key).option(option)
    return f"{o.describe()}；默认 {o.default}"


DbPath = Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件（--evaluation 时）")]

# The spatial-weight options (declared once in xinzhi.registry.disparity.WEIGHT_OPTIONS; help
# texts from the declaration, values checked by the pipeline against it).
Neighbors = Annotated[
    int | None, typer.Option("--neighbors", "--k", help=_help("moran", "neighbors"))
]
Power = Annotated[int | None, typer.Option("--power", help=_help("moran", "power"))]
Cutoff = Annotated[float | None, typer.Option("--cutoff", help=_help("moran", "cutoff"))]
EconomicVariable = Annotated[
    str | None,
    typer.Option("--economic-variable", help=_help("moran", "economic_variable")),
]
Standardise = Annotated[
    str | None, typer.Option("--standardise", help=_help("moran", "standardise"))
]
Coordinates = Annotated[
    Path | None, typer.Option("--coordinates", help=_help("moran", "coordinates"))
]
WeightsFile = Annotated[
    Path | None, typer.Option("--weights-file", help=_help("moran", "weights_file"))
]
# markov and convergence on a stored evaluation: one declared option (xinzhi.registry.disparity)
HarmonisePanel = Annotated[
    bool | None,
    typer.Option(
        "--harmonise/--no-harmonise",
        help="--evaluation 时：" + _help("markov", "harmonise"),
    ),
]
WEIGHT_KINDS = " | ".join(registry.get("moran").option("weights").choices or ())
_WEIGHT_FLAGS = tuple(o.name for o in WEIGHT_OPTIONS if o.name != "weights")


def _weight_flags(scope: dict[str, Any]) -> dict[str, Any]:
    """The spatial-weight options (besides the kind) a command was given, from its arguments."""
    return given(**{name: scope[name] for name in _WEIGHT_FLAGS})


def _harmonise_needs_evaluation(harmonise: object, evaluation: str | None) -> None:
    if harmonise is not None and evaluation is None:
        raise InputError("--harmonise 只用于 --evaluation（数据仓库中的区划沿革）")


def load_data(
    input_: Path | None,
    evaluation: str | None,
    db: Path | None,
    harmonise: int | None = None,
    weights: str | None = None,
) -> Any:
    """The analysed table: a user file (``--input``, read by the pipeline) or the panel of a
    stored evaluation (``--evaluation``, :func:`xinzhi.pipelines.tables.stored_table`)."""
    if (input_ is None) == (evaluation is None):
        raise InputError("请在 --input FILE 与 --evaluation NAME 中二选一")
    _harmonise_needs_evaluation(harmonise, evaluation)
    if evaluation is not None:
        from xinzhi.pipelines.tables import stored_table

        df = stored_table(evaluation, db=db, harmonise_to=harmonise, weights=weights)
        if "harmonise" in df.attrs:
            typer.echo(df.attrs["harmonise"], err=True)
        return df
    return input_


def run_stored(key: str, evaluation: str, db: Path | None, **given: Any) -> Any:
    """The declared analysis ``key`` (:mod:`xinzhi.registry`) on stored evaluation
    ``evaluation``: options the user left unset take the declared defaults; every option is
    checked before the warehouse is opened."""
    from xinzhi.pipelines.analyses import run_declared

    res = run_declared(registry.get(key), {"evaluation": evaluation, **given}, db=db)
    for note in res.notes:
        typer.echo(f"注：{note}", err=True)
    return res


def _finish(
    result: Any,
    table: pd.DataFrame,
    output: Path | None,
    report: Path | None,
    as_json: bool,
    notes: list[str] | None = None,
) -> None:
    """Write ``table`` to ``output``, every table of ``result`` to ``report``, and print the
    summary (or ``table`` as JSON, ``notes`` then on standard error)."""
    if output is not None:
        write_table(table, output)
    if report is not None:
        if report.suffix.lower() != ".xlsx":
            raise InputError("--report 只能写 .xlsx 工作簿")
        result.to_excel(report)
    if as_json:
        for note in notes or []:
            typer.echo(f"注意：{note}", err=True)
        echo_json(table.to_dict(orient="records"))
    else:
        typer.echo(result.summary())
        if output is not None:
            typer.echo(f"已写出 {output}")


def _missing(drop: bool) -> Any:
    return "drop" if drop else "error"


@app.command("dagum")
def dagum_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    value: Value = "score",
    group: Group = None,
    by: By = None,
    year_value: EvalYear = None,
    output: Output = None,
    detail: Annotated[
        Path | None,
        typer.Option(
            "--detail",
            help="组内/组间基尼系数明细（by, group_a, group_b, G）",
            callback=checked_output,
        ),
    ] = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """Dagum 基尼系数分解：G = G_w + G_nb + G_t（Dagum 1997）。"""
    if evaluation is not None and input_ is None:
        res = run_stored("dagum", evaluation, db, group=group, year=year_value)
    else:
        from xinzhi.pipelines.tables import dagum_table

        data = load_data(input_, evaluation, db)
        res = dagum_table(data, value, **given(group=group, by=by), missing=_missing(drop_missing))
    if detail is not None:
        write_table(res.detail(), detail)
    _finish(res, res.overall, output, report, as_json)


@app.command("theil")
def theil_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    value: Value = "score",
    group: Group = None,
    by: By = None,
    year_value: EvalYear = None,
    index: Annotated[str | None, typer.Option("--index", help=_help("theil", "index"))] = None,
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """泰尔指数 T、L 及组内/组间分解。"""
    if evaluation is not None and input_ is None:
        res = run_stored("theil", evaluation, db, group=group, year=year_value, index=index)
    else:
        from xinzhi.pipelines.tables import theil_table

        data = load_data(input_, evaluation, db)
        res = theil_table(
            data, value, **given(group=group, by=by), index=index, missing=_missing(drop_missing)
        )
    _finish(res, res.overall, output, report, as_json)


@app.command("indices")
def indices_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    value: Value = "score",
    by: By = None,
    ddof: Annotated[
        int | None,
        typer.Option("--ddof", help="标准差自由度修正（默认 1 = 样本标准差；0 = 总体标准差）"),
    ] = None,
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """基尼系数、变异系数、泰尔指数、极值比。"""
    from xinzhi.pipelines.tables import indices_table

    data = load_data(input_, evaluation, db)
    res = indices_table(data, value, by, **given(ddof=ddof), missing=_missing(drop_missing))
    _finish(res, res.table, output, report, as_json)


@app.command("kde")
def kde_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    value: Value = "score",
    by: By = None,
    kernel: Annotated[str | None, typer.Option("--kernel", help=_help("kde", "kernel"))] = None,
    bandwidth: Annotated[
        str | None,
        typer.Option("--bandwidth", help=_help("kde", "bandwidth") + "；--input 时也可给数值"),
    ] = None,
    grid_size: Annotated[
        int | None, typer.Option("--grid-size", help=_help("kde", "grid_size"))
    ] = None,
    output: Output = None,
    grid_output: Annotated[
        Path | None,
        typer.Option(
            "--grid-output", help="密度网格长表（by, x, density）", callback=checked_output
        ),
    ] = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """核密度估计：每年的密度网格、峰数与峰位置。"""
    if evaluation is not None and input_ is None:
        res = run_stored(
            "kde", evaluation, db, kernel=kernel, bandwidth=bandwidth, grid_size=grid_size
        )
    else:
        from xinzhi.pipelines.tables import kde_table

        data = load_data(input_, evaluation, db)
        res = kde_table(
            data,
            value,
            by,
            kernel=kernel,
            bandwidth=bandwidth,
            grid_size=grid_size,
            missing=_missing(drop_missing),
        )
    if grid_output is not None:
        write_table(res.grid, grid_output)
    _finish(res, res.stats, output, report, as_json)


def _parse_cutoffs(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError as exc:
        raise InputError(f"切点必须是逗号分隔的数值，收到 {text!r}") from exc


@app.command("markov")
def markov_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    harmonise: HarmonisePanel = None,
    value: Value = "score",
    unit: Unit = "unit",
    year: Year = "year",
    k: Annotated[int | None, typer.Option("--k", help=_help("markov", "k"))] = None,
    cutoffs: Annotated[
        str | None, typer.Option("--cutoffs", help="给定切点，逗号分隔，如 0.3,0.5,0.7")
    ] = None,
    per_year: Annotated[
        bool, typer.Option("--per-year", help="按年分别取分位数（默认：全样本混合分位数）")
    ] = False,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help=f"给出则做空间马尔可夫：{WEIGHT_KINDS}，或邻接表文件（unit, neighbor）",
        ),
    ] = None,
    neighbors: Annotated[
        int | None, typer.Option("--neighbors", help=_help("moran", "neighbors"))
    ] = None,
    power: Power = None,
    cutoff: Cutoff = None,
    economic_variable: EconomicVariable = None,
    standardise: Standardise = None,
    coordinates: Coordinates = None,
    weights_file: WeightsFile = None,
    lag_cutoffs: Annotated[
        str | None,
        typer.Option(
            "--lag-cutoffs",
            help="空间滞后分类：same（与变量同切点）| quantile | 切点；"
            + _help("spatial-markov", "lag_cutoffs"),
        ),
    ] = None,
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """传统马尔可夫链；加 --weights 则为空间马尔可夫链（含齐性检验）。

    --evaluation 时与 REST API、网页相同：区划代码统一到最新一年，只用每年都有数据的县。"""
    _harmonise_needs_evaluation(harmonise, evaluation)
    wopts = _weight_flags(locals())
    if weights is None and weights_file is not None:
        weights = "queen"  # the matrix file replaces the kind
    if weights is None and wopts:
        raise InputError("空间权重选项（--neighbors、--power …）需要 --weights（空间马尔可夫）")
    if per_year and weights is not None:
        raise InputError("空间马尔可夫链只支持全样本分位数或给定切点（不支持 --per-year）")
    classification = "per-year" if per_year else None
    kinds = registry.get("spatial-markov").option("weights").choices or ()
    if evaluation is not None and input_ is None and cutoffs is None:
        if weights is None:
            res: Any = run_stored(
                "markov", evaluation, db, k=k, classification=classification, harmonise=harmonise
            )
            _finish(res, res.tidy(), output, report, as_json)
            return
        kind = weights.strip().lower()
        if kind in kinds and lag_cutoffs in (None, "same", "quantile"):
            res = run_stored(
                "spatial-markov",
                evaluation,
                db,
                k=k,
                lag_cutoffs=lag_cutoffs,
                weights=kind,
                **wopts,
            )
            _finish(res, res.counts, output, report, as_json)
            return
    cut = _parse_cutoffs(cutoffs) if cutoffs else None
    data = load_data(input_, evaluation, db, weights=weights)
    if weights is None:
        from xinzhi.pipelines.tables import markov_table

        res = markov_table(
            data,
            value,
            unit,
            year,
            k=k,
            cutoffs=cut,
            classification=classification,
            missing=_missing(drop_missing),
        )
        _finish(res, res.tidy(), output, report, as_json)
        return
    from xinzhi.pipelines.tables import spatial_markov_table

    lag: Any = lag_cutoffs
    if lag_cutoffs is not None and lag_cutoffs not in ("same", "quantile"):
        lag = _parse_cutoffs(lag_cutoffs)
    res = spatial_markov_table(
        data,
        value,
        unit,
        year,
        weights=weights,
        k=k,
        cutoffs=cut,
        lag_cutoffs=lag,
        missing=_missing(drop_missing),
        **wopts,
    )
    _finish(res, res.counts, output, report, as_json, notes=res.notes)


@app.command("moran")
def moran_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    harmonise: Harmonise = None,
    value: Value = "score",
    unit: Unit = "unit",
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help=f"{_help('moran', 'weights')}；也可给邻接表文件（unit, neighbor 两列）",
        ),
    ] = None,
    neighbors: Neighbors = None,
    power: Power = None,
    cutoff: Cutoff = None,
    economic_variable: EconomicVariable = None,
    standardise: Standardise = None,
    coordinates: Coordinates = None,
    weights_file: WeightsFile = None,
    by: By = None,
    permutations: Annotated[
        int, typer.Option("--permutations", help=_help("moran", "permutations"))
    ] = registry.get("moran").default("permutations"),
    seed: Annotated[int, typer.Option("--seed", help=_help("moran", "seed"))] = registry.get(
        "moran"
    ).default("seed"),
    geary_c: Annotated[bool, typer.Option("--geary", help="同时计算 Geary's C")] = False,
    local_output: Annotated[
        Path | None,
        typer.Option("--local-output", help="局部 Moran（LISA）结果表", callback=checked_output),
    ] = None,
    inference: Annotated[
        str,
        typer.Option("--local-inference", help="LISA " + _help("lisa", "inference")),
    ] = registry.get("lisa").default("inference"),
    alpha: Annotated[
        float, typer.Option("--alpha", help="LISA " + _help("lisa", "alpha"))
    ] = registry.get("lisa").default("alpha"),
    islands: Annotated[
        str | None,
        typer.Option("--islands", help="孤岛单元：drop（默认，剔除）| error | keep"),
    ] = None,
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """全局 Moran's I（置换与正态推断）；可选局部 Moran（LISA）与 Geary's C。

    空间权重：queen 邻接（默认）、k 近邻（--weights knn --k 6）、反距离（--weights
    inverse-distance --power 2 --cutoff 300）、经济距离、经济地理嵌套，或 --weights-file 给
    n×n 矩阵；--standardise row|none。"""
    from xinzhi.pipelines.tables import DEFAULT_WEIGHTS, moran_table

    spec = weights or DEFAULT_WEIGHTS
    data = load_data(input_, evaluation, db, harmonise, weights=spec)
    res = moran_table(
        data,
        value,
        unit,
        by,
        weights=spec,
        **given(islands=islands),
        permutations=permutations,
        seed=seed,
        geary_c=geary_c,
        lisa=local_output is not None,
        alpha=alpha,
        inference=inference,
        missing=_missing(drop_missing),
        **_weight_flags(locals()),
    )
    if res.lisa is not None and local_output is not None:
        write_table(res.lisa.table, local_output)
    _finish(res.moran, res.moran.table, output, report, as_json, notes=res.notes)


@app.command("convergence")
def convergence_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    harmonise: HarmonisePanel = None,
    value: Value = "score",
    unit: Unit = "unit",
    year: Year = "year",
    controls: Annotated[
        str | None, typer.Option("--controls", help="条件 β 收敛的控制变量，逗号分隔（--input）")
    ] = None,
    fixed_effects: Annotated[
        str | None,
        typer.Option("--fixed-effects", help=_help("convergence", "fixed_effects")),
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=_help("convergence", "kind"))] = None,
    cov_type: Annotated[
        str | None, typer.Option("--cov-type", help=_help("convergence", "cov_type"))
    ] = None,
    measure: Annotated[
        str | None, typer.Option("--sigma-measure", help=_help("convergence", "measure"))
    ] = None,
    spatial: Annotated[
        str | None, typer.Option("--spatial", help=_help("convergence", "spatial"))
    ] = None,
    weights: Annotated[
        str | None,
        typer.Option(
            "--weights",
            help=f"--spatial slx 时：{_help('convergence', 'weights')}；也可给邻接表文件",
        ),
    ] = None,
    neighbors: Neighbors = None,
    power: Power = None,
    cutoff: Cutoff = None,
    economic_variable: EconomicVariable = None,
    standardise: Standardise = None,
    coordinates: Coordinates = None,
    weights_file: WeightsFile = None,
    output: Output = None,
    sigma_output: Annotated[
        Path | None, typer.Option("--sigma-output", help="σ 收敛表", callback=checked_output)
    ] = None,
    as_json: AsJson = False,
) -> None:
    """σ 收敛与 β 收敛（绝对/条件；OLS 稳健标准误）。

    --evaluation 时与 REST API、网页相同：区划代码统一到最新一年，只用每年都有数据的县。"""
    _harmonise_needs_evaluation(harmonise, evaluation)
    options: dict[str, Any] = {
        "kind": kind,
        "measure": measure,
        "fixed_effects": fixed_effects,
        "cov_type": cov_type,
        "spatial": spatial,
    }
    wopts = _weight_flags(locals())
    kinds = registry.get("convergence").option("weights").choices or ()
    stored_weights = weights is None or weights.strip().lower() in kinds
    if evaluation is not None and input_ is None and controls is None and stored_weights:
        res = run_stored(
            "convergence",
            evaluation,
            db,
            harmonise=harmonise,
            **options,
            **given(weights=weights.strip().lower() if weights else None),
            **wopts,
        )
    else:
        from xinzhi.pipelines.tables import convergence_table

        spatial_weights = (weights or "queen") if spatial == "slx" else None
        data = load_data(input_, evaluation, db, weights=spatial_weights)
        ctrl = [c.strip() for c in controls.split(",")] if controls else None
        res = convergence_table(
            data, value, unit, year, controls=ctrl, **options, **given(weights=weights), **wopts
        )
    if sigma_output is not None:
        write_table(res.sigma.table, sigma_output)
    if not as_json:
        typer.echo(res.sigma.summary())
    _finish(res.beta, res.beta.coefficients, output, None, as_json)
