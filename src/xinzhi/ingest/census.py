"""Built-in readers for the public census tables.

* ``census2010`` / ``census2020``: leiii/census ``census_county_{2010,2020}_v1.xlsx`` — county
  tables of the 6th and 7th national population censuses (one row per county; province and
  prefecture subtotal rows with codes ending in ``00``; rows without a code are subtotals such as
  ``市辖区`` / ``省直辖县级行政区划`` or non-administrative zones such as development zones).
* ``tudigong``: thebamboogrove/tudigong ``input/*.csv`` — the 2020 census by county as shares,
  keyed by ``CODE`` (the files are joined on ``CODE``).

The quantities are defined once in ``indicators/census.yaml`` (stable codes; recipes per
dataset). Recipe semantics:

* ``col`` — the column's value, times ``scale`` (e.g. 0.01 for a percentage).
* ``num``/``den`` — Σ numerator columns / Σ denominator columns. The census tables leave zero
  counts blank, so an empty component counts as 0; the ratio is missing when every denominator
  cell is empty or the denominator is 0.
* ``sum`` — Σ columns (tudigong shares); missing when all are empty.

A non-numeric text in any component makes the value ``bad`` (the row is quarantined).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import datasets
from xinzhi.errors import ConfigError
from xinzhi.indicators.catalogue import Catalogue, load_catalogue
from xinzhi.ingest.batch import file_sha256, run_import
from xinzhi.ingest.clean import Resolver, default_resolver
from xinzhi.ingest.importer import import_file, load_layout
from xinzhi.ingest.layout import Layout
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import parse_values, to_text

__all__ = [
    "CENSUS_FILES",
    "TUDIGONG_FILES",
    "census_reader",
    "census_resolver",
    "import_census",
    "import_tudigong",
    "recipe_layout",
]

CENSUS_FILES: dict[str, tuple[str, int]] = {
    "census2010": ("census_county_2010_v1.xlsx", 2010),
    "census2020": ("census_county_2020_v1.xlsx", 2020),
}
"""Dataset → (file in the registry, census year)."""

TUDIGONG_FILES = (
    "population.csv",
    "ages.csv",
    "education.csv",
    "employment.csv",
    "housing.csv",
)
_SETTLED = ["ok", "renamed", "not_county", "not_prefecture", "not_province"]
_REGION_COLUMNS = {
    # dataset: (code column, name column, parent column or None)
    "census2010": ("区划代码", "地区", None),
    "census2020": ("区划代码", "区县", "市"),
    "tudigong": ("CODE", "NAME", None),
}


def _key(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def recipe_layout(grid: Grid, catalogue: Catalogue, dataset: str, year: int) -> Layout:
    """Layout of a census table (header in the first row) computed from the YAML recipes.

    Raises
    ------
    ConfigError
        A column named by a recipe is not in the table (wrong file or changed upstream).
    """
    header = [_key(h) for h in grid.cells.iloc[0]]
    pos = {h: i for i, h in enumerate(header)}
    data = grid.cells.iloc[1:]
    n = len(data)
    row_number = (data.index.to_numpy() + 1).astype("int64")
    code_col, name_col, parent_col = _REGION_COLUMNS[dataset]

    def column(name: str) -> int:
        try:
            return pos[_key(name)]
        except KeyError:
            raise ConfigError(
                f"{dataset} 表中没有列“{name}”（census.yaml 的取数公式与源表不符）"
            ) from None

    parsed: dict[int, Any] = {}

    def values(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        c = column(name)
        if c not in parsed:
            p = parse_values(data[c].reset_index(drop=True))
            parsed[c] = (
                p.value.to_numpy(),
                p.missing.to_numpy(),
                p.marker.to_numpy(),
                p.bad.to_numpy(),
            )
        return parsed[c]

    def stacked(names: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = [values(c) for c in names]
        v = np.column_stack([p[0] for p in parts])
        m = np.column_stack([p[1] for p in parts])
        b = np.column_stack([p[3] for p in parts])
        total = np.where(m | b, 0.0, v).sum(axis=1)
        return total, np.asarray(m.all(axis=1), dtype=bool), np.asarray(b.any(axis=1), dtype=bool)

    out_v, out_ind, out_miss, out_mark, out_bad = [], [], [], [], []
    for entry in catalogue.entries.values():
        recipe = entry.sources.get(dataset)
        if recipe is None:
            continue
        marker = np.full(n, None, dtype=object)
        if "col" in recipe:
            v, m, mk, b = values(recipe["col"])
            v = v * float(recipe.get("scale", 1.0))
            marker = mk
        elif "num" in recipe:
            num, _, nb = stacked(list(recipe["num"]))
            den, dm, db = stacked(list(recipe["den"]))
            m = dm | (den == 0)
            b = nb | db
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.where(m | b, np.nan, num / np.where(den == 0, np.nan, den))
            marker = np.full(n, None, dtype=object)
            marker[m] = ""
        elif "sum" in recipe:
            v, m, b = stacked(list(recipe["sum"]))
            v = np.where(m | b, np.nan, v)
            marker = np.full(n, None, dtype=object)
            marker[m] = ""
        else:
            raise ConfigError(f"census.yaml 中 {entry.code} 的 {dataset} 取数公式无法识别")
        out_v.append(v)
        out_ind.append(np.full(n, entry.code, dtype=object))
        out_miss.append(m)
        out_mark.append(marker)
        out_bad.append(b)
    k = len(out_v)
    cells = pd.DataFrame(
        {
            "row_number": np.tile(row_number, k),
            "indicator": np.concatenate(out_ind),
            "value": np.concatenate(out_v).astype("float64"),
            "missing": np.concatenate(out_miss),
            "marker": np.concatenate(out_mark),
            "bad": np.concatenate(out_bad),
        }
    )

    def text(col: str | None) -> pd.Series:
        if col is None:
            return pd.Series([""] * n, dtype=object)
        return to_text(data[column(col)]).reset_index(drop=True)

    rows = pd.DataFrame(
        {
            "row_number": row_number,
            "code": text(code_col),
            "name": text(name_col),
            "parent": text(parent_col),
            "year": pd.array([year] * n, dtype="Int64"),
        }
    )
    headers = [str(h) or f"列{i + 1}" for i, h in enumerate(header)]
    return Layout(
        rows=rows,
        cells=cells,
        data_index=data.index,
        headers=headers,
        format="wide",
        columns_matched={},
        warnings=[],
    )


def census_resolver(base: Resolver = default_resolver) -> Resolver:
    """Resolver for census tables: codes as in force at the end of the year before the census.

    The census tables keep units merged during the census year separate (2010: 崇文区/宣武区,
    merged into 东城区/西城区 in July 2010; 2020: 港闸区, 三山区), so each value is resolved at
    ``year - 1`` first, and at ``year`` when that fails (units created in the census year).
    """

    def resolve(
        values: Sequence[str], year: int | None, parent: Sequence[str | None] | None
    ) -> pd.DataFrame:
        if year is None:
            return base(values, None, parent)
        first = base(values, year - 1, parent).reset_index(drop=True)
        failed = ~first["status"].isin(_SETTLED).to_numpy()
        if failed.any():
            vals = [v for v, f in zip(values, failed, strict=True) if f]
            pars = None if parent is None else [p for p, f in zip(parent, failed, strict=True) if f]
            second = base(vals, year, pars).reset_index(drop=True)
            better = second["status"].isin(["ok", "renamed"]).to_numpy()
            pos = np.flatnonzero(failed)[better]
            first.loc[pos, ["code", "status", "message"]] = second.loc[
                better, ["code", "status", "message"]
            ].to_numpy()
        return first

    return resolve


def census_reader(dataset: str) -> Callable[[Grid, Catalogue], Layout]:
    """Layout builder for ``census2010`` / ``census2020`` (for :func:`import_file`)."""
    if dataset not in CENSUS_FILES:
        raise ConfigError(f"未知的普查数据集 {dataset}：可选 {'、'.join(CENSUS_FILES)}")
    year = CENSUS_FILES[dataset][1]

    def read(grid: Grid, catalogue: Catalogue) -> Layout:
        return recipe_layout(grid, catalogue, dataset, year)

    return read


def import_census(
    dataset: str,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    db: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    resolver: Resolver = default_resolver,
) -> ImportReport:
    """Import one census file (verified through the dataset registry) as source ``dataset``.

    Re-importing the same file is a no-op (status ``noop``).
    """
    reader = census_reader(dataset)
    path = datasets.path(dataset, CENSUS_FILES[dataset][0], data_dir=data_dir)
    return import_file(
        path,
        source=dataset,
        con=con,
        db=db,
        resolver=census_resolver(resolver),
        reader=reader,
        with_regions=resolver is default_resolver,
        replace=True,  # the registry's own file (sha256-verified) may renew its source
    )


def import_tudigong(
    *,
    con: duckdb.DuckDBPyConnection,
    data_dir: str | os.PathLike[str] | None = None,
    resolver: Resolver = default_resolver,
) -> ImportReport:
    """Import the tudigong 2020 county CSVs (joined on ``CODE``) as source ``tudigong``.

    The batch sha256 is the sha256 of the concatenated per-file sha256 digests.
    """
    paths = [datasets.path("tudigong", f"input/{f}", data_dir=data_dir) for f in TUDIGONG_FILES]
    digest = hashlib.sha256("".join(file_sha256(p) for p in paths).encode()).hexdigest()
    return run_import(
        lambda connection: _load_tudigong(connection, paths, digest, resolver),
        sha256=digest,
        source="tudigong",
        fmt="tudigong",
        con=con,
    )


def _load_tudigong(
    con: duckdb.DuckDBPyConnection, paths: list[Path], digest: str, resolver: Resolver
) -> ImportReport:
    """Join the tudigong CSVs on ``CODE`` and write them as one batch."""
    frame: pd.DataFrame | None = None
    for p in paths:
        part = pd.read_csv(p, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        frame = (
            part
            if frame is None
            else frame.merge(part.drop(columns=["NAME"]), on="CODE", how="outer")
        )
    assert frame is not None
    table = pd.concat(
        [pd.DataFrame([frame.columns], columns=frame.columns), frame], ignore_index=True
    )
    table.columns = pd.RangeIndex(table.shape[1])
    grid = Grid(cells=table.astype(object), file_name="tudigong/input/*.csv", encoding="utf-8-sig")
    catalogue = load_catalogue()
    layout = recipe_layout(grid, catalogue, "tudigong", 2020)
    return load_layout(
        con,
        grid,
        layout,
        sha256=digest,
        source="tudigong",
        catalogue=catalogue,
        resolver=census_resolver(resolver),
        replace=True,  # the registry's own files (sha256-verified) may renew their source
    )
