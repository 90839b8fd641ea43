"""指标明细 of the 画像 page (xinzhi.pipelines.profile_indicators): one county's raw values,
normalised values, weights, contributions, ranks and sources in a stored evaluation, on the small
warehouse (示例数据): literal values computed by hand from the fixture's numbers, contributions
that add up to the score of a weighted-sum evaluation, and what a county account may see."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from fixtures.accounts import user_of, warehouse_with_accounts
from fixtures.warehouse import EVALUATION
from xinzhi.errors import InputError
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.my_data import correct_value
from xinzhi.pipelines.profile_indicators import county_indicator_details
from xinzhi.pipelines.uploads import import_upload

HUNAN = "湖南加权2020"

#: a Hunan yearbook (示例数据): R&D 经费 in 亿元 (stored in 万元: × 10 000), 专利授权量 in 件
YEARBOOK = (
    ("宁乡市", 1.0, 300),
    ("湘乡市", 1.5, 340),
    ("湘潭县", 2.0, 380),
    ("祁阳县", 2.5, 420),
    ("长沙县", 3.0, 460),
    ("韶山市", 3.5, 500),
)


@pytest.fixture
def con(small_warehouse: Any, tmp_path: Path) -> Any:
    c = warehouse_with_accounts(small_warehouse, tmp_path, ("分析员", "湘潭县"))
    yield c
    c.close()


def _weight(con: Any, name: str, indicator: str) -> float:
    """The stored weight (an input of the table, not computed here)."""
    return float(
        con.execute(
            "SELECT weight FROM evaluation_weights WHERE name = ? AND indicator = ?",
            [name, indicator],
        ).fetchall()[0][0]
    )


@pytest.fixture
def hunan(con: Any, tmp_path: Path) -> Any:
    """The yearbook imported by the analyst, and a weighted-sum 湖南省 evaluation of 2020."""
    f = tmp_path / "湖南统计年鉴2021.csv"
    rows = ["地区,年份,研究与试验发展经费支出(亿元),专利授权量(件)"]
    rows += [f"{n},2020,{rd},{p}" for n, rd, p in YEARBOOK]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rep = import_upload(f, con=con, user=user_of(con, "分析员"))
    assert rep.values_loaded == 12
    evaluate_counties(
        "nqpf-county",
        years=[2020],
        options={"aggregate": "weighted-sum"},
        con=con,
        save_as=HUNAN,
        area="湖南省",
    )
    return con


def test_literal_values_of_xiangtan_in_the_stored_national_evaluation(con: Any) -> None:
    d = county_indicator_details(con, EVALUATION, "430321", 2020, user=user_of(con, "分析员"))
    rows = d.rows.set_index("indicator")
    assert (d.county, d.year, d.area, d.rank_scope) == ("湘潭县", 2020, None, "省内")
    assert len(rows) == 14  # the 14 census indicators; no yearbook data in the fixture
    # urban_share, pooled min–max over 2010 and 2020 (fixture's LITERAL_VALUES): min 0.15
    # (榆中县 2010), max 1.00 (沧浪区 … 2010, 姑苏区 2020); 湘潭县 2020 holds 0.40
    u = rows.loc["urban_share"]
    assert u["value"] == 0.40 and u["unit"] == "比例" and u["dimension"] == "劳动资料"
    assert u["normalised"] == pytest.approx((0.40 - 0.15) / (1.00 - 0.15), abs=1e-12)
    # emp_sec_A is a cost indicator: (max − x)/(max − min) = (0.60 − 0.40)/(0.60 − 0.00) = 1/3
    a = rows.loc["emp_sec_A"]
    assert a["normalised"] == pytest.approx((0.60 - 0.40) / 0.60, abs=1e-12)
    # ranks within 湖南 2020: urban_share 0.60 0.55 0.50 0.45 0.40 0.35 → 0.40 is 5th of 6;
    # farm employment 0.20 0.25 0.30 0.35 0.40 0.45 (lower is better) → 0.40 is 5th of 6
    assert (u["rank"], u["units"], a["rank"], a["units"]) == (5, 6, 5, 6)
    assert u["weight"] == pytest.approx(_weight(con, EVALUATION, "urban_share"), abs=1e-15)
    # TOPSIS is no weighted sum: the score is shared out in proportion to w·z
    assert not d.additive and d.aggregate == "topsis"
    total = float((d.rows["weight"] * d.rows["normalised"]).sum())
    assert u["share"] == pytest.approx(u["weight"] * u["normalised"] / total, abs=1e-12)
    assert u["contribution"] == pytest.approx(u["share"] * d.score, abs=1e-12)
    assert d.rows["contribution"].sum() == pytest.approx(d.score, abs=1e-12)
    # the fixture's values are the 示例数据 batch 1, imported without an account
    assert u["source_kind"] == "用户导入" and u["batch_id"] == 1 and bool(u["visible"])
    assert u["source"].startswith("用户导入（批次 1，示例数据-县域指标.csv")
    assert d.notes == []


def test_weighted_sum_scope_with_the_imported_yearbook(hunan: Any) -> None:
    con = hunan
    d = county_indicator_details(con, HUNAN, "430321", 2020, user=user_of(con, "分析员"))
    rows = d.rows.set_index("indicator")
    assert (d.area, d.rank_scope, d.additive) == ("湖南省", "湖南省范围内", True)
    assert {"rd_expenditure", "patents_granted"} <= set(rows.index) and len(rows) == 16
    rd = rows.loc["rd_expenditure"]
    # 2.0 亿元 = 2.0 × 10 000 = 20 000 万元; log1p then min–max over the six counties:
    # (ln 20 001 − ln 10 001) / (ln 35 001 − ln 10 001)
    z_rd = (math.log(20_001) - math.log(10_001)) / (math.log(35_001) - math.log(10_001))
    assert (rd["value"], rd["unit"]) == (20_000.0, "万元")
    assert rd["normalised"] == pytest.approx(z_rd, abs=1e-12)
    w_rd = _weight(con, HUNAN, "rd_expenditure")
    assert rd["contribution"] == pytest.approx(w_rd * z_rd, abs=1e-12)
    assert (rd["rank"], rd["units"]) == (4, 6)  # 3.5, 3.0, 2.5 亿元 above 2.0
    assert rd["source_kind"] == "用户导入" and rd["imported_by"] == "分析员"
    assert "湖南统计年鉴2021" in rd["source"] and "导入人 分析员" in rd["source"]
    # urban_share within the Hunan 2020 scope: min 0.35 (祁阳县), max 0.60 (长沙县)
    # (0.40 − 0.35) / (0.60 − 0.35) = 0.2
    u = rows.loc["urban_share"]
    assert u["normalised"] == pytest.approx(0.2, abs=1e-12)
    assert u["contribution"] == pytest.approx(_weight(con, HUNAN, "urban_share") * 0.2, abs=1e-12)
    assert d.notes == []


def test_contributions_add_up_to_every_score_of_a_weighted_sum(hunan: Any) -> None:
    con = hunan
    scores = dict(
        con.execute(
            "SELECT region_code, score FROM evaluation_scores WHERE name = ? AND year = 2020",
            [HUNAN],
        ).fetchall()
    )
    assert len(scores) == 6
    for code, score in scores.items():
        d = county_indicator_details(con, HUNAN, code, 2020, user=user_of(con, "分析员"))
        assert d.score == score
        assert d.rows["contribution"].sum() == pytest.approx(score, abs=1e-12)
        assert d.rows["share"].sum() == pytest.approx(1.0, abs=1e-12)
        assert ((d.rows["rank"] >= 1) & (d.rows["rank"] <= 6)).all()


def test_a_county_account_sees_its_own_batches_only(hunan: Any) -> None:
    con = hunan
    county = user_of(con, "湘潭县")
    # its own correction of urban_share (same value: the evaluation's inputs stay the same)
    correct_value(con, county, "430321", "urban_share", 2020, 0.40, note="核对")
    d = county_indicator_details(con, HUNAN, "430321", 2020, user=county)
    rows = d.rows.set_index("indicator")
    own = rows.loc["urban_share"]
    assert own["source_kind"] == "本县导入" and bool(own["visible"]) and own["value"] == 0.40
    assert own["imported_by"] == "湘潭县" and "导入人 湘潭县" in own["source"]
    # the analyst's yearbook: value, batch and importer withheld; the evaluation's numbers stay
    rd = rows.loc["rd_expenditure"]
    assert not rd["visible"] and math.isnan(rd["value"])
    assert rd["source"] == "用户导入（无权查看）"
    assert pd.isna(rd["imported_by"]) and pd.isna(rd["batch_id"])
    assert rd["normalised"] > 0.0
    assert any("无权查看" in n for n in d.notes)
    # the analyst sees the value the county cannot
    a = county_indicator_details(con, HUNAN, "430321", 2020, user=user_of(con, "分析员"))
    assert a.rows.set_index("indicator").loc["rd_expenditure", "value"] == 20_000.0


def test_data_changed_after_saving_is_noted(hunan: Any) -> None:
    con = hunan
    county = user_of(con, "湘潭县")
    correct_value(con, county, "430321", "urban_share", 2020, 0.45)
    d = county_indicator_details(con, HUNAN, "430321", 2020, user=user_of(con, "分析员"))
    assert len(d.notes) == 1 and "保存后数据有变动" in d.notes[0]
    # recomputed on the current value: (0.45 − 0.35) / (0.60 − 0.35) = 0.4
    assert d.rows.set_index("indicator").loc["urban_share", "normalised"] == pytest.approx(0.4)


def test_unknown_county_or_year_is_a_chinese_error(con: Any) -> None:
    analyst = user_of(con, "分析员")
    with pytest.raises(InputError, match="没有县区 110101"):
        county_indicator_details(con, EVALUATION, "110101", 2020, user=analyst)
    with pytest.raises(InputError, match="没有 2015 年的得分"):
        county_indicator_details(con, EVALUATION, "430321", 2015, user=analyst)
    with pytest.raises(InputError, match="没有名为"):
        county_indicator_details(con, "没有这个评价", "430321", 2020, user=analyst)


def test_summary_and_workbook(con: Any, tmp_path: Path) -> None:
    d = county_indicator_details(con, EVALUATION, "430321", 2020, user=user_of(con, "分析员"))
    text = d.summary()
    assert "湘潭县（430321）2020 年" in text and "城镇化率（劳动资料）：40.00%" in text
    assert "TOPSIS" in text
    path = d.to_excel(tmp_path / "明细.xlsx")
    ws = openpyxl.load_workbook(path)["指标明细"]
    head = [c.value for c in ws[1]]
    assert head[:5] == ["指标代码", "指标", "维度", "单位", "原始值"]
    assert ws.max_row == 1 + 14


def test_a_user_indicator_of_a_custom_system(con: Any, tmp_path: Path) -> None:
    """A column the catalogue does not know is stored as a user indicator (unit 亿元 → 万元) and
    counts in an evaluation whose system names it; its row shows the converted value."""
    f = tmp_path / "湖南数字经济2020.csv"
    rows = ["地区,年份,数字经济核心产业增加值(亿元)"]
    values = (4, 5, 6, 8, 12, 2)  # 亿元, in the order of YEARBOOK: 湘潭县 6, 长沙县 12, 韶山市 2
    rows += [f"{y[0]},2020,{v}" for y, v in zip(YEARBOOK, values, strict=True)]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_upload(f, con=con, user=user_of(con, "分析员"))
    code, unit = con.execute(
        "SELECT code, unit FROM indicators WHERE name_zh = '数字经济核心产业增加值'"
    ).fetchone()
    assert code.startswith("u_") and unit == "万元"
    # the system is stored with the evaluation: the file may be deleted after the run
    yaml = tmp_path / "数字经济.yaml"
    yaml.write_text(
        "name: 数字经济\n"
        "options: {normalization: minmax, weights: equal, aggregate: weighted-sum}\n"
        "dimensions:\n"
        "  - name: 数字化\n"
        "    indicators:\n"
        f"      - {{code: {code}, name: 数字经济核心产业增加值, direction: '+', unit: 万元}}\n"
        "      - {code: urban_share, name: 城镇化率, direction: '+', unit: 比例}\n",
        encoding="utf-8",
    )
    evaluate_counties(str(yaml), years=[2020], con=con, save_as="数字2020", area="湖南省")
    yaml.unlink()
    d = county_indicator_details(con, "数字2020", "430321", 2020, user=user_of(con, "分析员"))
    r = d.rows.set_index("indicator").loc[code]
    # 湘潭县: 6 亿元 = 6 × 10 000 = 60 000 万元; min 2 亿元 (韶山市), max 12 亿元 (长沙县):
    # z = (6 − 2) / (12 − 2) = 0.4; equal weights 1/2 → contribution 0.2
    assert (r["name"], r["unit"], r["value"]) == ("数字经济核心产业增加值", "万元", 60_000.0)
    assert r["normalised"] == pytest.approx(0.4, abs=1e-12)
    assert r["weight"] == pytest.approx(0.5) and r["contribution"] == pytest.approx(0.2)
    assert r["source_kind"] == "用户导入" and "湖南数字经济2020" in r["source"]
    # urban_share in Hunan 2020: (0.40 − 0.35) / (0.60 − 0.35) = 0.2 → 0.5 × 0.2 = 0.1
    assert d.score == pytest.approx(0.2 + 0.1, abs=1e-12)
    assert d.rows["contribution"].sum() == pytest.approx(d.score, abs=1e-12)
