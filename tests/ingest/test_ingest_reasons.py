"""The one reason table of all importers: every key an importer emits has a Chinese label."""

from __future__ import annotations

import re

from xinzhi.ingest.reasons import QUARANTINE_REASONS, SKIP_REASONS, reason_label
from xinzhi.ingest.report import ImportReport

# Every quarantine key emitted by an importer, read off the importers (literal list):
# ingest/clean.py (tables, census; unit_conflict from ingest/layout.py), pipelines/uploads.py (county uploads) and
# ingest/enterprises.py (enterprise registries).
TABLE_KEYS = {
    "unknown_region",
    "ambiguous_region",
    "split_region",
    "invalid_region",
    "former_region",
    "invalid_year",
    "broken_quote",
    "unknown_indicator",
    "non_numeric",
    "unit_conflict",
    "unknown_unit",
    "impossible_value",
    "implausible_value",
    "not_integer",
    "coordinate_out_of_range",
    "inconsistent_value",
    "duplicate_conflict",
}
FIRM_KEYS = {
    "credit_code_missing",
    "credit_code_format",
    "credit_code_check",
    "duplicate_credit_code",
    "missing_region",
    "unknown_region",
    "ambiguous_region",
    "not_county_region",
    "industry_missing",
    "industry_invalid",
    "capital_invalid",
    "capital_negative",
    "revenue_invalid",
    "revenue_negative",
    "employees_invalid",
    "employees_negative",
    "date_invalid",
}
# ingest/firm_years.py (enterprise data by year and labels; also the firm-year keys above)
FIRM_YEAR_KEYS = {
    "invalid_year",
    "non_numeric",
    "impossible_value",
    "not_integer",
    "coordinate_out_of_range",
    "boolean_invalid",
    "value_date_invalid",
    "duplicate_firm_year",
    "label_unknown",
    "label_date_missing",
    "label_dates_reversed",
    "duplicate_label",
}
# ingest/policy_facts.py and ingest/policy_records.py (besides credit-code, year, value keys above)
POLICY_KEYS = {
    "person_id_missing",
    "unknown_fact",
    "duplicate_fact",
    "unknown_document",
    "unknown_clause",
    "period_missing",
    "stage_invalid",
    "satisfaction_invalid",
    "duplicate_record",
}
# ingest/pilots.py (besides invalid_year, the region keys and duplicate_conflict above)
PILOT_KEYS = {"pilot_policy_missing"}
# ingest/tech.py (besides the credit-code, region, value and date keys above)
TECH_KEYS = {
    "title_missing",
    "other_county",
    "field_unknown",
    "duplicate_demand",
    "team_name_missing",
    "team_kind_invalid",
    "capacity_invalid",
    "duplicate_team",
}
# ingest/talent.py (besides person_id_missing, the region, credit-code, number and date keys above)
TALENT_KEYS = {
    "other_county",
    "phone_invalid",
    "education_invalid",
    "salary_invalid",
    "salary_reversed",
    "occupation_invalid",
    "duplicate_person",
    "title_missing",
    "filled_before_posted",
    "duplicate_job",
}
SKIP_KEYS = {"empty", "subtotal", "duplicate", "missing_value"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_emitted_key_has_a_chinese_label() -> None:
    emitted = (
        TABLE_KEYS | FIRM_KEYS | FIRM_YEAR_KEYS | POLICY_KEYS | PILOT_KEYS | TECH_KEYS | TALENT_KEYS
    )
    assert set(QUARANTINE_REASONS) == emitted
    assert set(SKIP_REASONS) == SKIP_KEYS
    for key in emitted | SKIP_KEYS:
        assert CJK.search(reason_label(key)), key


def test_region_keys_are_shared_by_all_importers() -> None:
    # the two former tables spelled the same reason differently (unknown_region vs region_unknown)
    assert {"unknown_region", "ambiguous_region"} <= TABLE_KEYS & FIRM_KEYS
    assert not [k for k in QUARANTINE_REASONS if k.startswith("region_")]


def test_labels() -> None:
    assert reason_label("unknown_region") == "地区无法识别（unknown region）"
    assert reason_label("credit_code_check") == "统一社会信用代码校验码错误（GB 32100-2015）"
    assert reason_label("empty") == "空行（无任何内容或数值）"
    assert reason_label("pilot_policy_missing") == (
        "试点名单行缺少政策/试点名称（文件也未指定 --policy），无法确定是哪项试点"
    )
    assert reason_label("no_such_reason") == "no_such_reason"
    # keys stored by the enterprise importer before the one table still read in Chinese
    assert reason_label("region_unknown") == "地区无法识别（unknown region）"
    assert reason_label("region_no_county") == "地区只写到省或地级，无法确定区县"


def test_report_summary_prints_labels_not_keys() -> None:
    rep = ImportReport(
        file_name="名录.csv",
        source="firms:名录",
        format="firms",
        status="loaded",
        batch_id=1,
        rows_read=4,
        rows_loaded=1,
        rows_quarantined=2,
        rows_skipped=1,
        quarantined_by_reason={"unknown_region": 1, "duplicate_credit_code": 1},
        skipped_by_reason={"empty": 1},
    )
    text = rep.summary()
    assert "  地区无法识别（unknown region）：1 行" in text
    assert "  统一社会信用代码重复（保留首次出现的一行）：1 行" in text
    assert "  空行（无任何内容或数值）：1 行" in text
    assert "duplicate_credit_code" not in text
