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
  Prefecture level: 市 → 地级市, 地区, 自治州, 盟, else 其他. Province level: 省, 直辖市
  (北京、天津、上海、重庆), 自治区, 特别行政区.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["normalize", "short_names", "unit_types"]

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
    return pd.Series(out, index=names.index, dtype=object)
