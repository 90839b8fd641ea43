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
from datetime import date

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


def _draw(rng: np.random.Generator, pool: np.ndarray, size: int) -> np.ndarray:
    """``size`` items of each row of ``pool`` (object array, "" = no item) in random order,
    without repeats; rows with fewer items are padded with ""."""
    keys = rng.random(pool.shape)
    keys[pool == ""] = np.inf
    order = np.argsort(keys, axis=1)[:, :size]
    return np.take_along_axis(pool, order, axis=1)


def _joined(items: np.ndarray, sep: str) -> pd.Series:
    """Rows of ``items`` joined by ``sep``, empty items left out."""
    out = pd.Series(items[:, 0], dtype=object).astype(str)
    for c in range(1, items.shape[1]):  # over columns, not rows
        nxt = pd.Series(items[:, c], dtype=object).astype(str)
        out = out + np.where(nxt != "", sep + nxt, "")
    return out


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

    # every link's keywords as one padded row (""), so rows are drawn without Python loops
    width = max(len(kws) for _c, (_l, _f, kws) in links)
    link_kw = np.array(
        [list(kws) + [""] * (width - len(kws)) for _c, (_l, _f, kws) in links], dtype=object
    )
    chain_of = np.array([c for c, _x in links], dtype=object)
    link_of = np.array([x[0] for _c, x in links], dtype=object)
    field_of = np.array([x[1] for _c, x in links], dtype=object)

    # demands: a link each, three of its keywords in random order, a verb, budget, deadline
    pick = rng.integers(0, len(links), n_demands)
    chosen = _draw(rng, link_kw[pick], 3)
    verb = np.array(_VERBS, dtype=object)[rng.integers(0, len(_VERBS), n_demands)]
    budgets = np.round(rng.lognormal(mean=np.log(80), sigma=0.6, size=n_demands) / 5) * 5
    days = rng.integers(60, 365, n_demands)
    serial = np.arange(1, n_demands + 1)
    first = pd.Series(chosen[:, 0])
    listed = _joined(chosen, "、")
    chain = pd.Series(chain_of[pick])
    link = pd.Series(link_of[pick])
    demands = pd.DataFrame(
        {
            "demand_id": [f"TD{county}{i:04d}" for i in serial],
            "credit_code": _credits(county, serial.tolist()),
            "firm_name": "（示例）" + county_name + chain + pd.Series((serial - 1) % 17 + 1).map(
                "{:02d}号企业".format
            ),
            "region_code": county,
            "title": link + first + "技术" + verb,
            "text": "本企业属" + chain + "产业链" + link + "环节，在" + listed
            + "方面存在技术瓶颈，需要" + verb + first
            + "相关工艺与装备，希望与高校院所团队合作，形成可在产线验证的解决方案。（示例数据）",
            "field": field_of[pick],
            "chain": chain,
            "chain_link": link,
            "industry_code": None,
            "keywords": _joined(chosen, ";"),
            "budget": budgets.astype(float),
            "deadline": pd.Series(pd.Timestamp(ref) + pd.to_timedelta(days, unit="D")).dt.date,
            "status": "征集中",
            "synthetic": True,
        },
        columns=list(DEMAND_COLUMNS),
    )  # fmt: skip

    # teams: a kind, a home link (its field and keywords) and a second link's keywords
    kind = np.array(TEAM_KINDS, dtype=object)[
        rng.choice(len(TEAM_KINDS), size=n_teams, p=[0.6, 0.3, 0.1])
    ]
    home = rng.integers(0, len(links), n_teams)
    second = rng.integers(0, len(links), n_teams)
    pool = np.concatenate([link_kw[home], link_kw[second]], axis=1)
    repeat = (pool[:, width:, None] == pool[:, None, :width]).any(axis=2)
    pool[:, width:][repeat] = ""
    kw = _draw(rng, pool, 4)
    other = np.array(TECH_FIELDS, dtype=object)[rng.integers(0, len(TECH_FIELDS), n_teams)]
    fld = field_of[home]
    fields = np.where(other == fld, fld, fld + ";" + other)
    surname = np.array(list(_SURNAMES), dtype=object)[rng.integers(0, len(_SURNAMES), n_teams)]
    inst_i = rng.integers(0, len(_INSTITUTIONS), n_teams)
    encl_i = rng.integers(0, len(_ENCLAVES), n_teams)
    enclave = kind == "飞地"
    inst_name = np.array([i for i, _c, _r in _INSTITUTIONS], dtype=object)[inst_i]
    city = np.where(
        enclave,
        np.array([c for c, _r in _ENCLAVES], dtype=object)[encl_i],
        np.array([c for _i, c, _r in _INSTITUTIONS], dtype=object)[inst_i],
    )
    region = np.where(
        enclave,
        np.array([r for _c, r in _ENCLAVES], dtype=object)[encl_i],
        np.array([r for _i, _c, r in _INSTITUTIONS], dtype=object)[inst_i],
    )
    inst = np.where(enclave, county_name + "（" + city + "）科创飞地", inst_name)
    noun = np.where(kind == "团队", "教授团队", "研究员")
    name = np.where(
        enclave,
        "（示例）" + inst + _joined(kw[:, :2], "、") + "联合研发中心",
        "（示例）" + inst + surname + noun,
    )
    papers = rng.integers(2, 40, n_teams)
    patents = rng.integers(0, 15, n_teams)
    capacity = np.where(kind == "专家", 1, rng.integers(1, 4, n_teams))
    j = pd.Series(np.arange(n_teams))
    teams = pd.DataFrame(
        {
            "team_id": "RT" + (j + 1).map("{:04d}".format),
            "name": name,
            "kind": kind,
            "institution": inst,
            "city": city,
            "region_code": region,
            "partner_county": pd.Series(enclave).map({True: county, False: None}),
            "fields": fields,
            "keywords": _joined(kw, ";"),
            "text": "研究方向：" + _joined(kw, "、") + "；近五年发表论文 "
            + pd.Series(papers).astype(str) + " 篇，授权发明专利 " + pd.Series(patents).astype(str)
            + " 件，承担" + pd.Series(fld) + "领域横向项目多项。（示例数据）",
            "capacity": capacity.astype(int),
            "contact": surname + "老师",
            "phone": "1380000" + j.map("{:04d}".format),
            "email": "team" + (j + 1).map("{:04d}".format) + "@example.org",
            "synthetic": True,
        },
        columns=list(TEAM_COLUMNS),
    )  # fmt: skip
    return demands, teams
