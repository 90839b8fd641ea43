"""A seeded generator of a synthetic national enterprise registry (示例数据).

There is no public record-level enterprise registry, so xinzhi ships this generator for demos,
tests and benchmarks. Every generated row has ``synthetic = True`` and a name starting with
``（示例）``; the CLI prints 示例数据 whenever it shows such data.

Model (documented in ``docs/firms.md``)
---------------------------------------
* **County × section cells.** The weight of county *c* and GB/T 4754 section *s* is the
  census employed population proxy :math:`w_{cs} = \\text{pop\\_total}_c \\cdot
  \\text{emp\\_sec\\_}s_c` (7th census shares × population). Firm counts per cell are one
  multinomial draw :math:`N \\sim \\text{Mult}(n, w / \\sum w)`, so the expected share of
  section *s* among a county's firms equals the census employment share.
* **Divisions within a section** follow the national employment structure by division
  (``china_employment.rda`` of the io-tables dataset, latest year) when ``division_shares`` is
  given, otherwise uniform within the section.
* **Classes** (4-digit) are *illustrative*: group digit 1–4 and class digit 1–4 drawn uniformly
  within the division, so about 16 codes per division; they are not checked against the list of
  GB/T 4754 classes.
* **Size.** employees = ⌊LogNormal(ln 6, 1.3)⌋, revenue (万元) = max(employees, 1) ×
  LogNormal(ln 25, 0.9), registered capital (万元) = LogNormal(ln 100, 1.5) rounded to 0.01 —
  heavy right tails like real registries.
* **Founding date**: year with weights ∝ exp(0.08 (year − 1980)) on 1980..``snapshot_year``,
  day uniform in the year. **Status**: closed (注销/吊销) with probability
  1 − exp(−0.025 · age); active firms are 存续 or 在业.
* **Credit codes** are valid GB 32100-2015 codes ``9 1 <county code> <organisation code>
  <check>``; the 8-digit organisation body is ``(i·7654321 + offset) mod 10^8`` for row index
  *i* (a bijection, so codes are unique for up to 10^8 rows), with its GB 11714 check character.

The generator is pure (DataFrame in, DataFrame/Arrow table out) and deterministic for a seed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from xinzhi.codes import gbt4754
from xinzhi.codes.credit import credit_check_bytes, org_check_bytes
from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.errors import InputError

__all__ = [
    "SYNTHETIC_LABEL",
    "census_weights",
    "division_shares_from_employment",
    "generate_firms",
    "generate_table",
    "iter_tables",
    "write_parquet",
]

SYNTHETIC_LABEL = "示例数据"
"""Label shown with every synthetic output."""

_NAME_WORD_SECTION = {
    "A": "农业",
    "B": "矿业",
    "C": "制造",
    "D": "能源",
    "E": "建设工程",
    "F": "商贸",
    "G": "物流",
    "H": "餐饮",
    "I": "信息技术",
    "J": "投资",
    "K": "置业",
    "L": "商务服务",
    "M": "科技",
    "N": "环境工程",
    "O": "家政服务",
    "P": "教育咨询",
    "Q": "健康管理",
    "R": "文化传媒",
    "S": "社会服务",
    "T": "国际交流",
}
_NAME_WORD_DIVISION = {
    "13": "食品",
    "14": "食品",
    "17": "纺织",
    "18": "服饰",
    "21": "家具",
    "26": "化工",
    "27": "医药",
    "29": "塑胶",
    "30": "建材",
    "31": "钢铁",
    "32": "金属材料",
    "33": "五金",
    "34": "机械",
    "35": "机械",
    "36": "汽车零部件",
    "38": "电气",
    "39": "电子",
    "51": "贸易",
    "61": "酒店",
    "64": "网络科技",
    "65": "软件",
}
_ACTIVE = ("存续", "在业")
_CLOSED = ("注销", "吊销")
_MULT = 7_654_321  # odd and not a multiple of 5: x → a·x mod 10^8 is a bijection


# ---------------------------------------------------------------------------- inputs
def census_weights(census: pd.DataFrame) -> pd.DataFrame:
    """County × section weights from census indicators.

    Parameters
    ----------
    census : DataFrame
        One row per county: ``region_code``, ``pop_total`` and ``emp_sec_A`` … ``emp_sec_T``
        (shares 0–1, e.g. :func:`xinzhi.store.read_wide` of the 2020 census). Missing section
        shares count as 0; counties without population or any share are dropped.

    Returns
    -------
    DataFrame
        ``region_code``, ``section``, ``weight`` (= pop_total × emp_sec_X) with weight > 0.
    """
    need = ["region_code", "pop_total"] + [f"emp_sec_{s}" for s in SECTION_CODES]
    missing = [c for c in need if c not in census.columns]
    if missing:
        raise InputError(f"普查表缺少列：{'、'.join(missing)}")
    df = census.drop_duplicates("region_code")
    shares = df[[f"emp_sec_{s}" for s in SECTION_CODES]].to_numpy(dtype=float)
    pop = df["pop_total"].to_numpy(dtype=float)
    w = np.nan_to_num(shares, nan=0.0) * np.nan_to_num(pop, nan=0.0)[:, None]
    if np.any(w < 0):
        raise InputError("普查人口或就业比重不能为负数")
    codes = df["region_code"].astype(str).to_numpy()
    out = pd.DataFrame(
        {
            "region_code": np.repeat(codes, len(SECTION_CODES)),
            "section": np.tile(np.array(SECTION_CODES, dtype=object), len(codes)),
            "weight": w.ravel(),
        }
    )
    out = out[out["weight"] > 0].reset_index(drop=True)
    if out.empty:
        raise InputError("普查表中没有正的人口 × 就业比重，无法生成示例企业")
    return out


def division_shares_from_employment(
    employment: pd.DataFrame, year: int | None = None
) -> pd.DataFrame:
    """Division shares within sections from the national employment table.

    Parameters
    ----------
    employment : DataFrame
        ``china_employment`` of the io-tables dataset: column ``Code`` (``A``, ``A01`` …,
        the n-th division of a section in GB/T 4754-2017 order) and one column per year
        (万人).
    year : int, optional
        Column to use (default: the latest).

    Returns
    -------
    DataFrame
        ``section``, ``division`` (2-digit), ``share`` (sums to 1 within each section; a
        section without positive division data gets equal shares).
    """
    years = [c for c in employment.columns if str(c).isdigit()]
    col = str(year) if year is not None else max(years, key=int)
    if col not in [str(c) for c in years]:
        raise InputError(f"就业表中没有 {year} 年的数据")
    codes = employment["Code"].astype(str)
    values = pd.to_numeric(employment[col], errors="coerce")
    sub = pd.DataFrame({"code": codes, "value": values})
    sub = sub[sub["code"].str.fullmatch(r"[A-T]\d{2}")]
    tab = gbt4754.divisions()
    tab["n"] = tab.groupby("section").cumcount() + 1
    sub = sub.assign(section=sub["code"].str[0], n=sub["code"].str[1:].astype(int))
    m = tab.merge(sub[["section", "n", "value"]], on=["section", "n"], how="left")
    m["value"] = m["value"].fillna(0.0).clip(lower=0.0)
    tot = m.groupby("section")["value"].transform("sum")
    size = m.groupby("section")["division"].transform("size")
    m["share"] = np.where(tot > 0, m["value"] / tot.where(tot > 0, 1.0), 1.0 / size)
    return m[["section", "division", "share"]].reset_index(drop=True)


def _uniform_division_shares() -> pd.DataFrame:
    tab = gbt4754.divisions()
    size = tab.groupby("section")["division"].transform("size")
    return pd.DataFrame({"section": tab["section"], "division": tab["division"], "share": 1 / size})


# ---------------------------------------------------------------------------- generation
class _Plan:
    """Cells, division sampler and names shared by all chunks of one generation."""

    def __init__(
        self,
        census: pd.DataFrame,
        n: int,
        seed: int,
        division_shares: pd.DataFrame | None,
        names: pd.Series | None,
    ) -> None:
        cells = census_weights(census)
        rng = np.random.default_rng([seed, 0])
        p = cells["weight"].to_numpy() / cells["weight"].sum()
        self.counts = rng.multinomial(n, p)
        self.n = n
        self.seed = seed
        self.region = cells["region_code"].to_numpy(dtype=object)
        self.region_codes, self.region_idx = np.unique(self.region, return_inverse=True)
        sec_index = {s: i for i, s in enumerate(SECTION_CODES)}
        self.cell_section = cells["section"].map(sec_index).to_numpy(dtype=np.int64)
        shares = division_shares if division_shares is not None else _uniform_division_shares()
        shares = shares.assign(k=shares["section"].map(sec_index)).sort_values(["k", "division"])
        shares = shares[shares["share"] > 0]
        tot = shares.groupby("k")["share"].transform("sum")
        cum = shares.assign(c=shares["share"] / tot).groupby("k")["c"].cumsum()
        self.div_cum = (cum.to_numpy() + shares["k"].to_numpy()).astype(float)
        self.div_cum[np.r_[np.diff(shares["k"].to_numpy()) != 0, True]] = (
            shares["k"].to_numpy()[np.r_[np.diff(shares["k"].to_numpy()) != 0, True]] + 1.0
        )
        self.div_codes = shares["division"].to_numpy(dtype=object)
        self.div_section = shares["k"].to_numpy()
        missing_sec = set(range(len(SECTION_CODES))) - set(self.div_section.tolist())
        if missing_sec & set(self.cell_section.tolist()):
            raise InputError("行业大类比重表缺少某些门类")
        # place names for firm names: the region's short name from the registry if given
        if names is None:
            place = pd.Series(self.region_codes, dtype=object)
        else:
            place = pd.Series(self.region_codes).map(names).fillna(pd.Series(self.region_codes))
        self.place = place.astype(str).to_numpy(dtype=object)
        words = [
            _NAME_WORD_DIVISION.get(d, _NAME_WORD_SECTION[SECTION_CODES[k]])
            for d, k in zip(self.div_codes, self.div_section, strict=True)
        ]
        self.word = np.array(words, dtype=object)
        self.cell_start = np.concatenate([[0], np.cumsum(self.counts)])


def _credit_matrix(region6: np.ndarray, serial: np.ndarray, offset: int) -> np.ndarray:
    """(n, 18) uint8 matrix of valid credit codes (vectorised)."""
    n = len(serial)
    mat = np.empty((n, 18), dtype=np.uint8)
    mat[:, 0] = ord("9")
    mat[:, 1] = ord("1")
    mat[:, 2:8] = region6
    body = (serial.astype(np.int64) * _MULT + offset) % 100_000_000
    digits = np.empty((n, 8), dtype=np.int64)
    for j in range(8):  # 8 digit positions, not a loop over rows
        digits[:, 7 - j] = body % 10
        body //= 10
    mat[:, 8:16] = digits + ord("0")
    mat[:, 16], _ = org_check_bytes(mat[:, 8:16])
    mat[:, 17], _ = credit_check_bytes(mat[:, :17])
    return mat


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as an (n, width) uint8 matrix."""
    v = values.astype(np.int64)
    out = np.empty((len(v), width), dtype=np.uint8)
    for j in range(width):  # digit positions, not rows
        out[:, width - 1 - j] = v % 10 + ord("0")
        v = v // 10
    return out


def _fixed_strings(mat: np.ndarray) -> pa.Array:
    n, w = mat.shape
    offsets = np.arange(0, w * (n + 1), w, dtype=np.int32)
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(np.ascontiguousarray(mat).tobytes())
    )


def _chunk(plan: _Plan, start: int, stop: int, snapshot_year: int) -> pa.Table:
    """Rows ``start``..``stop`` of the generation (independent random stream per chunk)."""
    rng = np.random.default_rng([plan.seed, 1, start])
    rows = np.arange(start, stop)
    cell = np.searchsorted(plan.cell_start, rows, side="right") - 1
    m = len(rows)
    sec = plan.cell_section[cell]
    div_i = np.searchsorted(plan.div_cum, sec + rng.random(m), side="right")
    div_i = np.minimum(div_i, len(plan.div_codes) - 1)
    division = plan.div_codes[div_i]
    group = rng.integers(1, 5, m)
    klass = rng.integers(1, 5, m)
    div_num = division.astype(np.int64)
    class_num = div_num * 100 + group * 10 + klass
    reg = plan.region_idx[cell]
    region6 = np.frombuffer("".join(plan.region_codes).encode(), dtype=np.uint8).reshape(-1, 6)[reg]
    credit = _credit_matrix(region6, rows, offset=(plan.seed * 7919) % 100_000_000)
    employees = np.floor(rng.lognormal(np.log(6.0), 1.3, m)).astype(np.int32)
    revenue = np.maximum(employees, 1) * rng.lognormal(np.log(25.0), 0.9, m)
    capital = np.round(rng.lognormal(np.log(100.0), 1.5, m), 2)
    first = 1980
    years = np.arange(first, snapshot_year + 1)
    pw = np.exp(0.08 * (years - first))
    year = rng.choice(years, size=m, p=pw / pw.sum())
    day = (rng.random(m) * 365).astype(np.int64)
    founded = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + day
    age = snapshot_year - year + 0.5
    closed = rng.random(m) < 1 - np.exp(-0.025 * age)
    status_idx = np.where(closed, 2 + rng.integers(0, 2, m), rng.integers(0, 2, m))
    status_dict = pa.array(list(_ACTIVE + _CLOSED))
    # names: dictionary-encoded by (region, division) so 10^7 rows need no 10^7 Python strings
    combo = reg.astype(np.int64) * len(plan.div_codes) + div_i
    uniq, inv = np.unique(combo, return_inverse=True)
    name_dict = (
        "（示例）"
        + plan.place[uniq // len(plan.div_codes)]
        + "某某"
        + plan.word[uniq % len(plan.div_codes)]
        + "有限公司"
    )
    return pa.table(
        {
            "credit_code": _fixed_strings(credit),
            "name": pa.DictionaryArray.from_arrays(
                pa.array(inv.astype(np.int32)), pa.array(list(name_dict), pa.string())
            ),
            "region_code": _fixed_strings(np.ascontiguousarray(region6)),
            "industry_code": _fixed_strings(_digits(class_num, 4)),
            "division": _fixed_strings(_digits(div_num, 2)),
            "section": pa.array(np.array(SECTION_CODES)[sec]),
            "registered_capital": pa.array(capital),
            "founded": pa.array(founded, pa.date32()),
            "employees": pa.array(employees),
            "revenue": pa.array(revenue),
            "status": pa.DictionaryArray.from_arrays(
                pa.array(status_idx.astype(np.int32)), status_dict
            ),
            "synthetic": pa.array(np.ones(m, dtype=bool)),
        }
    )


def iter_tables(
    census: pd.DataFrame,
    n: int,
    *,
    seed: int,
    division_shares: pd.DataFrame | None = None,
    place_names: pd.Series | None = None,
    snapshot_year: int = 2024,
    chunk_size: int = 1_000_000,
) -> Iterator[pa.Table]:
    """Generate ``n`` synthetic firms as Arrow tables of at most ``chunk_size`` rows.

    Parameters
    ----------
    census : DataFrame
        ``region_code``, ``pop_total``, ``emp_sec_A`` … ``emp_sec_T`` (see
        :func:`census_weights`).
    n : int
        Number of firms (≥ 1, ≤ 10^8).
    seed : int
        Random seed; the output depends only on the inputs, ``seed`` and ``n`` (not on
        ``chunk_size``… except that each chunk has its own random stream, so keep
        ``chunk_size`` fixed to reproduce a file exactly).
    division_shares : DataFrame, optional
        ``section``, ``division``, ``share`` (:func:`division_shares_from_employment` of
        :func:`xinzhi.ingest.io_tables.read_employment_frame`); default uniform
        within each section.
    place_names : Series, optional
        region_code → short place name used in firm names (e.g. 湘潭); default the code.
    snapshot_year : int
        Last founding year and reference year of the status model.
    chunk_size : int
        Rows per table.
    """
    if not 1 <= n <= 100_000_000:
        raise InputError("示例企业数量须在 1 到 1 亿之间")
    plan = _Plan(census, n, seed, division_shares, place_names)
    for start in range(0, n, chunk_size):
        yield _chunk(plan, start, min(n, start + chunk_size), snapshot_year)


def generate_table(census: pd.DataFrame, n: int, *, seed: int, **kwargs: object) -> pa.Table:
    """All rows of :func:`iter_tables` as one Arrow table."""
    return pa.concat_tables(list(iter_tables(census, n, seed=seed, **kwargs)))  # type: ignore[arg-type]


def generate_firms(census: pd.DataFrame, n: int, *, seed: int, **kwargs: object) -> pd.DataFrame:
    """Synthetic firms (示例数据) as a pandas DataFrame with the ``firms`` columns (no
    ``batch_id``); see :func:`iter_tables` for the parameters and the module docstring for the
    model."""
    table = generate_table(census, n, seed=seed, **kwargs)
    for c in ("name", "status"):
        i = table.schema.get_field_index(c)
        table = table.set_column(i, c, table.column(c).cast(pa.string()))
    df = table.to_pandas()
    df["founded"] = pd.to_datetime(df["founded"])
    return df


def write_parquet(
    census: pd.DataFrame,
    path: str | os.PathLike[str],
    n: int,
    *,
    seed: int,
    chunk_size: int = 1_000_000,
    **kwargs: object,
) -> int:
    """Write ``n`` synthetic firms to a Parquet file chunk by chunk; rows written.

    The file's key-value metadata carries ``xinzhi.synthetic = 示例数据`` and the seed.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | None = None
    written = 0
    try:
        for table in iter_tables(census, n, seed=seed, chunk_size=chunk_size, **kwargs):  # type: ignore[arg-type]
            if writer is None:
                meta = {
                    b"xinzhi.synthetic": SYNTHETIC_LABEL.encode(),
                    b"xinzhi.seed": str(seed).encode(),
                }
                schema = table.schema.with_metadata(meta)
                writer = pq.ParquetWriter(str(p), schema, compression="zstd")
            writer.write_table(table.replace_schema_metadata(writer.schema.metadata))
            written += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return written
