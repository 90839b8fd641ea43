"""From a raw grid to source rows and value cells: header detection, wide and long layouts.

Wide layout (统计年鉴 style): one row per county(-year), one column per indicator. The header
may span several rows (a merged group label above sub-labels, e.g. ``地区生产总值(亿元)`` over
``合计 / 第一产业 / 第二产业``) and may be followed by a unit row (``万元 | % | 人``).

Long layout: one record per line with region, year, indicator and value columns (optionally a
unit column).

Output of both: a *rows* frame (one row per source row: ``row_number`` = 1-based line/row
number in the file, ``code``, ``name``, ``parent``, ``year``) and a *cells* frame (one row per
value cell: ``row_number``, ``indicator``, ``value`` (converted to the catalogue unit),
``missing``, ``marker``, ``bad``, ``conflict`` (message where the cell's own unit contradicts
its column's, else None)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.indicators.catalogue import Catalogue, CatalogueEntry, normalise_name
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.units import (
    UNIT_SIZES,
    conversion_factor,
    foreign_money_unit,
    header_unit,
    is_unit_text,
)
from xinzhi.ingest.user_indicators import user_entry
from xinzhi.ingest.values import MISSING_MARKERS, parse_values, to_text

__all__ = [
    "FIRST_YEAR",
    "Layout",
    "check_year",
    "detect_format",
    "long_layout",
    "wide_layout",
    "year_bounds",
]

FIRST_YEAR = 1981
"""First year of the region history (GB/T 2260 codes 1981–): no earlier year can be checked
against the units valid then, so no earlier year is imported."""

_CODE_HEADERS = {
    "区划代码",
    "行政区划代码",
    "代码",
    "地区代码",
    "统计用区划代码",
    "code",
    "regioncode",
    "region_code",
    "adcode",
}
_NAME_HEADERS = {
    "地区",
    "地区名称",
    "区县",
    "区县名称",
    "县",
    "县名",
    "县(市、区)",
    "县(市,区)",
    "县市区",
    "县(市)",
    "县域",
    "名称",
    "单位名称",
    "行政区划",
    "行政区划名称",
    "区域",
    "region",
    "name",
    "county",
}
_PROVINCE_HEADERS = {"省", "省份", "省名", "省级", "province"}
_PREFECTURE_HEADERS = {"市", "地级市", "城市", "地市", "地区(市、州、盟)", "prefecture", "city"}
_YEAR_HEADERS = {"年份", "年度", "年", "year", "统计年度"}
_INDICATOR_HEADERS = {"指标", "指标名称", "指标名", "indicator", "变量", "项目"}
_VALUE_HEADERS = {"数值", "值", "value", "数据", "指标值"}
_UNIT_HEADERS = {"单位", "unit", "计量单位"}
_TOTAL_WORDS = {"合计", "总计", "小计", "总量", "总额", "全部"}
_INDEX_HEADERS = {"序号", "编号", "行次", "排序", "排名", "名次", "no", "no."}
"""Headers of row numbers and ranks: numbers, but no indicator of the county."""
_MAX_HEADER_SCAN = 20
_MARKERS = {to_text(pd.Series([m])).iloc[0].upper() for m in MISSING_MARKERS}


@dataclass
class Layout:
    """Rows and cells extracted from a grid, and what was recognised on the way."""

    rows: pd.DataFrame
    cells: pd.DataFrame
    data_index: pd.Index
    """Grid index of the data rows (to fetch raw values for quarantine/skipped records)."""
    headers: list[str]
    """Display header of every grid column (for the raw JSON of quarantined rows)."""
    format: str
    columns_matched: dict[str, str] = field(default_factory=dict)
    columns_ignored: list[str] = field(default_factory=list)
    unit_conversions: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    user_entries: list[CatalogueEntry] = field(default_factory=list)
    """Indicators made from columns the catalogue does not know (:mod:`xinzhi.ingest.user_indicators`)."""
    columns_new: dict[str, str] = field(default_factory=dict)
    """Header → code of the columns stored as user indicators."""


def _kind(label: str) -> str | None:
    n = normalise_name(label)
    for kind, names in (
        ("code", _CODE_HEADERS),
        ("name", _NAME_HEADERS),
        ("province", _PROVINCE_HEADERS),
        ("prefecture", _PREFECTURE_HEADERS),
        ("year", _YEAR_HEADERS),
        ("indicator", _INDICATOR_HEADERS),
        ("value", _VALUE_HEADERS),
        ("unit", _UNIT_HEADERS),
    ):
        if n in {normalise_name(x) for x in names}:
            return kind
    return None


def _text_grid(grid: Grid, nrows: int) -> pd.DataFrame:
    head = grid.cells.iloc[:nrows]
    return head.apply(to_text)


def _find_anchor(text: pd.DataFrame) -> int:
    """First row having a region (code/name) header cell."""
    kinds = text.map(lambda s: _kind(s) if s else None)
    hit = kinds.isin(["code", "name"]).any(axis=1)
    if not hit.any():
        raise InputError(
            "找不到地区列（region column）：表头中需要“地区”“区县”“名称”或“区划代码”等列名"
        )
    return int(np.flatnonzero(hit.to_numpy())[0])


def _is_numeric_text(s: pd.Series) -> pd.Series:
    return s.str.fullmatch(r"[+-]?[\d,]*\.?\d+(?:[eE][+-]?\d+)?%?")


def _header_block(grid: Grid) -> tuple[int, int, int | None]:
    """(first header row, first data row, unit row or None), 0-based grid positions."""
    n = min(len(grid.cells), _MAX_HEADER_SCAN)
    text = _text_grid(grid, n)
    anchor = _find_anchor(text)
    width = text.shape[1]
    wide_merges = {r0 for r0, c0, _r1, c1 in grid.merged if c1 - c0 + 1 >= max(2, 0.8 * width)}
    start = anchor
    while start > 0:
        row = text.iloc[start - 1]
        filled = row != ""
        if not filled.any() or _is_numeric_text(row[filled]).any():
            break
        title_like = (filled.sum() == 1 and bool(filled.iloc[0])) or (start - 1) in wide_merges
        if title_like:
            break
        start -= 1
    region_cols = [c for c in text.columns if _kind(str(text.at[anchor, c])) in {"code", "name"}]
    end = anchor + 1
    unit_row: int | None = None
    while end < n:
        row = text.iloc[end]
        filled = ~row.str.upper().isin(_MARKERS)  # a missing marker is never a header label
        if filled.any() and bool(row[filled].map(is_unit_text).all()):
            unit_row = end
            end += 1
            continue
        region_empty = (row[region_cols] == "").all()
        if region_empty and filled.any() and not _is_numeric_text(row[filled]).any():
            end += 1
            continue
        break
    return start, end, unit_row


def _column_labels(grid: Grid, start: int, end: int, unit_row: int | None) -> list[list[str]]:
    """Label parts of every column, top to bottom, merged cells filled."""
    rows = [r for r in range(start, end) if r != unit_row]
    block = grid.cells.iloc[rows].apply(to_text).to_numpy(dtype=object).copy()
    width = block.shape[1]
    if grid.merged:
        for r0, c0, r1, c1 in grid.merged:
            if r0 in rows:
                i0 = rows.index(r0)
                i1 = max(i for i, r in enumerate(rows) if r <= r1)
                block[i0 : i1 + 1, c0 : c1 + 1] = block[i0, c0]
    else:  # CSV: a group label extends right over the columns that have sub-labels below it
        for i in range(block.shape[0] - 1):
            for c in range(1, width):
                if block[i, c] == "" and block[i, c - 1] != "" and block[i + 1, c] != "":
                    block[i, c] = block[i, c - 1]
    labels = []
    for c in range(width):
        parts: list[str] = []
        for v in block[:, c]:
            if v and (not parts or parts[-1] != v):
                parts.append(str(v))
        labels.append(parts)
    return labels


def _match_column(parts: list[str], catalogue: Catalogue) -> str | None:
    if not parts:
        return None
    candidates = ["".join(parts), "".join(normalise_name(p) for p in parts), parts[-1]]
    if normalise_name(parts[-1]) in _TOTAL_WORDS or len(parts) == 1:
        candidates.append(parts[0])
    for cand in candidates:
        code = catalogue.match(cand)
        if code is not None:
            return code
    return None


def _is_share(unit: str) -> bool:
    """Whether values in catalogue ``unit`` are shares (a cell written with % fits them)."""
    return UNIT_SIZES.get(unit, ("", 1.0))[0] == "share"


def _unit_conflicts(
    raw: pd.Series, cell_factor: pd.Series, share: np.ndarray, column: np.ndarray
) -> pd.Series:
    """Message for every cell whose own unit (a trailing % or ‰) contradicts the unit of its
    column (a share column takes it; money, people, counts do not), else None.

    ``12%`` under ``地区生产总值(亿元)`` is not 0.12 亿元: the cell is quarantined
    (``unit_conflict``) rather than stored with either unit.
    """
    hit = cell_factor.notna().to_numpy() & ~np.asarray(share, dtype=bool)
    out = pd.Series([None] * len(raw), dtype=object)
    if hit.any():
        text = to_text(raw.reset_index(drop=True)[hit])
        out[hit] = ("单元格“" + text + "”带百分号/千分号，而" + pd.Series(column)[hit]).to_numpy()
    return out


def year_bounds(today: date | None = None) -> tuple[int, int]:
    """(first, last) year a data year may take: :data:`FIRST_YEAR` and the current year
    (``today``, default :meth:`datetime.date.today`; tests inject a date)."""
    return FIRST_YEAR, (today or date.today()).year


def _year_rule(today: date | None) -> str:
    first, last = year_bounds(today)
    return f"须在 {first}–{last} 年之间（区划历史从 {first} 年起，不能晚于今年）"


def check_year(year: int | None, today: date | None = None) -> None:
    """Refuse a data year given as an option (``--year``) outside :func:`year_bounds`.

    >>> check_year(2020, date(2026, 12, 4))
    >>> check_year(1950, date(2026, 12, 4))
    Traceback (most recent call last):
    ...
    xinzhi.errors.InputError: 年份 1950 无效：数据年份须在 1981–2026 年之间（区划历史从 1981 年起，不能晚于今年）
    """
    if year is None:
        return
    first, last = year_bounds(today)
    if not first <= int(year) <= last:
        raise InputError(f"年份 {year} 无效：数据年份{_year_rule(today)}")


def _parse_year(text: pd.Series, today: date | None = None) -> tuple[pd.Series, pd.Series]:
    """Years of a year column (``2020``, ``2020.0``, ``2020年``) and a message per cell that is
    not a year within :func:`year_bounds` (NA year), else ``""``."""
    y = pd.to_numeric(
        text.str.extract(r"^(\d{1,6})(?:\.0+)?年?$", expand=False), errors="coerce"
    ).astype("Int64")
    first, last = year_bounds(today)
    out = ((y < first) | (y > last)).fillna(False).to_numpy(dtype=bool)
    note = pd.Series("", index=text.index, dtype=object)
    note[out] = ("年份 " + y[out].astype(str) + " 无效：数据年份" + _year_rule(today)).to_numpy()
    note[y.isna().to_numpy()] = "年份缺失或无效"
    return y.mask(pd.Series(out, index=y.index)), note


def detect_format(grid: Grid) -> str:
    """``"long"`` when the header has indicator and value columns, else ``"wide"``."""
    n = min(len(grid.cells), _MAX_HEADER_SCAN)
    text = _text_grid(grid, n)
    try:
        anchor = _find_anchor(text)
    except InputError:
        return "wide"
    kinds = {_kind(v) for v in text.iloc[anchor] if v}
    return "long" if {"indicator", "value"} <= kinds else "wide"


def _region_frame(
    data: pd.DataFrame,
    cols: dict[str, int],
    year: int | None,
    row_number: np.ndarray,
    today: date | None = None,
) -> pd.DataFrame:
    def col(kind: str) -> pd.Series:
        if kind in cols:
            return to_text(data[cols[kind]]).reset_index(drop=True)
        return pd.Series([""] * len(data), dtype=object)

    check_year(year, today)
    if "year" in cols:
        text = col("year")
        years, note = _parse_year(text, today)
        if year is not None:  # an empty year cell takes the --year option
            blank = (text == "").to_numpy()
            years = years.mask(pd.Series(blank), year)
            note[blank] = ""
    else:
        years = pd.Series([year] * len(data), dtype="Int64")
        note = pd.Series("", index=years.index, dtype=object)
    parent = col("prefecture").where(col("prefecture") != "", col("province"))
    return pd.DataFrame(
        {
            "row_number": row_number,
            "code": col("code"),
            "name": col("name"),
            "parent": parent,
            "year": years.to_numpy(),
            "year_note": note.to_numpy(),
        }
    )


def wide_layout(
    grid: Grid, catalogue: Catalogue, year: int | None, today: date | None = None
) -> Layout:
    """Rows and cells of a wide table (rows = counties, columns = indicators).

    Raises
    ------
    InputError
        No region column, no indicator column recognised, or no year (neither a year column
        nor ``year``), or ``year`` outside :func:`year_bounds` (a year *cell* outside them
        quarantines its row as ``invalid_year``).
    """
    start, end, unit_row = _header_block(grid)
    labels = _column_labels(grid, start, end, unit_row)
    headers = ["/".join(p) if p else f"列{c + 1}" for c, p in enumerate(labels)]
    cols: dict[str, int] = {}
    for c, parts in enumerate(labels):
        for part in parts:
            kind = _kind(part)
            if kind is not None and kind not in cols:
                cols[kind] = c
                break
    if "year" not in cols and year is None:
        raise InputError("宽表需要年份：请用 --year 指定，或在表中提供“年份”列")
    units = (
        to_text(grid.cells.iloc[unit_row]).tolist() if unit_row is not None else [""] * len(labels)
    )
    layout_warnings: list[str] = []
    matched: dict[int, tuple[str, float]] = {}
    col_units: dict[int, str | None] = {}
    matched_names: dict[str, str] = {}
    conversions: dict[str, str] = {}
    ignored: list[str] = []
    seen: set[str] = set()
    user_entries: list[CatalogueEntry] = []
    columns_new: dict[str, str] = {}
    region_like = set(cols.values())
    for c, parts in enumerate(labels):
        if c in region_like or not parts:
            continue
        code = _match_column(parts, catalogue)
        if code is None and normalise_name(parts[-1]) in _INDEX_HEADERS:
            layout_warnings.append(f"列“{headers[c]}”是序号列，未导入")
            ignored.append(headers[c])
            continue
        if code is None:
            body = grid.cells.iloc[end:, c]
            if not parse_values(pd.Series(body.to_numpy(dtype=object))).value.notna().any():
                layout_warnings.append(f"列“{headers[c]}”没有数值，作为文字列未导入")
                ignored.append(headers[c])
                continue
            entry, user_factor = user_entry(parts, units[c] or None)
            if entry.code in seen:
                layout_warnings.append(f"列“{headers[c]}”与前面的列同名同单位，已忽略")
                ignored.append(headers[c])
                continue
            seen.add(entry.code)
            user_entries.append(entry)
            columns_new[headers[c]] = entry.code
            matched[c] = (entry.code, user_factor)
            col_units[c] = entry.unit or None
            if user_factor != 1.0:
                conversions[headers[c]] = f"→ {entry.unit}（×{user_factor:g}）"
            continue
        if code in seen:
            layout_warnings.append(f"列“{headers[c]}”与前面的列对应同一指标 {code}，已忽略")
            ignored.append(headers[c])
            continue
        entry = catalogue[code]
        unit = next((u for p in reversed(parts) if (u := header_unit(p))), None)
        if unit is None and units[c]:
            unit = units[c].strip("()[]").removeprefix("单位:")
        # a currency xinzhi does not convert (美元) is refused, never taken for the catalogue unit
        labels_c = [*reversed(parts), units[c]]
        foreign = None if unit else next(filter(None, map(foreign_money_unit, labels_c)), None)
        if foreign is not None:
            raise InputError(
                f"列“{headers[c]}”的单位 {foreign} 无法换算为指标 {entry.name_zh} 的单位 "
                f"{entry.unit}（xinzhi 不做汇率换算，也不按{entry.unit}照收）：请换算成人民币后再"
                "导入，或删去该列"
            )
        factor = conversion_factor(unit, entry.unit)
        if factor is None:
            layout_warnings.append(
                f"列“{headers[c]}”的单位 {unit} 与指标 {code} 的单位 {entry.unit} 不相容，已忽略"
            )
            ignored.append(headers[c])
            continue
        seen.add(code)
        matched[c] = (code, factor)
        col_units[c] = unit
        matched_names[headers[c]] = code
        if unit is not None and factor != 1.0:
            conversions[headers[c]] = f"{unit} → {entry.unit}（×{factor:g}）"
    if not matched:
        raise InputError(
            "表头中没有可识别的指标列：请检查列名，或用 --aliases 提供“别名: 指标编码”的映射"
        )
    catalogue = catalogue.extended(user_entries)
    data = grid.cells.iloc[end:]
    row_number = (data.index.to_numpy() + 1).astype("int64")
    rows = _region_frame(data, cols, year, row_number, today)
    if grid.broken:
        rows["broken"] = [grid.broken.get(int(i), "") for i in data.index]
    mcols = list(matched)
    block = data[mcols]
    raw = pd.Series(block.to_numpy(dtype=object).ravel(order="F"))
    parsed = parse_values(raw)
    n = len(data)
    factors = np.repeat([matched[c][1] for c in mcols], n)
    value = parsed.value.to_numpy() * np.where(parsed.cell_factor.isna(), factors, 1.0)
    units_of = [col_units.get(c) or catalogue[matched[c][0]].unit for c in mcols]
    conflict = _unit_conflicts(
        raw,
        parsed.cell_factor,
        np.repeat([_is_share(catalogue[matched[c][0]].unit) for c in mcols], n),
        np.repeat(
            [f"列“{headers[c]}”的单位为 {u}" for c, u in zip(mcols, units_of, strict=True)], n
        ),
    )
    cells = pd.DataFrame(
        {
            "row_number": np.tile(row_number, len(mcols)),
            "indicator": np.repeat([matched[c][0] for c in mcols], n),
            "value": np.where(conflict.notna().to_numpy(), np.nan, value),
            "missing": parsed.missing.to_numpy(),
            "marker": parsed.marker.to_numpy(),
            "bad": parsed.bad.to_numpy(),
            "conflict": conflict.to_numpy(),
        }
    )
    return Layout(
        rows=rows,
        cells=cells,
        data_index=data.index,
        headers=headers,
        format="wide",
        columns_matched=matched_names,
        columns_ignored=ignored,
        unit_conversions=conversions,
        warnings=layout_warnings,
        user_entries=user_entries,
        columns_new=columns_new,
    )


def long_layout(
    grid: Grid, catalogue: Catalogue, year: int | None, today: date | None = None
) -> Layout:
    """Rows and cells of a long table: region, year, indicator, value (, unit) per line.

    The unit of a record is taken from its unit column, else from the brackets of its indicator
    name (``地区生产总值(亿元)``), else the catalogue unit is assumed.
    """
    text = _text_grid(grid, min(len(grid.cells), _MAX_HEADER_SCAN))
    anchor = _find_anchor(text)
    headers = [v or f"列{c + 1}" for c, v in enumerate(to_text(grid.cells.iloc[anchor]))]
    cols: dict[str, int] = {}
    for c, h in enumerate(headers):
        kind = _kind(h)
        if kind is not None and kind not in cols:
            cols[kind] = c
    for need, label in (("indicator", "指标"), ("value", "数值")):
        if need not in cols:
            raise InputError(f"长表缺少“{label}”列（{need} column）")
    if "year" not in cols and year is None:
        raise InputError("长表需要“年份”列，或用 --year 指定年份")
    data = grid.cells.iloc[anchor + 1 :]
    row_number = (data.index.to_numpy() + 1).astype("int64")
    rows = _region_frame(data, cols, year, row_number, today)
    if grid.broken:
        rows["broken"] = [grid.broken.get(int(i), "") for i in data.index]
    ind_text = to_text(data[cols["indicator"]]).reset_index(drop=True)
    uniq = pd.Series(ind_text.unique())
    codes = dict(zip(uniq, uniq.map(catalogue.match), strict=True))
    indicator = ind_text.map(codes)
    if "unit" in cols:
        unit_text = to_text(data[cols["unit"]]).reset_index(drop=True)
    else:
        unit_text = pd.Series([""] * len(data), dtype=object)
    unit_text = unit_text.where(unit_text != "", ind_text.map(lambda s: header_unit(s) or ""))
    # names the catalogue does not know become user indicators (one per name and stored unit)
    unknown_rows = indicator.isna().to_numpy() & (ind_text != "").to_numpy()
    user_entries: dict[str, CatalogueEntry] = {}
    columns_new: dict[str, str] = {}
    if unknown_rows.any():
        pairs_u = pd.MultiIndex.from_arrays(
            [ind_text[unknown_rows].to_numpy(), unit_text[unknown_rows].astype(str).to_numpy()]
        )
        pair_of, distinct = pairs_u.factorize()
        made = [user_entry([name], unit or None)[0] for name, unit in distinct]
        for (name, _unit), e in zip(distinct, made, strict=True):
            user_entries[e.code] = e
            columns_new.setdefault(name, e.code)
        indicator = indicator.copy()
        indicator[unknown_rows] = np.array([e.code for e in made], dtype=object)[pair_of]
        catalogue = catalogue.extended(user_entries.values())
    cat_unit = indicator.map(lambda c: catalogue[c].unit if isinstance(c, str) else "")
    pair_codes, pairs = pd.MultiIndex.from_arrays(
        [unit_text.astype(str).to_numpy(), cat_unit.astype(str).to_numpy()]
    ).factorize()
    per_pair = [  # one conversion per distinct (unit, catalogue unit) pair
        (conversion_factor(u or None, c) if c else 1.0) for u, c in pairs
    ]
    factor = pd.Series(
        np.array([np.nan if f is None else f for f in per_pair], dtype="float64")[pair_codes]
    )
    parsed = parse_values(data[cols["value"]].reset_index(drop=True))
    unit_bad = factor.isna().to_numpy()
    foreign = unit_text.map(foreign_money_unit)
    unknown_unit = pd.Series([None] * len(unit_text), dtype=object)
    hit = foreign.notna().to_numpy() & indicator.notna().to_numpy()
    if hit.any():
        unknown_unit[hit] = (
            "单位“" + foreign[hit] + "”无法换算为 " + cat_unit[hit]
            + "（不做汇率换算，请换算成人民币）"
        ).to_numpy()  # fmt: skip
        unit_bad = unit_bad & ~hit
    fvals = factor.fillna(1.0).astype("float64").to_numpy()
    value = parsed.value.to_numpy() * np.where(parsed.cell_factor.isna(), fvals, 1.0)
    known = indicator.notna().to_numpy()
    conflict = _unit_conflicts(
        data[cols["value"]].reset_index(drop=True),
        parsed.cell_factor,
        ~known | cat_unit.map(_is_share).to_numpy(dtype=bool),
        ("指标“" + ind_text + "”的单位为 " + unit_text.where(unit_text != "", cat_unit)).to_numpy(),
    )
    cells = pd.DataFrame(
        {
            "row_number": row_number,
            "indicator": indicator.where(indicator.notna(), None).to_numpy(dtype=object),
            "value": np.where(unit_bad | hit | conflict.notna().to_numpy(), np.nan, value),
            "missing": parsed.missing.to_numpy(),
            "marker": parsed.marker.to_numpy(),
            "bad": parsed.bad.to_numpy() | (unit_bad & ~parsed.missing.to_numpy()),
            "conflict": conflict.to_numpy(),
            "unknown_unit": unknown_unit.to_numpy(),
        }
    )
    return Layout(
        rows=rows,
        cells=cells,
        data_index=data.index,
        headers=headers,
        format="long",
        columns_matched={t: c for t, c in codes.items() if c is not None},
        columns_ignored=[],
        user_entries=list(user_entries.values()),
        columns_new=columns_new,
    )
