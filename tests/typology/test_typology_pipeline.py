"""End to end on the 2020 census: evaluate (nqpf-county) -> obstacles -> shortfalls, types,
benchmarks and recommended paths for one county."""

from __future__ import annotations

from importlib import resources
from typing import NamedTuple

import numpy as np
import pandas as pd
import pytest
import yaml

from xinzhi import datasets, typology
from xinzhi.evaluate.engine import evaluate
from xinzhi.evaluate.result import EvaluationResult
from xinzhi.indicators.system import IndicatorSystem, load_system


class Chain(NamedTuple):
    system: IndicatorSystem
    ev: EvaluationResult
    feats: pd.DataFrame
    types: typology.TypologyResult


def _census_indicators(codes: list[str]) -> pd.DataFrame:
    """Apply the tudigong recipes of ``indicators/census.yaml`` (col / sum) to the CSVs."""
    raw = yaml.safe_load(
        resources.files("xinzhi.indicators").joinpath("census.yaml").read_text("utf-8")
    )
    recipes = {e["code"]: e["sources"]["tudigong"] for e in raw["indicators"]}
    files: dict[str, pd.DataFrame] = {}
    out = pd.DataFrame()
    for code in codes:
        r = recipes[code]
        if r["file"] not in files:
            df = pd.read_csv(
                datasets.path("tudigong", r["file"]), dtype={"CODE": str}, encoding="utf-8-sig"
            ).set_index("CODE")
            files[r["file"]] = df.apply(pd.to_numeric, errors="coerce")
        df = files[r["file"]]
        cols = r["sum"] if "sum" in r else [r["col"]]
        out[code] = df[cols].sum(axis=1, min_count=len(cols)) * float(r.get("scale", 1.0))
    return out


@pytest.fixture(scope="module")
def chain(
    tudigong_tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> Chain:
    system, _ = load_system("nqpf-county").restrict(
        [i.code for i in load_system("nqpf-county").indicators if not i.optional]
    )
    wide = _census_indicators(system.codes).dropna()
    data = wide.rename_axis("unit").reset_index().assign(year=2020)
    ev = evaluate(data, system)
    census, ghsl, units = tudigong_tables
    feats = typology.build_features(census, ghsl, units)
    return Chain(system, ev, feats, typology.classify(feats))


def test_shortfalls_from_engine_obstacles(chain: Chain) -> None:
    ev, system = chain.ev, chain.system
    obst = ev.obstacles()
    res = typology.diagnose_shortfalls(obst, system, units=["450321", "320583"])
    assert res.unmapped.empty  # every nqpf-county indicator names one of the four shortfalls
    shares = res.tidy().groupby("unit")["share"].sum()
    assert shares.to_numpy() == pytest.approx([1.0, 1.0])
    assert set(res.tidy()["shortfall"]) == set(typology.SHORTFALLS)
    # recorded from the 2020 census (tudigong) with the nqpf-county defaults, 2026-12-04
    assert res.top("450321", n=2) == ["新质要素供给短缺", "产业链条短"]
    assert res.top("320583", n=2) == ["新质要素供给短缺", "数智化改造滞后"]


def test_benchmark_and_recommend_for_yangshuo(chain: Chain) -> None:
    ev, feats, types = chain.ev, chain.feats, chain.types
    scores = ev.scores()
    sc = pd.Series(scores["score"].to_numpy(float), index=scores["unit"].astype(str))
    cols = ["lq_A", "lq_C", "lq_BD", "lq_HR", "pop_density", "urban_centre_share"]
    res = typology.benchmark(
        feats,
        sc,
        "450321",
        columns=cols,
        types=types,
        n_peers=15,
        n_benchmarks=3,
    )
    assert (res.peers["primary_type"] == "文旅融合主导型").all()
    assert "450321" not in set(res.peers["region_code"])
    assert (res.benchmarks["score"] > sc["450321"]).all()
    # recorded from the 2020 census (tudigong) with the nqpf-county defaults, 2026-12-04
    assert res.benchmarks["region_code"].tolist() == ["513322", "469023", "632222"]
    gaps = res.gaps.set_index("indicator")
    assert gaps["gap_share"].sum() == pytest.approx(1.0)
    # 阳朔 lags its benchmarks only in 采矿业与电力热力燃气水 (lq_BD) and urban centre share
    assert gaps.index[gaps["normalised_gap"] > 0].tolist() == ["lq_BD", "urban_centre_share"]
    t = types.tidy().set_index("region_code").loc["450321"]
    diag = typology.diagnose_shortfalls(ev.obstacles(), chain.system, units=["450321"])
    rec = typology.recommend([t["primary_type"], t["secondary_type"]], diag.top("450321"))
    assert rec.explanation.startswith("因为本县属于文旅融合主导型、富民产业引领型且短板为")
    assert len(rec.measures) == 8
    assert np.isin(rec.measures["source"], ["000", "001", "002", "003", "004"]).all()
