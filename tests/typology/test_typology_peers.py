"""Peers, benchmarks and gap tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xinzhi import typology
from xinzhi.errors import RegionError


def _table(x: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame(x, columns=[f"f{j}" for j in range(x.shape[1])])
    df.insert(0, "region_code", [f"{i:06d}" for i in range(len(df))])
    return df


@settings(max_examples=25, deadline=None)
@given(
    arrays(
        float,
        (12, 3),
        elements=st.floats(-100, 100, allow_nan=False, width=32),
    ).filter(lambda a: (a.std(axis=0) > 1e-3).all()),
    st.integers(0, 11),
    st.integers(0, 11),
)
def test_peer_distance_symmetric_and_excludes_self(x: np.ndarray, i: int, j: int) -> None:
    f = _table(x)
    a, b = f["region_code"][i], f["region_code"][j]
    pa = typology.nearest_peers(f, a, k=20)
    pb = typology.nearest_peers(f, b, k=20)
    assert a not in set(pa["region_code"]) and len(pa) == 11
    assert pa["distance"].is_monotonic_increasing
    if i != j:
        dab = pa.set_index("region_code").loc[b, "distance"]
        dba = pb.set_index("region_code").loc[a, "distance"]
        assert dab == pytest.approx(dba, rel=1e-9, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 1000))
def test_benchmarks_score_higher_and_gap_shares_sum_to_one(seed: int) -> None:
    rng = np.random.default_rng(seed)
    f = _table(rng.normal(size=(30, 4)))
    scores = pd.Series(rng.uniform(size=30), index=f["region_code"])
    code = scores.idxmin()  # guarantees benchmarks exist
    res = typology.benchmark(f, scores, code, n_peers=8, n_benchmarks=3)
    assert len(res.benchmarks) == 3
    assert (res.benchmarks["score"] >= scores[code]).all()
    g = res.tidy()
    if g["normalised_gap"].sum() > 0:
        assert g["gap_share"].sum() == pytest.approx(1.0)
    assert (g["gap_share"] >= 0).all()


def test_gap_table_literal_and_filters() -> None:
    f = pd.DataFrame(
        {
            "region_code": ["110001", "110002", "120003", "120004"],
            "x": [0.0, 1.0, 2.0, 3.0],
            "y": [0.0, 0.0, 2.0, 2.0],
        }
    )
    scores = pd.DataFrame({"unit": f["region_code"], "score": [0.1, 0.5, 0.9, 0.2]})
    types = pd.Series(["甲", "甲", "甲", "乙"], index=f["region_code"])
    res = typology.benchmark(
        f, scores, "110001", n_peers=5, n_benchmarks=1, types=types, directions={"y": "-"}
    )
    assert res.peers["region_code"].tolist() == ["110002", "120003"]  # 120004 other type
    assert res.benchmarks["region_code"].tolist() == ["120003"]  # highest score among peers
    g = res.tidy().set_index("indicator")
    # x: gap 2 / sd(x)=sqrt(1.25); y is "lower is better": benchmark 2 > 0 -> no gap
    assert g.loc["x", "normalised_gap"] == pytest.approx(2 / np.sqrt(1.25))
    assert g.loc["y", "normalised_gap"] == 0.0
    assert g.loc["x", "gap_share"] == 1.0
    same_prov = typology.nearest_peers(f, "110001", same_province=True)
    assert same_prov["region_code"].tolist() == ["110002"]
    top = typology.benchmark(f, scores, "120003", n_peers=3)
    assert top.benchmarks.empty and top.gaps.empty
    assert "本县即为同类标杆" in top.summary()
    with pytest.raises(RegionError):
        typology.nearest_peers(f, "999999")


def test_degenerate_inputs_give_chinese_errors() -> None:
    from xinzhi.errors import ComputationError, InputError

    f = pd.DataFrame({"region_code": ["1", "2", "3"], "x": [1.0, 2.0, 3.0], "c": [5.0] * 3})
    with pytest.raises(ComputationError, match="常数"):
        typology.nearest_peers(f, "1")
    with pytest.raises(RegionError, match="没有得分"):
        typology.benchmark(f, pd.Series([0.1, 0.2], index=["2", "3"]), "1", columns=["x"])
    with pytest.raises(InputError, match="重复"):
        typology.nearest_peers(pd.concat([f, f]), "1", columns=["x"])
