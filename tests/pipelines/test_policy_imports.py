"""Imports of policy facts and of the office's records (row accounting: read = loaded +
quarantined + skipped, with reasons; columns not recognised named) and the policy effect
indicators (知晓率, 兑现率, 满意度) computed by hand from the records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from fixtures.policy_warehouse import F1, F2, F3, F4, build_policy_warehouse, code
from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.pipelines import policy as pp


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_policy_warehouse(tmp_path_factory.mktemp("policy-imports") / "w.duckdb")


@pytest.fixture()
def con(built: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "w.duckdb"
    shutil.copy(built, db)
    c = store.connect(db)
    yield c
    c.close()


def _csv(path: Path, rows: dict[str, list[object]]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


# ----------------------------------------------------------------------------- facts
def test_wide_facts_accounting_and_frame(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = code(9)[:-1] + ("0" if code(9)[-1] != "0" else "1")
    f = _csv(
        tmp_path / "facts.csv",
        {
            "统一社会信用代码": [F3, F1, bad, "", F3, F2],
            "年份": [2023, 2023, 2023, None, 2023, 2023],
            "地方财政贡献（元）": ["700000", "", "1", None, "700000", "abc"],
            "新上项目固定资产投资": ["1200", "", "3", None, "1200", "5"],
            "备注": ["x", "", "", None, "x", ""],
        },
    )
    before = pp.policy_frame(con, county="430321", on=pd.Timestamp("2024-06-30").date())
    assert pd.isna(before.frame.set_index("credit_code").loc[F3, "local_fiscal_contribution"])
    rep = pp.import_policy_facts(con, f, account="clerk")
    # 6 rows: F3 loaded; F1 without values skipped; bad check character quarantined; the empty
    # row skipped; F3 again identical skipped; F2's "abc" quarantined
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (6, 1, 2, 3)
    assert rep.quarantined_by_reason == {"credit_code_check": 1, "non_numeric": 1}
    assert rep.skipped_by_reason == {"missing_value": 1, "empty": 1, "duplicate": 1}
    assert rep.values_loaded == 2  # F3: two facts
    assert rep.columns_ignored == ["备注"]
    assert "未识别、未导入的列：备注" in rep.warnings
    # 700000 元 = 70 万元; the batch's values reach the frame of 2023 (the frame kept for the
    # county before the import is not reused: the import changed the warehouse stamp)
    src = pp.policy_frame(con, county="430321", on=pd.Timestamp("2024-06-30").date())
    f3 = src.frame.set_index("credit_code").loc[F3]
    assert f3["local_fiscal_contribution"] == 70.0
    assert f3["project_investment"] == 1200.0
    # the same file again: no new batch
    assert pp.import_policy_facts(con, f, account="clerk").status == "noop"


def test_long_facts_and_persons(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _csv(
        tmp_path / "long.csv",
        {
            "统一社会信用代码": [F1, F1, F2, F2, F2],
            "年份": [2023] * 5,
            "事实": [
                "地方财政贡献",
                "no-such-fact",
                "地方财政贡献",
                "地方财政贡献",
                "项目开工日期",
            ],
            "数值": ["65", "1", "", "51", "2023-05-01"],
        },
    )
    rep = pp.import_policy_facts(con, f)
    # F1 65 loaded; unknown fact quarantined; F2 empty value skipped; F2 51 loaded; date loaded
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (5, 3, 1, 1)
    assert rep.quarantined_by_reason == {"unknown_fact": 1}
    assert rep.skipped_by_reason == {"missing_value": 1}
    rows = con.execute(
        "SELECT credit_code, fact, value_num, value_text FROM current_policy_facts "
        "WHERE batch_id = ? ORDER BY credit_code, fact",
        [rep.batch_id],
    ).fetchall()
    assert rows == [
        (F1, "local_fiscal_contribution", 65.0, None),
        (F2, "local_fiscal_contribution", 51.0, None),
        (F2, "project_start", None, "2023-05-01"),
    ]
    persons = _csv(
        tmp_path / "persons.csv",
        {
            "人员编号": ["P1", ""],
            "年份": [2024, 2024],
            "学历": ["研究生", "本科"],
            "年龄": [30, 40],
        },
    )
    rep = pp.import_policy_facts(con, persons)
    assert (rep.rows_loaded, rep.rows_quarantined) == (1, 1)
    assert rep.quarantined_by_reason == {"person_id_missing": 1}
    got = con.execute(
        "SELECT person_id, fact, value_num, value_text FROM current_policy_facts "
        "WHERE person_id IS NOT NULL ORDER BY fact"
    ).fetchall()
    assert got == [("P1", "age", 30.0, None), ("P1", "education", None, "研究生")]


def test_facts_file_errors(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _csv(tmp_path / "nofacts.csv", {"统一社会信用代码": [F1], "年份": [2023], "备注": ["x"]})
    with pytest.raises(InputError, match="没有可识别的企业政策事实列"):
        pp.import_policy_facts(con, f)
    f = _csv(tmp_path / "noyear.csv", {"统一社会信用代码": [F1], "地方财政贡献": [1]})
    with pytest.raises(InputError, match="缺少“年份”列"):
        pp.import_policy_facts(con, f)
    with pytest.raises(InputError, match="文件不存在或不可读"):
        pp.import_policy_facts(con, tmp_path / "nope.csv")


# ----------------------------------------------------------------------------- records
RECORDS = {
    "政策文件": [
        "test-xtx",
        "test-xtx",
        "test-xtx",
        "test-xtx",
        "示政发〔2024〕1号",  # by 文号
        "test-xtx",
        "test-xtx",
        "test-xtx",
        "nope",
        "test-xtx",
    ],
    "条款": ["1-2", "1-2", "1-2", "1-2", "1-2", "1-2", "1-2", "1-2", "1", "9-9"],
    "统一社会信用代码": [F1, F1, F1, F2, F2, F2, F3, F3, F1, F1],
    "年度": ["2024"] * 10,
    "环节": [
        "符合",
        "已推送",
        "已兑现",
        "符合",
        "已推送",
        "已兑现",
        "符合",
        "已推送",
        "符合",
        "符合",
    ],
    "金额（万元）": [10, None, 10, 10, None, 6, 10, None, 1, 1],
    "是否知晓": ["是", "是", None, "否", "否", None, "是", "否", None, None],
    "满意度": [5, None, None, 3, None, None, None, None, None, None],
}


def test_records_and_effect_indicators(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rep = pp.import_policy_records(con, _csv(tmp_path / "rec.csv", RECORDS), account="clerk")
    # 10 rows: 8 loaded; unknown document and unknown clause quarantined
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (10, 8, 2, 0)
    assert rep.quarantined_by_reason == {"unknown_document": 1, "unknown_clause": 1}
    eff = pp.effect_indicators(con, county="430321")
    assert list(eff.columns) == pp.EFFECT_COLUMNS
    r = eff.iloc[0]
    assert (r["document"], r["period"]) == ("test-xtx", "2024")
    # eligible F1 F2 F3 = 3; notified F1 F2 F3 = 3; paid F1 F2 = 2
    assert (r["eligible"], r["notified"], r["applied"], r["paid"]) == (3, 3, 0, 2)
    # amounts: eligible 10 + 10 + 10 = 30; paid 10 + 6 = 16
    assert (r["eligible_amount"], r["paid_amount"]) == (30.0, 16.0)
    # aware among the notified: F1 (是) and F3 (是 on its 符合 row) → 2 of 3
    assert r["aware"] == 2 and r["知晓率"] == pytest.approx(2 / 3)
    assert r["兑现率"] == pytest.approx(2 / 3)  # 2 paid of 3 eligible
    assert r["兑现金额率"] == pytest.approx(16 / 30)
    assert r["rated"] == 2 and r["满意度"] == pytest.approx((5 + 3) / 2)
    # 湘乡市 sees no record of 湘潭县's firms (and not test-xtx at all)
    assert pp.effect_indicators(con, county="430381").empty
    with pytest.raises(InputError, match="没有可查看的政策文件 test-xtx"):
        pp.effect_indicators(con, county="430381", document="test-xtx")


def test_records_reasons(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _csv(
        tmp_path / "bad.csv",
        {
            "政策文件": ["test-hunan"] * 6,
            "统一社会信用代码": [F4] * 6,
            "年度": ["2024", "", "2024", "2024", "2024", "2025"],
            "环节": ["符合", "符合", "发钱", "已兑现", "已推送", "已推送"],
            "金额": [20, 20, 20, -1, None, None],
            "满意度": [4, None, None, None, 4.5, 6],
            "经办人": ["甲"] * 6,
        },
    )
    rep = pp.import_policy_records(con, f)
    # row 1 loaded; no period; unknown stage; negative amount; 4.5 and 6 are not 1–5 integers
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (6, 1, 5, 0)
    assert rep.quarantined_by_reason == {
        "period_missing": 1,
        "stage_invalid": 1,
        "impossible_value": 1,
        "satisfaction_invalid": 2,
    }
    assert rep.columns_ignored == ["经办人"]


def test_records_all_quarantined_writes_nothing(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = _csv(
        tmp_path / "none.csv",
        {"政策文件": ["nope"], "统一社会信用代码": [F1], "年度": ["2024"], "环节": ["符合"]},
    )
    with pytest.raises(InputError, match="没有可载入的数值"):
        pp.import_policy_records(con, f)


def test_generated_facts_are_labelled_and_reproducible(con) -> None:  # type: ignore[no-untyped-def]
    rep = pp.generate_policy_facts(con, county="430321", on="2024-06-30", seed=7)
    assert rep.source == "policy_facts:示例数据:430321" and rep.years == [2023]
    assert rep.rows_read == rep.rows_loaded == rep.values_loaded
    rows = con.execute(
        "SELECT credit_code, fact, synthetic FROM current_policy_facts WHERE batch_id = ?",
        [rep.batch_id],
    ).df()
    assert len(rows) == rep.values_loaded and rows["synthetic"].all()
    # the four firms of 湘潭县 (F1, F2, F3, F5), at most one value per firm and fact
    assert set(rows["credit_code"]) <= {F1, F2, F3, code(5)}
    assert not rows.duplicated(["credit_code", "fact"]).any()
    assert set(rows["fact"]) <= set(rep.indicators_loaded)
    assert pp.generate_policy_facts(con, county="430321", on="2024-06-30", seed=7).status == "noop"
    again = pp.generate_policy_facts(con, county="430321", on="2024-06-30", seed=8)
    assert again.superseded == [rep.batch_id]
    assert pp.policy_check(con, county="430321", on="2024-06-30").synthetic


def test_person_records_follow_the_persons_county(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    persons = _csv(
        tmp_path / "persons.csv",
        {"人员编号": ["P1", "P2"], "年份": [2024, 2024], "区划代码": ["430321", "430381"]},
    )
    assert pp.import_policy_facts(con, persons).rows_loaded == 2
    rec = _csv(
        tmp_path / "rec.csv",
        {
            "政策文件": ["test-hunan", "test-hunan"],
            "人员编号": ["P1", "P2"],
            "期间": ["2024", "2024"],
            "环节": ["已推送", "已推送"],
            "是否知晓": ["是", "否"],
        },
    )
    assert pp.import_policy_records(con, rec).rows_loaded == 2
    # 湘潭县 counts P1 only (aware: 1 of 1); 湘乡市 P2 only (0 of 1); every county: 1 of 2
    own = pp.effect_indicators(con, county="430321").iloc[0]
    assert (own["notified"], own["aware"], own["知晓率"]) == (1, 1, 1.0)
    other = pp.effect_indicators(con, county="430381").iloc[0]
    assert (other["notified"], other["aware"], other["知晓率"]) == (1, 0, 0.0)
    every = pp.effect_indicators(con, county=None).iloc[0]
    assert (every["notified"], every["知晓率"]) == (2, 0.5)
