"""The technology fields (技术领域) of demands and teams: the eight areas of
《国家重点支持的高新技术领域》, the annex of 《高新技术企业认定管理办法》 (科技部 财政部
国家税务总局, 国科发火〔2016〕32号, 2016-01-29), with the usual short names people write.

Used by :mod:`xinzhi.match.tech` (field match of demands and teams) and
:mod:`xinzhi.ingest.tech` (reading the 技术领域 column).
"""

from __future__ import annotations

import unicodedata

__all__ = ["TECH_FIELDS", "tech_field"]

TECH_FIELDS: tuple[str, ...] = (
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
)
"""The eight areas of 《国家重点支持的高新技术领域》 (国科发火〔2016〕32号 附件), in its order."""

_FIELD_ALIASES: dict[str, str] = {
    "电子信息技术": "电子信息",
    "信息技术": "电子信息",
    "新一代信息技术": "电子信息",
    "软件": "电子信息",
    "集成电路": "电子信息",
    "人工智能": "电子信息",
    "生物医药": "生物与新医药",
    "生物与医药": "生物与新医药",
    "医药": "生物与新医药",
    "生物技术": "生物与新医药",
    "航空航天技术": "航空航天",
    "低空经济": "航空航天",
    "材料": "新材料",
    "新材料技术": "新材料",
    "技术服务": "高技术服务",
    "高技术服务业": "高技术服务",
    "新能源": "新能源与节能",
    "节能": "新能源与节能",
    "新能源及节能技术": "新能源与节能",
    "资源与环境技术": "资源与环境",
    "环保": "资源与环境",
    "节能环保": "资源与环境",
    "资源环境": "资源与环境",
    "先进制造": "先进制造与自动化",
    "智能制造": "先进制造与自动化",
    "装备制造": "先进制造与自动化",
    "高端装备": "先进制造与自动化",
    "自动化": "先进制造与自动化",
}


def _norm(text: object) -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def tech_field(text: object) -> str | None:
    """The technology field of :data:`TECH_FIELDS` that ``text`` names (the name, an alias, or
    a name with the annex's numbering); None when not recognised.

    >>> tech_field("新材料"), tech_field("智能制造"), tech_field("四、新材料"), tech_field("农业")
    ('新材料', '先进制造与自动化', '新材料', None)
    """
    t = _norm(text)
    for sep in ("、", ".", "．"):
        if sep in t and t.split(sep, 1)[0].strip("()（）一二三四五六七八0123456789 ") == "":
            t = t.split(sep, 1)[1].strip()
    if t in TECH_FIELDS:
        return t
    return _FIELD_ALIASES.get(t)
