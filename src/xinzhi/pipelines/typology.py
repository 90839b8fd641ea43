"""County types (分类施策) for the counties in the warehouse.

Features come from the warehouse (census employment shares, urbanisation, population, any user
yearbook indicators the rules can use), the unit type from the regions table, and population
density / urbanisation from GHSL (dataset ``tudigong``, ``ghsl.csv``: GHSL layers attached to the
2020 census units; the same 2020 layers are used for 2010, since settlement structure changes
slowly — stated in the result options).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from xinzhi import datasets, store, typology
from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.errors import InputError, NotFoundError
from xinzhi.indicators.catalogue import load_catalogue
from xinzhi.indicators.system import IndicatorSystem
from xinzhi.pipelines.evaluation import region_names
from xinzhi.pipelines.stored import read_stored_evaluation
from xinzhi.pipelines.warehouse import warehouse_registry
from xinzhi.registry import typology as decl
from xinzhi.results import Result

__all__ = [
    "PEER_FEATURES",
    "CountyTypes",
    "benchmark_county",
    "classify_counties",
    "county_features",
    "county_peers",
    "county_types",
]

PEER_FEATURES = ["lq_A", "lq_C", "lq_BD", "lq_HR", "pop_density", "urban_centre_share"]
"""Structural features of the peer search (agriculture, manufacturing, mining and power,
hospitality and culture location quotients, population density, urban-centre share)."""

_CENSUS_CODES = [*(f"emp_sec_{x}" for x in SECTION_CODES), "pop_total", "urban_share"]


@dataclass
class CountyTypes(Result):
    """The typology of the warehouse counties for one year, with names and the features."""

    year: int
    result: typology.TypologyResult
    features: pd.DataFrame
    regions: pd.DataFrame

    def tidy(self) -> pd.DataFrame:
        """``region_code, name, province_name, primary_type, secondary_type, evidence, …``."""
        names = self.regions[["region_code", "name", "province_name", "prefecture_name"]]
        return names.merge(self.result.tidy(), on="region_code", how="right")

    def tables(self) -> dict[str, pd.DataFrame]:
        """县域类型 (one row per county, :meth:`tidy`) and 类型分布 (counts per type)."""
        return {"县域类型": self.tidy(), "类型分布": self.result.distribution()}

    def summary(self) -> str:
        return (
            f"{self.year} 年县域类型（{len(self.features)} 个县级单位）\n" + self.result.summary()
        )

    def to_dict(self) -> dict[str, Any]:
        dist = self.result.distribution()
        return {"year": self.year, "counties": len(self.features), "distribution": dist.to_dict()}

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        return self.result.to_excel(Path(path))


def _ghsl(data_dir: str | os.PathLike[str] | None) -> pd.DataFrame:
    path = datasets.path("tudigong", "ghsl.csv", data_dir=data_dir)
    df = pd.read_csv(path, dtype={"CODE": str}, encoding="utf-8-sig")
    return df.rename(columns={"CODE": "region_code"})


def county_features(
    con: duckdb.DuckDBPyConnection, year: int, data_dir: str | os.PathLike[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(feature table for :func:`xinzhi.typology.classify`, names/types of the counties)."""
    census = store.read_wide(con, _CENSUS_CODES, [year])
    census = census.dropna(subset=["emp_sec_A"]).drop(columns=["year"])
    if census.empty:
        raise InputError(f"数据仓库中没有 {year} 年的县级人口普查就业数据（请先运行 xinzhi demo）")
    extra = [c for c in load_catalogue().table["code"] if c not in _CENSUS_CODES]
    yearbook = store.read_wide(con, extra, [year])
    yearbook = yearbook.dropna(axis=1, how="all")
    names = region_names(con, census.assign(year=year))
    features = typology.build_features(
        census,
        ghsl=_ghsl(data_dir),
        regions=names[["region_code", "type"]],
        yearbook=yearbook.drop(columns=["year"]) if len(yearbook.columns) > 2 else None,
    )
    return features, names


def classify_counties(
    year: int = 2020,
    *,
    rules: str | Path | None = None,
    mixed_margin: float = decl.TYPOLOGY.default("mixed_margin"),
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> CountyTypes:
    """Assign every county in the warehouse a type (rule, nearest type or 多元复合型) with evidence."""
    own = con is None
    con = con or store.connect(db)
    try:
        features, names = county_features(con, year, data_dir)
    finally:
        if own:
            con.close()
    result = typology.classify(features, typology.load_rules(rules), mixed_margin=mixed_margin)
    return CountyTypes(year=year, result=result, features=features, regions=names)


def county_types(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int = decl.TYPOLOGY.default("year"),
    mixed_margin: float = decl.TYPOLOGY.default("mixed_margin"),
    data_dir: str | os.PathLike[str] | None = None,
) -> CountyTypes:
    """The declared analysis ``typology`` (:data:`xinzhi.registry.typology.TYPOLOGY`): every
    county of the warehouse typed with the built-in rules, the rest by typicality
    (:func:`classify_counties`)."""
    opts = decl.TYPOLOGY.resolve({"year": year, "mixed_margin": mixed_margin})
    return classify_counties(
        opts["year"], mixed_margin=opts["mixed_margin"], con=con, data_dir=data_dir
    )


def county_peers(
    con: duckdb.DuckDBPyConnection,
    *,
    evaluation: str,
    county: str,
    year: int | None = decl.PEERS.default("year"),
    n_peers: int = decl.PEERS.default("n_peers"),
    n_benchmarks: int = decl.PEERS.default("n_benchmarks"),
    data_dir: str | os.PathLike[str] | None = None,
) -> typology.BenchmarkResult:
    """The declared analysis ``peers`` (:data:`xinzhi.registry.typology.PEERS`): structural
    peers of one county among the counties of its type, the benchmarks among them scoring
    higher in stored evaluation ``evaluation``, and the indicator gap table
    (:func:`xinzhi.typology.benchmark`) — the inputs the county report uses."""
    decl.PEERS.resolve(
        {
            "evaluation": evaluation,
            "county": county,
            "year": year,
            "n_peers": n_peers,
            "n_benchmarks": n_benchmarks,
        }
    )
    ev = read_stored_evaluation(con, evaluation)
    if ev is None:
        raise NotFoundError(f"数据仓库中没有名为 {evaluation!r} 的评价结果")
    y = max(ev.years) if year is None else int(year)
    if y not in ev.years:
        have = "、".join(str(v) for v in ev.years)
        raise NotFoundError(f"评价结果 {evaluation} 中没有 {y} 年（可选：{have}）")
    code = county if county.isdigit() and len(county) == 6 else None
    if code is None:
        code = warehouse_registry(con).resolve(county, y, level="county").code
    types = classify_counties(y, con=con, data_dir=data_dir)
    raw = store.read_wide(con, ev.system.codes, [y], level="county")
    return benchmark_county(
        types, ev.scores[ev.scores["year"] == y], raw, ev.system, code, n_peers, n_benchmarks
    )


def benchmark_county(
    types: CountyTypes,
    scores: pd.DataFrame,
    raw: pd.DataFrame,
    system: IndicatorSystem,
    code: str,
    n_peers: int = decl.PEERS.default("n_peers"),
    n_benchmarks: int = decl.PEERS.default("n_benchmarks"),
) -> typology.BenchmarkResult:
    """Peers of ``code`` on :data:`PEER_FEATURES` among the counties of its type, benchmarks
    among them by ``scores`` (``region_code, score`` of one year) and the gap table on the
    system's indicators in ``raw`` (:func:`xinzhi.typology.benchmark`): the one computation
    behind the declared ``peers`` analysis and the county report."""
    feats = types.features
    cols = [c for c in PEER_FEATURES if c in feats.columns]
    return typology.benchmark(
        feats[["region_code", *cols]],
        scores[["region_code", "score"]],
        code,
        indicators=raw[["region_code", *system.codes]],
        directions={i.code: i.direction for i in system.indicators},
        columns=cols,
        n_peers=n_peers,
        n_benchmarks=n_benchmarks,
        types=types.result,
    )
