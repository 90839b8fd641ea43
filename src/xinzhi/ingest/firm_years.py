"""Enterprise data by year (企业年度数据) and enterprise labels (荣誉 / 资质) → the warehouse
tables ``firm_years`` and ``firm_labels`` (:mod:`xinzhi.store.firm_years`).

Firm-year files (CSV/XLSX) hold one row per firm and data year: a credit-code column, a
``年份`` column (or the year given by the caller) and any of the catalogue fields of
:func:`xinzhi.codes.firm_fields.firm_fields`, recognised by their aliases. Label files hold one
row per firm and honour: credit code, the honour's name (荣誉 / 资质), 认定日期 and optionally
有效期至. Every data row ends up exactly once as loaded, quarantined (with a reason) or
skipped (empty rows, identical repeats)::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Cleaning rules (units, booleans, dates, label names, validity) are documented in
``docs/enterprise_data.md``. Credit codes, money units, dates and header matching reuse the
helpers of the registry importer :mod:`xinzhi.ingest.enterprises`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import yamlfile
from xinzhi.codes.firm_fields import FirmField, firm_fields, firm_labels
from xinzhi.errors import InputError
from xinzhi.ingest.batch import CleanTable, import_table_file, table_report
from xinzhi.ingest.enterprises import (
    _config as _registry_config,
)
from xinzhi.ingest.enterprises import (
    _header_unit,
    _parse_dates,
    header_and_body,
    match_headers,
    parse_money,
    validate_credit_codes,
)
from xinzhi.ingest.reasons import QUARANTINE_REASONS
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import MISSING_MARKERS, parse_values, to_text
from xinzhi.store.firm_years import (
    ensure_firm_year_tables,
    insert_firm_labels,
    insert_firm_years,
)

__all__ = [
    "COORDINATE_RANGES",
    "COORDINATE_SYSTEMS",
    "CleanRows",
    "catalogue_sql_types",
    "clean_firm_labels",
    "clean_firm_years",
    "coordinate_system",
    "import_firm_labels",
    "import_firm_years",
    "label_validity",
    "match_labels",
    "to_wgs84",
]

_UNITS: dict[str, dict[str, float]] = {
    "亩": {"亩": 1.0, "平方米": 0.0015, "㎡": 0.0015, "m2": 0.0015, "公顷": 15.0, "万平方米": 15.0},
    "吨标准煤": {"吨标准煤": 1.0, "吨标煤": 1.0, "tce": 1.0, "万吨标准煤": 1e4, "千克标准煤": 1e-3},
    "吨": {"吨": 1.0, "千克": 1e-3, "公斤": 1e-3, "kg": 1e-3},
    "万千瓦时": {
        "万千瓦时": 1.0,
        "万度": 1.0,
        "千瓦时": 1e-4,
        "度": 1e-4,
        "kwh": 1e-4,
        "亿千瓦时": 1e4,
    },
    "万吨": {"万吨": 1.0, "吨": 1e-4, "立方米": 1e-4, "m3": 1e-4, "万立方米": 1.0},
    "万立方米": {"万立方米": 1.0, "立方米": 1e-4, "m3": 1e-4, "亿立方米": 1e4},
    "人": {"人": 1.0},
    "件": {"件": 1.0, "项": 1.0},
    "年": {"年": 1.0},
    "0–1": {"%": 0.01, "百分比": 0.01, "百分数": 0.01},
    "度": {"度": 1.0, "°": 1.0, **{k: 1.0 for k in ("wgs-84", "wgs84", "gcj-02", "gcj02")}}
    | {k: 1.0 for k in ("bd-09", "bd09", "火星坐标", "高德", "腾讯", "百度")},
}
"""Header units accepted per catalogue unit → factor to the catalogue unit (1 亩 = 10000/15
m², so 1 m² = 0.0015 亩 and 1 公顷 = 15 亩; 1 t water = 1 m³). Money (万元) goes through
:func:`xinzhi.ingest.enterprises.parse_money` (元, 千元, 万元, 亿元, also per cell)."""

_TRUE = {"是", "√", "✓", "✔", "1", "1.0", "Y", "YES", "TRUE", "T", "有", "对"}
_FALSE = {"否", "×", "✗", "✘", "0", "0.0", "N", "NO", "FALSE", "F", "无", "不是"}
_MISSING = {to_text(pd.Series([m])).iloc[0].upper() for m in MISSING_MARKERS}
_SIGNED = frozenset({"profit"})
"""Fields that may be negative (利润总额)."""

COORDINATE_RANGES = {"longitude": (73.0, 136.0), "latitude": (3.0, 54.0)}
"""Plausible WGS-84 degrees of a firm in China (the national territory lies within about
73°33′–135°05′ E and 3°51′–53°33′ N); a coordinate outside is quarantined (often the two
columns swapped)."""

COORDINATE_SYSTEMS = ("wgs84", "gcj02", "bd09")
"""Coordinate systems a firm-year file may use: WGS-84 (GPS, stored as is), GCJ-02 (国测局
坐标, used by 高德 / 腾讯 maps) and BD-09 (百度 maps); the last two are converted to WGS-84 on
import with ``fast_geocn.coord`` (about 0.5 m)."""

_SYSTEM_WORDS = {
    "gcj02": ("GCJ02", "GCJ-02", "火星", "高德", "腾讯"),
    "bd09": ("BD09", "BD-09", "百度"),
}


def coordinate_system(header: str | None, given: str | None) -> str:
    """The coordinate system of a file: ``given`` (one of :data:`COORDINATE_SYSTEMS`), else the
    one a longitude header names in brackets (经度（GCJ-02）, 经度(百度)), else WGS-84."""
    if given is not None:
        key = str(given).strip().lower().replace("-", "")
        if key not in COORDINATE_SYSTEMS:
            raise InputError(f"坐标系应为 wgs84、gcj02 或 bd09，得到 {given!r}")
        return key
    unit = (_bracket_unit(header) or "").upper() if header else ""
    for key, words in _SYSTEM_WORDS.items():
        if any(w.upper() in unit for w in words):
            return key
    return "wgs84"


def to_wgs84(lon: pd.Series, lat: pd.Series, system: str) -> tuple[pd.Series, pd.Series]:
    """Longitude and latitude of ``system`` converted to WGS-84 (rows with both values; the
    converters of ``fast_geocn.coord`` work one point at a time, about 20 µs each)."""
    if system == "wgs84":
        return lon, lat
    from fast_geocn import coord

    convert = coord.gcj02_to_wgs84 if system == "gcj02" else coord.bd09_to_wgs84
    both = lon.notna() & lat.notna()
    pairs = [convert(float(x), float(y)) for x, y in zip(lon[both], lat[both], strict=True)]
    out_lon, out_lat = lon.copy(), lat.copy()
    if pairs:
        arr = np.asarray(pairs, dtype="float64")
        out_lon[both] = arr[:, 0]
        out_lat[both] = arr[:, 1]
    return out_lon, out_lat


@cache
def _config() -> dict[str, Any]:
    path = Path(__file__).with_name("firm_years.yaml")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yamlfile.safe_load(fh)
    return data


def catalogue_sql_types() -> dict[str, str]:
    """The catalogue fields as ``{key: SQL type}``, for :mod:`xinzhi.store.firm_years`."""
    return {k: f.sql_type for k, f in firm_fields().items()}


def label_validity() -> dict[str, int | None]:
    """Label key → validity in years applied when a file gives only 认定日期 (None: no end;
    ``valid_to`` stays NULL). Sources in ``firm_years.yaml`` and ``docs/enterprise_data.md``."""
    raw = dict(_config()["validity_years"])
    return {str(k): (None if v is None else int(v)) for k, v in raw.items()}


# ---------------------------------------------------------------------------- headers
def _bracket_unit(header: str) -> str | None:
    m = re.search(
        r"[(（\[【]\s*([^()（）\[\]【】]+?)\s*[)）\]】]\s*$", unicodedata.normalize("NFKC", header)
    )
    return m.group(1) if m else None


# ---------------------------------------------------------------------------- values
def parse_booleans(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否 cells → (nullable boolean, bad): 是 √ 1 Y 有 → True; 否 × 0 N 无 → False;
    blank and missing markers → NULL; anything else bad."""
    text = to_text(raw).str.upper()
    yes = text.isin(_TRUE)
    no = text.isin(_FALSE)
    missing = text.isin(_MISSING)
    value = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    value[yes.to_numpy()] = True
    value[no.to_numpy()] = False
    return value, ~(yes | no | missing)


@dataclass
class _Flags:
    """Per-row problems: (reason key, row mask, field label) in priority order."""

    items: list[tuple[str, np.ndarray, str]] = field(default_factory=list)

    def add(self, reason: str, mask: Any, what: str = "") -> None:
        self.items.append((reason, np.asarray(mask, dtype=bool), what))

    def resolve(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bad mask, first reason per row, Chinese message per row)."""
        if not self.items:
            none = np.full(n, None, dtype=object)
            return np.zeros(n, bool), none, none.copy()
        flags = np.column_stack([m for _, m, _ in self.items])
        keys = np.array([r for r, _, _ in self.items], dtype=object)
        bad: np.ndarray = np.asarray(flags.any(axis=1), dtype=bool)
        first = np.full(n, None, dtype=object)
        first[bad] = keys[np.argmax(flags, axis=1)][bad]
        msg = pd.Series([""] * n, dtype=object)
        for r, m, what in self.items:  # over checks, not rows
            text = (what + "：" if what else "") + QUARANTINE_REASONS[r]
            msg = msg.where(~m, msg + np.where(msg == "", "", "；") + text)
        return bad, first, msg.to_numpy(dtype=object)


def _field_values(
    f: FirmField,
    raw: pd.Series,
    header: str,
    flags: _Flags,
    conversions: dict[str, str],
    today: date,
) -> pd.Series:
    """One catalogue field: parsed, converted to the catalogue unit, problems flagged."""
    unit = _bracket_unit(header) if header else None
    if f.type == "boolean":
        value, bad = parse_booleans(raw)
        flags.add("boolean_invalid", bad, f.label)
        return value
    if f.type == "date":
        d, bad = _parse_dates(raw, today)
        flags.add("value_date_invalid", bad, f.label)
        return d.dt.date.astype(object).where(d.notna(), None)
    if f.type == "varchar":
        text = to_text(raw)
        return text.where(text != "", None).astype(object)
    if f.unit == "万元":
        money_unit = _header_unit(header) if header else None
        if unit is not None and money_unit is None and "元" in unit:
            raise InputError(f"列“{header}”的单位“{unit}”无法换算为万元")
        value, bad = parse_money(raw, money_unit)
        if money_unit not in (None, "万元", "万"):
            conversions[header] = f"{money_unit} → 万元"
        flags.add("non_numeric", bad, f.label)
    else:
        parsed = parse_values(raw)
        value = parsed.value
        factor = 1.0
        table = _UNITS.get(f.unit, {})
        if unit is not None:
            key = unit if unit in table else unit.lower()
            if key in table:
                factor = table[key]
            elif any(unit in t or unit.lower() in t for t in _UNITS.values()):
                raise InputError(f"列“{header}”的单位“{unit}”无法换算为{f.unit or '无单位'}")
        if f.unit == "0–1":
            plain = parsed.cell_factor.isna()
            if factor == 1.0 and bool((value[plain] > 1).any()) and value[plain].median() > 1:
                factor = 0.01  # written as percentages (the typical value exceeds 1)
            if factor != 1.0:
                conversions[header] = "百分数 → 比例（÷100）"
            value = value.where(~plain, value * factor)
        else:
            if factor != 1.0:
                conversions[header] = f"{unit} → {f.unit}（×{factor:g}）"
            value = value * factor
        flags.add("non_numeric", parsed.bad, f.label)
        if f.type == "integer":
            frac = value.notna() & (value.round() != value)
            flags.add("not_integer", frac, f.label)
    if f.key not in _SIGNED:
        flags.add("impossible_value", value < 0, f.label)
    if f.type == "integer":
        return value.round().astype("Int64")
    return value.astype("float64")


# ---------------------------------------------------------------------------- cleaning
@dataclass
class CleanRows(CleanTable):
    """Outcome of :func:`clean_firm_years` / :func:`clean_firm_labels` (nothing written);
    ``rows``: the columns of the warehouse table without ``batch_id``."""

    unit_conversions: dict[str, str] = field(default_factory=dict)
    """Columns whose values were converted to the catalogue's unit (header → conversion)."""


def _raw_json(header: list[str], body: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    text = body.astype(object).apply(lambda c: to_text(c)) if len(body) else body
    frame = text.copy()
    frame.columns = [h or f"列{j + 1}" for j, h in enumerate(header)]
    empty = (text == "").all(axis=1).to_numpy() if len(body) else np.zeros(0, bool)
    raw = (
        pd.Series(frame.to_json(orient="records", lines=True, force_ascii=False).splitlines())
        if len(body)
        else pd.Series([], dtype=object)
    )
    return raw, empty


def _finish(
    rows: pd.DataFrame,
    keys: list[str],
    flags: _Flags,
    *,
    raw: pd.Series,
    empty: np.ndarray,
    row_numbers: np.ndarray,
    duplicate_reason: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split rows into loaded, quarantined and skipped (empty rows; identical repeats of a
    key); conflicting repeats of a key are quarantined with ``duplicate_reason``."""
    n = len(rows)
    bad, first, msg = flags.resolve(n)
    bad &= ~empty
    valid = ~bad & ~empty
    sub = rows[valid]
    dup_key = sub.duplicated(keys, keep="first").to_numpy()
    dup_all = sub.astype(str).duplicated(keep="first").to_numpy()
    same = np.zeros(n, bool)
    conflict = np.zeros(n, bool)
    idx = np.flatnonzero(valid)
    same[idx[dup_key & dup_all]] = True
    conflict[idx[dup_key & ~dup_all]] = True
    first = np.where(conflict, duplicate_reason, first)
    msg = np.where(conflict, QUARANTINE_REASONS[duplicate_reason], msg)
    qmask = bad | conflict
    skip = empty | same
    keep = ~qmask & ~skip
    quarantine = pd.DataFrame(
        {
            "row_number": row_numbers[qmask],
            "raw": raw.to_numpy(dtype=object)[qmask],
            "reason": first[qmask],
            "message": msg[qmask],
        }
    )
    skipped = pd.DataFrame(
        {
            "row_number": row_numbers[skip],
            "raw": raw.to_numpy(dtype=object)[skip],
            "reason": np.where(empty[skip], "empty", "duplicate"),
        }
    )
    return rows[keep].reset_index(drop=True), quarantine, skipped


def _finish_rows(
    rows: pd.DataFrame,
    keys: list[str],
    flags: _Flags,
    *,
    raw: pd.Series,
    empty: np.ndarray,
    row_numbers: np.ndarray,
    duplicate_reason: str,
    cols: Mapping[str, object],
    matched: Mapping[str, str],
    ignored: list[str],
) -> CleanRows:
    """:func:`_finish` the normalised ``rows`` and report them: ``cols`` are the matched keys,
    ``matched`` maps a key to its header, ``ignored`` lists the headers not imported."""
    loaded, quarantine, skipped = _finish(
        rows,
        keys,
        flags,
        raw=raw,
        empty=empty,
        row_numbers=row_numbers,
        duplicate_reason=duplicate_reason,
    )
    warnings = [f"未识别、未导入的列：{'、'.join(ignored)}"] if ignored else []
    return CleanRows(
        rows=loaded,
        quarantine=quarantine,
        skipped=skipped,
        rows_read=len(rows),
        columns_matched={matched[k]: k for k in cols},
        columns_ignored=ignored,
        warnings=warnings,
    )


def _credit(raw: pd.Series, flags: _Flags) -> pd.Series:
    code = to_text(raw).str.upper()
    reason = validate_credit_codes(code)
    for r in ("credit_code_missing", "credit_code_format", "credit_code_check"):
        flags.add(r, (reason == r).to_numpy())
    return code


@dataclass
class _Sheet:
    """A table's body with its matched headers (keys → column positions) and the raw rows."""

    body: pd.DataFrame
    row_numbers: np.ndarray
    cols: dict[str, int]
    names: dict[str, str]
    ignored: list[str]
    raw: pd.Series
    empty: np.ndarray

    @property
    def n(self) -> int:
        return len(self.body)

    def col(self, key: str) -> pd.Series:
        """The column matched to ``key`` (all NULL when the file has none)."""
        if key in self.cols:
            return self.body[self.cols[key]].reset_index(drop=True)
        return pd.Series([None] * self.n, dtype=object)


def _sheet(grid: Grid | pd.DataFrame, columns: dict[str, list[str]], no_header: str) -> _Sheet:
    header, body, row_numbers = header_and_body(grid, columns, no_header)
    cols, names, ignored = match_headers(header, columns)
    raw, empty = _raw_json(header, body)
    return _Sheet(body, row_numbers, cols, names, ignored, raw, empty)


def _clean_rows(
    sheet: _Sheet,
    rows: pd.DataFrame,
    keys: list[str],
    flags: _Flags,
    *,
    duplicate_reason: str,
    unit_conversions: dict[str, str] | None = None,
) -> CleanRows:
    loaded, quarantine, skipped = _finish(
        rows,
        keys,
        flags,
        raw=sheet.raw,
        empty=sheet.empty,
        row_numbers=sheet.row_numbers,
        duplicate_reason=duplicate_reason,
    )
    warnings = [f"未识别、未导入的列：{'、'.join(sheet.ignored)}"] if sheet.ignored else []
    return CleanRows(
        rows=loaded,
        quarantine=quarantine,
        skipped=skipped,
        rows_read=sheet.n,
        columns_matched={sheet.names[k]: k for k in sheet.cols},
        columns_ignored=sheet.ignored,
        unit_conversions=unit_conversions or {},
        warnings=warnings,
    )


def clean_firm_years(
    grid: Grid | pd.DataFrame,
    *,
    year: int | None = None,
    synthetic: bool = False,
    today: date | None = None,
    coordinates: str | None = None,
) -> CleanRows:
    """Validate and normalise a firm-year table (pure: no database).

    Parameters
    ----------
    grid : Grid or DataFrame
        Cells from :func:`xinzhi.ingest.tables.read_grid` (header row found automatically) or
        a DataFrame whose columns are the header.
    year : int, optional
        Data year of rows without a ``年份`` cell (required when there is no such column).
    synthetic : bool
        Mark the rows as 示例数据.
    today : date, optional
        Dates and years after ``today`` are invalid (default: the current date).
    coordinates : {"wgs84", "gcj02", "bd09"}, optional
        Coordinate system of the 经度 / 纬度 columns (default: the one the longitude header
        names in brackets, else WGS-84); GCJ-02 and BD-09 are converted to WGS-84
        (:func:`to_wgs84`). Coordinates outside :data:`COORDINATE_RANGES` are quarantined.

    Returns
    -------
    CleanRows
        Rows with ``credit_code``, ``year``, every catalogue field (NULL when the file has no
        such column), ``synthetic``.
    """
    day = today or datetime.now(UTC).date()
    fields = firm_fields()
    columns = {
        "credit_code": list(_registry_config()["columns"]["credit_code"]),
        "year": list(_config()["year_columns"]),
        **{k: list(f.aliases) for k, f in fields.items()},
    }
    sheet = _sheet(
        grid, columns, "找不到表头：企业年度数据至少需要“统一社会信用代码”和另一列已知列名"
    )
    cols, n = sheet.cols, sheet.n
    if "credit_code" not in cols:
        raise InputError("缺少“统一社会信用代码”列")
    if "year" not in cols and year is None:
        raise InputError("缺少“年份”列：请在表中加入年份列，或指定数据年份（--year）")
    if not set(cols) - {"credit_code", "year"}:
        raise InputError("没有可识别的企业年度数据列（如 营业收入、实缴税金、用地面积）")
    flags = _Flags()
    code = _credit(sheet.col("credit_code"), flags)
    yv = (
        parse_values(sheet.col("year")).value
        if "year" in cols
        else pd.Series(np.nan, index=range(n))
    )
    if year is not None:
        yv = yv.fillna(float(year))
    flags.add(
        "invalid_year",
        (yv.isna() | (yv.round() != yv) | (yv < 1949) | (yv > day.year)).to_numpy(),
    )
    conversions: dict[str, str] = {}
    out: dict[str, Any] = {"credit_code": code, "year": yv.round().astype("Int64")}
    for k, f in fields.items():  # over catalogue fields, not rows
        if k in cols:
            out[k] = _field_values(f, sheet.col(k), sheet.names[k], flags, conversions, day)
        else:
            out[k] = pd.Series([None] * n, dtype=object)
    if "longitude" in cols or "latitude" in cols:
        lon = pd.to_numeric(out["longitude"], errors="coerce").astype("float64")
        lat = pd.to_numeric(out["latitude"], errors="coerce").astype("float64")
        header = sheet.names.get("longitude") or sheet.names["latitude"]
        system = coordinate_system(header, coordinates)
        lon, lat = to_wgs84(lon, lat, system)
        if system != "wgs84":
            conversions[header] = f"{'GCJ-02' if system == 'gcj02' else 'BD-09'} → WGS-84（经纬度）"
        for key, v in (("longitude", lon), ("latitude", lat)):
            lo, hi = COORDINATE_RANGES[key]
            flags.add("coordinate_out_of_range", (v.notna() & ~v.between(lo, hi)).to_numpy())
            out[key] = v
    out["synthetic"] = np.full(n, synthetic)
    return _clean_rows(
        sheet,
        pd.DataFrame(out),
        ["credit_code", "year"],
        flags,
        duplicate_reason="duplicate_firm_year",
        unit_conversions=conversions,
    )


def _norm_label(text: pd.Series) -> pd.Series:
    return to_text(text).str.replace(r"[“”\"'‘’「」『』]", "", regex=True)


def match_labels(names: pd.Series) -> pd.Series:
    """Honour names → label keys (None where unknown or excluded), by the ordered rules of
    ``firm_years.yaml``: the first rule whose words all occur in the normalised name wins
    (国家高新技术企业 → hnte, 专精特新“小巨人”企业 → little_giant); names with an excluded
    word (培育, 拟认定, 公示 …) are not honours.

    >>> match_labels(pd.Series(["国家高新技术企业", '专精特新"小巨人"企业', "高企培育库"])).tolist()
    ['hnte', 'little_giant', None]
    """
    text = _norm_label(names)
    known = set(firm_labels())
    out = pd.Series([None] * len(text), index=names.index, dtype=object)
    todo = pd.Series(True, index=names.index)
    for rule in _config()["label_rules"]:  # over rules, not rows
        key = str(rule["label"])
        if key not in known:
            continue
        hit = todo.copy()
        for word in rule["all"]:
            hit &= text.str.contains(str(word), regex=False)
        out = out.where(~hit, key)
        todo &= ~hit
    excluded = pd.Series(False, index=names.index)
    for word in _config()["exclude"]:
        excluded |= text.str.contains(str(word), regex=False)
    return out.where(~excluded, None)


def clean_firm_labels(
    grid: Grid | pd.DataFrame,
    *,
    synthetic: bool = False,
    today: date | None = None,
) -> CleanRows:
    """Validate and normalise a table of honours (荣誉 / 资质; pure: no database).

    Columns: credit code, the honour's name (matched by :func:`match_labels`), 认定日期
    (required) and optionally 有效期至. A row without 有效期至 gets ``valid_from`` + the
    validity of :func:`label_validity` − 1 day, or NULL (still valid) when the label has no
    documented validity.

    Returns
    -------
    CleanRows
        Rows ``credit_code, label, valid_from, valid_to, synthetic``.
    """
    day = today or datetime.now(UTC).date()
    lab = dict(_config()["label_columns"])
    columns = {
        "credit_code": list(_registry_config()["columns"]["credit_code"]),
        **{k: list(v) for k, v in lab.items()},
    }
    sheet = _sheet(
        grid, columns, "找不到表头：荣誉/资质表至少需要“统一社会信用代码”和另一列已知列名"
    )
    for k, what in (
        ("credit_code", "统一社会信用代码"),
        ("label", "荣誉/资质名称"),
        ("valid_from", "认定日期"),
    ):
        if k not in sheet.cols:
            raise InputError(f"缺少“{what}”列")
    flags = _Flags()
    code = _credit(sheet.col("credit_code"), flags)
    label = match_labels(sheet.col("label"))
    flags.add("label_unknown", label.isna().to_numpy(), "")
    vf, vf_bad = _parse_dates(sheet.col("valid_from"), day)
    flags.add("label_date_missing", (vf.isna() & ~vf_bad).to_numpy())
    flags.add("value_date_invalid", vf_bad.to_numpy(), "认定日期")
    vt, vt_bad = _parse_dates(sheet.col("valid_to"), date(2200, 12, 31))
    flags.add("value_date_invalid", vt_bad.to_numpy(), "有效期至")
    flags.add("label_dates_reversed", (vt < vf).to_numpy())
    years = label.map(label_validity())
    derive = vt.isna() & vf.notna() & years.notna()
    derived = pd.Series(pd.NaT, index=vf.index, dtype="datetime64[ns]")
    for y in sorted({int(v) for v in years[derive].dropna()}):  # over validity lengths
        m = derive & (years == y)
        derived[m] = vf[m] + pd.DateOffset(years=y) - pd.Timedelta(days=1)
    vt_all = vt.where(vt.notna(), derived)
    rows = pd.DataFrame(
        {
            "credit_code": code,
            "label": label,
            "valid_from": vf.dt.date.astype(object).where(vf.notna(), None),
            "valid_to": vt_all.dt.date.astype(object).where(vt_all.notna(), None),
            "synthetic": np.full(sheet.n, synthetic),
        }
    )
    clean = _clean_rows(
        sheet,
        rows,
        ["credit_code", "label", "valid_from"],
        flags,
        duplicate_reason="duplicate_label",
    )
    loaded, warnings = clean.rows, clean.warnings
    n_derived = int(loaded["valid_to"].notna().sum() - (vt.notna() & ~vt_bad).sum())
    if n_derived > 0:
        titles = firm_labels()
        rules = "，".join(f"{titles.get(k, k)} {v} 年" for k, v in label_validity().items() if v)
        warnings.append(
            f"{n_derived} 条只有认定日期：有效期至按认定日期 + 有效期 − 1 天推算（{rules}）"
        )
    open_end = int(loaded["valid_to"].isna().sum())
    if open_end:
        warnings.append(f"{open_end} 条无有效期至且无成文有效期规则：视为长期有效（valid_to 为空）")
    return clean


# ---------------------------------------------------------------------------- warehouse
def _report(clean: CleanRows, *, fmt: str, **ids: str) -> ImportReport:
    """:func:`~xinzhi.ingest.batch.table_report` with the values filled (every non-empty field
    cell), the years and the unit conversions of a firm-year or honours table."""
    years = (
        sorted(int(y) for y in clean.rows["year"].dropna().unique())
        if "year" in clean.rows.columns
        else []
    )
    values = clean.rows.drop(columns=["credit_code", "year", "synthetic"], errors="ignore")
    return table_report(
        clean,
        fmt=fmt,
        **ids,
        values_loaded=int(values.notna().to_numpy().sum()),
        years=years,
        unit_conversions=clean.unit_conversions,
    )


def _unregistered(con: duckdb.DuckDBPyConnection, codes: pd.Series) -> int:
    """Loaded credit codes that are not in ``current_firms`` (0 when there is no registry)."""
    # fetchall: a result left open by fetchone() makes DuckDB refuse the register() below
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'current_firms'"
    ).fetchall()[0]
    if not has[0] or codes.empty:
        return 0
    con.register("_xinzhi_codes", pd.DataFrame({"c": codes.drop_duplicates()}))
    try:
        row = con.execute(
            "SELECT count(*) FROM _xinzhi_codes WHERE c NOT IN "
            "(SELECT credit_code FROM current_firms)"
        ).fetchall()[0]
    finally:
        con.unregister("_xinzhi_codes")
    return int(row[0])


def _import(
    path: str | os.PathLike[str],
    *,
    kind: str,
    clean: Any,
    source: str | None,
    sheet: str | int | None,
    db: str | os.PathLike[str] | None,
    con: duckdb.DuckDBPyConnection | None,
) -> ImportReport:
    def check(connection: duckdb.DuckDBPyConnection, rows: CleanRows, rep: ImportReport) -> None:
        missing = _unregistered(connection, rows.rows["credit_code"])
        if missing:
            rep.warnings.append(
                f"{missing} 家企业不在企业名录（firms）中：请先导入名录，否则不会出现在企业画像中"
            )

    return import_table_file(
        path,
        fmt=kind,
        clean=clean,
        insert=insert_firm_years if kind == "firm_years" else insert_firm_labels,
        ensure=lambda c: ensure_firm_year_tables(c, catalogue_sql_types()),
        report=lambda rows, **ids: _report(rows, fmt=kind, **ids),
        check=check,
        source=source,
        sheet=sheet,
        db=db,
        con=con,
    )


def import_firm_years(
    path: str | os.PathLike[str],
    *,
    year: int | None = None,
    source: str | None = None,
    sheet: str | int | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    today: date | None = None,
    coordinates: str | None = None,
) -> ImportReport:
    """Import a firm-year table (CSV/XLSX) into ``firm_years`` as one batch of ``source``
    (default ``firm_years:<file stem>``; a new file supersedes the source's earlier batch, the
    same file again is a no-op). ``coordinates``: the coordinate system of 经度 / 纬度 (see
    :func:`clean_firm_years`)."""
    coordinate_system(None, coordinates)  # a wrong name fails before the file is read
    return _import(
        path,
        kind="firm_years",
        clean=lambda g: clean_firm_years(g, year=year, today=today, coordinates=coordinates),
        source=source,
        sheet=sheet,
        db=db,
        con=con,
    )


def import_firm_labels(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    sheet: str | int | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import a table of honours (CSV/XLSX) into ``firm_labels`` as one batch of ``source``
    (default ``firm_labels:<file stem>``). See :func:`clean_firm_labels`."""
    return _import(
        path,
        kind="firm_labels",
        clean=lambda g: clean_firm_labels(g, today=today),
        source=source,
        sheet=sheet,
        db=db,
        con=con,
    )
