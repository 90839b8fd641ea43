"""A seeded synthetic talent base of one county (示例数据): talents (résumés) and job postings of
local firms, for demonstrations and tests.

:func:`synthetic_talent` draws the occupations from the skills vocabulary
(:func:`xinzhi.match.vocab.skill_vocabulary`: every skill cites its 国家职业分类大典 2022
occupation, so each occupation comes with its own skills), weighted towards the industries of the
county's firms when a firm frame is given (through the occupation ↔ GB/T 4754 table of
:func:`xinzhi.match.shortage.occupation_divisions`). Postings are spread over the firms; supply
per occupation is demand times a random factor, so some occupations are short and others
over-supplied. Every row has ``synthetic = True``; names say nothing about real persons
(surname + a generic given name + "（示例）"), phone numbers are of the fictional block
``1990000xxxx``. The default county 湘潭县 (430321) is an example, not a statement about it.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.match.shortage import EDUCATION_LABELS, occupation_divisions

__all__ = ["synthetic_talent"]

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "军",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
]
_MAJORS = {
    "2": ["机械设计制造及其自动化", "电气工程及其自动化", "计算机科学与技术", "化学工程与工艺"],
    "4": ["市场营销", "物流管理", "电子商务", "酒店管理", "会计"],
    "5": ["农学", "园艺", "动物科学"],
    "6": ["机电一体化技术", "焊接技术与自动化", "数控技术", "模具设计与制造", "电气自动化技术"],
}
_EDU_BY_MAJOR_GROUP = {"2": (3, 6), "3": (2, 4), "4": (1, 4), "5": (1, 3), "6": (1, 4)}
_FIRM_SUFFIX = ["机械", "重工", "电气", "新材料", "食品", "物流", "建设", "科技"]


def _occupations(vocabulary: pd.DataFrame) -> pd.DataFrame:
    """``code, name`` of the occupations the vocabulary's skills cite, with their skills."""
    src = vocabulary["source"].astype(str).str.extract(r"(\d-\d{2}-\d{2}-\d{2})\s*(\S+)?")
    voc = vocabulary.assign(code=src[0], occ_name=src[1]).dropna(subset=["code"])
    g = voc.groupby("code")
    out = pd.DataFrame(
        {"name": g["occ_name"].first(), "skills": g["skill"].agg(lambda s: list(s))}
    ).reset_index()
    out["name"] = out["name"].fillna(out["code"]).str.replace(r"（.*$", "", regex=True)
    return out


def _weights(occ: pd.DataFrame, firms: pd.DataFrame | None) -> np.ndarray:
    """Demand weight per occupation: 1 for every occupation, +4 for those a division of the
    firms needs (by the firms' count), manufacturing (6-) 2 when there are no firms."""
    base = np.ones(len(occ))
    if firms is None or firms.empty or "industry_code" not in firms.columns:
        return base + np.where(occ["code"].str.startswith("6-"), 1.0, 0.0)
    div = occupation_divisions()
    counts = firms["industry_code"].dropna().astype(str).str[:2].value_counts()
    need = div.assign(n=div["division"].map(counts).fillna(0))
    for prefix, n in need.groupby("prefix")["n"].sum().items():  # ~60 prefixes
        if n > 0:
            base = base + np.where(
                occ["code"].str.startswith(str(prefix)), 4.0 * n / counts.sum(), 0
            )
    return base


def _pick_skills(rng: np.random.Generator, pools: pd.Series, lo: int, hi: int) -> list[str]:
    out = []
    for pool in pools:  # one list per row of the synthetic table (a generator, not an analysis)
        k = int(rng.integers(lo, hi + 1))
        k = min(k, len(pool))
        out.append(";".join(rng.choice(pool, size=k, replace=False)) if k else "")
    return out


def _synthetic_firms(region_code: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
    names = [
        f"湘{chr(0x4E00 + int(rng.integers(0, 2000)))}{_FIRM_SUFFIX[i % len(_FIRM_SUFFIX)]}"
        f"有限公司（示例）"
        for i in range(n)
    ]
    return pd.DataFrame({"credit_code": [None] * n, "name": names, "industry_code": [None] * n})


def synthetic_talent(
    region_code: str = "430321",
    seed: int = 0,
    *,
    n_talents: int = 2000,
    n_jobs: int = 600,
    firms: pd.DataFrame | None = None,
    vocabulary: pd.DataFrame | None = None,
    as_of: date | None = None,
    county_name: str = "湘潭县",
    n_occupations: int = 40,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Talents and jobs of county ``region_code`` (示例数据), the same for the same seed.

    Parameters
    ----------
    region_code : str
        6-digit county code written into every row.
    seed : int
        Random seed.
    n_talents, n_jobs : int
        Rows of each base (defaults 2,000 and 600).
    firms : DataFrame, optional
        The county's firms (``credit_code, name, industry_code``) that post the jobs; without
        them, 40 invented firms "（示例）".
    vocabulary : DataFrame, optional
        ``skill, group, source`` (default :func:`xinzhi.match.vocab.skill_vocabulary`).
    as_of : date, optional
        Postings fall in the year before it (default 2026-06-30).
    county_name : str
        Written into the posting texts.
    n_occupations : int
        Occupations drawn (weighted by the firms' industries) for the county.

    Returns
    -------
    (talents, jobs) : DataFrames with the frame columns of ``docs/match_talent.md``.

    Examples
    --------
    >>> t, j = synthetic_talent(seed=1, n_talents=50, n_jobs=20)
    >>> len(t), len(j), bool(t["synthetic"].all()), t["region_code"].unique().tolist()
    (50, 20, True, ['430321'])
    """
    if not (isinstance(region_code, str) and region_code.isdigit() and len(region_code) == 6):
        raise InputError(f"区划代码应为 6 位数字，收到 {region_code!r}")
    if n_talents < 1 or n_jobs < 1:
        raise InputError("示例人才数与岗位数须至少为 1")
    if vocabulary is None:
        from xinzhi.match.vocab import skill_vocabulary

        vocabulary = skill_vocabulary()
    rng = np.random.default_rng(seed)
    day = as_of or date(2026, 6, 30)
    every = _occupations(vocabulary)
    local = (
        firms if firms is not None and not firms.empty else _synthetic_firms(region_code, 40, rng)
    )
    w_all = _weights(every, firms)
    chosen = rng.choice(
        len(every), size=min(n_occupations, len(every)), replace=False, p=w_all / w_all.sum()
    )
    occ = every.iloc[np.sort(chosen)].reset_index(drop=True)
    w = w_all[np.sort(chosen)]
    p_demand = w / w.sum()
    # supply = demand × a log-normal factor: some occupations short, others over-supplied
    factor = rng.lognormal(mean=0.4, sigma=0.8, size=len(occ))
    p_supply = p_demand * factor
    p_supply = p_supply / p_supply.sum()

    # ------------------------------------------------------------------ jobs
    jo = rng.choice(len(occ), size=n_jobs, p=p_demand)
    jocc = occ.iloc[jo].reset_index(drop=True)
    major_group = jocc["code"].str[0]
    lo_hi = major_group.map(lambda g: _EDU_BY_MAJOR_GROUP.get(g, (1, 4)))
    edu_min = np.array([rng.integers(a, b) for a, b in lo_hi])  # a rule per row's group
    years_min = rng.choice([0, 1, 2, 3, 5], size=n_jobs, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    wage = 3000 + 900 * edu_min + 300 * years_min + rng.normal(0, 400, n_jobs)
    wage = wage * (1 + 0.3 * (factor[jo] < 0.8))  # short occupations pay more
    salary_min = (np.round(wage / 100) * 100).astype(float)
    salary_max = (np.round(wage * 1.3 / 100) * 100).astype(float)
    positions = np.minimum(rng.geometric(0.45, n_jobs), 10)
    posted = [day - timedelta(days=int(d)) for d in rng.integers(1, 365, n_jobs)]
    fill_days = rng.exponential(25 + 40 * (factor[jo] < 0.8), n_jobs).astype(int) + 3
    filled_at = [p + timedelta(days=int(f)) for p, f in zip(posted, fill_days, strict=True)]
    filled = [f if f <= day and rng.random() < 0.65 else None for f in filled_at]
    firm_i = rng.integers(0, len(local), n_jobs)
    firm = local.iloc[firm_i].reset_index(drop=True)
    skills = _pick_skills(rng, jocc["skills"], 2, 4)
    edu_label = pd.Series(edu_min).map(EDUCATION_LABELS)
    text = (
        "招聘"
        + jocc["name"]
        + pd.Series(positions).astype(str)
        + "名，要求"
        + edu_label
        + "及以上学历，"
        + pd.Series(years_min).astype(str)
        + "年以上相关经验，熟悉"
        + pd.Series(skills).str.replace(";", "、")
        + "。工作地点："
        + county_name
        + "。"
    )
    jobs = pd.DataFrame(
        {
            "job_id": [f"SJ{region_code}{i:05d}" for i in range(n_jobs)],
            "credit_code": firm["credit_code"].astype(object),
            "firm_name": firm["name"].astype(object),
            "region_code": region_code,
            "title": jocc["name"],
            "text": text,
            "education_min": edu_min.astype(int),
            "years_min": years_min.astype(float),
            "skills": skills,
            "location": region_code,
            "salary_min": salary_min,
            "salary_max": salary_max,
            "positions": positions.astype(int),
            "posted": posted,
            "filled": filled,
            "occupation_code": jocc["code"],
            "synthetic": True,
        }
    )

    # ------------------------------------------------------------------ talents
    to = rng.choice(len(occ), size=n_talents, p=p_supply)
    tocc = occ.iloc[to].reset_index(drop=True)
    group = tocc["code"].str[0]
    lo_hi = group.map(lambda g: _EDU_BY_MAJOR_GROUP.get(g, (1, 4)))
    edu = np.array([rng.integers(a, b + 1) for a, b in lo_hi])
    years = np.round(rng.gamma(2.0, 3.0, n_talents), 1)
    tskills = _pick_skills(rng, tocc["skills"], 1, 5)
    majors = group.map(lambda g: _MAJORS.get(g, _MAJORS["6"]))
    major = [m[int(rng.integers(0, len(m)))] for m in majors]
    names = [
        f"{_SURNAMES[int(a)]}{_GIVEN[int(b)]}（示例）"
        for a, b in zip(
            rng.integers(0, len(_SURNAMES), n_talents),
            rng.integers(0, len(_GIVEN), n_talents),
            strict=True,
        )
    ]
    expect = np.round((3000 + 800 * edu + 200 * np.minimum(years, 10)) / 100) * 100
    tedu = pd.Series(edu).map(EDUCATION_LABELS)
    resume = (
        pd.Series(names)
        + "，"
        + tedu
        + "学历，"
        + pd.Series(major)
        + "专业，"
        + pd.Series(years).astype(str)
        + "年"
        + tocc["name"]
        + "工作经验，掌握"
        + pd.Series(tskills).str.replace(";", "、")
        + "。期望月薪"
        + pd.Series(expect.astype(int)).astype(str)
        + "元，求职意向："
        + tocc["name"]
        + "。"
    )
    talents = pd.DataFrame(
        {
            "person_id": [f"ST{region_code}{i:05d}" for i in range(n_talents)],
            "name": names,
            "phone": [f"1990000{i % 10000:04d}" for i in range(n_talents)],
            "region_code": region_code,
            "text": resume,
            "education_level": edu.astype(int),
            "major": major,
            "years": years.astype(float),
            "skills": tskills,
            "certificates": None,
            "location": region_code,
            "salary_expect": expect.astype(float),
            "occupation_code": tocc["code"],
            "synthetic": True,
        }
    )
    return talents, jobs
