"""A seeded synthetic county of technology demands and research teams (示例数据).

:func:`synthetic_tech` writes technology demands of local firms from the links of a county's
leading industries and a pool of research teams, experts and 飞地 partners, for demonstrations
and tests. Every row has ``synthetic = True`` and every surface labels it 示例数据; names say
"（示例）". Nothing here describes a real firm or team.

The default county is 湘潭县 (430321) with four illustrative leading industries whose links
follow the chain templates of :mod:`xinzhi.industry.chains` (工程机械, 汽车及零部件, 粮油,
光伏、风电与储能); the choice is an example, not a statement about the county.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from xinzhi.codes.credit import credit_check_chars, org_check_chars
from xinzhi.errors import InputError
from xinzhi.match.tech import DEMAND_COLUMNS, TEAM_COLUMNS, TEAM_KINDS, TECH_FIELDS

__all__ = ["DEFAULT_INDUSTRIES", "synthetic_tech"]

# link → (technology field, problem keywords)
_Link = tuple[str, str, tuple[str, ...]]

DEFAULT_INDUSTRIES: dict[str, tuple[_Link, ...]] = {
    "工程机械": (
        ("铸锻件", "新材料", ("铸件", "缩孔", "热处理", "球墨铸铁")),
        ("液压与传动件", "先进制造与自动化", ("液压阀", "密封", "泄漏", "疲劳寿命")),
        ("电控与传感器", "电子信息", ("控制器", "传感器", "CAN总线", "故障诊断")),
        ("整机制造", "先进制造与自动化", ("焊接机器人", "装配线", "数字孪生", "智能制造")),
        ("维修与再制造", "资源与环境", ("再制造", "激光熔覆", "寿命评估", "回收")),
    ),
    "汽车及零部件": (
        ("动力电池", "新能源与节能", ("锂电池", "热管理", "电池管理系统", "快充")),
        ("汽车电子", "电子信息", ("车载终端", "毫米波雷达", "嵌入式软件", "功能安全")),
        ("发动机与零部件", "先进制造与自动化", ("精密加工", "轻量化", "铝合金压铸", "检测")),
        ("整车制造", "先进制造与自动化", ("涂装", "机器视觉", "质量追溯", "柔性产线")),
    ),
    "粮油": (
        ("谷物加工", "生物与新医药", ("发酵", "酶解", "保鲜", "稻米深加工")),
        ("食用油加工", "生物与新医药", ("压榨", "精炼", "菜籽油", "品质检测")),
        ("粮油加工装备", "先进制造与自动化", ("烘干机", "色选", "节能改造", "自动包装")),
        ("良种与农机服务", "资源与环境", ("育种", "土壤改良", "无人机植保", "节水灌溉")),
    ),
    "光伏、风电与储能": (
        ("风电装备", "新能源与节能", ("风电叶片", "复合材料", "齿轮箱", "状态监测")),
        ("储能电池", "新能源与节能", ("储能", "电池管理系统", "热失控", "梯次利用")),
        ("逆变与输变电设备", "电子信息", ("逆变器", "功率器件", "电能质量", "电机控制")),
        ("硅材料与电子材料", "新材料", ("硅片", "切割", "电子浆料", "提纯")),
    ),
}
"""Leading industry → links (link, field, keywords) of the default synthetic county."""

_VERBS = ("攻关", "优化", "开发", "提升", "解决")
_INSTITUTIONS = (
    ("湘潭大学", "湘潭", "430302"),
    ("湖南科技大学", "湘潭", "430304"),
    ("中南大学", "长沙", "430104"),
    ("湖南大学", "长沙", "430104"),
    ("长沙理工大学", "长沙", "430111"),
    ("湖南工程学院", "湘潭", "430302"),
    ("华中科技大学", "武汉", "420111"),
    ("深圳先进技术研究院", "深圳", "440305"),
    ("清华大学", "北京", "110108"),
    ("浙江大学", "杭州", "330106"),
)
_ENCLAVES = (("长沙", "430104"), ("深圳", "440305"), ("上海", "310115"))
_SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"


def _credits(region: str, serials: Sequence[int]) -> list[str]:
    """Valid 18-character credit codes (GB 32100 / GB 11714 check characters) of synthetic
    firms registered in ``region``."""
    org = pd.Series([f"{70_000_000 + s:08d}" for s in serials])
    org = org + org_check_chars(org).astype(str)
    body = "91" + region + org
    return (body + credit_check_chars(body).astype(str)).tolist()


def synthetic_tech(
    *,
    county: str = "430321",
    county_name: str = "湘潭县",
    n_demands: int = 60,
    n_teams: int = 120,
    seed: int = 16,
    industries: Mapping[str, Sequence[_Link]] | None = None,
    today: date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Demands and teams of one county (示例数据; same seed → same frames).

    Parameters
    ----------
    county, county_name : str
        The county the demands come from (6-digit code and name).
    n_demands, n_teams : int
        Rows to write (≥ 1 each).
    seed : int
        Random seed.
    industries : mapping, optional
        Leading industry → links ``(link, field, keywords)``; default :data:`DEFAULT_INDUSTRIES`.
    today : date, optional
        Reference date of the deadlines (default 2026-01-01, fixed so that runs repeat).

    Returns
    -------
    (DataFrame, DataFrame)
        Demands (:data:`~xinzhi.match.tech.DEMAND_COLUMNS`) and teams
        (:data:`~xinzhi.match.tech.TEAM_COLUMNS`).

    Examples
    --------
    >>> d, t = synthetic_tech(n_demands=4, n_teams=6, seed=1)
    >>> len(d), len(t), bool(d["synthetic"].all()), d["region_code"].unique().tolist()
    (4, 6, True, ['430321'])
    """
    if n_demands < 1 or n_teams < 1:
        raise InputError("示例数据的需求数与团队数都应不小于 1")
    if len(county) != 6 or not county.isdigit():
        raise InputError(f"县级区划代码应为 6 位数字，收到 {county!r}")
    inds = dict(industries or DEFAULT_INDUSTRIES)
    links = [(chain, link) for chain, ls in inds.items() for link in ls]
    if not links:
        raise InputError("至少需要一个主导产业及其环节")
    rng = np.random.default_rng(seed)
    ref = today or date(2026, 1, 1)

    pick = rng.integers(0, len(links), n_demands)
    budgets = np.round(rng.lognormal(mean=np.log(80), sigma=0.6, size=n_demands) / 5) * 5
    days = rng.integers(60, 365, n_demands)
    codes = _credits(county, range(1, n_demands + 1))
    demand_rows = []
    for i in range(n_demands):
        chain, (link, fld, kws) = links[int(pick[i])]
        chosen = [str(x) for x in rng.choice(kws, size=min(3, len(kws)), replace=False)]
        verb = _VERBS[int(rng.integers(0, len(_VERBS)))]
        firm = f"（示例）{county_name}{chain}{i % 17 + 1:02d}号企业"
        demand_rows.append(
            {
                "demand_id": f"TD{county}{i + 1:04d}",
                "credit_code": codes[i],
                "firm_name": firm,
                "region_code": county,
                "title": f"{link}{chosen[0]}技术{verb}",
                "text": (
                    f"本企业属{chain}产业链{link}环节，在{'、'.join(chosen)}方面存在技术瓶颈，"
                    f"需要{verb}{chosen[0]}相关工艺与装备，希望与高校院所团队合作，"
                    f"形成可在产线验证的解决方案。（示例数据）"
                ),
                "field": fld,
                "chain": chain,
                "chain_link": link,
                "industry_code": None,
                "keywords": ";".join(chosen),
                "budget": float(budgets[i]),
                "deadline": ref + timedelta(days=int(days[i])),
                "status": "征集中",
                "synthetic": True,
            }
        )
    demands = pd.DataFrame(demand_rows, columns=list(DEMAND_COLUMNS))

    all_kw = [(fld, kws) for ls in inds.values() for (_l, fld, kws) in ls]
    kinds = rng.choice(len(TEAM_KINDS), size=n_teams, p=[0.6, 0.3, 0.1])
    team_rows = []
    for j in range(n_teams):
        kind = TEAM_KINDS[int(kinds[j])]
        fld, kws = all_kw[int(rng.integers(0, len(all_kw)))]
        other = TECH_FIELDS[int(rng.integers(0, len(TECH_FIELDS)))]
        fields = [fld] if other == fld else [fld, other]
        _extra_fld, extra_kws = all_kw[int(rng.integers(0, len(all_kw)))]
        pool = list(dict.fromkeys([*kws, *extra_kws]))
        chosen = [str(x) for x in rng.choice(pool, size=min(4, len(pool)), replace=False)]
        surname = _SURNAMES[int(rng.integers(0, len(_SURNAMES)))]
        if kind == "飞地":
            city, region = _ENCLAVES[int(rng.integers(0, len(_ENCLAVES)))]
            inst = f"{county_name}（{city}）科创飞地"
            name = f"（示例）{inst}{'、'.join(chosen[:2])}联合研发中心"
            partner = county
        else:
            inst, city, region = _INSTITUTIONS[int(rng.integers(0, len(_INSTITUTIONS)))]
            noun = "教授团队" if kind == "团队" else "研究员"
            name = f"（示例）{inst}{surname}{noun}"
            partner = None
        papers = int(rng.integers(2, 40))
        patents = int(rng.integers(0, 15))
        team_rows.append(
            {
                "team_id": f"RT{j + 1:04d}",
                "name": name,
                "kind": kind,
                "institution": inst,
                "city": city,
                "region_code": region,
                "partner_county": partner,
                "fields": ";".join(fields),
                "keywords": ";".join(chosen),
                "text": (
                    f"研究方向：{'、'.join(chosen)}；近五年发表论文 {papers} 篇，授权发明专利 "
                    f"{patents} 件，承担{fields[0]}领域横向项目多项。（示例数据）"
                ),
                "capacity": int(rng.integers(1, 4)) if kind != "专家" else 1,
                "contact": f"{surname}老师",
                "phone": f"1380000{j:04d}",
                "email": f"team{j + 1:04d}@example.org",
                "synthetic": True,
            }
        )
    teams = pd.DataFrame(team_rows, columns=list(TEAM_COLUMNS))
    return demands, teams
