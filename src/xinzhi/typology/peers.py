"""Structural peers (近邻县) and benchmark counties (标杆县) with an indicator gap table (对标).

Distance between counties *i* and *k* on standardised features (z-scores over all counties with
complete data, population standard deviation)::

    d_ik = sqrt( Σ_j (z_ij − z_kj)² ),   z_ij = (x_ij − mean_j) / sd_j

Benchmarks are the peers whose score exceeds the county's, highest first. Gap of indicator *j*
against the mean of the benchmarks ``b_j`` (direction ``s_j`` = +1 for "higher is better",
−1 otherwise), normalised by the indicator's standard deviation over all counties::

    g_j = max(0, s_j (b_j − x_j)) / sd_j,    share_j = g_j / Σ_j g_j

(docs/typology.md §2.) One feature x = (0, 1, 3, 10): mean 3.5, population sd √(61/4) = 3.90512,
so the distances from A are 1/3.90512 = 0.25607 (B) and 3/3.90512 = 0.76822 (C):

>>> import pandas as pd
>>> feats = pd.DataFrame({"region_code": ["A", "B", "C", "D"], "x": [0.0, 1.0, 3.0, 10.0]})
>>> p = nearest_peers(feats, "A", k=2)
>>> p["region_code"].tolist(), p["distance"].round(5).tolist()
(['B', 'C'], [0.25607, 0.76822])

Where to look
-------------
* Docs: ``docs/typology.md`` §2 (近邻与标杆).
* Tests: ``tests/typology/test_typology_peers.py``, ``tests/typology/test_typology_pipeline.py``.
* CLI: ``xinzhi analysis peers``; the 对标 section of ``xinzhi report``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xinzhi.errors import ComputationError, InputError, RegionError
from xinzhi.results import Result
from xinzhi.typology.classifier import TypologyResult

__all__ = ["BenchmarkResult", "benchmark", "nearest_peers"]


def _indexed(df: pd.DataFrame, what: str) -> pd.DataFrame:
    if "region_code" not in df.columns:
        raise InputError(f"{what}缺少 region_code 列")
    out = df.assign(region_code=df["region_code"].astype(str)).set_index("region_code")
    if out.index.duplicated().any():
        raise InputError(f"{what}中地区编码重复（每县一行）")
    return out


def _zscores(x: pd.DataFrame) -> pd.DataFrame:
    a = x.to_numpy(dtype=float)
    sd = a.std(axis=0)
    if len(a) < 2 or (sd == 0).any():
        const = [c for c, s in zip(x.columns, sd, strict=True) if s == 0]
        raise ComputationError(
            f"特征为常数或县数不足，无法标准化（constant column）：{', '.join(map(str, const))}"
        )
    return pd.DataFrame((a - a.mean(axis=0)) / sd, index=x.index, columns=x.columns)


def _type_of(types: TypologyResult | pd.Series | None) -> pd.Series | None:
    if types is None:
        return None
    if isinstance(types, TypologyResult):
        return types.table.set_index("region_code")["primary_type"]
    s = types.copy()
    s.index = s.index.astype(str)
    return s


def nearest_peers(
    features: pd.DataFrame,
    code: str,
    *,
    columns: Sequence[str] | None = None,
    k: int = 5,
    types: TypologyResult | pd.Series | None = None,
    same_type: bool = True,
    same_province: bool = False,
) -> pd.DataFrame:
    """The ``k`` structurally nearest counties of ``code`` (itself excluded).

    Parameters
    ----------
    features : DataFrame
        ``region_code`` + numeric feature columns.
    code : str
        The county.
    columns : sequence of str, optional
        Features used (default: every numeric column).
    k : int
        Number of peers (fewer if fewer candidates exist).
    types : TypologyResult or Series, optional
        County types (Series indexed by region_code); needed for ``same_type``.
    same_type : bool
        Keep only counties of the same primary type (ignored when ``types`` is None).
    same_province : bool
        Keep only counties of the same province (first two digits of the code).

    Returns
    -------
    DataFrame
        ``region_code, distance, rank`` (+ ``primary_type``), nearest first. Standardisation
        uses all counties with complete features, before any filter.
    """
    f = _indexed(features, "特征表")
    code = str(code)
    cols = (
        [c for c in f.columns if pd.api.types.is_numeric_dtype(f[c])]
        if columns is None
        else list(columns)
    )
    missing = [c for c in cols if c not in f.columns]
    if missing or not cols:
        raise InputError(f"特征表缺少列：{', '.join(missing) or '（无数值特征）'}")
    x = f[cols].apply(pd.to_numeric, errors="coerce").dropna()
    if code not in x.index:
        raise RegionError(f"地区 {code} 不在特征表中或其特征不完整")
    z = _zscores(x)
    d = np.sqrt(((z.to_numpy() - z.loc[[code]].to_numpy()) ** 2).sum(axis=1))
    out = pd.DataFrame({"region_code": z.index, "distance": d})
    keep = out["region_code"] != code
    t = _type_of(types)
    if t is not None:
        out["primary_type"] = t.reindex(out["region_code"]).to_numpy()
        if same_type:
            keep &= out["primary_type"] == t.get(code)
    if same_province:
        keep &= out["region_code"].str[:2] == code[:2]
    out = out[keep].sort_values(["distance", "region_code"], kind="stable").head(k)
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


@dataclass
class BenchmarkResult(Result):
    """Peers, benchmarks and the gap table of one county, with the options used."""

    code: str
    score: float
    peers: pd.DataFrame
    benchmarks: pd.DataFrame
    gaps: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """The gap table ``indicator, value, benchmark_value, gap, normalised_gap, gap_share``."""
        return self.gaps.copy()

    def summary(self) -> str:
        lines = [f"对标分析：{self.code}（得分 {self.score:.4f}）"]
        lines.append(f"  近邻县 {len(self.peers)} 个：{'、'.join(self.peers['region_code'])}")
        if self.benchmarks.empty:
            lines.append("  近邻中没有得分更高的县：本县即为同类标杆，无差距表")
            return "\n".join(lines)
        bm = "、".join(
            f"{c}（{s:.4f}）"
            for c, s in zip(self.benchmarks["region_code"], self.benchmarks["score"], strict=True)
        )
        lines.append(f"  标杆县：{bm}")
        top = self.gaps[self.gaps["gap_share"] > 0].head(5)
        for r in top.itertuples():
            lines.append(
                f"  {r.indicator}：本县 {r.value:.4g}，标杆 {r.benchmark_value:.4g}，"
                f"占总差距 {r.gap_share:.1%}"
            )
        return "\n".join(lines)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "近邻县": self.peers.rename(
                columns={
                    "region_code": "地区编码",
                    "distance": "结构距离",
                    "rank": "排序",
                    "primary_type": "主类型",
                    "score": "得分",
                }
            ),
            "标杆县": self.benchmarks.rename(
                columns={"region_code": "地区编码", "score": "得分", "distance": "结构距离"}
            ),
            "差距表": self.gaps.rename(
                columns={
                    "indicator": "指标",
                    "direction": "方向",
                    "value": "本县值",
                    "benchmark_value": "标杆值",
                    "gap": "差距",
                    "normalised_gap": "标准化差距",
                    "gap_share": "差距占比",
                }
            ),
        }

    def to_excel(self, path: str | Path) -> Path:
        """Write 近邻县 / 标杆县 / 差距表 sheets."""
        return super().to_excel(path)


def benchmark(
    features: pd.DataFrame,
    scores: pd.Series | pd.DataFrame,
    code: str,
    *,
    indicators: pd.DataFrame | None = None,
    directions: Mapping[str, str] | None = None,
    columns: Sequence[str] | None = None,
    n_peers: int = 10,
    n_benchmarks: int = 3,
    types: TypologyResult | pd.Series | None = None,
    same_type: bool = True,
    same_province: bool = False,
) -> BenchmarkResult:
    """Peers, benchmark counties and the indicator gap table of county ``code``.

    Parameters
    ----------
    features : DataFrame
        Feature table for the peer search (see :func:`nearest_peers`).
    scores : Series or DataFrame
        Scores (e.g. the NQPF composite): a Series indexed by region_code, or a DataFrame with
        ``region_code`` (or ``unit``) and ``score``.
    code : str
        The county.
    indicators : DataFrame, optional
        ``region_code`` + indicator columns for the gap table (default: the peer features).
    directions : mapping, optional
        Indicator -> ``"+"`` (higher is better, default) or ``"-"``.
    n_peers, n_benchmarks : int
        Peers searched; benchmarks kept among the peers scoring above the county.
    types, same_type, same_province
        Peer filters, see :func:`nearest_peers`.
    """
    code = str(code)
    if isinstance(scores, pd.DataFrame):
        key = "region_code" if "region_code" in scores.columns else "unit"
        if key not in scores.columns or "score" not in scores.columns:
            raise InputError("得分表须有 region_code（或 unit）与 score 两列")
        sc = pd.Series(scores["score"].to_numpy(float), index=scores[key].astype(str))
    else:
        sc = pd.Series(scores.to_numpy(float), index=scores.index.astype(str))
    if sc.index.duplicated().any():
        raise InputError("得分表中地区编码重复（每县一个得分）")
    if code not in sc.index or not np.isfinite(sc[code]):
        raise RegionError(f"地区 {code} 没有得分（score）")
    peers = nearest_peers(
        features,
        code,
        columns=columns,
        k=n_peers,
        types=types,
        same_type=same_type,
        same_province=same_province,
    )
    peers["score"] = sc.reindex(peers["region_code"]).to_numpy()
    own = float(sc[code])
    bm = peers[peers["score"] > own].sort_values("score", ascending=False, kind="stable")
    bm = bm.head(n_benchmarks)[["region_code", "score", "distance"]].reset_index(drop=True)

    ind = _indexed(indicators if indicators is not None else features, "指标表")
    cols = (
        list(columns)
        if indicators is None and columns is not None
        else [c for c in ind.columns if pd.api.types.is_numeric_dtype(ind[c])]
    )
    vals = ind[cols].apply(pd.to_numeric, errors="coerce")
    dirs = {c: (directions or {}).get(c, "+") for c in cols}
    bad = [c for c, v in dirs.items() if v not in ("+", "-")]
    if bad:
        raise InputError(f"指标方向须为 '+' 或 '-'：{', '.join(bad)}")
    if bm.empty:
        gaps = pd.DataFrame(
            columns=[
                "indicator",
                "direction",
                "value",
                "benchmark_value",
                "gap",
                "normalised_gap",
                "gap_share",
            ]
        )
    else:
        if code not in vals.index or vals.loc[code].isna().any():
            raise InputError(f"地区 {code} 的对标指标有缺失值")
        sd = vals.std(axis=0, ddof=0).to_numpy()
        if (sd == 0).any() or not np.isfinite(sd).all():
            raise ComputationError("对标指标中有常数列，无法标准化差距")
        x = vals.loc[code].to_numpy(float)
        b = vals.reindex(bm["region_code"]).mean(axis=0, skipna=True).to_numpy(float)
        s = np.array([1.0 if dirs[c] == "+" else -1.0 for c in cols])
        gap = s * (b - x)
        ng = np.maximum(gap, 0.0) / sd
        total = ng.sum()
        share = ng / total if total > 0 else np.zeros_like(ng)
        gaps = pd.DataFrame(
            {
                "indicator": cols,
                "direction": [dirs[c] for c in cols],
                "value": x,
                "benchmark_value": b,
                "gap": gap,
                "normalised_gap": ng,
                "gap_share": share,
            }
        ).sort_values("gap_share", ascending=False, kind="stable")
        gaps = gaps.reset_index(drop=True)
    options = {
        "n_peers": n_peers,
        "n_benchmarks": n_benchmarks,
        "same_type": same_type and types is not None,
        "same_province": same_province,
        "columns": list(columns) if columns is not None else None,
    }
    return BenchmarkResult(code, own, peers, bm, gaps, options)
