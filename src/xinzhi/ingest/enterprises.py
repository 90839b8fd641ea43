"""Enterprise registry exports (企业名录) → the warehouse table ``firms``.

Users hold registry exports (工商登记导出表) as CSV (UTF-8 or GBK) or XLSX with columns such as
统一社会信用代码, 企业名称, 住所/地址 or 所在县/区划代码, 行业代码 or 行业名称, 注册资本, 成立日期,
参保人数, 营业收入 and 状态 (aliases in ``enterprises.yaml``). Every data row ends up exactly once
in ``firms`` (loaded), ``quarantine`` (rejected, with a reason) or ``skipped`` (empty rows)::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Validation rules and the credit-code algorithm are documented in ``docs/firms.md``.

Credit codes are checked with :mod:`xinzhi.codes.credit` (GB 32100-2015), industries with
:mod:`xinzhi.codes.gbt4754`; the table ``firms`` is defined in :mod:`xinzhi.store.firms`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import store, yamlfile
from xinzhi.codes import gbt4754
from xinzhi.codes.credit import code_matrix, credit_check_bytes, credit_values
from xinzhi.errors import InputError
from xinzhi.ingest.batch import file_sha256, run_import, write_report_batch
from xinzhi.ingest.reasons import QUARANTINE_REASONS
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid, read_grid
from xinzhi.ingest.values import parse_values, to_text
from xinzhi.regions.harmonise import former_units
from xinzhi.regions.names import short_names
from xinzhi.regions.registry import load_registry
from xinzhi.store.firms import FIRMS_COLUMNS, ensure_firms_table

__all__ = [
    "AddressScanner",
    "CleanFirms",
    "clean_firms",
    "header_and_body",
    "import_firms",
    "import_firms_frame",
    "is_valid_credit_code",
    "match_headers",
    "parse_industry",
    "parse_money",
    "validate_credit_codes",
]


# ---------------------------------------------------------------------------- configuration
@cache
def _config() -> dict[str, Any]:
    path = Path(__file__).with_name("enterprises.yaml")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yamlfile.safe_load(fh)
    return data


def _norm_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s)
    return re.sub(r"[(（\[【].*?[)）\]】]$", "", s)


def _header_unit(text: str) -> str | None:
    m = re.search(
        r"[(（\[【]\s*(亿元|万元|千元|元|万)\s*[)）\]】]", unicodedata.normalize("NFKC", text)
    )
    return m.group(1) if m else None


# ---------------------------------------------------------------------------- credit codes
def validate_credit_codes(codes: pd.Series) -> pd.Series:
    """Check unified social credit codes; the quarantine reason per code or None.

    Codes are NFKC-normalised, stripped and upper-cased first. Reasons: ``credit_code_missing``
    (empty), ``credit_code_format`` (not 18 characters of :data:`CREDIT_CHARSET`),
    ``credit_code_check`` (18th character ≠ GB 32100-2015 check character, see
    :mod:`xinzhi.codes.credit`).
    """
    text = to_text(codes).str.upper()
    empty = (text == "").to_numpy()
    mat, ok = code_matrix(text, 18)
    ok &= (credit_values(mat) >= 0).all(axis=1)
    check, _ = credit_check_bytes(mat[:, :17])
    check_ok = check == mat[:, 17]
    reason = np.select(
        [empty, ~ok, ~check_ok],
        ["credit_code_missing", "credit_code_format", "credit_code_check"],
        default="",
    )
    out = pd.Series(reason, index=codes.index, dtype=object)
    return out.where(out != "", None)


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` is a well-formed GB 32100-2015 code with the right check character."""
    return validate_credit_codes(pd.Series([code])).iloc[0] is None


# ---------------------------------------------------------------------------- addresses
def _name_keys(units: pd.DataFrame, code: pd.Series, is_county: np.ndarray) -> pd.DataFrame:
    """``key, code, county``: every (province full/short name or nothing) + (prefecture
    full/short name or nothing, county level only) + (unit full/short name) of ``units``
    (columns ``level, name, short_name, province_name, prefecture_name``)."""
    level = units["level"].to_numpy(dtype=object)
    prov = units["province_name"].fillna("").astype(str)
    pref = units["prefecture_name"].fillna("").astype(str)
    name = units["name"].astype(str)
    short = units["short_name"].fillna(name).astype(str)
    prov_s = short_names(prov)
    pref_s = short_names(pref)
    not_prov = level != "province"
    has_pref = (level == "county") & (pref != "").to_numpy()
    everyone = np.ones(len(units), bool)
    parts = []
    for p, pm in ((None, everyone), (prov, not_prov), (prov_s, not_prov)):
        for m, mm in ((None, everyone), (pref, has_pref), (pref_s, has_pref)):
            for nm in (name, short):
                key = nm
                if m is not None:
                    key = m + key
                if p is not None:
                    key = p + key
                mask = pm & mm
                parts.append(
                    pd.DataFrame(
                        {
                            "key": key[mask].to_numpy(),
                            "code": code[mask].to_numpy(),
                            "county": is_county[mask],
                        }
                    )
                )
    return pd.concat(parts, ignore_index=True).drop_duplicates(["key", "code"])


class AddressScanner:
    """Longest-prefix scanner: address text → county-level region code (GB/T 2260).

    Keys are every combination of (province full/short name or nothing) + (prefecture
    full/short name or nothing) + (unit full/short name) of the units valid in ``year`` at all
    three levels (so 湖南省湘潭市湘潭县, 湖南湘潭县, 湘潭市湘潭县, 湘潭县 …), plus the same keys of
    former county records whose territory is now in one unit (湖南省永州市祁阳县 → 祁阳市 431181),
    unless a current name has the key. The scanner takes the
    longest key that is a prefix of the address (after NFKC, whitespace removal and a leading
    中国/中华人民共和国). The key decides:

    * exactly one unit and it is county-level (or a prefecture-level city without counties such
      as 东莞市) → its code;
    * several units → ``ambiguous_region`` (朝阳区…: 北京 or 长春);
    * only province/prefecture units → ``not_county_region``;
    * no key → ``unknown_region``.

    The scan is vectorised: one dictionary lookup per prefix length over the whole column.
    """

    def __init__(self, registry: Any, year: int | None = None) -> None:
        y = int(year if year is not None else registry.latest_year)
        units = registry.units(y, level=None)
        self.year = y
        level = units["level"].to_numpy(dtype=object)
        code = units["code"].astype(str)
        county_prefs = set(units.loc[level == "county", "prefecture_code"].dropna().astype(str))
        lone = (level == "prefecture") & ~code.isin(county_prefs).to_numpy()
        is_county = (level == "county") | lone
        keys = _name_keys(units, code, is_county)
        former = self._former_keys(registry.table, y)
        # a current name always wins over a former one
        keys = pd.concat([keys, former[~former["key"].isin(set(keys["key"]))]], ignore_index=True)
        keys = keys[keys["key"].str.len() >= 2]
        grouped = keys.groupby("key", sort=False).agg(
            n=("code", "size"), n_county=("county", "sum"), code=("code", "first")
        )
        outcome = np.where(
            grouped["n"] > 1,
            "ambiguous_region",
            np.where(grouped["n_county"] == 1, "ok", "not_county_region"),
        )
        self._outcome: dict[str, str] = dict(zip(grouped.index, outcome, strict=True))
        self._code: dict[str, str] = dict(zip(grouped.index, grouped["code"], strict=True))
        self._lengths = sorted({len(k) for k in grouped.index}, reverse=True)
        self._county_codes = frozenset(code[is_county])

    @staticmethod
    def _former_keys(table: pd.DataFrame, year: int) -> pd.DataFrame:
        """Keys of county records that ended before ``year`` and whose territory is in one unit
        of ``year`` (祁阳县 → 祁阳市 431181; 崇文区 → 东城区 110101), mapped to that unit: old
        addresses keep their former county names. Split records are not keyed."""
        counties = table[table["level"] == "county"].reset_index(drop=True)
        f = former_units(table, year)
        rec = counties.iloc[f["row"].to_numpy(dtype=int)].reset_index(drop=True)
        return _name_keys(
            rec, f["to_code"].astype(str).reset_index(drop=True), np.ones(len(rec), dtype=bool)
        )

    @property
    def county_codes(self) -> frozenset[str]:
        """County-level codes valid in :attr:`year` (incl. prefecture cities without counties)."""
        return self._county_codes

    def scan(self, addresses: pd.Series) -> pd.DataFrame:
        """Resolve addresses.

        Returns
        -------
        DataFrame
            Same index; ``region_code`` (str or None), ``status`` (``ok``, ``unknown_region``,
            ``ambiguous_region``, ``not_county_region``, ``missing_region``) and ``matched``
            (the key found, e.g. ``湖南省湘潭市湘潭县``).
        """
        text = to_text(addresses).str.replace(r"^(?:中华人民共和国|中国)", "", regex=True)
        n = len(text)
        status = np.full(n, "unknown_region", dtype=object)
        status[(text == "").to_numpy()] = "missing_region"
        codes = np.full(n, None, dtype=object)
        matched = np.full(n, None, dtype=object)
        todo = (text != "").to_numpy().copy()
        arr = text.to_numpy(dtype=object)
        for length in self._lengths:
            idx = np.flatnonzero(todo)
            if idx.size == 0:
                break
            get = self._outcome.get
            sub = [a[:length] for a in arr[idx]]
            hit = np.array([get(k) for k in sub], dtype=object)
            found = hit != None  # noqa: E711 (element-wise)
            if not found.any():
                continue
            rows = idx[found]
            keys = np.array(sub, dtype=object)[found]
            status[rows] = hit[found]
            codes[rows] = [self._code[k] for k in keys]
            matched[rows] = keys
            todo[rows] = False
        codes[status != "ok"] = None
        return pd.DataFrame(
            {"region_code": codes, "status": status, "matched": matched}, index=addresses.index
        )

    def check_codes(self, values: pd.Series, registry: Any) -> pd.DataFrame:
        """Resolve a 所在县 column (6-digit codes or names) to county-level codes.

        Codes must be county-level units valid in :attr:`year`; names go through
        :meth:`RegionRegistry.resolve_many` (then the address scanner for names with a prefix).
        """
        text = to_text(values)
        digits = text.str.replace(r"\.0+$", "", regex=True)
        is_code = digits.str.fullmatch(r"\d{6}(?:\d{6}|000)?").to_numpy(dtype=bool)
        six = digits.str[:6]
        ok_code = is_code & six.isin(self._county_codes).to_numpy()
        out = self.scan(text)
        six_o = six.to_numpy(dtype=object)
        none = np.full(len(text), None, dtype=object)
        code_col = out["region_code"].to_numpy(dtype=object).copy()
        status = out["status"].to_numpy(dtype=object).copy()
        matched = out["matched"].to_numpy(dtype=object).copy()
        code_col[is_code] = np.where(ok_code, six_o, none)[is_code]
        status[is_code] = np.where(ok_code, "ok", "unknown_region")[is_code]
        matched[is_code] = six_o[is_code]
        return pd.DataFrame(
            {"region_code": code_col, "status": status, "matched": matched}, index=values.index
        )


@cache
def _default_scanner(year: int | None) -> AddressScanner:
    return AddressScanner(load_registry(), year)


# ---------------------------------------------------------------------------- values
_MONEY_RE = re.compile(
    r"^(?:人民币|RMB|CNY)?([+-]?(?:\d+(?:\.\d*)?|\.\d+))(亿元|亿|万元|万|千元|元)?(?:人民币|RMB|CNY)?$"
)
_UNIT_FACTOR = {"亿元": 1e4, "亿": 1e4, "万元": 1.0, "万": 1.0, "千元": 0.1, "元": 1e-4}


def parse_money(raw: pd.Series, header_unit: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Money cells → 万元.

    A cell may carry its own unit (``1.5亿元`` → 15000, ``500万`` → 500, ``80000元`` → 8);
    otherwise the header unit (``注册资本（元）``) applies, else 万元. Thousands separators and
    missing markers follow :func:`xinzhi.ingest.values.parse_values`. Other currencies
    (万美元 …) are not converted: they are invalid.

    Returns
    -------
    (value, bad) : (Series of float, Series of bool)
        ``value`` NaN where missing or bad.
    """
    text = to_text(raw).str.replace(",", "", regex=False).str.replace("，", "", regex=False)
    parts = text.str.extract(_MONEY_RE)
    default = _UNIT_FACTOR.get(header_unit or "万元", 1.0)
    factor = parts[1].map(_UNIT_FACTOR).astype("float64").fillna(default)
    plain = parse_values(raw)
    number = pd.to_numeric(parts[0], errors="coerce").astype("float64")
    value = number * factor
    value = value.where(number.notna(), plain.value * default)
    bad = value.isna() & ~plain.missing
    return value.astype("float64"), bad


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


def _parse_dates(raw: pd.Series, today: date | None = None) -> tuple[pd.Series, pd.Series]:
    """Dates → datetime64 (day); (value, bad). Accepts 2010-05-12, 2010/5/12, 2010年5月12日,
    20100512 and spreadsheet date cells; years before 1900 or after today are bad."""
    text = to_text(raw)
    missing = parse_values(raw.where(text != "", None)).missing & (text == "")
    eight = text.str.fullmatch(r"\d{8}")
    text = text.where(~eight, text.str[:4] + "-" + text.str[4:6] + "-" + text.str[6:8])
    parts = text.str.extract(_DATE_RE)
    iso = parts[0] + "-" + parts[1].str.zfill(2) + "-" + parts[2].str.zfill(2)
    value = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    limit = pd.Timestamp(today or datetime.now(UTC).date())
    value = value.where((value >= pd.Timestamp("1900-01-01")) & (value <= limit))
    bad = value.isna() & ~missing
    return value, bad


def parse_industry(codes: pd.Series, names: pd.Series | None = None) -> pd.DataFrame:
    """Industry code/name cells → class (4-digit), division (2-digit), section (letter).

    Accepted codes (GB/T 4754-2017): a 4-digit class (``3511``), a 3-digit group (``351``,
    division only), a 2-digit division (``35``), each optionally prefixed by its section letter
    (``C3511``), or a section letter alone (``C``). The division must exist and a given letter
    must be its section. Without a code, the name must equal a division or section name.

    Returns
    -------
    DataFrame
        ``industry_code``, ``division``, ``section`` (None where unknown) and ``status``
        (``ok``, ``industry_missing``, ``industry_invalid``).
    """
    tab = gbt4754.divisions()
    div_sec = dict(zip(tab["division"], tab["section"], strict=True))
    text = to_text(codes).str.upper().str.replace(r"\.0+$", "", regex=True)
    text = text.str.replace(r"[\s.\-]", "", regex=True)
    m = text.str.extract(r"^([A-T])?(\d{2,4})?$")
    letter, digits = m[0], m[1]
    matched = text.str.fullmatch(r"[A-T]?\d{2,4}|[A-T]").to_numpy(dtype=bool)
    division = digits.str[:2]
    sec_of_div = division.map(div_sec)
    section = sec_of_div.where(digits.notna(), letter)
    valid = matched & section.notna().to_numpy()
    valid &= (letter.isna() | digits.isna() | (letter == sec_of_div)).to_numpy()
    klass = digits.where(digits.str.len() == 4)
    present = (text != "").to_numpy()
    if names is not None:
        ntext = to_text(names)
        sec_tab = gbt4754.sections("2017")
        by_name: dict[str, tuple[str | None, str]] = {
            str(r["name"]): (None, str(r["code"])) for _, r in sec_tab.iterrows()
        }
        by_name.update({n: (d, s) for d, s, n in tab.itertuples(index=False)})
        looked = ntext.map(by_name)
        use_name = ~present & (ntext != "").to_numpy()
        name_ok = use_name & looked.notna().to_numpy()
        division = division.where(~name_ok, looked.str[0])
        section = section.where(~name_ok, looked.str[1])
        valid = np.where(use_name, name_ok, valid)
        present = present | use_name
    status = np.where(~present, "industry_missing", np.where(valid, "ok", "industry_invalid"))
    keep = status == "ok"

    def obj(s: pd.Series) -> np.ndarray:
        vals = s.to_numpy(dtype=object)
        return np.where(keep & s.notna().to_numpy(), vals, np.full(len(vals), None, dtype=object))

    return pd.DataFrame(
        {
            "industry_code": obj(klass),
            "division": obj(division),
            "section": obj(section),
            "status": status,
        },
        index=codes.index,
        dtype=object,
    )


# ---------------------------------------------------------------------------- cleaning
@dataclass
class CleanFirms:
    """The outcome of :func:`clean_firms` (pure; nothing written yet)."""

    firms: pd.DataFrame
    """Loaded rows, columns :data:`~xinzhi.store.firms.FIRMS_COLUMNS` without ``batch_id``."""
    quarantine: pd.DataFrame
    """row_number, raw (JSON), reason, message."""
    skipped: pd.DataFrame
    """row_number, raw (JSON), reason."""
    rows_read: int
    columns_matched: dict[str, str] = field(default_factory=dict)
    columns_ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        assert self.rows_read == len(self.firms) + len(self.quarantine) + len(self.skipped), (
            "行数不守恒：读入 ≠ 载入 + 隔离 + 跳过"
        )


def _aliases(columns: dict[str, list[str]]) -> dict[str, str]:
    """Normalised column header (and its lower-case form) → field, first alias wins."""
    out: dict[str, str] = {}
    for key, names in columns.items():
        for a in names:
            out.setdefault(_norm_key(a), key)
            out.setdefault(_norm_key(a).lower(), key)
    return out


def match_headers(
    header: list[str], columns: dict[str, list[str]]
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Fields found in ``header`` by the aliases ``columns`` (field → accepted headers, compared
    after NFKC, whitespace removal and a trailing unit in brackets): ``(field → column index,
    field → header as written, headers not recognised)``; the first column of a field wins."""
    aliases = _aliases(columns)
    found: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for j, h in enumerate(header):
        key = _norm_key(h)
        f = aliases.get(key) or aliases.get(key.lower())
        if f is not None and f not in found:
            found[f] = j
            names[f] = h
        elif h:
            ignored.append(h)
    return found, names, ignored


def header_and_body(
    grid: Grid | pd.DataFrame, columns: dict[str, list[str]], no_header: str
) -> tuple[list[str], pd.DataFrame, np.ndarray]:
    """Header, body cells and source row numbers (1-based, as in Excel) of a grid — its header
    row is the first of the top 20 with two known headers, else :class:`InputError`
    ``no_header`` — or of a DataFrame whose columns are the header."""
    if isinstance(grid, Grid):
        cells = grid.cells
        aliases = set(_aliases(columns))
        top = cells.head(20).astype(object)
        h = next(
            (
                i
                for i in range(len(top))
                if sum(_norm_key(v) in aliases for v in to_text(top.iloc[i])) >= 2
            ),
            None,
        )
        if h is None:
            raise InputError(no_header)
        header = [str(v) for v in to_text(cells.iloc[h]).tolist()]
        body = cells.iloc[h + 1 :].reset_index(drop=True)
        return header, body, np.arange(h + 2, h + 2 + len(body))
    header = [str(c) for c in grid.columns]
    body = grid.reset_index(drop=True).copy()
    body.columns = pd.RangeIndex(len(header))
    return header, body, np.arange(2, 2 + len(body))


def clean_firms(
    grid: Grid | pd.DataFrame,
    *,
    scanner: AddressScanner | None = None,
    registry: Any = None,
    synthetic: bool = False,
    today: date | None = None,
) -> CleanFirms:
    """Validate and normalise an enterprise table (pure: no database).

    Parameters
    ----------
    grid : Grid or DataFrame
        A raw grid from :func:`xinzhi.ingest.tables.read_grid` (header row found
        automatically), or a DataFrame whose columns are already the header.
    scanner : AddressScanner, optional
        Default: one built from :func:`xinzhi.regions.load_registry` for its latest year.
    registry : RegionRegistry, optional
        Needed only to resolve county *names* in a 所在县 column (default registry).
    synthetic : bool
        Mark the rows as synthetic (示例数据); default False.
    today : date, optional
        Founding dates after ``today`` are invalid (default: the current date).

    Returns
    -------
    CleanFirms
        Loaded, quarantined and skipped rows; ``rows_read`` = their sum.
    """
    columns = _config()["columns"]
    header, body, row_numbers = header_and_body(
        grid, columns, "找不到表头：企业名录至少需要“统一社会信用代码”“企业名称”等列名"
    )
    cols, names, ignored = match_headers(header, columns)
    if "credit_code" not in cols:
        raise InputError("缺少“统一社会信用代码”列")
    if "address" not in cols and "county" not in cols:
        raise InputError("缺少“住所/地址”或“所在县/区划代码”列，无法确定企业所在区县")
    if "industry_code" not in cols and "industry_name" not in cols:
        raise InputError("缺少“行业代码”或“行业名称”列")
    n = len(body)
    empty_str = pd.Series([""] * n, dtype=object)

    def col(f: str) -> pd.Series:
        return body[cols[f]].reset_index(drop=True) if f in cols else empty_str

    text_all = body.astype(object).apply(lambda c: to_text(c)) if n else body
    raw_frame = text_all.copy()
    raw_frame.columns = [header[j] or f"列{j + 1}" for j in range(body.shape[1])]
    empty = (text_all == "").all(axis=1).to_numpy() if n else np.zeros(0, bool)

    reasons: list[tuple[str, np.ndarray]] = []

    credit = to_text(col("credit_code")).str.upper()
    cr = validate_credit_codes(credit)
    reasons += [(r, (cr == r).to_numpy()) for r in QUARANTINE_REASONS if r.startswith("credit")]

    sc = scanner or _default_scanner(None)
    region = pd.Series([None] * n, dtype=object)
    rstatus = pd.Series(["missing_region"] * n, dtype=object)
    if "county" in cols:
        if registry is None and scanner is None:
            registry = load_registry()
        res = sc.check_codes(col("county"), registry)
        region, rstatus = res["region_code"], res["status"]
    if "address" in cols:
        todo = (rstatus == "missing_region").to_numpy()
        if todo.any():
            res2 = sc.scan(col("address")[todo])
            region[todo] = res2["region_code"].to_numpy()
            rstatus[todo] = res2["status"].to_numpy()
    for r in ("missing_region", "unknown_region", "ambiguous_region", "not_county_region"):
        reasons.append((r, (rstatus == r).to_numpy()))

    ind = parse_industry(
        col("industry_code"), col("industry_name") if "industry_name" in cols else None
    )
    for r in ("industry_missing", "industry_invalid"):
        reasons.append((r, (ind["status"] == r).to_numpy()))

    cap_unit = _header_unit(names.get("registered_capital", ""))
    capital, cap_bad = parse_money(col("registered_capital"), cap_unit)
    rev_unit = _header_unit(names.get("revenue", ""))
    revenue, rev_bad = parse_money(col("revenue"), rev_unit)
    emp = parse_values(col("employees"))
    employees = emp.value
    founded, date_bad = _parse_dates(col("founded"), today)
    reasons += [
        ("capital_invalid", cap_bad.to_numpy()),
        ("capital_negative", (capital < 0).to_numpy()),
        ("revenue_invalid", rev_bad.to_numpy()),
        ("revenue_negative", (revenue < 0).to_numpy()),
        (
            "employees_invalid",
            (emp.bad | (employees.round() != employees) & employees.notna()).to_numpy(),
        ),
        ("employees_negative", (employees < 0).to_numpy()),
        ("date_invalid", date_bad.to_numpy()),
    ]
    codes = np.array([r for r, _ in reasons], dtype=object)
    flags = np.column_stack([m for _, m in reasons]) if n else np.zeros((0, len(reasons)), bool)
    flags[empty] = False
    # duplicates: among otherwise valid rows, the first occurrence of a credit code wins
    valid = ~flags.any(axis=1) & ~empty
    dup = pd.Series(credit.where(valid, None)).duplicated(keep="first").to_numpy() & valid
    any_flag = flags.any(axis=1)
    nones = np.full(n, None, dtype=object)
    first = np.where(any_flag, codes[np.argmax(flags, axis=1)] if n else codes[:0], nones)
    reason = np.where(dup, "duplicate_credit_code", first)
    bad = any_flag | dup
    labels = {c: QUARANTINE_REASONS[c] for c in codes}
    detail = pd.Series([""] * n, dtype=object)
    for c, m in reasons:
        detail = detail.where(~m, detail + np.where(detail == "", "", "；") + labels[c])
    detail = detail.where(~dup, QUARANTINE_REASONS["duplicate_credit_code"] + "：" + credit)

    raw_json = (
        pd.Series(raw_frame.to_json(orient="records", lines=True, force_ascii=False).splitlines())
        if n
        else pd.Series([], dtype=object)
    )
    keep = ~bad & ~empty
    status_text = to_text(col("status"))
    firms = pd.DataFrame(
        {
            "credit_code": credit[keep].to_numpy(),
            "name": to_text(col("name"))[keep].to_numpy(),
            "region_code": region[keep].to_numpy(),
            "industry_code": ind["industry_code"][keep].to_numpy(),
            "division": ind["division"][keep].to_numpy(),
            "section": ind["section"][keep].to_numpy(),
            "registered_capital": capital[keep].to_numpy(),
            "founded": founded[keep].to_numpy(),
            "employees": employees[keep].astype("Int64").to_numpy(),
            "revenue": revenue[keep].to_numpy(),
            "status": status_text.where(status_text != "", None)[keep].to_numpy(),
            "synthetic": np.full(int(keep.sum()), synthetic),
        }
    )
    qmask = bad & ~empty
    quarantine = pd.DataFrame(
        {
            "row_number": row_numbers[qmask],
            "raw": raw_json[qmask].to_numpy(),
            "reason": reason[qmask],
            "message": detail[qmask].to_numpy(),
        }
    )
    skipped = pd.DataFrame(
        {
            "row_number": row_numbers[empty],
            "raw": raw_json[empty].to_numpy(),
            "reason": np.full(int(empty.sum()), "empty", dtype=object),
        }
    )
    return CleanFirms(
        firms=firms,
        quarantine=quarantine,
        skipped=skipped,
        rows_read=n,
        columns_matched={names[f]: f for f in cols},
        columns_ignored=ignored,
    )


# ---------------------------------------------------------------------------- warehouse
_NO_OBSERVATIONS = pd.DataFrame(columns=["region_code", "year", "indicator", "value"])


def _write(con: duckdb.DuckDBPyConnection, clean: CleanFirms, report: ImportReport) -> ImportReport:
    """One batch (:func:`xinzhi.ingest.batch.write_report_batch`): the batch row,
    supersession, quarantine, skipped rows and the firm records, in one transaction."""
    ensure_firms_table(con)

    def insert_firms(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        store.insert_frame(
            con,
            "firms",
            clean.firms,
            "credit_code, name, region_code, industry_code, division, section, "
            "CAST(registered_capital AS DOUBLE), CAST(founded AS DATE), "
            "CAST(employees AS INTEGER), CAST(revenue AS DOUBLE), status, ?, synthetic",
            [batch_id],
        )

    return write_report_batch(
        con,
        report,
        observations=_NO_OBSERVATIONS,
        quarantine=clean.quarantine,
        skipped=clean.skipped,
        extra=insert_firms,
    )


def _report(clean: CleanFirms, file_name: str, source: str, fmt: str, sha: str) -> ImportReport:
    q = clean.quarantine["reason"].value_counts()
    s = clean.skipped["reason"].value_counts()
    return ImportReport(
        file_name=file_name,
        source=source,
        format=fmt,
        status="loaded",
        batch_id=None,
        rows_read=clean.rows_read,
        rows_loaded=len(clean.firms),
        rows_quarantined=len(clean.quarantine),
        rows_skipped=len(clean.skipped),
        quarantined_by_reason={str(k): int(v) for k, v in q.items()},
        skipped_by_reason={str(k): int(v) for k, v in s.items()},
        values_loaded=len(clean.firms),
        sha256=sha,
        regions_loaded=int(clean.firms["region_code"].nunique()),
        columns_matched=clean.columns_matched,
        columns_ignored=clean.columns_ignored,
        warnings=clean.warnings,
    )


def import_firms(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    sheet: str | int | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    scanner: AddressScanner | None = None,
    synthetic: bool = False,
) -> ImportReport:
    """Import an enterprise registry export (CSV/XLSX, or a Parquet file written by
    :func:`xinzhi.industry.synthetic.write_parquet`) into ``firms`` as one batch.

    Parameters
    ----------
    path : path
        The file.
    source : str, optional
        Logical source name (default ``firms:<file stem>``). A new file for the same source
        supersedes the earlier batch; the same file again (same sha256) is a no-op.
    sheet : str or int, optional
        Excel sheet.
    db, con
        Warehouse path or an open connection.
    scanner : AddressScanner, optional
        Address → county scanner (default registry, latest year).
    synthetic : bool
        Mark rows as 示例数据 (Parquet files from the generator carry their own flag).

    Returns
    -------
    ImportReport
        Counts by reason; ``rows_read = rows_loaded + rows_quarantined + rows_skipped``.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在或不可读：{p}")
    src = source or f"firms:{p.stem}"
    digest = file_sha256(p)

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        if p.suffix.lower() == ".parquet":
            frame = pd.read_parquet(p)
            return import_firms_frame(
                frame, file_name=p.name, sha256=digest, source=src, con=connection
            )
        grid = read_grid(p, sheet)
        clean = clean_firms(grid, scanner=scanner, synthetic=synthetic)
        rep = _report(clean, p.name, src, "firms", digest)
        rep.encoding, rep.sheet = grid.encoding, grid.sheet
        return _write(connection, clean, rep)

    return run_import(load, sha256=digest, source=src, fmt="firms", con=con, db=db)


def import_firms_frame(
    frame: pd.DataFrame,
    *,
    file_name: str,
    sha256: str,
    source: str,
    con: duckdb.DuckDBPyConnection,
) -> ImportReport:
    """Load an already-normalised firms DataFrame (columns :data:`~xinzhi.store.firms.FIRMS_COLUMNS` without
    ``batch_id``, e.g. generator output) as one batch after checking credit codes, regions and
    duplicates; rows failing a check are quarantined like in :func:`clean_firms`."""
    need = [c for c in FIRMS_COLUMNS if c != "batch_id"]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError(f"企业表缺少列：{'、'.join(missing)}")
    df = frame[need].reset_index(drop=True)
    n = len(df)
    reason = validate_credit_codes(df["credit_code"])
    sc = _default_scanner(None)
    region_bad = ~df["region_code"].astype(str).isin(sc.county_codes)
    reason = reason.where(reason.notna() | ~region_bad, "unknown_region")
    sec_ok = df["section"].isin(gbt4754.sections("2017")["code"])
    reason = reason.where(reason.notna() | sec_ok, "industry_invalid")
    ok = reason.isna()
    dup = df["credit_code"].where(ok, None).duplicated(keep="first") & ok
    reason = reason.where(~dup, "duplicate_credit_code")
    bad = reason.notna().to_numpy()
    rows = np.arange(2, 2 + n)
    raw = (
        pd.Series(
            df[bad]
            .to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
            .splitlines()
        )
        if bad.any()
        else pd.Series([], dtype=object)
    )
    quarantine = pd.DataFrame(
        {
            "row_number": rows[bad],
            "raw": raw.to_numpy(),
            "reason": reason[bad].to_numpy(),
            "message": reason[bad].map(QUARANTINE_REASONS).to_numpy(),
        }
    )
    clean = CleanFirms(
        firms=df[~bad],
        quarantine=quarantine,
        skipped=pd.DataFrame({"row_number": [], "raw": [], "reason": []}),
        rows_read=n,
    )
    return _write(con, clean, _report(clean, file_name, source, "firms-parquet", sha256))
