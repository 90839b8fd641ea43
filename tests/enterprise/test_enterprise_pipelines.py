"""The enterprise evaluations end to end: firm files imported into a warehouse (the importers),
the pipelines of :mod:`xinzhi.pipelines.enterprise`, the ``xinzhi enterprise`` commands and the
``--firms FILE`` path — values computed by hand on seven firms (示例数据).

Firms: five 规上 firms of 湘潭县 (430321) with 10 亩 each, two of 长沙县 (430121). The test preset
rates 规上 firms by one indicator, 亩均税收 (weight 100, benchmark = 1 × the county mean, no cap),
and cuts classes by rank with A 20 % / B 40 % / C 20 % / D 20 %.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.cli import app
from xinzhi.codes.credit import credit_check_chars, org_check_chars
from xinzhi.errors import InputError
from xinzhi.pipelines import enterprise as ent
from xinzhi.pipelines.enterprise_data import import_firm_years_file
from xinzhi.pipelines.firms import import_firm_file


def _credit(region: str, serial: int) -> str:
    org = f"{serial:08d}"
    org += str(org_check_chars(pd.Series([org]))[0])
    body = "91" + region + org
    return body + str(credit_check_chars(pd.Series([body]))[0])


XT = [_credit("430321", 10_000 + i) for i in range(5)]  # 湘潭县: firms a–e
CS = [_credit("430121", 20_000 + i) for i in range(2)]  # 长沙县: firms f, g
NAMES = [f"（示例）湘潭测试{c}有限公司" for c in "abcde"] + [
    "（示例）长沙测试f有限公司",
    "（示例）长沙测试g有限公司",
]

# 实缴税金 (万元) by year; 2023 is 2024 reversed, so the classes move
TAX = {
    2024: [100.0, 200.0, 300.0, 400.0, 500.0, 50.0, 80.0],
    2023: [500.0, 400.0, 300.0, 200.0, 100.0, 60.0, 90.0],
}
# size inputs: 年平均职工人数 and 营业收入 (万元) of 2024
EMPLOYEES = [350, 15, 1200, 40, 60, 30, 30]
REVENUE = [25_000.0, 250.0, 50_000.0, 3_000.0, 600_000.0, 1_000.0, 1_000.0]
# firm e makes whole machines (3514, 工程机械 整机制造); the others metal products (3411)
INDUSTRY = ["3411", "3411", "3411", "3411", "3514", "3411", "3411"]

PRESET = """
key: test
name: 测试预设（示例数据）
source: {issuer: xinzhi 测试}
scoring: {method: benchmark, k: 1.0, basis: county, mean: firms}
lists:
  above_scale:
    weight_total: 100
    indicators: {tax_per_mu: 100}
classes: {method: percentile, shares: {A: 20, B: 40, C: 20, D: 20}}
"""


def _registry() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "统一社会信用代码": XT + CS,
            "企业名称": NAMES,
            "所在县": ["湘潭县"] * 5 + ["长沙县"] * 2,
            "行业代码": INDUSTRY,  # 金属制品业、工程机械整机 (both 工业)
            "成立日期": ["2010-05-01"] * 7,
            "经营状态": ["存续"] * 7,
        }
    )


def _years() -> pd.DataFrame:
    rows = []
    for year, taxes in TAX.items():
        for i, code in enumerate(XT + CS):
            rows.append(
                {
                    "统一社会信用代码": code,
                    "年份": year,
                    "是否规上": "是",
                    "用地面积(亩)": 10.0,
                    "实缴税金(万元)": taxes[i],
                    "营业收入(万元)": REVENUE[i],
                    "年平均职工人数": EMPLOYEES[i],
                    "用电量(万千瓦时)": 100.0,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def warehouse(small_warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("enterprise")
    db = folder / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    _registry().to_csv(folder / "名录.csv", index=False)
    _years().to_csv(folder / "年度数据.csv", index=False)
    (folder / "test.yaml").write_text(PRESET, encoding="utf-8")
    firms = import_firm_file(folder / "名录.csv", db=db).report
    assert (firms.rows_read, firms.rows_loaded) == (7, 7)
    years = import_firm_years_file(folder / "年度数据.csv", db=db)
    assert (years.rows_read, years.rows_loaded) == (14, 14)
    return db


@pytest.fixture()
def con(warehouse: Path):
    from xinzhi import store

    c = store.connect(warehouse)
    yield c
    c.close()


def _classes(res) -> dict[str, str]:
    t = res.tidy()
    return dict(zip(t["credit_code"], t["class"], strict=True))


# 2024: 亩均税收 = tax / 10 亩 = 10, 20, 30, 40, 50; county mean 30; score = 100 × x / 30.
SCORES_2024 = [100 * 10 / 30, 100 * 20 / 30, 100 * 30 / 30, 100 * 40 / 30, 100 * 50 / 30]
# n = 5 → boundaries floor(5·0.2 + 0.5) = 1, floor(5·0.6 + 0.5) = 3, floor(5·0.8 + 0.5) = 4:
# rank 1 (e) A, ranks 2–3 (d, c) B, rank 4 (b) C, rank 5 (a) D
CLASSES_2024 = ["D", "C", "B", "B", "A"]
# 2023 reversed: a A, b B, c B, d C, e D → a 降, b 降, c 持平, d 升, e 升
CHANGES = ["降", "降", "持平", "升", "升"]


def test_mujun_by_hand_with_the_movement(con, warehouse: Path) -> None:
    res = ent.mujun_scores(con, preset_file=warehouse.parent / "test.yaml", county="湘潭县")
    t = res.tidy().set_index("credit_code").loc[XT]
    np.testing.assert_allclose(t["score"].to_numpy(float), SCORES_2024, rtol=1e-12)
    assert t["class"].tolist() == CLASSES_2024
    assert t["class_prev"].tolist() == ["A", "B", "B", "C", "D"]
    assert t["change"].tolist() == CHANGES
    assert (res.year, res.county, res.synthetic) == (2024, "430321", False)
    # the movement table: rows = last year's class, columns = this year's
    m = res.movement_counts().set_index("class_prev")
    assert m.loc["A", "D"] == 1 and m.loc["D", "A"] == 1 and m.loc["B", "B"] == 1


def test_mujun_earlier_year_and_every_county(con, warehouse: Path) -> None:
    # 2023 alone: no year before it, so no movement columns
    res = ent.mujun_scores(
        con, preset_file=warehouse.parent / "test.yaml", county="430321", year=2023
    )
    assert "change" not in res.tidy().columns
    assert [_classes(res)[c] for c in XT] == ["A", "B", "B", "C", "D"]
    # no county: both counties, each rated against its own county mean
    both = ent.mujun_scores(con, preset_file=warehouse.parent / "test.yaml")
    t = both.tidy().set_index("credit_code")
    assert set(t.index) == set(XT + CS)
    # 长沙县: 5 and 8 万元/亩, mean 6.5 → 76.92 and 123.08; n = 2 → boundaries
    # floor(0.4 + 0.5) = 0, floor(1.2 + 0.5) = 1, floor(1.6 + 0.5) = 2: g B, f C
    np.testing.assert_allclose(t.loc[CS, "score"].to_numpy(float), [500 / 6.5, 800 / 6.5])
    assert t.loc[CS, "class"].tolist() == ["C", "B"]


def test_cli_contract_columns_and_values(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "亩均.csv"
    args = ["--db", str(warehouse), "enterprise", "mujun", "--county", "湘潭县"]
    args += ["--preset-file", str(warehouse.parent / "test.yaml"), "--output", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "测试预设" in res.output
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 with BOM for Excel
    got = pd.read_csv(out, dtype={"credit_code": str}).set_index("credit_code").loc[XT]
    assert got["class"].tolist() == CLASSES_2024
    np.testing.assert_allclose(got["score"].to_numpy(float), SCORES_2024, rtol=1e-12)


def test_cli_tiers_switch_rule_versions_on_2026_04_01(warehouse: Path, tmp_path: Path) -> None:
    versions = {}
    for day in ("2026-03-31", "2026-04-01"):
        out = tmp_path / f"tiers-{day}.csv"
        args = ["--db", str(warehouse), "enterprise", "tiers", "--county", "430321"]
        res = CliRunner().invoke(app, [*args, "--date", day, "--output", str(out)])
        assert res.exit_code == 0, res.output
        t = pd.read_csv(out, dtype=str)
        assert list(t.columns[:4]) == ["credit_code", "tier", "status", "rule_version"]
        assert set(t["status"]) <= {"通过", "不通过", "需补充数据"}
        assert set(t["credit_code"]) == set(XT)
        versions[day] = set(t.loc[t["tier"].str.contains("专精特新中小"), "rule_version"])
    assert versions == {
        "2026-03-31": {"工信部企业〔2022〕63号"},
        "2026-04-01": {"工信部企业〔2026〕2号"},
    }


def test_tiers_read_the_data_year_before_the_assessment(con) -> None:
    # an assessment in 2025 reads 2024's data; one in 2024 reads 2023's (the latest before)
    assert ent._latest_before(con, 2025) == 2024
    assert ent._latest_before(con, 2024) == 2023
    assert ent._latest_before(con, 2023) is None


def test_size_classes_by_hand(con) -> None:
    t = ent.size_classes(con, county="湘潭县").tidy().set_index("credit_code")
    # 工业 (工信部联企业〔2011〕300号): 中型 300 ≤ staff < 1000 and 2000 ≤ revenue < 40000 万元;
    # 小型 20 ≤ staff and 300 ≤ revenue; 微型 below a 小型 bound; 大型 1000 staff and 40000
    # a 350 / 25000 → 中型; b 15 / 250 → 微型; c 1200 / 50000 → 大型; d 40 / 3000 → 小型;
    # e 60 / 600000 → 小型 (staff below 300, so neither 大型 nor 中型)
    assert t.loc[XT, "size"].tolist() == ["中型", "微型", "大型", "小型", "小型"]


def test_chain_leaders_use_the_firm_year_revenue(con) -> None:
    from xinzhi.pipelines.industry import industry_chain

    res = industry_chain(con, county="430321", chain="construction-machinery")
    # e's registry row has no revenue; its 2024 firm-year revenue 600,000 万元 reaches the
    # pillar-chain leader threshold of 500,000 万元
    # names are stored NFKC-normalised by the registry importer: （示例） → (示例)
    assert res.leaders["firm"].tolist() == [unicodedata.normalize("NFKC", NAMES[4])]
    assert res.leaders["revenue"].tolist() == [600_000.0]
    assert any("取 2024 年企业年度数据" in n for n in res.notes)


def test_a_users_firm_file_gives_the_same_classes(con, warehouse: Path, tmp_path: Path) -> None:
    reg = _registry().iloc[:5]
    one = _years().merge(reg, on="统一社会信用代码")
    one["备注"] = "无"  # a column neither importer knows: reported, not silently dropped
    path = tmp_path / "企业.xlsx"
    one.to_excel(path, index=False)
    res = ent.mujun_scores(con, preset_file=warehouse.parent / "test.yaml", firms=path)
    assert [_classes(res)[c] for c in XT] == CLASSES_2024
    assert res.notes[0] == (
        # 5 firms × 2 years; a firm's repeated registry columns are not quarantined
        "企业数据文件：读入 10 行，企业 5 家，年度数据 10 行，隔离 0 行"
    )
    assert "未识别的列（未使用）：备注" in res.notes
    assert "注：未识别的列（未使用）：备注" in res.summary()


def test_errors_before_any_work(con, warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="评定日期应写作 YYYY-MM-DD"):
        ent.tier_checks(con, date="2026-13-40")
    with pytest.raises(InputError, match="没有 2020 年的企业年度数据"):
        ent.mujun_scores(con, county="湘潭县", year=2020)
    with pytest.raises(InputError, match=r"自定义评价方法.*文件不存在"):
        ent.mujun_scores(con, preset_file=tmp_path / "none.yaml")
    with pytest.raises(InputError, match=r"只能是 \.yaml、\.yml 文件"):
        ent.mujun_scores(con, preset_file=tmp_path / "none.csv")
    res = CliRunner().invoke(
        app, ["--db", str(warehouse), "enterprise", "mujun", "--preset", "nowhere"]
    )
    assert res.exit_code == 2
    assert "nowhere" in res.output


def test_one_evaluation_per_warehouse_stamp_until_an_import(
    warehouse: Path, tmp_path: Path
) -> None:
    from xinzhi import store

    db = tmp_path / "xinzhi.duckdb"
    shutil.copy(warehouse, db)
    preset_file = warehouse.parent / "test.yaml"
    con = store.connect(db)
    try:
        first = ent.mujun_scores(con, preset_file=preset_file, county="湘潭县")
        again = ent.mujun_scores(con, preset_file=preset_file, county="430321")
        sim = ent.policy_simulation(con, preset_file=preset_file, county="湘潭县")
    finally:
        con.close()
    # the same warehouse, county, year and preset: one evaluation, shared by both calls (and
    # by the simulation, whose classes are the same)
    assert again.table is first.table
    assert [_classes(first)[c] for c in XT] == CLASSES_2024
    s = sim.tidy().set_index("credit_code")
    assert s.loc[XT, "class"].tolist() == CLASSES_2024
    # a new import of 2024 for firm a: 实缴税金 600 万元 on 10 亩 → 亩均税收 60
    pd.DataFrame(
        {
            "统一社会信用代码": [XT[0]],
            "年份": [2024],
            "是否规上": ["是"],
            "用地面积(亩)": [10.0],
            "实缴税金(万元)": [600.0],
            "用电量(万千瓦时)": [100.0],
        }
    ).to_csv(tmp_path / "更正.csv", index=False)
    assert import_firm_years_file(tmp_path / "更正.csv", db=db).rows_loaded == 1
    con = store.connect(db)
    try:
        after = ent.mujun_scores(con, preset_file=preset_file, county="湘潭县")
        sim = ent.policy_simulation(con, preset_file=preset_file, county="湘潭县")
    finally:
        con.close()
    t = after.tidy().set_index("credit_code").loc[XT]
    # 亩均税收 a–e: 60, 20, 30, 40, 50; county mean (60 + 20 + 30 + 40 + 50) / 5 = 40;
    # score = 100 × x / 40 → 150, 50, 75, 100, 125
    np.testing.assert_allclose(t["score"].to_numpy(float), [150.0, 50.0, 75.0, 100.0, 125.0])
    # ranks a 1 → A; e 2, d 3 → B; c 4 → C; b 5 → D (boundaries 1, 3, 4 as above)
    assert t["class"].tolist() == ["A", "D", "C", "B", "B"]
    # the year before is unchanged (a was A in 2023): a 持平, b C → D 降 …
    assert t["change"].tolist() == ["持平", "降", "降", "升", "升"]
    s = sim.tidy().set_index("credit_code")
    assert s.loc[XT, "class"].tolist() == ["A", "D", "C", "B", "B"]


def test_county_check_of_firm_source(con, warehouse: Path) -> None:
    """The county of the enterprise pipelines goes through xinzhi.auth.accounts.resolve_county
    (:func:`xinzhi.pipelines.enterprise_data.county_code`): 湘潭县 by code or name gives its five
    firms (XT); 湘潭市 430300 and 湖南省 430000 are refused as not county-level instead of being
    read as a county without firm-year data; the CLI exits 2 with the message."""
    from xinzhi.auth.accounts import COUNTY_KINDS

    for county in ("430321", "湘潭县"):
        src = ent.firm_source(con, county=county, year=None, firms=None)
        assert (src.county, src.year) == ("430321", 2024)
        codes = src.frame.to_pandas()["credit_code"]  # an Ibis table on the warehouse
        assert sorted(codes) == sorted(XT)  # the 5 firms of 湘潭县
    tail = f"请写县级单位（{COUNTY_KINDS}）的名称或 6 位区划代码"
    prefecture = f"430300 不是县级单位：430300 湘潭市是地级区划；{tail}"
    province = f"430000 不是县级单位：430000 湖南省是省级区划；{tail}"
    for county, message in (("430300", prefecture), ("430000", province)):
        with pytest.raises(InputError) as e:
            ent.firm_source(con, county=county, year=None, firms=None)
        assert str(e.value) == message
    with pytest.raises(InputError) as e:  # a file of firms is narrowed to a county-level code too
        ent.firm_source(con, county="430300", year=None, firms=warehouse.parent / "名录.csv")
    assert str(e.value) == prefecture
    args = ["--db", str(warehouse), "enterprise", "mujun", "--county", "430300"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2, res.output
    assert prefecture in res.output.replace("\n", "")
    assert "Traceback" not in res.output
