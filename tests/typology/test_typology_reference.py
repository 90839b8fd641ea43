"""Reference counties typed with the real 2020 census (tudigong) and GHSL data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from xinzhi import typology

# Reference set (justification in docs/typology.md):
REFERENCE = {
    "610881": "资源能源开发型",  # 神木市: coal "千亿县" named in article 002
    "150622": "资源能源开发型",  # 准格尔旗: coal/coal chemicals, named in article 002
    "320583": "新型工业化主导型",  # 昆山市: electronics manufacturing
    "331081": "新型工业化主导型",  # 温岭市: pumps, motors, footwear
    "450321": "文旅融合主导型",  # 阳朔县: Guilin landscape tourism
    "110101": "都市融合型",  # 东城区: central Beijing district
    "230230": "农产品加工转化型",  # 克东县: grain + dairy processing base
    "230127": "富民产业引领型",  # 木兰县: grain county with little industry
    "632726": "生态价值转化型",  # 曲麻莱县: Sanjiangyuan national park
}


@pytest.fixture(scope="module")
def feats(tudigong_tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    census, ghsl, units = tudigong_tables
    f = typology.build_features(census, ghsl, units)
    return f.merge(census[["region_code", "name"]], on="region_code")


@pytest.fixture(scope="module")
def result(feats: pd.DataFrame) -> typology.TypologyResult:
    return typology.classify(feats)


def test_reference_counties(result: typology.TypologyResult) -> None:
    t = result.tidy().set_index("region_code")
    got = t.loc[list(REFERENCE), "primary_type"].to_dict()
    assert got == REFERENCE
    assert t.loc["320583", "secondary_type"] == "都市融合型"
    assert t.loc["450321", "secondary_type"] == "富民产业引领型"
    assert t.loc["610881", "evidence"] == "主类型依据：采矿业与电力热力燃气水合计区位熵 13.90 ≥ 2.5"
    assert "制造业区位熵 2.84 ≥ 1.5" in t.loc["320583", "evidence"]


def test_national_shares_literal(
    tudigong_tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    nat = typology.national_shares(tudigong_tables[0], ["A", "C"])
    assert nat["emp_sec_C"] == pytest.approx(0.1701, abs=5e-5)
    assert nat["emp_sec_A"] == pytest.approx(0.2071, abs=5e-5)


def test_rules_alone_leave_some_unclassified(feats: pd.DataFrame) -> None:
    res = typology.classify(feats, assign_nearest=False)
    t = res.tidy()
    assert len(t) == 2990
    assert t["primary_type"].isin([*res.matched.columns, typology.UNCLASSIFIED]).all()
    assert (t["evidence"].str.len() > 10).all()
    unc = t[t["primary_type"] == typology.UNCLASSIFIED]
    assert len(unc) == 445  # recorded 2026-12-04 (15% of the 2990 units of the 2020 census)
    assert unc["evidence"].str.startswith("未满足任何类型规则").all()
    assert "应用场景创新型" in res.inactive
    assert "需用户数据" in res.summary()


def test_every_unit_with_census_data_is_typed(result: typology.TypologyResult) -> None:
    t = result.tidy().set_index("region_code")
    unc = t[t["primary_type"] == typology.UNCLASSIFIED]
    # only the four units the 2020 census has no employment data for remain 未归类:
    # 金门县 and the three 三沙 island offices
    assert sorted(unc.index) == ["350527", "460301", "460302", "460303"]
    assert "缺少数据" in " ".join(unc["evidence"])
    basis = t["type_basis"].value_counts().to_dict()
    # 2545 rule-typed (2990 − 445), 445 − 4 assigned by typicality
    assert basis["规则"] == 2990 - 445
    assert basis["最接近"] + basis["复合"] == 445 - 4
    assert (t.loc[t["type_basis"] == "复合", "margin"] < typology.MIXED_MARGIN).all()
    assert (t.loc[t["type_basis"] == "最接近", "margin"] >= typology.MIXED_MARGIN).all()


def _mu(ratio: float) -> float:
    """Membership of a ≥ condition at value/threshold = ratio (docs/typology.md)."""
    return 1 / (1 + math.exp(-3 * math.log2(ratio)))


def test_typicality_of_three_counties_by_hand(
    feats: pd.DataFrame, result: typology.TypologyResult
) -> None:
    f = feats.set_index("region_code")
    T = result.typicality
    t = result.tidy().set_index("region_code")

    # 湘潭县 430321: lq_A 1.1067, lq_C 0.8395, lq_HR 1.1282 — meets no rule
    x = f.loc["430321"]
    assert (x["lq_A"], x["lq_C"], x["lq_HR"]) == pytest.approx(
        (1.10666, 0.83955, 1.12820), abs=5e-6
    )
    # 农产品加工 = min(μ(1.10666/1.2), μ(0.83955/0.5)) = min(0.4133, 0.9066) = 0.4133
    assert T.loc["430321", "农产品加工转化型"] == pytest.approx(
        min(_mu(1.10666 / 1.2), _mu(0.83955 / 0.5)), abs=2e-5
    )
    assert T.loc["430321", "农产品加工转化型"] == pytest.approx(0.4133, abs=5e-5)
    # 文旅 = μ(1.12820/1.4) = 0.2821
    assert T.loc["430321", "文旅融合主导型"] == pytest.approx(_mu(1.12820 / 1.4), abs=2e-5)
    assert T.loc["430321", "文旅融合主导型"] == pytest.approx(0.2821, abs=5e-5)
    # margin 0.4133 − 0.2821 = 0.1312 ≥ 0.05: the nearest type, not mixed
    assert t.loc["430321", "primary_type"] == "农产品加工转化型"
    assert t.loc["430321", "type_basis"] == "最接近"
    assert t.loc["430321", "margin"] == pytest.approx(0.4133 - 0.2821, abs=1e-4)
    assert t.loc["430321", "evidence"].startswith(
        "未满足任何类型规则，按典型度归入最接近的类型：与“农产品加工转化型”最接近（典型度 0.41，"
        "比第二位“文旅融合主导型” 0.28 高 0.13）：农林牧渔业区位熵 1.11 低于阈值 1.2（未满足），"
        "制造业区位熵 0.84 高于阈值 0.5（满足）"
    )

    # 阳朔县 450321: rule type 文旅 (lq_HR 1.5502 ≥ 1.4); 富民 (lq_A 2.4475 ≥ 1.5, lq_C 0.2510
    # < 0.5) is more typical but comes later in the priority order
    x = f.loc["450321"]
    assert (x["lq_A"], x["lq_C"], x["lq_HR"]) == pytest.approx(
        (2.44749, 0.25104, 1.55017), abs=5e-6
    )
    assert T.loc["450321", "文旅融合主导型"] == pytest.approx(_mu(1.55017 / 1.4), abs=2e-5)
    assert T.loc["450321", "文旅融合主导型"] == pytest.approx(0.6085, abs=5e-5)
    # 富民 = min(μ(2.44749/1.5), μ(0.5/0.25104)) = min(0.8927, 0.9487) = 0.8927
    assert T.loc["450321", "富民产业引领型"] == pytest.approx(
        min(_mu(2.44749 / 1.5), _mu(0.5 / 0.25104)), abs=2e-5
    )
    assert T.loc["450321", "富民产业引领型"] == pytest.approx(0.8927, abs=5e-5)
    assert t.loc["450321", "type_basis"] == "规则"
    assert t.loc["450321", "margin"] == pytest.approx(0.6085 - 0.8927, abs=1e-4)

    # 涞水县 130623: 富民 = min(μ(1.40698/1.5), μ(0.5/0.44741)) = min(0.4312, 0.6154) = 0.4312;
    # 农产品加工 = min(μ(1.40698/1.2), μ(0.44741/0.5)) = min(0.7982, 0.3820) = 0.3820;
    # margin 0.4312 − 0.3820 = 0.0492 < 0.05 → 多元复合型
    x = f.loc["130623"]
    assert (x["lq_A"], x["lq_C"]) == pytest.approx((1.40698, 0.44741), abs=5e-6)
    fm = min(_mu(1.40698 / 1.5), _mu(0.5 / 0.44741))
    ag = min(_mu(1.40698 / 1.2), _mu(0.44741 / 0.5))
    assert T.loc["130623", "富民产业引领型"] == pytest.approx(fm, abs=2e-5)
    assert T.loc["130623", "农产品加工转化型"] == pytest.approx(ag, abs=2e-5)
    assert (fm, ag) == pytest.approx((0.4312, 0.3820), abs=5e-5)
    assert t.loc["130623", "primary_type"] == typology.MIXED
    assert t.loc["130623", "secondary_type"] == "富民产业引领型、农产品加工转化型"
    assert t.loc["130623", "margin"] == pytest.approx(fm - ag, abs=5e-5)


def test_raising_threshold_reduces_industrial(
    feats: pd.DataFrame, result: typology.TypologyResult
) -> None:
    before = int(result.matched["新型工业化主导型"].sum())
    stricter = typology.load_rules().with_threshold("new_industrialisation", "lq_C", 2.0)
    after = int(typology.classify(feats, stricter).matched["新型工业化主导型"].sum())
    assert before == 369  # counties with manufacturing LQ ≥ 1.5 (documented)
    assert after == 176  # with LQ ≥ 2.0 (recorded 2026-12-04)


def test_cluster_check_agrees_positively(
    feats: pd.DataFrame, result: typology.TypologyResult
) -> None:
    rules_only = typology.classify(feats, assign_nearest=False)
    cc = typology.cluster_check(rules_only, feats, seed=0, n_init=3)
    assert int(cc.contingency.to_numpy().sum()) == len(cc.labels)
    # positive but partial agreement of rules and k-means (own k-means, seed 0, n_init 3;
    # recorded 2026-12-04)
    assert cc.adjusted_rand == pytest.approx(0.3873778879074575, abs=1e-9)
    assert cc.k == rules_only.tidy()["primary_type"].nunique()
    full = typology.cluster_check(result, feats, seed=0, n_init=3)
    assert int(full.contingency.to_numpy().sum()) == len(full.labels) == 2990 - 4
    assert "调整兰德指数" in cc.summary()
