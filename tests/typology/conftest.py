"""Test helper: the 2020 census (tudigong) mapped to the census indicator codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xinzhi import datasets

#: tudigong EMPL_INDU_* suffix -> GB/T 4754-2017 section letter (verified against the header).
SECTIONS = {
    "AGHU": "A", "MINI": "B", "MANU": "C", "UTIL": "D", "CONS": "E", "SALE": "F", "TRMA": "G",
    "ACCA": "H", "ITSE": "I", "FINA": "J", "REES": "K", "LEBS": "L", "RSRC": "M", "ENVI": "N",
    "RESI": "O", "EDUC": "P", "HESO": "Q", "CSEN": "R", "PMNG": "S", "INTO": "T",
}  # fmt: skip


def _read(name: str) -> pd.DataFrame:
    df = pd.read_csv(datasets.path("tudigong", name), dtype={"CODE": str}, encoding="utf-8-sig")
    return df.rename(columns={"CODE": "region_code"})


@pytest.fixture(scope="session")
def tudigong_tables(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(census wide table with emp_sec_*, pop_total, urban_share, name; ghsl; regions 2020)."""
    from xinzhi import regions

    emp = _read("employment.csv")
    pop = _read("population.csv")
    cols = {f"EMPL_INDU_{k}": f"emp_sec_{v}" for k, v in SECTIONS.items()}
    census = (
        emp[["region_code", "NAME", *cols]]
        .rename(columns=cols | {"NAME": "name"})
        .merge(
            pop[["region_code", "POPU", "POPU_URB"]].rename(
                columns={"POPU": "pop_total", "POPU_URB": "urban_share"}
            ),
            on="region_code",
            how="left",
        )
    )
    num = [c for c in census.columns if c not in ("region_code", "name")]
    census[num] = census[num].apply(pd.to_numeric, errors="coerce")
    ghsl = _read("ghsl.csv")
    units = regions.load_registry(data_dir).units(2020)
    return census, ghsl, units
