"""Import of talents and jobs: row accounting with a bad row of each kind, unknown columns kept,
text blocks, the batch in the warehouse."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from xinzhi.codes.credit import credit_check_chars
from xinzhi.ingest import talent as it
from xinzhi.ingest.reasons import QUARANTINE_REASONS
from xinzhi.store import ensure_schema
from xinzhi.store.talent import read_jobs, read_talents

EDU = {"初中": 1, "高中": 2, "中专": 2, "大专": 3, "本科": 4, "硕士": 5, "博士": 6}


def education(text: str) -> int:
    return EDU.get(text, 0)


TALENT_ROWS = [
    # 姓名, 手机, 学历, 专业, 工作年限, 技能, 期望薪资, 区划代码, 籍贯 (unknown column)
    ["张三", "13800000001", "本科", "机械设计", "5年", "焊接、CAD", "6000-8000", "", "湖南"],  # ok
    ["李四", "13800000002", "大专", "电气", "应届", "PLC", "5k", "", ""],  # ok
    ["", "", "", "", "", "", "", "", ""],  # empty → skipped
    ["张三", "13800000001", "本科", "机械设计", "5年", "焊接、CAD", "6000-8000", "", "湖南"],  # dup
    ["", "", "本科", "化工", "3", "", "", "", ""],  # no id, name, phone → person_id_missing
    ["王五", "1380000", "本科", "化工", "3", "", "", "", ""],  # phone_invalid
    ["赵六", "13800000003", "小学毕业", "", "2", "", "", "", ""],  # education_invalid
    ["钱七", "13800000004", "硕士", "", "很久", "", "", "", ""],  # years non_numeric
    ["孙八", "13800000005", "硕士", "", "1", "", "很多", "", ""],  # salary_invalid
    ["周九", "13800000006", "博士", "", "1", "", "", "430381", ""],  # other_county
    ["吴十", "13800000007", "博士", "", "1", "", "", "43x321", ""],  # unknown_region
    ["李四", "13800000002", "本科", "电气", "应届", "PLC", "5k", "", ""],  # duplicate_person
]
TALENT_HEADER = ["姓名", "手机", "学历", "专业", "工作年限", "技能", "期望薪资", "区划代码", "籍贯"]


def test_talent_rows_accounted_with_every_reason() -> None:
    frame = pd.DataFrame(TALENT_ROWS, columns=TALENT_HEADER)
    clean = it.clean_talents(frame, region_code="430321", own_county="430321", education=education)
    # 12 rows = 2 loaded + 8 quarantined + 2 skipped (empty, identical repeat of row 2)
    assert clean.rows_read == 12
    assert len(clean.rows) == 2  # 张三, 李四 (its later conflicting repeat is quarantined)
    reasons = clean.quarantine.set_index("row_number")["reason"].to_dict()
    assert reasons == {
        6: "person_id_missing",
        7: "phone_invalid",
        8: "education_invalid",
        9: "non_numeric",
        10: "salary_invalid",
        11: "other_county",
        12: "unknown_region",
        13: "duplicate_person",  # 李四 again with 本科: the first row (Excel row 3) is kept
    }
    assert clean.skipped.set_index("row_number")["reason"].to_dict() == {4: "empty", 5: "duplicate"}
    assert clean.rows_read == len(clean.rows) + len(clean.quarantine) + len(clean.skipped)
    row = clean.rows.iloc[0]
    assert row["name"] == "张三" and row["region_code"] == "430321"
    assert row["education_level"] == 4 and row["years"] == 5.0
    assert row["skills"] == "焊接;CAD"
    assert row["salary_expect"] == (6000 + 8000) / 2
    assert row["person_id"].startswith("P") and len(row["person_id"]) == 13
    # the unknown column is kept per row and reported, never dropped silently
    assert json.loads(row["extra"]) == {"籍贯": "湖南"}
    assert clean.columns_ignored == ["籍贯"]
    assert "籍贯" in clean.warnings[0]
    for r in reasons.values():
        assert r in QUARANTINE_REASONS


JOB_HEADER = [
    "岗位名称",
    "企业名称",
    "统一社会信用代码",
    "招聘人数",
    "学历要求",
    "薪资",
    "发布日期",
    "招满日期",
]
_BODY = "91430300MA4L0AKE8"
GOOD_CODE = _BODY + str(credit_check_chars(pd.Series([_BODY]))[0])  # GB 32100 check character


def test_job_rows_accounted_with_every_reason() -> None:
    from xinzhi.ingest.enterprises import is_valid_credit_code

    assert is_valid_credit_code(GOOD_CODE)
    bad_check = GOOD_CODE[:-1] + ("A" if GOOD_CODE[-1] != "A" else "B")
    rows = [
        ["焊工", "湘潭重工", GOOD_CODE, "3", "中专", "5000-8000", "2026-01-05", ""],  # ok
        ["电工", "湘潭重工", "", "", "大专", "面议", "2026-02-01", "2026-03-01"],  # ok, 1 post
        ["", "湘潭重工", "", "2", "", "", "", ""],  # title_missing
        ["钳工", "甲", "123", "1", "", "", "", ""],  # credit_code_format
        ["钳工", "乙", bad_check, "1", "", "", "", ""],  # credit_code_check
        ["车工", "丙", "", "两", "", "", "", ""],  # non_numeric
        ["车工", "丁", "", "1.5", "", "", "", ""],  # not_integer
        ["车工", "戊", "", "0", "", "", "", ""],  # impossible_value
        ["铣工", "己", "", "1", "", "9000-6000", "", ""],  # salary_reversed
        ["铣工", "庚", "", "1", "", "", "2026-13-40", ""],  # value_date_invalid
        ["铣工", "辛", "", "1", "", "", "2026-03-01", "2026-02-01"],  # filled_before_posted
        ["", "", "", "", "", "", "", ""],  # empty
    ]
    clean = it.clean_jobs(
        pd.DataFrame(rows, columns=JOB_HEADER),
        region_code="430321",
        education=education,
        today=dt.date(2026, 12, 1),
    )
    assert clean.rows_read == 12
    assert len(clean.rows) == 2 and len(clean.quarantine) == 9 and len(clean.skipped) == 1
    assert list(clean.quarantine["reason"]) == [
        "title_missing",
        "credit_code_format",
        "credit_code_check",
        "non_numeric",
        "not_integer",
        "impossible_value",
        "salary_reversed",
        "value_date_invalid",
        "filled_before_posted",
    ]
    ok = clean.rows.set_index("title")
    assert ok.loc["焊工", "positions"] == 3 and ok.loc["电工", "positions"] == 1
    assert ok.loc["焊工", "salary_min"] == 5000 and ok.loc["焊工", "salary_max"] == 8000
    assert pd.isna(ok.loc["电工", "salary_min"])  # 面议: no amount, not invalid
    assert ok.loc["焊工", "education_min"] == 2
    assert ok.loc["电工", "filled"] == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("cell", "lo", "hi"),
    [
        ("6000", 6000.0, 6000.0),
        ("5-8k", 5000.0, 8000.0),
        ("6千", 6000.0, 6000.0),
        ("12万/年", 10000.0, 10000.0),  # 120000 / 12
        ("8000元/月", 8000.0, 8000.0),
    ],
)
def test_salary_cells(cell: str, lo: float, hi: float) -> None:
    a, b, bad = it.parse_salary(pd.Series([cell]))
    assert (a.iloc[0], b.iloc[0], bool(bad.iloc[0])) == (lo, hi, False)


def test_text_blocks_through_a_parser_into_the_warehouse(tmp_path: Path) -> None:
    f = tmp_path / "简历.txt"
    f.write_text("张三\n本科 机械设计 5年\n\n李四\n大专\n---\n\n", encoding="utf-8")

    def parse(blocks: list[str]) -> pd.DataFrame:  # stands in for match.parse.parse_resumes
        return pd.DataFrame(
            {
                "name": [b.splitlines()[0] for b in blocks],
                "education_level": [4 if "本科" in b else 3 for b in blocks],
            }
        )

    con = duckdb.connect()
    ensure_schema(con)
    rep = it.import_talent_file(f, kind="talents", region_code="430321", parse_texts=parse, con=con)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (2, 2, 0, 0)
    got = read_talents(con, region_code="430321")
    assert set(got["name"]) == {"李四", "张三"}
    assert got.set_index("name").loc["张三", "text"] == "张三\n本科 机械设计 5年"
    # the same file again: a no-op
    again = it.import_talent_file(
        f, kind="talents", region_code="430321", parse_texts=parse, con=con
    )
    assert again.status == "noop"


def test_job_table_file(tmp_path: Path) -> None:
    f = tmp_path / "岗位.csv"
    pd.DataFrame(
        [["焊工", "湘潭重工", "2", "430321"], ["电工", "湘潭重工", "1", "430321"]],
        columns=["岗位名称", "企业名称", "招聘人数", "区划代码"],
    ).to_csv(f, index=False)
    con = duckdb.connect()
    ensure_schema(con)
    rep = it.import_talent_file(f, kind="jobs", con=con)
    assert rep.rows_loaded == 2 and rep.batch_id is not None
    assert set(read_jobs(con)["title"]) == {"焊工", "电工"}


def test_text_file_without_parser_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("张三", encoding="utf-8")
    with pytest.raises(it.InputError, match="解析器"):
        it.import_talent_file(f, kind="talents", db=tmp_path / "w.duckdb")
