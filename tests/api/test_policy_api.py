"""Support policies through the REST API (``/api/policy/*``, issue #15) on a warehouse built in
code: the small warehouse (:mod:`fixtures.warehouse`) plus three firms of 湘潭县 and one of
长沙县 with 2024 firm-year data (示例数据) and a constructed policy document of 湘潭县 that the
test drafts and publishes through the API. Every expected status and amount is worked out by
hand from the document's three clauses (comments give the arithmetic).

Access: a county account of 湘潭县 sees its own firms and the documents of regions containing
湘潭县, not 长沙县's document or firms (403 / 404 as the other routes), edits only its own
county's documents; analysts see persons' personal data masked.
"""

from __future__ import annotations

import doctest
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from api_helpers import account_client, role_accounts
from fastapi.testclient import TestClient

from xinzhi.codes.credit import credit_check_chars, org_check_chars

OWN = "430321"  # 湘潭县
OTHER = "430121"  # 长沙县
ACCOUNTS = role_accounts(OWN, OTHER)
DOC = "test-xiangtan-2024"
DOC_OTHER = "test-changsha-2024"
TALENT = "test-xiangtan-talent-2024"
TALENT_YAML = f"""
document:
  id: {TALENT}
  title: 湘潭县青年人才生活补贴（测试）
  issuer: 测试县人民政府
  date: 2024-01-01
  region: "{OWN}"
  subject: person
  category: 人才
  source: "tests/api/test_policy_api.py（为测试构造的文件）"
clauses:
  - id: "1-1"
    article: 第1条
    title: 硕士及以上青年人才生活补贴
    text: "硕士研究生及以上学历、35周岁及以下的人才，每人发放生活补贴2万元。"
    when: {{all: [{{field: education, ge: 硕士}}, {{field: age, le: 35}}]}}
    benefit: {{fixed: 2}}
"""
ON = "2025-06-30"


def _credit(region: str, serial: int) -> str:
    """A valid 18-character credit code (GB 32100) of a firm registered in ``region``."""
    org = f"{serial:08d}"
    org += str(org_check_chars(pd.Series([org]))[0])
    body = "91" + region + org
    return body + str(credit_check_chars(pd.Series([body]))[0])


A, B, C = (_credit(OWN, 30_000 + i) for i in range(3))
D = _credit(OTHER, 40_000)

# firm-year data of 2024: 营业收入, 研发费用 (万元), 年平均职工人数 (None = not reported)
DATA = {
    A: (2000.0, 100.0, 150),
    B: (999.0, None, 99),
    C: (1000.0, 30.0, None),
    D: (5000.0, 500.0, 300),
}


def document_yaml(
    doc_id: str = DOC, region: str = OWN, title: str = "湘潭县支持制造业发展的若干措施"
) -> str:
    """The constructed document: three clauses (fixed, percent with a cap, per unit)."""
    return f"""
document:
  id: {doc_id}
  title: {title}（测试）
  issuer: 测试县人民政府
  doc_number: 测政发〔2024〕99号
  date: 2024-01-01
  valid_from: 2024-01-01
  valid_to: null
  region: "{region}"
  subject: firm
  category: 工业
  source: "tests/api/test_policy_api.py（为测试构造的文件）"
  budget: {{total: 100, allocation: pro_rata}}
clauses:
  - id: "1-1"
    article: 第1条
    title: 营业收入奖励
    text: "营业收入达到1000万元及以上的企业，一次性奖励30万元。"
    when: {{field: revenue, ge: 1000}}
    benefit: {{fixed: 30}}
  - id: "2-1"
    article: 第2条
    title: 研发投入补助
    text: "研发费用占营业收入比重不低于3%的，按研发费用的10%给予补助，最高50万元。"
    when: {{ratio: [rd_expenditure, revenue], ge: 0.03}}
    benefit: {{percent: {{base: rd_expenditure, rate: 0.1}}, cap: 50}}
  - id: "3-1"
    article: 第3条
    title: 稳岗奖励
    text: "年平均职工人数100人及以上的，每人奖励0.02万元。"
    when: {{field: employees, ge: 100}}
    benefit: {{per_unit: {{base: employees, amount: 0.02}}}}
"""


def build_policy_warehouse(small_db: Path, folder: Path) -> Path:
    """A copy of the small warehouse in ``folder`` with the four firms and their 2024 data
    (imported by the pipelines, as a user's files would be)."""
    from xinzhi.pipelines.enterprise_data import import_firm_years_file
    from xinzhi.pipelines.firms import import_firm_file

    db = folder / "xinzhi.duckdb"
    shutil.copy(small_db, db)
    pd.DataFrame(
        {
            "统一社会信用代码": [A, B, C, D],
            "企业名称": [f"（示例）政策测试{c}有限公司" for c in "ABCD"],
            "所在县": ["湘潭县"] * 3 + ["长沙县"],
            "行业代码": ["3411"] * 4,
            "成立日期": ["2015-03-01"] * 4,
            "经营状态": ["存续"] * 4,
        }
    ).to_csv(folder / "名录.csv", index=False)
    pd.DataFrame(
        [
            {
                "统一社会信用代码": code,
                "年份": 2024,
                "营业收入(万元)": rev,
                "研发费用(万元)": rd,
                "年平均职工人数": emp,
            }
            for code, (rev, rd, emp) in DATA.items()
        ]
    ).to_csv(folder / "年度数据.csv", index=False)
    firms = import_firm_file(folder / "名录.csv", db=db).report
    assert (firms.rows_read, firms.rows_loaded) == (4, 4)
    years = import_firm_years_file(folder / "年度数据.csv", db=db)
    assert (years.rows_read, years.rows_loaded) == (4, 4)
    return db


@pytest.fixture(scope="module")
def warehouse(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    # data_dir: the firm importer reads the county names of the public region table
    return build_policy_warehouse(small_warehouse.db, tmp_path_factory.mktemp("policy-api"))


class Api:
    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, path: str, who: str, **kw: Any) -> Any:
        return self.client.get("/api" + path, headers=self.h(who), **kw)

    def post(self, path: str, who: str, body: Any) -> Any:
        return self.client.post("/api" + path, headers=self.h(who), json=body)


@pytest.fixture(scope="module")
def api(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:

    db_path = tmp_path_factory.mktemp("policy-app") / "xinzhi.duckdb"
    shutil.copy(warehouse, db_path)
    with account_client(db_path, ACCOUNTS) as (client, tokens):
        a = Api(client, tokens)
        # the documents: drafted and published through the API (by an analyst and by 长沙县)
        r = a.post("/policy/drafts", "analyst1", {"yaml": document_yaml()})
        assert r.status_code == 201, r.text
        assert r.json() == {"id": DOC, "status": "待审核"}
        r = a.post(f"/policy/documents/{DOC}/publish", "analyst1", {"on": "2024-01-01"})
        assert r.status_code == 200, r.text
        other = document_yaml(DOC_OTHER, OTHER, "长沙县支持制造业发展的若干措施")
        r = a.post("/policy/drafts", "county2", {"yaml": other})
        assert r.status_code == 201, r.text
        r = a.post(f"/policy/documents/{DOC_OTHER}/publish", "county2", {"on": "2024-01-01"})
        assert r.status_code == 200, r.text
        r = a.post("/policy/drafts", "county1", {"yaml": TALENT_YAML})
        assert r.status_code == 201, r.text
        r = a.post(f"/policy/documents/{TALENT}/publish", "county1", {"on": "2024-01-01"})
        assert r.status_code == 200, r.text
        _import_records(client.app.state.db, tmp_path_factory.mktemp("records"))
        _import_persons(client.app.state.db, tmp_path_factory.mktemp("persons"))
        yield a


# the office's records (兑现台账) of 2024: stage, amount (万元), 是否知晓, 满意度 (1–5)
RECORDS = [
    (DOC, A, "符合", 43.0, None, None),
    (DOC, A, "已推送", None, "是", None),
    (DOC, A, "已兑现", 43.0, None, 5),
    (DOC, B, "已推送", None, "是", 3),
    (DOC, C, "符合", 33.0, None, None),
    (DOC, C, "已推送", None, "否", None),
    (DOC_OTHER, D, "符合", 80.0, "是", None),
    (DOC_OTHER, D, "已兑现", 80.0, "是", 4),
]


def write_records(folder: Path) -> Path:
    """:data:`RECORDS` as the office's file (兑现台账.csv)."""
    path = folder / "兑现台账.csv"
    pd.DataFrame(
        RECORDS,
        columns=["政策文件", "统一社会信用代码", "环节", "金额(万元)", "是否知晓", "满意度"],
    ).assign(年度="2024").to_csv(path, index=False)
    return path


def _import_records(db: Any, folder: Path) -> None:
    """Import :data:`RECORDS` through the pipeline on the server's database."""
    from xinzhi.pipelines import policy as pp

    path = write_records(folder)
    with db.write_lock:
        cur = db.cursor()
        try:
            report = pp.import_policy_records(cur, path, account="测试")
        finally:
            cur.close()
    assert (report.rows_read, report.rows_loaded) == (8, 8)


# persons of the talent base (示例数据): 人员编号 (an ID-card-like number), 姓名, 学历, 年龄, 地区
PERSONS = [
    ("430321199501011234", "张三", "博士", 30, OWN),  # 符合: 2 万元
    ("430321198001015678", "李四", "硕士", 45, OWN),  # 不符合 (45 > 35)
    ("430121199601019999", "王五", "硕士", 29, OTHER),  # 长沙县: never in 湘潭县's lists
]


def _import_persons(db: Any, folder: Path) -> None:
    """Import :data:`PERSONS` as policy facts of 2024 through the pipeline."""
    from xinzhi.pipelines import policy as pp

    path = folder / "人才库.csv"
    pd.DataFrame(
        PERSONS, columns=["人员编号", "姓名", "学历", "年龄", "工作所在地区划代码"]
    ).assign(年份=2024).to_csv(path, index=False)
    with db.write_lock:
        cur = db.cursor()
        try:
            report = pp.import_policy_facts(cur, path, account="测试")
        finally:
            cur.close()
    assert (report.rows_read, report.rows_loaded) == (3, 3)


def _audit(api: Api, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    r = api.get("/admin/audit", "admin1", params={"action": action, "limit": 1000})
    assert r.status_code == 200
    return [
        (
            i["user_name"],
            i["target"],
            json.loads(i["detail"]) if isinstance(i["detail"], str) else i["detail"],
        )
        for i in reversed(r.json()["items"])
    ]


# ------------------------------------------------------------------------- pure helpers
def test_doctests_of_the_view_module() -> None:
    from xinzhi.api import policy_views

    failed, tried = doctest.testmod(policy_views, optionflags=doctest.ELLIPSIS)
    assert (failed, tried > 0) == (0, True)


def test_form_values_drop_empty_fields() -> None:
    from xinzhi.api.policy_views import form_values
    from xinzhi.errors import InputError

    assert form_values({"revenue": " 1,000 ", "above_scale": "是", "x": "", "y": None, "z": 0}) == {
        "revenue": "1,000",
        "above_scale": "是",
        "z": 0,
    }
    with pytest.raises(InputError, match="字段名"):
        form_values({"a b": 1})


# ------------------------------------------------------------------------- documents
def test_documents_by_account(api: Api) -> None:
    def ids(who: str, **params: str) -> dict[str, dict[str, Any]]:
        r = api.get("/policy/documents", who, params=params)
        assert r.status_code == 200, r.text
        return {d["id"]: d for d in r.json()["items"]}

    everything = ids("admin1")
    assert {DOC, DOC_OTHER} <= set(everything)
    doc = everything[DOC]
    assert (doc["title"], doc["region"], doc["subject"], doc["clauses"]) == (
        "湘潭县支持制造业发展的若干措施（测试）",
        OWN,
        "firm",
        3,
    )
    assert (doc["doc_number"], doc["date"], doc["status_label"]) == (
        "测政发〔2024〕99号",
        "2024-01-01",
        "已发布",
    )
    own = ids("county1")
    assert DOC in own and DOC_OTHER not in own
    # every document a county account sees applies to a region containing its county
    assert all(OWN.startswith(d["region"] or "") for d in own.values())
    other = ids("county2")
    assert DOC_OTHER in other and DOC not in other
    assert set(ids("analyst1")) == set(everything)


def test_document_clauses_beside_their_rules(api: Api) -> None:
    r = api.get(f"/policy/documents/{DOC}", "county1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["document"]["id"] == DOC and body["document"]["status_label"] == "已发布"
    clauses = {c["id"]: c for c in body["clauses"]}
    assert list(clauses) == ["1-1", "2-1", "3-1"]
    first = clauses["1-1"]
    assert (first["article"], first["title"]) == ("第1条", "营业收入奖励")
    assert first["text"] == "营业收入达到1000万元及以上的企业，一次性奖励30万元。"
    assert first["rule"] == "when: {field: revenue, ge: 1000}\nbenefit: {fixed: 30}\n"
    assert "id: test-xiangtan-2024" in body["yaml"]


@pytest.mark.parametrize(
    ("path", "who", "status", "code", "message"),
    [
        # another county's document: refused as the other county-scoped routes refuse
        (
            f"/policy/documents/{DOC_OTHER}",
            "county1",
            403,
            "forbidden",
            f"县区用户只能查看适用于本县区的政策文件（请求的文件适用于 {OTHER}）",
        ),
        (
            f"/policy/payout/{DOC_OTHER}",
            "county1",
            403,
            "forbidden",
            f"县区用户只能查看适用于本县区的政策文件（请求的文件适用于 {OTHER}）",
        ),
        (
            f"/policy/payout/{DOC_OTHER}.xlsx",
            "county1",
            403,
            "forbidden",
            f"县区用户只能查看适用于本县区的政策文件（请求的文件适用于 {OTHER}）",
        ),
        (
            f"/policy/effect?document={DOC_OTHER}",
            "county1",
            403,
            "forbidden",
            f"县区用户只能查看适用于本县区的政策文件（请求的文件适用于 {OTHER}）",
        ),
        (f"/policy/documents/{DOC}", "county2", 403, "forbidden", None),
        ("/policy/documents/no-such-document", "admin1", 404, "not_found", None),
    ],
)
def test_refusals(
    api: Api, path: str, who: str, status: int, code: str, message: str | None
) -> None:
    r = api.get(path, who)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    if message:
        assert r.json()["error"]["message"] == message


def test_not_logged_in_and_bad_ids(api: Api) -> None:
    assert api.client.get("/api/policy/documents").status_code == 401
    assert api.client.post("/api/policy/check", json={"credit_code": A}).status_code == 401
    r = api.get("/policy/documents/Not%20An%20Id", "admin1")
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


# ------------------------------------------------------------------------- calculator
# firm: clause → (status, amount_min, amount_max, missing)
EXPECTED: dict[str, dict[str, tuple[str, float | None, float | None, list[str]]]] = {
    # A: 营业收入 2000 ≥ 1000 → 30; 研发 100 / 2000 = 0.05 ≥ 0.03 → 100 × 10% = 10 (≤ 50);
    #    职工 150 ≥ 100 → 150 × 0.02 = 3
    A: {
        "1-1": ("符合", 30.0, 30.0, []),
        "2-1": ("符合", 10.0, 10.0, []),
        "3-1": ("符合", 3.0, 3.0, []),
    },
    # B: 999 < 1000 不符合; 研发费用 missing → 可能符合, amount 0 … cap 50; 99 < 100 不符合
    B: {
        "1-1": ("不符合", None, None, []),
        "2-1": ("可能符合", 0.0, 50.0, ["rd_expenditure"]),
        "3-1": ("不符合", None, None, []),
    },
    # C: 1000 = 1000 符合 → 30; 30 / 1000 = 0.03 = 0.03 符合 → 30 × 10% = 3;
    #    职工 missing → 可能符合, 0 … no cap (None)
    C: {
        "1-1": ("符合", 30.0, 30.0, []),
        "2-1": ("符合", 3.0, 3.0, []),
        "3-1": ("可能符合", 0.0, None, ["employees"]),
    },
}


def _by_clause(
    body: dict[str, Any],
) -> dict[str, tuple[str, float | None, float | None, list[str]]]:
    return {
        r["clause"]: (r["status"], r["amount_min"], r["amount_max"], r["missing"])
        for r in body["rows"]
        if r["document"] == DOC
    }


@pytest.mark.parametrize("firm", [A, B, C])
@pytest.mark.parametrize("who", ["county1", "analyst1"])
def test_calculator_by_credit_code(api: Api, firm: str, who: str) -> None:
    r = api.post("/policy/check", who, {"credit_code": firm, "on": ON, "documents": [DOC]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert _by_clause(body) == EXPECTED[firm]
    assert body["subject"] == firm
    rows = [x for x in body["rows"] if x["document"] == DOC]
    assert {x["document_title"] for x in rows} == {"湘潭县支持制造业发展的若干措施（测试）"}
    assert [x["clause_title"] for x in rows if x["clause"] == "1-1"] == ["营业收入奖励"]
    # rows sorted 符合, 可能符合, 不符合
    order = [("符合", "可能符合", "不符合").index(x["status"]) for x in rows]
    assert order == sorted(order)
    assert all(x["reason"] for x in rows)


def test_calculator_totals_of_firm_a(api: Api) -> None:
    body = api.post(
        "/policy/check", "county1", {"credit_code": A, "on": ON, "documents": [DOC]}
    ).json()
    assert body["counts"] == {"符合": 3, "可能符合": 0, "不符合": 0}
    assert (body["amount_min_total"], body["amount_max_total"]) == (43.0, 43.0)  # 30 + 10 + 3


def test_calculator_form(api: Api) -> None:
    # a firm described by a form: 1000 ≥ 1000 → 30; 30 / 1000 = 0.03 → 3; 100 × 0.02 = 2
    values = {"revenue": "1000", "rd_expenditure": "30", "employees": "100"}
    r = api.post("/policy/check", "county1", {"values": values, "on": ON, "documents": [DOC]})
    assert r.status_code == 200, r.text
    assert _by_clause(r.json()) == {
        "1-1": ("符合", 30.0, 30.0, []),
        "2-1": ("符合", 3.0, 3.0, []),
        "3-1": ("符合", 2.0, 2.0, []),
    }
    # the form's fields are those the clauses read
    fields = api.get("/policy/fields", "county1", params={"subject": "firm"}).json()["fields"]
    labels = {f["key"]: (f["label"], f["unit"], f["type"]) for f in fields}
    assert {k: labels[k] for k in ("revenue", "rd_expenditure", "employees")} == {
        "revenue": ("营业收入", "万元", "double"),
        "rd_expenditure": ("研发费用", "万元", "double"),
        "employees": ("年平均职工人数", "人", "integer"),
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 博士 ≥ 硕士 and 30 ≤ 35: 2 万元
        ({"education": "博士", "age": "30"}, ("符合", 2.0, 2.0, [])),
        # 硕士 and 35 = 35 (edge): 2 万元
        ({"education": "硕士", "age": "35"}, ("符合", 2.0, 2.0, [])),
        # 36 > 35
        ({"education": "硕士", "age": "36"}, ("不符合", None, None, [])),
        # 本科 < 硕士, the age does not matter
        ({"education": "本科"}, ("不符合", None, None, [])),
        # 硕士, age unknown: 可能符合, the fixed amount
        ({"education": "硕士"}, ("可能符合", 2.0, 2.0, ["age"])),
    ],
)
def test_calculator_person_view(
    api: Api, values: dict[str, str], expected: tuple[Any, ...]
) -> None:
    body = {"values": values, "subject": "person", "on": ON, "documents": [TALENT]}
    r = api.post("/policy/check", "county1", body)
    assert r.status_code == 200, r.text
    rows = [
        (x["status"], x["amount_min"], x["amount_max"], x["missing"])
        for x in r.json()["rows"]
        if x["document"] == TALENT
    ]
    assert rows == [expected]
    # the person view never shows firm documents
    assert {x["document"] for x in r.json()["rows"]} == {TALENT}


def test_county_account_cannot_look_up_another_countys_firm(api: Api) -> None:
    # 长沙县's firm and a code nobody has: the same 404, nothing about the firm
    unknown = _credit(OWN, 99_999)
    for code in (D, unknown):
        r = api.post("/policy/check", "county1", {"credit_code": code, "on": ON})
        assert r.status_code == 404, r.text
        assert r.json()["error"] == {
            "code": "not_found",
            "message": f"本县区没有信用代码为 {code} 的企业",
        }
    # 长沙县's own account sees its firm and document
    r = api.post("/policy/check", "county2", {"credit_code": D, "on": ON, "documents": [DOC_OTHER]})
    assert r.status_code == 200, r.text
    assert {x["document"] for x in r.json()["rows"]} == {DOC_OTHER}
    # a county account's form never reaches another county's document
    values = {"revenue": "5000", "rd_expenditure": "500", "employees": "300"}
    r = api.post("/policy/check", "county1", {"values": values, "on": ON})
    assert r.status_code == 200, r.text
    assert DOC_OTHER not in {x["document"] for x in r.json()["rows"]}


def test_calculator_needs_a_subject(api: Api) -> None:
    r = api.post("/policy/check", "county1", {"on": ON})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "请输入统一社会信用代码，或填写表单中的数据"
    r = api.post("/policy/check", "county1", {"credit_code": "123"})
    assert r.status_code == 422


# ------------------------------------------------------------------------- payout
def test_payout_list_and_workbook(api: Api) -> None:
    import openpyxl

    r = api.get(f"/policy/payout/{DOC}", "county1")
    assert r.status_code == 200, r.text
    body = r.json()
    # budget 100 万元; demand of the 符合 clauses: A 30 + 10 + 3, C 30 + 3 = 76
    assert (body["budget"], body["demand"]) == (100.0, 76.0)
    rows = pd.DataFrame(body["rows"])
    assert set(rows["credit_code"]) <= {A, B, C}
    before = _audit(api, "export")
    x = api.get(f"/policy/payout/{DOC}.xlsx", "county1")
    assert x.status_code == 200, x.text
    book = openpyxl.load_workbook(io.BytesIO(x.content))
    assert book.sheetnames[:2] == ["兑现名单", "推送名单"]
    after = _audit(api, "export")
    assert after[len(before) :] == [
        (
            "county1",
            f"firms:payout-{DOC}:{OWN}",
            {
                "kind": "firms",
                "format": "xlsx",
                "county": OWN,
                "rows": len(rows),
                "analysis": f"payout-{DOC}",
                "via": "api",
            },
        )
    ]


# ------------------------------------------------------------------------- drafts
def test_drafts_publish_and_retire_by_editors_only(api: Api) -> None:
    # 湘潭县 cannot draft for 长沙县, nor publish or retire 长沙县's document
    r = api.post("/policy/drafts", "county1", {"yaml": document_yaml("test-intrusion", OTHER)})
    assert r.status_code == 403
    assert r.json()["error"]["message"] == (
        f"县区用户只能起草、发布或废止本县区的政策文件（该文件适用于 {OTHER}）"
    )
    for action in ("publish", "retire"):
        r = api.post(f"/policy/documents/{DOC_OTHER}/{action}", "county1", {"on": "2025-01-01"})
        assert r.status_code == 403, r.text
    # nor overwrite 长沙县's document by reusing its id with its own region
    r = api.post("/policy/drafts", "county1", {"yaml": document_yaml(DOC_OTHER, OWN)})
    assert r.status_code == 403
    # its own county's draft: saved, listed for it (status draft), not for 长沙县
    r = api.post("/policy/drafts", "county1", {"yaml": document_yaml("test-xiangtan-draft", OWN)})
    assert r.status_code == 201, r.text
    drafts = api.get("/policy/documents", "county1", params={"status": "all"}).json()["items"]
    assert "test-xiangtan-draft" in {d["id"] for d in drafts}
    drafts = api.get("/policy/documents", "county2", params={"status": "all"}).json()["items"]
    assert "test-xiangtan-draft" not in {d["id"] for d in drafts}
    r = api.get("/policy/documents/test-xiangtan-draft", "county2")
    assert r.status_code == 403
    # a draft is not published: the calculator does not use it
    r = api.post("/policy/check", "county1", {"credit_code": A, "on": ON})
    assert "test-xiangtan-draft" not in {x["document"] for x in r.json()["rows"]}
    # the audit log: the fixture's analyst draft and publish, then 湘潭县's draft
    assert ("analyst1", f"policy:{DOC}", {"via": "api"}) in _audit(api, "policy_draft")
    assert ("analyst1", f"policy:{DOC}", {"on": "2024-01-01", "via": "api"}) in _audit(
        api, "policy_publish"
    )
    assert _audit(api, "policy_draft")[-1] == (
        "county1",
        "policy:test-xiangtan-draft",
        {"via": "api"},
    )


def test_invalid_draft_is_a_chinese_error(api: Api) -> None:
    r = api.post("/policy/drafts", "analyst1", {"yaml": "document: [unclosed"})
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith("政策文件的 YAML 无法解析")
    r = api.post("/policy/drafts", "analyst1", {"yaml": "clauses: []"})
    assert r.status_code == 400
    assert "document" in r.json()["error"]["message"]


# ------------------------------------------------------------------------- effect
def test_effect_indicators_of_the_county(api: Api) -> None:
    r = api.get("/policy/effect", "county1")
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert [x["document"] for x in rows] == [DOC]  # not 长沙县's document
    row = rows[0]
    # eligible A, C; notified A, B, C; paid A; 知晓 among the notified: A, B
    assert {k: row[k] for k in ("period", "eligible", "notified", "applied", "paid", "aware")} == {
        "period": "2024",
        "eligible": 2,
        "notified": 3,
        "applied": 0,
        "paid": 1,
        "aware": 2,
    }
    assert row["知晓率"] == pytest.approx(2 / 3)
    assert row["兑现率"] == pytest.approx(1 / 2)
    assert row["兑现金额率"] == pytest.approx(43 / 76)  # paid 43 of eligible 43 + 33
    assert row["满意度"] == pytest.approx((5 + 3) / 2)  # A 5, B 3
    both = api.get("/policy/effect", "analyst1").json()["rows"]
    assert {x["document"] for x in both} == {DOC, DOC_OTHER}


# ------------------------------------------------------------------------- extractor
def test_extractor_proposes_clauses_with_their_sentences(api: Api) -> None:
    text = (
        "第一条 对营业收入达到1000万元及以上的企业，一次性奖励30万元。\n"
        "第二条 研发费用占营业收入比重不低于3%的，按研发费用的10%给予补助，最高50万元。"
    )
    r = api.post("/policy/extract", "county1", {"text": text})
    assert r.status_code == 200, r.text
    body = r.json()
    first = body["proposals"][0]
    assert (first["article"], first["text"]) == (
        "第1条",
        "对营业收入达到1000万元及以上的企业，一次性奖励30万元。",
    )
    assert "fixed: 30" in first["rule"]
    assert {(i["kind"], i["phrase"], i["value"]) for i in first["items"]} >= {
        ("threshold", "1000万元", 1000.0),
        ("amount", "30万元", 30.0),
    }
    assert "clauses:" in body["yaml"]
    # empty text: a Chinese sentence
    r = api.post("/policy/extract", "county1", {"text": "  "})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "请粘贴政策原文（文本为空）"


# ------------------------------------------------------------------------- personal data
def test_person_payout_masked_for_analysts(api: Api) -> None:
    own = api.get(f"/policy/payout/{TALENT}", "county1")
    assert own.status_code == 200, own.text
    rows = own.json()["rows"]
    # 张三 (博士, 30) 符合 2 万元; 李四 (45) 不符合 is not listed; 王五 is of 长沙县
    assert [(r["person_id"], r["status"], r["amount_max"]) for r in rows] == [
        ("430321199501011234", "符合", 2.0)
    ]
    masked = api.get(f"/policy/payout/{TALENT}", "analyst1").json()["rows"]
    # the analyst: the same person (王五 is outside the document's region 湘潭县), the number
    # masked (first 3 and last 4 characters kept)
    assert [r["person_id"] for r in masked] == ["430***********1234"]
    assert all(r.get("name") in (None,) or "*" in r["name"] for r in masked)
    x = api.get(f"/policy/payout/{TALENT}.xlsx", "analyst1")
    assert x.status_code == 200
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(x.content))
    cells = {str(c.value) for row in book["兑现名单"].iter_rows() for c in row}
    assert "430321199501011234" not in cells and "430***********1234" in cells
