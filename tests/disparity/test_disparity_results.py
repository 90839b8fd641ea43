"""Every result object: tidy(), summary(), _repr_html_() and to_excel() work and keep options."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W

from xinzhi.disparity import (
    beta_convergence,
    dagum_gini,
    geary,
    inequality_indices,
    kernel_density,
    local_moran,
    markov_chain,
    moran,
    sigma_convergence,
    spatial_markov,
    theil_decomposition,
)


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n, years = 16, [2019, 2020, 2021, 2022]
    return pd.DataFrame(
        {
            "u": np.tile([str(i) for i in range(n)], len(years)),
            "t": np.repeat(years, n),
            "y": rng.lognormal(0, 0.4, n * len(years)),
            "g": np.tile(list("aabbccdd" * 2), len(years)),
        }
    )


def test_all_results(panel: pd.DataFrame, tmp_path: Path) -> None:
    w = lat2W(4, 4)
    w.remap_ids([str(i) for i in range(16)])
    results = [
        dagum_gini(panel, "y", "g", by="t"),
        theil_decomposition(panel, "y", "g", by="t"),
        inequality_indices(panel, "y", by="t"),
        kernel_density(panel, "y", by="t", grid_size=64),
        markov_chain(panel, "y", "u", "t"),
        markov_chain(panel, "y", "u", "t", k=2, classification="per-year"),
        spatial_markov(panel, "y", "u", "t", w),
        moran(panel, "y", "u", w, by="t", permutations=99),
        geary(panel, "y", "u", w, by="t", permutations=99),
        local_moran(panel, "y", "u", w, by="t", permutations=99),
        sigma_convergence(panel, "y", "t"),
        beta_convergence(panel, "y", "u", "t"),
    ]
    # rows of tidy(): one per year (4 years) for the indices, KDE summary, global Moran/Geary
    # and σ; k×k transitions (4×4, 2×2); 4 lag classes × 4×4 for the spatial Markov chain;
    # 16 units × 4 years for LISA; intercept and β for the β regression
    n_rows = [4, 4, 4, 4, 16, 4, 64, 4, 4, 64, 4, 2]
    for i, res in enumerate(results):
        tidy = res.tidy()
        assert isinstance(tidy, pd.DataFrame) and len(tidy) == n_rows[i], type(res).__name__
        assert res.title in res.summary()
        assert "<h4>" in res._repr_html_()
        assert res.options["value"] == "y"
        out = res.to_excel(tmp_path / f"r{i}.xlsx")
        sheets = pd.ExcelFile(out, engine="calamine").sheet_names
        assert sheets[-1] == "说明" and len(sheets) == len(res.tables()) + 1
        first = pd.read_excel(out, sheet_name=sheets[0], engine="calamine")
        assert len(first) == len(next(iter(res.tables().values())))
    dag = pd.read_excel(tmp_path / "r0.xlsx", sheet_name="总体分解", engine="calamine")
    assert "总体基尼系数" in dag.columns  # Chinese headers in Excel
