"""Name rules for administrative units: normalisation, short names (简称) and unit types.

All functions here are pure and vectorised over pandas Series (one regular expression per rule,
no Python loop over units).

Rules (documented in ``docs/regions.md``):

- **Normalisation**: Unicode NFKC (full-width letters, digits and brackets become half-width)
  and removal of every whitespace character, so ``"　湘潭县 "`` → ``"湘潭县"`` and
  ``"４３０３２１"`` → ``"430321"``.
- **Short name**: the name without its unit suffix; for autonomous units (自治区/州/县/旗) also
  without the ethnic groups before the suffix (``湘西土家族苗族自治州`` → ``湘西``). The stem
  must keep at least two characters, otherwise the short name is the full name (``和县``,
  ``城区``, ``郊区`` keep their names).
- **Type** (county level): suffix 自治县 → 自治县, 自治旗 → 自治旗, 旗 → 旗, 特区 → 特区,
  林区 → 林区 (only directly under a province, 神农架林区; 碑林区 is a 市辖区), 县 → 县, 市 → 县级市, any other 区 (incl. 矿区, 新区, 郊区) → 市辖区, else 其他.
  Otherwise the parent does not change the type: a 市 directly under a province (省直辖县级市, e.g.
  湖北省仙桃市) is a 县级市, a 县 under a municipality (重庆市城口县) is a 县.
  Codes second: a county-level name without any of these suffixes takes the kind its GB/T 2260
  sequence number implies (01–20 市辖区, 21–80 县, 81–99 县级市; not in 省直辖 groups xx90 / xx00).
  The code ranges are *not* used when the name decides: 57 县级市 of 2020 in 自治州 / 地区 / 盟
  carry numbers 01–20 (延吉市 222401), 8 市辖区 carry 51–56 (崇明区 310151, 重庆 开州区 500154),
  and 省直辖 units (仙桃市 429004, 定安县 469021) have numbers that say nothing about the kind.
- **Basis** (口径) of rankings: 县域 = every kind but 市辖区 (:data:`COUNTY_BASIS_KINDS`),
  市辖区, or all units (:func:`basis_of`).
  Prefecture level: 市 → 地级市, 地区, 自治州, 盟, else 其他. Province level: 省, 直辖市
  (北京、天津、上海、重庆), 自治区, 特别行政区.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = [
    "BASIS_LABELS",
    "COUNTY_BASIS_KINDS",
    "COUNTY_KINDS",
    "DISTRICT_KINDS",
    "basis_of",
    "normalize",
    "short_names",
    "unit_types",
]

#: County-level kinds (县级行政区划的类别) in the order of the 民政部 statistical tables.
COUNTY_KINDS: tuple[str, ...] = ("市辖区", "县级市", "县", "自治县", "旗", "自治旗", "特区", "林区")
#: Kinds ranked on the county basis (县域口径): every county-level unit except 市辖区.
COUNTY_BASIS_KINDS: tuple[str, ...] = ("县", "县级市", "自治县", "旗", "自治旗", "特区", "林区")
#: Kinds ranked on the district basis (市辖区口径).
DISTRICT_KINDS: tuple[str, ...] = ("市辖区",)
#: basis key -> Chinese label shown with every ranking.
BASIS_LABELS: dict[str, str] = {
    "county": "县域口径（县、县级市、自治县、旗、自治旗、特区、林区；不含市辖区）",
    "district": "市辖区口径",
    "all": "全部县级单位（含市辖区）",
}

#: The 55 minority nationalities (plus 各族), as they appear in names of autonomous units.
#: Multi-character names may appear without 族 (伊犁哈萨克自治州); one-character ones need 族.
_ETHNIC_MULTI = (
    "蒙古|维吾尔|哈萨克|柯尔克孜|塔吉克|乌孜别克|塔塔尔|俄罗斯|锡伯|达斡尔|鄂温克|鄂伦春|赫哲|"
    "布依|朝鲜|土家|哈尼|傈僳|拉祜|东乡|纳西|景颇|仫佬|布朗|撒拉|毛南|仡佬|阿昌|普米|德昂|保安|"
    "裕固|独龙|门巴|珞巴|基诺|高山"
)
_ETHNIC_SINGLE = "回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|水|土|羌|怒|京|各"
_ETHNIC = f"(?:(?:{_ETHNIC_MULTI})族?|(?:{_ETHNIC_SINGLE})族)"
_AUTONOMOUS_RE = re.compile(rf"^(.{{2,}}?)(?:{_ETHNIC})*(?:自治区|自治州|自治县|自治旗)$")
_PLAIN_RE = re.compile(r"^(.{2,}?)(?:特别行政区|行政区|新区|矿区|地区|省|市|县|区|旗|盟)$")
_SPACE_RE = re.compile(r"\s+")
_MUNICIPALITIES = ("11", "12", "31", "50")


def normalize(text: str) -> str:
    """NFKC-normalise ``text`` and remove all whitespace.

    Parameters
    ----------
    text : str
        A name or code as typed by a user or read from a file.

    Returns
    -------
    str
        The canonical form used as a lookup key.
    """
    once = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))
    # removing a space can let a combining mark attach to the previous letter: normalise again
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", once))


def short_names(names: pd.Series, types: pd.Series | None = None) -> pd.Series:
    """Short names (简称) of ``names``; the full name where no stem of ≥ 2 characters remains.

    Parameters
    ----------
    names : pandas.Series of str
        Official names.
    types : pandas.Series of str, optional
        Unit types from :func:`unit_types`; a 林区 or 特区 drops that two-character suffix
        (神农架林区 → 神农架, 六枝特区 → 六枝) while 万柏林区 (市辖区) → 万柏林.

    Returns
    -------
    pandas.Series of str
        Same index; e.g. 湘潭县 → 湘潭, 湖南省 → 湖南, 广西壮族自治区 → 广西,
        湘西土家族苗族自治州 → 湘西, 浦东新区 → 浦东, 和县 → 和县.
    """
    s = names.astype(str)
    auto = s.str.extract(_AUTONOMOUS_RE, expand=False)
    plain = s.str.extract(_PLAIN_RE, expand=False)
    out = auto.fillna(plain).fillna(s)
    if types is not None:
        two = types.isin(["林区", "特区"]).to_numpy() & (s.str.len() >= 4).to_numpy()
        out = out.where(~two, s.str[:-2])
    return out


def unit_types(
    names: pd.Series, levels: pd.Series, codes: pd.Series, direct: pd.Series | None = None
) -> pd.Series:
    """Unit type (Chinese) from name suffix, level, parent and (for provinces) code.

    Parameters
    ----------
    names, levels, codes : pandas.Series
        Official name, level (``province``/``prefecture``/``county``) and 6-digit code.
    direct : pandas.Series of bool, optional
        County-level unit directly under the province (直辖, no prefecture). Only such a unit
        ending in 林区 is a 林区 (神农架林区); 万柏林区, 碑林区 under a city are 市辖区.

    Returns
    -------
    pandas.Series of str
        See the module docstring for the rules.
    """
    n = names.astype(str)
    lv = levels.astype(str).to_numpy()
    is_muni = codes.astype(str).str[:2].isin(_MUNICIPALITIES).to_numpy()
    end = n.str.endswith
    county = lv == "county"
    is_direct = np.zeros(len(n), bool) if direct is None else direct.to_numpy(dtype=bool)
    pref = lv == "prefecture"
    prov = lv == "province"
    conds = [
        prov & end("特别行政区").to_numpy(),
        prov & end("自治区").to_numpy(),
        prov & is_muni,
        prov,
        pref & end("自治州").to_numpy(),
        pref & end("地区").to_numpy(),
        pref & end("盟").to_numpy(),
        pref & end("市").to_numpy(),
        county & end("自治县").to_numpy(),
        county & end("自治旗").to_numpy(),
        county & end("旗").to_numpy(),
        county & end("特区").to_numpy(),
        county & is_direct & end("林区").to_numpy(),
        county & end("县").to_numpy(),
        county & end("市").to_numpy(),
        county & end("区").to_numpy(),
    ]
    choices = [
        "特别行政区",
        "自治区",
        "直辖市",
        "省",
        "自治州",
        "地区",
        "盟",
        "地级市",
        "自治县",
        "自治旗",
        "旗",
        "特区",
        "林区",
        "县",
        "县级市",
        "市辖区",
    ]
    out = np.select(conds, choices, default="其他")
    # second step, codes: a county-level name without a known suffix (畹町镇, 1981–1985) takes
    # the kind its GB/T 2260 sequence number implies within a prefecture: 01–20 市辖区, 21–80 县,
    # 81–99 县级市. Not for 省直辖 groups (xx90xx, xx00xx), whose numbers carry no kind, nor
    # for the 群岛 offices of 海南 (never a county).
    c = codes.astype(str)
    tail = pd.to_numeric(c.str[4:6], errors="coerce").fillna(0).to_numpy()
    informative = (
        ~c.str[2:4].isin(["00", "90"]).to_numpy() & ~n.str.contains("群岛|海域").to_numpy()
    )
    by_code = np.select([tail <= 0, tail <= 20, tail <= 80], ["其他", "市辖区", "县"], "县级市")
    out = np.where(county & (out == "其他") & informative, by_code, out)
    return pd.Series(out, index=names.index, dtype=object)


def basis_of(kinds: pd.Series) -> pd.Series:
    """Ranking basis of each county-level kind: ``county`` (县域口径), ``district`` (市辖区) or
    None (no kind, e.g. the census's development zones, or 其他).

    >>> basis_of(pd.Series(["县", "市辖区", "县级市", "旗", None])).tolist()
    ['county', 'district', 'county', 'county', None]
    """
    k = kinds.astype(object)
    out = np.select(
        [k.isin(COUNTY_BASIS_KINDS).to_numpy(), k.isin(DISTRICT_KINDS).to_numpy()],
        ["county", "district"],
        "",
    ).astype(object)
    out[out == ""] = None
    return pd.Series(out, index=kinds.index, dtype=object)
