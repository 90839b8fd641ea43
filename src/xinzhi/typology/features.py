"""Feature table for the county typology, built from census shares, GHSL and the regions table.

Pure: DataFrames in, one DataFrame out (one row per ``region_code``).

Location quotient (区位熵, Isard 1960 "Methods of Regional Analysis"; as used for Chinese counties
e.g. in 区域经济学 textbooks)::

    LQ_i,X = s_i,X / S_X,   S_X = Σ_k w_k s_k,X / Σ_k w_k

with ``s_i,X`` the share of employed persons of county *i* in GB/T 4754 section *X*
(census code ``emp_sec_X``) and ``S_X`` the national county share (weights ``w`` = the column
named by ``weight``, by default the resident population ``pop_total`` because the census share
table carries no employed-person count; ``weight=None`` gives the unweighted mean). A combined
quotient of several sections uses the summed shares: ``LQ_i,X+Y = (s_X + s_Y)/(S_X + S_Y)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.errors import ComputationError, InputError

__all__ = [
    "DEFAULT_COMBOS",
    "DEFAULT_SECTIONS",
    "GHSL_COLUMNS",
    "build_features",
    "national_shares",
]

DEFAULT_SECTIONS: tuple[str, ...] = ("A", "B", "C", "D", "H", "R")
DEFAULT_COMBOS: dict[str, tuple[str, ...]] = {"BD": ("B", "D"), "HR": ("H", "R")}
#: tudigong ``ghsl.csv`` column -> feature name
GHSL_COLUMNS: dict[str, str] = {
    "GHSL_POP_DENS": "pop_density",
    "GHSL_URB": "ghsl_urban_share",
    "GHSL_POP_30": "urban_centre_share",
}


def _require(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(f"{what}缺少列：{', '.join(missing)}")


def _unique_codes(df: pd.DataFrame, what: str) -> pd.DataFrame:
    _require(df, ["region_code"], what)
    out = df.copy()
    out["region_code"] = out["region_code"].astype(str)
    dup = out["region_code"].duplicated(keep=False)
    if dup.any():
        codes = ", ".join(sorted(out.loc[dup, "region_code"].unique())[:5])
        raise InputError(f"{what}中地区编码重复（每县一行）：{codes}")
    return out.set_index("region_code")


def national_shares(
    census: pd.DataFrame,
    sections: Sequence[str] = SECTION_CODES,
    *,
    weight: str | None = "pop_total",
) -> pd.Series:
    r"""National county shares :math:`S_X = \sum_k w_k s_{k,X} / \sum_k w_k` per section.

    Counties with a missing share or weight are left out of the sums.
    """
    cols = [f"emp_sec_{x}" for x in sections]
    _require(census, cols + ([weight] if weight else []), "普查比重表（census shares）")
    s = census[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    w = (
        np.ones(len(census))
        if weight is None
        else pd.to_numeric(census[weight], errors="coerce").to_numpy(dtype=float)
    )
    ok = np.isfinite(s).all(axis=1) & np.isfinite(w) & (w > 0)
    if not ok.any():
        raise ComputationError(
            "没有一个县的就业比重和权重完整，无法计算全国比重（national shares）"
        )
    nat = (s[ok] * w[ok, None]).sum(axis=0) / w[ok].sum()
    return pd.Series(nat, index=cols, name="national_share")


def build_features(
    census: pd.DataFrame,
    ghsl: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
    yearbook: pd.DataFrame | None = None,
    *,
    sections: Sequence[str] = DEFAULT_SECTIONS,
    combos: Mapping[str, Sequence[str]] | None = None,
    weight: str | None = "pop_total",
    reference_shares: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Build the per-county feature table used by :func:`xinzhi.typology.classify`.

    Parameters
    ----------
    census : DataFrame
        Wide census table, one row per county: ``region_code``, ``emp_sec_A`` … ``emp_sec_T``
        (shares of employed persons, 0–1), ``urban_share``, ``pop_total`` (codes of
        ``indicators/census.yaml``). Extra columns are ignored.
    ghsl : DataFrame, optional
        ``region_code`` and the tudigong GHSL columns ``GHSL_POP_DENS`` (persons/km²),
        ``GHSL_URB`` (share of population in GHSL classes 21–30) and ``GHSL_POP_30`` (share in
        urban centres); non-numeric cells (``#DIV/0!``) become missing.
    regions : DataFrame, optional
        Regions table with ``code`` (or ``region_code``) and ``type`` (市辖区 / 县 / 县级市 / 旗 …).
    yearbook : DataFrame, optional
        User yearbook indicators (``region_code`` + codes of ``indicators/yearbook.yaml`` and any
        extra typology columns such as ``forest_cover``); ``gdp`` and ``gdp_primary`` give
        ``gdp_primary_share``.
    sections : sequence of str
        Sections whose location quotient ``lq_X`` is computed.
    combos : mapping, optional
        Combined quotients, name -> sections (default ``{"BD": ("B","D"), "HR": ("H","R")}``).
    weight : str or None
        Column weighting the national shares (default ``pop_total``; None = unweighted).
    reference_shares : mapping, optional
        National shares ``emp_sec_X -> S_X`` to use instead of computing them from ``census``
        (use this when ``census`` holds only a subset of the country).

    Returns
    -------
    DataFrame
        ``region_code`` then the feature columns (``lq_*``, ``urban_share``, ``pop_total``,
        GHSL features, ``admin_type``, yearbook columns). Missing inputs stay missing (NaN);
        the classifier reports them.

    Raises
    ------
    InputError
        Missing columns or duplicated region codes.
    ComputationError
        A national share is zero (the quotient is undefined).
    """
    combos = dict(DEFAULT_COMBOS if combos is None else combos)
    needed = sorted({*sections, *(x for v in combos.values() for x in v)})
    base = _unique_codes(census, "普查比重表（census shares）")
    cols = [f"emp_sec_{x}" for x in needed]
    _require(base, cols, "普查比重表（census shares）")
    if reference_shares is None:
        nat = national_shares(base, needed, weight=weight)
    else:
        missing = [c for c in cols if c not in reference_shares]
        if missing:
            raise InputError(f"reference_shares 缺少：{', '.join(missing)}")
        nat = pd.Series({c: float(reference_shares[c]) for c in cols})
    shares = base[cols].apply(pd.to_numeric, errors="coerce")
    out = pd.DataFrame(index=base.index)
    groups = {x: (x,) for x in sections} | {k: tuple(v) for k, v in combos.items()}
    for name, members in groups.items():
        mcols = [f"emp_sec_{x}" for x in members]
        denom = float(nat[mcols].sum())
        if not denom > 0:
            raise ComputationError(
                f"门类 {'+'.join(members)} 的全国就业比重为 0，区位熵（location quotient）无定义"
            )
        out[f"lq_{name}"] = shares[mcols].sum(axis=1, min_count=len(mcols)) / denom
    for c in ("urban_share", "pop_total"):
        if c in base.columns:
            out[c] = pd.to_numeric(base[c], errors="coerce")
    if ghsl is not None:
        g = _unique_codes(ghsl, "GHSL 表")
        _require(g, list(GHSL_COLUMNS), "GHSL 表")
        gg = (
            g[list(GHSL_COLUMNS)].apply(pd.to_numeric, errors="coerce").rename(columns=GHSL_COLUMNS)
        )
        out = out.join(gg, how="left")
    if regions is not None:
        r = regions.rename(columns={"code": "region_code"}) if "code" in regions else regions
        r = _unique_codes(r, "地区表（regions）")
        _require(r, ["type"], "地区表（regions）")
        out["admin_type"] = r["type"].reindex(out.index).astype(object)
    if yearbook is not None:
        y = _unique_codes(yearbook, "年鉴指标表（yearbook）")
        y = y.drop(columns=[c for c in ("year", "name") if c in y.columns])
        y = y.apply(pd.to_numeric, errors="coerce")
        if {"gdp", "gdp_primary"} <= set(y.columns):
            gdp = y["gdp"].where(y["gdp"] > 0)
            y["gdp_primary_share"] = y["gdp_primary"] / gdp
        out = out.join(y[[c for c in y.columns if c not in out.columns]], how="left")
    out.attrs["national_shares"] = nat.to_dict()
    return out.reset_index()
