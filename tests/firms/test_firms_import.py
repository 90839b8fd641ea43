"""Enterprise importer: address → county, validation reasons, units, warehouse batches."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinzhi import store
from xinzhi.codes.credit import credit_check_chars
from xinzhi.ingest.enterprises import (
    AddressScanner,
    clean_firms,
    import_firms,
    parse_industry,
    parse_money,
)
from xinzhi.ingest.tables import read_grid

TODAY = date(2025, 1, 1)


@pytest.fixture(scope="module")
def scanner(data_dir: Path) -> AddressScanner:
    from xinzhi.regions import load_registry

    return AddressScanner(load_registry(data_dir), 2024)


def _code(region: str, serial: int) -> str:
    body = f"91{region}{serial:08d}X"
    return body + str(credit_check_chars(pd.Series([body]))[0])


def test_address_to_county_real_names(scanner: AddressScanner) -> None:
    res = scanner.scan(
        pd.Series(
            [
                "湖南省湘潭市湘潭县易俗河镇天易大道1号",
                "北京市朝阳区建国路88号",
                "吉林省长春市朝阳区人民大街",
                "湘潭县易俗河镇",
                "朝阳区某路",
                "湖南省湘潭市建设路",
                "火星路1号",
                "广东省东莞市松山湖",
                "中国上海市浦东新区",
                "",
            ]
        )
    )
    assert res["region_code"].tolist()[:4] == ["430321", "110105", "220104", "430321"]
    assert res["status"].tolist() == [
        "ok",
        "ok",
        "ok",
        "ok",
        "ambiguous_region",
        "not_county_region",
        "unknown_region",
        "ok",
        "ok",
        "missing_region",
    ]
    assert res["region_code"].iloc[7] == "441900"  # prefecture city without counties
    assert res["region_code"].iloc[8] == "310115"
    assert res["matched"].iloc[0] == "湖南省湘潭市湘潭县"


def test_address_with_former_county_names(scanner: AddressScanner) -> None:
    """Old addresses name counties that were renamed or merged since; they resolve to the unit
    that holds the territory now. Split or ambiguous former names do not resolve."""
    res = scanner.scan(
        pd.Series(
            [
                "湖南省永州市祁阳县城关镇",  # 祁阳县 431121 -> 祁阳市 431181 (2021)
                "祁阳县某路",
                "北京市崇文区天坛路",  # merged into 东城区 110101 (2010)
                "湖北省襄樊市樊城区",  # prefecture 襄樊 renamed 襄阳 (2010)
                "浙江省玉环县",  # -> 玉环市 331083 (2017)
                "郊区某村",  # many former 郊区: ambiguous
                "湖南省湘潭市湘潭县",  # a current name is unchanged
            ]
        )
    )
    assert res["region_code"].tolist()[:5] == ["431181", "431181", "110101", "420606", "331083"]
    assert res["status"].tolist()[5:] == ["ambiguous_region", "ok"]
    assert res["matched"].iloc[0] == "湖南省永州市祁阳县"


def test_money_units() -> None:
    v, bad = parse_money(
        pd.Series(["1.5亿元", "500万", "80000元", "300", "人民币200万元", "10万美元", ""])
    )
    assert v.iloc[:5].tolist() == [15000.0, 500.0, 8.0, 300.0, 200.0]
    assert bad.tolist() == [False, False, False, False, False, True, False]
    v2, _ = parse_money(pd.Series(["50000", "1亿"]), header_unit="元")
    assert v2.tolist() == [5.0, 10000.0]


def test_industry_codes() -> None:
    res = parse_industry(
        pd.Series(["C3511", "3511", "35", "C", "351", "D3511", "9999", "", "3511.0"])
    )
    assert res["status"].tolist() == ["ok"] * 5 + ["industry_invalid"] * 2 + [
        "industry_missing",
        "ok",
    ]
    assert res["industry_code"].tolist()[:5] == ["3511", "3511", None, None, None]
    assert res["division"].tolist()[:5] == ["35", "35", "35", None, "35"]
    assert res["section"].tolist()[:5] == ["C", "C", "C", "C", "C"]
    by_name = parse_industry(pd.Series(["", ""]), pd.Series(["专用设备制造业", "制造业"]))
    assert by_name["division"].tolist() == ["35", None]
    assert by_name["section"].tolist() == ["C", "C"]


def _bad_file_rows() -> tuple[list[dict[str, str]], list[str | None]]:
    good = _code("430321", 1)
    rows = [
        (
            {
                "统一社会信用代码": good,
                "住所": "湖南省湘潭市湘潭县易俗河镇",
                "行业代码": "C3511",
                "注册资本": "1.2亿元",
                "成立日期": "2015-03-02",
                "参保人数": "120",
                "营业收入（万元）": "5000",
                "状态": "存续",
            },
            None,
        ),
        ({"统一社会信用代码": _code("430321", 2), "住所": "火星路1号"}, "unknown_region"),
        ({"统一社会信用代码": _code("430321", 3), "住所": "朝阳区某路"}, "ambiguous_region"),
        (
            {
                "统一社会信用代码": good[:-1] + ("0" if good[-1] != "0" else "1"),
                "住所": "湘潭县易俗河镇",
            },
            "credit_code_check",
        ),
        ({"统一社会信用代码": good, "住所": "湘潭县易俗河镇"}, "duplicate_credit_code"),
        (
            {"统一社会信用代码": _code("430321", 4), "住所": "湘潭县", "营业收入（万元）": "-5"},
            "revenue_negative",
        ),
        (
            {"统一社会信用代码": _code("430321", 5), "住所": "湘潭县", "成立日期": "2015-13-45"},
            "date_invalid",
        ),
        (
            {"统一社会信用代码": _code("430321", 6), "住所": "湘潭县", "行业代码": "Z99"},
            "industry_invalid",
        ),
        ({}, "empty"),
        (
            {
                "统一社会信用代码": _code("110105", 7),
                "住所": "北京市朝阳区建国路",
                "注册资本": "-100万元",
            },
            "capital_negative",
        ),
        (
            {
                "统一社会信用代码": _code("110105", 8),
                "住所": "北京市朝阳区建国路",
                "参保人数": "-3",
            },
            "employees_negative",
        ),
    ]
    defaults = {
        "企业名称": "某公司",
        "行业代码": "3511",
        "注册资本": "100",
        "成立日期": "2010/5/1",
        "参保人数": "10",
        "营业收入（万元）": "100",
        "状态": "在业",
    }
    out = []
    for r, _ in rows:
        out.append({} if not r else {**defaults, **r})
    return out, [e for _, e in rows]


def _write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> None:
    cols = [
        "统一社会信用代码",
        "企业名称",
        "住所",
        "行业代码",
        "注册资本",
        "成立日期",
        "参保人数",
        "营业收入（万元）",
        "状态",
    ]
    frame = pd.DataFrame([[r.get(c, "") for c in cols] for r in rows], columns=cols)
    frame.to_csv(path, index=False, encoding=encoding)


def test_bad_file_reasons_gbk(tmp_path: Path, scanner: AddressScanner) -> None:
    rows, expected = _bad_file_rows()
    path = tmp_path / "名录.csv"
    _write_csv(path, rows, encoding="gbk")
    grid = read_grid(path)
    assert grid.encoding == "gb18030"
    clean = clean_firms(grid, scanner=scanner, today=TODAY)
    assert clean.rows_read == len(rows)
    q = dict(zip(clean.quarantine["row_number"], clean.quarantine["reason"], strict=True))
    for i, reason in enumerate(expected):
        line = i + 2
        if reason is None:
            assert line not in q
        elif reason == "empty":
            assert clean.skipped["row_number"].tolist() == [line]
        else:
            assert q[line] == reason, (line, q.get(line), reason)
    first = clean.firms.iloc[0]
    assert first["registered_capital"] == 12000.0  # 1.2亿元 → 万元
    assert first["region_code"] == "430321"
    assert (first["industry_code"], first["division"], first["section"]) == ("3511", "35", "C")
    assert first["employees"] == 120 and first["revenue"] == 5000.0
    assert pd.Timestamp(first["founded"]) == pd.Timestamp("2015-03-02")
    assert len(clean.firms) == 1
    raw = json.loads(clean.quarantine["raw"].iloc[0])
    assert raw["住所"] == "火星路1号"


def test_xlsx_and_county_code_column(tmp_path: Path, scanner: AddressScanner) -> None:
    frame = pd.DataFrame(
        {
            "统一社会信用代码": [_code("430321", 11), _code("430321", 12), _code("430321", 13)],
            "企业名称": ["甲", "乙", "丙"],
            "区划代码": ["430321", "湘潭县", "999999"],
            "行业名称": ["专用设备制造业", "批发业", "批发业"],
            "注册资本（元）": [1_000_000, 2_000_000, 1],
            "成立日期": [
                pd.Timestamp("2012-01-31"),
                pd.Timestamp("2013-02-01"),
                pd.Timestamp("2014-01-01"),
            ],
            "参保人数": [5, 6, 7],
            "营业收入": [1.0, 2.0, 3.0],
        }
    )
    path = tmp_path / "名录.xlsx"
    frame.to_excel(path, index=False)
    clean = clean_firms(read_grid(path), scanner=scanner, today=TODAY)
    assert clean.firms["region_code"].tolist() == ["430321", "430321"]
    assert clean.firms["registered_capital"].tolist() == [100.0, 200.0]
    assert clean.firms["division"].tolist() == ["35", "51"]
    assert clean.quarantine["reason"].tolist() == ["unknown_region"]


def test_import_one_batch_and_noop(tmp_path: Path, scanner: AddressScanner) -> None:
    rows, _ = _bad_file_rows()
    path = tmp_path / "firms.csv"
    _write_csv(path, rows)
    db = tmp_path / "wh.duckdb"
    rep = import_firms(path, db=db, scanner=scanner)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (11, 1, 9, 1)
    assert rep.quarantined_by_reason["unknown_region"] == 1
    text = rep.summary()  # the firm import report prints the Chinese labels, not the keys
    assert "  地区无法识别（unknown region）：1 行" in text
    assert "  地区名称有歧义，对应多个区县（ambiguous region）：1 行" in text
    assert "  统一社会信用代码校验码错误（GB 32100-2015）：1 行" in text
    assert "  营业收入为负数：1 行" in text
    assert "  空行（无任何内容或数值）：1 行" in text
    assert not re.search(r"[a-z]+_[a-z_]+：", text)
    again = import_firms(path, db=db, scanner=scanner)
    assert again.status == "noop" and again.batch_id == rep.batch_id
    assert (again.rows_read, again.rows_loaded, again.rows_quarantined) == (11, 1, 9)
    assert again.quarantined_by_reason == rep.quarantined_by_reason and again.format == "firms"
    con = store.connect(db, read_only=True)
    try:
        firms = con.execute("SELECT credit_code, region_code, synthetic FROM current_firms").df()
        nq = con.execute(
            "SELECT count(*) FROM quarantine WHERE batch_id = ?", [rep.batch_id]
        ).fetchone()
        batch = con.execute("SELECT rows_read, rows_loaded, format FROM import_batches").fetchall()
    finally:
        con.close()
    assert firms["region_code"].tolist() == ["430321"] and not firms["synthetic"].any()
    assert nq == (9,)
    assert batch == [(11, 1, "firms")]


row_kinds = st.sampled_from(
    ["ok", "unknown", "ambiguous", "check", "dup", "neg", "date", "industry", "empty"]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(row_kinds, min_size=0, max_size=30))
def test_counts_add_up(scanner: AddressScanner, kinds: list[str]) -> None:
    base = {
        "企业名称": "某",
        "行业代码": "3511",
        "注册资本": "1",
        "成立日期": "2010-01-01",
        "参保人数": "1",
        "营业收入（万元）": "1",
        "状态": "存续",
        "住所": "湘潭县",
    }
    rows: list[dict[str, str]] = []
    for i, k in enumerate(kinds):
        code = _code("430321", 1000 + i)
        r = {**base, "统一社会信用代码": code}
        if k == "unknown":
            r["住所"] = "火星"
        elif k == "ambiguous":
            r["住所"] = "朝阳区"
        elif k == "check":
            r["统一社会信用代码"] = code[:-1] + ("0" if code[-1] != "0" else "1")
        elif k == "dup":
            r["统一社会信用代码"] = _code("430321", 1)
        elif k == "neg":
            r["营业收入（万元）"] = "-1"
        elif k == "date":
            r["成立日期"] = "昨天"
        elif k == "industry":
            r["行业代码"] = "99"
        elif k == "empty":
            r = dict.fromkeys(r, "")
        rows.append(r)
    frame = pd.DataFrame(rows, columns=["统一社会信用代码", *base])
    clean = clean_firms(frame, scanner=scanner, today=TODAY)
    assert clean.rows_read == len(kinds)
    assert len(clean.firms) + len(clean.quarantine) + len(clean.skipped) == len(kinds)
    assert len(clean.skipped) == kinds.count("empty")
    assert clean.firms["credit_code"].is_unique
    n_dup = kinds.count("dup")
    assert (clean.quarantine["reason"] == "duplicate_credit_code").sum() == max(n_dup - 1, 0)
