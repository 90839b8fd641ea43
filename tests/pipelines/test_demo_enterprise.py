"""The demo's enterprise step: a synthetic registry of 湘潭县 (示例数据), its 亩均 classes with
the default preset (淮安 2024: A 20 % / B 40 % / C 35 % / D 5 % of the rated firms of each list)
and the workbook, labelled 示例数据 everywhere."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import openpyxl
import pytest

from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines.demo import DEMO_FIRMS, DemoContext, _enterprise_step


@pytest.fixture(scope="module")
def step(public_warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("demo-enterprise")
    db = folder / "xinzhi.duckdb"
    shutil.copy(public_warehouse, db)
    out = folder / "out"
    out.mkdir()
    return _enterprise_step(DemoContext(db, data_dir, out))


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
