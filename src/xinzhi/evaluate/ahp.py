"""Analytic hierarchy process (AHP, 层次分析法; Saaty 1977, 1980).

Judgement matrices come from YAML (``criteria`` + ``matrix``; cells may be ``"1/3"``) or Excel
(first column and header row = criteria labels). A file may hold several *blocks*: one over the
top-level dimensions and one per dimension over its indicators; an indicator's global weight is
the product of its local weights along the hierarchy.

Formulas (docs/evaluate.md §3.5; Saaty 1980): principal eigenvector ``A w = λmax w`` (w summed to
1), ``CI = (λmax − n)/(n − 1)``, ``CR = CI/RI(n)`` with RI from Saaty (1980) or Alonso & Lamata
(2006).

A perfectly consistent matrix built from weights 4 : 2 : 1 (a_ij = w_i/w_j) returns exactly those
weights, 4/7 = 0.5714, 2/7 = 0.2857, 1/7 = 0.1429, with λmax = n = 3 and hence CI = CR = 0:

>>> r = ahp([[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]], ["甲", "乙", "丙"])
>>> [round(float(v), 4) for v in r.weights]
[0.5714, 0.2857, 0.1429]
>>> round(r.lambda_max, 6), round(abs(r.cr), 6)
(3.0, 0.0)

Where to look
-------------
* Docs: ``docs/evaluate.md`` §3.5 (层次分析法, RI tables).
* Tests: ``tests/evaluate/test_eval_methods.py`` (Saaty's light-intensity example, hierarchy,
  Excel input), ``tests/evaluate/test_eval_ahp_random_index.py`` (RI tables re-derived).
* CLI: ``xinzhi evaluate --weights ahp:FILE`` (YAML or Excel judgement matrices).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from numpy.typing import NDArray

from xinzhi import yamlfile
from xinzhi.errors import ComputationError, ConfigError, InputError

__all__ = [
    "RI_ALONSO_LAMATA",
    "RI_SAATY",
    "AHPBlock",
    "AHPResult",
    "ahp",
    "ahp_system_weights",
    "read_judgements",
]

#: Saaty (1980) random consistency index RI(n), n = 1..15 (n = 11..15 as extended by Saaty).
RI_SAATY: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}  # fmt: skip
#: Alonso & Lamata (2006, Table 3) mean random consistency index, n = 1..15: the mean CI of
#: random reciprocal matrices with entries from Saaty's 17 values {1/9, …, 1, …, 9}. n = 3 is the
#: exact mean over all 17³ matrices (0.52446); ``tests/evaluate`` checks every n against a seeded
#: simulation.
RI_ALONSO_LAMATA: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.5245, 4: 0.8815, 5: 1.1086, 6: 1.2479, 7: 1.3417, 8: 1.4056,
    9: 1.4499, 10: 1.4854, 11: 1.5141, 12: 1.5365, 13: 1.5551, 14: 1.5713, 15: 1.5838,
}  # fmt: skip
RI_TABLES = {"saaty": RI_SAATY, "alonso-lamata": RI_ALONSO_LAMATA}


@dataclass(frozen=True)
class AHPResult:
    """Priorities and consistency of one judgement matrix."""

    criteria: tuple[str, ...]
    weights: NDArray[np.float64]
    lambda_max: float
    ci: float
    ri: float
    cr: float
    ri_table: str

    def tidy(self) -> pd.DataFrame:
        """One row per criterion: criterion, weight (plus the matrix-level statistics)."""
        return pd.DataFrame(
            {
                "criterion": list(self.criteria),
                "weight": self.weights,
                "lambda_max": self.lambda_max,
                "CI": self.ci,
                "RI": self.ri,
                "CR": self.cr,
            }
        )


@dataclass(frozen=True)
class AHPBlock:
    """One judgement matrix over named criteria (dimension names or indicator codes)."""

    criteria: tuple[str, ...]
    matrix: NDArray[np.float64]


def ahp(
    matrix: Any,
    criteria: Sequence[str] | None = None,
    *,
    ri_table: str = "saaty",
    max_cr: float = 0.1,
    allow_inconsistent: bool = False,
) -> AHPResult:
    r"""Principal-eigenvector priorities and consistency ratio (Saaty 1980).

    .. math::
        A w = \lambda_{\max} w,\quad CI = \frac{\lambda_{\max} - n}{n - 1},\quad
        CR = \frac{CI}{RI(n)}

    RI from Saaty (1980) by default or Alonso & Lamata (2006) (``ri_table="alonso-lamata"``).
    CR = 0 for n ≤ 2.

    Raises
    ------
    ComputationError
        If CR ≥ ``max_cr`` (default 0.1) and ``allow_inconsistent`` is false.
    ConfigError
        If the matrix is not square, not positive, has a diagonal ≠ 1 or is not reciprocal.
    """
    a = _as_matrix(matrix)
    n = a.shape[0]
    names = tuple(criteria) if criteria is not None else tuple(f"C{i + 1}" for i in range(n))
    if len(names) != n:
        raise ConfigError(f"判断矩阵为 {n}×{n}，但给出了 {len(names)} 个准则名称")
    _check_reciprocal(a, names)
    if ri_table not in RI_TABLES:
        raise ConfigError(
            f"未知的随机一致性指标表 ri_table={ri_table!r}；可选：saaty、alonso-lamata"
        )
    table = RI_TABLES[ri_table]
    if n not in table:
        raise ConfigError(f"判断矩阵阶数 n={n} 超出随机一致性指标表（RI）范围（1–15）")
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = table[n]
    cr = ci / ri if ri > 0 else 0.0
    if cr >= max_cr and not allow_inconsistent:
        raise ComputationError(
            f"判断矩阵（{', '.join(names[:6])}{'…' if n > 6 else ''}）一致性检验未通过："
            f"λmax={lam:.4f}，CI={ci:.4f}，RI={ri}，CR={cr:.4f} ≥ {max_cr}；"
            "请调整判断矩阵，或显式设置 allow_inconsistent（ahp_allow_inconsistent: true）"
        )
    return AHPResult(names, w, lam, ci, ri, cr, ri_table)


def _parse_cell(v: Any) -> float:
    if isinstance(v, str):
        try:
            return float(Fraction(v.strip()))
        except (ValueError, ZeroDivisionError) as exc:
            raise ConfigError(f"判断矩阵元素 {v!r} 不是数或分数（如 1/3）") from exc
    return float(v)


def _as_matrix(matrix: Any) -> NDArray[np.float64]:
    rows = matrix.to_numpy() if isinstance(matrix, pd.DataFrame) else matrix
    try:
        a = np.array([[_parse_cell(v) for v in row] for row in rows], dtype=np.float64)
    except TypeError as exc:
        raise ConfigError("判断矩阵应为二维方阵（列表的列表）") from exc
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ConfigError(f"判断矩阵应为方阵，实际形状为 {a.shape}")
    return a


def _check_reciprocal(a: NDArray[np.float64], names: Sequence[str]) -> None:
    if not np.isfinite(a).all() or (a <= 0).any():
        raise ConfigError("判断矩阵元素必须全为正数")
    if not np.allclose(np.diag(a), 1.0):
        raise ConfigError("判断矩阵对角线元素必须为 1")
    bad = ~np.isclose(a * a.T, 1.0, rtol=1e-3)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise ConfigError(
            f"判断矩阵不是互反矩阵：a[{names[i]},{names[j]}]={a[i, j]:.4g}，"
            f"a[{names[j]},{names[i]}]={a[j, i]:.4g}，应满足 a_ij·a_ji = 1"
        )


def read_judgements(source: str | Path | Mapping[str, Any] | Sequence[Any]) -> list[AHPBlock]:
    """Read judgement-matrix blocks from a YAML/Excel file or an already-parsed mapping.

    Accepted YAML shapes: ``{criteria: [...], matrix: [[...]]}``, a list of such mappings, or
    ``{blocks: [...]}``. Excel: every sheet is one block (labels in the first column and header).
    """
    if isinstance(source, str | Path):
        p = Path(source)
        if not p.exists():
            raise InputError(f"找不到 AHP 判断矩阵文件 {p}")
        if p.suffix.lower() in {".xlsx", ".xls"}:
            sheets = pd.read_excel(p, sheet_name=None, index_col=0, engine="calamine")
            blocks = []
            for sheet, df in sheets.items():
                labels = [str(c).strip() for c in df.columns]
                rows = [str(r).strip() for r in df.index]
                if labels != rows:
                    raise ConfigError(f"AHP 文件 {p} 工作表 {sheet!r} 的行标签与列标签不一致")
                blocks.append(AHPBlock(tuple(labels), _as_matrix(df)))
            return blocks
        try:
            data = yamlfile.safe_load(p.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"无法读取 AHP 判断矩阵文件 {p}：{exc}") from exc
    else:
        data = source
    if isinstance(data, Mapping) and "blocks" in data:
        data = data["blocks"]
    if isinstance(data, Mapping):
        data = [data]
    if not isinstance(data, Sequence) or not data:
        raise ConfigError("AHP 判断矩阵应为 {criteria, matrix} 映射或其列表")
    out = []
    for i, b in enumerate(data):
        if not isinstance(b, Mapping) or "criteria" not in b or "matrix" not in b:
            raise ConfigError(f"AHP 判断矩阵第 {i + 1} 块缺少键 criteria 或 matrix")
        out.append(AHPBlock(tuple(str(c) for c in b["criteria"]), _as_matrix(b["matrix"])))
    return out


def ahp_system_weights(
    blocks: Sequence[AHPBlock],
    codes: Sequence[str],
    top_dimension: Mapping[str, str],
    *,
    ri_table: str = "saaty",
    max_cr: float = 0.1,
    allow_inconsistent: bool = False,
) -> tuple[NDArray[np.float64], list[AHPResult]]:
    """Global indicator weights from AHP blocks.

    Either one block over all indicator codes, or one block over the top-level dimension names
    plus one block per dimension over that dimension's indicator codes (global weight = dimension
    weight × local weight).
    """
    results = [
        ahp(b.matrix, b.criteria, ri_table=ri_table, max_cr=max_cr,
            allow_inconsistent=allow_inconsistent)
        for b in blocks
    ]  # fmt: skip
    local: dict[str, float] = {}
    dim_w: dict[str, float] = {}
    dims = set(top_dimension.values())
    code_set = set(codes)
    for r in results:
        crit = set(r.criteria)
        if crit <= dims:
            dim_w.update(zip(r.criteria, r.weights.tolist(), strict=True))
        elif crit <= code_set:
            local.update(zip(r.criteria, r.weights.tolist(), strict=True))
        else:
            unknown = sorted(crit - dims - code_set)
            raise ConfigError(f"AHP 判断矩阵中的准则 {unknown} 既不是指标编码也不是一级维度名称")
    missing = [c for c in codes if c not in local]
    if missing:
        raise ConfigError(
            f"AHP 判断矩阵没有覆盖指标 {missing[:5]}{'…' if len(missing) > 5 else ''}"
        )
    if dim_w:
        miss_d = sorted(dims - set(dim_w))
        if miss_d:
            raise ConfigError(f"AHP 维度判断矩阵没有覆盖一级维度 {miss_d}")
        w = np.array([dim_w[top_dimension[c]] * local[c] for c in codes])
    else:
        w = np.array([local[c] for c in codes])
    return w / w.sum(), results
