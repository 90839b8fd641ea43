"""Rankings of a stored evaluation on a basis (县域口径 / 市辖区 / all units).

County rankings in China (百强县 and the like) rank 县, 县级市, 自治县, 旗 … separately from the
urban districts (市辖区). A ranking here is always on one **basis**:

* ``county`` — 县域口径: every county-level kind except 市辖区 (县, 县级市, 自治县, 旗, 自治旗,
  特区, 林区; :data:`xinzhi.regions.names.COUNTY_BASIS_KINDS`);
* ``district`` — 市辖区 only;
* ``all`` — every unit of the evaluation (the national all-unit ranking, 含市辖区; census units
  without an administrative kind, e.g. development zones, appear only here).

The default is the basis of the county being looked at (a 县 sees the 县域 ranking, a 市辖区
the 市辖区 ranking); without a county, 县域口径. The kind of each unit comes from the regions
table (name suffix first, GB/T 2260 sequence number second; docs/regions.md).

Ranks on a basis: ``rank = 1 + #{units of the basis and year with a higher score}`` (ties
share the best rank), nationally and within the province; the all-unit rank of the stored
evaluation is kept beside it (column ``rank_all``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import duckdb
import pandas as pd

from xinzhi.errors import InputError, NotFoundError
from xinzhi.pipelines.stored import stored_scores
from xinzhi.pipelines.warehouse import warehouse_registry
from xinzhi.regions.names import BASIS_LABELS
from xinzhi.registry import typology as decl
from xinzhi.results import Result

__all__ = [
    "BASIS_SHORT",
    "Ranking",
    "basis_line",
    "county_basis",
    "county_ranking",
    "ranking_table",
    "scope_of",
]

BASIS_SHORT: dict[str, str] = {
    "county": "县域口径",
    "district": "市辖区口径",
    "all": "全部县级单位",
}
"""Short Chinese name of each basis (headlines); the long one is
:data:`xinzhi.regions.names.BASIS_LABELS`."""


def county_basis(scores: pd.DataFrame, county: str | None) -> str:
    """Default basis: that of ``county`` (its row in ``scores``, any year), else ``county``.

    A unit without a kind (development zone) has no basis of its own: ``all``.
    """
    if county is None:
        return "county"
    rows = scores.loc[scores["region_code"] == county, "basis"]
    if rows.empty:
        raise NotFoundError(f"评价结果中没有县级单位 {county}")
    b = rows.dropna()
    return str(b.iloc[-1]) if len(b) else "all"


def scope_of(scores: pd.DataFrame, area: str | None = None) -> str | None:
    """评价范围 of a ranking: ``area`` when given, else the one :func:`xinzhi.pipelines.stored.
    stored_scores` recorded in ``scores.attrs["area"]``; None (or ``全国``): the nation."""
    a = area if area is not None else scores.attrs.get("area")
    return str(a) if isinstance(a, str) and a.strip() and a != "全国" else None


def basis_line(scores: pd.DataFrame, county: str, year: int, area: str | None = None) -> str:
    """One Chinese sentence for a county's page or report: its rank on its own basis, then the
    all-unit rank, from :func:`xinzhi.pipelines.stored.stored_scores` (e.g. ``县域口径（…；不含
    市辖区）排名 10/11，省内 6；全部县级单位（含市辖区）排名 11/12``); empty when the county has
    no score in ``year``.

    ``area``: the evaluation's 评价范围 (default: the one recorded with ``scores``,
    :func:`scope_of`); the ranks are then among the units of the scope, and the sentence says
    so: ``评价范围（湖南省）内的县域口径（…）排名 5/6，省内 5；评价范围（湖南省）内全部县级单位
    （含市辖区）排名 5/6``.
    """
    s = scores[scores["year"] == int(year)]
    row = s[s["region_code"] == county]
    if row.empty:
        return ""
    scope = scope_of(scores, area)
    inside = f"评价范围（{scope}）内" if scope else ""
    r = row.iloc[0]
    allrank = f"{inside}全部县级单位（含市辖区）排名 {int(r['rank'])}/{len(s)}"
    b = r.get("basis")
    if not isinstance(b, str) or b not in BASIS_LABELS:
        return f"本单位没有县级区划类别，只参加全部单位排名：{allrank}"
    return (
        f"{inside + '的' if inside else ''}{BASIS_LABELS[b]}排名 "
        f"{int(r['basis_rank'])}/{int(r['basis_counties'])}，"
        f"省内 {int(r['basis_province_rank'])}；{allrank}"
    )


def ranking_table(
    scores: pd.DataFrame, basis: str, year: int, province: str | None = None
) -> pd.DataFrame:
    """Rows of ``scores`` (:func:`xinzhi.pipelines.stored.stored_scores`) of ``year`` on
    ``basis``, optionally one province (name or 2/6-digit code), sorted by rank.

    Columns: ``rank`` (on the basis), ``rank_all`` (all units), ``region_code, name, region_kind,
    province_name, prefecture_name, score, province_rank`` (on the basis), ``percentile`` (on
    the basis: share of the basis' units scoring at most as high), ``dim:…``.
    """
    if basis not in BASIS_LABELS:
        raise InputError(f"排名口径只能是 {'、'.join(BASIS_LABELS)}，收到 {basis!r}")
    s = scores[scores["year"] == int(year)]
    if basis == "all":
        out = s.assign(rank_all=s["rank"])
    else:
        s = s[s["basis"] == basis]
        out = s.assign(
            rank_all=s["rank"],
            rank=s["basis_rank"].astype("int64"),
            province_rank=s["basis_province_rank"].astype("int64"),
        )
    out = out.assign(percentile=out["score"].rank(pct=True, method="max"))
    if province:
        p = str(province).strip()
        code = p[:2] if p.isdigit() else None
        keep = (
            out["province_code"].astype(str).str[:2] == code
            if code
            else out["province_name"].astype(str).str.startswith(p)
        )
        out = out[keep]
    dims = [c for c in out.columns if c.startswith("dim:")]
    cols = [
        "rank",
        "rank_all",
        "region_code",
        "name",
        "region_kind",
        "province_name",
        "prefecture_name",
        "score",
        "province_rank",
        "percentile",
        *dims,
    ]
    return out[cols].sort_values(["rank", "region_code"]).reset_index(drop=True)


@dataclass
class Ranking(Result):
    """A ranking of one stored evaluation, year and basis."""

    evaluation: str
    year: int
    basis: str
    table: pd.DataFrame
    province: str | None = None
    county: str | None = None
    notes: list[str] = field(default_factory=list)
    area: str | None = None
    """评价范围 of the evaluation (None: the nation): the ranks are among its units."""

    headers: ClassVar[dict[str, str]] = {
        "rank": "本口径排名",
        "rank_all": "全国排名（全部县级单位）",
        "region_code": "区划代码",
        "name": "名称",
        "region_kind": "区划类别",
        "province_name": "省份",
        "prefecture_name": "地市",
        "score": "综合得分",
        "province_rank": "省内排名（本口径）",
        "percentile": "百分位（本口径）",
    }

    @property
    def label(self) -> str:
        """The basis in Chinese (long form)."""
        return BASIS_LABELS[self.basis]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"排名": self.table, "说明": self.info()}

    def tidy(self) -> pd.DataFrame:
        return self.table.copy()

    def info(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "项目": ["评价结果", "年份", "排名口径", "范围", "单位数"],
                "取值": [
                    self.evaluation,
                    str(self.year),
                    self.label,
                    self.province or self.area or "全国",
                    str(len(self.table)),
                ],
            }
        )

    def top(self, n: int = 20) -> pd.DataFrame:
        """The first ``n`` rows."""
        return self.table.head(n).copy()

    def summary(self, n: int = 20) -> str:
        where = self.province or (f"评价范围（{self.area}）内" if self.area else "全国")
        units = "范围内" if self.area else "全国"
        lines = [
            f"{self.year} 年{where}排名 · {self.label} · {len(self.table)} 个单位 · "
            f"评价结果 {self.evaluation}"
        ]
        if self.basis == "all":
            lines.append("注意：这是全部县级单位的排名（含市辖区），不是县域口径。")
        for r in self.table.head(n).to_dict("records"):
            kind = r["region_kind"] if isinstance(r["region_kind"], str) else "无类别"
            lines.append(
                f"  {int(r['rank']):>4}  {r['name']}（{r['province_name']}，{kind}）"
                f"  {float(r['score']):.4f}  {units}全部单位第 {int(r['rank_all'])}"
            )
        return self.labelled("\n".join(lines))

    def to_dict(self) -> dict[str, Any]:
        return {
            "evaluation": self.evaluation,
            "year": self.year,
            "basis": self.basis,
            "basis_label": self.label,
            "province": self.province,
            "area": self.area,
            "units": len(self.table),
            "items": self.table.head(20).to_dict("records"),
        }


def county_ranking(
    con: duckdb.DuckDBPyConnection,
    *,
    evaluation: str = decl.RANKING.default("evaluation"),
    year: int | None = decl.RANKING.default("year"),
    basis: str | None = decl.RANKING.default("basis"),
    county: str | None = decl.RANKING.default("county"),
    province: str | None = decl.RANKING.default("province"),
    data_dir: Any = None,
) -> Ranking:
    """The declared analysis ``ranking`` (:data:`xinzhi.registry.typology.RANKING`): the
    ranking of stored evaluation ``evaluation`` in ``year`` (default: its latest) on ``basis``
    (default: the basis of ``county``, else 县域口径), optionally within one province."""
    opts = decl.RANKING.resolve(
        {
            "evaluation": evaluation,
            "year": year,
            "basis": basis,
            "county": county,
            "province": province,
        }
    )
    scores = stored_scores(con, opts["evaluation"])
    if scores.empty:
        raise NotFoundError(f"数据仓库中没有名为 {opts['evaluation']!r} 的评价结果")
    y = int(scores["year"].max()) if opts["year"] is None else int(opts["year"])
    if y not in set(scores["year"].astype(int)):
        have = "、".join(str(v) for v in sorted(scores["year"].unique()))
        raise NotFoundError(f"评价结果 {opts['evaluation']} 中没有 {y} 年（可选：{have}）")
    code = opts["county"]
    if code is not None and not (code.isdigit() and len(code) == 6):
        code = warehouse_registry(con).resolve(code, y, level="county").code
    b = opts["basis"] or county_basis(scores, code)
    table = ranking_table(scores, b, y, opts["province"])
    notes = []
    if b == "all":
        notes.append("全部县级单位排名（含市辖区）；县域排名请选县域口径")
    return Ranking(
        evaluation=opts["evaluation"],
        year=y,
        basis=b,
        table=table,
        province=opts["province"],
        county=code,
        notes=notes,
        area=scope_of(scores),
    )
