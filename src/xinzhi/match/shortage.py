"""The county's shortage catalogue (紧缺人才目录): postings against local supply per occupation,
a shortage index with ★ ratings and evidence, the link to the industry chain (人才地图) and the
alerts when a key occupation's gap widens.

Method
------
For each county *c* and occupation *o* (国家职业分类大典 2022 code, at the chosen ``level``: 职业
4, 小类 3 or 中类 2) with at least one posting:

* demand :math:`D` = open positions (sum of ``positions`` of the postings);
* supply :math:`S` = talents of the county whose occupation is *o* (job seekers);
* ratio :math:`R = D / \\max(S, 1)` — the 求人倍率 (需求人数 / 求职人数) of the 人力资源社会保障部
  quarterly 《部分城市公共就业服务机构市场供求状况分析》 (中国人力资源市场信息监测中心), taken per
  occupation; a county with no seeker of *o* counts one so that *R* stays finite;
* gap :math:`G = D - S` — the 缺口 (招聘需求人数 − 求职人数) by which 中国就业培训技术指导中心
  ranks its quarterly 《全国招聘大于求职“最缺工”的100个职业排行》 (since 2019);
* duration :math:`T` = mean days from ``posted`` to ``filled`` (or to ``as_of`` while open) —
  how long a vacancy takes to fill;
* wage premium :math:`W = m_o / m_c - 1`, the median posting wage of *o* (midpoint of
  ``salary_min``/``salary_max``, 元/月) over the median of all postings of the county;
* education :math:`E` = mean required education level (0–6, 不详 left out) of *o*'s postings.

Each component is min-max normalised across the occupations of the county,
:math:`x' = (x - \\min) / (\\max - \\min)` (0 where all are equal or the value is missing), and

.. math:: I = 100 \\cdot \\sum_k w_k x'_k / \\sum_k w_k

with the weights :data:`DEFAULT_WEIGHTS` (ratio 0.30, gap 0.30, duration 0.15, wage premium
0.15, education 0.10; configurable). Demand-side pressure (ratio and gap, the two indicators the
public rankings use) carries 60 %; duration and wage premium are the market's own signals of
difficulty; education says how hard the occupation is to supply. The weighting is ours (no
official index publishes weights) and documented in ``docs/match_talent.md``.

★: occupations whose supply covers the postings (:math:`G \\le 0`) are not short (0 ★);
the others get 1–5 ★ by fixed cut-offs of *I* (``stars="fixed"``: <20, 20–40, 40–60, 60–80,
≥80) or by quintiles of *I* among the short occupations of the county (``stars="quantile"``:
★ = ⌈5 · rank / n⌉).

Everything is a vectorised pandas group-by over the postings and talents (no loop over rows).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from xinzhi import yamlfile
from xinzhi.errors import InputError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.match.vocab import EDUCATION_LEVELS
from xinzhi.results import Result

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "EDUCATION_LABELS",
    "STAR_CUTS",
    "ShortageResult",
    "gap_alerts",
    "occupation_divisions",
    "occupation_group",
    "shortage_catalogue",
    "talent_map",
]

COMPONENTS = ("ratio", "gap", "duration", "wage", "education")
"""Components of the shortage index, in order."""

DEFAULT_WEIGHTS: dict[str, float] = {
    "ratio": 0.30,
    "gap": 0.30,
    "duration": 0.15,
    "wage": 0.15,
    "education": 0.10,
}
"""Default weights of the components (sum 1; see the module text for the reasons)."""

STAR_CUTS = (20.0, 40.0, 60.0, 80.0)
"""Fixed cut-offs of the index for 2, 3, 4 and 5 ★ (``stars="fixed"``)."""

EDUCATION_LABELS = EDUCATION_LEVELS
"""Education levels 0–6 of the frames: :data:`xinzhi.match.vocab.EDUCATION_LEVELS` (kept under
this name for existing callers)."""

_LEVEL_WIDTH = {4: 10, 3: 7, 2: 4}


def occupation_group(codes: pd.Series, level: int = 4) -> pd.Series:
    """大典 codes cut to ``level`` (4 职业, 3 小类, 2 中类), padded back to the ``X-XX-XX-XX``
    form the 大典 uses for groups; None where the code is missing or malformed.

    >>> occupation_group(pd.Series(["6-20-05-08", None, "bad"]), 3).tolist()
    ['6-20-05-00', None, None]
    >>> occupation_group(pd.Series(["6-20-05-08"]), 2).tolist()
    ['6-20-00-00']
    """
    if level not in _LEVEL_WIDTH:
        raise InputError(f"职业层级 level 只能是 4（职业）、3（小类）或 2（中类），收到 {level!r}")
    text = codes.astype(object).where(codes.notna(), "").astype(str).str.strip()
    ok = text.str.fullmatch(r"\d-\d{2}-\d{2}-\d{2}")
    width = _LEVEL_WIDTH[level]
    cut = text.str[:width] + "-00-00-00"[: 10 - width] if width < 10 else text
    return cut.astype(object).where(ok, None)


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS)
    if weights:
        unknown = [k for k in weights if k not in COMPONENTS]
        if unknown:
            raise InputError(
                f"紧缺指数权重中有未知分项 {'、'.join(unknown)}：可选 {'、'.join(COMPONENTS)}"
            )
        w.update({k: float(v) for k, v in weights.items()})
    bad = [k for k, v in w.items() if not (v >= 0 and math.isfinite(v))]
    if bad:
        raise InputError(f"紧缺指数权重须为非负数：{'、'.join(bad)}")
    if sum(w.values()) <= 0:
        raise InputError("紧缺指数权重之和须大于 0")
    return w


def _minmax(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Min-max per group; 0 where the group's values are all equal or the value is missing."""
    lo = values.groupby(groups).transform("min")
    hi = values.groupby(groups).transform("max")
    span = hi - lo
    out = (values - lo) / span.where(span > 0)
    return out.fillna(0.0)


def _stars(index: pd.Series, short: pd.Series, region: pd.Series, how: str) -> pd.Series:
    if how == "fixed":
        stars = pd.Series(np.searchsorted(STAR_CUTS, index.to_numpy(), side="right") + 1)
        stars.index = index.index
    elif how == "quantile":
        ranked = index.where(short).groupby(region).rank(method="average", pct=True)
        stars = np.ceil(5 * ranked).clip(1, 5)
    else:
        raise InputError(
            f"星级方法 stars 只能是 fixed（固定分档）或 quantile（五分位），收到 {how!r}"
        )
    return stars.where(short, 0).fillna(0).astype(int)


def _wage(jobs: pd.DataFrame) -> pd.Series:
    lo = pd.to_numeric(_col(jobs, "salary_min"), errors="coerce").astype("float64")
    hi = pd.to_numeric(_col(jobs, "salary_max"), errors="coerce").astype("float64")
    return ((lo.fillna(hi) + hi.fillna(lo)) / 2).astype("float64")


def _col(frame: pd.DataFrame, name: str, default: Any = None) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index, dtype=object)


def shortage_catalogue(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    *,
    level: int = 4,
    weights: Mapping[str, float] | None = None,
    stars: str = "fixed",
    as_of: dt.date | None = None,
    names: Mapping[str, str] | None = None,
    county_names: Mapping[str, str] | None = None,
    year: int | None = None,
) -> ShortageResult:
    """The shortage catalogue of every county in ``jobs`` (method: module text).

    Parameters
    ----------
    jobs, talents : DataFrame
        Frames of ``docs/match_talent.md`` (jobs: ``region_code, occupation_code, positions,
        posted, filled, salary_min, salary_max, education_min``; talents: ``region_code,
        occupation_code``). Postings without an occupation code are left out (counted in the
        notes).
    level : {4, 3, 2}
        Occupation level compared (职业 / 小类 / 中类).
    weights : mapping, optional
        Component → weight, merged over :data:`DEFAULT_WEIGHTS`.
    stars : {"fixed", "quantile"}
        ★ by :data:`STAR_CUTS` or by quintiles within the county.
    as_of : date, optional
        End of the duration of open postings (default today).
    names : mapping, optional
        Occupation code → name (大典); county_names: county code → name.
    year : int, optional
        The catalogue's year (title of the workbook).

    Examples
    --------
    >>> jobs = pd.DataFrame({"region_code": ["430321"] * 2, "occupation_code":
    ...     ["6-18-02-04", "6-24-01-00"], "positions": [5, 1]})
    >>> talents = pd.DataFrame({"region_code": ["430321"], "occupation_code": ["6-18-02-04"]})
    >>> res = shortage_catalogue(jobs, talents, as_of=dt.date(2026, 1, 1))
    >>> res.catalogue[["occupation", "demand", "supply", "gap", "stars"]].to_string(index=False)
    'occupation  demand  supply  gap  stars\\n6-18-02-04       5       1    4      4\\n6-24-01-00       1       0    1      1'
    """
    w = _weights(weights)
    day = as_of or dt.date.today()
    if stars not in ("fixed", "quantile"):
        _stars(pd.Series(dtype=float), pd.Series(dtype=bool), pd.Series(dtype=object), stars)
    notes: list[str] = []
    j = pd.DataFrame(
        {
            "region_code": _col(jobs, "region_code").astype(object),
            "occupation": occupation_group(_col(jobs, "occupation_code"), level),
            "positions": pd.to_numeric(_col(jobs, "positions"), errors="coerce").fillna(1),
            "wage": _wage(jobs),
            "education": pd.to_numeric(_col(jobs, "education_min"), errors="coerce"),
        }
    )
    posted = pd.to_datetime(_col(jobs, "posted"), errors="coerce")
    filled = pd.to_datetime(_col(jobs, "filled"), errors="coerce")
    end = filled.fillna(pd.Timestamp(day))
    j["duration"] = (end - posted).dt.days.where(posted.notna()).astype("float64")
    j.loc[j["duration"] < 0, "duration"] = np.nan
    j["education"] = j["education"].where(j["education"] > 0)
    county_wage = j.groupby("region_code")["wage"].median()
    unknown = int(j["occupation"].isna().sum())
    if unknown:
        notes.append(f"{unknown} 个岗位没有职业代码，未计入")
    j = j[j["occupation"].notna() & j["region_code"].notna()]
    t = pd.DataFrame(
        {
            "region_code": _col(talents, "region_code").astype(object),
            "occupation": occupation_group(_col(talents, "occupation_code"), level),
        }
    )
    supply = t.dropna().groupby(["region_code", "occupation"]).size().rename("supply")
    g = j.groupby(["region_code", "occupation"])
    cat = pd.DataFrame(
        {
            "demand": g["positions"].sum(),
            "postings": g.size(),
            "duration": g["duration"].mean(),
            "wage_median": g["wage"].median(),
            "education": g["education"].mean(),
        }
    )
    cat = cat.join(supply, how="left").fillna({"supply": 0})
    cat = cat.reset_index()
    cat["demand"] = cat["demand"].astype(int)
    cat["supply"] = cat["supply"].astype(int)
    cat["gap"] = cat["demand"] - cat["supply"]
    cat["ratio"] = cat["demand"] / cat["supply"].clip(lower=1)
    cat["county_wage"] = cat["region_code"].map(county_wage).astype("float64")
    cat["wage"] = cat["wage_median"] / cat["county_wage"] - 1
    region = cat["region_code"]
    total = sum(w.values())
    index = pd.Series(0.0, index=cat.index)
    for k in COMPONENTS:  # over the five components, not rows
        cat[f"{k}_norm"] = _minmax(cat[k].astype("float64"), region)
        index = index + w[k] * cat[f"{k}_norm"]
    cat["index"] = 100 * index / total
    cat["shortage"] = cat["gap"] > 0
    cat["stars"] = _stars(cat["index"], cat["shortage"], region, stars)
    cat["name"] = cat["occupation"].map(dict(names or {})).astype(object)
    cat["county_name"] = region.map(dict(county_names or {})).astype(object)
    cat["evidence"] = _evidence(cat)
    synthetic = bool(
        _col(jobs, "synthetic", False).fillna(False).astype(bool).any()
        or _col(talents, "synthetic", False).fillna(False).astype(bool).any()
    )
    cat = cat.sort_values(
        ["region_code", "stars", "index", "occupation"], ascending=[True, False, False, True]
    ).reset_index(drop=True)
    cat["rank"] = cat.groupby("region_code").cumcount() + 1
    cols = [
        "region_code",
        "county_name",
        "rank",
        "occupation",
        "name",
        "demand",
        "supply",
        "gap",
        "ratio",
        "duration",
        "wage_median",
        "wage",
        "education",
        "index",
        "stars",
        "shortage",
        "evidence",
        "postings",
        *[f"{k}_norm" for k in COMPONENTS],
    ]
    return ShortageResult(
        catalogue=cat[cols],
        options={"level": level, "weights": w, "stars": stars, "as_of": day.isoformat()},
        year=year or day.year,
        synthetic=synthetic,
        notes=notes,
    )


def _fmt_pct(x: float) -> str:
    return f"{x:+.0%}"


def _evidence(cat: pd.DataFrame) -> pd.Series:
    """One Chinese sentence per row (vectorised string building)."""
    if cat.empty:
        return pd.Series([], index=cat.index, dtype=object)
    base = (
        "岗位需求 "
        + cat["demand"].astype(str)
        + " 人，本地求职 "
        + cat["supply"].astype(str)
        + " 人，缺口 "
        + cat["gap"].astype(str)
        + "，求人倍率 "
        + cat["ratio"].map(lambda v: f"{v:.2f}")
    )
    dur = cat["duration"].map(lambda v: "" if pd.isna(v) else f"；平均招聘周期 {v:.0f} 天")
    wage = pd.Series(
        [
            ""
            if pd.isna(p) or pd.isna(m)
            else f"；薪资中位 {m:.0f} 元/月，较全县岗位中位数 {c:.0f} 元 {_fmt_pct(p)}"
            for p, m, c in zip(cat["wage"], cat["wage_median"], cat["county_wage"], strict=True)
        ],
        index=cat.index,
        dtype=object,
    )
    edu = cat["education"].map(
        lambda v: "" if pd.isna(v) else f"；学历要求平均 {EDUCATION_LABELS[round(v)]}"
    )
    return (base + dur + wage + edu).astype(object)


@dataclass
class ShortageResult(Result):
    """The shortage catalogue: one row per county and occupation with postings."""

    catalogue: pd.DataFrame
    options: dict[str, Any]
    year: int
    synthetic: bool = False
    notes: Sequence[str] = field(default_factory=list)
    chain_map: pd.DataFrame | None = None
    alerts: pd.DataFrame | None = None

    headers: ClassVar[dict[str, str]] = {
        "region_code": "区划代码",
        "county_name": "县区",
        "rank": "序号",
        "occupation": "职业代码",
        "name": "职业名称",
        "demand": "岗位需求（人）",
        "supply": "本地求职（人）",
        "gap": "缺口（人）",
        "ratio": "求人倍率",
        "duration": "平均招聘周期（天）",
        "wage_median": "薪资中位数（元/月）",
        "wage": "薪资溢价",
        "education": "学历要求（0–6）",
        "index": "紧缺指数（0–100）",
        "stars": "紧缺程度（★）",
        "shortage": "紧缺",
        "evidence": "依据",
        "postings": "岗位条数",
        "ratio_norm": "求人倍率（标准化）",
        "gap_norm": "缺口（标准化）",
        "duration_norm": "招聘周期（标准化）",
        "wage_norm": "薪资溢价（标准化）",
        "education_norm": "学历要求（标准化）",
        "chain": "产业链",
        "segment": "环节",
        "segment_name": "环节名称",
        "stage": "链位",
        "occupations": "紧缺职业",
        "change": "变化",
        "message": "提示",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"紧缺人才目录": self.catalogue}
        if self.chain_map is not None:
            out["人才地图"] = self.chain_map
        if self.alerts is not None:
            out["缺口预警"] = self.alerts
        return out

    def info_table(self) -> pd.DataFrame:
        w = self.options["weights"]
        rows = [
            ("职业层级", {4: "职业（细类）", 3: "小类", 2: "中类"}[int(self.options["level"])]),
            ("权重", "、".join(f"{k} {v:g}" for k, v in w.items())),
            ("星级", "固定分档 20/40/60/80" if self.options["stars"] == "fixed" else "五分位"),
            ("截至日期", self.options["as_of"]),
            ("方法", "见 docs/match_talent.md：求人倍率、缺口、招聘周期、薪资溢价、学历要求"),
        ]
        return pd.DataFrame(rows, columns=["项目", "内容"])

    def summary(self) -> str:
        c = self.catalogue
        short = c[c["shortage"]]
        lines = [
            f"紧缺人才目录（{self.year}）：{c['region_code'].nunique()} 个县区、"
            f"{len(c)} 个有岗位的职业，其中 {len(short)} 个紧缺"
        ]
        for _, r in short.head(10).iterrows():  # the top ten for the text only
            name = r["name"] if isinstance(r["name"], str) else r["occupation"]
            lines.append(f"  {'★' * int(r['stars'])} {name}：{r['evidence']}")
        return self.labelled("\n".join(lines))

    def title(self, region_code: str | None = None) -> str:
        """《XX县紧缺人才目录（年份）》 of one county (the first when not given)."""
        c = self.catalogue
        rows = c if region_code is None else c[c["region_code"] == region_code]
        name = None
        if len(rows):
            first = rows.iloc[0]
            name = first["county_name"] if isinstance(first["county_name"], str) else None
            name = name or str(first["region_code"])
        return f"《{name or ''}紧缺人才目录（{self.year}）》"

    def to_excel(self, path: str | Path) -> Path:
        """The catalogue document: a title sheet 《XX县紧缺人才目录（年份）》 (示例数据 where
        synthetic), then the catalogue (short occupations first), 人才地图, 缺口预警, 说明."""
        out = Path(path)
        headers = self.excel_headers()
        title = [self.title()]
        if self.synthetic:
            title.append(SYNTHETIC_NOTE)
        title += [
            f"截至 {self.options['as_of']}；紧缺程度 ★1–★5（0 ★：本地求职人数已覆盖岗位需求）",
            "紧缺指数 = 求人倍率、缺口、招聘周期、薪资溢价、学历要求五项县内标准化后的加权和（0–100）",
        ]
        with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
            pd.DataFrame({"紧缺人才目录": title}).to_excel(writer, sheet_name="封面", index=False)
            for name, table in self.tables().items():
                table.rename(columns=headers).to_excel(writer, sheet_name=name[:31], index=False)
            info = self._info_labelled()
            if info is not None:
                info.to_excel(writer, sheet_name="说明", index=False)
        return out


# ---------------------------------------------------------------------------- 人才地图
def occupation_divisions(data: Mapping[str, Any] | str | None = None) -> pd.DataFrame:
    """The occupation ↔ GB/T 4754 division table: ``prefix, name, division`` (one row per
    pair), from the bundled ``occupation_industry.yaml`` or a user's YAML (text or mapping of
    the same shape).

    >>> t = occupation_divisions()
    >>> t[t["prefix"] == "6-20"][["name", "division"]].values.tolist()
    [['通用设备制造人员', '34']]
    """
    if data is None:
        text = (
            resources.files("xinzhi.match").joinpath("occupation_industry.yaml").read_text("utf-8")
        )
        data = yamlfile.safe_load(text)
    elif isinstance(data, str):
        data = yamlfile.safe_load(data)
    if not isinstance(data, Mapping) or not isinstance(data.get("map"), list):
        raise InputError("职业—行业对照 YAML 应含 map 列表（prefix、name、divisions）")
    rows = []
    for i, e in enumerate(data["map"]):  # entries of a small table
        if not isinstance(e, Mapping) or "prefix" not in e or "divisions" not in e:
            raise InputError(f"职业—行业对照第 {i + 1} 项缺少 prefix 或 divisions")
        prefix = str(e["prefix"])
        if not pd.Series([prefix]).str.fullmatch(r"\d-\d{2}(?:-\d{2})?").iloc[0]:
            raise InputError(f"职业—行业对照第 {i + 1} 项的 prefix {prefix!r} 应为 X-XX 或 X-XX-XX")
        for d in e["divisions"]:
            if not str(d).isdigit() or len(str(d)) != 2:
                raise InputError(f"职业—行业对照 {prefix} 的行业大类 {d!r} 应为两位数字")
            rows.append({"prefix": prefix, "name": str(e.get("name", "")), "division": str(d)})
    return pd.DataFrame(rows, columns=["prefix", "name", "division"])


def talent_map(
    catalogue: pd.DataFrame, links: pd.DataFrame, divisions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """人才地图: per county and chain link the occupations it needs (through
    :func:`occupation_divisions`: an occupation whose code starts with a prefix mapped to a
    division of one of the link's GB/T 4754 classes), their demand, supply and gap and the
    highest ★ among them.

    Parameters
    ----------
    catalogue : DataFrame
        :attr:`ShortageResult.catalogue`.
    links : DataFrame
        ``chain, segment, segment_name, stage, codes`` (GB/T 4754 classes joined by ",").
    divisions : DataFrame, optional
        ``prefix, division`` (default: the bundled table).

    Returns
    -------
    DataFrame
        ``region_code, chain, segment, segment_name, stage, occupations`` (names of the short
        occupations, by ★), ``demand, supply, gap, stars``; links without any posting of a
        needed occupation have zeros.
    """
    div = occupation_divisions() if divisions is None else divisions
    lk = links.assign(division=links["codes"].astype(str).str.split(",")).explode("division")
    lk["division"] = lk["division"].str.strip().str[:2]
    lk = lk.drop_duplicates(["chain", "segment", "division"])
    need = lk.merge(div[["prefix", "division"]], on="division")
    cat = catalogue.assign(key=1)
    pairs = need.assign(key=1).merge(cat, on="key").drop(columns="key")
    hit = pairs[
        pd.Series(
            [o.startswith(p) for o, p in zip(pairs["occupation"], pairs["prefix"], strict=True)],
            index=pairs.index,
            dtype=bool,
        )
    ]
    hit = hit.drop_duplicates(["region_code", "chain", "segment", "occupation"])
    label = hit["name"].where(hit["name"].notna(), hit["occupation"]).astype(str)
    hit = hit.assign(label=label + "★" + hit["stars"].astype(str))
    g = hit.sort_values(["stars", "index"], ascending=False).groupby(
        ["region_code", "chain", "segment"], sort=False
    )
    agg = pd.DataFrame(
        {
            "demand": g["demand"].sum(),
            "supply": g["supply"].sum(),
            "gap": g["gap"].apply(lambda s: int(s.clip(lower=0).sum())),
            "stars": g["stars"].max(),
            "occupations": g["label"].agg(lambda s: "、".join(s[hit.loc[s.index, "shortage"]])),
        }
    ).reset_index()
    meta = links[["chain", "segment", "segment_name", "stage"]].drop_duplicates(
        ["chain", "segment"]
    )
    counties = catalogue[["region_code"]].drop_duplicates()
    grid = counties.assign(key=1).merge(meta.assign(key=1), on="key").drop(columns="key")
    out = grid.merge(agg, on=["region_code", "chain", "segment"], how="left")
    out = out.fillna({"demand": 0, "supply": 0, "gap": 0, "stars": 0, "occupations": ""})
    for c in ("demand", "supply", "gap", "stars"):
        out[c] = out[c].astype(int)
    return out[
        [
            "region_code",
            "chain",
            "segment",
            "segment_name",
            "stage",
            "occupations",
            "demand",
            "supply",
            "gap",
            "stars",
        ]
    ]


# ---------------------------------------------------------------------------- alerts
def gap_alerts(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    *,
    key_occupations: Sequence[str] | None = None,
    min_change: int = 1,
) -> pd.DataFrame:
    """Occupations whose gap widened from ``previous`` to ``current`` (two catalogues of
    consecutive years): ``gap_now > 0`` and ``gap_now - gap_before ≥ min_change``; only the
    ``key_occupations`` when given (e.g. those of the county's chain links). An occupation
    absent the year before had gap 0.

    Returns ``region_code, occupation, name, gap_before, gap, change, stars, message``.
    """
    cols = ["region_code", "occupation", "name", "gap_before", "gap", "change", "stars", "message"]
    prev = previous[["region_code", "occupation", "gap"]].rename(columns={"gap": "gap_before"})
    m = current.merge(prev, on=["region_code", "occupation"], how="left")
    m["gap_before"] = m["gap_before"].fillna(0).astype(int)
    m["change"] = m["gap"] - m["gap_before"]
    keep = (m["gap"] > 0) & (m["change"] >= min_change)
    if key_occupations is not None:
        keep &= m["occupation"].isin(list(key_occupations))
    m = m[keep].copy()
    label = m["name"].where(m["name"].notna(), m["occupation"]).astype(str)
    m["message"] = (
        label
        + " 缺口由 "
        + m["gap_before"].astype(str)
        + " 人扩大到 "
        + m["gap"].astype(str)
        + " 人（+"
        + m["change"].astype(str)
        + "）"
    )
    return m.sort_values(["region_code", "change"], ascending=[True, False])[cols].reset_index(
        drop=True
    )
