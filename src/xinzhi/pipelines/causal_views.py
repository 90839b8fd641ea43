"""What the policy-evaluation surfaces (REST ``/api/causal/*`` and the page 政策评估) show.

The estimate comes from the declared analysis ``pilot-effect``
(:func:`xinzhi.pipelines.causal.pilot_effect`; the surfaces run it through the registry, which
asks the access policy for the declaration's scope); this module lists what can be chosen — the
imported pilot tables, the outcomes with county observations, the stored evaluations — and
reads any estimator's result into one shape (:class:`EffectView`): the headline estimate with
its standard error, the assumptions stated by the estimator, the event-study coefficients with
the pre-trend test, the synthetic-control path and the placebo results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi.causal.robustness import placebo_timing, randomization_inference
from xinzhi.errors import ComputationError, InputError
from xinzhi.indicators.catalogue import load_catalogue
from xinzhi.pipelines.causal import pilot_panel
from xinzhi.pipelines.stored import stored_evaluation_names
from xinzhi.store.pilots import read_pilots
from xinzhi.store.read import level_predicate

__all__ = [
    "ESTIMATOR_LABELS",
    "EffectView",
    "PilotChecks",
    "county_names",
    "effect_view",
    "outcome_choices",
    "pilot_checks",
    "pilot_tables",
]

ESTIMATOR_LABELS = {
    "did": "双向固定效应（TWFE）与事件研究",
    "cs": "Callaway–Sant'Anna 交错双重差分",
    "sc": "合成控制（单个试点县）",
    "sdid": "合成双重差分",
    "compare": "各估计量比较",
}


def pilot_tables(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The imported pilot lists, one row per policy: ``policy, counties, first_year, last_year,
    cohorts`` (start years, "、"-separated), ``synthetic``."""
    p = read_pilots(con)
    cols = ["policy", "counties", "first_year", "last_year", "cohorts", "synthetic"]
    if p.empty:
        return pd.DataFrame(columns=cols)
    g = p.groupby("policy", sort=True)
    out = pd.DataFrame(
        {
            "counties": g["region_code"].nunique(),
            "first_year": g["start_year"].min().astype(int),
            "last_year": g["start_year"].max().astype(int),
            "cohorts": g["start_year"].agg(
                lambda s: "、".join(str(int(y)) for y in sorted(set(s)))
            ),
            "synthetic": g["synthetic"].agg(lambda s: bool(pd.Series(s).fillna(False).any())),
        }
    ).reset_index()
    return out[cols]


def outcome_choices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What can be the outcome: every indicator with county observations (``kind`` indicator,
    ``key`` its code), every stored evaluation's score (``kind`` evaluation) and each of its
    dimensions (``kind`` dimension; ``evaluation`` and ``dimension`` the parameters); ``label`` in
    Chinese, ``years`` the span, ``counties`` the distinct county codes observed (a renamed
    county counts under each of its codes)."""
    rows = con.execute(
        "SELECT indicator, min(year), max(year), count(DISTINCT region_code) "
        f"FROM current_observations WHERE {level_predicate('county')} "
        "GROUP BY indicator ORDER BY indicator"
    ).fetchall()
    cat = load_catalogue()
    out = [
        {
            "kind": "indicator",
            "key": str(code),
            "label": cat.entries[code].name_zh if code in cat.entries else str(code),
            "years": f"{int(a)}–{int(b)}",
            "counties": int(n),
            "evaluation": None,
            "dimension": None,
        }
        for code, a, b, n in rows
    ]
    for name in stored_evaluation_names(con):
        out.append(
            {
                "kind": "evaluation",
                "key": name,
                "label": f"评价“{name}”的综合得分",
                "years": "",
                "counties": None,
                "evaluation": name,
                "dimension": None,
            }
        )
        dims = con.execute(
            "SELECT dimension FROM evaluation_dimensions WHERE name = ? "
            "GROUP BY dimension ORDER BY min(position)",
            [name],
        ).fetchall()
        for (dim,) in dims:
            out.append(
                {
                    "kind": "dimension",
                    "key": f"{name}:{dim}",
                    "label": f"评价“{name}”的维度“{dim}”",
                    "years": "",
                    "counties": None,
                    "evaluation": name,
                    "dimension": str(dim),
                }
            )
    cols = ["kind", "key", "label", "years", "counties", "evaluation", "dimension"]
    return pd.DataFrame(out, columns=cols)


@dataclass
class EffectView:
    """One estimate read from any estimator's result (see the module docstring)."""

    estimator: str
    title: str
    estimate: float | None
    se: float | None
    pvalue: float | None
    ci: tuple[float | None, float | None]
    assumptions: str
    summary: str
    event: pd.DataFrame
    """``event, estimate, se, ci_lower, ci_upper, reference`` (empty: no event study)."""
    pretrend: dict[str, float]
    path: pd.DataFrame
    """``time, treated, synthetic, gap`` of a synthetic control (else empty)."""
    placebos: pd.DataFrame
    """Placebo results (synthetic control: every donor as the treated unit)."""
    weights: pd.DataFrame
    """``unit, weight`` (synthetic control donors, SDID unit weights; else empty)."""
    treat_time: int | None
    tables: dict[str, pd.DataFrame]
    cohorts: pd.DataFrame = field(default_factory=pd.DataFrame)
    """SDID with staggered adoption: per cohort ``cohort, n_treated, post_periods, weight,
    estimate`` (else empty)."""
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False


def _f(v: Any) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None


def _assumptions(summary: str) -> str:
    lines = [ln.strip() for ln in summary.splitlines() if "假设" in ln or "注意" in ln]
    return "\n".join(lines)


_EVENT = ["event", "estimate", "se", "ci_lower", "ci_upper", "reference"]


def county_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """County code → its most recent name in the warehouse's region table."""
    rows = con.execute(
        "SELECT code, name FROM regions WHERE level = 'county' ORDER BY start_year NULLS FIRST"
    ).fetchall()
    return {str(c): str(n) for c, n in rows if n is not None}


def _named(df: pd.DataFrame, names: Mapping[str, str] | None) -> pd.DataFrame:
    if not names or "unit" not in df.columns or df.empty:
        return df
    out = df.copy()
    out.insert(1, "name", out["unit"].astype(str).map(dict(names)))
    return out


def effect_view(result: Any, estimator: str, names: Mapping[str, str] | None = None) -> EffectView:
    """Read ``result`` of :func:`xinzhi.pipelines.causal.pilot_effect` (``estimator`` one of
    did, cs, sc, sdid, compare) into an :class:`EffectView`; ``names`` (county code → name,
    :func:`county_names`) adds a ``name`` column to the placebo and weight tables."""
    summary = result.summary()
    event = pd.DataFrame(columns=_EVENT)
    pretrend: dict[str, float] = {}
    path = pd.DataFrame(columns=["time", "treated", "synthetic", "gap"])
    placebos = pd.DataFrame()
    weights = pd.DataFrame(columns=["unit", "weight"])
    est = se = p = None
    ci: tuple[float | None, float | None] = (None, None)
    treat_time = None
    if estimator == "did":
        s = result.static
        est, se, p, ci = _f(s.estimate), _f(s.se), _f(s.pvalue), (_f(s.ci[0]), _f(s.ci[1]))
        if result.dynamic is not None:
            c = result.dynamic.coefficients
            event = c.reindex(columns=_EVENT)
            pretrend = {k: float(v) for k, v in result.dynamic.pretrend.items()}
    elif estimator == "cs":
        est, se = (_f(v) for v in result.overall("simple"))
        if est is not None and se:
            from scipy import stats

            p = float(2 * stats.norm.sf(abs(est / se)))
            ci = (est - 1.959963984540054 * se, est + 1.959963984540054 * se)
        a = result.aggregations
        d = a[(a["type"] == "dynamic") & ~a["overall"].astype(bool)]
        event = pd.DataFrame(
            {
                "event": d["level"].astype(int).to_numpy(),
                "estimate": d["att"].to_numpy(),
                "se": d["se"].to_numpy(),
                "ci_lower": d["ci_lower"].to_numpy(),
                "ci_upper": d["ci_upper"].to_numpy(),
                "reference": False,
            }
        )
        pretrend = {k: float(v) for k, v in result.pretrend.items()}
    elif estimator == "sc":
        est, p = _f(result.att), _f(result.pvalue)
        path = result.path.reindex(columns=["time", "treated", "synthetic", "gap"])
        placebos = result.placebos.copy()
        weights = result.weights.rename("weight").rename_axis("unit").reset_index()
        weights = weights.sort_values("weight", ascending=False, ignore_index=True)
        treat_time = int(result.treat_time)
    elif estimator == "sdid":
        est, se, p = _f(result.estimate), _f(result.se), _f(result.pvalue)
        ci = (_f(result.ci[0]), _f(result.ci[1]))
        weights = result.unit_weights.rename("weight").rename_axis("unit").reset_index()
        weights = weights.sort_values("weight", ascending=False, ignore_index=True)
        tt = (result.options or {}).get("treat_time")
        treat_time = int(tt) if tt is not None and not pd.isna(tt) else None
    return EffectView(
        estimator=estimator,
        title=ESTIMATOR_LABELS.get(estimator, estimator),
        estimate=est,
        se=se,
        pvalue=p,
        ci=ci,
        assumptions=_assumptions(summary),
        summary=summary,
        event=event.reset_index(drop=True),
        pretrend=pretrend,
        path=path.reset_index(drop=True),
        placebos=_named(placebos.reset_index(drop=True), names),
        weights=_named(weights, names),
        treat_time=treat_time,
        tables=result.tables(),
        cohorts=getattr(result, "cohorts", pd.DataFrame())
        if estimator == "sdid"
        else pd.DataFrame(),
        notes=[str(n) for n in getattr(result, "notes", [])],
        synthetic=bool(getattr(result, "synthetic", False)),
    )


@dataclass
class PilotChecks:
    """The placebo checks of a pilot on a warehouse outcome (see :func:`pilot_checks`)."""

    ri_estimate: float
    ri_pvalue: float
    permutations: int
    seed: int | None
    placebo_att: float | None
    placebo_se: float | None
    placebo_pvalue: float | None
    shift: int
    window: tuple[int, int] | None
    summary: str
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    def table(self) -> pd.DataFrame:
        """One row per check: ``check, estimate, se, pvalue, note`` (Chinese check names)."""
        win = "" if self.window is None else f"{self.window[0]}–{self.window[1]} 年"
        return pd.DataFrame(
            [
                {
                    "check": "随机化推断（置换试点县）",
                    "estimate": self.ri_estimate,
                    "se": None,
                    "pvalue": self.ri_pvalue,
                    "note": f"TWFE 系数；置换 {self.permutations} 次（种子 {self.seed}）",
                },
                {
                    "check": f"安慰剂时点（提前 {self.shift} 年）",
                    "estimate": self.placebo_att,
                    "se": self.placebo_se,
                    "pvalue": self.placebo_pvalue,
                    "note": f"Callaway–Sant'Anna，仅用首个试点年之前的 {win}；应不显著",
                },
            ]
        )


def pilot_checks(
    con: duckdb.DuckDBPyConnection,
    *,
    policy: str,
    indicator: str | None = None,
    evaluation: str | None = None,
    dimension: str | None = None,
    permutations: int = 199,
    seed: int | None = 0,
    shift: int = 2,
) -> PilotChecks:
    """Placebo checks a referee asks for, on the panel of
    :func:`xinzhi.pipelines.causal.pilot_panel`: randomisation inference for the TWFE
    coefficient (:func:`xinzhi.causal.robustness.randomization_inference`: cohorts permuted
    across counties, ``p = (1 + #{|β_b| ≥ |β|}) / (1 + B)``, Young 2019) and the in-time
    placebo (:func:`xinzhi.causal.robustness.placebo_timing`: adoption moved ``shift`` years
    earlier, Callaway–Sant'Anna on the years before the first adoption; Abadie 2021 §6). The
    placebo timing is left empty (with a note) when there are too few years before the first
    adoption."""
    if not 1 <= int(permutations) <= 5000:
        raise InputError(f"置换次数 permutations 应在 1–5000 之间，收到 {permutations}")
    if not 1 <= int(shift) <= 10:
        raise InputError(f"安慰剂提前年数 shift 应在 1–10 之间，收到 {shift}")
    panel, label, notes = pilot_panel(
        con, policy=policy, indicator=indicator, evaluation=evaluation, dimension=dimension
    )
    kw: dict[str, Any] = {
        "unit": "region_code",
        "time": "year",
        "cohort": "cohort",
        "outcome": "outcome",
    }
    ri = randomization_inference(panel, permutations=int(permutations), seed=seed, **kw)
    att = se = p = None
    window = None
    lines = [f"政策：{policy}；结果变量：{label}", ri.summary()]
    try:
        pt = placebo_timing(panel, shift=int(shift), **kw)
    except (InputError, ComputationError) as exc:  # too few years before the first adoption
        notes.append(f"安慰剂时点检验未做：{exc}")
    else:
        att, se = (_f(v) for v in pt.result.overall("simple"))
        if att is not None and se:
            from scipy import stats

            p = float(2 * stats.norm.sf(abs(att / se)))
        window = (int(pt.window[0]), int(pt.window[1]))
        lines.append(pt.summary())
    return PilotChecks(
        ri_estimate=float(ri.estimate),
        ri_pvalue=float(ri.pvalue),
        permutations=int(permutations),
        seed=seed,
        placebo_att=att,
        placebo_se=se,
        placebo_pvalue=p,
        shift=int(shift),
        window=window,
        summary="\n".join(lines),
        notes=[*notes, *(str(n) for n in ri.notes)],
        synthetic=bool(getattr(ri, "synthetic", False)),
    )
