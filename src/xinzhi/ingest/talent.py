"""Talents (人才库: résumés) and jobs (岗位库: postings of local firms) from Excel / CSV tables or
plain text → the warehouse tables ``talents`` and ``jobs`` (:mod:`xinzhi.store.talent`), one
import batch per file.

Tables are recognised by their usual Chinese headers (:data:`TALENT_HEADERS`,
:data:`JOB_HEADERS`; also the frame's own column names). A plain-text file holds one résumé or
posting per block (blocks separated by an empty line or a line of ``---``); the caller (the
pipeline) turns the blocks into a frame with the text parser (:func:`xinzhi.match.parse
.parse_resumes` / ``parse_postings``) and hands it to :func:`clean_talents` / :func:`clean_jobs`
like a table.

Every source row (or text block) ends up exactly once as loaded, quarantined (with a reason)
or skipped (with a reason)::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Rules (the first that applies decides; reasons in :mod:`xinzhi.ingest.reasons`):

talents
    every cell empty → skipped ``empty``; an identical repeat → skipped ``duplicate``; no
    人员编号 and neither 姓名 nor 手机 (no way to know the person) → ``person_id_missing``;
    county: the row's 6-digit code, else the county of the import; none → ``missing_region``,
    not a 6-digit code → ``unknown_region``, another county than the importing county account's
    → ``other_county``; 手机 not a mobile (11 digits from 1) or a landline number →
    ``phone_invalid``; 学历 not recognised → ``education_invalid``; 工作年限 / 期望薪资 not a
    number (``non_numeric``) or negative (``impossible_value``); a 大典 code of the wrong shape
    → ``occupation_invalid``; the same person twice with different content → every such row
    ``duplicate_person``.
jobs
    as above for empty / duplicate / county; 岗位名称 missing → ``title_missing``; a credit code
    given but malformed → ``credit_code_format`` / ``credit_code_check``; 招聘人数 not a whole
    number ≥ 1 (``non_numeric``, ``not_integer``, ``impossible_value``; empty: 1); 薪资 not a
    number or range (``salary_invalid``) or its minimum above its maximum
    (``salary_reversed``); 发布日期 / 招满日期 not a date (``value_date_invalid``) or filled
    before posted (``filled_before_posted``); the same posting twice with different content →
    ``duplicate_job``.

A column that is not recognised is not dropped: its cells are kept per row in ``extra`` (JSON)
and the column is named in the report (``columns_ignored`` and a warning).

Without a 人员编号 column a person's id is ``P`` + the first 12 hex digits of the sha256 of
name and phone (the same person imported twice keeps the same id; without both, of the résumé
text); without a 岗位编号 a
posting's id is ``J`` + those of credit code, firm, title and posting date.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.ingest.batch import (
    file_sha256,
    import_table_file,
    run_import,
    table_report,
    write_report_batch,
)
from xinzhi.ingest.enterprises import (
    _parse_dates,
    header_and_body,
    match_headers,
    validate_credit_codes,
)
from xinzhi.ingest.firm_years import CleanRows, _finish, _Flags, _raw_json
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import parse_values, to_text
from xinzhi.store.talent import (
    JOB_COLUMNS,
    TALENT_COLUMNS,
    ensure_talent_tables,
    insert_jobs,
    insert_talents,
)

__all__ = [
    "JOB_HEADERS",
    "TALENT_HEADERS",
    "TEXT_SUFFIXES",
    "clean_jobs",
    "clean_talents",
    "import_talent_file",
    "parse_salary",
    "parse_years",
    "split_blocks",
]

TALENT_HEADERS: dict[str, list[str]] = {
    "person_id": ["人员编号", "人才编号", "求职者编号", "身份证号", "身份证号码", "证件号码"],
    "name": ["姓名", "求职者姓名", "名字"],
    "phone": ["手机", "手机号", "手机号码", "联系电话", "电话", "联系方式"],
    "region_code": ["区划代码", "所在县区划代码", "县区代码"],
    "text": ["简历", "简历文本", "简历内容", "个人简介", "自我评价", "工作经历"],
    "education_level": ["学历", "最高学历", "文化程度"],
    "major": ["专业", "所学专业"],
    "years": ["工作年限", "工作经验", "从业年限", "工龄"],
    "skills": ["技能", "专业技能", "技能特长", "特长"],
    "certificates": ["证书", "资格证书", "职业资格", "职业资格证书", "技能证书"],
    "location": ["期望工作地点", "意向工作地点", "求职地点", "现居住地", "所在地"],
    "salary_expect": ["期望薪资", "期望月薪", "期望工资", "期望待遇"],
    "occupation_code": ["职业代码", "职业编码", "大典代码"],
    "occupation_title": ["求职意向", "期望职位", "期望岗位", "意向职位", "意向岗位"],
}
"""Accepted headers per talent field (the field's own name is accepted too)."""

JOB_HEADERS: dict[str, list[str]] = {
    "job_id": ["岗位编号", "职位编号", "招聘编号"],
    "credit_code": ["统一社会信用代码", "社会信用代码", "信用代码"],
    "firm_name": ["企业名称", "单位名称", "招聘单位", "公司名称", "用人单位"],
    "region_code": ["区划代码", "县区代码"],
    "title": ["岗位名称", "职位名称", "招聘岗位", "岗位", "职位"],
    "text": ["岗位描述", "职位描述", "岗位职责", "任职要求", "岗位要求"],
    "education_min": ["学历要求", "最低学历", "学历"],
    "years_min": ["工作经验要求", "经验要求", "工作年限要求", "工作年限", "经验"],
    "skills": ["技能要求", "技能", "专业技能"],
    "location": ["工作地点", "工作地址"],
    "salary": ["薪资", "薪资范围", "月薪", "工资", "薪酬", "薪资待遇"],
    "salary_min": ["最低薪资", "薪资下限", "月薪下限"],
    "salary_max": ["最高薪资", "薪资上限", "月薪上限"],
    "positions": ["招聘人数", "需求人数", "人数", "招聘数量"],
    "posted": ["发布日期", "发布时间", "登记日期"],
    "filled": ["招满日期", "到岗日期", "关闭日期"],
    "occupation_code": ["职业代码", "职业编码", "大典代码"],
}
"""Accepted headers per job field (the field's own name is accepted too)."""

TEXT_SUFFIXES = frozenset({".md", ".text"})
"""Suffixes read as plain text (one résumé / posting per block); ``.txt`` is a table when its
first line has a tab or comma, else text."""

_OCCUPATION = r"^\d-\d{2}-\d{2}-\d{2}$"
_PHONE = r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"

Education = Callable[[str], int]
"""Text → education level 0–6 (:func:`xinzhi.match.vocab.education_level`; 0 = 不详)."""


def split_blocks(text: str) -> list[str]:
    """One résumé / posting per block: blocks are separated by an empty line or a line of
    three or more ``-`` / ``=``; blocks are stripped, empty ones dropped.

    >>> split_blocks("张三 焊工\\n5年\\n\\n李四 电工\\n---\\n王五")
    ['张三 焊工\\n5年', '李四 电工', '王五']
    """
    parts = re.split(r"\n\s*(?:[-=]{3,}\s*)?\n|\n\s*[-=]{3,}\s*(?:\n|$)", text.replace("\r", ""))
    return [p.strip() for p in parts if p and p.strip()]


# ---------------------------------------------------------------------------- values
def _text(raw: pd.Series) -> pd.Series:
    """Cells as text with inner spaces kept (résumés, skills); None/NaN → ``""``."""
    obj = raw.astype(object)
    obj = obj.where(obj.notna(), "")
    return obj.astype(str).str.normalize("NFKC").str.strip()


def _list(raw: pd.Series) -> pd.Series:
    """Skills / certificates: separators 、，,；;/ and spaces → ";"; None when empty."""
    text = _text(raw).str.replace(r"[、，,；;／/|\s]+", ";", regex=True).str.strip(";")
    return text.where(text != "", None).astype(object)


_WAN = 10000.0


def parse_salary(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Monthly pay (元/月) from cells like ``6000``, ``5000-8000``, ``5k-8k``, ``6千``,
    ``1.2万``, ``8000元/月``, ``10-15万/年`` (÷12), ``面议`` (empty): ``(min, max, bad)``;
    a single amount gives min = max.

    >>> lo, hi, bad = parse_salary(pd.Series(["5k-8k", "1.2万", "10-15万/年", "面议", "很多"]))
    >>> lo.round(2).tolist()[:3], hi.tolist()[:3]
    ([5000.0, 12000.0, 8333.33], [8000.0, 12000.0, 12500.0])
    >>> bad.tolist()
    [False, False, False, False, True]
    """
    text = to_text(raw).str.lower().str.replace(",", "", regex=False)
    empty = (text == "") | text.str.contains("面议|不限|待定|negotiable", regex=True)
    yearly = text.str.contains("年|/y", regex=True)
    m = text.str.extract(
        r"^(?:月薪|年薪|薪资)?[:：]?(\d+(?:\.\d+)?)\s*([kw千万]?)(?:元)?\s*"
        r"(?:[-~～至到]\s*(\d+(?:\.\d+)?)\s*([kw千万]?))?"
    )
    unit_scale = {"": 1.0, "k": 1000.0, "千": 1000.0, "w": _WAN, "万": _WAN}
    hi_unit = m[3].fillna("")
    lo_unit = m[1].fillna("")
    lo_unit = lo_unit.where((lo_unit != "") | m[2].isna(), hi_unit)  # "5-8k": both in k
    lo = pd.to_numeric(m[0], errors="coerce") * lo_unit.map(unit_scale)
    hi = pd.to_numeric(m[2], errors="coerce") * hi_unit.map(unit_scale)
    hi = hi.fillna(lo)
    months = np.where(yearly, 12.0, 1.0)
    lo = (lo / months).where(~empty)
    hi = (hi / months).where(~empty)
    bad = ~empty & lo.isna()
    return lo.astype("float64"), hi.astype("float64"), bad


def parse_years(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Years of experience from ``3``, ``3年``, ``3年以上``, ``3-5年`` (the lower bound),
    ``应届`` / ``无经验`` / ``不限`` (0): ``(years, bad)``.

    >>> y, bad = parse_years(pd.Series(["3年以上", "应届", "", "两年"]))
    >>> y.tolist()[:2], bad.tolist()
    ([3.0, 0.0], [False, False, False, True])
    """
    text = to_text(raw)
    zero = text.str.contains("应届|无经验|不限|无要求|经验不限", regex=True)
    num = pd.to_numeric(text.str.extract(r"^(\d+(?:\.\d+)?)")[0], errors="coerce")
    value = num.where(~zero, 0.0)
    bad = (text != "") & value.isna()
    return value.astype("float64"), bad


def _education(raw: pd.Series, education: Education | None) -> tuple[pd.Series, pd.Series]:
    """(level 0–6 or NA, bad): digits 0–6 as they are, text through ``education`` (once per
    distinct text); a text it maps to 0 (不详) is bad."""
    text = to_text(raw)
    digits = text.str.fullmatch(r"[0-6]")
    level = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    level[digits.to_numpy()] = text[digits].astype(int).to_numpy()
    todo = (text != "") & ~digits
    if todo.any() and education is not None:
        uniq = {t: int(education(t)) for t in text[todo].unique()}  # distinct texts, not rows
        mapped = text[todo].map(uniq)
        level[todo.to_numpy()] = mapped.where(mapped > 0).astype("Int64").to_numpy()
    bad = todo & level.isna()
    return level, bad


def _number(raw: pd.Series, flags: _Flags, what: str) -> pd.Series:
    parsed = parse_values(raw)
    flags.add("non_numeric", parsed.bad.to_numpy(), what)
    flags.add("impossible_value", (parsed.value < 0).to_numpy(), what)
    return parsed.value.astype("float64")


def _hash_id(prefix: str, parts: Sequence[pd.Series]) -> pd.Series:
    def text(p: pd.Series) -> pd.Series:
        return p.astype(object).where(p.notna(), "").astype(str)

    joined = text(parts[0])
    for p in parts[1:]:
        joined = joined + "|" + text(p)
    return joined.map(lambda s: prefix + hashlib.sha256(s.encode("utf-8")).hexdigest()[:12])


def _extra(header: list[str], body: pd.DataFrame, ignored: list[int]) -> pd.Series:
    """The cells of the columns not recognised, per row as JSON (None when all empty)."""
    if not ignored or body.empty:
        return pd.Series([None] * len(body), dtype=object)
    part = body[ignored].astype(object).apply(_text)
    part.columns = [header[j] or f"列{j + 1}" for j in ignored]
    lines = part.to_json(orient="records", lines=True, force_ascii=False).splitlines()
    has = (part != "").any(axis=1).to_numpy()
    out = pd.Series(lines, dtype=object)
    return out.where(pd.Series(has), None)


def _county(
    raw: pd.Series, region_code: str | None, own_county: str | None, flags: _Flags
) -> pd.Series:
    code = to_text(raw).str.replace(r"\.0$", "", regex=True)
    code = code.where(code != "", region_code or "")
    flags.add("missing_region", (code == "").to_numpy())
    flags.add("unknown_region", ((code != "") & ~code.str.fullmatch(r"\d{6}")).to_numpy())
    if own_county is not None:
        outside = code.str.fullmatch(r"\d{6}") & (code != own_county)
        flags.add("other_county", outside.to_numpy())
    return code.where(code != "", None).astype(object)


def _start(
    grid: Grid | pd.DataFrame, headers: dict[str, list[str]], what: str
) -> tuple[
    list[str], pd.DataFrame, np.ndarray, dict[str, int], dict[str, str], list[str], list[int]
]:
    columns = {k: [*v, k] for k, v in headers.items()}
    header, body, row_numbers = header_and_body(
        grid,
        columns,
        f"找不到表头：{what}表至少需要两列已知列名（如 {'、'.join(_examples(headers))}）",
    )
    cols, names, ignored = match_headers(header, columns)
    taken = set(cols.values())
    ignored_idx = [j for j, h in enumerate(header) if j not in taken and h]
    return header, body, row_numbers, cols, names, ignored, ignored_idx


def _column(body: pd.DataFrame, cols: dict[str, int], key: str) -> pd.Series:
    """The cells of field ``key`` (index 0…n−1), or all NULL when the table lacks it."""
    j = cols.get(key)
    if j is None:
        return pd.Series([None] * len(body), dtype=object)
    return body[j].reset_index(drop=True)


def _examples(headers: dict[str, list[str]]) -> list[str]:
    return [v[0] for v in list(headers.values())[:4]]


def _finish_rows(
    rows: pd.DataFrame,
    key: str,
    flags: _Flags,
    header: list[str],
    body: pd.DataFrame,
    row_numbers: np.ndarray,
    duplicate_reason: str,
    names: dict[str, str],
    ignored: list[str],
) -> CleanRows:
    raw, empty = _raw_json(header, body)
    loaded, quarantine, skipped = _finish(
        rows,
        [key],
        flags,
        raw=raw,
        empty=empty,
        row_numbers=row_numbers,
        duplicate_reason=duplicate_reason,
    )
    warnings = (
        [f"未识别的列（原样保存在 extra 中，未用于计算）：{'、'.join(ignored)}"] if ignored else []
    )
    return CleanRows(
        rows=loaded,
        quarantine=quarantine,
        skipped=skipped,
        rows_read=len(body),
        columns_matched={h: k for k, h in names.items()},
        columns_ignored=ignored,
        warnings=warnings,
    )


# ---------------------------------------------------------------------------- cleaning
def clean_talents(
    grid: Grid | pd.DataFrame,
    *,
    region_code: str | None = None,
    own_county: str | None = None,
    education: Education | None = None,
    synthetic: bool = False,
) -> CleanRows:
    """Validate and normalise a table of talents (pure: no database).

    Parameters
    ----------
    grid : Grid or DataFrame
        Cells from :func:`xinzhi.ingest.tables.read_grid`, or a DataFrame whose columns are the
        header (a table, or the frame the text parser gives).
    region_code : str, optional
        County of rows without a 区划代码 cell.
    own_county : str, optional
        The county a county account imports for: rows of another county are quarantined.
    education : callable, optional
        Text → level 0–6 for 学历 cells that are not digits
        (:func:`xinzhi.match.vocab.education_level`); without it such cells are invalid.
    synthetic : bool
        Mark the rows as 示例数据.

    Returns
    -------
    CleanRows
        ``rows``: :data:`xinzhi.store.talent.TALENT_COLUMNS` and ``occupation_title`` (求职意向,
        read to classify the occupation; not stored); every source row loaded, quarantined or
        skipped.
    """
    header, body, row_numbers, cols, names, ignored, ignored_idx = _start(
        grid, TALENT_HEADERS, "人才"
    )
    n = len(body)
    col = partial(_column, body, cols)

    flags = _Flags()
    name = _text(col("name"))
    phone = to_text(col("phone")).str.replace(r"^(?:\+?86)|[-\s]", "", regex=True)
    phone = phone.where(~phone.str.fullmatch(r"\d{11}\.0"), phone.str[:-2])
    pid = to_text(col("person_id")).str.replace(r"\.0$", "", regex=True)
    text = _text(col("text"))
    who = (name != "") | (phone != "")
    derived = _hash_id("P", [name, phone]).where(who, _hash_id("P", [text]))
    nobody = (pid == "") & ~who & (text == "")
    flags.add("person_id_missing", nobody.to_numpy())
    pid = pid.where(pid != "", derived)
    region = _county(col("region_code"), region_code, own_county, flags)
    flags.add("phone_invalid", ((phone != "") & ~phone.str.fullmatch(_PHONE)).to_numpy())
    level, bad_edu = _education(col("education_level"), education)
    flags.add("education_invalid", bad_edu.to_numpy())
    years, bad_years = parse_years(col("years"))
    flags.add("non_numeric", bad_years.to_numpy(), "工作年限")
    salary_lo, salary_hi, bad_salary = parse_salary(col("salary_expect"))
    flags.add("salary_invalid", bad_salary.to_numpy(), "期望薪资")
    occ = to_text(col("occupation_code"))
    flags.add("occupation_invalid", ((occ != "") & ~occ.str.fullmatch(_OCCUPATION)).to_numpy())
    rows = pd.DataFrame(
        {
            "person_id": pid,
            "name": name.where(name != "", None),
            "phone": phone.where(phone != "", None),
            "region_code": region,
            "text": text.where(text != "", None),
            "education_level": level,
            "major": _text(col("major")).replace("", None),
            "years": years,
            "skills": _list(col("skills")),
            "certificates": _list(col("certificates")),
            "location": _text(col("location")).replace("", None),
            "salary_expect": ((salary_lo + salary_hi) / 2).astype("float64"),
            "occupation_code": occ.where(occ != "", None),
            "extra": _extra(header, body, ignored_idx),
            "synthetic": np.full(n, synthetic),
            "occupation_title": _text(col("occupation_title")).replace("", None),
        }
    )[[*TALENT_COLUMNS, "occupation_title"]]
    return _finish_rows(
        rows, "person_id", flags, header, body, row_numbers, "duplicate_person", names, ignored
    )


def clean_jobs(
    grid: Grid | pd.DataFrame,
    *,
    region_code: str | None = None,
    own_county: str | None = None,
    education: Education | None = None,
    synthetic: bool = False,
    today: date | None = None,
) -> CleanRows:
    """Validate and normalise a table of job postings (pure: no database).

    Parameters as :func:`clean_talents`; ``today``: dates after it are invalid (default the
    current date).

    Returns
    -------
    CleanRows
        ``rows``: :data:`xinzhi.store.talent.JOB_COLUMNS`.
    """
    day = today or datetime.now(UTC).date()
    header, body, row_numbers, cols, names, ignored, ignored_idx = _start(grid, JOB_HEADERS, "岗位")
    n = len(body)
    col = partial(_column, body, cols)

    flags = _Flags()
    title = _text(col("title"))
    flags.add("title_missing", (title == "").to_numpy())
    credit = to_text(col("credit_code")).str.upper()
    why = validate_credit_codes(credit)
    for r in ("credit_code_format", "credit_code_check"):
        flags.add(r, ((why == r) & (credit != "")).to_numpy())
    region = _county(col("region_code"), region_code, own_county, flags)
    level, bad_edu = _education(col("education_min"), education)
    flags.add("education_invalid", bad_edu.to_numpy())
    years, bad_years = parse_years(col("years_min"))
    flags.add("non_numeric", bad_years.to_numpy(), "工作经验要求")
    lo, hi, bad_salary = parse_salary(col("salary"))
    if "salary_min" in cols or "salary_max" in cols:
        lo2, _, bad2 = parse_salary(col("salary_min"))
        hi2, _, bad3 = parse_salary(col("salary_max"))
        lo = lo2.where(lo2.notna(), lo)
        hi = hi2.where(hi2.notna(), hi)
        bad_salary = bad_salary | bad2 | bad3
    flags.add("salary_invalid", bad_salary.to_numpy(), "薪资")
    flags.add("salary_reversed", (lo > hi).to_numpy())
    pos_text = to_text(col("positions")).str.replace("人", "", regex=False)
    positions = _number(pos_text, flags, "招聘人数")
    flags.add(
        "not_integer", (positions.notna() & (positions.round() != positions)).to_numpy(), "招聘人数"
    )
    flags.add("impossible_value", (positions == 0).to_numpy(), "招聘人数")
    posted, bad_posted = _parse_dates(col("posted"), day)
    filled, bad_filled = _parse_dates(col("filled"), day)
    flags.add("value_date_invalid", (bad_posted | bad_filled).to_numpy(), "日期")
    flags.add("filled_before_posted", (filled < posted).to_numpy())
    occ = to_text(col("occupation_code"))
    flags.add("occupation_invalid", ((occ != "") & ~occ.str.fullmatch(_OCCUPATION)).to_numpy())
    firm = _text(col("firm_name"))
    jid = to_text(col("job_id")).str.replace(r"\.0$", "", regex=True)
    derived = _hash_id("J", [credit, firm, title, posted.astype(str)])
    text = _text(col("text"))
    rows = pd.DataFrame(
        {
            "job_id": jid.where(jid != "", derived),
            "credit_code": credit.where(credit != "", None),
            "firm_name": firm.where(firm != "", None),
            "region_code": region,
            "title": title.where(title != "", None),
            "text": text.where(text != "", None),
            "education_min": level,
            "years_min": years,
            "skills": _list(col("skills")),
            "location": _text(col("location")).replace("", None),
            "salary_min": lo,
            "salary_max": hi,
            "positions": positions.fillna(1).round().astype("Int64"),
            "posted": posted.dt.date.astype(object).where(posted.notna(), None),
            "filled": filled.dt.date.astype(object).where(filled.notna(), None),
            "occupation_code": occ.where(occ != "", None),
            "extra": _extra(header, body, ignored_idx),
            "synthetic": np.full(n, synthetic),
        }
    )[JOB_COLUMNS]
    return _finish_rows(
        rows, "job_id", flags, header, body, row_numbers, "duplicate_job", names, ignored
    )


# ---------------------------------------------------------------------------- import
def _is_text(path: Path, layout: str | None) -> bool:
    if layout is not None:
        if layout not in ("table", "text"):
            raise InputError(f"layout 只能是 table（表格）或 text（文本），收到 {layout!r}")
        return layout == "text"
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return True
    if suffix == ".txt":
        head = path.read_bytes()[:4096].decode("utf-8", errors="ignore").splitlines()
        return not (head and ("\t" in head[0] or "," in head[0] or "，" in head[0]))
    return False


def import_talent_file(
    path: str | os.PathLike[str],
    *,
    kind: str,
    region_code: str | None = None,
    own_county: str | None = None,
    education: Education | None = None,
    parse_texts: Callable[[list[str]], pd.DataFrame] | None = None,
    enrich: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    layout: str | None = None,
    synthetic: bool = False,
    source: str | None = None,
    sheet: str | int | None = None,
    account: str | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import a file of talents (``kind="talents"``) or jobs (``kind="jobs"``) as one batch of
    ``source`` (default ``<kind>:<file stem>``; a new file supersedes the source's earlier
    batch, the same file again is a no-op).

    A table (CSV/XLSX) is read with :func:`xinzhi.ingest.tables.read_grid`; a text file
    (``layout="text"``, or by suffix, see :data:`TEXT_SUFFIXES`) is split into blocks
    (:func:`split_blocks`) and ``parse_texts(blocks)`` gives the frame (required then).
    ``enrich(rows)`` completes the loaded rows before they are written (the pipeline fills
    missing occupation codes and skills; same rows, same order). Other parameters:
    :func:`clean_talents` / :func:`clean_jobs`.
    """
    if kind not in ("talents", "jobs"):
        raise InputError(f"kind 只能是 talents（人才）或 jobs（岗位），收到 {kind!r}")
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在或不可读：{p}")
    src = source or f"{kind}:{p.stem}"
    text = _is_text(p, layout)
    if text and parse_texts is None:
        raise InputError(
            "文本文件需要简历/岗位解析器（parse_texts）：请通过 xinzhi match import 导入"
        )

    def clean(frame: Grid | pd.DataFrame) -> CleanRows:
        if kind == "talents":
            rows = clean_talents(
                frame,
                region_code=region_code,
                own_county=own_county,
                education=education,
                synthetic=synthetic,
            )
        else:
            rows = clean_jobs(
                frame,
                region_code=region_code,
                own_county=own_county,
                education=education,
                synthetic=synthetic,
                today=today,
            )
        if enrich is not None and len(rows.rows):
            done = enrich(rows.rows)
            if len(done) != len(rows.rows):
                raise ValueError("enrich must keep the rows")
            rows.rows = done
        return rows

    def report(rows: CleanRows, **ids: str) -> ImportReport:
        regions = set(rows.rows["region_code"].dropna()) if len(rows.rows) else set()
        return table_report(rows, fmt=kind, regions_loaded=len(regions), **ids)

    insert = insert_talents if kind == "talents" else insert_jobs
    if not text:
        return import_table_file(
            p,
            fmt=kind,
            clean=clean,
            insert=insert,
            ensure=ensure_talent_tables,
            report=report,
            source=src,
            sheet=sheet,
            user_name=account,
            db=db,
            con=con,
        )
    assert parse_texts is not None
    digest = file_sha256(p)

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        blocks = split_blocks(p.read_text("utf-8-sig"))
        if not blocks:
            raise InputError(f"文件 {p.name} 中没有文本块（每份简历/岗位之间空一行）")
        rows = clean(parse_texts(blocks).assign(text=blocks))
        rep = report(rows, file_name=p.name, source=src, sha256=digest)
        ensure_talent_tables(connection)

        def extra(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
            insert(c, rows.rows, batch_id)

        return write_report_batch(
            connection,
            rep,
            observations=pd.DataFrame(columns=["region_code", "year", "indicator", "value"]),
            quarantine=rows.quarantine,
            skipped=rows.skipped,
            extra=extra,
            user_name=account,
        )

    return run_import(load, sha256=digest, source=src, fmt=kind, con=con, db=db)
