"""The policy pipelines (:mod:`xinzhi.pipelines.policy`) on a warehouse built in code
(:mod:`fixtures.policy_warehouse`, 示例数据): the library and its county scope, the frame (size
class, label windows, facts), the check, the calculator, the payout list, publish / retire /
adopt with history. Expected values worked out by hand from the fixture's rows."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fixtures.policy_persons import PERSON_DOC, persons_csv
from fixtures.policy_warehouse import DOC_XTX, F1, F2, F3, F4, F5, ON, build_policy_warehouse
from xinzhi import store
from xinzhi.errors import InputError, NotFoundError
from xinzhi.pipelines import policy as pp
from xinzhi.policy import builtin_documents


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_policy_warehouse(tmp_path_factory.mktemp("policy") / "w.duckdb")


@pytest.fixture()
def con(built: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "w.duckdb"
    shutil.copy(built, db)
    c = store.connect(db)
    yield c
    c.close()


def _stored(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["builtin"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- library
def test_list_documents_and_county_scope(con) -> None:  # type: ignore[no-untyped-def]
    every = pp.list_documents(con)
    assert list(every.columns) == pp.LIST_COLUMNS
    assert _stored(every)["id"].tolist() == ["test-hunan", "test-liuhe", "test-xtx"]
    assert int(every["builtin"].sum()) == len(builtin_documents())
    row = every.set_index("id").loc["test-xtx"]
    assert (row["title"], row["doc_number"], row["clauses"], row["status"]) == (
        "示例县研发与财政贡献奖励办法（测试用）",
        "示政发〔2024〕1号",
        3,
        "已发布",
    )
    # 湘潭县 430321 sees its own document and the province's (43), not 柳河县's (220524)
    assert _stored(pp.list_documents(con, county="430321"))["id"].tolist() == [
        "test-hunan",
        "test-xtx",
    ]
    assert _stored(pp.list_documents(con, county="220524"))["id"].tolist() == ["test-liuhe"]
    # built-in documents of a county are those of a region containing it
    for r in pp.list_documents(con, county="430321").itertuples():
        assert pp.region_covers(r.region, "430321")
    assert _stored(pp.list_documents(con, status="review")).empty
    with pytest.raises(InputError, match="未知的文件状态 'nope'"):
        pp.list_documents(con, status="nope")


def test_region_prefix() -> None:
    assert [pp.region_prefix(r) for r in ("43", "430000", "4303", "430300", "430321")] == [
        "43",
        "43",
        "4303",
        "4303",
        "430321",
    ]
    assert pp.region_covers("430300", "430321") and not pp.region_covers("430381", "430321")


def test_get_document(con) -> None:  # type: ignore[no-untyped-def]
    view = pp.get_document(con, "test-xtx")
    assert view.document.title == "示例县研发与财政贡献奖励办法（测试用）"
    assert view.yaml == DOC_XTX and view.status == "已发布" and not view.builtin
    assert view.published_on == dt.date(2024, 1, 1)
    # the fixture saved it (待审核) and published it: two versions
    assert view.history[["version", "status", "action"]].values.tolist() == [
        [1, "待审核", "save"],
        [2, "已发布", "publish"],
    ]
    assert view.text is None  # the test document names no text
    with pytest.raises(InputError, match="政策库中没有编号为 nope 的文件"):
        pp.get_document(con, "nope")


# ----------------------------------------------------------------------------- the frame
def test_frame_size_labels_and_facts(con) -> None:  # type: ignore[no-untyped-def]
    src = pp.policy_frame(con, county="430321", on=ON)
    f = src.frame.set_index("credit_code")
    assert src.year == 2023 and src.synthetic  # latest data year before 2024
    assert f.index.tolist() == [F1, F2, F3]  # F4 is of 湘乡市
    # 工业: F1 50 persons, 5000 万元 → 小型 (50 < 300); F2 10 persons → 微型 (10 < 20); F3 no data
    assert f.loc[F1, "size_class"] == "小" and f.loc[F2, "size_class"] == "微"
    assert pd.isna(f.loc[F3, "size_class"])
    # F1's 高企 window 2024-03-01 – 2027-02-28 holds on 2024-06-30; F2's ended 2022-12-31
    assert bool(f.loc[F1, "label_hnte"]) and not bool(f.loc[F2, "label_hnte"])
    assert f.loc[F1, "label_hnte_since"] == dt.date(2024, 3, 1)
    assert f.loc[F1, "label_hnte_until"] == dt.date(2027, 2, 28)
    assert f.loc[F2, "label_hnte_since"] is None
    # facts of 2023 and of 2022 (_prev1)
    assert f.loc[F1, "local_fiscal_contribution"] == 60.0
    assert f.loc[F1, "local_fiscal_contribution_prev1"] == 40.0
    assert f.loc[F2, "local_fiscal_contribution"] == 50.0
    assert pd.isna(f.loc[F3, "local_fiscal_contribution"])


# ----------------------------------------------------------------------------- the check
def _rows(res) -> list[list[object]]:  # type: ignore[no-untyped-def]
    t = res.tidy().astype({"document": str, "clause": str, "status": str})
    t = t.sort_values(["document", "clause", "credit_code"])
    rows = t[["credit_code", "document", "clause", "status", "amount_min", "amount_max"]]
    return [
        [None if isinstance(v, float) and v != v else v for v in r] for r in rows.values.tolist()
    ]


def test_policy_check_by_hand(con) -> None:  # type: ignore[no-untyped-def]
    res = pp.policy_check(con, county="430321", on=ON, documents=["test-xtx", "test-hunan"])
    assert res.synthetic
    assert _rows(res) == [
        # 新认定高企 (1 year): F1 first valid 2024-03-01 ≤ 1 year before 2024-06-30 → 20
        [F1, "test-hunan", "1", "符合", 20.0, 20.0],
        [F2, "test-hunan", "1", "不符合", None, None],  # expired 2022-12-31
        [F3, "test-hunan", "1", "不符合", None, None],  # no 高企
        # R&D ≥ 100 and 高企: F1 300 × 10 % = 30 (cap 50 not reached)
        [F1, "test-xtx", "1-1", "符合", 30.0, 30.0],
        [F2, "test-xtx", "1-1", "不符合", None, None],  # 99 < 100
        [F3, "test-xtx", "1-1", "不符合", None, None],  # R&D unknown but no 高企: fails
        # 地方财政贡献 ≥ 50: F1 60, F2 50 (equal: meets), F3 unknown → 可能符合 10
        [F1, "test-xtx", "1-2", "符合", 10.0, 10.0],
        [F2, "test-xtx", "1-2", "符合", 10.0, 10.0],
        [F3, "test-xtx", "1-2", "可能符合", 10.0, 10.0],
        # 小 / 微: F1 小, F2 微, F3 size unknown
        [F1, "test-xtx", "1-3", "符合", 5.0, 5.0],
        [F2, "test-xtx", "1-3", "符合", 5.0, 5.0],
        [F3, "test-xtx", "1-3", "可能符合", 5.0, 5.0],
    ]
    t = res.tidy().set_index(["credit_code", "clause"])
    assert t.loc[(F3, "1-2"), "missing"] == "local_fiscal_contribution"
    assert t.loc[(F3, "1-3"), "missing"] == "size_class"


def test_every_county_and_document_defaults(con) -> None:  # type: ignore[no-untyped-def]
    # no county: F4 of 湘乡市 too, against the documents of regions containing it (43 only;
    # test-xtx applies to 430321 alone, test-liuhe to 220524)
    res = pp.policy_check(con, county=None, on=ON, documents=["test-hunan"])
    t = res.tidy().set_index("credit_code")
    assert sorted(t.index) == sorted([F1, F2, F3, F4])
    # F4: 高企 since 2022-01-01, more than a year before 2024-06-30 → 不符合
    assert t.loc[F4, "status"] == "不符合"
    # 湘潭县 without --document: its applicable documents (built-ins of other regions left out)
    res = pp.policy_check(con, county="430321", on=ON)
    docs = set(res.tidy()["document"])
    assert {"test-xtx", "test-hunan"} <= docs and "test-liuhe" not in docs


def test_no_applicable_document_is_an_empty_result_with_a_note(con) -> None:  # type: ignore[no-untyped-def]
    # before 2024-01-01 no stored document is published; a county without built-in documents
    # gets an empty table and a note (the API and the pages show it), not an error
    res = pp.policy_check(con, county="430381", on="2023-06-30")
    ours = res.tidy()[res.tidy()["document"].astype(str).str.startswith("test-")]
    assert ours.empty
    if res.tidy().empty:
        assert "430381 在 2023-06-30 没有适用于企业的内置或已发布政策文件" in res.notes


def test_check_refuses_in_chinese(con) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError, match="政策库中没有编号为 nope 的文件"):
        pp.policy_check(con, county="430321", on=ON, documents=["nope"])
    with pytest.raises(NotFoundError, match="政策库中没有编号为 nope 的文件"):
        pp.get_document(con, "nope")
    with pytest.raises(NotFoundError, match="政策库中没有编号为 nope 的文件"):
        pp.publish(con, "nope", on=ON, account="t")
    with pytest.raises(InputError, match="文件 test-liuhe 的适用地区 220524 不含 430321"):
        pp.policy_check(con, county="430321", on=ON, documents=["test-liuhe"])
    # published 2024-01-01: not in force the day before
    with pytest.raises(InputError, match="文件 test-xtx 在 2023-12-31 不适用"):
        pp.policy_check(con, county="430321", on="2023-12-31", documents=["test-xtx"])
    with pytest.raises(InputError, match="日期应写作 YYYY-MM-DD"):
        pp.policy_check(con, county="430321", on="30.6.2024")


def test_declared_analysis_equals_pipeline(con) -> None:  # type: ignore[no-untyped-def]
    from xinzhi import registry

    a = registry.get("policy-check")
    got = a.run(con, county="430321", date="2024-06-30", document="test-xtx, test-hunan")
    want = pp.policy_check(con, county="430321", on=ON, documents=["test-xtx", "test-hunan"])
    pd.testing.assert_frame_equal(got.tidy(), want.tidy())
    assert list(got.tables())  # what the API and the web show


def test_firm_file_with_fact_columns(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "firms.csv"
    pd.DataFrame(
        {
            "统一社会信用代码": [F1, F2],
            "企业名称": ["（示例）甲公司", "（示例）乙公司"],
            "所在县": ["430321", "430321"],
            "行业代码": ["3411", "3411"],
            "年份": [2023, 2023],
            "研发费用": [120, 80],
            "从业人员": [30, 5],
            "营业收入": [400, 100],
            "地方财政贡献": [55, 45],
        }
    ).to_csv(f, index=False)
    res = pp.policy_check(con, county="430321", on=ON, documents=["test-xtx"], firms=f)
    t = res.tidy().set_index(["credit_code", "clause"])
    # the file has no labels: 高企 unknown → F1 (120 ≥ 100) 可能符合 at 120 × 10 % = 12
    assert t.loc[(F1, "1-1"), "status"] == "可能符合"
    assert t.loc[(F1, "1-1"), "amount_max"] == pytest.approx(12.0)
    assert t.loc[(F2, "1-1"), "status"] == "不符合"  # 80 < 100
    # the file's 地方财政贡献: 55 ≥ 50 meets, 45 fails
    assert t.loc[(F1, "1-2"), "status"] == "符合" and t.loc[(F2, "1-2"), "status"] == "不符合"
    # 30 persons, 400 万元 → 小型; 5 persons → 微型
    assert t.loc[(F1, "1-3"), "status"] == "符合" and t.loc[(F2, "1-3"), "status"] == "符合"


# ----------------------------------------------------------------------------- calculator
def test_calculator_firm_with_overrides_and_form(con) -> None:  # type: ignore[no-untyped-def]
    res = pp.calculator(con, county="430321", credit_code=F1, on=ON)
    t = res.tidy().set_index(["document", "clause"])
    assert t.loc[("test-xtx", "1-1"), "amount_max"] == 30.0
    # a planned R&D of 50 万元 (< 100) fails the R&D award
    res = pp.calculator(con, county="430321", credit_code=F1, on=ON, values={"rd_expenditure": 50})
    t = res.tidy().set_index(["document", "clause"])
    assert t.loc[("test-xtx", "1-1"), "status"] == "不符合"
    assert t.loc[("test-xtx", "1-2"), "status"] == "符合"
    # a form: R&D 600 and 高企 → 600 × 10 % = 60, capped at 50; the rest needs data
    res = pp.calculator(
        con, county="430321", on=ON, values={"rd_expenditure": "600", "label_hnte": "是"}
    )
    t = res.tidy().set_index(["document", "clause"])
    assert t.loc[("test-xtx", "1-1"), ["status", "amount_max"]].tolist() == ["符合", 50.0]
    assert t.loc[("test-xtx", "1-2"), "status"] == "可能符合"
    assert "explain" in dir(res)


def test_calculator_new_firm_and_kept_frame(con) -> None:  # type: ignore[no-untyped-def]
    # F5 was founded after the data year: its registry row alone, every data field unknown
    res = pp.calculator(con, county="430321", credit_code=F5, on=ON)
    t = res.tidy()[res.tidy()["document"].astype(str) == "test-xtx"].set_index("clause")
    assert t["status"].tolist() == ["不符合", "可能符合", "可能符合"]  # 1-1 fails: no 高企
    # the firm's own row (built from its rows alone) gives the answer of the county's check
    every = pp.policy_check(con, county="430321", on=ON).tidy()
    cols = ["document", "clause", "status", "amount_min", "amount_max", "reason", "missing"]
    for firm in (F1, F2, F3):  # F5 is not in the frame of the data year
        one = pp.calculator(con, county="430321", credit_code=firm, on=ON).tidy()
        mine = every[every["credit_code"] == firm]
        a = one[cols].astype(str).sort_values(cols).values.tolist()
        b = mine[cols].astype(str).sort_values(cols).values.tolist()
        assert a == b, firm


def test_form_fields_are_the_fields_the_clauses_read(con) -> None:  # type: ignore[no-untyped-def]
    docs = pp.library_documents(con, ["test-xtx", "test-hunan", "nope"])
    assert [d.id for d in docs] == ["test-xtx", "test-hunan"]  # unknown ids left out
    fields = pp.form_fields("firm", docs)
    # 1-1 reads rd_expenditure and 高企 (its amount rd_expenditure again), 1-2 地方财政贡献,
    # 1-3 the size class; test-hunan 高企 and the date its validity started
    assert [f["key"] for f in fields] == [
        "rd_expenditure",
        "label_hnte",
        "local_fiscal_contribution",
        "size_class",
        "label_hnte_since",
    ]
    assert fields[0]["unit"] == "万元" and fields[0]["type"] == "double"
    assert pp.form_fields("person", docs) == []  # no person document among them
    with pytest.raises(InputError, match="subject 只能是 firm 或 person"):
        pp.form_fields("firms", docs)
    # in force in 430321 on 2024-06-30: the published test documents of 湘潭县 and 湖南省
    ids = [d.id for d in pp.documents_in_force(con, county="430321", on=ON)]
    assert {"test-xtx", "test-hunan"} <= set(ids) and "test-liuhe" not in ids


def test_calculator_refuses(con) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError, match=f"信用代码为 {F4} 的企业不在 430321"):
        pp.calculator(con, county="430321", credit_code=F4, on=ON)
    with pytest.raises(NotFoundError, match="企业名录中没有信用代码为 X 的企业"):
        pp.calculator(con, county="430321", credit_code="X", on=ON)
    with pytest.raises(InputError, match="未知的字段 no_such_field"):
        pp.calculator(con, county="430321", on=ON, values={"no_such_field": 1})
    with pytest.raises(InputError, match=r"字段 rd_expenditure（研发费用.*）应为数值，收到 'abc'"):
        pp.calculator(con, county="430321", on=ON, values={"rd_expenditure": "abc"})


# ----------------------------------------------------------------------------- payout list
def test_payout_list(con) -> None:  # type: ignore[no-untyped-def]
    pay = pp.payout_list(con, document="test-xtx", county="430321", clause="1-2")
    # 符合: F1, F2 (10 each) → demand 20; 可能符合: F3 asked for 地方财政贡献
    assert pay.payment()["credit_code"].tolist() == [F1, F2]
    assert pay.payment()["name"].tolist() == ["（示例）甲公司", "（示例）乙公司"]
    assert pay.demand == 20.0 and pay.budget is None
    assert pay.push()["credit_code"].tolist() == [F3]
    assert pay.push()["message"].iloc[0] == "您可能符合“1-2”条款，请补充：地方财政贡献"
    book = pd.read_excel(io.BytesIO(pay.to_workbook()), sheet_name=None)
    assert list(book) == ["兑现名单", "推送名单", "说明"]
    assert book["兑现名单"]["统一社会信用代码"].tolist() == [F1, F2]
    assert "示例数据" in book["说明"]["说明"].tolist()
    with pytest.raises(InputError, match="文件 test-xtx 没有条款 9-9"):
        pp.payout_list(con, document="test-xtx", county="430321", clause="9-9")


# ----------------------------------------------------------------------------- life cycle
NEW_DOC = DOC_XTX.replace("id: test-xtx", "id: test-new").replace(
    "示例县研发与财政贡献奖励办法（测试用）", "新办法（测试用）"
)


def test_draft_publish_retire_history(con) -> None:  # type: ignore[no-untyped-def]
    assert pp.save_draft(con, NEW_DOC, account="clerk") == "test-new"
    assert pp.get_document(con, "test-new").status == "待审核"
    with pytest.raises(InputError, match="在 2024-06-30 不适用：状态 待审核"):
        pp.policy_check(con, county="430321", on=ON, documents=["test-new"])
    pp.publish(con, "test-new", on="2024-02-01", account="chief")
    res = pp.policy_check(con, county="430321", on=ON, documents=["test-new"])
    assert len(res.tidy()) == 9  # 3 firms × 3 clauses
    with pytest.raises(InputError, match="已发布，不能直接修改"):
        pp.save_draft(con, NEW_DOC, account="clerk")
    with pytest.raises(InputError, match="废止日期 2024-01-01 早于发布日期 2024-02-01"):
        pp.retire(con, "test-new", on="2024-01-01", account="chief")
    pp.retire(con, "test-new", on="2024-07-01", account="chief")
    # in force up to the day before the retirement, not from it
    assert len(
        pp.policy_check(con, county="430321", on="2024-06-30", documents=["test-new"]).tidy()
    )
    with pytest.raises(InputError, match="在 2024-07-01 不适用：状态 已废止"):
        pp.policy_check(con, county="430321", on="2024-07-01", documents=["test-new"])
    hist = pp.get_document(con, "test-new").history
    assert hist[["version", "status", "created_by", "action"]].values.tolist() == [
        [1, "待审核", "clerk", "save"],
        [2, "已发布", "chief", "publish"],
        [3, "已废止", "chief", "retire"],
    ]
    assert hist["retired_on"].iloc[2] == pd.Timestamp("2024-07-01")
    assert _stored(pp.list_documents(con, status="retired"))["id"].tolist() == ["test-new"]


def test_draft_validation_and_county_accounts(con) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        pp.save_draft(con, "document: {id: x}\n", account="clerk")
    other = NEW_DOC.replace('region: "430321"', 'region: "430381"')
    with pytest.raises(InputError, match="县级账号只能管理本县（430321）的政策文件"):
        pp.save_draft(con, other, account="clerk", county="430321")
    with pytest.raises(InputError, match="保存草稿时状态只能是"):
        pp.save_draft(con, NEW_DOC, account="clerk", status="已发布")
    assert pp.save_draft(con, NEW_DOC, account="clerk", status="draft") == "test-new"
    assert pp.get_document(con, "test-new").status == "草稿"
    with pytest.raises(InputError, match="只有已发布的文件可以废止"):
        pp.retire(con, "test-new", on=ON, account="chief")


def test_adopt_a_template_for_another_county(con) -> None:  # type: ignore[no-untyped-def]
    new = pp.adopt(con, "test-hunan", region="430381", account="xiangxiang")
    assert new == "test-hunan-430381"
    view = pp.get_document(con, new)
    assert (view.status, view.document.region) == ("待审核", "430381")
    assert view.document.source == "改编自 test-hunan；原文来源：示例数据"
    assert view.history["note"].tolist() == ["改编自 test-hunan"]
    assert view.document.title == pp.get_document(con, "test-hunan").document.title
    with pytest.raises(InputError, match="编号 test-hunan-430381 已被使用"):
        pp.adopt(con, "test-hunan", region="430381", account="xiangxiang")
    with pytest.raises(InputError, match="地区应为 2、4 或 6 位区划代码"):
        pp.adopt(con, "test-hunan", region="湘乡", account="xiangxiang")
    pp.publish(con, new, on="2024-01-01", account="xiangxiang")
    assert "test-hunan-430381" in set(pp.list_documents(con, county="430381")["id"])
    assert "test-hunan-430381" not in set(pp.list_documents(con, county="430321")["id"])


def test_person_documents_on_person_facts(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert pp.import_policy_facts(con, persons_csv(tmp_path)).rows_loaded == 4
    pp.save_draft(con, PERSON_DOC, account="hr")
    pp.publish(con, "test-talent", on="2024-01-01", account="hr")
    res = pp.policy_check(con, county="430321", on=ON, subject="person", documents=["test-talent"])
    t = res.tidy().set_index("person_id")
    # P1: 研究生 = 硕士 ≥ 硕士, 35 ≤ 35 → 符合 3; P2: 本科 < 硕士; P4: age unknown; P3 elsewhere
    assert sorted(t.index) == ["P1", "P2", "P4"]
    assert t.loc["P1", ["status", "amount_max"]].tolist() == ["符合", 3.0]
    assert t.loc["P2", "status"] == "不符合"
    assert (t.loc["P4", "status"], t.loc["P4", "missing"]) == ("可能符合", "age")
    pay = pp.payout_list(con, document="test-talent", county="430321")
    assert pay.payment()["person_id"].tolist() == ["P1"] and pay.demand == 3.0
    assert pay.push()["message"].tolist() == ["您可能符合“1”条款，请补充：年龄"]
    with pytest.raises(InputError, match="所选文件中有不是企业类的政策文件"):
        pp.policy_check(con, county="430321", on=ON, documents=["test-talent"])
    # the calculator's form with person fields only is a person
    res = pp.calculator(con, county="430321", on=ON, values={"education": "博士", "age": 28})
    assert res.tidy().set_index("document").loc["test-talent", "status"] == "符合"


def test_extract_policy_text() -> None:
    res = pp.extract_policy_text(
        "第一条 对首次认定的高新技术企业，一次性奖励20万元。\n第二条 研发费用100万元以上的，按10%给予奖励，最高50万元。"
    )
    draft = res.to_yaml()
    assert "clauses:" in draft
    with pytest.raises(InputError, match="政策文本为空"):
        pp.extract_policy_text("  ")


def test_doctests() -> None:
    import doctest

    res = doctest.testmod(pp, optionflags=doctest.ELLIPSIS)
    assert (res.failed, res.attempted) == (
        0,
        5,
    )  # region_prefix, region_covers, date_text, form_fields (2)
