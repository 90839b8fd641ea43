"""The demo's enterprise step: a synthetic registry of 湘潭县 (示例数据), its 亩均 classes with
the default preset (淮安 2024: A 20 % / B 40 % / C 35 % / D 5 % of the rated firms of each list)
and the workbook, labelled 示例数据 everywhere; then the policy step: synthetic policy facts and
the check of those firms against the two real documents of 湘潭县."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import openpyxl
import pytest

from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines.demo import (
    DEMO_FIRMS,
    DEMO_POLICY_DOCUMENTS,
    DEMO_STEPS,
    DemoContext,
    _enterprise_step,
    _policy_step,
    _talent_step,
)


@pytest.fixture(scope="module")
def step(public_warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("demo-enterprise")
    db = folder / "xinzhi.duckdb"
    shutil.copy(public_warehouse, db)
    out = folder / "out"
    out.mkdir()
    ctx = DemoContext(db, data_dir, out)
    ent = _enterprise_step(ctx)
    ent.policy = _policy_step(ctx)  # the demo's next step, on the same warehouse
    ent.talent = _talent_step(ctx)  # and the one after it
    return ent


def test_classes_follow_the_published_shares(step) -> None:
    res = step.result
    assert (res.county, res.preset.key, res.synthetic) == ("430321", "huaian", True)
    # every generated firm is in 湘潭县; closed ones (注销/吊销) are not in the frame
    assert 0 < len(res.table) <= DEMO_FIRMS
    assert set(res.table["region_code"]) == {"430321"}
    for row in res.class_counts().to_dict("records"):
        n = row["A"] + row["B"] + row["C"] + row["D"]  # rated firms of the list
        # boundaries floor(n·c/100 + 0.5) for cumulative shares 20, 60, 95 (ties aside)
        b = [math.floor(n * c / 100 + 0.5) for c in (20, 60, 95)]
        assert row["A"] >= b[0] and row["A"] + row["B"] >= b[1]
        assert row["total"] == n + row["T"]
    assert step.to_dict()["firms"] == len(res.table)


def test_workbook_has_one_sheet_per_list_and_says_synthetic(step) -> None:
    book = openpyxl.load_workbook(step.workbook)
    assert book.sheetnames[0] == "评价结果"
    assert {"园区汇总", "分类统计", "说明"} <= set(book.sheetnames)
    info = [tuple(r) for r in book["说明"].iter_rows(values_only=True)]
    assert ("数据性质", SYNTHETIC_NOTE) in info
    head = [c.value for c in book["评价结果"][1]]
    assert {"统一社会信用代码", "综合得分", "类别"} <= set(head)
    # the class column is coloured (one conditional format per class)
    assert len(book["评价结果"].conditional_formatting) >= 1
    assert "示例数据" in step.summary()


def test_policy_step_checks_the_county_against_its_real_documents(step) -> None:
    pol = step.policy
    t = pol.result.tidy()
    assert set(t["document"].astype(str)) == set(DEMO_POLICY_DOCUMENTS)
    assert set(t["credit_code"]).issubset(set(step.result.table["credit_code"]))
    counts = pol.counts()
    assert sum(counts.values()) == len(t) and counts["符合"] + counts["可能符合"] > 0
    meet = t[t["status"].astype(str) == "符合"]
    assert pol.amount() == pytest.approx(float(meet["amount_max"].fillna(0).sum()))
    # one line of counts and the amount, labelled 示例数据
    first = pol.summary().splitlines()[0]
    assert first.startswith("政策匹配（示例数据，湘潭县，2 个文件）：")
    assert f"符合 {counts['符合']} 条，可能符合 {counts['可能符合']} 条" in first
    assert f"符合金额合计 {pol.amount():,.2f} 万元" in first
    assert pol.to_dict()["synthetic"] is True and pol.result.synthetic
    # the workbook beside the demo's other outputs
    assert pol.workbook.parent == step.workbook.parent and pol.workbook.is_file()
    assert "示例数据" in pol.workbook.name
    titles = [s.title for s in DEMO_STEPS]
    # after 仓库, 指数, 县域前 20 and 亩均: the fifth step
    assert titles.index("政策匹配（免申即享；湘潭县 430321，示例数据）") == 4


def test_talent_step_base_and_catalogue(step) -> None:
    tal = step.talent
    # the generator's sizes for the demo county (generate_talent_base defaults)
    assert (tal.talents, tal.jobs) == (2000, 600)
    c = tal.result.catalogue
    assert set(c["region_code"]) == {"430321"} and tal.result.synthetic
    assert int(c["shortage"].sum()) == tal.to_dict()["shortage"]
    # ★ only on short occupations, 1–5
    assert c.loc[c["shortage"], "stars"].between(1, 5).all()
    assert (c.loc[~c["shortage"], "stars"] == 0).all()
    assert tal.summary().startswith("人才库（示例数据，湘潭县）：2000 名人才、600 个岗位；")
    wb = openpyxl.load_workbook(tal.workbook, read_only=True)
    first = wb[wb.sheetnames[0]]
    cells = [v for row in first.iter_rows(values_only=True) for v in row if v]
    assert any("湘潭县紧缺人才目录" in str(v) for v in cells)
    assert any("示例数据" in str(v) for v in cells)
    titles = [s.title for s in DEMO_STEPS]
    assert titles.index("人才库与紧缺人才目录（湘潭县 430321，示例数据）") == 5
