"""能力雷达图: a talent's abilities against a job's requirements, axis by axis, on a 0–100 scale.

Axes
----
* **Skill groups** — the groups (机械加工, 焊接, 电气自动化 …) of the skills the job asks for,
  from the skills vocabulary (:func:`xinzhi.match.vocab.skill_vocabulary`: every skill cites the
  大典 2022 occupation whose tasks name it, so a group is a bundle of an occupation family's
  tasks). The job's requirement on a group it names is 100. The talent's score on group *g* is

  .. math:: s_g = 100 \\cdot \\min\\Bigl(1, \\frac{m_g + \\tfrac12 \\min(o_g, r_g - m_g)}{r_g}\\Bigr)

  with :math:`r_g` the job's skills in *g*, :math:`m_g` those the talent has, and :math:`o_g`
  the talent's other skills of the same group (a related skill of the same family counts half:
  it shortens the training, it does not replace the skill). A job that names no skill gives the
  groups of the talent's skills, with requirement 0.
* **学历** — level 0–6 of :data:`xinzhi.match.vocab.EDUCATION_LEVELS` as
  :math:`100 \\cdot \\ell / 6` for the talent (``education_level``) and the job
  (``education_min``); 不详 (0) stays 0.
* **工作经验** — years capped at :data:`YEARS_FULL` (10): :math:`100 \\cdot \\min(y, 10) / 10`
  for the talent (``years``) and the job (``years_min``).

At most ``max_groups`` skill groups are drawn (those with most required skills first), so the
chart stays readable. The scale is ours; it is documented in ``docs/match_talent.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from xinzhi.results import Result

__all__ = ["YEARS_FULL", "RadarResult", "radar"]

YEARS_FULL = 10.0
"""Years of experience that fill the experience axis (100)."""

EDUCATION_TOP = 6
"""The highest education level (博士) = 100 on the education axis."""


def _skills(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if str(v)]
    return [s for s in str(value).split(";") if s]


def _num(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if x != x else x


@dataclass
class RadarResult(Result):
    """The radar of one talent against one job: one row per axis."""

    axes: pd.DataFrame
    person_id: str | None = None
    job_id: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = False

    headers: ClassVar[dict[str, str]] = {
        "axis": "维度",
        "kind": "类别",
        "talent": "人才得分（0–100）",
        "requirement": "岗位要求（0–100）",
        "gap": "差距",
        "detail": "说明",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"能力雷达图": self.axes}

    def summary(self) -> str:
        short = self.axes[self.axes["gap"] > 0]
        head = f"能力雷达图：人才 {self.person_id or ''} 对岗位 {self.job_id or ''}，{len(self.axes)} 个维度"
        if short.empty:
            text = head + "；各维度均达到岗位要求"
        else:
            parts = [f"{r.axis}（差 {r.gap:.0f}）" for r in short.itertuples()]
            text = head + "；未达要求：" + "、".join(parts)
        return self.labelled(text)


def radar(
    talent: Mapping[str, Any] | pd.Series,
    job: Mapping[str, Any] | pd.Series,
    vocabulary: pd.DataFrame,
    *,
    max_groups: int = 6,
) -> RadarResult:
    """The 能力雷达图 of ``talent`` against ``job`` (scale and axes: module text).

    Parameters
    ----------
    talent, job : mapping or Series
        A row of the talents frame (``skills`` ";"-joined, ``education_level``, ``years``) and
        of the jobs frame (``skills``, ``education_min``, ``years_min``).
    vocabulary : DataFrame
        ``skill, group`` (:func:`xinzhi.match.vocab.skill_vocabulary`).
    max_groups : int
        Most skill-group axes drawn.

    Examples
    --------
    >>> voc = pd.DataFrame({"skill": ["焊接", "氩弧焊", "CAD制图", "PLC编程"],
    ...                     "group": ["焊接", "焊接", "设计制图", "电气自动化"]})
    >>> t = {"skills": "氩弧焊;CAD制图", "education_level": 3, "years": 5}
    >>> j = {"skills": "焊接;CAD制图", "education_min": 2, "years_min": 3}
    >>> radar(t, j, voc).axes[["axis", "talent", "requirement"]].round(1).values.tolist()
    [['焊接', 50.0, 100.0], ['设计制图', 100.0, 100.0], ['学历', 50.0, 33.3], ['工作经验', 50.0, 30.0]]
    """
    group_of = dict(
        zip(vocabulary["skill"].astype(str), vocabulary["group"].astype(str), strict=False)
    )
    have = _skills(talent.get("skills"))
    need = _skills(job.get("skills"))
    have_g = pd.Series([group_of.get(s) for s in have], index=have, dtype=object)
    need_g = pd.Series([group_of.get(s) for s in need], index=need, dtype=object)
    rows: list[dict[str, Any]] = []
    if len(need_g.dropna()):
        counts = need_g.dropna().value_counts()
        groups = sorted(counts.index, key=lambda g: (-counts[g], str(g)))[:max_groups]
        for g in groups:  # a handful of axes
            required = [s for s in need if group_of.get(s) == g]
            matched = [s for s in required if s in have]
            others = [s for s in have if group_of.get(s) == g and s not in required]
            r, m = len(required), len(matched)
            credit = m + 0.5 * min(len(others), r - m)
            score = 100.0 * min(1.0, credit / r)
            detail = "具备：" + ("、".join(matched) if matched else "无")
            if others:
                detail += "；相近：" + "、".join(others)
            missing = [s for s in required if s not in have]
            if missing:
                detail += "；欠缺：" + "、".join(missing)
            rows.append(
                {"axis": g, "kind": "技能", "talent": score, "requirement": 100.0, "detail": detail}
            )
    else:
        for g in list(dict.fromkeys(have_g.dropna()))[:max_groups]:
            held = [s for s in have if group_of.get(s) == g]
            rows.append(
                {
                    "axis": g,
                    "kind": "技能",
                    "talent": 100.0,
                    "requirement": 0.0,
                    "detail": "具备：" + "、".join(held) + "（岗位未列技能要求）",
                }
            )
    edu_t = _num(talent.get("education_level")) or 0.0
    edu_j = _num(job.get("education_min")) or 0.0
    rows.append(
        {
            "axis": "学历",
            "kind": "学历",
            "talent": 100.0 * edu_t / EDUCATION_TOP,
            "requirement": 100.0 * edu_j / EDUCATION_TOP,
            "detail": f"人才 {int(edu_t)} 级，岗位要求 {int(edu_j)} 级（0 不详 … 6 博士）",
        }
    )
    yt = _num(talent.get("years")) or 0.0
    yj = _num(job.get("years_min")) or 0.0
    rows.append(
        {
            "axis": "工作经验",
            "kind": "经验",
            "talent": 100.0 * min(yt, YEARS_FULL) / YEARS_FULL,
            "requirement": 100.0 * min(yj, YEARS_FULL) / YEARS_FULL,
            "detail": f"人才 {yt:g} 年，岗位要求 {yj:g} 年（满 {YEARS_FULL:g} 年记 100）",
        }
    )
    axes = pd.DataFrame(rows, columns=["axis", "kind", "talent", "requirement", "detail"])
    axes.insert(4, "gap", (axes["requirement"] - axes["talent"]).clip(lower=0))
    synthetic = bool(talent.get("synthetic") or job.get("synthetic"))
    return RadarResult(
        axes=axes,
        person_id=None if talent.get("person_id") is None else str(talent.get("person_id")),
        job_id=None if job.get("job_id") is None else str(job.get("job_id")),
        options={"max_groups": max_groups},
        synthetic=synthetic,
    )
