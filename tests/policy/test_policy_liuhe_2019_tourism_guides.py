"""《柳河县加快旅游业发展的若干意见》第15项 (导游奖励, a person subject) encoded as
``policies/liuhe-2019-tourism-guides.yaml``: each clause against a guide who just meets it (符合,
amount by hand), one who just fails it (不符合, the reason names the deciding condition) and one
with the deciding field NULL (可能符合, ``missing`` names it). All persons are 示例数据.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _clause_cases import (
    Case,
    case_id,
    clauses_not_verbatim,
    failed_misfits,
    met_misfits,
    missing_misfits,
)

from xinzhi.policy import builtin_documents, evaluate

DOC = "liuhe-2019-tourism-guides"
ON = dt.date(2020, 6, 30)


def _row(clause: str, values: dict[str, Any], region: str = "220524") -> pd.Series:
    persons = pd.DataFrame([{"person_id": "示例-0001", "region_code": region, **values}])
    tidy = evaluate([builtin_documents()[DOC]], persons, on=ON, key="person_id").tidy()
    return tidy.set_index("clause").loc[clause]


MID = {
    "guide_licence_level": "中级",
    "guide_groups": 30,
    "guide_visitors": 1000,
    "other_subsidy_received": False,
}
HIGH = {**MID, "guide_licence_level": "高级"}

# fmt: off
CASES = [
    # 3000 元/年 = 0.3 万元; 30 批次（含）and 1000 人次 exactly
    Case("15-1", MID, 0.3, "guide_groups", 29, "年规范带团 ≥ 30 批次"),
    Case("15-1", MID, 0.3, "guide_visitors", 999, "年带团 ≥ 1000 人次"),
    Case("15-1", MID, 0.3, "guide_licence_level", "初级", "持中级导游证"),
    Case("15-1", MID, 0.3, "other_subsidy_received", True, "未享受一事一议或其他部门财政补助"),
    # 5000 元/年 = 0.5 万元
    Case("15-2", HIGH, 0.5, "guide_licence_level", "中级", "持高级导游证"),
    Case("15-2", HIGH, 0.5, "guide_groups", 29, "年规范带团 ≥ 30 批次"),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_met(case: Case) -> None:
    r = _row(case.clause, case.meet)
    assert met_misfits(r, (case.amount, case.amount)) == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_just_failed(case: Case) -> None:
    r = _row(case.clause, {**case.meet, case.field: case.fail})
    assert failed_misfits(r, case.reason, ("amount_max",)) == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_missing_field(case: Case) -> None:
    r = _row(case.clause, {**case.meet, case.field: None})
    assert missing_misfits(r, case.field) == []


def test_every_clause_has_a_case() -> None:
    ids = [c.id for c in builtin_documents()[DOC].clauses]
    assert ids == ["15-1", "15-2"]
    assert {c.clause for c in CASES} == set(ids)


def test_guide_outside_the_county_gets_nothing() -> None:
    persons = pd.DataFrame([{"person_id": "示例-0002", "region_code": "220521", **HIGH}])
    tidy = evaluate([builtin_documents()[DOC]], persons, on=ON, key="person_id").tidy()
    assert len(tidy) == 0


def test_not_evaluated_for_firms() -> None:
    firms = pd.DataFrame([{"credit_code": "91220524MA0000005X", "region_code": "220524", **HIGH}])
    tidy = evaluate([builtin_documents()[DOC]], firms, on=ON).tidy()
    assert len(tidy) == 0


def test_clause_texts_are_verbatim(data_dir: Path) -> None:
    source = (data_dir / "text" / "policies_liuhe" / "lvyou.txt").read_text("utf-8")
    assert clauses_not_verbatim(builtin_documents()[DOC], source) == []
