"""Concordance between the national input-output tables (42 and 153 sectors) and GB/T 4754-2017,
and the inter-industry linkage coefficients at section (门类) or division (大类) level.

The concordance (``io_concordance.yaml`` beside this module) was written for xinzhi from the
official names of both classifications: each of the 42 sectors of the 2017, 2018 and 2020 NBS
tables aggregates whole divisions (大类) of GB/T 4754-2017 (e.g. sector 06 食品和烟草 = divisions
13–16). Division 11 开采专业及辅助性活动 belongs to sector 05; division 97 国际组织 is outside the
input-output accounts. ``io153_concordance.yaml`` does the same for the 153 sectors of the 2018
and 2020 tables, which split most manufacturing divisions into several sectors (13 农副食品加工业
= sectors 012–018). Division and class codes and names are those of
:mod:`xinzhi.codes.gbt4754`.

Linkages between industries (:func:`industry_links`) come from the table's domestic intermediate
flows ``Z`` and gross output ``x``:

- at section level the flows are first aggregated, ``Z_S = P Z P'`` and ``x_S = P x`` with ``P``
  the 0/1 sector → section matrix (Miller & Blair 2009, §4.4, aggregation of sectors), and the
  coefficients are computed on the aggregated table;
- at division level every division takes the coefficients of its sector (two divisions of the
  same sector get the sector's own, diagonal coefficient — a coarse approximation).

For supplier ``i`` and buyer ``j``:

- ``requirement_ij = (L − I)_ij`` with ``L = (I − A)⁻¹``, ``A = Z x̂⁻¹``: output of ``i`` needed,
  directly and indirectly, per unit of final demand for ``j`` beyond the unit itself — ``i`` is
  upstream of ``j`` (Leontief 1936; Miller & Blair 2009, eq. 2.11);
- ``allocation_ij = (G − I)_ij`` with ``G = (I − B)⁻¹``, ``B = x̂⁻¹ Z``: output of ``j`` that
  depends, directly and indirectly, on a unit of primary input in ``i`` — ``j`` is downstream of
  ``i`` (Ghosh 1958; Miller & Blair 2009, eq. 12.8).

With ``by="direct"`` the direct coefficients ``a_ij`` and ``b_ij`` are used instead.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

from xinzhi import yamlfile
from xinzhi.codes import gbt4754
from xinzhi.errors import InputError
from xinzhi.industry.io import (
    allocation_coefficients,
    direct_requirements,
    ghosh_inverse,
    leontief_inverse,
)
from xinzhi.industry.io_tables import IOTable

__all__ = [
    "LinkBy",
    "aggregate_flows",
    "division_sectors",
    "industry_links",
    "io42_sectors",
    "io153_sectors",
    "section_io_sectors",
]

LinkBy = Literal["total", "direct"]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.industry").joinpath("io_concordance.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


def io42_sectors() -> pd.DataFrame:
    """The 42 sectors of the 2017/2018/2020 tables: ``io42, io42_name``."""
    items = _data()["io42"]
    return pd.DataFrame({"io42": list(items), "io42_name": list(items.values())})


def division_sectors() -> pd.DataFrame:
    """The 97 divisions of GB/T 4754-2017 (:func:`xinzhi.codes.gbt4754.divisions`) with their
    42-sector IO sector.

    Columns ``division, name, section, io42, io42_name`` (``io42`` is ``None`` for a division
    outside the input-output accounts: 97 国际组织).
    """
    d = _data()
    out = gbt4754.divisions()
    out["io42"] = out["division"].map(lambda k: d["divisions"][k])
    out["io42_name"] = out["io42"].map(d["io42"])
    return out[["division", "name", "section", "io42", "io42_name"]]


def section_io_sectors() -> dict[str, list[str]]:
    """Section letter → the 42-sector IO sectors it aggregates (T 国际组织 maps to none)."""
    d = division_sectors().dropna(subset=["io42"])
    grouped = d.groupby("section")["io42"].agg(lambda s: sorted(set(s)))
    return {str(k): list(v) for k, v in grouped.items()}


def aggregate_flows(
    z: np.ndarray, x: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Aggregate an IO table by groups: ``Z_G = P Z P'``, ``x_G = P x`` (``P`` 0/1, G × n).

    Returns ``(Z_G, x_G, labels)`` with groups in sorted order.
    """
    codes, labels = pd.factorize(pd.Series(groups), sort=True)
    p = np.zeros((labels.size, codes.size))
    p[codes, np.arange(codes.size)] = 1.0
    return p @ z @ p.T, p @ x, np.asarray(labels, dtype=object)


def _coefficients(z: np.ndarray, x: np.ndarray, by: LinkBy) -> tuple[np.ndarray, np.ndarray]:
    a = direct_requirements(z, x)
    b = allocation_coefficients(z, x)
    if by == "direct":
        return a, b
    eye = np.eye(x.size)
    return leontief_inverse(a) - eye, ghosh_inverse(b) - eye


@cache
def _io153() -> dict[str, tuple[str, list[str]]]:
    text = resources.files("xinzhi.industry").joinpath("io153_concordance.yaml").read_text("utf-8")
    return {
        str(k): (str(v[0]), [str(d) for d in v[1]])
        for k, v in yamlfile.safe_load(text)["sectors"].items()
    }


def io153_sectors() -> pd.DataFrame:
    """The 153 sectors of the 2018 and 2020 tables: ``io153, io153_name, divisions``."""
    d = _io153()
    return pd.DataFrame(
        {
            "io153": list(d),
            "io153_name": [v[0] for v in d.values()],
            "divisions": [list(v[1]) for v in d.values()],
        }
    )


def _sector_divisions(table: IOTable) -> dict[str, list[str]]:
    """Sector code → the GB/T 4754-2017 divisions it covers, for a 42- or 153-sector table."""
    codes = [str(c) for c in table.codes]
    if table.n == 42 and codes == io42_sectors()["io42"].tolist():
        div = division_sectors().dropna(subset=["io42"])
        return {str(k): list(v) for k, v in div.groupby("io42")["division"]}
    if table.n == 153 and codes == list(_io153()):
        return {k: v[1] for k, v in _io153().items()}
    raise InputError(
        f"投入产出表 {table.name} 没有部门—行业对照表（只有 2017/2018/2020 年 42 部门表与 "
        "2018/2020 年 153 部门表）"
    )


def _division_groups(sector_divs: dict[str, list[str]]) -> dict[str, str]:
    """Division → label of its group: divisions linked through a shared sector form one group
    (connected components; labelled by their smallest division). A 42-sector table gives one
    group per sector; a 153-sector table mostly one group per division."""
    parent: dict[str, str] = {}

    def find(d: str) -> str:
        while parent.setdefault(d, d) != d:
            d = parent[d]
        return d

    for divs in sector_divs.values():  # ≤ 153 sectors
        root = find(divs[0])
        for d in divs[1:]:
            r = find(d)
            if r != root:
                parent[max(r, root)] = min(r, root)
                root = min(r, root)
    return {d: find(d) for d in parent}


def industry_links(
    table: IOTable, level: Literal["section", "division"] = "section", by: LinkBy = "total"
) -> pd.DataFrame:
    """Supplier × buyer linkage coefficients between sections or divisions.

    Parameters
    ----------
    table
        A 42-sector table of 2017, 2018 or 2020, or a 153-sector table of 2018 or 2020
        (:func:`xinzhi.pipelines.industry.load_io_table`).
    level
        ``"section"`` (19 sections A–S) or ``"division"`` (96 divisions 01–96). Flows are
        aggregated before inverting: to sections, or to groups of divisions — divisions that
        share a sector form one group (42 sectors: the sector's divisions; 153 sectors: mostly
        one division, e.g. the seven food-processing sectors 012–018 are division 13) and every
        division of a group takes the group's coefficients.
    by
        ``"total"`` (default): ``(L − I)`` and ``(G − I)``; ``"direct"``: ``A`` and ``B``.

    Returns
    -------
    DataFrame
        ``supplier, buyer, requirement, allocation`` for every ordered pair (self pairs included):
        ``requirement`` reads "supplier is upstream of buyer", ``allocation`` "buyer is
        downstream of supplier".
    """
    if by not in ("total", "direct"):
        raise InputError(f"未知的关联口径 by：{by}（可选 total、direct）")
    sector_divs = _sector_divisions(table)
    sectors = [str(c) for c in table.codes]
    z = np.asarray(table.z, dtype=np.float64)
    x = np.asarray(table.x, dtype=np.float64)
    section = gbt4754.divisions().set_index("division")["section"]
    if level == "section":
        groups = np.array([section[sector_divs[c][0]] for c in sectors], dtype=object)
        zg, xg, labels = aggregate_flows(z, x, groups)
        req, alloc = _coefficients(zg, xg, by)
        keys = labels
    elif level == "division":
        group_of = _division_groups(sector_divs)
        zg, xg, labels = aggregate_flows(
            z, x, np.array([group_of[sector_divs[c][0]] for c in sectors], dtype=object)
        )
        req_g, alloc_g = _coefficients(zg, xg, by)
        keys = np.array(sorted(group_of), dtype=object)
        pos = pd.Index(labels).get_indexer([group_of[d] for d in keys])
        req = req_g[np.ix_(pos, pos)]
        alloc = alloc_g[np.ix_(pos, pos)]
    else:
        raise InputError(f"未知的行业层级 level：{level}（可选 section、division）")
    n = keys.size
    return pd.DataFrame(
        {
            "supplier": np.repeat(keys, n),
            "buyer": np.tile(keys, n),
            "requirement": req.ravel(),
            "allocation": alloc.ravel(),
        }
    )
