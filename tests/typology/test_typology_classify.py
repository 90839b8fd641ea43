"""Rule typology on small hand-built feature tables (no public data needed)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi import typology
from xinzhi.errors import ConfigError, InputError
from xinzhi.typology.classifier import condition_membership
from xinzhi.typology.rules import Condition


def _features() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["000001", "000002", "000003", "000004", "000005", "000006"],
            "lq_A": [0.3, 0.1, 2.5, 2.0, 1.0, np.nan],
            "lq_C": [0.8, 2.31, 0.2, 0.7, 1.0, 1.0],
            "lq_BD": [13.9, 3.0, 0.3, 0.4, 1.0, 1.0],
            "lq_HR": [0.9, 0.7, 1.6, 0.8, 1.0, 1.0],
            "pop_density": [72.0, 1900.0, 180.0, 120.0, 300.0, 300.0],
            "urban_centre_share": [0.5, 0.9, 0.0, 0.0, 0.2, 0.2],
            "admin_type": ["县级市", "市辖区", "县", "县", "县", "县"],
        }
    )


def _mu(ratio: float) -> float:
    """Membership of a ≥ condition at value/threshold = ratio (≤: threshold/value)."""
    return 1 / (1 + math.exp(-3 * math.log2(ratio)))


def test_priority_evidence_and_unclassified() -> None:
    res = typology.classify(_features(), assign_nearest=False)
    t = res.tidy().set_index("region_code")
    assert t.loc["000001", "primary_type"] == "资源能源开发型"
    assert t.loc["000001", "secondary_type"] == ""
    # matches resource (3.0 ≥ 2.5), industry and metro: priority order decides
    assert t.loc["000002", "primary_type"] == "资源能源开发型"
    assert t.loc["000002", "secondary_type"] == "新型工业化主导型"
    assert t.loc["000002", "matched_types"] == "资源能源开发型、新型工业化主导型、都市融合型"
    assert "次类型依据：制造业区位熵 2.31 ≥ 1.5" in t.loc["000002", "evidence"]
    assert t.loc["000003", "primary_type"] == "文旅融合主导型"
    assert t.loc["000003", "secondary_type"] == "富民产业引领型"
    assert t.loc["000004", "primary_type"] == "农产品加工转化型"
    assert t.loc["000005", "primary_type"] == typology.UNCLASSIFIED
    assert t.loc["000005", "evidence"].startswith(
        "未满足任何类型规则：采矿业与电力热力燃气水合计区位熵 1.00 < 2.5；制造业区位熵 1.00 < 1.5"
    )
    # a missing value never satisfies a condition and is named in the evidence
    assert t.loc["000006", "primary_type"] == typology.UNCLASSIFIED
    assert t.loc["000006", "evidence"].endswith("缺少数据：农林牧渔业区位熵")
    # types whose data are absent are reported, not silently dropped
    assert set(res.inactive) == {"应用场景创新型"}
    assert res.inactive["应用场景创新型"] == ["scene_pilot_count"]
    d = res.distribution().set_index("type")
    assert d.loc["资源能源开发型", "n_primary"] == 2
    assert d["n_primary"].sum() == 6


def test_membership_edges() -> None:
    # crossover at the threshold, 0.95 at twice it (log-odds 3), 0.05 at half; ≤ inverts
    df = pd.DataFrame({"x": [1.5, 1.5 * (1 - 1e-9), 1.5 * (1 + 1e-9), 3.0, 0.75, 0.0]})
    ge = condition_membership(df, Condition("x", ">=", 1.5))
    assert ge[0] == 0.5 and ge[1] < 0.5 < ge[2]
    assert ge[3] == pytest.approx(1 / (1 + math.exp(-3)))  # 0.9526
    assert ge[4] == pytest.approx(1 / (1 + math.exp(3)))  # 0.0474
    assert ge[5] == 0.0
    le = condition_membership(df, Condition("x", "<=", 1.5))
    assert le[3] == pytest.approx(1 / (1 + math.exp(3))) and le[5] == 1.0
    cat = pd.DataFrame({"admin_type": ["市辖区", "县", None]})
    assert condition_membership(cat, Condition("admin_type", "in", ["市辖区"])).tolist() == [
        1.0,
        0.0,
        0.0,
    ]


def test_nearest_and_mixed_types_by_hand() -> None:
    res = typology.classify(_features())
    t = res.tidy().set_index("region_code")
    T = res.typicality
    # 000005: lq_A = lq_C = lq_BD = lq_HR = 1.0, density 300, urban-centre share 0.2, a 县
    assert T.loc["000005", "资源能源开发型"] == pytest.approx(_mu(1.0 / 2.5))  # 0.0186
    assert T.loc["000005", "新型工业化主导型"] == pytest.approx(_mu(1.0 / 1.5))  # 0.1474
    assert T.loc["000005", "文旅融合主导型"] == pytest.approx(_mu(1.0 / 1.4))  # 0.1890
    # 都市: rule 1 needs 市辖区 (0); rule 2 = min(μ(0.2/0.8), μ(300/1500)) = μ(0.2)
    assert T.loc["000005", "都市融合型"] == pytest.approx(_mu(300 / 1500))  # 0.00094
    # 生态 (proxy): min(μ(25/300) for ≤ 25, μ(0.5/1.0) for lq_C < 0.5)
    assert T.loc["000005", "生态价值转化型"] == pytest.approx(_mu(25 / 300))
    # 农产品加工: min(μ(1.0/1.2) = 0.3124, μ(1.0/0.5) = 0.9526) = 0.3124
    assert T.loc["000005", "农产品加工转化型"] == pytest.approx(_mu(1.0 / 1.2))
    assert T.loc["000005", "农产品加工转化型"] == pytest.approx(0.31236, abs=1e-5)
    # 富民 (proxy): min(μ(1.0/1.5) = 0.1474, μ(0.5/1.0) = 0.0474) = 0.0474
    assert T.loc["000005", "富民产业引领型"] == pytest.approx(_mu(0.5))
    # nearest: 农产品加工 0.3124, then 文旅 0.1890: margin 0.1233 ≥ 0.05
    row = t.loc["000005"]
    assert (row["primary_type"], row["type_basis"], row["secondary_type"]) == (
        "农产品加工转化型",
        "最接近",
        "",
    )
    assert row["typicality"] == pytest.approx(_mu(1 / 1.2))
    assert row["margin"] == pytest.approx(_mu(1 / 1.2) - _mu(1 / 1.4))  # 0.1233
    assert row["evidence"] == (
        "未满足任何类型规则，按典型度归入最接近的类型：与“农产品加工转化型”最接近（典型度 0.31，"
        "比第二位“文旅融合主导型” 0.19 高 0.12）：农林牧渔业区位熵 1.00 低于阈值 1.2（未满足），"
        "制造业区位熵 1.00 高于阈值 0.5（满足）"
    )
    # 000006: as 000005 but lq_A missing, so both agriculture types are 0: 文旅 0.1890 and
    # 新型工业化 0.1474 differ by 0.0416 < 0.05 → 多元复合型 naming both
    row = t.loc["000006"]
    assert row["primary_type"] == typology.MIXED and row["type_basis"] == "复合"
    assert row["secondary_type"] == "文旅融合主导型、新型工业化主导型"
    assert row["margin"] == pytest.approx(_mu(1 / 1.4) - _mu(1 / 1.5))  # 0.0416
    assert "相差 0.042 < 0.05" in row["evidence"]
    assert row["evidence"].endswith("缺少数据：农林牧渔业区位熵")
    # rule-typed counties keep their rule type and have typicality ≥ 0.5 for it
    assert t.loc["000001", "type_basis"] == "规则"
    assert t.loc["000001", "typicality"] == pytest.approx(_mu(13.9 / 2.5))
    assert (t["primary_type"] != typology.UNCLASSIFIED).all()
    # a narrower mixed margin makes 000006 the nearest type instead
    narrow = typology.classify(_features(), mixed_margin=0.04).tidy().set_index("region_code")
    assert narrow.loc["000006", "primary_type"] == "文旅融合主导型"
    # just above the margin 0.0416 → mixed; 0 → never mixed; outside 0–1 → Chinese error
    wide = typology.classify(_features(), mixed_margin=0.0417).tidy().set_index("region_code")
    assert wide.loc["000006", "primary_type"] == typology.MIXED
    never = typology.classify(_features(), mixed_margin=0.0).tidy()
    assert typology.MIXED not in set(never["primary_type"])
    with pytest.raises(InputError, match="多元复合型阈值"):
        typology.classify(_features(), mixed_margin=-0.1)


def test_mixed_type_paths_use_both_types() -> None:
    rec = typology.recommend(
        [typology.MIXED, "文旅融合主导型、新型工业化主导型"], [], max_measures=None
    )
    assert set(rec.measures["matched_type"]) <= {"文旅融合主导型", "新型工业化主导型"}
    assert set(rec.measures["matched_type"]) == {"文旅融合主导型", "新型工业化主导型"}
    assert rec.explanation.startswith(
        "因为本县属于多元复合型（兼有文旅融合主导型与新型工业化主导型的特征）"
    )


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 10.0), st.floats(0.01, 10.0), st.floats(0.01, 10.0), st.floats(0.01, 10.0))
def test_rule_met_iff_typicality_at_least_half(a: float, c: float, bd: float, hr: float) -> None:
    f = pd.DataFrame({"region_code": ["1"], "lq_A": [a], "lq_C": [c], "lq_BD": [bd], "lq_HR": [hr]})
    res = typology.classify(f)
    for name in res.matched.columns:
        met = bool(res.matched.loc["1", name])
        typ = float(res.typicality.loc["1", name])
        assert 0.0 <= typ <= 1.0
        if met:
            assert typ >= 0.5
        elif name != "富民产业引领型":  # strict lq_C < 0.5 is 0.5 at equality without holding
            assert typ <= 0.5


def test_user_data_types_apply_when_present() -> None:
    f = _features().assign(
        scene_pilot_count=[0, 0, 0, 0, 2, 0],
        gdp=[5e6, 5e6, 8e5, 8e5, 9e5, 9e5],
        gdp_primary_share=[0.05, 0.01, 0.3, 0.2, 0.2, 0.2],
    )
    res = typology.classify(f)
    t = res.tidy().set_index("region_code")
    assert res.inactive == {}
    assert t.loc["000005", "primary_type"] == "应用场景创新型"
    assert t.loc["000005", "secondary_type"] == "富民产业引领型"
    assert "国家级应用场景类试验区/示范区数量 2.00 ≥ 1（用户数据）" in t.loc["000005", "evidence"]


@settings(max_examples=30, deadline=None)
@given(st.floats(0.5, 3.0), st.floats(0.0, 1.0))
def test_raising_manufacturing_threshold_never_adds(base: float, step: float) -> None:
    rng = np.random.default_rng(7)
    n = 200
    f = pd.DataFrame(
        {
            "region_code": [f"{i:06d}" for i in range(n)],
            "lq_C": rng.gamma(2.0, 0.4, n),
            "lq_BD": rng.gamma(1.0, 1.0, n),
            "lq_HR": rng.gamma(4.0, 0.25, n),
            "lq_A": rng.gamma(2.0, 0.6, n),
        }
    )
    rules = typology.load_rules()
    lo = typology.classify(f, rules.with_threshold("new_industrialisation", "lq_C", base))
    hi = typology.classify(f, rules.with_threshold("new_industrialisation", "lq_C", base + step))
    n_lo = int(lo.matched["新型工业化主导型"].sum())
    n_hi = int(hi.matched["新型工业化主导型"].sum())
    assert n_hi <= n_lo
    assert n_lo == int((f["lq_C"] >= base).sum())
    assert (lo.tidy()["primary_type"] != "").all()


def test_build_features_literal() -> None:
    census = pd.DataFrame(
        {
            "region_code": ["1", "2"],
            "emp_sec_A": [0.5, 0.1],
            "emp_sec_B": [0.0, 0.2],
            "emp_sec_C": [0.1, 0.4],
            "emp_sec_D": [0.1, 0.0],
            "emp_sec_H": [0.1, 0.1],
            "emp_sec_R": [0.02, 0.0],
            "pop_total": [100.0, 300.0],
            "urban_share": [0.3, 0.8],
        }
    )
    ghsl = pd.DataFrame(
        {
            "region_code": ["1", "2"],
            "GHSL_POP_DENS": [50.0, 900.0],
            "GHSL_URB": ["0.4", "#DIV/0!"],
            "GHSL_POP_30": [0.0, 0.6],
        }
    )
    regions = pd.DataFrame({"code": ["1", "2"], "type": ["县", "市辖区"]})
    yb = pd.DataFrame({"region_code": ["1"], "gdp": [800000.0], "gdp_primary": [200000.0]})
    f = typology.build_features(census, ghsl, regions, yb).set_index("region_code")
    # S_C = (100·0.1 + 300·0.4)/400 = 0.325; LQ = 0.1/0.325
    assert f.loc["1", "lq_C"] == pytest.approx(0.1 / 0.325)
    # S_B + S_D = 0.15 + 0.025 = 0.175
    assert f.loc["2", "lq_BD"] == pytest.approx(0.2 / 0.175)
    assert f.loc["1", "lq_HR"] == pytest.approx(0.12 / (0.1 + 0.005))
    assert np.isnan(f.loc["2", "ghsl_urban_share"])
    assert f.loc["2", "admin_type"] == "市辖区"
    assert f.loc["1", "gdp_primary_share"] == pytest.approx(0.25)
    assert np.isnan(f.loc["2", "gdp"])
    unweighted = typology.build_features(census, weight=None).set_index("region_code")
    assert unweighted.loc["1", "lq_C"] == pytest.approx(0.1 / 0.25)


def test_bad_input_messages() -> None:
    with pytest.raises(InputError, match="region_code"):
        typology.classify(pd.DataFrame({"lq_C": [1.0]}))
    with pytest.raises(ConfigError, match="没有特征"):
        typology.load_rules().with_threshold("new_industrialisation", "lq_X", 1.0)
    bad = typology.load_rules().to_dict()
    bad["types"][0]["rules"][0]["when"][0]["op"] = "=="
    with pytest.raises(ConfigError, match="比较符"):
        typology.load_rules(bad)


def test_to_excel_sheets(tmp_path: Path) -> None:
    res = typology.classify(_features())
    out = res.to_excel(tmp_path / "t.xlsx")
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert list(sheets) == ["县域类型", "类型分布", "判定规则", "典型度"]
    assert sheets["县域类型"].loc[0, "主类型"] == "资源能源开发型"
    assert "需用户数据" in res.summary() and "<pre>" in res._repr_html_()


def test_single_county_and_empty_table() -> None:
    one = typology.classify(_features().iloc[[1]])
    assert one.tidy()["primary_type"].tolist() == ["资源能源开发型"]
    with pytest.raises(InputError, match="为空"):
        typology.classify(_features().iloc[[]])
