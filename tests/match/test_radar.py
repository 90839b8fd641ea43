"""能力雷达图: scores per skill group, education and experience on the documented 0–100 scale."""

from __future__ import annotations

import pandas as pd
import pytest

from xinzhi.match.radar import radar

VOC = pd.DataFrame(
    {
        "skill": ["焊接", "氩弧焊", "二保焊", "CAD制图", "SolidWorks", "PLC编程", "电工操作"],
        "group": ["焊接", "焊接", "焊接", "设计制图", "设计制图", "电气自动化", "电气自动化"],
    }
)


def _axes(talent: dict[str, object], job: dict[str, object]) -> pd.DataFrame:
    return radar(talent, job, VOC).axes.set_index("axis")


def test_scores_by_hand() -> None:
    talent = {"skills": "焊接;CAD制图;SolidWorks", "education_level": 4, "years": 12}
    job = {"skills": "焊接;氩弧焊;二保焊;CAD制图;PLC编程", "education_min": 3, "years_min": 3}
    a = _axes(talent, job)
    # 焊接: r = 3, m = 1 (焊接), no other welding skill → 100 · 1/3
    assert a.loc["焊接", "talent"] == pytest.approx(100 / 3)
    # 设计制图: r = 1 (CAD制图), m = 1 → 100 (SolidWorks is a related extra)
    assert a.loc["设计制图", "talent"] == 100.0
    # 电气自动化: r = 1, m = 0, o = 0 → 0
    assert a.loc["电气自动化", "talent"] == 0.0
    assert a.loc[["焊接", "设计制图", "电气自动化"], "requirement"].tolist() == [100.0] * 3
    # axes ordered by required skills: 焊接 (3) first, then 1-skill groups by name
    assert list(a.index) == ["焊接", "电气自动化", "设计制图", "学历", "工作经验"]
    # education: 100 · 4/6 vs 100 · 3/6; experience capped at 10 years: 100 vs 30
    assert a.loc["学历", "talent"] == pytest.approx(400 / 6)
    assert a.loc["学历", "requirement"] == 50.0
    assert a.loc["工作经验", ["talent", "requirement"]].tolist() == [100.0, 30.0]
    # gap = max(0, requirement − talent)
    assert a.loc["焊接", "gap"] == pytest.approx(200 / 3)
    assert a.loc["学历", "gap"] == 0.0
    assert a.loc["焊接", "detail"] == "具备：焊接；欠缺：氩弧焊、二保焊"


def test_related_skill_counts_half_and_never_above_100() -> None:
    job = {"skills": "焊接;氩弧焊", "education_min": 0, "years_min": 0}
    # m = 1 (焊接), o = 1 (二保焊) → (1 + 0.5) / 2 = 75
    assert _axes({"skills": "焊接;二保焊"}, job).loc["焊接", "talent"] == 75.0
    # m = 2: full; an extra related skill does not lift it above 100
    assert _axes({"skills": "焊接;氩弧焊;二保焊"}, job).loc["焊接", "talent"] == 100.0
    # m = 0, o = 1 of r = 2: 0.5 / 2 = 25
    assert _axes({"skills": "二保焊"}, job).loc["焊接", "talent"] == 25.0


def test_job_without_skills_shows_the_talents_groups() -> None:
    a = _axes({"skills": "PLC编程", "years": 10.0}, {"skills": None, "years_min": 10})
    assert a.loc["电气自动化", ["talent", "requirement"]].tolist() == [100.0, 0.0]
    # exactly 10 years fills the axis on both sides
    assert a.loc["工作经验", ["talent", "requirement", "gap"]].tolist() == [100.0, 100.0, 0.0]


def test_summary_names_the_shortfalls() -> None:
    res = radar(
        {"person_id": "P1", "skills": "", "education_level": 2},
        {"job_id": "J1", "skills": "PLC编程", "education_min": 3},
        VOC,
    )
    assert "未达要求：电气自动化（差 100）、学历（差 17）" in res.summary()
    assert list(res.tidy().columns) == ["axis", "kind", "talent", "requirement", "gap", "detail"]
