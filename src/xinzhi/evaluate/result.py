"""``EvaluationResult``: scores, weights, normalised data and obstacle degrees of one evaluation."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.evaluate.aggregate import grey_coefficients, topsis_distances
from xinzhi.evaluate.ahp import AHPResult
from xinzhi.evaluate.coupling import coupling_coordination
from xinzhi.evaluate.obstacle import dimension_obstacles, group_obstacles
from xinzhi.evaluate.options import EvaluationOptions
from xinzhi.indicators.system import IndicatorSystem
from xinzhi.results import Result

__all__ = ["EvaluationResult"]

METHOD_ZH = {
    "entropy": "熵权法",
    "critic": "CRITIC",
    "cv": "变异系数法",
    "std": "标准差法",
    "equal": "等权",
    "ahp": "AHP",
    "expert": "专家权重",
}
HEADERS_ZH = {
    "unit": "评价单元",
    "year": "年份",
    "score": "综合得分",
    "rank": "排名",
    "indicator": "指标编码",
    "name": "指标名称",
    "dimension": "一级维度",
    "direction": "方向",
    "weight": "权重",
    "obstacle": "障碍度",
    "group": "分组",
    "n_units": "单元数",
    "option": "选项",
    "value": "取值",
    "method": "方法",
    "criterion": "准则",
}


PARTS_ZH = {
    "entropy_e": "信息熵e_j",
    "entropy_d": "差异系数d_j（1−e_j）",
    "entropy_k": "熵值常数k",
    "critic_sigma": "标准差σ_j",
    "critic_conflict": "冲突性Σ(1−r)",
    "critic_information": "信息量C_j",
    "topsis_d_plus": "正理想解距离D⁺",
    "topsis_d_minus": "负理想解距离D⁻",
}


@dataclass(repr=False)
class EvaluationResult(Result):
    """Everything one call of :func:`xinzhi.evaluate.evaluate` produced, plus its options.

    Arrays are row-aligned with ``units``/``years`` (one row per unit-year) and column-aligned
    with ``codes``. Long tables are built on demand.
    """

    system: IndicatorSystem
    options: EvaluationOptions
    units: NDArray[Any]
    years: NDArray[np.int64]
    has_year: bool
    codes: list[str]
    normalized: NDArray[np.float64]
    weights: NDArray[np.float64]
    ingredients: dict[str, NDArray[np.float64]]
    combination_coefficients: NDArray[np.float64]
    score: NDArray[np.float64]
    dimension_names: list[str]
    dimension_index: NDArray[np.int64]
    dimension_scores: NDArray[np.float64]
    dimension_weights: NDArray[np.float64]
    obstacle_matrix: NDArray[np.float64]
    ahp: list[AHPResult] = field(default_factory=list)
    imputed: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)  # min_coverage screening
    #: years of the rows of ``year_weights`` with ``weight_scope="year"`` (None: pooled weights;
    #: then ``weights`` is the one vector, else ``weights`` is the mean of the yearly ones)
    weight_years: NDArray[np.int64] | None = None
    year_weights: NDArray[np.float64] | None = None
    year_ingredients: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    #: entropy_e, entropy_d, entropy_k, critic_sigma, critic_conflict, critic_information
    #: (one row per weight set, like ``year_weights``)
    indicator_parts: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    #: two-stage method: the second-stage intermediates and ``renormalised`` dimension scores
    dimension_parts: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    year_dimension_weights: NDArray[np.float64] | None = None
    #: what the flat aggregation ran on (z, or p with ``score_basis="proportion"``), the weights
    #: of each row and the groups of its ideals (None: pooled) — for :meth:`details`
    basis: NDArray[np.float64] | None = None
    row_weights: NDArray[np.float64] | None = None
    row_groups: NDArray[np.int64] | None = None

    @property
    def flat(self) -> bool:
        """True when the total score is the flat aggregation of all indicators (not the
        hierarchical / two-stage one)."""
        return not self.options.hierarchical and self.options.dimension_weights == "sum"

    @property
    def topsis_distances(self) -> NDArray[np.float64] | None:
        """TOPSIS ``D⁺, D⁻`` per row (n × 2), when the total score is a flat TOPSIS."""
        if self.options.aggregate != "topsis" or not self.flat or self.basis is None:
            return None
        w = self.weights if self.row_weights is None else self.row_weights
        return np.column_stack(topsis_distances(self.basis, w, self.row_groups))

    @property
    def grey_coefficients(self) -> NDArray[np.float64] | None:
        """Grey relational coefficients ξ_ij (n × m), when the total score is a flat grey grade."""
        if self.options.aggregate != "grey" or not self.flat or self.basis is None:
            return None
        return grey_coefficients(self.basis, self.row_groups, rho=self.options.grey_rho)

    # ------------------------------------------------------------------ tables
    def _keys(self) -> pd.DataFrame:
        year: Any = self.years if self.has_year else pd.array([pd.NA] * len(self.years), "Int64")
        return pd.DataFrame({"unit": self.units, "year": year})

    @property
    def rank(self) -> NDArray[np.int64]:
        """Rank within year (1 = best; ties share the smallest rank)."""
        s = pd.Series(self.score)
        r = s.groupby(self.years).rank(ascending=False, method="min")
        return np.asarray(r, dtype=np.int64)

    def scores(self) -> pd.DataFrame:
        """``unit, year, score, rank, dim:<name>…`` (one row per unit-year)."""
        out = self._keys()
        out["score"] = self.score
        out["rank"] = self.rank
        for d, name in enumerate(self.dimension_names):
            out[f"dim:{name}"] = self.dimension_scores[:, d]
        return out

    def tidy(self) -> pd.DataFrame:
        """The score table (:meth:`scores`)."""
        return self.scores()

    def weight_table(self, *, by_year: bool = True, aliases: bool = True) -> pd.DataFrame:
        """``indicator, name, dimension, direction, weight``, then ``<method>_weight`` per
        ingredient and the intermediates (``entropy_e`` e_j, ``entropy_d`` d_j = 1 − e_j,
        ``entropy_k``, ``critic_sigma`` σ_j, ``critic_conflict`` Σ_k(1 − r_jk),
        ``critic_information`` C_j). With ``weight_scope="year"`` one block per year, led by a
        ``year`` column (``by_year=False``: one row per indicator, the mean weight).

        ``aliases``: also the old column names ``entropy``, ``critic``, … holding the ingredient
        weights (deprecated; kept for one release, use ``<method>_weight``).
        """
        top = self.system.top_dimension_of()
        inds = self.system.indicators
        base = pd.DataFrame(
            {
                "indicator": self.codes,
                "name": [i.name for i in inds],
                "dimension": [top[c] for c in self.codes],
                "direction": [i.direction for i in inds],
            }
        )
        yearly = self.weight_years is not None and self.year_weights is not None and by_year
        n_sets = len(self.weight_years) if yearly and self.weight_years is not None else 1
        blocks = []
        for k in range(n_sets):
            out = base.copy()
            if yearly and self.weight_years is not None and self.year_weights is not None:
                out.insert(0, "year", int(self.weight_years[k]))
                out["weight"] = self.year_weights[k]
                ingredients = {m: w[k] for m, w in self.year_ingredients.items()}
            else:
                out["weight"] = self.weights
                ingredients = dict(self.ingredients)
            for method, w in ingredients.items():
                out[f"{method}_weight"] = w
            if yearly or self.weight_years is None:
                for part, v in self.indicator_parts.items():
                    out[part] = v[k]
            if aliases:
                for method, w in ingredients.items():
                    out[method] = w
            blocks.append(out)
        return pd.concat(blocks, ignore_index=True)

    def dimension_weight_table(self) -> pd.DataFrame:
        """``[year,] dimension, weight`` (and the second-stage entropy / CRITIC intermediates of
        the two-stage method)."""
        dw = self.year_dimension_weights
        if dw is None:
            dw = self.dimension_weights[None, :]
        blocks = []
        for k in range(dw.shape[0]):
            out = pd.DataFrame({"dimension": self.dimension_names, "weight": dw[k]})
            if self.weight_years is not None and dw.shape[0] == len(self.weight_years):
                out.insert(0, "year", int(self.weight_years[k]))
            for part, v in self.dimension_parts.items():
                if part != "renormalised":
                    out[part] = v[k]
            blocks.append(out)
        return pd.concat(blocks, ignore_index=True)

    def details(self) -> pd.DataFrame:
        """Row intermediates: ``unit, year, score`` and, when computed, ``topsis_d_plus`` /
        ``topsis_d_minus`` (D⁺, D⁻), ``grey:<code>`` (relational coefficients ξ_ij) and
        ``dim_norm:<dimension>`` (two-stage: the re-normalised dimension scores)."""
        out = self._keys()
        out["score"] = self.score
        dist = self.topsis_distances
        if dist is not None:
            out["topsis_d_plus"] = dist[:, 0]
            out["topsis_d_minus"] = dist[:, 1]
        extra = []
        xi = self.grey_coefficients
        if xi is not None:
            extra.append(pd.DataFrame(xi, columns=[f"grey:{c}" for c in self.codes]))
        renorm = self.dimension_parts.get("renormalised")
        if renorm is not None:
            extra.append(
                pd.DataFrame(renorm, columns=[f"dim_norm:{d}" for d in self.dimension_names])
            )
        return pd.concat([out, *extra], axis=1) if extra else out

    def normalized_table(self) -> pd.DataFrame:
        """Normalised (direction-adjusted) data: ``unit, year`` + one column per indicator."""
        return pd.concat([self._keys(), pd.DataFrame(self.normalized, columns=self.codes)], axis=1)

    def obstacles(self) -> pd.DataFrame:
        """Long table ``unit, year, indicator, dimension, obstacle`` (sums to 1 per unit-year)."""
        n, m = self.obstacle_matrix.shape
        keys = self._keys()
        return pd.DataFrame(
            {
                "unit": np.repeat(keys["unit"].to_numpy(), m),
                "year": np.repeat(keys["year"].to_numpy(), m),
                "indicator": np.tile(np.array(self.codes, dtype=object), n),
                "dimension": np.tile(
                    np.array(self.dimension_names, dtype=object)[self.dimension_index], n
                ),
                "obstacle": self.obstacle_matrix.ravel(),
            }
        )

    def obstacles_wide(self) -> pd.DataFrame:
        """Indicator obstacle degrees, one column per indicator."""
        return pd.concat(
            [self._keys(), pd.DataFrame(self.obstacle_matrix, columns=self.codes)], axis=1
        )

    def dimension_obstacles(self) -> pd.DataFrame:
        """Long table ``unit, year, dimension, obstacle`` (sum of member indicators)."""
        u = dimension_obstacles(
            self.obstacle_matrix, self.dimension_index, len(self.dimension_names)
        )
        n, k = u.shape
        keys = self._keys()
        return pd.DataFrame(
            {
                "unit": np.repeat(keys["unit"].to_numpy(), k),
                "year": np.repeat(keys["year"].to_numpy(), k),
                "dimension": np.tile(np.array(self.dimension_names, dtype=object), n),
                "obstacle": u.ravel(),
            }
        )

    def group_obstacles(
        self, groups: pd.Series | dict[str, str] | None = None, *, by: str = "dimension"
    ) -> pd.DataFrame:
        """Mean obstacle of member units per group and year (``groups=None``: all units = 全部)."""
        table = self.dimension_obstacles() if by == "dimension" else self.obstacles()
        if groups is None:
            groups = {str(u): "全部" for u in np.unique(self.units)}
        return group_obstacles(table, groups, by=by)

    def coupling(
        self, alpha: NDArray[np.float64] | None = None, *, form: str = "standard"
    ) -> pd.DataFrame:
        """Coupling coordination between the top-level dimension sub-scores (``C, T, D, level``)."""
        cc = coupling_coordination(self.dimension_scores, alpha, form=form)
        return pd.concat([self._keys(), cc], axis=1)

    # ------------------------------------------------------------------ display / export
    def summary(self) -> str:
        """Short Chinese text: what was computed with which options, and the top units."""
        o = self.options
        yrs = np.unique(self.years)
        lines = [
            f"综合评价：指标体系 {self.system.name}（{len(self.codes)} 个指标，{len(self.dimension_names)} 个一级维度）",
            f"样本：{len(np.unique(self.units))} 个单元"
            + (f" × {len(yrs)} 年（{yrs.min()}–{yrs.max()}）" if self.has_year else ""),
            f"标准化：{o.normalization}（{'混合 pooled' if o.scope == 'pooled' else '逐年 per-year'}，平移 {o.shift}）",
            f"赋权：{o.weights}"
            + (
                f"（{' + '.join(o.ingredients)}，{o.combination}）"
                if o.weights == "combined"
                else ""
            ),
            f"集成：{o.aggregate}" + ("（分层）" if o.hierarchical else ""),
        ]
        conventions = []
        if o.weight_scope == "year":
            conventions.append("逐年赋权（每年单独标准化、赋权、计分）")
        if o.entropy_k == "nonzero":
            conventions.append("熵值 k = 1/ln(非零比重个数)")
        if o.rescale is not None:
            conventions.append(f"标准化区间 [{o.rescale[0]:g}, {o.rescale[1]:g}]")
        if o.score_basis == "proportion":
            conventions.append("按熵权比重 p_ij 计分")
        if o.dimension_weights != "sum":
            scope = "逐年" if o.dimension_scope == "year" else "混合"
            conventions.append(f"两阶段：维度得分{scope}再标准化，{o.dimension_weights} 赋维度权重")
        if conventions:
            lines.append("约定：" + "；".join(conventions))
        if len(self.imputed):
            lines.append(f"缺失值插补：{len(self.imputed)} 个单元格（{o.missing}）")
        if len(self.excluded):
            lines.append(
                f"数据不足剔除：{len(self.excluded)} 个单元的指标覆盖率低于 {o.min_coverage:.0%}"
            )
        s = self.scores()
        last = s[self.years == yrs.max()].sort_values("rank").head(10)
        lines.append(
            "排名前 10："
            + "，".join(f"{r.rank}. {r.unit} {r.score:.4f}" for r in last.itertuples())
        )
        wt = self.weight_table(by_year=False).sort_values("weight", ascending=False).head(5)
        lines.append("权重前 5：" + "，".join(f"{r.name} {r.weight:.4f}" for r in wt.itertuples()))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = html.escape(self.summary()).replace("\n", "<br>")
        return f"<div>{body}</div>" + self.scores().head(20).to_html(index=False)

    def options_table(self) -> pd.DataFrame:
        """Options as ``option, value`` rows."""
        d = self.options.as_dict()
        d["system"] = self.system.name
        return pd.DataFrame({"option": list(d), "value": [str(v) for v in d.values()]})

    def excel_headers(self) -> dict[str, str]:
        """Chinese headers of every sheet, incl. the weight methods and dimensions used."""
        ren = dict(HEADERS_ZH)
        ren.update({f"{m}_weight": f"{METHOD_ZH.get(m, m)}权重" for m in self.ingredients})
        ren.update(PARTS_ZH)
        ren.update({f"grey:{c}": f"灰色关联系数:{c}" for c in self.codes})
        ren.update({f"dim_norm:{d}": f"维度得分（再标准化）:{d}" for d in self.dimension_names})
        ren.update({f"dim:{d}": f"维度得分:{d}" for d in self.dimension_names})
        return ren

    def tables(self) -> dict[str, pd.DataFrame]:
        """The workbook's sheets: scores, weights, normalised data, obstacle degrees, options
        (and AHP consistency, imputed cells when present)."""
        sheets: dict[str, pd.DataFrame] = {
            "综合得分": self.scores(),
            "权重": self.weight_table(aliases=False),
            "标准化数据": self.normalized_table(),
            "指标障碍度": self.obstacles_wide(),
            "维度障碍度": self.dimension_obstacles(),
            "评价参数": self.options_table(),
        }
        details = self.details()
        if details.shape[1] > 3:
            sheets["中间结果"] = details
        if self.options.hierarchical or self.options.dimension_weights != "sum":
            sheets["维度权重"] = self.dimension_weight_table()
        if self.ahp:
            sheets["AHP一致性"] = pd.concat([r.tidy() for r in self.ahp], ignore_index=True)
        if len(self.imputed):
            sheets["缺失值插补"] = self.imputed
        if len(self.excluded):
            sheets["数据不足剔除"] = self.excluded
        return sheets

    def to_json(self) -> str:
        """Scores, weights and options as UTF-8 JSON."""
        payload = {
            "system": self.system.name,
            "options": self.options.as_dict(),
            "scores": json.loads(self.scores().to_json(orient="records", force_ascii=False)),
            "weights": json.loads(self.weight_table().to_json(orient="records", force_ascii=False)),
        }
        return json.dumps(payload, ensure_ascii=False, indent=2, default=str)
