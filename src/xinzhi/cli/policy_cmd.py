"""``xinzhi policy list | check | explain | extract | draft | publish | retire | adopt |
facts-import | facts-generate | records-import | effect``: support policies as executable rules (政策计算器,
免申即享).

A stable contract (docs/policy.md): ``list --json`` gives every document with ``title, issuer,
doc_number, date, source, clauses``; ``check --output FILE`` writes the columns ``credit_code,
document, clause, status, amount_min, amount_max, reason`` first (status 符合 / 可能符合 / 不符合),
further columns after them (``check --subject person``: ``person_id`` in place of
``credit_code``; the CLI runs as the local user, who sees every value, so nothing is masked). Errors are printed in Chinese and exit with status 2. Every command
calls one function of :mod:`xinzhi.pipelines.policy`.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from xinzhi.cli._common import account_name, db_connection, echo_json
from xinzhi.cli._tables import checked_output, write_table
from xinzhi.errors import InputError

app = typer.Typer(
    help="政策计算器：政策库（列出、起草、发布、废止、改编）、逐企业逐条款匹配（免申即享）、"
    "单个企业的说明、条款抽取、导入政策事实与兑现台账、政策效果指标。",
    no_args_is_help=True,
)

CHECK_COLUMNS = [
    "credit_code",
    "document",
    "clause",
    "status",
    "amount_min",
    "amount_max",
    "reason",
]
"""The first columns of ``xinzhi policy check --output`` (the stable contract)."""

_DB = Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")]
_JSON = Annotated[bool, typer.Option("--json", help="输出 JSON")]
_COUNTY = Annotated[
    str | None, typer.Option("--county", help="县级单位（名称或 6 位区划代码）；不填则为全部")
]
_DATE = Annotated[str | None, typer.Option("--date", help="评定日期 YYYY-MM-DD（默认今天）")]
_ACCOUNT = Annotated[str | None, typer.Option("--account", help="操作人（默认当前系统用户）")]


def _records(table: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = table.to_dict(orient="records")
    return out


@app.command("list")
def list_cmd(
    county: _COUNTY = None,
    status: Annotated[
        str,
        typer.Option(
            "--status", help="published（默认：内置及已发布）| review | draft | retired | all"
        ),
    ] = "published",
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """列出政策库中的文件（标题、发文机关、文号、日期、来源、条款数）。"""
    from xinzhi.pipelines.policy import date_text, list_documents

    with db_connection(db) as con:
        table = list_documents(con, county=county, status=None if status == "all" else status)
    if as_json:
        echo_json(_records(table))
        return
    if table.empty:
        typer.echo("没有符合条件的政策文件")
        return
    for r in _records(table):
        number = f" {r['doc_number']}" if r["doc_number"] else ""
        typer.echo(
            f"{r['id']}  {r['title']}（{r['issuer']}{number}，{date_text(r['date'])}；{r['clauses']} 条；"
            f"{r['status']}{'，内置' if r['builtin'] else ''}）"
        )


@app.command("check")
def check_cmd(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="结果表 .csv / .xlsx / .json / .parquet：credit_code, document, clause, status, "
            "amount_min, amount_max, reason ……",
            callback=checked_output,
        ),
    ],
    firms: Annotated[
        Path | None,
        typer.Option("--firms", help="企业数据文件 xlsx/csv（不填则读数据仓库的企业）"),
    ] = None,
    county: _COUNTY = None,
    date: _DATE = None,
    year: Annotated[int | None, typer.Option("--year", help="企业数据年度（默认最新）")] = None,
    document: Annotated[
        list[str] | None,
        typer.Option("--document", help="政策文件编号（可重复；默认全部适用的文件）"),
    ] = None,
    subject: Annotated[
        str,
        typer.Option(
            "--subject",
            help="firm（默认：企业对企业类文件）| person（人才库的人员对人才类文件，"
            "第一列为 person_id；命令行以本机用户运行，人员编号不打码）",
        ),
    ] = "firm",
    db: _DB = None,
) -> None:
    """逐家企业（或逐个人员）、逐条条款判定 符合 / 可能符合 / 不符合，写出金额区间与原因。"""
    from xinzhi.pipelines.policy import policy_check

    if firms is not None and not firms.is_file():
        raise InputError(f"企业数据文件不存在：{firms}")
    with db_connection(db) as con:
        res = policy_check(
            con,
            county=county,
            year=year,
            on=date,
            documents=document or None,
            firms=firms,
            subject=subject,
        )
    table = res.tidy()
    key = "person_id" if subject == "person" else "credit_code"
    first = [key] + [c for c in CHECK_COLUMNS[1:] if c in table.columns]
    table = table[first + [c for c in table.columns if c not in first]]
    write_table(table, output)
    typer.echo(res.summary())
    typer.echo(f"已写出 {output}")


@app.command("explain")
def explain_cmd(
    credit_code: Annotated[str, typer.Option("--credit-code", help="统一社会信用代码")],
    county: _COUNTY = None,
    date: _DATE = None,
    document: Annotated[str | None, typer.Option("--document", help="只说明一个政策文件")] = None,
    db: _DB = None,
) -> None:
    """一家企业的政策说明：每条条款用到的数据、每个条件是否满足（✓ ✗ ?）及金额。"""
    from xinzhi.pipelines.policy import calculator

    with db_connection(db) as con:
        res = calculator(con, county=county, credit_code=credit_code, on=date)
    typer.echo(res.explain(credit_code, document))


@app.command("extract")
def extract_cmd(
    file: Annotated[Path, typer.Argument(help="政策文本 .txt（UTF-8）")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写出草稿 YAML（供人工审核）")
    ] = None,
) -> None:
    """从政策原文抽取条款（第 N 条、金额、比例、门槛……），生成待人工审核的草稿 YAML。"""
    from xinzhi.pipelines.policy import extract_policy_text

    if not file.is_file():
        raise InputError(f"文件不存在：{file}")
    try:
        text = file.read_text("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"文件 {file} 不是 UTF-8 文本：请另存为 UTF-8 编码的 .txt") from None
    res = extract_policy_text(text)
    draft = res.to_yaml()
    if output is not None:
        output.write_text(draft, encoding="utf-8")
        typer.echo(res.summary())
        typer.echo(f"已写出草稿 {output}（请人工核对后用 xinzhi policy draft 保存）")
    else:
        typer.echo(draft)


@app.command("draft")
def draft_cmd(
    file: Annotated[Path, typer.Argument(help="政策文件 YAML（格式见 docs/policy_rules.md）")],
    status: Annotated[str, typer.Option("--status", help="待审核（默认）或 草稿")] = "待审核",
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """校验并保存一份政策文件到政策库（状态 待审核 或 草稿）。"""
    from xinzhi.pipelines.policy import save_draft

    if not file.is_file():
        raise InputError(f"文件不存在：{file}")
    with db_connection(db) as con:
        doc_id = save_draft(
            con, file.read_text("utf-8"), account=account_name(account), status=status
        )
    typer.echo(
        f"已保存 {doc_id}（{status}）；发布：xinzhi policy publish {doc_id} --date YYYY-MM-DD"
    )


@app.command("publish")
def publish_cmd(
    doc_id: Annotated[str, typer.Argument(help="政策文件编号")],
    date: Annotated[str, typer.Option("--date", help="发布（开始适用）日期 YYYY-MM-DD")],
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """发布政策库中的文件：自该日期起参与匹配。"""
    from xinzhi.pipelines.policy import publish

    with db_connection(db) as con:
        publish(con, doc_id, on=date, account=account_name(account))
    typer.echo(f"已发布 {doc_id}，自 {date} 起适用")


@app.command("retire")
def retire_cmd(
    doc_id: Annotated[str, typer.Argument(help="政策文件编号")],
    date: Annotated[str, typer.Option("--date", help="废止日期 YYYY-MM-DD（当日起不再适用）")],
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """废止已发布的文件：自该日期起不再参与匹配（历史版本保留）。"""
    from xinzhi.pipelines.policy import retire

    with db_connection(db) as con:
        retire(con, doc_id, on=date, account=account_name(account))
    typer.echo(f"已废止 {doc_id}，自 {date} 起不再适用")


@app.command("adopt")
def adopt_cmd(
    doc_id: Annotated[str, typer.Argument(help="作为模板的政策文件编号（内置或政策库中的）")],
    region: Annotated[str, typer.Option("--region", help="本地区的区划代码（2、4 或 6 位）")],
    new_id: Annotated[
        str | None, typer.Option("--id", help="新文件编号（默认 <原编号>-<区划代码>）")
    ] = None,
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """以一份政策文件为模板，改编为本地区的文件（待审核，标注“改编自”原文件）。"""
    from xinzhi.pipelines.policy import adopt

    with db_connection(db) as con:
        target = adopt(con, doc_id, region=region, account=account_name(account), new_id=new_id)
    typer.echo(f"已保存 {target}（改编自 {doc_id}，待审核）；请核对条款后发布")


def _report(report: Any, as_json: bool) -> None:
    if as_json:
        echo_json(asdict(report))
    else:
        typer.echo(report.summary())


@app.command("facts-import")
def facts_import_cmd(
    file: Annotated[Path, typer.Argument(help="政策事实 CSV/XLSX（宽表或长表）")],
    year: Annotated[
        int | None, typer.Option("--year", help="数据年度（文件没有“年份”列时必填）")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="数据来源名称")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel 工作表")] = None,
    account: _ACCOUNT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """导入政策事实（地方财政贡献、新上项目固定资产投资、人才学历……）。"""
    from xinzhi.pipelines.policy import import_policy_facts

    with db_connection(db) as con:
        rep = import_policy_facts(
            con, file, account=account_name(account), year=year, source=source, sheet=sheet
        )
    _report(rep, as_json)


@app.command("facts-generate")
def facts_generate_cmd(
    county: Annotated[str, typer.Option("--county", help="县级单位（名称或 6 位区划代码）")],
    date: _DATE = None,
    year: Annotated[int | None, typer.Option("--year", help="数据年度（默认最新）")] = None,
    seed: Annotated[int, typer.Option("--seed", help="随机种子")] = 1,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """为一个县的企业生成政策事实的示例数据（仅供演示，标明“示例数据”）。"""
    from xinzhi.pipelines.policy import generate_policy_facts

    with db_connection(db) as con:
        rep = generate_policy_facts(con, county=county, on=date, year=year, seed=seed)
    _report(rep, as_json)


@app.command("records-import")
def records_import_cmd(
    file: Annotated[Path, typer.Argument(help="政策兑现台账 CSV/XLSX")],
    source: Annotated[str | None, typer.Option("--source", help="数据来源名称")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel 工作表")] = None,
    account: _ACCOUNT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """导入政策兑现台账（符合、已推送、已申请、已兑现，金额，是否知晓，满意度）。"""
    from xinzhi.pipelines.policy import import_policy_records

    with db_connection(db) as con:
        rep = import_policy_records(
            con, file, account=account_name(account), source=source, sheet=sheet
        )
    _report(rep, as_json)


@app.command("effect")
def effect_cmd(
    county: _COUNTY = None,
    document: Annotated[str | None, typer.Option("--document", help="政策文件编号")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="结果表", callback=checked_output)
    ] = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """政策效果：每个文件、每期的符合/推送/申请/兑现户数与金额，知晓率、兑现率、满意度。"""
    from xinzhi.pipelines.policy import effect_indicators

    with db_connection(db) as con:
        table = effect_indicators(con, county=county, document=document)
    if output is not None:
        write_table(table, output)
    if as_json:
        echo_json(_records(table))
    elif table.empty:
        typer.echo("没有政策兑现台账记录（xinzhi policy records-import 导入）")
    else:
        typer.echo(table.to_string(index=False))
