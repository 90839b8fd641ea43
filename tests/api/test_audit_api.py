"""The declared audit (``GET /api/analyses/audit``, :mod:`xinzhi.registry.audit`) on the public
warehouse of the API tests: structure, the reference ranks of a stored one-year evaluation, the
bound on the Monte Carlo sample (checked before any work) and the note on a pooled evaluation.

Values worked out without the audit code: an evaluation stored for one year Y ranks its counties
on the cross-section of Y, which is exactly what the audit re-computes as its reference — so
column ``rank`` of the rank intervals must be the stored rank of each county, and the interval
must contain 1 ≤ p05 ≤ median ≤ p95 ≤ (number of counties). A complete cross-section (the
evaluation scores only counties with every indicator) has no missing cell, so imputation is not
a choice: the Sobol table lists normalisation, weighting, aggregation and the perturbation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from api_helpers import Api

from xinzhi.pipelines.stored import stored_scores

BAD = "请求参数无效（validation error）："
TABLES = [
    "指标统计",
    "相关系数",
    "指标与维度相关",
    "克朗巴赫系数",
    "主成分",
    "有效贡献",
    "排名区间",
    "敏感性指数",
]


@pytest.fixture(scope="module")
def cursor(api: Api) -> Iterator[Any]:
    cur = api.client.app.state.db.cursor()  # type: ignore[attr-defined]
    yield cur
    cur.close()


@pytest.fixture(scope="module")
def one_year(api: Api, cursor: Any) -> int:
    """Store ``audit-one-year``: the default evaluation of the latest year of ``demo`` only."""
    year = int(stored_scores(cursor, "demo")["year"].max())
    r = api.client.post(
        "/api/evaluations",
        json={"save_as": "audit-one-year", "years": [year]},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 201, r.text
    return year


def test_audit_of_a_one_year_evaluation_keeps_its_ranks(
    api: Api, cursor: Any, one_year: int
) -> None:
    params = {"evaluation": "audit-one-year", "n": 32}
    r = api.client.get("/api/analyses/audit", params=params, headers=api.h("county1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body["tables"]) == TABLES
    ri = pd.DataFrame(body["tables"]["排名区间"])
    assert list(ri.columns) == [
        "unit",
        "rank",
        "rank_median",
        "rank_p05",
        "rank_p95",
        "rank_min",
        "rank_max",
    ]
    stored = stored_scores(cursor, "audit-one-year")
    want = stored.set_index("region_code")["rank"].astype(int).to_dict()
    assert {str(u): int(k) for u, k in zip(ri["unit"], ri["rank"], strict=True)} == want
    m = len(want)
    assert (ri["rank_p05"] >= 1).all() and (ri["rank_p95"] <= m).all()
    assert (ri["rank_p05"] <= ri["rank_median"]).all()
    assert (ri["rank_median"] <= ri["rank_p95"]).all()
    sens = pd.DataFrame(body["tables"]["敏感性指数"])
    assert sens["choice"].tolist() == ["normalization", "weights", "aggregate", "perturbation"]
    assert not any("混合测度" in n for n in body["notes"])


def test_audit_of_a_pooled_evaluation_says_so(api: Api) -> None:
    r = api.client.get(
        "/api/analyses/audit",
        params={"evaluation": "demo", "uncertainty": "false"},
        headers=api.h("county1"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body["tables"]) == TABLES[:6]  # no Monte Carlo: the statistics only
    assert any("混合测度" in n and "基准排名可能与已存排名略有不同" in n for n in body["notes"])


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        # the declared bounds are in the OpenAPI schema: FastAPI refuses before the route runs
        ({"n": 2001}, 422, f"{BAD}n：Input should be less than or equal to 2000"),
        ({"n": 1}, 422, f"{BAD}n：Input should be greater than or equal to 2"),
        ({"pct": 1}, 422, f"{BAD}pct：Input should be less than or equal to 0.99"),
        # comma lists: checked by the pipeline before the statistics start (400 invalid_input)
        ({"weightings": " , "}, 400, "选项 weightings（参与的赋权方法）至少要有一个取值"),
        (
            {"aggregations": "topsis,magic"},
            400,
            "选项 aggregations（参与的集结方法）含无效取值 magic；可选：weighted-sum、topsis、grey、"
            "geometric、harmonic、vikor、promethee",
        ),
    ],
)
def test_options_are_checked_before_any_work(
    api: Api, params: dict[str, Any], status: int, message: str
) -> None:
    r = api.client.get(
        "/api/analyses/audit", params={"evaluation": "demo", **params}, headers=api.h("county1")
    )
    assert r.status_code == status, r.text
    assert r.json()["error"]["message"] == message


def test_an_unknown_evaluation_is_named(api: Api) -> None:
    r = api.client.get(
        "/api/analyses/audit", params={"evaluation": "nope"}, headers=api.h("county1")
    )
    assert r.status_code == 404, r.text  # the route checks a stored evaluation's name first
    assert r.json()["error"]["message"] == "没有该名称的评价结果"


def test_the_pipeline_refuses_in_chinese_before_any_work() -> None:
    """A direct Python call validates like every surface (no connection is touched)."""
    from xinzhi import registry
    from xinzhi.errors import InputError

    with pytest.raises(InputError, match=r"^选项 n（蒙特卡洛样本数 N）不能大于 2000，收到 2001$"):
        registry.get("audit").run(None, evaluation="demo", n=2001)
    from xinzhi.pipelines.audit import audit_declared

    with pytest.raises(InputError, match=r"^选项 pct（权重扰动幅度 p）不能大于 0.99，收到 1$"):
        audit_declared(None, pct=1)  # type: ignore[arg-type]
