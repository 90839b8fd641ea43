"""Importers of firm-year data and labels: units, aliases, booleans, dates, bad rows
quarantined with reasons, counts that add up, unknown columns reported, label validity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from xinzhi import store
from xinzhi.codes.credit import credit_check_chars
from xinzhi.errors import InputError
from xinzhi.ingest.firm_years import (
    clean_firm_labels,
    clean_firm_years,
    import_firm_labels,
    import_firm_years,
    label_validity,
    match_labels,
)
from xinzhi.pipelines.enterprise_data import firm_frame_df

TODAY = dt.date(2025, 6, 30)


def _code(serial: int, region: str = "430321") -> str:
    body = f"91{region}{serial:08d}X"
    return body + str(credit_check_chars(pd.Series([body]))[0])


C1, C2, C3, C4, C5 = (_code(i) for i in range(1, 6))
BAD = C1[:-1] + ("0" if C1[-1] != "0" else "1")

HEADER = [
    "统一社会信用代码",
    "年份",
    "营业收入（元）",
    "实缴税金（亿元）",
    "用地面积（平方米）",
    "资产负债率（%）",
    "用电量（千瓦时）",
    "从业人员",
    "是否规上",
    "投产日期",
    "所在园区",
    "备注",
]


def _years_table() -> pd.DataFrame:
    rows = [
        [
            C1,
            "2024",
            "12,000,000",
            "0.05",
            "20000",
            "45",
            "1000000",
            "120",
            "是",
            "2019年5月1日",
            "某开发区",
            "x",
        ],
        [C2, "2024", "3.5亿元", "", "0", "60%", "0", "10", "√", "2020/01/02", "", ""],
        [BAD, "2024", "100", "", "", "", "", "", "", "", "", ""],  # check character
        [C3, "abc", "100", "", "", "", "", "", "", "", "", ""],  # year
        [C3, "2024", "abc", "", "", "", "", "", "", "", "", ""],  # revenue
        [C4, "2024", "100", "", "", "", "", "10.5", "", "", "", ""],  # employees
        [C4, "2023", "100", "", "", "", "", "", "也许", "", "", ""],  # boolean
        [C5, "2024", "100", "", "-3", "", "", "", "", "", "", ""],  # negative land
        ["", "", "", "", "", "", "", "", "", "", "", ""],  # empty
        [
            C1,
            "2024",
            "12,000,000",
            "0.05",
            "20000",
            "45",
            "1000000",
            "120",
            "是",
            "2019年5月1日",
            "某开发区",
            "x",
        ],
        [C1, "2024", "13,000,000", "", "", "", "", "", "", "", "", ""],  # conflicting repeat
        [C5, "2023", "100", "", "", "", "", "", "", "2019-13-45", "", ""],  # date
    ]
    return pd.DataFrame(rows, columns=HEADER)


def test_units_aliases_booleans_dates() -> None:
    res = clean_firm_years(_years_table(), today=TODAY)
    assert res.rows_read == 12
    assert (len(res.rows), len(res.quarantine), len(res.skipped)) == (2, 8, 2)
    r = res.rows.set_index("credit_code")
    # 12,000,000 元 = 1200 万元; 0.05 亿元 = 500 万元; 3.5亿元 (cell unit) = 35000 万元
    assert r.loc[C1, "revenue"] == pytest.approx(1200.0)
    assert r.loc[C1, "tax"] == pytest.approx(500.0)
    assert r.loc[C2, "revenue"] == pytest.approx(35000.0)
    assert pd.isna(r.loc[C2, "tax"])
    # 20000 m² × 0.0015 亩/m² = 30 亩; 1,000,000 kWh = 100 万千瓦时
    assert r.loc[C1, "land_area"] == pytest.approx(30.0)
    assert r.loc[C1, "electricity"] == pytest.approx(100.0)
    # header (%): 45 → 0.45; a cell with its own %: 60% → 0.6
    assert r.loc[C1, "debt_ratio"] == pytest.approx(0.45)
    assert r.loc[C2, "debt_ratio"] == pytest.approx(0.6)
    assert r.loc[C1, "employees"] == 120
    assert bool(r.loc[C1, "above_scale"]) and bool(r.loc[C2, "above_scale"])
    assert r.loc[C1, "production_start"] == dt.date(2019, 5, 1)
    assert r.loc[C2, "production_start"] == dt.date(2020, 1, 2)
    assert r.loc[C1, "park"] == "某开发区" and pd.isna(r.loc[C2, "park"])
    assert r["year"].tolist() == [2024, 2024]
    assert not r["synthetic"].any()
    # every fault with its reason, in source row numbers (header = row 1)
    q = res.quarantine.set_index("row_number")["reason"].to_dict()
    assert q == {
        4: "credit_code_check",
        5: "invalid_year",
        6: "non_numeric",
        7: "not_integer",
        8: "boolean_invalid",
        9: "impossible_value",
        12: "duplicate_firm_year",
        13: "value_date_invalid",
    }
    msg = res.quarantine.set_index("row_number")["message"]
    assert msg[6] == "营业收入：非数值（non-numeric）"
    assert msg[8].startswith("是否规上企业：是/否字段无法识别")
    assert res.skipped.set_index("row_number")["reason"].to_dict() == {10: "empty", 11: "duplicate"}
    assert res.columns_ignored == ["备注"]
    assert res.columns_matched["营业收入（元）"] == "revenue"
    assert res.unit_conversions["营业收入（元）"] == "元 → 万元"
    assert res.unit_conversions["用地面积（平方米）"] == "平方米 → 亩（×0.0015）"
    assert any("备注" in w for w in res.warnings)


def test_year_option_and_missing_year() -> None:
    df = pd.DataFrame({"信用代码": [C1, C2], "税收": ["5", "6"], "研发人员": ["3", ""]})
    res = clean_firm_years(df, year=2023, today=TODAY)
    assert res.rows["year"].tolist() == [2023, 2023]
    assert res.rows["tax"].tolist() == [5.0, 6.0]
    assert res.rows["rd_staff"].tolist()[0] == 3 and pd.isna(res.rows["rd_staff"].tolist()[1])
    with pytest.raises(InputError, match="年份"):
        clean_firm_years(df, today=TODAY)
    # a year after today is invalid (2026 > 2025)
    late = clean_firm_years(df.assign(年份=["2025", "2026"]), today=TODAY)
    assert late.quarantine["reason"].tolist() == ["invalid_year"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["45", "55"], [0.45, 0.55]), (["0.45", "0.55"], [0.45, 0.55]), (["45%", "0.5"], [0.45, 0.5])],
)
def test_share_as_percent_or_fraction(values: list[str], expected: list[float]) -> None:
    df = pd.DataFrame({"统一社会信用代码": [C1, C2], "年份": [2024, 2024], "资产负债率": values})
    res = clean_firm_years(df, today=TODAY)
    assert res.rows["debt_ratio"].tolist() == pytest.approx(expected)


def test_unconvertible_unit_is_an_error() -> None:
    df = pd.DataFrame({"统一社会信用代码": [C1], "年份": [2024], "营业收入（万美元）": ["1"]})
    with pytest.raises(InputError, match="万美元"):
        clean_firm_years(df, today=TODAY)
    df = pd.DataFrame({"统一社会信用代码": [C1], "年份": [2024], "用地面积（吨）": ["1"]})
    with pytest.raises(InputError, match="吨"):
        clean_firm_years(df, today=TODAY)


def test_coordinates_in_range_and_quarantined_outside() -> None:
    # 湘潭县 ≈ 112.95 °E, 27.78 °N; the bounds are 73–136 °E and 3–54 °N (edges included)
    df = pd.DataFrame(
        {
            "统一社会信用代码": [C1, C2, C3, C4, C5],
            "年份": [2024] * 5,
            "经度（度）": ["112.95", "73", "27.78", "136.0001", ""],
            "纬度": ["27.78", "54", "112.95", "30", ""],
            "实缴税金": ["1", "2", "3", "4", "5"],
        }
    )
    res = clean_firm_years(df, today=TODAY)
    rows = res.rows.set_index("credit_code")
    assert rows.loc[C1, "longitude"] == 112.95 and rows.loc[C1, "latitude"] == 27.78
    assert rows.loc[C2, "longitude"] == 73.0 and rows.loc[C2, "latitude"] == 54.0  # edges
    assert pd.isna(rows.loc[C5, "longitude"]) and pd.isna(rows.loc[C5, "latitude"])  # none
    # swapped columns (latitude 112.95 > 54) and 136.0001 °E just beyond the bound
    assert res.quarantine["reason"].tolist() == ["coordinate_out_of_range"] * 2
    assert res.columns_matched["经度（度）"] == "longitude" and not res.unit_conversions
    # English headers: lng / lat
    eng = clean_firm_years(
        pd.DataFrame({"统一社会信用代码": [C1], "year": [2024], "lng": [113.0], "lat": [28.0]}),
        today=TODAY,
    )
    assert eng.rows[["longitude", "latitude"]].values.tolist() == [[113.0, 28.0]]


@pytest.mark.parametrize(
    ("system", "header"),
    [("gcj02", "经度"), (None, "经度（GCJ-02）"), ("bd09", "经度"), (None, "经度(百度)")],
)
def test_gcj02_and_bd09_converted_to_wgs84(system: str | None, header: str) -> None:
    from fast_geocn import coord

    # a WGS-84 point of 湘潭县 sent forward by fast-geocn's own converter comes back within
    # 1e-6 ° (≈ 0.1 m) through the importer; the offset itself is hundreds of metres
    wgs = (112.95, 27.78)
    bd = header.endswith("(百度)") or system == "bd09"
    shifted = coord.wgs84_to_bd09(*wgs) if bd else coord.wgs84_to_gcj02(*wgs)
    assert abs(shifted[0] - wgs[0]) > 1e-3
    df = pd.DataFrame(
        {"统一社会信用代码": [C1], "年份": [2024], header: [shifted[0]], "纬度": [shifted[1]]}
    )
    res = clean_firm_years(df, today=TODAY, coordinates=system)
    assert res.rows.loc[0, "longitude"] == pytest.approx(wgs[0], abs=1e-6)
    assert res.rows.loc[0, "latitude"] == pytest.approx(wgs[1], abs=1e-6)
    assert res.unit_conversions[header].endswith("→ WGS-84（经纬度）")
    with pytest.raises(InputError, match="坐标系"):
        clean_firm_years(df, today=TODAY, coordinates="mercator")


def test_import_into_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "企业年度数据.csv"
    _years_table().to_csv(path, index=False)
    db = tmp_path / "w.duckdb"
    rep = import_firm_years(path, db=db, today=TODAY)
    assert rep.status == "loaded" and rep.source == "firm_years:企业年度数据"
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (
        12,
        2,
        8,
        2,
    )
    assert rep.years == [2024]
    text = rep.summary()
    assert "统一社会信用代码校验码错误" in text and "未识别的列：备注" in text
    again = import_firm_years(path, db=db, today=TODAY)
    assert again.status == "noop" and again.batch_id == rep.batch_id
    con = store.connect(db, read_only=True)
    try:
        got = con.execute(
            "SELECT credit_code, revenue, land_area FROM current_firm_years ORDER BY 1"
        ).fetchall()
        reasons = con.execute(
            "SELECT reason FROM quarantine WHERE batch_id = ? ORDER BY row_number", [rep.batch_id]
        ).fetchall()
    finally:
        con.close()
    assert got == [(C1, pytest.approx(1200.0), pytest.approx(30.0)), (C2, 35000.0, 0.0)]
    assert len(reasons) == 8 and reasons[0] == ("credit_code_check",)


def test_label_names() -> None:
    names = pd.Series(
        [
            "国家高新技术企业",
            "高新技术企业",
            "专精特新“小巨人”企业",
            '专精特新"小巨人"',
            "国家级专精特新小巨人企业",
            "省级专精特新中小企业",
            "创新型中小企业",
            "科技型中小企业",
            "科技和创新型中小企业",
            "制造业单项冠军企业",
            "高新技术企业培育库入库企业",
            "拟认定高新技术企业",
            "优秀民营企业",
        ]
    )
    assert match_labels(names).tolist() == [
        "hnte",
        "hnte",
        "little_giant",
        "little_giant",
        "little_giant",
        "srdi_sme",
        "innovative_sme",
        "tech_sme",
        "tech_innovative_sme",
        "single_champion",
        None,
        None,
        None,
    ]


def _labels_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            [C1, "国家高新技术企业", "2022-12-01", ""],
            [C2, "专精特新“小巨人”企业", "2023-07-01", "2026-06-30"],
            [C3, "创新型中小企业", "2024-01-01", ""],
            [C4, "科技型中小企业", "2024-03-15", ""],
            [C5, "高企培育库", "2024-01-01", ""],
            [C1, "优秀企业", "2024-01-01", ""],
            [C2, "专精特新中小企业", "", ""],
            [C3, "高新技术企业", "2023-01-01", "2022-01-01"],
            [C4, "科技型中小企业", "2024/13/01", ""],
            [C1, "高新技术企业", "2022年12月1日", ""],  # the same honour again: skipped
            ["", "", "", ""],
        ],
        columns=["统一社会信用代码", "荣誉名称", "认定日期", "有效期至"],
    )


def test_labels_validity_and_reasons() -> None:
    assert label_validity()["hnte"] == 3 and label_validity()["tech_sme"] == 1
    assert label_validity()["innovative_sme"] is None
    res = clean_firm_labels(_labels_table(), today=TODAY)
    assert (res.rows_read, len(res.rows), len(res.quarantine), len(res.skipped)) == (11, 4, 5, 2)
    r = res.rows.set_index("credit_code")
    # 高企 3 years: 2022-12-01 + 3 years − 1 day = 2025-11-30
    assert (r.loc[C1, "label"], r.loc[C1, "valid_to"]) == ("hnte", dt.date(2025, 11, 30))
    # 有效期至 given: kept
    assert r.loc[C2, "valid_to"] == dt.date(2026, 6, 30)
    # 创新型: no documented validity → NULL (still valid)
    assert r.loc[C3, "valid_to"] is None
    # 科技型 1 year: 2024-03-15 + 1 year − 1 day = 2025-03-14
    assert r.loc[C4, "valid_to"] == dt.date(2025, 3, 14)
    q = res.quarantine.set_index("row_number")["reason"].to_dict()
    assert q == {
        6: "label_unknown",
        7: "label_unknown",
        8: "label_date_missing",
        9: "label_dates_reversed",
        10: "value_date_invalid",
    }
    assert res.skipped["reason"].tolist() == ["duplicate", "empty"]


def test_imported_labels_in_the_frame(tmp_path: Path) -> None:
    path = tmp_path / "荣誉.csv"
    _labels_table().to_csv(path, index=False)
    db = tmp_path / "w.duckdb"
    rep = import_firm_labels(path, db=db, today=TODAY)
    assert rep.rows_loaded == 4 and rep.source == "firm_labels:荣誉"
    con = store.connect(db, read_only=True)
    try:
        labels = con.execute("SELECT * FROM current_firm_labels").df()
    finally:
        con.close()
    firms = pd.DataFrame(
        {
            "credit_code": [C1, C2, C3, C4],
            "region_code": "430321",
            "section": "C",
            "status": "存续",
            "founded": dt.date(2010, 1, 1),
            "synthetic": False,
        }
    )
    src = {"firms": firms, "firm_labels": labels}
    on = firm_frame_df(src, year=2024, on=dt.date(2025, 11, 30))
    after = firm_frame_df(src, year=2024, on=dt.date(2025, 12, 1))
    # C1's 高企 valid through 2025-11-30, expired the day after
    assert on["label_hnte"].tolist() == [True, False, False, False]
    assert after["label_hnte"].tolist() == [False, False, False, False]
    # C4's 科技型 ended 2025-03-14; C3's 创新型 has no end
    assert on["label_tech_sme"].tolist() == [False, False, False, False]
    assert after["label_innovative_sme"].tolist() == [False, False, True, False]
