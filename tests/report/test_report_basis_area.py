"""The county report names the evaluation's 评价范围 and shows the county-basis (县域口径) rank
line; the provincial summary lists the 县域口径 ranking; the method appendix explains the basis,
the typicality rule of the county types and the spatial weights (small warehouse, 示例数据)."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from fixtures.warehouse import EVALUATION, SmallWarehouse
from xinzhi import store
from xinzhi.pipelines.report import county_report_data, province_report_data
from xinzhi.pipelines.report_context import load_report_context
from xinzhi.pipelines.report_sections import method_entries
from xinzhi.report import render_html, render_province_html
from xinzhi.report.methods import formulas

COUNTY = "430321"  # 湘潭县, a 县: its basis is 县域口径
DISTRICT = "320508"  # 姑苏区, the only 市辖区 of the small warehouse in 2020


@pytest.fixture(scope="module")
def ctx(small_warehouse: SmallWarehouse, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("basis-area") / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    return load_report_context(db=db, evaluation=EVALUATION)


def _stored(db: Path) -> dict[str, float]:
    con = store.connect(db, read_only=True)
    try:
        s = con.execute(
            "SELECT region_code, score FROM evaluation_scores WHERE name = ? AND year = 2020",
            [EVALUATION],
        ).fetchall()
    finally:
        con.close()
    return {str(c): float(v) for c, v in s}


def test_county_report_shows_basis_rank_and_area(ctx) -> None:  # type: ignore[no-untyped-def]
    scores = _stored(ctx.db)
    assert len(scores) == 12  # 2020: 12 units
    own = scores[COUNTY]
    # by hand: 县域口径 = the 2020 units without the 市辖区 姑苏区 → 11 units;
    # rank = 1 + #{units of the basis with a higher score}; province: codes 43…
    basis = {c: v for c, v in scores.items() if c != DISTRICT}
    rank = 1 + sum(v > own for v in basis.values())
    prov = 1 + sum(v > own for c, v in basis.items() if c.startswith("43"))
    rank_all = 1 + sum(v > own for v in scores.values())
    rep = county_report_data(COUNTY, year=2020, context=ctx)
    expected = f"排名 {rank}/11，省内 {prov}；全部县级单位（含市辖区）排名 {rank_all}/12"
    assert rep.basis_line.startswith("县域口径"), rep.basis_line
    assert rep.basis_line.endswith(expected), (rep.basis_line, expected)
    page = html.unescape(render_html(rep))
    assert expected in page
    assert "评价范围</b>：全国" in page  # the evaluation was stored without a scope


def test_province_report_lists_the_county_basis(ctx) -> None:  # type: ignore[no-untyped-def]
    p = province_report_data("32", 2020, context=ctx)
    # 江苏 in 2020: 姑苏区 (市辖区), 张家港市, 昆山市 → the 县域 list has the two 县级市
    assert sorted(p.county_ranking["region_code"]) == ["320582", "320583"]
    assert sorted(p.county_ranking["province_rank"]) == [1, 2]
    page = html.unescape(render_province_html(p))
    assert "县域口径排名" in page and "评价范围：全国" in page
    assert DISTRICT in page  # still in the all-unit list


def test_method_appendix_explains_basis_types_and_weights(ctx) -> None:  # type: ignore[no-untyped-def]
    text = {f["key"]: f["text"] for f in formulas()}
    assert "不含市辖区；" in text["rank"] and "默认取所看县的口径" in text["rank"]
    assert "μ = 1/(1 + e^(−3·log2(x/θ)))" in text["types"]
    assert "< 0.05 时归为多元复合型" in text["types"]
    for word in ("k 近邻", "反距离", "经济距离", "经济地理嵌套", "矩阵文件", "行标准化"):
        assert word in text["disparity:weights"], word
    rep = county_report_data(COUNTY, year=2020, context=ctx)
    page = html.unescape(render_html(rep))
    assert text["rank"] in page and text["types"] in page
    # the weights are explained only when an analysis that takes them is in the report
    keys = [m.formula for m in method_entries({}, {"moran": {}})]
    assert "disparity:weights" in keys and "disparity:moran" in keys
    assert "disparity:weights" not in [m.formula for m in method_entries({})]
