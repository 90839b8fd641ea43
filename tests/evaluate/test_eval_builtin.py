"""Built-in systems load, and every indicator code of nqpf-county is a census code."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import yaml

from xinzhi.evaluate import evaluate
from xinzhi.indicators.system import list_systems, load_system


def test_nqpf_county_codes_exist_in_census_catalogue() -> None:
    assert "nqpf-county" in list_systems()
    system = load_system("nqpf-county")
    assert system.dimension_names == ["劳动者", "劳动资料", "劳动对象"]
    assert system.path_of()["occ_2"] == ("劳动者", "人才结构")
    census = resources.files("xinzhi.indicators").joinpath("census.yaml")
    catalogue = {
        i["code"]: i for i in yaml.safe_load(census.read_text(encoding="utf-8"))["indicators"]
    }
    for ind in system.indicators:
        assert ind.code in catalogue, ind.code
        assert ind.direction == catalogue[ind.code]["direction"], ind.code


def test_nqpf_county_runs_on_a_synthetic_panel() -> None:
    system = load_system("nqpf-county")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.uniform(0.01, 0.9, (30, len(system.codes))), columns=system.codes)
    df.insert(0, "年份", [2010] * 15 + [2020] * 15)
    df.insert(0, "地区", [f"{110101 + i}" for i in range(15)] * 2)
    res = evaluate(df, system)
    s = res.scores()
    assert list(s.columns) == [
        "unit",
        "year",
        "score",
        "rank",
        "dim:劳动者",
        "dim:劳动资料",
        "dim:劳动对象",
    ]
    assert s["score"].between(0, 1).all()
