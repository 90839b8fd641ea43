"""A stored evaluation read back in full: the one source of the scores a report shows.

``xinzhi evaluate --save NAME`` (and ``xinzhi demo``, as ``nqpf-county``) store an evaluation's
scores, dimension scores, weights and obstacle degrees in the warehouse
(:mod:`xinzhi.store.evaluations`). :func:`read_stored_evaluation` reads them back with what a
report also needs: names and provincial ranks (:func:`xinzhi.pipelines.stored.stored_scores`),
the indicator system as declared and as used (optional indicators without a stored weight were
left out), and the options. Nothing is re-evaluated here; the county-years left out of the
evaluation are found by :meth:`StoredEvaluation.excluded` from the current raw values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi.errors import ConfigError, XinzhiError
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.pipelines.stored import stored_scores
from xinzhi.store.evaluations import list_evaluations

__all__ = ["StoredEvaluation", "read_stored_evaluation", "stored_evaluation_names"]


@dataclass
class StoredEvaluation:
    """An evaluation as stored in the warehouse.

    Attributes
    ----------
    name : str
        Name it was stored under.
    system : IndicatorSystem
        The system as used (optional indicators without a stored weight removed).
    full_system : IndicatorSystem
        The system as declared (built-in name or YAML path stored with the evaluation).
    dropped_optional : list of str
        Optional indicators of ``full_system`` the evaluation left out.
    options : dict
        Engine options the evaluation was run with.
    years : list of int
        Years evaluated.
    scores : DataFrame
        :func:`xinzhi.pipelines.stored.stored_scores`: ``region_code,
        name, province_code, province_name, prefecture_name, year, score, rank, province_rank,
        percentile, dim:…``.
    weights : DataFrame
        ``indicator, dimension, weight``.
    obstacles : DataFrame
        ``region_code, year, indicator, dimension, obstacle``.
    """

    name: str
    system: IndicatorSystem
    full_system: IndicatorSystem
    dropped_optional: list[str]
    options: dict[str, Any]
    years: list[int]
    scores: pd.DataFrame
    weights: pd.DataFrame
    obstacles: pd.DataFrame

    def excluded(self, raw: pd.DataFrame) -> pd.DataFrame:
        """County-years of the evaluated years in ``raw`` (a wide table of current values with
        ``region_code, year`` and the system's indicators) that have no stored score:
        ``region_code, year, missing`` — ``missing`` lists the used indicators they lack
        (joined with 、; empty when they lack none, i.e. the data changed after saving)."""
        used = self.system.codes
        rows = raw[raw["year"].isin(self.years)][["region_code", "year", *used]]
        keys = self.scores[["region_code", "year"]].assign(_scored=True)
        rows = rows.merge(keys, on=["region_code", "year"], how="left")
        out = rows[rows["_scored"].isna()]
        codes = np.array(used, dtype=object)
        mask = out[used].isna().to_numpy()
        return pd.DataFrame(
            {
                "region_code": out["region_code"].to_numpy(),
                "year": out["year"].to_numpy(),
                "missing": ["、".join(codes[m]) for m in mask],
            }
        )


def stored_evaluation_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the evaluations stored in the warehouse."""
    return [str(n) for n in list_evaluations(con)["name"]]


def _systems(name: str, system: str, used: list[str]) -> tuple[IndicatorSystem, IndicatorSystem]:
    """(full, used) systems of stored evaluation ``name``; a system that changed since the
    evaluation was stored is an error (the stored scores would not match its indicators)."""
    redo = f"请重新运行 xinzhi evaluate --system {system} --save {name}"
    try:
        full = load_system(system)
    except XinzhiError as exc:
        raise ConfigError(f"无法载入评价 {name} 所用的指标体系 {system}：{exc}") from exc
    restricted, _ = full.restrict(used)
    if set(restricted.codes) != set(used):
        raise ConfigError(
            f"指标体系 {system} 的指标与保存评价 {name} 时不同（保存后体系被修改）；{redo}"
        )
    return full, restricted


def read_stored_evaluation(con: duckdb.DuckDBPyConnection, name: str) -> StoredEvaluation | None:
    """Evaluation ``name`` as stored in the warehouse, or None when none of that name is stored.

    Raises
    ------
    ConfigError
        When its indicator system cannot be loaded or no longer has the stored indicators.
    """
    if name not in stored_evaluation_names(con):
        return None
    system, options, years = con.execute(
        "SELECT system, options, years FROM evaluations WHERE name = ?", [name]
    ).fetchone() or (None, None, None)
    weights = con.execute(
        "SELECT indicator, dimension, weight FROM evaluation_weights WHERE name = ?",
        [name],
    ).df()
    full, used = _systems(name, str(system), list(weights["indicator"]))
    weights = weights.set_index("indicator").loc[used.codes].reset_index()
    obstacles = con.execute(
        "SELECT region_code, year, indicator, dimension, obstacle FROM evaluation_obstacles "
        "WHERE name = ?",
        [name],
    ).df()
    obstacles = obstacles.astype({"year": "int64"})
    named = stored_scores(con, name)
    return StoredEvaluation(
        name=name,
        system=used,
        full_system=full,
        dropped_optional=[c for c in full.codes if c not in set(used.codes)],
        options=json.loads(options or "{}"),
        years=sorted(int(y) for y in (years or named["year"].unique())),
        scores=named,
        weights=weights,
        obstacles=obstacles,
    )
