"""Built-in systems load; nqpf-county uses catalogue codes, maps to the four shortfalls, and
runs with or without the optional yearbook indicators."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
import yaml

from xinzhi.errors import ConfigError
from xinzhi.evaluate import evaluate
from xinzhi.indicators.system import SHORTFALLS, IndicatorSystem, list_systems, load_system


def _catalogue(name: str) -> dict[str, dict]:
    text = resources.files("xinzhi.indicators").joinpath(name).read_text(encoding="utf-8")
    return {i["code"]: i for i in yaml.safe_load(text)["indicators"]}


def test_nqpf_county_codes_exist_in_the_catalogues() -> None:
    assert "nqpf-county" in list_systems()
    system = load_system("nqpf-county")
    assert system.dimension_names == ["劳动者", "劳动资料", "劳动对象"]
    census, yearbook = _catalogue("census.yaml"), _catalogue("yearbook.yaml")
    for ind in system.indicators:
        # required indicators come from the census (all counties); optional ones from yearbooks
        source = yearbook if ind.optional else census
        assert ind.code in source, ind.code
        assert ind.direction == source[ind.code]["direction"], ind.code
    assert sum(not i.optional for i in system.indicators) == 14
    assert {i.code for i in system.indicators if i.optional} == {
        "rd_expenditure",
        "patents_granted",
        "gdp_per_capita",
        "industrial_enterprises",
        "fiscal_revenue",
    }


def test_every_indicator_maps_to_one_of_the_four_shortfalls() -> None:
    system = load_system("nqpf-county")
    mapping = system.shortfall_of()
    assert set(mapping) == set(system.codes)
    assert set(mapping.values()) == set(SHORTFALLS)
    assert mapping["emp_sec_I"] == "数智化改造滞后"
    assert mapping["emp_sec_C"] == "产业链条短"


def test_unknown_shortfall_is_rejected_naming_the_key() -> None:
    raw = {
        "name": "x",
        "dimensions": [
            {"name": "a", "indicators": [{"code": "v", "direction": "+", "shortfall": "其他"}]}
        ],
    }
    with pytest.raises(ConfigError, match=r"dimensions\[0\]\.indicators\[0\]\.shortfall"):
        IndicatorSystem.from_dict(raw)


def _panel(codes: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.uniform(0.01, 0.9, (30, len(codes))), columns=codes)
    df.insert(0, "年份", [2010] * 15 + [2020] * 15)
    df.insert(0, "地区", [f"{110101 + i}" for i in range(15)] * 2)
    return df


def test_nqpf_county_runs_on_census_codes_only() -> None:
    system = load_system("nqpf-county")
    census_only = [i.code for i in system.indicators if not i.optional]
    restricted, dropped = system.restrict(census_only)
    assert len(dropped) == 5 and set(restricted.codes) == set(census_only)
    s = evaluate(_panel(census_only), restricted).scores()
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


def test_imported_yearbook_indicators_join_the_index() -> None:
    system = load_system("nqpf-county")
    present = [*(i.code for i in system.indicators if not i.optional), "rd_expenditure"]
    restricted, dropped = system.restrict(present)
    assert "rd_expenditure" in restricted.codes
    assert "patents_granted" in dropped
    res = evaluate(_panel(present), restricted)
    weights = res.weight_table()
    assert "rd_expenditure" in set(weights["indicator"])
    assert weights["weight"].sum() == pytest.approx(1.0)
