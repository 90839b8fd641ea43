"""Reference counties typed with the real 2020 census (tudigong) and GHSL data."""

from __future__ import annotations

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


def test_every_county_typed_or_unclassified(result: typology.TypologyResult) -> None:
    t = result.tidy()
    assert len(t) == 2990
    assert t["primary_type"].isin([*result.matched.columns, typology.UNCLASSIFIED]).all()
    assert (t["evidence"].str.len() > 10).all()
    unc = t[t["primary_type"] == typology.UNCLASSIFIED]
    assert len(unc) == 445  # recorded 2026-12-04 (15% of the 2990 units of the 2020 census)
    assert unc["evidence"].str.startswith("未满足任何类型规则").all()
    assert "应用场景创新型" in result.inactive
    assert "需用户数据" in result.summary()


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
    cc = typology.cluster_check(result, feats, seed=0, n_init=3)
    assert int(cc.contingency.to_numpy().sum()) == len(cc.labels)
    # positive but partial agreement of rules and k-means (own k-means, seed 0, n_init 3;
    # recorded 2026-12-04)
    assert cc.adjusted_rand == pytest.approx(0.3873778879074575, abs=1e-9)
    assert cc.k == result.tidy()["primary_type"].nunique()
    assert "调整兰德指数" in cc.summary()
