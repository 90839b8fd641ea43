"""Chinese headers of the columns that recur in result tables, for Excel exports, and the
label of synthetic example data (示例数据)."""

from __future__ import annotations

__all__ = ["COLUMN_LABELS", "SYNTHETIC_NOTE"]

SYNTHETIC_NOTE = (
    "【示例数据】结果基于合成的示例数据（synthetic），仅用于演示，不代表任何真实企业或地区。"
)
"""Shown by every surface with a result that rests on synthetic data (Result.synthetic)."""

COLUMN_LABELS: dict[str, str] = {
    "region_code": "区划代码",
    "name": "名称",
    "province_code": "省级代码",
    "province_name": "省份",
    "prefecture_name": "地市",
    "year": "年份",
    "score": "综合得分",
    "rank": "全国排名",
    "province_rank": "省内排名",
    "percentile": "百分位",
    "indicator": "指标",
    "dimension": "维度",
    "weight": "权重",
    "shortfall": "短板",
    "obstacle": "障碍度",
    "missing": "缺失指标",
    "primary_type": "主类型",
    "secondary_type": "次类型",
    "region_kind": "区划类别",
    "basis": "排名口径",
    "basis_rank": "本口径排名",
    "basis_province_rank": "本口径省内排名",
    "basis_counties": "本口径单位数",
    "rank_all": "全国排名（全部单位）",
    "type_basis": "类型判定方式",
    "typicality": "典型度",
    "margin": "领先第二位",
}
