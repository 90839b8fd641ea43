"""A county report of an evaluation with per-year weights (``weight_scope="year"``) shows, in
its indicator table, the weights of the report year as stored (``evaluation_weights.year``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from fixtures.warehouse import SmallWarehouse
from xinzhi import store
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.report import county_report_data
from xinzhi.store.evaluations import load_weights


def test_report_shows_the_weights_of_its_year(
    small_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    ev = evaluate_counties(
        "nqpf-county",
        db=db,
        options={"weight_scope": "year", "scope": "per-year"},
        save_as="nqpf-county",
    )
    con = store.connect(db, read_only=True)
    try:
        stored = load_weights(con, "nqpf-county")
    finally:
        con.close()
    assert sorted(stored["year"].unique()) == [2010, 2020]
    codes = ev.system.codes
    assert len(stored) == 2 * len(codes)
    w2020 = stored[stored["year"] == 2020].set_index("indicator")["weight"]
    w2010 = stored[stored["year"] == 2010].set_index("indicator")["weight"]
    assert np.abs(w2020 - w2010).max() > 1e-6  # two cross-sections, two sets of weights
    # the engine's own weights of 2020 are what was stored
    wt = ev.result.weight_table()
    own = wt[wt["year"] == 2020].set_index("indicator")["weight"]
    assert np.abs(own.loc[codes] - w2020.loc[codes]).max() == pytest.approx(0.0, abs=1e-15)
    rep = county_report_data("430321", year=2020, db=db)
    shown = rep.indicators.set_index("code")["weight"].loc[codes]
    np.testing.assert_array_equal(shown.to_numpy(), w2020.loc[codes].to_numpy())
