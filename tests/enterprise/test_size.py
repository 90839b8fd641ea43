"""Enterprise size classes (划型): every group at every bound, the and / or rule, missing data,
the GB/T 4754-2017 code mapping. Expected values are written by hand from the tables of
工信部联企业〔2011〕300号 第四条 and 国统字〔2017〕213号 (示例数据 throughout)."""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from xinzhi.enterprise.size import (
    FALLBACK_GROUP,
    NEEDS_DATA,
    code_table,
    size_classes,
    size_expr,
    size_groups,
    size_rules,
)
from xinzhi.errors import InputError

# Hand-copied from the public tables (not read from the YAML): group → a representative
# 4-digit class, and per indicator the lower bounds (大型, 中型, 小型).
# X 从业人员 (人), Y 营业收入 (万元), Z 资产总额 (万元).
TABLE: dict[str, tuple[str, dict[str, tuple[float, float, float]]]] = {
    "农林牧渔业": ("0111", {"revenue": (20000, 500, 50)}),
    "工业": ("3841", {"employees": (1000, 300, 20), "revenue": (40000, 2000, 300)}),
    "建筑业": ("4710", {"revenue": (80000, 6000, 300), "total_assets": (80000, 5000, 300)}),
    "批发业": ("5121", {"employees": (200, 20, 5), "revenue": (40000, 5000, 1000)}),
    "零售业": ("5211", {"employees": (300, 50, 10), "revenue": (20000, 500, 100)}),
    "交通运输业": ("5430", {"employees": (1000, 300, 20), "revenue": (30000, 3000, 200)}),
    "仓储业": ("5920", {"employees": (200, 100, 20), "revenue": (30000, 1000, 100)}),
    "邮政业": ("6010", {"employees": (1000, 300, 20), "revenue": (30000, 2000, 100)}),
    "住宿业": ("6110", {"employees": (300, 100, 10), "revenue": (10000, 2000, 100)}),
    "餐饮业": ("6210", {"employees": (300, 100, 10), "revenue": (10000, 2000, 100)}),
    "信息传输业": ("6410", {"employees": (2000, 100, 10), "revenue": (100000, 1000, 100)}),
    "软件和信息技术服务业": (
        "6510",
        {"employees": (300, 100, 10), "revenue": (10000, 1000, 50)},
    ),
    "房地产开发经营": (
        "7010",
        {"revenue": (200000, 1000, 100), "total_assets": (10000, 5000, 2000)},
    ),
    "物业管理": ("7020", {"employees": (1000, 300, 100), "revenue": (5000, 1000, 500)}),
    "租赁和商务服务业": (
        "7211",
        {"employees": (300, 100, 10), "total_assets": (120000, 8000, 100)},
    ),
    "其他未列明行业": ("7320", {"employees": (300, 100, 10)}),
}
SIZES_UP = ("微型", "小型", "中型", "大型")  # class just below / at a bound


def _one(group: str, values: dict[str, float | None], **kw: object) -> pd.Series:
    code = TABLE[group][0]
    df = pd.DataFrame([{"credit_code": "X1", "industry_code": code, **values}])
    return size_classes(df, **kw).tidy().iloc[0]  # type: ignore[arg-type]


def test_the_yaml_holds_the_published_table() -> None:
    """The 16 groups of 第四条 in order, each bound as printed in the public tables."""
    groups = size_groups()
    assert list(groups) == list(TABLE)
    for name, (_, inds) in TABLE.items():
        got = {t.field: (t.large, t.medium, t.small) for t in groups[name].indicators}
        assert got == inds, name
    rules = size_rules()
    assert len(rules) == 2 * 16 - 2  # two indicators except 农林牧渔业 and 其他未列明行业


def _cases() -> list[tuple[str, str, int, str, str]]:
    """(group, field, level index, offset, expected) for every bound of every indicator.

    The other indicator of the group is set comfortably inside the class under test's upper
    neighbour (its own bound × 10 for 大型, else its bound of the same level), so only the
    indicator under test decides. Offsets: below = bound − 1, equal = bound, above = bound + 1.
    """
    out = []
    for group, (_, inds) in TABLE.items():
        for f in inds:
            for lvl in range(3):  # 0 大型, 1 中型, 2 小型
                for off in ("below", "equal", "above"):
                    at = ("大型", "中型", "小型")[lvl]
                    under = ("中型", "小型", "微型")[lvl]
                    out.append((group, f, lvl, off, under if off == "below" else at))
    return out


def _case_values(group: str, fld: str, lvl: int, off: str) -> dict[str, float]:
    inds = TABLE[group][1]
    bound = inds[fld][lvl]
    values = {fld: {"below": bound - 1, "equal": bound, "above": bound + 1}[off]}
    for other, bounds in inds.items():
        if other != fld:
            values[other] = bounds[lvl]  # the other indicator exactly at the same level's bound
    return values


@pytest.fixture(scope="module")
def bound_table() -> pd.DataFrame:
    """All cases of :func:`_cases` as one firm frame, classed in one run."""
    rows = [
        {"credit_code": "|".join(map(str, case[:4])), "industry_code": TABLE[case[0]][0]}
        | _case_values(*case[:4])
        for case in _cases()
    ]
    return size_classes(pd.DataFrame(rows)).tidy().set_index("credit_code")


@pytest.mark.parametrize(("group", "fld", "lvl", "off", "expected"), _cases())
def test_every_bound_of_every_group(
    bound_table: pd.DataFrame, group: str, fld: str, lvl: int, off: str, expected: str
) -> None:
    row = bound_table.loc[f"{group}|{fld}|{lvl}|{off}"]
    assert row["industry_group"] == group
    assert row["size"] == expected, (group, fld, lvl, off, row["basis"])
    assert row["missing"] == ""


def test_and_rule_for_large_medium_small_or_rule_for_micro() -> None:
    """工业 (X 1000/300/20 人, Y 40000/2000/300 万元)."""
    df = pd.DataFrame(
        {
            "credit_code": list("ABCDEFG"),
            "industry_code": ["3841"] * 7,
            # A: X 5000 ≥ 1000 but Y 1000 < 2000 → not 大型, not 中型; 5000 ≥ 20 and 1000 ≥ 300 → 小型
            # B: Y 50000 ≥ 40000 but X 10 < 20 → 微型 (one indicator below 小型 suffices)
            # C: X 1000, Y 40000 → both at the 大型 bound → 大型
            # D: X 999, Y 40000 → X < 1000 → 中型 (999 ≥ 300, 40000 ≥ 2000)
            # E: X 300, Y 300 → Y < 2000 → 小型
            # F: X 19, Y 299 → both below → 微型
            # G: X 20, Y 300 → 小型
            "employees": [5000, 10, 1000, 999, 300, 19, 20],
            "revenue": [1000.0, 50000.0, 40000.0, 40000.0, 300.0, 299.0, 300.0],
        }
    )
    t = size_classes(df).tidy()
    assert t["size"].tolist() == ["小型", "微型", "大型", "中型", "小型", "微型", "小型"]
    assert t.loc[1, "basis"] == "工业：从业人员 < 20 人"
    assert t.loc[5, "basis"] == "工业：从业人员 < 20 人、营业收入 < 300 万元"
    assert t.loc[2, "basis"] == "工业：从业人员 ≥ 1000 人且营业收入 ≥ 40000 万元"
    assert t.loc[3, "basis"] == (
        "工业：从业人员 ≥ 300 人且营业收入 ≥ 2000 万元；从业人员 < 1000 人，未达大型"
    )
    assert t.loc[0, "basis"] == (
        "工业：从业人员 ≥ 20 人且营业收入 ≥ 300 万元；营业收入 < 2000 万元，未达中型"
    )


def test_single_indicator_groups_ignore_the_other_fields() -> None:
    """农林牧渔业: Y only (500 万元 → 中型 whatever X); 其他未列明行业: X only."""
    df = pd.DataFrame(
        {
            "credit_code": ["A", "B"],
            "industry_code": ["0111", "7320"],
            "employees": [1, 150],  # 150 ≥ 100 → 中型 in 其他未列明行业
            "revenue": [500.0, None],  # revenue of B not needed
        }
    )
    t = size_classes(df).tidy()
    assert t["size"].tolist() == ["中型", "中型"]
    assert t["missing"].tolist() == ["", ""]
    assert t.loc[0, "basis"] == "农林牧渔业：营业收入 ≥ 500 万元；营业收入 < 20000 万元，未达大型"


def test_missing_fields_need_data_and_are_named() -> None:
    df = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C", "D"],
            "industry_code": ["3841", "4710", "7211", "0111"],
            "employees": [None, 50, 5, 3],
            "revenue": [100.0, None, 10.0, None],
            "total_assets": [None, None, 50.0, None],
        }
    )
    t = size_classes(df).tidy()
    assert t["size"].tolist() == [NEEDS_DATA] * 2 + ["微型", NEEDS_DATA]
    assert t["missing"].tolist() == ["employees", "revenue, total_assets", "", "revenue"]
    assert t.loc[0, "basis"] == "工业：缺少从业人员"
    assert t.loc[1, "basis"] == "建筑业：缺少营业收入、资产总额"


def test_absent_columns_count_as_missing() -> None:
    df = pd.DataFrame({"credit_code": ["A"], "industry_code": ["4710"], "revenue": [9000.0]})
    row = size_classes(df).tidy().iloc[0]
    assert (row["size"], row["missing"]) == (NEEDS_DATA, "total_assets")


def test_partial_decides_micro_from_one_indicator_only() -> None:
    """partial=True: 工业 X 5 < 20 → 微型 without Y; X 50 ≥ 20 leaves Y open → still 需补充数据."""
    df = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C"],
            "industry_code": ["3841", "3841", "7010"],
            "employees": [5, 50, None],
            "revenue": [None, None, 99.0],  # 房地产开发经营 Y 99 < 100 → 微型, Z missing
        }
    )
    strict = size_classes(df).tidy()
    assert strict["size"].tolist() == [NEEDS_DATA] * 3
    t = size_classes(df, partial=True).tidy()
    assert t["size"].tolist() == ["微型", NEEDS_DATA, "微型"]
    assert t["missing"].tolist() == ["revenue", "revenue", "total_assets"]
    assert t.loc[0, "basis"] == "工业：从业人员 < 20 人（缺少营业收入，不影响划为微型）"


@pytest.mark.parametrize(
    ("code", "group", "assumed"),
    [
        ("3841", "工业", False),  # class
        ("38", "工业", False),  # division
        ("C", "工业", False),  # section letter
        ("C3841", "工业", False),  # class led by its section letter
        ("0111", "农林牧渔业", False),
        ("B", "工业", False),
        ("D4411", "工业", False),
        ("E", "建筑业", False),
        ("51", "批发业", False),
        ("5264", "零售业", False),
        ("5910", "交通运输业", False),  # 装卸搬运 → 交通运输业 (longest prefix 591)
        ("5920", "仓储业", False),
        ("5990", "仓储业", False),
        ("58", "交通运输业", False),
        ("60", "邮政业", False),
        ("6110", "住宿业", False),
        ("62", "餐饮业", False),
        ("6311", "信息传输业", False),
        ("64", "信息传输业", False),
        ("6510", "软件和信息技术服务业", False),
        ("7010", "房地产开发经营", False),
        ("7020", "物业管理", False),
        ("7030", FALLBACK_GROUP, False),  # 房地产中介服务: listed in 其他未列明行业
        ("L", "租赁和商务服务业", False),
        ("7111", "租赁和商务服务业", False),
        ("M", FALLBACK_GROUP, False),
        ("85", FALLBACK_GROUP, False),
        ("8710", FALLBACK_GROUP, False),
        ("5311", FALLBACK_GROUP, True),  # 铁路运输业: outside 交通运输业
        ("J", FALLBACK_GROUP, True),
        ("6620", FALLBACK_GROUP, True),
        ("7040", FALLBACK_GROUP, True),
        ("83", FALLBACK_GROUP, True),
        ("8411", FALLBACK_GROUP, True),
        ("99", FALLBACK_GROUP, True),  # not a GB/T 4754-2017 division
        (None, FALLBACK_GROUP, True),
    ],
)
def test_code_mapping(code: str | None, group: str, assumed: bool) -> None:
    df = pd.DataFrame(
        {"credit_code": ["A"], "industry_code": [code], "employees": [1], "revenue": [1.0]}
    )
    row = size_classes(df).tidy().iloc[0]
    assert (row["industry_group"], bool(row["group_assumed"])) == (group, assumed)


@pytest.mark.parametrize("code", ["F", "G", "H", "I", "K", "59", "70"])
def test_codes_spanning_several_groups_need_a_finer_code(code: str) -> None:
    df = pd.DataFrame(
        {"credit_code": ["A"], "industry_code": [code], "employees": [1], "revenue": [1.0]}
    )
    row = size_classes(df).tidy().iloc[0]
    assert row["industry_group"] is None
    assert (row["size"], row["missing"]) == (NEEDS_DATA, "industry_code")
    assert row["basis"].endswith("需大类或小类代码")


def test_division_and_section_columns_stand_in_for_a_missing_code() -> None:
    df = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C"],
            "industry_code": [None, None, "6510"],
            "division": ["52", None, "38"],
            "section": ["F", "E", "C"],
            # A 零售业 X 10, Y 100 → 小型; B 建筑业 Y 300, Z 300 → 小型;
            # C the class wins over division 38: 软件 X 10, Y 50 → 小型 (工业 would give 微型)
            "employees": [10, 1, 10],
            "revenue": [100.0, 300.0, 50.0],
            "total_assets": [None, 300.0, None],
        }
    )
    t = size_classes(df).tidy()
    assert t["industry_group"].tolist() == ["零售业", "建筑业", "软件和信息技术服务业"]
    assert t["size"].tolist() == ["小型", "小型", "小型"]


def test_main_revenue_option() -> None:
    """工业 X 400; revenue 50000 would be 中型 (X < 1000), main_revenue 1500 < 2000 → 小型."""
    df = pd.DataFrame(
        {
            "credit_code": ["A"],
            "industry_code": ["3841"],
            "employees": [400],
            "revenue": [50000.0],
            "main_revenue": [1500.0],
        }
    )
    assert size_classes(df).tidy()["size"].iloc[0] == "中型"
    assert size_classes(df, revenue="main_revenue").tidy()["size"].iloc[0] == "小型"
    with pytest.raises(InputError, match="main_revenue"):
        size_classes(df, revenue="sales")


def test_credit_code_is_required() -> None:
    with pytest.raises(InputError, match="credit_code"):
        size_classes(pd.DataFrame({"industry_code": ["3841"]}))


def test_ibis_table_and_counts(tmp_path: Path) -> None:
    """An ibis Table on DuckDB gives the same rows (sorted by credit_code); counts by hand:
    工业 B 中型 (X 300, Y 2000), C 微型 (X 3); 零售业 A 大型 (X 300, Y 20000);
    G needs a finer code."""
    df = pd.DataFrame(
        {
            "credit_code": ["C", "A", "B", "D"],
            "industry_code": ["3841", "5211", "3841", "G"],
            "employees": [3, 300, 300, 50],
            "revenue": [5000.0, 20000.0, 2000.0, 10.0],
        }
    )
    res = size_classes(ibis.memtable(df))
    t = res.tidy()
    assert t["credit_code"].tolist() == ["A", "B", "C", "D"]
    assert t["size"].tolist() == ["大型", "中型", "微型", NEEDS_DATA]
    c = res.counts().set_index("industry_group")
    assert list(c.loc["工业"]) == [0, 1, 0, 1, 0, 2]
    assert list(c.loc["零售业"]) == [1, 0, 0, 0, 0, 1]
    assert list(c.loc["行业待细分"]) == [0, 0, 0, 0, 1, 1]
    assert list(c.loc["合计"]) == [1, 1, 0, 1, 1, 4]
    assert list(c.index) == ["工业", "零售业", "行业待细分", "合计"]  # order of 第四条
    text = res.summary()
    assert "4 家企业" in text and "大型 1，中型 1，小型 0，微型 1，需补充数据 1" in text
    path = res.to_excel(tmp_path / "size.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["划型结果", "分行业统计", "划型标准", "说明"]
    assert sheets["划型结果"]["企业规模"].tolist() == ["大型", "中型", "微型", NEEDS_DATA]


def test_expression_is_one_ibis_table() -> None:
    df = pd.DataFrame({"credit_code": ["A"], "industry_code": ["6510"], "employees": [100]})
    expr = size_expr(ibis.memtable(df))
    assert list(expr.columns) == [
        "credit_code",
        "industry_code",
        "industry_group",
        "group_assumed",
        "group_basis",
        "employees",
        "revenue",
        "total_assets",
        "size",
        "basis",
        "missing",
    ]
    assert "SELECT" in str(ibis.to_sql(expr, dialect="duckdb")).upper()


def test_code_table_longest_prefix_first() -> None:
    ct = code_table()
    lengths = ct["prefix"].str.len().tolist()
    assert lengths == sorted(lengths, reverse=True)
    assert set(ct["kind"]) == {"listed", "unlisted", "ambiguous"}
    # every GB/T 4754-2017 division (97) has an entry of its own or inherited from its section
    assert ct["prefix"].str.fullmatch(r"\d\d").sum() == 97


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
@pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")
def test_spark_gives_the_duckdb_classes() -> None:
    """The same expression on PySpark local mode: identical rows (A 工业 中型, B 交通运输业 小型,
    C open group, D 零售业 小型 from its division, E 房地产开发经营 微型 with partial, F 其他)."""
    pytest.importorskip("pyspark")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("需要 Java 17")
    from pyspark.sql import SparkSession

    from xinzhi.store.spark import spark_session

    df = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C", "D", "E", "F"],
            "industry_code": ["3841", "C5910", "G", None, "7010", "99"],
            "division": [None, None, None, "52", None, None],
            "employees": [350.0, 30.0, 5.0, 10.0, None, 12.0],
            "revenue": [2500.0, 300.0, 1.0, 100.0, 99.0, 3.0],
            "total_assets": pd.Series([None] * 6, dtype="float64"),
        }
    )
    existing = SparkSession.getActiveSession()  # another module's session: reuse, keep open
    session = existing or spark_session(cores=1, memory="1g", shuffle_partitions=2)
    try:
        con = ibis.pyspark.connect(session)
        spark_t = size_classes(con.create_table("size_firms", df, overwrite=True), partial=True)
        duck_t = size_classes(ibis.memtable(df), partial=True)
        pd.testing.assert_frame_equal(spark_t.tidy(), duck_t.tidy(), check_dtype=False)
        assert spark_t.tidy()["size"].tolist() == [
            "中型",
            "小型",
            NEEDS_DATA,
            "小型",
            "微型",
            "小型",
        ]
    finally:
        if existing is None:
            session.stop()


def test_numeric_codes_get_their_leading_zeros_back() -> None:
    """A spreadsheet stored 0111 as 111 and division 05 as 5: 111 → 0111 (农业), 5 → 05 (农林牧渔
    专业及辅助性活动), 3841 stays; all 农林牧渔业 / 工业, none read as 11 (采矿) or 5."""
    df = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C"],
            "industry_code": [111.0, 5.0, 3841.0],
            "employees": [1, 1, 1],
            "revenue": [500.0, 50.0, 1.0],  # 农林牧渔业 Y 500 → 中型, 50 → 小型; 工业 X 1 → 微型
        }
    )
    t = size_classes(df).tidy()
    assert t["industry_code"].tolist() == ["0111", "05", "3841"]
    assert t["industry_group"].tolist() == ["农林牧渔业", "农林牧渔业", "工业"]
    assert t["size"].tolist() == ["中型", "小型", "微型"]
