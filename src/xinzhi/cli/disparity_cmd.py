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
from xinzhi.cli._common import echo_json
from xinzhi.cli._tables import checked_output, read_table, write_table
from xinzhi.errors import InputError

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


def load_data(
    input_: Path | None,
    evaluation: str | None,
    db: Path | None,
    text_columns: list[str | None],
    harmonise: int | None = None,
) -> pd.DataFrame:
    """The analysed table: a user file (``--input``) or a stored evaluation (``--evaluation``)."""
    if (input_ is None) == (evaluation is None):
        raise InputError("请在 --input FILE 与 --evaluation NAME 中二选一")
    if harmonise is not None and evaluation is None:
        raise InputError("--harmonise 只用于 --evaluation（数据仓库中的区划沿革）")
    if evaluation is not None:
        from xinzhi.pipelines.stored import evaluation_panel

        df = evaluation_panel(evaluation, db=db, harmonise_to=harmonise)
        if "harmonise" in df.attrs:
            typer.echo(df.attrs["harmonise"], err=True)
        return df
    assert input_ is not None
    return read_table(input_, text_columns)


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
    result: Any, table: pd.DataFrame, output: Path | None, report: Path | None, as_json: bool
) -> None:
    if output is not None:
        write_table(table, output)
    if report is not None:
        if report.suffix.lower() != ".xlsx":
            raise InputError("--report 只能写 .xlsx 工作簿")
        result.to_excel(report)
    if as_json:
        echo_json(table.to_dict(orient="records"))
    else:
        typer.echo(result.summary())
        if output is not None:
            typer.echo(f"已写出 {output}")


def _with_weights(spec: str, df: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, Any]:
    """Weights for the units of ``df``: ``queen`` (county codes, via xinzhi.regions) or an
    adjacency file with columns unit, neighbor.

    With ``queen``, rows whose code has no boundary polygon (units abolished or renamed before
    the 2021–2022 boundaries, e.g. 2010 codes) are left out and the count is reported.
    """
    if spec.strip().lower() == "queen":
        from xinzhi.pipelines.spatial import queen_subset

        df, w, lacking = queen_subset(df, unit)
        if lacking:
            typer.secho(
                f"注意：{len(lacking)} 个单元没有边界多边形（多为 2021 年以前撤并或更名的县区，"
                f"如 {'、'.join(lacking[:5])}），已从空间分析中剔除。",
                err=True,
                fg=typer.colors.YELLOW,
            )
        return df, w
    ids = df[unit].dropna().astype(str)
    return df, _adjacency_weights(Path(spec), ids.tolist())


def _adjacency_weights(path: Path, ids: list[str]) -> Any:
    from xinzhi.disparity.spatial_weights import weights_from_adjacency

    adj = read_table(path, ["unit", "neighbor"])
    missing = {"unit", "neighbor"} - set(adj.columns)
    if missing:
        raise InputError(
            f"邻接表 {path} 需要 unit、neighbor 两列，缺少：{'、'.join(sorted(missing))}"
        )
    return weights_from_adjacency(adj, "unit", "neighbor", ids=sorted(set(ids)))


def _missing(drop: bool) -> Any:
    return "drop" if drop else "error"


def _choice(value: str, allowed: tuple[str, ...], option: str) -> Any:
    if value not in allowed:
        raise InputError(f"{option} 只能是 {'、'.join(allowed)}，收到 {value!r}")
    return value


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
    from xinzhi.disparity.dagum import dagum_gini

    if evaluation is not None and input_ is None:
        res = run_stored("dagum", evaluation, db, group=group, year=year_value)
    else:
        df = load_data(input_, evaluation, db, [group, by])
        res = dagum_gini(df, value, group or "region", by, missing=_missing(drop_missing))
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
    index: Annotated[str | None, typer.Option("--index", help="both | T | L")] = None,
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """泰尔指数 T、L 及组内/组间分解。"""
    from xinzhi.disparity.inequality_indices import theil_decomposition

    if evaluation is not None and input_ is None:
        res = run_stored("theil", evaluation, db, group=group, year=year_value, index=index)
    else:
        df = load_data(input_, evaluation, db, [group, by])
        res = theil_decomposition(
            df, value, group or "region", by, index=index or "both", missing=_missing(drop_missing)
        )
    _finish(res, res.overall, output, report, as_json)


@app.command("indices")
def indices_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    value: Value = "score",
    by: By = None,
    ddof: Annotated[int, typer.Option("--ddof", help="标准差自由度修正（1 = 样本标准差）")] = 1,
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """基尼系数、变异系数、泰尔指数、极值比。"""
    from xinzhi.disparity.inequality_indices import inequality_indices

    df = load_data(input_, evaluation, db, [by])
    res = inequality_indices(df, value, by, ddof=ddof, missing=_missing(drop_missing))
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
    from xinzhi.disparity.kernel_density import kernel_density

    if evaluation is not None and input_ is None:
        res = run_stored(
            "kde", evaluation, db, kernel=kernel, bandwidth=bandwidth, grid_size=grid_size
        )
        if grid_output is not None:
            write_table(res.grid, grid_output)
        _finish(res, res.stats, output, report, as_json)
        return
    kernel = kernel or "gaussian"
    bandwidth = bandwidth or "silverman"
    bw: Any = bandwidth
    if bandwidth not in ("silverman", "stata", "scott"):
        try:
            bw = float(bandwidth)
        except ValueError as exc:
            raise InputError(
                f"--bandwidth 只能是 silverman、stata、scott 或正数，收到 {bandwidth!r}"
            ) from exc
    kern = _choice(kernel, ("gaussian", "epanechnikov", "epanechnikov_stata"), "--kernel")
    df = load_data(input_, evaluation, db, [by])
    res = kernel_density(
        df,
        value,
        by,
        kernel=kern,
        bandwidth_rule=bw,
        grid_size=grid_size or 512,
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
    harmonise: Annotated[
        bool | None,
        typer.Option(
            "--harmonise/--no-harmonise",
            help="--evaluation 时：" + _help("markov", "harmonise"),
        ),
    ] = None,
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
            "--weights", help="给出则做空间马尔可夫：邻接表文件（unit, neighbor）或 queen"
        ),
    ] = None,
    lag_cutoffs: Annotated[
        str | None,
        typer.Option("--lag-cutoffs", help="空间滞后分类：same（与变量同切点）| quantile | 切点"),
    ] = None,
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """传统马尔可夫链；加 --weights 则为空间马尔可夫链（含齐性检验）。

    --evaluation 时与 REST API、网页相同：区划代码统一到最新一年，只用每年都有数据的县。"""
    from xinzhi.disparity.markov import markov_chain, spatial_markov

    if harmonise is not None and evaluation is None:
        raise InputError("--harmonise 只用于 --evaluation（数据仓库中的区划沿革）")
    if per_year and weights is not None:
        raise InputError("空间马尔可夫链只支持全样本分位数或给定切点（不支持 --per-year）")
    classification = "per-year" if per_year else None
    if evaluation is not None and input_ is None and cutoffs is None:
        if weights is None:
            res: Any = run_stored(
                "markov", evaluation, db, k=k, classification=classification, harmonise=harmonise
            )
            _finish(res, res.tidy(), output, report, as_json)
            return
        if weights.strip().lower() == "queen" and lag_cutoffs in (None, "same", "quantile"):
            res = run_stored("spatial-markov", evaluation, db, k=k, lag_cutoffs=lag_cutoffs)
            _finish(res, res.counts, output, report, as_json)
            return
    cut = _parse_cutoffs(cutoffs) if cutoffs else None
    df = load_data(input_, evaluation, db, [unit])
    if weights is None:
        res = markov_chain(
            df,
            value,
            unit,
            year,
            k=k or 4,
            cutoffs=cut,
            classification="per-year" if per_year else "pooled",
            missing=_missing(drop_missing),
        )
        _finish(res, res.tidy(), output, report, as_json)
        return
    lag_text = lag_cutoffs or "same"
    lag: Any = lag_text if lag_text in ("same", "quantile") else _parse_cutoffs(lag_text)
    df, w = _with_weights(weights, df, unit)
    res = spatial_markov(
        df,
        value,
        unit,
        year,
        w,
        k=k or 4,
        cutoffs=cut,
        lag_cutoffs=lag,
        missing=_missing(drop_missing),
    )
    _finish(res, res.counts, output, report, as_json)


@app.command("moran")
def moran_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    harmonise: Harmonise = None,
    value: Value = "score",
    unit: Unit = "unit",
    weights: Annotated[
        str, typer.Option("--weights", help="邻接表文件（unit, neighbor 两列）或 queen（县级代码）")
    ] = "queen",
    by: By = None,
    permutations: Annotated[int, typer.Option("--permutations", help="置换次数")] = 999,
    seed: Annotated[int, typer.Option("--seed", help="随机种子")] = 0,
    geary_c: Annotated[bool, typer.Option("--geary", help="同时计算 Geary's C")] = False,
    local_output: Annotated[
        Path | None,
        typer.Option("--local-output", help="局部 Moran（LISA）结果表", callback=checked_output),
    ] = None,
    inference: Annotated[
        str, typer.Option("--local-inference", help="LISA 置换方式：conditional | total")
    ] = "conditional",
    alpha: Annotated[float, typer.Option("--alpha", help="LISA 显著性水平")] = 0.05,
    islands: Annotated[
        str, typer.Option("--islands", help="孤岛单元：drop | error | keep")
    ] = "drop",
    output: Output = None,
    report: Report = None,
    drop_missing: Drop = False,
    as_json: AsJson = False,
) -> None:
    """全局 Moran's I（置换与正态推断）；可选局部 Moran（LISA）与 Geary's C。"""
    from xinzhi.disparity.spatial_autocorrelation import geary, local_moran, moran
    from xinzhi.regions.boundaries import BOUNDARY_YEAR

    isl = _choice(islands, ("drop", "error", "keep"), "--islands")
    inf = _choice(inference, ("conditional", "total"), "--local-inference")
    if evaluation is not None and harmonise is None and weights.strip().lower() == "queen":
        harmonise = BOUNDARY_YEAR  # the boundaries' codes, as the API and the web page
    df = load_data(input_, evaluation, db, [unit, by], harmonise)
    df, w = _with_weights(weights, df, unit)
    miss = _missing(drop_missing)
    res = moran(
        df, value, unit, w, by, permutations=permutations, seed=seed, islands=isl, missing=miss
    )
    if local_output is not None:
        lisa = local_moran(
            df,
            value,
            unit,
            w,
            by,
            permutations=max(permutations, 99),
            seed=seed,
            alpha=alpha,
            inference=inf,
            islands=isl,
            missing=miss,
        )
        write_table(lisa.table, local_output)
    if geary_c:
        g = geary(
            df, value, unit, w, by, permutations=permutations, seed=seed, islands=isl, missing=miss
        )
        res.notes.append(
            "Geary's C："
            + "；".join(f"{r.by}: C={r.C:.4f}, p={r.p_norm:.4f}" for r in g.table.itertuples())
        )
    _finish(res, res.table, output, report, as_json)


@app.command("convergence")
def convergence_cmd(
    input_: Input = None,
    evaluation: Evaluation = None,
    db: DbPath = None,
    harmonise: Annotated[
        bool | None,
        typer.Option(
            "--harmonise/--no-harmonise",
            help="--evaluation 时：" + _help("convergence", "harmonise"),
        ),
    ] = None,
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
    output: Output = None,
    sigma_output: Annotated[
        Path | None, typer.Option("--sigma-output", help="σ 收敛表", callback=checked_output)
    ] = None,
    as_json: AsJson = False,
) -> None:
    """σ 收敛与 β 收敛（绝对/条件；OLS 稳健标准误）。

    --evaluation 时与 REST API、网页相同：区划代码统一到最新一年，只用每年都有数据的县。"""
    from xinzhi.disparity.convergence import beta_convergence, sigma_convergence

    if harmonise is not None and evaluation is None:
        raise InputError("--harmonise 只用于 --evaluation（数据仓库中的区划沿革）")
    given = {
        "kind": kind,
        "measure": measure,
        "fixed_effects": fixed_effects,
        "cov_type": cov_type,
    }
    if evaluation is not None and input_ is None and controls is None:
        res = run_stored("convergence", evaluation, db, harmonise=harmonise, **given)
        sig, beta = res.sigma, res.beta
    else:
        # a user table: the declared options, the columns named on the command line
        o = registry.get("convergence").resolve({"evaluation": "-", **given})
        df = load_data(input_, evaluation, db, [unit])
        ctrl = [c.strip() for c in controls.split(",")] if controls else None
        sig = sigma_convergence(df, value, year, measure=o["measure"])
        beta = beta_convergence(
            df,
            value,
            unit,
            year,
            controls=ctrl,
            kind=o["kind"],
            fixed_effects=o["fixed_effects"],
            cov_type=o["cov_type"],
        )
    if sigma_output is not None:
        write_table(sig.table, sigma_output)
    if not as_json:
        typer.echo(sig.summary())
    _finish(beta, beta.coefficients, output, None, as_json)
