"""Importer on generated files: encodings, headers, units, markers, bad rows — exact outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.ingest import ImportReport, import_file


def _csv(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _run(path: Path, resolver, tmp_path: Path, **kw) -> tuple[ImportReport, object]:
    db = tmp_path / "w.duckdb"
    rep = import_file(path, db=db, resolver=resolver, **kw)
    rep.check()
    con = store.connect(db)
    return rep, con


def _value(con, region: str, indicator: str, year: int = 2020) -> float:
    row = con.execute(
        "SELECT value FROM current_observations WHERE region_code=? AND indicator=? AND year=?",
        [region, indicator, year],
    ).fetchone()
    assert row is not None, (region, indicator)
    return row[0]


@pytest.mark.parametrize(("encoding", "expected"), [("gbk", "gb18030"), ("utf-8-sig", "utf-8-sig")])
def test_csv_encodings_units_fullwidth_thousands(tmp_path, resolver, encoding, expected):
    f = _csv(
        tmp_path / "t.csv",
        [
            "地区,地区生产总值(亿元),城镇化率(%),常住人口(万人),一般公共预算收入(元)",
            '东城区,"1,234.5",８５.５,70.88,"12,345,678"',
            "西城区,１２３,50,10,1000",
        ],
        encoding,
    )
    rep, con = _run(f, resolver, tmp_path, year=2020)
    assert rep.encoding == expected
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (2, 2, 0, 0)
    assert _value(con, "110101", "gdp") == pytest.approx(12_345_000.0)  # 亿元 → 万元
    assert _value(con, "110102", "gdp") == pytest.approx(1_230_000.0)  # full-width digits
    assert _value(con, "110101", "urban_share") == pytest.approx(0.855)  # % → fraction
    assert _value(con, "110101", "pop_total") == pytest.approx(708_800.0)  # 万人 → 人
    assert _value(con, "110101", "fiscal_revenue") == pytest.approx(1234.5678)  # 元 → 万元
    assert rep.unit_conversions["地区生产总值(亿元)"].startswith("亿元 → 万元")


def test_xlsx_two_row_merged_header_and_unit_row(tmp_path, resolver):
    path = tmp_path / "yearbook.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("县域")
    ws.merge_range(0, 0, 0, 4, "表 1  各县主要指标")  # title row, not a header
    ws.merge_range(1, 0, 2, 0, "地区")
    ws.merge_range(1, 1, 1, 3, "地区生产总值")
    ws.write_row(2, 1, ["合计", "第一产业", "第二产业"])
    ws.merge_range(1, 4, 2, 4, "城镇化率")
    ws.write_row(3, 0, ["", "亿元", "万元", "元", "‰"])  # unit row
    ws.write_row(4, 0, ["东城区", 2.5, 100, 50_000, 900])
    wb.close()
    rep, con = _run(path, resolver, tmp_path, year=2021, sheet="县域")
    assert rep.rows_read == 1 and rep.rows_loaded == 1
    assert rep.columns_matched == {
        "地区生产总值/合计": "gdp",
        "地区生产总值/第一产业": "gdp_primary",
        "地区生产总值/第二产业": "gdp_secondary",
        "城镇化率": "urban_share",
    }
    assert _value(con, "110101", "gdp", 2021) == pytest.approx(25_000.0)
    assert _value(con, "110101", "gdp_primary", 2021) == pytest.approx(100.0)
    assert _value(con, "110101", "gdp_secondary", 2021) == pytest.approx(5.0)
    assert _value(con, "110101", "urban_share", 2021) == pytest.approx(0.9)  # ‰


def test_xlsx_table_on_second_sheet_is_found(tmp_path, resolver):
    # A 说明 sheet first (text only), the table on 数据: the reader takes the sheet with the most
    # numeric cells (说明 0, 数据 4: 2.5, 3 and the two years) and the report names it.
    path = tmp_path / "yearbook.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("说明")
    notes.write_column(0, 0, ["本表为各县主要指标", "单位：亿元", "来源：统计年鉴"])
    data = wb.add_worksheet("数据")
    data.write_row(0, 0, ["地区", "年份", "地区生产总值(亿元)"])
    data.write_row(1, 0, ["东城区", 2020, 2.5])
    data.write_row(2, 0, ["西城区", 2020, 3])
    wb.close()
    rep, con = _run(path, resolver, tmp_path)
    assert rep.sheet == "数据"
    assert (rep.rows_read, rep.rows_loaded) == (2, 2)
    assert _value(con, "110101", "gdp") == pytest.approx(25_000.0)  # 2.5 亿元 = 25,000 万元
    assert rep.summary().splitlines()[0].startswith("导入完成：yearbook.xlsx（工作表“数据”")


def test_yearbook_total_and_growth_and_unknown_columns_all_kept(tmp_path, resolver):
    # 地区生产总值 over 总量(亿元) / 增速(%): both stored (总量 → gdp in 万元, 增速 → gdp_growth
    # as a fraction); 粮食产量(万吨) is in no catalogue: a user indicator, unit kept as written;
    # 序号 and the text column 备注 are reported, not stored.
    path = tmp_path / "yearbook.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("数据")
    ws.merge_range(0, 0, 1, 0, "地区")
    ws.merge_range(0, 1, 1, 1, "序号")
    ws.merge_range(0, 2, 0, 3, "地区生产总值")
    ws.write_row(1, 2, ["总量(亿元)", "增速(%)"])
    ws.merge_range(0, 4, 1, 4, "粮食产量(万吨)")
    ws.merge_range(0, 5, 1, 5, "人均可支配收入·增速(%)")
    ws.merge_range(0, 6, 1, 6, "备注")
    ws.write_row(2, 0, ["东城区", 1, 560.5, 4.5, 45.2, -1.5, "无"])
    wb.close()
    rep, con = _run(path, resolver, tmp_path, year=2023)
    assert _value(con, "110101", "gdp", 2023) == pytest.approx(5_605_000.0)  # 560.5 × 1e4 万元
    assert _value(con, "110101", "gdp_growth", 2023) == pytest.approx(0.045)  # 4.5 % → 0.045
    growth, grain = sorted(rep.columns_new.items())  # 人 (U+4EBA) sorts before 粮 (U+7CAE)
    assert grain[0] == "粮食产量(万吨)" and "粮食产量（u_" in grain[1] and "单位 万吨" in grain[1]
    grain_code = grain[1].split("（")[1].split("，")[0]
    assert _value(con, "110101", grain_code, 2023) == pytest.approx(45.2)  # as written
    # a user growth rate may be negative: −1.5 % → −0.015 (unit 增长率, no [0, 1] bound)
    assert "单位 增长率" in growth[1]
    growth_code = growth[1].split("（")[1].split("，")[0]
    assert _value(con, "110101", growth_code, 2023) == pytest.approx(-0.015)
    assert rep.columns_ignored == ["序号", "备注"]
    names = dict(
        con.execute("SELECT code, name_zh FROM indicators WHERE dimension = '用户指标'").fetchall()
    )
    assert names == {grain_code: "粮食产量", growth_code: "人均可支配收入·增速"}
    # the same header in a later file lands on the same indicator, and the earlier user
    # indicators stay in the indicators table after a file without them
    other = _csv(tmp_path / "more.csv", ["地区,粮食产量(万吨)", "西城区,3"], "utf-8")
    rep2 = import_file(other, db=tmp_path / "w.duckdb", year=2023, resolver=resolver)
    assert rep2.indicators_loaded == [grain_code]
    plain = _csv(tmp_path / "plain.csv", ["地区,地区生产总值(亿元)", "西城区,3"], "utf-8")
    import_file(plain, db=tmp_path / "w.duckdb", year=2024, resolver=resolver)
    con2 = store.connect(tmp_path / "w.duckdb")
    kept = con2.execute("SELECT count(*) FROM indicators WHERE dimension = '用户指标'").fetchone()
    assert kept == (2,)


def test_csv_group_header_without_merge_info(tmp_path, resolver):
    f = _csv(
        tmp_path / "g.csv",
        ["地区,地区生产总值(万元),,", ",合计,第一产业,第二产业", "东城区,10,2,8"],
        "utf-8",
    )
    rep, con = _run(f, resolver, tmp_path, year=2020)
    assert rep.columns_matched == {
        "地区生产总值(万元)/合计": "gdp",
        "地区生产总值(万元)/第一产业": "gdp_primary",
        "地区生产总值(万元)/第二产业": "gdp_secondary",
    }
    assert _value(con, "110101", "gdp_primary") == 2.0


def test_missing_markers_are_null_and_counted(tmp_path, resolver):
    markers = ["", "—", "-", "…", "NA", "#DIV/0!", "/"]
    header = "代码," + ",".join(
        [
            "地区生产总值",
            "人均地区生产总值",
            "一般公共预算收入",
            "一般公共预算支出",
            "社会消费品零售总额",
            "固定资产投资",
            "户籍人口",
        ]
    )
    # (一般公共预算收入 3 ≤ 地区生产总值 10: a part never exceeds its whole, issue #18)
    f = _csv(
        tmp_path / "m.csv",
        [header, "110101," + ",".join(markers), "110102,10,2,3,4,5,6,7"],
        "utf-8",
    )
    rep, _con = _run(f, resolver, tmp_path, year=2020)
    # the first row has only missing cells: skipped as empty, counted per row
    assert rep.skipped_by_reason == {"empty": 1}
    assert rep.rows_loaded == 1
    f2 = _csv(tmp_path / "m2.csv", [header, "110101,9," + ",".join(markers[1:])], "utf-8")
    (tmp_path / "second").mkdir()
    rep2, con2 = _run(f2, resolver, tmp_path / "second", year=2020)
    assert rep2.rows_loaded == 1
    assert rep2.values_loaded == 1 and rep2.values_missing == 6
    assert rep2.missing_by_marker == {"—": 1, "-": 1, "...": 1, "NA": 1, "#DIV/0!": 1, "/": 1}
    assert con2.execute("SELECT count(*) FROM observations").fetchone()[0] == 1


def test_bad_rows_exact_outcomes(tmp_path, resolver):
    f = _csv(
        tmp_path / "bad.csv",
        [
            "地区,常住人口,城镇化率(%),地区生产总值",
            "东城区,100,50,10",  # loaded
            "东城区,100,50,10",  # identical duplicate → skipped duplicate
            "西城区,200,40,20",  # conflicting duplicate (both quarantined)
            "西城区,201,40,20",
            "不存在县,1,1,1",  # unknown region
            "朝阳区,1,1,1",  # ambiguous region
            "北京市,300,80,30",  # subtotal (resolves to a province)
            "合计,300,80,30",  # subtotal by name
            "湘潭县,-5,50,1",  # negative population
            "临颍县,10,120,1",  # share 1.2 > 1
            "湘潭市,10,abc,1",  # subtotal wins over non-numeric
            ",,,",  # empty line
        ],
        "utf-8",
    )
    rep, con = _run(f, resolver, tmp_path, year=2020)
    assert rep.rows_read == 12
    assert rep.rows_loaded == 1
    assert rep.skipped_by_reason == {"duplicate": 1, "subtotal": 3, "empty": 1}
    assert rep.quarantined_by_reason == {
        "duplicate_conflict": 2,
        "unknown_region": 1,
        "ambiguous_region": 1,
        "impossible_value": 2,
    }
    q = con.execute(
        "SELECT row_number, reason, message, raw->>'地区' FROM quarantine ORDER BY 1"
    ).fetchall()
    assert [(r[0], r[1]) for r in q] == [
        (4, "duplicate_conflict"),
        (5, "duplicate_conflict"),
        (6, "unknown_region"),
        (7, "ambiguous_region"),
        (10, "impossible_value"),
        (11, "impossible_value"),
    ]
    assert q[4][2] == "超出合理范围：pop_total" and q[4][3] == "湘潭县"
    assert q[5][2] == "超出合理范围：urban_share"


def test_non_numeric_text_quarantined(tmp_path, resolver):
    f = _csv(
        tmp_path / "n.csv", ["地区,常住人口,地区生产总值", "东城区,约100,5", "西城区,7,8"], "utf-8"
    )
    rep, con = _run(f, resolver, tmp_path, year=2020)
    assert rep.quarantined_by_reason == {"non_numeric": 1}
    assert con.execute("SELECT message FROM quarantine").fetchone()[0] == "非数值：pop_total"
    assert rep.rows_loaded == 1


def test_ambiguous_name_resolved_with_parent_column(tmp_path, resolver):
    f = _csv(tmp_path / "p.csv", ["省,区县,常住人口", "北京市,朝阳区,3452460"], "utf-8")
    rep, con = _run(f, resolver, tmp_path, year=2020)
    assert rep.rows_loaded == 1
    assert _value(con, "110105", "pop_total") == 3452460.0


def test_year_column_and_long_format(tmp_path, resolver):
    f = _csv(
        tmp_path / "long.csv",
        [
            "地区,年份,指标,单位,数值",
            "东城区,2019,地区生产总值,亿元,1.5",
            "东城区,2020年,城镇化率,%,99",
            "东城区,2020,常住人口,人,—",  # missing value → skipped
            "东城区,2020,目录外的指标,万人,1",  # not in the catalogue → user indicator (人)
            "西城区,2020,常住人口,人,5",
            "西城区,2020,常住人口,人,5",  # identical duplicate
            "西城区,2021,常住人口,人,5",
            "西城区,2021,常住人口,人,6",  # conflict with previous
            "西城区,20x0,常住人口,人,6",  # invalid year
        ],
        "utf-8",
    )
    rep, con = _run(f, resolver, tmp_path)
    assert rep.format == "long"
    assert rep.rows_read == 9 and rep.rows_loaded == 4
    assert rep.skipped_by_reason == {"missing_value": 1, "duplicate": 1}
    assert rep.quarantined_by_reason == {"duplicate_conflict": 2, "invalid_year": 1}
    ((name, new),) = rep.columns_new.items()
    assert name == "目录外的指标" and "单位 人" in new
    assert _value(con, "110101", new.split("（")[1].split("，")[0]) == 10_000.0  # 1 万人
    assert _value(con, "110101", "gdp", 2019) == pytest.approx(15_000.0)
    assert _value(con, "110101", "urban_share", 2020) == pytest.approx(0.99)
    assert rep.missing_by_marker == {"—": 1}


def test_user_aliases_file(tmp_path, resolver):
    aliases = tmp_path / "a.yaml"
    aliases.write_text("aliases:\n  GDP总量: gdp\n", encoding="utf-8")
    f = _csv(tmp_path / "u.csv", ["地区,GDP总量(亿元)", "东城区,2"], "utf-8")
    # without the alias the column is kept as a user indicator of its own (not gdp)
    rep = import_file(f, db=tmp_path / "w0.duckdb", year=2020, resolver=resolver)
    assert rep.indicators_loaded[0].startswith("u_") and "gdp" not in rep.indicators_loaded
    _rep, con = _run(f, resolver, tmp_path, year=2020, aliases=aliases)
    assert _value(con, "110101", "gdp") == pytest.approx(20_000.0)


@pytest.mark.parametrize(
    ("lines", "kw", "message"),
    [
        (["名字,常住人口", "东城区,1"], {"year": 2020}, "找不到地区列"),
        (["地区,常住人口", "东城区,1"], {}, "宽表需要年份"),
        (["地区,年份,指标", "东城区,2020,常住人口"], {"fmt": "long"}, "长表缺少“数值”列"),
    ],
)
def test_user_errors(tmp_path, resolver, lines, kw, message):
    f = _csv(tmp_path / "e.csv", lines, "utf-8")
    with pytest.raises(InputError, match=message):
        import_file(f, db=tmp_path / "w.duckdb", resolver=resolver, **kw)


def test_reimport_noop_and_supersede_keeps_history(tmp_path, resolver):
    db = tmp_path / "w.duckdb"
    f = _csv(tmp_path / "y.csv", ["地区,常住人口", "东城区,100", "西城区,200"], "utf-8")
    first = import_file(f, db=db, year=2020, resolver=resolver)
    again = import_file(f, db=db, year=2020, resolver=resolver)
    assert first.status == "loaded" and again.status == "noop"
    assert again.batch_id == first.batch_id and again.rows_loaded == 2
    _csv(f, ["地区,常住人口", "东城区,101", "西城区,200"], "utf-8")  # corrected file, same source
    fixed = import_file(f, db=db, year=2020, resolver=resolver)
    assert fixed.status == "loaded" and fixed.superseded == [first.batch_id]
    con = store.connect(db)
    assert con.execute(
        "SELECT batch_id, status, superseded_by FROM import_batches ORDER BY 1"
    ).fetchall() == [
        (1, "superseded", 2),
        (2, "active", None),
    ]
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == 4  # history kept
    assert _value(con, "110101", "pop_total") == 101.0
    wide = store.read_wide(con, ["pop_total"], [2020])
    assert wide.to_dict("list") == {
        "region_code": ["110101", "110102"],
        "year": [2020, 2020],
        "pop_total": [101.0, 200.0],
    }
