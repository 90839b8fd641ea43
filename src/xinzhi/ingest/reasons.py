"""The one table of reasons why a source row is quarantined or skipped, for every importer
(statistical tables, census files, enterprise registries, uploads), with Chinese labels.

Keys are stored in the warehouse (``quarantine.reason``, ``skipped.reason``) and shown through
:func:`reason_label`; every key an importer emits must be listed here
(``tests/ingest/test_ingest_reasons.py``). Region keys are shared by all importers.
"""

from __future__ import annotations

__all__ = ["FORMER_KEYS", "QUARANTINE_REASONS", "SKIP_REASONS", "reason_label"]

QUARANTINE_REASONS: dict[str, str] = {
    # regions (every importer)
    "missing_region": "地区为空（住所/所在县缺失），无法确定区县",
    "unknown_region": "地区无法识别（unknown region）",
    "ambiguous_region": "地区名称有歧义，对应多个区县（ambiguous region）",
    "not_county_region": "地区只写到省或地级，无法确定区县",
    "split_region": "区划已拆分，无法对应到一个地区（split region）",
    "invalid_region": "地区无法使用",
    "former_region": "地区名称或代码在数据年份已不存在（已撤销、合并或更名；未自动对应）",
    # statistical tables
    "broken_quote": "引号未闭合，多行被读成了一条记录（unterminated quote）",
    "invalid_year": "年份缺失或无效",
    "unknown_indicator": "指标无法匹配到指标目录（unknown indicator）",
    "non_numeric": "非数值（non-numeric）",
    "unit_conflict": "数值自带的单位与列的单位矛盾（如“亿元”列中的 12%）",
    "unknown_unit": "单位无法换算（如美元：不做汇率换算）",
    "impossible_value": "不可能的取值（负数或比重超过 1）",
    "implausible_value": "超出县级单位的合理范围（见指标目录的 plausible 说明）",
    "inconsistent_value": "部分大于整体（如一般公共预算收入大于地区生产总值）",
    "duplicate_conflict": "同一地区、年份（、指标）重复且数值不同",
    # enterprise registries (in the priority order of the enterprise importer)
    "credit_code_missing": "统一社会信用代码缺失",
    "credit_code_format": "统一社会信用代码格式错误（应为 18 位，字符集不含 I、O、Z、S、V）",
    "credit_code_check": "统一社会信用代码校验码错误（GB 32100-2015）",
    "duplicate_credit_code": "统一社会信用代码重复（保留首次出现的一行）",
    "industry_missing": "行业代码与行业名称均为空",
    "industry_invalid": "行业代码或名称无效（GB/T 4754-2017）",
    "capital_invalid": "注册资本无法解析",
    "capital_negative": "注册资本为负数",
    "revenue_invalid": "营业收入无法解析",
    "revenue_negative": "营业收入为负数",
    "employees_invalid": "参保人数无法解析",
    "employees_negative": "参保人数为负数",
    "date_invalid": "成立日期无法解析或不合理",
    # enterprise data by year and labels (xinzhi.ingest.firm_years)
    "not_integer": "人数或件数不是整数",
    "coordinate_out_of_range": "经纬度超出中国范围（经度 73–136°、纬度 3–54°；或两列填反）",
    "boolean_invalid": "是/否字段无法识别（可填 是/否、√/×、1/0）",
    "value_date_invalid": "日期无法解析或不合理（投产日期、认定日期、有效期至）",
    "duplicate_firm_year": "同一企业同一年份重复且数值不同（保留首次出现的一行）",
    "label_unknown": "荣誉/资质名称无法识别，或不是认定称号（培育库、拟认定、公示名单等）",
    "label_date_missing": "认定日期缺失，无法确定有效期",
    "label_dates_reversed": "有效期至早于认定日期",
    "duplicate_label": "同一企业同一荣誉同一认定日期重复且有效期不同（保留首次出现的一行）",
    # policy facts and the office's policy records (xinzhi.ingest.policy_facts / policy_records)
    "person_id_missing": "人员编号缺失",
    "unknown_fact": "政策事实名称无法识别（不在事实目录或政策文件的 facts 中）",
    "duplicate_fact": "同一主体、年份、事实重复且数值不同（保留首次出现的一行）",
    "unknown_document": "政策文件无法识别（不是政策库中的文件编号、标题或文号）",
    "unknown_clause": "条款编号不属于该政策文件",
    "period_missing": "期间（年度或批次）缺失",
    "stage_invalid": "环节无法识别（可填 符合/已推送/已申请/已兑现）",
    "satisfaction_invalid": "满意度应为 1–5 的整数",
    "duplicate_record": "同一政策、条款、主体、期间、环节重复且内容不同（保留首次出现的一行）",
    # pilot lists (xinzhi.ingest.pilots)
    "pilot_policy_missing": "试点名单行缺少政策/试点名称（文件也未指定 --policy），无法确定是哪项试点",
    # technology demands and research teams (xinzhi.ingest.tech)
    "title_missing": "名称缺失（技术需求名称、岗位名称）",
    "other_county": "该行属于其他县区（县区用户只能导入本县区的技术需求、人才与岗位）",
    "field_unknown": "技术领域无法识别（应为国家重点支持的高新技术领域八个领域之一或其常用简称）",
    "duplicate_demand": "同一需求编号重复且内容不同（保留首次出现的一行）",
    "team_name_missing": "团队/专家名称缺失",
    "team_kind_invalid": "类型无法识别（可填 团队/专家/飞地）",
    "capacity_invalid": "可承接项目数应为非负整数",
    "duplicate_team": "同一团队编号重复且内容不同（保留首次出现的一行）",
    # talent and job bases (xinzhi.ingest.talent)
    "phone_invalid": "手机号码格式错误（应为 1 开头的 11 位手机号或带区号的固定电话）",
    "education_invalid": "学历无法识别（可填 初中、高中、中专、大专、本科、硕士、博士或 0–6）",
    "salary_invalid": "薪资无法解析（可填 6000、5000-8000、5k-8k、1.2万、10-15万/年、面议）",
    "salary_reversed": "薪资下限高于上限",
    "occupation_invalid": "职业代码格式错误（应为国家职业分类大典 2022 的 X-XX-XX-XX）",
    "duplicate_person": "同一人员编号重复且内容不同（保留首次出现的一行）",
    "filled_before_posted": "招满日期早于发布日期",
    "duplicate_job": "同一岗位编号重复且内容不同（保留首次出现的一行）",
}
"""Reasons a source row is quarantined (key → Chinese label)."""

SKIP_REASONS: dict[str, str] = {
    "empty": "空行（无任何内容或数值）",
    "subtotal": "汇总行（全国/省/地级/合计等）",
    "duplicate": "重复行（与前面一行完全相同，保留一行）",
    "missing_value": "数值缺失（长表记录）",
}
"""Reasons a source row is intentionally not loaded (key → Chinese label)."""


FORMER_KEYS: dict[str, str] = {
    "region_missing": "missing_region",
    "region_unknown": "unknown_region",
    "region_ambiguous": "ambiguous_region",
    "region_no_county": "not_county_region",
}
"""Keys of the enterprise importer before the one reason table (still in older warehouses)
→ the current key; only for showing stored batches."""


def reason_label(key: str) -> str:
    """Chinese label of a quarantine or skip reason (also for a :data:`FORMER_KEYS` key; the
    key itself when unknown)."""
    key = FORMER_KEYS.get(key, key)
    return QUARANTINE_REASONS.get(key) or SKIP_REASONS.get(key) or key
