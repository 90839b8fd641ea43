"""Technology demands (技术需求) and research teams / experts / 飞地 partners from Excel or CSV →
the warehouse tables ``tech_demands`` and ``tech_teams`` (:mod:`xinzhi.store.tech`).

Demands, one row per demand:

=============  ===========================================================================
column         headers accepted (after NFKC, whitespace and a trailing unit removed)
=============  ===========================================================================
demand_id      需求编号, 编号, 榜单编号 (absent: derived from the firm and the title)
credit_code    统一社会信用代码, 信用代码 (optional; checked when given, GB 32100)
firm_name      企业名称, 需求单位, 发榜单位, 单位名称
region_code    区划代码, 所在县, 县区, 所属县区 (6-digit code or a county name; absent: the
               county of the import)
title          需求名称, 技术需求, 榜单名称, 项目名称, 标题
text           需求描述, 问题描述, 技术难题, 需求内容, 描述
field          技术领域, 领域 (the eight areas of 国科发火〔2016〕32号 附件 or a usual alias)
chain          主导产业, 产业链, 所属产业链
chain_link     产业链环节, 环节
industry_code  行业代码
keywords       关键词, 关键字
budget         预算, 拟投入资金, 榜单金额, 悬赏金额 (元 / 万元 / 亿元 → 万元)
deadline       截止日期, 揭榜截止, 完成时限
status         状态, 需求状态
contact/phone  联系人, 联系电话 / 手机
=============  ===========================================================================

Teams: 团队编号 (absent: derived from the name), 团队名称 / 专家姓名 / 名称, 类型 (团队 / 专家 /
飞地), 依托单位 / 所在单位, 所在城市, 区划代码, 服务县区 / 合作县区 (飞地), 研究领域, 关键词,
简介 / 研究方向 / 论文专利项目, 可承接项目数 (default 1), 联系人, 联系电话, 邮箱.

Every source row is loaded, quarantined (with a reason) or skipped::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Columns not recognised are named in the report, never dropped silently.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from xinzhi.codes.tech_fields import tech_field
from xinzhi.errors import InputError
from xinzhi.ingest.batch import import_table_file, run_import, table_report, write_table_batch
from xinzhi.ingest.enterprises import (
    _header_unit,
    _parse_dates,
    header_and_body,
    match_headers,
    parse_money,
    validate_credit_codes,
)
from xinzhi.ingest.firm_years import CleanRows, _finish_rows, _Flags, _raw_json
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import parse_values, to_text
from xinzhi.store.tech import (
    DEMAND_COLUMNS,
    TEAM_COLUMNS,
    ensure_tech_tables,
    insert_demands,
    insert_teams,
)

__all__ = ["clean_demands", "clean_teams", "import_tech_file", "import_tech_frame"]

_DEMAND_HEADERS: dict[str, list[str]] = {
    "demand_id": ["需求编号", "编号", "榜单编号", "demand_id"],
    "credit_code": ["统一社会信用代码", "信用代码", "社会信用代码", "credit_code"],
    "firm_name": ["企业名称", "需求单位", "发榜单位", "单位名称", "firm_name"],
    "region_code": ["区划代码", "所在县", "县区", "所属县区", "所在县区", "region_code"],
    "title": ["需求名称", "技术需求", "榜单名称", "项目名称", "标题", "title"],
    "text": ["需求描述", "问题描述", "技术难题", "需求内容", "描述", "text"],
    "field": ["技术领域", "领域", "field"],
    "chain": ["主导产业", "产业链", "所属产业链", "chain"],
    "chain_link": ["产业链环节", "环节", "chain_link"],
    "industry_code": ["行业代码", "industry_code"],
    "keywords": ["关键词", "关键字", "keywords"],
    "budget": ["预算", "拟投入资金", "榜单金额", "悬赏金额", "budget"],
    "deadline": ["截止日期", "揭榜截止", "完成时限", "deadline"],
    "status": ["状态", "需求状态", "status"],
    "contact": ["联系人", "contact"],
    "phone": ["联系电话", "手机", "电话", "phone"],
}

_TEAM_HEADERS: dict[str, list[str]] = {
    "team_id": ["团队编号", "专家编号", "编号", "team_id"],
    "name": ["团队名称", "专家姓名", "名称", "团队", "专家", "name"],
    "kind": ["类型", "类别", "kind"],
    "institution": ["依托单位", "所在单位", "单位", "institution"],
    "city": ["所在城市", "城市", "city"],
    "region_code": ["区划代码", "所在地区代码", "region_code"],
    "partner_county": ["服务县区", "合作县区", "partner_county"],
    "fields": ["研究领域", "技术领域", "领域", "fields"],
    "keywords": ["关键词", "关键字", "研究方向关键词", "keywords"],
    "text": ["简介", "研究方向", "论文专利项目", "成果", "text"],
    "capacity": ["可承接项目数", "可承接数", "承接能力", "capacity"],
    "contact": ["联系人", "contact"],
    "phone": ["联系电话", "手机", "电话", "phone"],
    "email": ["邮箱", "电子邮箱", "email"],
}

_KINDS = {"团队": "团队", "研究团队": "团队", "专家": "专家", "个人": "专家", "飞地": "飞地",
          "科创飞地": "飞地", "研发飞地": "飞地"}  # fmt: skip


def _derived_id(prefix: str, *parts: pd.Series) -> pd.Series:
    joined = parts[0].astype(str)
    for p in parts[1:]:
        joined = joined + "\x1f" + p.astype(str)
    return joined.map(lambda s: prefix + hashlib.sha1(s.encode()).hexdigest()[:10].upper())


def _regions(raw: pd.Series, names: Mapping[str, str] | None, county: str | None) -> pd.Series:
    text = to_text(raw)
    lookup = {str(k): str(v) for k, v in (names or {}).items()}
    code = text.where(text.str.fullmatch(r"\d{6}"), text.map(lambda t: lookup.get(t, "")))
    if county is not None:
        code = code.where(text != "", county)
    return code


def clean_demands(
    grid: Grid | pd.DataFrame,
    *,
    county: str | None = None,
    names: Mapping[str, str] | None = None,
    synthetic: bool = False,
) -> CleanRows:
    """Validate and normalise a demands table (pure: no database).

    Parameters
    ----------
    grid : Grid or DataFrame
        Cells from :func:`xinzhi.ingest.tables.read_grid` or a DataFrame whose columns are the
        header.
    county : str, optional
        The county of the import: fills an empty region, and a row of another county is
        quarantined (``other_county``; a county account imports its own county only).
    names : mapping county name → code, optional
        To read county names in the region column.
    synthetic : bool
        Mark the rows as 示例数据.
    """
    header, body, row_numbers = header_and_body(
        grid, _DEMAND_HEADERS, "找不到表头：技术需求表至少需要“需求名称”“企业名称”“技术领域”等列"
    )
    cols, matched, ignored = match_headers(header, _DEMAND_HEADERS)
    if "title" not in cols:
        raise InputError("缺少“需求名称”列（也可写作 技术需求、榜单名称）")
    if "region_code" not in cols and county is None:
        raise InputError("缺少“区划代码”或“所在县”列，且未指定导入县区")
    n = len(body)
    col, text = _readers(body, cols)
    raw, empty = _raw_json(header, body)
    flags = _Flags()
    title = to_text(col("title"))
    flags.add("title_missing", (title == "").to_numpy())
    code = to_text(col("credit_code")).str.upper()
    reason = validate_credit_codes(code)
    for r in ("credit_code_format", "credit_code_check"):
        flags.add(r, ((code != "") & (reason == r)).to_numpy())
    region = _regions(col("region_code"), names, county)
    flags.add(
        "missing_region", (region == "").to_numpy() & (to_text(col("region_code")) == "").to_numpy()
    )
    flags.add("unknown_region", ((region == "") & (to_text(col("region_code")) != "")).to_numpy())
    if county is not None:
        flags.add("other_county", ((region != "") & (region != county)).to_numpy())
    field_text = to_text(col("field"))
    fld = field_text.map(tech_field)
    flags.add("field_unknown", ((field_text != "") & fld.isna()).to_numpy())
    budget, budget_bad = parse_money(col("budget"), _header_unit(matched.get("budget", "")) or None)
    flags.add("non_numeric", budget_bad.to_numpy(), "预算")
    flags.add("impossible_value", (budget < 0).to_numpy(), "预算")
    # deadlines lie ahead: any date from 1900 to 2100 is accepted
    deadline, date_bad = _parse_dates(col("deadline"), date(2100, 12, 31))
    flags.add("value_date_invalid", date_bad.to_numpy(), "截止日期")
    firm = to_text(col("firm_name"))
    ids = to_text(col("demand_id"))
    ids = ids.where(ids != "", _derived_id("TD", code.where(code != "", firm), title))
    status = to_text(col("status"))
    out = pd.DataFrame(
        {
            "demand_id": ids,
            "credit_code": code.where(code != "", None).astype(object),
            "firm_name": firm.where(firm != "", None).astype(object),
            "region_code": region.where(region != "", None).astype(object),
            "title": title,
            "text": text("text"),
            "field": fld.astype(object).where(fld.notna(), None),
            "chain": text("chain"),
            "chain_link": text("chain_link"),
            "industry_code": text("industry_code"),
            "keywords": text("keywords"),
            "budget": budget.astype("float64"),
            "deadline": deadline.dt.date.astype(object).where(deadline.notna(), None),
            "status": status.where(status != "", "征集中").astype(object),
            "contact": text("contact"),
            "phone": text("phone"),
            "synthetic": np.full(n, synthetic),
        }
    )[DEMAND_COLUMNS]
    return _finish_rows(
        out,
        ["demand_id"],
        flags,
        raw=raw,
        empty=empty,
        row_numbers=row_numbers,
        duplicate_reason="duplicate_demand",
        cols=cols,
        matched=matched,
        ignored=ignored,
    )


def _readers(
    body: pd.DataFrame, cols: Mapping[str, int]
) -> tuple[Callable[[str], pd.Series], Callable[[str], pd.Series]]:
    """``col(key)``: the matched column of ``key`` (all NULL when absent); ``text(key)``: its
    text with blanks as NULL."""
    blank = pd.Series([None] * len(body), dtype=object)

    def col(k: str) -> pd.Series:
        return body[cols[k]].reset_index(drop=True) if k in cols else blank

    def text(k: str) -> pd.Series:
        t = to_text(col(k))
        return t.where(t != "", None).astype(object)

    return col, text


def clean_teams(grid: Grid | pd.DataFrame, *, synthetic: bool = False) -> CleanRows:
    """Validate and normalise a table of research teams, experts and 飞地 partners (pure)."""
    header, body, row_numbers = header_and_body(
        grid, _TEAM_HEADERS, "找不到表头：团队表至少需要“团队名称”“类型”“研究领域”等列"
    )
    cols, matched, ignored = match_headers(header, _TEAM_HEADERS)
    if "name" not in cols:
        raise InputError("缺少“团队名称”列（也可写作 专家姓名、名称）")
    n = len(body)
    col, text = _readers(body, cols)
    raw, empty = _raw_json(header, body)
    flags = _Flags()
    name = to_text(col("name"))
    flags.add("team_name_missing", (name == "").to_numpy())
    kind_text = to_text(col("kind"))
    kind = kind_text.map(lambda t: _KINDS.get(t, "团队" if t == "" else None))
    flags.add("team_kind_invalid", kind.isna().to_numpy())
    cap = parse_values(col("capacity"))
    capacity = cap.value.fillna(1.0)
    flags.add("non_numeric", cap.bad.to_numpy(), "可承接项目数")
    flags.add(
        "capacity_invalid",
        (cap.value.notna() & ((cap.value.round() != cap.value) | (cap.value < 0))).to_numpy(),
    )
    region = to_text(col("region_code"))
    partner = to_text(col("partner_county"))
    flags.add("invalid_region", ((region != "") & ~region.str.fullmatch(r"\d{6}")).to_numpy())
    flags.add(
        "invalid_region",
        ((partner != "") & ~partner.str.fullmatch(r"\d{6}")).to_numpy(),
        "服务县区",
    )
    fields_text = to_text(col("fields"))
    fields = fields_text.map(
        lambda t: ";".join(dict.fromkeys(f for f in (tech_field(x) for x in _items(t)) if f))
    )
    flags.add("field_unknown", ((fields_text != "") & (fields == "")).to_numpy())
    ids = to_text(col("team_id"))
    ids = ids.where(ids != "", _derived_id("RT", name, to_text(col("institution"))))
    out = pd.DataFrame(
        {
            "team_id": ids,
            "name": name,
            "kind": kind.astype(object),
            "institution": text("institution"),
            "city": text("city"),
            "region_code": region.where(region != "", None).astype(object),
            "partner_county": partner.where(partner != "", None).astype(object),
            "fields": fields.where(fields != "", None).astype(object),
            "keywords": text("keywords"),
            "text": text("text"),
            "capacity": capacity.round().astype("Int64"),
            "contact": text("contact"),
            "phone": text("phone"),
            "email": text("email"),
            "synthetic": np.full(n, synthetic),
        }
    )[TEAM_COLUMNS]
    return _finish_rows(
        out,
        ["team_id"],
        flags,
        raw=raw,
        empty=empty,
        row_numbers=row_numbers,
        duplicate_reason="duplicate_team",
        cols=cols,
        matched=matched,
        ignored=ignored,
    )


def _items(text: str) -> list[str]:
    for sep in ("；", "、", ",", "，", "|"):
        text = text.replace(sep, ";")
    return [t.strip() for t in text.split(";") if t.strip()]


def _insert(kind: str) -> Callable[[duckdb.DuckDBPyConnection, pd.DataFrame, int], object]:
    return insert_demands if kind == "demands" else insert_teams


def _clean(
    kind: str,
    table: Grid | pd.DataFrame,
    county: str | None,
    names: Mapping[str, str] | None,
    synthetic: bool,
) -> CleanRows:
    if kind == "demands":
        return clean_demands(table, county=county, names=names, synthetic=synthetic)
    return clean_teams(table, synthetic=synthetic)


def _check_kind(kind: str) -> None:
    if kind not in ("demands", "teams"):
        raise InputError(
            f"导入类型应为 demands（技术需求）或 teams（团队/专家/飞地），收到 {kind!r}"
        )


def import_tech_frame(
    frame: pd.DataFrame,
    *,
    kind: str,
    source: str,
    county: str | None = None,
    names: Mapping[str, str] | None = None,
    synthetic: bool = False,
    account: str | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportReport:
    """Import a DataFrame of demands or teams (columns: any accepted header, e.g. the frame
    columns of :mod:`xinzhi.match.tech`) as one batch of ``source``; its identity is the
    sha256 of the frame's CSV text (the same frame again is a no-op)."""
    _check_kind(kind)
    digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    fmt = f"tech_{kind}"

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        clean = _clean(kind, frame, county, names, synthetic)
        rep = table_report(clean, file_name=source, source=source, fmt=fmt, sha256=digest)
        ensure_tech_tables(connection)
        return write_table_batch(connection, rep, clean, _insert(kind), user_name=account)

    return run_import(load, sha256=digest, source=source, fmt=fmt, con=con, db=db)


def import_tech_file(
    path: str | os.PathLike[str],
    *,
    kind: str,
    county: str | None = None,
    names: Mapping[str, str] | None = None,
    source: str | None = None,
    sheet: str | int | None = None,
    account: str | None = None,
    synthetic: bool = False,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportReport:
    """Import demands (``kind="demands"``) or teams (``kind="teams"``) from CSV/XLSX as one
    batch of ``source`` (default ``tech_demands:<stem>`` / ``tech_teams:<stem>``; a new file
    supersedes the source's earlier batch, the same file again is a no-op)."""
    _check_kind(kind)
    fmt = f"tech_{kind}"
    src = source or f"{fmt}:{Path(path).stem}" + (f":{county}" if county else "")
    return import_table_file(
        path,
        fmt=fmt,
        clean=lambda grid: _clean(kind, grid, county, names, synthetic),
        insert=_insert(kind),
        ensure=ensure_tech_tables,
        source=src,
        sheet=sheet,
        user_name=account,
        db=db,
        con=con,
    )
