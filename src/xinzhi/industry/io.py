"""Input-output linkages: Leontief and Ghosh models, Rasmussen linkage indices, key sectors, and
the strongest upstream / downstream sectors of a lead sector (chain mapping for 补链强链).

With intermediate flows ``Z`` (row i sells to column j) and gross output ``x``:

- direct requirements (直接消耗系数) ``A = Z x̂⁻¹`` (``a_ij = z_ij / x_j``);
- Leontief inverse (完全需要系数) ``L = (I − A)⁻¹``;
- allocation coefficients (直接分配系数) ``B = x̂⁻¹ Z`` (``b_ij = z_ij / x_i``);
- Ghosh inverse ``G = (I − B)⁻¹``;
- Rasmussen backward linkage (影响力系数) ``BL_j = n Σ_i l_ij / Σ_ij l_ij``;
- forward linkage (感应度系数), two variants:
  ``"leontief"`` ``FL_i = n Σ_j l_ij / Σ_ij l_ij`` (rows of L; the traditional Chinese textbook
  and NBS definition) and ``"ghosh"`` ``FL_i = n Σ_j g_ij / Σ_ij g_ij`` (rows of the Ghosh
  inverse, recommended by Miller & Blair 2009, §12.2, because rows of L mix the demand-driven
  model with a supply-side reading);
- key sectors (关键部门): ``BL_j > 1`` and ``FL_j > 1``.

Both indices have unweighted mean 1 by construction.

Sources: Leontief, W. (1936/1986) *Input-Output Economics*; Rasmussen, P. N. (1956).
*Studies in Inter-Sectoral Relations*. North-Holland; Ghosh, A. (1958). Input-output approach in
an allocation system. *Economica* 25(97), 58–64; Miller, R. E. & Blair, P. D. (2009).
*Input-Output Analysis: Foundations and Extensions*, 2nd ed., Cambridge University Press,
ch. 2, 12.

Examples
--------
Two sectors, Z = (10, 20), (30, 40), x = (100, 200): A = Z x̂⁻¹ = (0.1, 0.1), (0.3, 0.2);
det(I − A) = 0.9·0.8 − 0.1·0.3 = 0.69, L = (0.8, 0.1), (0.3, 0.9) / 0.69; column sums 1.1/0.69 and
1.0/0.69, so BL = 2·(1.1, 1.0)/2.1 = (1.0476, 0.9524):

>>> import numpy as np
>>> a = direct_requirements(np.array([[10.0, 20.0], [30.0, 40.0]]), np.array([100.0, 200.0]))
>>> a.tolist()
[[0.1, 0.1], [0.3, 0.2]]
>>> big_l = leontief_inverse(a)
>>> big_l.round(4).tolist(), rasmussen(big_l, 0).round(4).tolist()
([[1.1594, 0.1449], [0.4348, 1.3043]], [1.0476, 0.9524])

Where to look
-------------
* Docs: ``docs/industry.md`` §4 (投入产出关联).
* Tests: ``tests/industry/test_industry_io.py`` (Miller & Blair 2009 two-sector example,
  agreement with pymrio, the China 2020 42-sector table).
* CLI: ``xinzhi industry io``, ``xinzhi analysis io``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result

__all__ = [
    "IOResult",
    "allocation_coefficients",
    "direct_requirements",
    "ghosh_inverse",
    "io_analysis",
    "leontief_inverse",
    "rasmussen",
]

FloatArray = NDArray[np.float64]
Forward = Literal["leontief", "ghosh"]


def _safe_inverse_of(x: FloatArray) -> FloatArray:
    x = np.asarray(x, dtype=np.float64)
    if np.any(x < 0) or np.any(~np.isfinite(x)):
        raise ComputationError("总产出 x 含有负值或缺失值")
    zero = x == 0
    if zero.any():
        warnings.warn(f"{int(zero.sum())} 个部门总产出为 0，其系数记为 0", stacklevel=3)
    return np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, x))


def direct_requirements(z: FloatArray, x: FloatArray) -> FloatArray:
    """Direct requirement (technical) coefficients ``A = Z x̂⁻¹`` (Miller & Blair 2009, eq. 2.4)."""
    return np.asarray(np.asarray(z, dtype=np.float64) * _safe_inverse_of(x)[None, :])


def allocation_coefficients(z: FloatArray, x: FloatArray) -> FloatArray:
    """Ghosh allocation (direct output) coefficients ``B = x̂⁻¹ Z`` (Ghosh 1958)."""
    return np.asarray(np.asarray(z, dtype=np.float64) * _safe_inverse_of(x)[:, None])


def _inverse(m: FloatArray, what: str) -> FloatArray:
    eye = np.eye(m.shape[0])
    try:
        inv = np.linalg.solve(eye - m, eye)
    except np.linalg.LinAlgError as exc:
        raise ComputationError(f"(I − {what}) 奇异，无法求逆") from exc
    if not np.all(np.isfinite(inv)):
        raise ComputationError(f"(I − {what}) 的逆含有非有限值")
    return np.asarray(inv)


def leontief_inverse(a: FloatArray) -> FloatArray:
    """Leontief inverse ``L = (I − A)⁻¹`` (Leontief 1936; Miller & Blair 2009, eq. 2.11)."""
    return _inverse(np.asarray(a, dtype=np.float64), "A")


def ghosh_inverse(b: FloatArray) -> FloatArray:
    """Ghosh inverse ``G = (I − B)⁻¹`` (Ghosh 1958; Miller & Blair 2009, eq. 12.8)."""
    return _inverse(np.asarray(b, dtype=np.float64), "B")


def rasmussen(inverse: FloatArray, axis: Literal[0, 1]) -> FloatArray:
    """Rasmussen (1956) index: ``n · (sums along axis) / Σ all`` — columns (axis=0) of L give
    the backward linkage, rows (axis=1) of L or G the forward linkage. Mean is 1."""
    inverse = np.asarray(inverse, dtype=np.float64)
    total = inverse.sum()
    if total <= 0:
        raise ComputationError("逆矩阵元素之和非正，无法计算 Rasmussen 指数")
    return np.asarray(inverse.shape[0] * inverse.sum(axis=axis) / total)


@dataclass
class IOResult(Result):
    """Input-output coefficients and linkage indices, with the options that produced them."""

    codes: NDArray[Any]
    names: NDArray[Any]
    a: FloatArray
    l: FloatArray  # noqa: E741
    b: FloatArray
    g: FloatArray
    backward: FloatArray
    forward_leontief: FloatArray
    forward_ghosh: FloatArray
    options: dict[str, Any]
    lead_links: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def forward(self) -> FloatArray:
        """The forward linkage chosen by ``options['forward']``."""
        return self.forward_ghosh if self.options["forward"] == "ghosh" else self.forward_leontief

    def tidy(self) -> pd.DataFrame:
        """One row per sector: linkages, key-sector flag and sector type."""
        bl, fl = self.backward, self.forward
        kind = np.select(
            [(bl > 1) & (fl > 1), bl > 1, fl > 1],
            ["关键部门", "后向关联型（影响力强）", "前向关联型（感应度强）"],
            "一般部门",
        )
        return pd.DataFrame(
            {
                "code": self.codes,
                "name": self.names,
                "backward": bl,
                "forward_leontief": self.forward_leontief,
                "forward_ghosh": self.forward_ghosh,
                "key_sector": (bl > 1) & (fl > 1),
                "type": kind,
            }
        )

    def matrix(self, which: Literal["A", "L", "B", "G"]) -> pd.DataFrame:
        """One coefficient matrix with sector codes as index and columns."""
        m = {"A": self.a, "L": self.l, "B": self.b, "G": self.g}[which]
        return pd.DataFrame(m, index=self.codes, columns=self.codes)

    def tables(self) -> dict[str, pd.DataFrame]:
        zh = {
            "code": "部门代码",
            "name": "部门名称",
            "backward": "影响力系数（后向）",
            "forward_leontief": "感应度系数（Leontief行和）",
            "forward_ghosh": "感应度系数（Ghosh行和）",
            "key_sector": "关键部门",
            "type": "部门类型",
        }
        out = {"关联指数": self.tidy().rename(columns=zh)}
        for key, title in (
            ("A", "直接消耗系数A"),
            ("L", "完全需要系数L"),
            ("B", "直接分配系数B"),
            ("G", "Ghosh逆G"),
        ):
            out[title] = self.matrix(key).reset_index(names="部门代码")  # type: ignore[arg-type]
        if not self.lead_links.empty:
            out["主导部门上下游"] = self.lead_links
        out["选项"] = pd.DataFrame(
            {"选项": list(self.options), "取值": [str(v) for v in self.options.values()]}
        )
        return out

    def summary(self) -> str:
        t = self.tidy()
        key = t[t["key_sector"]]
        lines = [
            f"投入产出关联分析（{self.options.get('table', '用户数据')}，{self.codes.size} 个部门；"
            f"感应度口径 = {self.options['forward']}）",
            f"关键部门（影响力系数与感应度系数均 > 1）{len(key)} 个："
            + "、".join(f"{r.name}" for r in key.itertuples()),
        ]
        top_bl = t.sort_values("backward", ascending=False).head(5)
        lines.append(
            "影响力系数最高："
            + "、".join(f"{r.name}({r.backward:.2f})" for r in top_bl.itertuples())
        )
        if not self.lead_links.empty:
            lead = self.options["lead"]
            up = self.lead_links[self.lead_links["方向"] == "上游"]
            down = self.lead_links[self.lead_links["方向"] == "下游"]
            lines.append(f"主导部门 {lead} 的主要上游：" + "、".join(up["部门名称"].astype(str)))
            lines.append(f"主导部门 {lead} 的主要下游：" + "、".join(down["部门名称"].astype(str)))
        return "\n".join(lines)


def _lead_links(
    codes: NDArray[Any],
    names: NDArray[Any],
    a: FloatArray,
    l: FloatArray,  # noqa: E741
    b: FloatArray,
    g: FloatArray,
    lead: str,
    top: int,
    by: str,
) -> pd.DataFrame:
    hits = np.flatnonzero((codes.astype(str) == lead) | (names.astype(str) == lead))
    if hits.size != 1:
        raise InputError(f"找不到主导部门 {lead}（请用部门代码或完整中文名称）")
    k = int(hits[0])
    others = np.arange(codes.size) != k
    up_score = (a[:, k] if by == "direct" else l[:, k]).copy()
    down_score = (b[k, :] if by == "direct" else g[k, :]).copy()
    up_score[~others] = -np.inf
    down_score[~others] = -np.inf
    up = np.argsort(-up_score, kind="stable")[:top]
    down = np.argsort(-down_score, kind="stable")[:top]
    return pd.DataFrame(
        {
            "方向": ["上游"] * up.size + ["下游"] * down.size,
            "排名": np.concatenate([np.arange(1, up.size + 1), np.arange(1, down.size + 1)]),
            "部门代码": np.concatenate([codes[up], codes[down]]),
            "部门名称": np.concatenate([names[up], names[down]]),
            "直接系数": np.concatenate([a[up, k], b[k, down]]),
            "完全系数": np.concatenate([l[up, k], g[k, down]]),
        }
    )


def io_analysis(
    z: FloatArray,
    x: FloatArray,
    *,
    codes: NDArray[Any] | list[str] | None = None,
    names: NDArray[Any] | list[str] | None = None,
    forward: Forward = "leontief",
    lead: str | None = None,
    top: int = 5,
    by: Literal["direct", "total"] = "direct",
    table: str | None = None,
) -> IOResult:
    """Leontief/Ghosh coefficients, Rasmussen linkages and key sectors of one table.

    Parameters
    ----------
    z, x
        Intermediate flows (n × n; row sells to column) and gross output (n).
    forward
        Forward linkage used for key sectors: ``"leontief"`` (rows of L, default, Chinese
        convention 感应度系数) or ``"ghosh"`` (rows of G). Both are always reported.
    lead, top, by
        A lead sector (code or Chinese name): its ``top`` upstream suppliers ranked by
        ``a_ik`` (``by="direct"``) or ``l_ik`` (``"total"``) and downstream customers ranked by
        ``b_kj`` or ``g_kj``.
    """
    z = np.asarray(z, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if z.ndim != 2 or z.shape[0] != z.shape[1] or z.shape[0] != x.size:
        raise InputError("中间流量矩阵 Z 必须为 n×n，且与总产出 x 的长度一致")
    if forward not in ("leontief", "ghosh"):
        raise InputError(f"未知的感应度口径 forward：{forward}（可选 leontief、ghosh）")
    n = x.size
    codes_a = np.asarray(
        codes if codes is not None else [str(i + 1) for i in range(n)], dtype=object
    )
    names_a = np.asarray(names if names is not None else codes_a, dtype=object)
    a = direct_requirements(z, x)
    b = allocation_coefficients(z, x)
    lm = leontief_inverse(a)
    gm = ghosh_inverse(b)
    links = (
        _lead_links(codes_a, names_a, a, lm, b, gm, lead, top, by)
        if lead is not None
        else pd.DataFrame()
    )
    return IOResult(
        codes=codes_a,
        names=names_a,
        a=a,
        l=lm,
        b=b,
        g=gm,
        backward=rasmussen(lm, 0),
        forward_leontief=rasmussen(lm, 1),
        forward_ghosh=rasmussen(gm, 1),
        options={"forward": forward, "lead": lead, "top": top, "by": by, "table": table},
        lead_links=links,
    )
