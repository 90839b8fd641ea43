"""The demo's contiguity step writes the queen weights of every county to the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

import xinzhi.regions.weights as weights_mod
from xinzhi.pipelines.demo import DEMO_STEPS, DemoContext, _weights_step


def test_weights_step_fills_the_cache(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINZHI_CACHE", str(tmp_path / "cache"))
    # not the weights or the contiguity another test of this process built
    monkeypatch.setattr(weights_mod, "_CACHE", {})
    monkeypatch.setattr(weights_mod, "_CONTIGUITY", {})
    res = _weights_step(DemoContext(tmp_path / "w.duckdb", data_dir, tmp_path))
    # 2,846 county-level units in 2024 minus 和康县, 和安县 (no polygon); the nine island
    # counties of tests/regions/test_regions_weights.py (长海 … 南沙)
    assert res.to_dict()["units"] == 2844
    assert len(res.to_dict()["islands"]) == 9
    assert "孤岛 9 个" in res.summary()
    assert len(list((tmp_path / "cache" / "weights").glob("contiguity-*.json"))) == 1


def test_weights_step_comes_before_the_report() -> None:
    names = [s.run.__name__ for s in DEMO_STEPS]
    assert names.index("_weights_step") == len(names) - 2  # the report stays last
