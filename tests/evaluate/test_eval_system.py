"""Indicator-system YAML: structure, nesting and Chinese validation errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xinzhi.errors import ConfigError
from xinzhi.indicators.system import IndicatorSystem, load_system

GOOD = {
    "name": "demo",
    "options": {"weights": "combined"},
    "dimensions": [
        {
            "name": "劳动者",
            "indicators": [{"code": "edu", "name": "受教育年限", "direction": "+", "unit": "年"}],
            "dimensions": [
                {
                    "name": "人才",
                    "indicators": [
                        {"code": "rd", "direction": "+", "transform": "winsorize(0.01)"},
                        {"code": "gdp", "direction": "+", "transform": "log", "fixed_weight": 0.1},
                    ],
                }
            ],
        },
        {"name": "劳动对象", "indicators": [{"code": "energy", "direction": "-"}]},
    ],
}


def test_nested_system_round_trip(tmp_path: Path) -> None:
    s = IndicatorSystem.from_dict(GOOD)
    assert s.codes == ["edu", "rd", "gdp", "energy"]
    assert s.top_dimension_of()["rd"] == "劳动者"
    assert s.path_of()["rd"] == ("劳动者", "人才")
    rd = s.indicators[1]
    assert rd.transform == "winsorize" and rd.winsor_p == 0.01
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump(s.to_dict(), allow_unicode=True), encoding="utf-8")
    assert load_system(p) == IndicatorSystem.from_dict(GOOD, source=str(p))


@pytest.mark.parametrize(
    ("patch", "key"),
    [
        (lambda d: d["dimensions"][1]["indicators"][0].update(direction="up"),
         "dimensions[1].indicators[0].direction"),
        (lambda d: d["dimensions"][0]["dimensions"][0]["indicators"][0].update(transform="sqrt"),
         "dimensions[0].dimensions[0].indicators[0].transform"),
        (lambda d: d["dimensions"][1]["indicators"][0].update(fixed_weight=2),
         "dimensions[1].indicators[0].fixed_weight"),
        (lambda d: d["dimensions"][1]["indicators"][0].pop("code"),
         "dimensions[1].indicators[0].code"),
        (lambda d: d["dimensions"][1]["indicators"][0].update(weight=1), "dimensions[1].indicators[0]"),
        (lambda d: d.pop("name"), "name"),
        (lambda d: d["dimensions"][1]["indicators"][0].update(code="edu"), "edu"),
    ],
)  # fmt: skip
def test_errors_name_the_key(patch, key: str) -> None:  # type: ignore[no-untyped-def]
    import copy

    d = copy.deepcopy(GOOD)
    patch(d)
    with pytest.raises(ConfigError) as exc:
        IndicatorSystem.from_dict(d)
    assert key in str(exc.value)


def test_unknown_builtin() -> None:
    with pytest.raises(ConfigError, match="内置指标体系"):
        load_system("no-such-system")
