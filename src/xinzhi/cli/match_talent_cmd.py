"""``xinzhi match import | generate | talents | jobs | radar | shortage | retention | purge``: the
county talent base (人才库, 岗位库; talent policies are the person documents of ``xinzhi
policy``), matches with reasons and 匹配度, the 能力雷达图 and the shortage catalogue
(紧缺人才目录, 人才地图). Registered by :mod:`xinzhi.cli.match_cmd`; every command calls
:mod:`xinzhi.pipelines.talent`. A local command sees every record unmasked (like ``xinzhi
analysis``); the REST API and the web pages apply the access policy.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from xinzhi.cli._common import db_connection, echo_json
from xinzhi.cli._tables import checked_output, write_table

_DB = Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")]
_JSON = Annotated[bool, typer.Option("--json", help="输出 JSON")]
_COUNTY = Annotated[
    str | None, typer.Option("--county", help="县级单位（名称或 6 位区划代码；不填则全部）")
]
_OUTPUT = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="写出 .csv/.xlsx/.json", callback=checked_output),
]
_K = Annotated[int, typer.Option("--k", min=1, max=100, help="列出前 k 名")]
_EMBEDDER = Annotated[
    str,
    typer.Option(
        "--embedder", help="语义模型：e5（默认）、use，或 none（只用 BM25 关键词，不加载模型）"
    ),
]


def _show(table: Any, output: Path | None, as_json: bool, empty: str) -> None:
    if as_json:
        echo_json(table.to_dict(orient="records"))
    elif output is None:
        typer.echo(table.to_string(index=False) if len(table) else empty)
    if output is not None:
        write_table(table, output)
        if not as_json:
            typer.echo(f"已写出 {output}（{len(table)} 行）")


def _embedder(name: str) -> str | None:
    if name not in ("e5", "use", "none"):
        raise typer.BadParameter(f"--embedder 只能是 e5、use 或 none，收到 {name!r}")
    return None if name == "none" else name


def import_cmd(
    file: Annotated[
        Path, typer.Argument(help="人才或岗位的 xlsx/csv 表格，或文本（每份之间空一行）")
    ],
    kind: Annotated[str, typer.Option("--kind", help="talents（人才库）或 jobs（岗位库）")],
    county: _COUNTY = None,
    layout: Annotated[
        str | None, typer.Option("--layout", help="table（表格）或 text（文本）；默认按文件判断")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="来源名称（默认 <kind>:<文件名>）")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel 工作表名称或序号")] = None,
    classify: Annotated[
        bool, typer.Option("--classify/--no-classify", help="按岗位名称/求职意向补职业代码")
    ] = True,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """导入人才或岗位：读入行数 = 载入 + 隔离（原因）+ 跳过（原因）；未识别的列原样保存并列出。"""
    from xinzhi.pipelines import talent

    with db_connection(db) as con:
        rep = talent.import_talents(
            file,
            kind=kind,
            county=county,
            layout=layout,
            source=source,
            sheet=sheet,
            classify=classify,
            con=con,
        )
    if as_json:
        echo_json(asdict(rep))
    else:
        typer.echo(rep.summary())


def generate_cmd(
    county: Annotated[str, typer.Option("--county", help="县级单位（名称或 6 位代码）")] = "430321",
    seed: Annotated[int, typer.Option("--seed", help="随机种子")] = 0,
    talents: Annotated[int, typer.Option("--talents", min=1, help="示例人才数")] = 2000,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="示例岗位数")] = 600,
    db: _DB = None,
) -> None:
    """生成一个县的示例人才库与岗位库（示例数据；岗位分给数据仓库中该县的企业）。"""
    from xinzhi.pipelines import talent

    with db_connection(db) as con:
        reps = talent.generate_talent_base(
            con, county=county, seed=seed, n_talents=talents, n_jobs=jobs
        )
    for rep in reps:
        typer.echo(rep.summary())


def _pairs(
    *,
    county: str | None,
    job_id: str | None,
    person_id: str | None,
    k: int,
    embedder: str,
    output: Path | None,
    as_json: bool,
    db: Path | None,
) -> None:
    from xinzhi.pipelines import talent

    with db_connection(db) as con:
        res, table = talent.matches_view(
            con,
            None,
            county=county,
            job_id=job_id,
            person_id=person_id,
            k=k,
            embedder=_embedder(embedder),
        )
    if not as_json and output is None:
        typer.echo(res.summary())
    _show(table, output, as_json, "没有满足硬性条件的匹配")


_EMPTY_BASE = {
    "talents": "人才库为空（xinzhi match import 或 xinzhi match generate）",
    "jobs": "岗位库为空（xinzhi match import 或 xinzhi match generate）",
}


def _base_or_pairs(
    base: Literal["talents", "jobs"],
    *,
    county: str | None,
    job_id: str | None,
    person_id: str | None,
    k: int,
    embedder: str,
    output: Path | None,
    as_json: bool,
    db: Path | None,
) -> None:
    """The matches of the given job or person, else the whole base (人才库 / 岗位库)."""
    from xinzhi.pipelines import talent

    if job_id is not None or person_id is not None:
        _pairs(
            county=county,
            job_id=job_id,
            person_id=person_id,
            k=k,
            embedder=embedder,
            output=output,
            as_json=as_json,
            db=db,
        )
        return
    view = talent.talents_view if base == "talents" else talent.jobs_view
    with db_connection(db) as con:
        table = view(con, None, county=county)
    _show(table, output, as_json, _EMPTY_BASE[base])


def talents_cmd(
    county: _COUNTY = None,
    job: Annotated[str | None, typer.Option("--job", help="岗位编号：列出最匹配的人才")] = None,
    k: _K = 10,
    embedder: _EMBEDDER = "e5",
    output: _OUTPUT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """人才库；给出 --job 时列出该岗位最匹配的人才（匹配度与理由）。"""
    _base_or_pairs(
        "talents",
        county=county,
        job_id=job,
        person_id=None,
        k=k,
        embedder=embedder,
        output=output,
        as_json=as_json,
        db=db,
    )


def jobs_cmd(
    county: _COUNTY = None,
    person: Annotated[
        str | None, typer.Option("--person", help="人员编号：列出最匹配的岗位")
    ] = None,
    k: _K = 10,
    embedder: _EMBEDDER = "e5",
    output: _OUTPUT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """岗位库；给出 --person 时列出该人才最匹配的岗位（匹配度与理由）。"""
    _base_or_pairs(
        "jobs",
        county=county,
        job_id=None,
        person_id=person,
        k=k,
        embedder=embedder,
        output=output,
        as_json=as_json,
        db=db,
    )


def radar_cmd(
    person: Annotated[str, typer.Option("--person", help="人员编号")],
    job: Annotated[str, typer.Option("--job", help="岗位编号")],
    county: _COUNTY = None,
    output: _OUTPUT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """能力雷达图：人才各技能组、学历、经验（0–100）对岗位要求。"""
    from xinzhi.pipelines import talent

    with db_connection(db) as con:
        res = talent.radar_view(con, None, person_id=person, job_id=job, county=county)
    if not as_json and output is None:
        typer.echo(res.summary())
    _show(res.axes, output, as_json, "")


def shortage_cmd(
    county: _COUNTY = None,
    year: Annotated[
        int | None, typer.Option("--year", help="岗位发布年度（默认全部岗位；给出时另算缺口预警）")
    ] = None,
    level: Annotated[
        int, typer.Option("--level", min=2, max=4, help="职业层级：4 职业、3 小类、2 中类")
    ] = 4,
    stars: Annotated[
        str, typer.Option("--stars", help="星级：fixed（20/40/60/80 分档）或 quantile（五分位）")
    ] = "fixed",
    chains: Annotated[
        str | None, typer.Option("--chains", help="人才地图的产业链（逗号分隔；默认全部模板）")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=".xlsx：紧缺人才目录文件（封面、目录、人才地图、预警）；或 .csv/.json",
        ),
    ] = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """紧缺人才目录：岗位需求对本地求职，紧缺指数与 ★1–5、依据；人才地图与缺口预警。"""
    from xinzhi.pipelines import talent

    with db_connection(db) as con:
        res = talent.shortage_view(
            con, None, county=county, year=year, level=level, stars=stars, chains=chains
        )
    if as_json:
        echo_json(res.catalogue.to_dict(orient="records"))
    else:
        typer.echo(res.summary())
    if output is not None:
        if output.suffix.lower() == ".xlsx":
            res.to_excel(output)
        else:
            write_table(res.catalogue, output)
        if not as_json:
            typer.echo(f"已写出 {output}")


def retention_cmd(
    base: Annotated[str, typer.Option("--base", help="talents（人才库）或 jobs（岗位库）")],
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="个人信息保存天数（不填则长期保存）")
    ] = None,
    db: _DB = None,
) -> None:
    """设置个人信息保存期限；到期记录由 xinzhi match purge 匿名化（人才）或删除（岗位）。"""
    from xinzhi.pipelines import talent

    with db_connection(db) as con:
        settings = talent.set_retention(con, base, days)
    for k, v in settings.items():
        typer.echo(f"{talent.BASE_LABELS[k]}：{'长期保存' if v is None else f'{v} 天'}")


def purge_cmd(db: _DB = None) -> None:
    """按保存期限匿名化到期的人才记录（姓名、手机、简历清空）、删除到期岗位。"""
    from xinzhi.pipelines import talent

    with db_connection(db) as con:
        out = talent.purge_personal_data(con)
    typer.echo(
        f"已匿名化人才记录 {out['talents']} 条，删除岗位 {out['jobs']} 条，"
        f"删除缓存向量 {out['vectors']} 条"
    )


def register(app: typer.Typer) -> None:
    """Add this part's commands to the ``xinzhi match`` group."""
    app.command("import")(import_cmd)
    app.command("generate")(generate_cmd)
    app.command("talents")(talents_cmd)
    app.command("jobs")(jobs_cmd)
    app.command("radar")(radar_cmd)
    app.command("shortage")(shortage_cmd)
    app.command("retention")(retention_cmd)
    app.command("purge")(purge_cmd)
