"""``xinzhi policy …``: the stable contract (list --json fields, check's first columns and
statuses), exit codes (0; 2 with a Chinese message on user error) and the library commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures.policy_persons import PERSON_DOC, persons_csv
from fixtures.policy_warehouse import DOC_XTX, F1, F2, F3, build_policy_warehouse
from xinzhi.cli import app
from xinzhi.cli.policy_cmd import CHECK_COLUMNS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_policy_warehouse(tmp_path_factory.mktemp("policy-cli") / "w.duckdb")


@pytest.fixture()
def db(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "w.duckdb"
    shutil.copy(built, out)
    return out


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["policy", *args])


def flat(text: str) -> str:
    return text.replace("\n", "")


def test_list_json_contract(db: Path) -> None:
    res = run("list", "--json", "--db", str(db), "--county", "430321")
    assert res.exit_code == 0, res.output
    items = {i["id"]: i for i in json.loads(res.output)}
    assert {"test-xtx", "test-hunan"} <= set(items) and "test-liuhe" not in items
    for i in items.values():
        assert {"title", "issuer", "doc_number", "date", "source", "clauses"} <= set(i)
    assert items["test-xtx"]["clauses"] == 3
    assert items["test-xtx"]["doc_number"] == "示政发〔2024〕1号"
    assert items["test-xtx"]["date"] == "2024-01-01"
    res = run("list", "--db", str(db), "--status", "all")
    assert res.exit_code == 0 and "test-liuhe  柳河示例奖励（测试用）" in res.output


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_check_writes_the_contract_columns(db: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"check{suffix}"
    res = run(
        "check",
        "--county",
        "430321",
        "--date",
        "2024-06-30",
        "--document",
        "test-xtx",
        "--output",
        str(out),
        "--db",
        str(db),
    )
    assert res.exit_code == 0, res.output
    assert f"已写出 {out}" in flat(res.output)
    got = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
    assert list(got.columns[:7]) == CHECK_COLUMNS
    assert set(got["status"]) <= {"符合", "可能符合", "不符合"}
    # by hand (tests/pipelines/test_policy_pipeline.py): 1-2 for F1, F2, F3 → 符合 10, 符合 10, 可能符合 10
    rows = got[got["clause"].astype(str) == "1-2"].sort_values("credit_code")
    assert rows[["credit_code", "status", "amount_max"]].values.tolist() == [
        [F1, "符合", 10.0],
        [F2, "符合", 10.0],
        [F3, "可能符合", 10.0],
    ]


def test_explain_one_firm(db: Path) -> None:
    res = run(
        "explain",
        "--credit-code",
        F1,
        "--county",
        "430321",
        "--date",
        "2024-06-30",
        "--db",
        str(db),
    )
    assert res.exit_code == 0, res.output
    assert F1 in res.output and "研发费用奖励" in res.output and "✓" in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--document", "nope", "--output", "x.csv"], "政策库中没有编号为 nope 的文件"),
        (["check", "--date", "2024/06/30", "--output", "x.csv"], "日期应写作 YYYY-MM-DD"),
        (["check", "--output", "x.txt"], "不支持的输出文件类型 .txt"),
        (["explain", "--credit-code", "X"], "企业名录中没有信用代码为 X 的企业"),
        (["publish", "test-xtx", "--date", "2024-01-01"], "文件 test-xtx 已于 2024-01-01 发布"),
        (["retire", "nope", "--date", "2024-01-01"], "政策库中没有编号为 nope 的文件"),
        (["facts-import", "nope.csv"], "文件不存在或不可读"),
    ],
)
def test_user_errors_exit_2_in_chinese(
    db: Path, tmp_path: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    res = run(*args, "--db", str(db))
    assert res.exit_code == 2, res.output
    assert message in flat(res.output)
    assert "Traceback" not in res.output


def test_draft_publish_retire_adopt(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "new.yaml"
    f.write_text(DOC_XTX.replace("id: test-xtx", "id: test-new"), encoding="utf-8")
    res = run("draft", str(f), "--account", "clerk", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert "已保存 test-new（待审核）" in flat(res.output)
    res = run("publish", "test-new", "--date", "2024-02-01", "--db", str(db))
    assert res.exit_code == 0 and "已发布 test-new，自 2024-02-01 起适用" in res.output
    res = run("retire", "test-new", "--date", "2024-12-31", "--db", str(db))
    assert res.exit_code == 0 and "已废止 test-new" in res.output
    res = run("adopt", "test-hunan", "--region", "430381", "--db", str(db))
    assert res.exit_code == 0 and "已保存 test-hunan-430381（改编自 test-hunan，待审核）" in flat(
        res.output
    )
    res = run("list", "--json", "--status", "review", "--db", str(db))
    assert [i["id"] for i in json.loads(res.output)] == ["test-hunan-430381"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: {id: x}\n", encoding="utf-8")
    res = run("draft", str(bad), "--db", str(db))
    assert res.exit_code == 2 and "错误：" in res.output


def test_imports_and_effect(db: Path, tmp_path: Path) -> None:
    facts = tmp_path / "facts.csv"
    pd.DataFrame({"统一社会信用代码": [F3], "年份": [2023], "地方财政贡献": [70]}).to_csv(
        facts, index=False
    )
    res = run("facts-import", str(facts), "--json", "--db", str(db))
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert (rep["rows_read"], rep["rows_loaded"], rep["values_loaded"]) == (1, 1, 1)
    rec = tmp_path / "rec.csv"
    pd.DataFrame(
        {
            "政策文件": ["test-xtx", "test-xtx"],
            "条款": ["1-2", "1-2"],
            "统一社会信用代码": [F3, F3],
            "期间": ["2024", "2024"],
            "环节": ["符合", "已兑现"],
            "金额": [10, 10],
        }
    ).to_csv(rec, index=False)
    res = run("records-import", str(rec), "--db", str(db))
    assert res.exit_code == 0, res.output
    assert "读入 2 行 = 载入 2 + 隔离 0 + 跳过 0" in res.output
    out = tmp_path / "effect.csv"
    res = run("effect", "--county", "430321", "--json", "--output", str(out), "--db", str(db))
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.output)
    # one firm eligible and paid: 兑现率 1 / 1; nobody notified: 知晓率 NULL; no score
    assert (row["eligible"], row["paid"], row["兑现率"], row["知晓率"], row["满意度"]) == (
        1,
        1,
        1.0,
        None,
        None,
    )
    assert out.is_file()


def test_extract_command(tmp_path: Path) -> None:
    f = tmp_path / "p.txt"
    f.write_text("第一条 对新认定的高新技术企业奖励20万元。", encoding="utf-8")
    out = tmp_path / "draft.yaml"
    res = run("extract", str(f), "--output", str(out))
    assert res.exit_code == 0, res.output
    assert f"已写出草稿 {out}" in flat(res.output) and "clauses:" in out.read_text("utf-8")
    res = run("extract", str(tmp_path / "nope.txt"))
    assert res.exit_code == 2 and "文件不存在" in res.output
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("第一条 奖励20万元。".encode("gbk"))
    res = run("extract", str(gbk))
    assert res.exit_code == 2 and "不是 UTF-8 文本" in flat(res.output)


def test_facts_generate(db: Path) -> None:
    res = run("facts-generate", "--county", "430321", "--date", "2024-06-30", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert "来源 policy_facts:示例数据:430321" in flat(res.output)
    assert "示例数据：4 家企业" in flat(res.output)
    res = run("facts-generate", "--county", "430321", "--date", "2024-06-30", "--db", str(db))
    assert res.exit_code == 0 and "未重复导入" in flat(res.output)  # same seed: no-op


def test_list_prints_a_missing_date_as_not_in_the_text(db: Path) -> None:
    # hengyang-county-industry-rewards has date: null (date_note: 原文未载印发日期)
    res = run("list", "--db", str(db))
    assert res.exit_code == 0, res.output
    line = next(x for x in res.output.splitlines() if x.startswith("hengyang-county-industry-"))
    assert "，原文未载；" in line
    assert "None" not in res.output
    items = {i["id"]: i for i in json.loads(run("list", "--json", "--db", str(db)).output)}
    assert items["hengyang-county-industry-rewards"]["date"] is None  # JSON keeps null


def _talent(db: Path, tmp_path: Path) -> None:
    from xinzhi import store
    from xinzhi.pipelines import policy as pp

    con = store.connect(db)
    try:
        pp.import_policy_facts(con, persons_csv(tmp_path))
        pp.save_draft(con, PERSON_DOC, account="hr")
        pp.publish(con, "test-talent", on="2024-01-01", account="hr")
    finally:
        con.close()


def test_check_persons_of_the_talent_base(db: Path, tmp_path: Path) -> None:
    _talent(db, tmp_path)
    out = tmp_path / "persons-check.csv"
    res = run(
        "check", "--subject", "person", "--county", "430321", "--date", "2024-06-30",
        "--output", str(out), "--db", str(db),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out, dtype={"person_id": str})
    assert list(t.columns[:7]) == ["person_id", *CHECK_COLUMNS[1:7]]
    t = t.set_index("person_id")
    # P1: 研究生 (= 硕士) ≥ 硕士 and 35 ≤ 35 → 符合, 3 万元; P2: 本科 < 硕士 → 不符合;
    # P4: age unknown → 可能符合; P3 is of 430381. The local user sees the ids unmasked.
    assert sorted(t.index) == ["P1", "P2", "P4"]
    assert t.loc["P1", ["status", "amount_max"]].tolist() == ["符合", 3.0]
    assert t.loc["P2", "status"] == "不符合"
    assert t.loc["P4", "status"] == "可能符合"
    res = run("check", "--subject", "people", "--output", str(out), "--db", str(db))
    assert res.exit_code == 2 and "subject 只能是 firm 或 person" in flat(res.output)


def test_declared_person_check_masks_person_ids(db: Path, tmp_path: Path) -> None:
    from xinzhi import registry, store

    _talent(db, tmp_path)
    con = store.connect(db)
    try:
        res = registry.get("policy-check").run(
            con, county="430321", date="2024-06-30", subject="person"
        )
    finally:
        con.close()
    t = res.tidy()
    # shared by every account that may run it: masked as for an analyst ("P1" → "P*")
    assert sorted(t["person_id"]) == ["P*", "P*", "P*"]
    assert sorted(t["status"]) == ["不符合", "可能符合", "符合"]
