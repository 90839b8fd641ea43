"""Seeded synthetic enterprise data by year and labels for a firm registry (示例数据).

No public record-level data of firms' tax, land, energy or R&D exist, so xinzhi generates
plausible, correlated values for the synthetic registry
(:mod:`xinzhi.industry.synthetic`): one row per active firm and data year with every field of
:func:`xinzhi.codes.firm_fields.firm_fields`, and honours (荣誉 / 资质) with validity windows
consistent with those values. Every row has ``synthetic = True``; park names start with
``（示例）``. The model is described in ``docs/enterprise_data.md`` (示例数据模型); in short, for
firm *i* with registry revenue :math:`R_i` (万元, taken as the value of the last year *L*) and
registry employees :math:`E_i`:

* **Revenue path.** :math:`\\ln \\text{rev}_{i,t-1} = \\ln \\text{rev}_{i,t} - g_{i,t}`,
  :math:`g \\sim N(0.06, 0.15)` per calendar year, :math:`\\text{rev}_{i,L} = R_i`; employees
  follow with elasticity 0.4. 规上 (``above_scale``): revenue ≥ 2000 万元 (the threshold of
  规模以上工业企业 of the National Bureau of Statistics since 2011, applied to every section).
* **Ratios to revenue** (firm rate + small yearly noise, clipped): value added 20–35 %, tax
  2–8 %, profit N(6 %, 6 %) within −30 %…35 %, main revenue 85–100 %, total assets
  LogNormal(ln 1.1, 0.4) × revenue, debt ratio Beta(4, 5).
* **Resources** (industrial sections B, C, D heavier): energy = value added × LogNormal
  intensity (tce per 万元); electricity = energy × share ÷ 1.229 (1 万 kWh = 1.229 tce at the
  equivalent coefficient 0.1229 kgce/kWh of GB/T 2589-2020); gas = energy × share ÷ 12.143
  (1 万 m³ natural gas ≈ 12.143 tce, 1.2143 kgce/m³ in GB/T 2589-2020); water ≈ 24 m³ per
  万元 value added for industry; emissions ∝ energy.
* **R&D.** Intensity LogNormal(ln 0.6 %, 1.1), ×2.5 in technology divisions, a third of the
  other non-industrial firms none; about one firm in eight above 3 %. R&D and technology staff
  rise with intensity; IP counts are Poisson with a Gamma-distributed rate ∝ R&D^0.8 (heavy
  tail), stocks that shrink binomially into earlier years.
* **Land** (亩): industrial firms own land with probability 0.35 (0.9 from revenue ≥ 500 万元),
  area = revenue ÷ LogNormal(ln 350, 0.6) 万元 per 亩; tenants 0; other sections NULL.
  Parks: most industrial landowners and a few others are in ``（示例）<county>经济开发区`` or
  ``…高新技术产业开发区``.
* **Location** (``longitude`` / ``latitude``, WGS-84 degrees; only when the caller gives the
  county polygons): a park's centre is drawn uniformly inside its county from a stream of the
  seed, county and park name (every chunk agrees); its firms scatter around it as
  N(centre, s²) per axis with s = 4 % of the shorter side of the county's bounding box
  (between 0.003° and 0.03°), points falling outside the county drawn again; firms outside
  parks are uniform inside the county (rejection from the bounding box, in rounds of
  candidates tested with :func:`shapely.contains_xy`). These draws use a stream of their own,
  so the other values of a seed do not change with or without polygons.
* **Fields of the 高企 / 科技型 rules** (a stream of their own): 境内研发费用 = R&D × a firm
  share U(0.75, 1) (one firm in twenty U(0.3, 0.6)); 成本费用支出总额 = revenue − profit (≥ 0);
  总收入 = revenue × (1 + U(0, 5 %)) (other income). The official scores (专精特新 / 发展质量 /
  高企创新能力评价得分) stay NULL: they come only from the platforms.
* **Labels** from the last year's values: 高新技术企业 when the 认定管理办法 conditions hold
  (R&D intensity by revenue band, high-tech revenue ≥ 60 %, S&T staff ≥ 10 %, IP), 科技型中小
  企业, 创新型 → 专精特新 → 小巨人 (each level drawn among the holders of the level below),
  制造业单项冠军 rare; ``valid_from`` uniform over the four years up to the end of *L*,
  ``valid_to`` = ``valid_from`` + validity − 1 day (validity per label from the caller).

The generator is pure (Arrow/pandas in, Arrow out), vectorised and deterministic for a seed
and a chunking: each chunk draws from ``numpy.random.default_rng([seed, 14, offset])``.

Examples
--------
Two active manufacturers, three data years: three rows each, value added 20–35 % of revenue.

>>> import datetime as dt
>>> import pandas as pd
>>> firms = pd.DataFrame({
...     "credit_code": ["91430321000000011X", "91430321000000029X"],
...     "name": ["（示例）湘潭某某机械有限公司", "（示例）湘潭某某电子有限公司"],
...     "region_code": ["430321", "430321"], "division": ["34", "39"], "section": ["C", "C"],
...     "founded": [dt.date(2010, 3, 1), dt.date(2015, 6, 1)], "employees": [80, 300],
...     "revenue": [3000.0, 25000.0], "status": ["存续", "在业"]})
>>> out = generate_firm_years(firms, [2022, 2023, 2024], seed=1, validity={"hnte": 3})
>>> out.firm_years.num_rows
6
>>> rows = out.firm_years.to_pandas()
>>> bool(rows["value_added"].div(rows["revenue"]).between(0.2, 0.35).all())
True
>>> rows.loc[rows["year"] == 2024, "revenue"].tolist()
[3000.0, 25000.0]
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from xinzhi.codes.firm_fields import firm_fields, firm_labels
from xinzhi.codes.firm_status import active_statuses
from xinzhi.errors import InputError

__all__ = [
    "ABOVE_SCALE_REVENUE",
    "INDUSTRIAL_SECTIONS",
    "SYNTHETIC_LABEL",
    "EnterpriseChunk",
    "generate_firm_years",
    "iter_firm_years",
    "place_firms",
]

SYNTHETIC_LABEL = "示例数据"
"""Label shown with every synthetic output."""

INDUSTRIAL_SECTIONS = ("B", "C", "D")
"""GB/T 4754 sections treated as industry (采矿业, 制造业, 电力热力燃气及水生产和供应业)."""

ABOVE_SCALE_REVENUE = 2000.0
"""规上 threshold (万元): annual main-business revenue ≥ 2000 万元 (国家统计局, since 2011)."""

_TECH_DIVISIONS = frozenset(
    ["26", "27", "34", "35", "36", "37", "38", "39", "40", "63", "64", "65", "73"]
)
_ELECTRICITY_TCE = 1.229  # tce per 万 kWh (0.1229 kgce/kWh, GB/T 2589-2020 equivalent value)
_GAS_TCE = 12.143  # tce per 万 m³ natural gas (1.2143 kgce/m³, GB/T 2589-2020)
_NEEDED = ("credit_code", "region_code", "section", "founded", "status")

_ARROW_TYPES = {
    "double": pa.float64(),
    "integer": pa.int32(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "varchar": pa.string(),
}


@dataclass(frozen=True)
class EnterpriseChunk:
    """Synthetic rows for one chunk of firms.

    ``firm_years``: ``credit_code``, ``year``, every catalogue field, ``synthetic`` (the
    columns of the warehouse table ``firm_years`` without ``batch_id``); ``firm_labels``:
    ``credit_code``, ``label``, ``valid_from``, ``valid_to``, ``synthetic``.
    """

    firm_years: pa.Table
    firm_labels: pa.Table


def _frame(firms: pa.Table | pd.DataFrame) -> pd.DataFrame:
    cols = [*_NEEDED, "name", "division", "employees", "revenue"]
    if isinstance(firms, pa.Table):
        sel = firms.select([c for c in cols if c in firms.column_names])
        for i, f in enumerate(sel.schema):
            if pa.types.is_dictionary(f.type):
                sel = sel.set_column(i, f.name, sel.column(i).cast(f.type.value_type))
        df = sel.to_pandas()
    else:
        df = firms[[c for c in cols if c in firms.columns]].copy()
    missing = [c for c in _NEEDED if c not in df.columns]
    if missing:
        raise InputError(f"企业名录缺少列：{'、'.join(missing)}")
    for c in ("name", "division", "employees", "revenue"):
        if c not in df.columns:
            df[c] = None
    for c in ("credit_code", "region_code", "section", "division", "status", "name"):
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(object)
    return df.reset_index(drop=True)


def _places(df: pd.DataFrame, place_names: Mapping[str, str] | None) -> pd.Series:
    """County place name per firm: ``place_names`` (region_code → name), else the place in a
    synthetic firm name ``（示例）<place>某某…``, else the region code (one lookup per county)."""
    first = df.drop_duplicates("region_code")[["region_code", "name"]]
    from_name = first["name"].astype("string").str.extract(r"^（示例）(.+?)某某", expand=False)
    place = pd.Series(from_name.to_numpy(dtype=object), index=first["region_code"].to_numpy())
    if place_names is not None:
        given = place.index.map(lambda c: place_names.get(str(c)))  # per county, not per firm
        place = pd.Series(np.where(given.notna(), given, place.to_numpy()), index=place.index)
    place = place.where(place.notna(), pd.Series(place.index, index=place.index))
    return df["region_code"].map(place).astype(object)


def _years(years: Sequence[int]) -> np.ndarray:
    ys = np.array(sorted({int(y) for y in years}), dtype=np.int64)
    if ys.size == 0:
        raise InputError("请至少指定一个数据年份")
    if ys[0] < 1990 or ys[-1] > 2100:
        raise InputError(f"数据年份须在 1990–2100 之间：{ys.tolist()}")
    return ys


def _label_window(
    rng: np.random.Generator, n: int, last: int, span: int, validity: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """``valid_from`` uniform over the ``span`` years ending 31 Dec of ``last``; ``valid_to``
    = valid_from + ``validity`` years − 1 day (NaT when validity is None)."""
    start = np.datetime64(f"{last - span + 1}-01-01")
    days = int((np.datetime64(f"{last + 1}-01-01") - start).astype(int))
    vf = start + rng.integers(0, days, n).astype("timedelta64[D]")
    if validity is None:
        return vf, np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    shifted = pd.DatetimeIndex(vf.astype("datetime64[ns]")) + pd.DateOffset(years=validity)
    vt = shifted.to_numpy().astype("datetime64[D]") - np.timedelta64(1, "D")
    return vf, vt


def _inside(geom: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    import shapely

    return np.asarray(shapely.contains_xy(geom, x, y), dtype=bool)


def _uniform_in(geom: Any, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform inside ``geom``: candidates drawn in its bounding box in rounds
    (each round enough for the points still missing), those inside kept."""
    x0, y0, x1, y1 = geom.bounds
    share = max(geom.area / max((x1 - x0) * (y1 - y0), 1e-12), 0.02)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    need = n
    for _ in range(60):  # rounds of candidates, not points
        if need <= 0:
            break
        k = int(need / share * 1.3) + 16
        x = rng.uniform(x0, x1, k)
        y = rng.uniform(y0, y1, k)
        ok = _inside(geom, x, y)
        xs.append(x[ok][:need])
        ys.append(y[ok][:need])
        need -= min(int(ok.sum()), need)
    if need > 0:  # a sliver the rounds missed: a point surely inside
        p = geom.representative_point()
        xs.append(np.full(need, p.x))
        ys.append(np.full(need, p.y))
    return np.concatenate(xs), np.concatenate(ys)


def place_firms(
    region: Sequence[str] | np.ndarray,
    park: Sequence[str | None] | np.ndarray,
    polygons: Mapping[str, Any],
    *,
    seed: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (WGS-84 degrees) of each firm inside its county, clustered by
    park (the model in the module docstring); NaN for a county without a polygon.

    Parameters
    ----------
    region : sequence of str
        County code per firm.
    park : sequence of str or None
        Park name per firm (None: not in a park).
    polygons : mapping
        County code → shapely (Multi)Polygon in longitude / latitude.
    seed : int
        Seed of the park centres (with the county and park name).
    rng : numpy Generator
        Stream of the firms' own draws.

    Examples
    --------
    >>> import numpy as np, shapely
    >>> square = shapely.box(112.0, 27.0, 113.0, 28.0)
    >>> lon, lat = place_firms(["430321"] * 3, ["园区", "园区", None], {"430321": square},
    ...     seed=1, rng=np.random.default_rng(1))
    >>> bool(shapely.contains_xy(square, lon, lat).all())
    True
    """
    import shapely

    codes = np.asarray(region, dtype=object).astype(str)
    parks = np.asarray(park, dtype=object)
    parks = np.where(pd.isna(parks), "", parks).astype(str)
    lon = np.full(len(codes), np.nan)
    lat = np.full(len(codes), np.nan)
    for code in np.unique(codes):  # over counties, not firms
        geom = polygons.get(str(code))
        if geom is None or geom.is_empty:
            continue
        shapely.prepare(geom)
        here = codes == code
        x0, y0, x1, y1 = geom.bounds
        spread = float(np.clip(0.04 * min(x1 - x0, y1 - y0), 0.003, 0.03))
        for name in np.unique(parks[here]):  # over the county's parks
            sel = np.flatnonzero(here & (parks == name))
            if name == "":
                lon[sel], lat[sel] = _uniform_in(geom, rng, len(sel))
                continue
            # the centre depends on the seed, county and park only: every chunk agrees
            crng = np.random.default_rng([seed, 14, zlib.crc32(f"{code}|{name}".encode())])
            cx, cy = (float(v[0]) for v in _uniform_in(geom, crng, 1))
            x = cx + rng.normal(0.0, spread, len(sel))
            y = cy + rng.normal(0.0, spread, len(sel))
            for _ in range(30):  # points outside the county drawn again (rounds, not points)
                out = ~_inside(geom, x, y)
                if not out.any():
                    break
                x[out] = cx + rng.normal(0.0, spread, int(out.sum()))
                y[out] = cy + rng.normal(0.0, spread, int(out.sum()))
            out = ~_inside(geom, x, y)
            x[out], y[out] = cx, cy
            lon[sel], lat[sel] = x, y
    return lon, lat


def _chunk(
    firms: pa.Table | pd.DataFrame,
    years: np.ndarray,
    *,
    seed: int,
    offset: int,
    validity: Mapping[str, int | None],
    place_names: Mapping[str, str] | None,
    places: Mapping[str, Any] | None = None,
) -> EnterpriseChunk:
    rng = np.random.default_rng([seed, 14, offset])
    df = _frame(firms)
    last = int(years[-1])
    status = df["status"]
    active = (status.isna() | status.astype(object).isin(active_statuses())).to_numpy()
    founded = pd.to_datetime(df["founded"], errors="coerce")
    fy = founded.dt.year.to_numpy(dtype="float64")
    fy = np.where(np.isnan(fy), last - 10, fy)
    keep = active & (fy <= last)
    df = df[keep].reset_index(drop=True)
    fy = fy[keep]
    m, k = len(df), len(years)
    fields = firm_fields()

    section = df["section"].astype(object).to_numpy()
    division = df["division"].astype(object).fillna("").to_numpy()
    ind = np.isin(section, INDUSTRIAL_SECTIONS)
    tech = np.isin(division, list(_TECH_DIVISIONS))
    reg_rev = pd.to_numeric(df["revenue"], errors="coerce").to_numpy(dtype="float64")
    reg_emp = pd.to_numeric(df["employees"], errors="coerce").to_numpy(dtype="float64")
    drawn_emp = np.floor(rng.lognormal(np.log(6.0), 1.3, m))
    emp_l = np.where(np.isnan(reg_emp), drawn_emp, reg_emp)
    drawn_rev = np.maximum(emp_l, 1.0) * rng.lognormal(np.log(25.0), 0.9, m)
    rev_l = np.maximum(np.where(np.isnan(reg_rev) | (reg_rev <= 0), drawn_rev, reg_rev), 1.0)

    # revenue path: growth per calendar year between the requested years
    log_rev = np.empty((m, k))
    log_rev[:, -1] = np.log(rev_l)
    for j in range(k - 2, -1, -1):  # over years, not firms
        gap = float(years[j + 1] - years[j])
        log_rev[:, j] = log_rev[:, j + 1] - rng.normal(0.06 * gap, 0.15 * np.sqrt(gap), m)
    rev = np.round(np.exp(log_rev), 2)
    rev[:, -1] = rev_l
    emp = np.round(
        emp_l[:, None] * np.exp(0.4 * (log_rev - log_rev[:, -1:]) + rng.normal(0, 0.03, (m, k)))
    )
    emp[:, -1] = emp_l

    def rate(base: np.ndarray, sd: float, lo: float, hi: float) -> np.ndarray:
        return np.clip(base[:, None] + rng.normal(0.0, sd, (m, k)), lo, hi)

    va = rev * rate(rng.uniform(0.22, 0.33, m), 0.01, 0.20, 0.35)
    tax = rev * rate(rng.uniform(0.025, 0.075, m), 0.004, 0.02, 0.08)
    profit = rev * rate(rng.normal(0.06, 0.06, m), 0.02, -0.30, 0.35)
    main_rev = rev * rng.uniform(0.85, 1.0, m)[:, None]
    assets = rev * rng.lognormal(np.log(1.1), 0.4, m)[:, None] * rng.lognormal(0, 0.03, (m, k))
    debt = rate(rng.beta(4.0, 5.0, m), 0.02, 0.02, 0.98)

    intensity_e = np.where(
        ind, rng.lognormal(np.log(0.35), 0.8, m), rng.lognormal(np.log(0.03), 0.6, m)
    )
    energy = va * intensity_e[:, None] * rng.lognormal(0.0, 0.05, (m, k))
    elec_share = np.where(ind, rng.uniform(0.3, 0.8, m), rng.uniform(0.6, 0.95, m))
    electricity = energy * elec_share[:, None] / _ELECTRICITY_TCE
    has_gas = rng.random(m) < np.where(ind, 0.5, 0.2)
    gas = energy * (has_gas * rng.uniform(0.05, 0.3, m))[:, None] / _GAS_TCE
    water_m3 = np.where(ind, rng.lognormal(np.log(24.0), 0.7, m), rng.lognormal(np.log(5), 0.7, m))
    water = va * water_m3[:, None] / 1e4
    emissions = energy * np.where(ind, rng.lognormal(np.log(0.02), 1.0, m), 0.002)[:, None]

    intensity = rng.lognormal(np.log(0.006), 1.1, m) * np.where(tech, 2.5, 1.0)
    intensity = np.where(~ind & ~tech & (rng.random(m) < 1 / 3), 0.0, np.minimum(intensity, 0.3))
    rd = rev * intensity[:, None] * rng.lognormal(0.0, 0.1, (m, k))
    has_ti = ind & (rng.random(m) < 0.5)
    tech_inv = np.where(
        has_ti[:, None],
        rev * rng.lognormal(np.log(0.02), 1.0, m)[:, None] * rng.lognormal(0.0, 0.5, (m, k)),
        np.nan,
    )
    tech_inv = np.where(ind[:, None], np.nan_to_num(tech_inv, nan=0.0), np.nan)
    rd_share = np.clip(intensity * rng.uniform(2.0, 4.0, m), 0.0, 0.6)
    rd_staff = np.minimum(emp, np.round(emp * rd_share[:, None]))
    tech_staff = np.minimum(emp, rd_staff + np.round(emp * rng.uniform(0.0, 0.08, m)[:, None]))

    lam = 0.05 * np.power(rd[:, -1], 0.8) * rng.gamma(0.5, 2.0, m)
    inv = np.empty((m, k), dtype=np.int64)
    other1 = np.empty((m, k), dtype=np.int64)
    ip2 = np.empty((m, k), dtype=np.int64)
    n1 = rng.poisson(lam)
    inv[:, -1] = rng.binomial(n1, 0.85)
    other1[:, -1] = n1 - inv[:, -1]
    ip2[:, -1] = rng.poisson(3.0 * lam * rng.gamma(1.0, 1.0, m))
    for j in range(k - 2, -1, -1):  # stocks shrink into earlier years
        p = 0.85 ** float(years[j + 1] - years[j])
        inv[:, j] = rng.binomial(inv[:, j + 1], p)
        other1[:, j] = rng.binomial(other1[:, j + 1], p)
        ip2[:, j] = rng.binomial(ip2[:, j + 1], p)
    ip1 = inv + other1

    ht_share = np.where(
        (intensity >= 0.03) & (n1 + ip2[:, -1] > 0),
        rng.uniform(0.6, 0.95, m),
        np.where(rng.random(m) < 0.15, rng.uniform(0.05, 0.5, m), 0.0),
    )
    high_tech = rev * np.clip(
        ht_share[:, None] + rng.normal(0, 0.01, (m, k)) * (ht_share > 0)[:, None], 0, 1
    )
    fin_p = (np.where(tech, 0.10, 0.03) * np.where(rev_l >= 500.0, 1.0, 0.2))[:, None]
    equity = np.where(
        rng.random((m, k)) < fin_p,
        np.round(np.maximum(rev, 50.0) * rng.lognormal(np.log(0.5), 1.0, (m, k)), 2),
        0.0,
    )
    niche_start = fy + np.floor(rng.random(m) * 0.5 * np.maximum(last - fy, 0))
    niche = np.maximum(years[None, :] - niche_start[:, None], 0.0)

    founded_d = founded[keep].to_numpy().astype("datetime64[D]")
    founded_d = np.where(np.isnat(founded_d), np.datetime64(f"{last - 10}-07-01"), founded_d)
    start = founded_d + rng.integers(60, 540, m).astype("timedelta64[D]")
    new_plant = ind & (rng.random(m) < 0.04)
    plant_year = years[np.minimum(k - 1, np.maximum(0, k - 1 - rng.integers(0, 2, m)))]
    plant_day = (plant_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    plant_day = plant_day + rng.integers(0, 365, m).astype("timedelta64[D]")
    production_start = np.where(new_plant, plant_day, start)
    production_start = np.where(ind, production_start, np.datetime64("NaT"))

    own_land = ind & (rng.random(m) < np.where(rev_l >= 500.0, 0.9, 0.35))
    land = np.where(
        own_land, np.maximum(0.5, np.round(rev_l / rng.lognormal(np.log(350.0), 0.6, m), 2)), 0.0
    )
    land = np.where(ind, land, np.nan)
    in_park = rng.random(m) < np.where(own_land, 0.75, 0.15)
    kind = np.where(rng.random(m) < 0.3, "高新技术产业开发区", "经济开发区")
    park = np.full(m, None, dtype=object)
    park[in_park] = ("（示例）" + _places(df, place_names).to_numpy(dtype=str) + kind)[in_park]

    if places:  # a stream of its own: the other values do not depend on the polygons
        lon, lat = place_firms(
            df["region_code"].to_numpy(dtype=object),
            park,
            places,
            seed=seed,
            rng=np.random.default_rng([seed, 14, offset, 1]),
        )
    else:
        lon = lat = np.full(m, np.nan)

    # fields read by the 高企 / 科技型 rules; a stream of their own, so the values drawn above
    # and below stay those of earlier releases for the same seed
    extra = np.random.default_rng([seed, 14, offset, 2])
    domestic_share = np.where(
        extra.random(m) < 0.05, extra.uniform(0.3, 0.6, m), extra.uniform(0.75, 1.0, m)
    )
    rd_domestic = rd * domestic_share[:, None]
    total_costs = np.maximum(rev - profit, 0.0)
    total_income = rev * (1.0 + extra.uniform(0.0, 0.05, m))[:, None]

    size = 1.0 / (1.0 + np.exp(-(np.log(rev_l) - np.log(3000.0))))
    certified = rng.random(m) < 0.05 + 0.55 * size
    safety = rng.random((m, k)) < np.where(ind, 0.004, 0.001)[:, None]
    violation = rng.random((m, k)) < np.where(ind, 0.003, 0.0005)[:, None]

    def wide(a: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(a)[:, None] if np.ndim(a) == 1 else a, (m, k))

    values: dict[str, np.ndarray] = {
        "park": wide(park),
        # not rounded: a point rounded to 1e-6° (0.1 m) may leave a county near its border
        "longitude": wide(lon),
        "latitude": wide(lat),
        "above_scale": rev >= ABOVE_SCALE_REVENUE,
        "land_area": wide(land),
        "tax": np.round(tax, 2),
        "revenue": rev,
        "main_revenue": np.round(main_rev, 2),
        "value_added": np.round(va, 2),
        "profit": np.round(profit, 2),
        "total_assets": np.round(assets, 2),
        "debt_ratio": np.round(debt, 4),
        "energy": np.round(energy, 3),
        "emissions": np.round(emissions, 4),
        "electricity": np.round(electricity, 3),
        "water": np.round(water, 4),
        "gas": np.round(gas, 4),
        "rd_expenditure": np.round(rd, 2),
        "rd_domestic": np.round(rd_domestic, 2),
        "total_costs": np.round(total_costs, 2),
        "total_income": np.round(total_income, 2),
        "tech_investment": np.round(tech_inv, 2),
        "employees": emp,
        "rd_staff": rd_staff,
        "tech_staff": tech_staff,
        "ip_class1": ip1,
        "invention_patents": inv,
        "ip_class2": ip2,
        "high_tech_revenue": np.round(high_tech, 2),
        "equity_financing": equity,
        "niche_years": niche,
        "production_start": wide(production_start),
        "utility": wide(section == "D"),
        "safety_incident": safety,
        "environment_violation": violation,
        "mgmt_certified": wide(certified),
    }
    unknown = set(fields) - set(values)
    if unknown:  # a catalogue field the model does not know yet: all NULL, said loudly
        values.update({f: np.full((m, k), None, dtype=object) for f in unknown})
    present = years[None, :] >= fy[:, None]
    codes = df["credit_code"].astype(str).to_numpy()
    cols: dict[str, pa.Array] = {
        "credit_code": pa.array(np.broadcast_to(codes[:, None], (m, k))[present], pa.string()),
        "year": pa.array(np.broadcast_to(years[None, :], (m, k))[present], pa.int32()),
    }
    for key, f in fields.items():
        a = np.asarray(values[key])[present]
        typ = _ARROW_TYPES[f.type]
        if f.type == "date":
            cols[key] = pa.array(a.astype("datetime64[D]"), typ, mask=np.isnat(a))
        elif f.type == "double":
            a = a.astype("float64")
            cols[key] = pa.array(a, typ, mask=np.isnan(a))
        elif f.type == "varchar":
            cols[key] = pa.array(a, typ).dictionary_encode()
        elif f.type == "integer":
            cols[key] = pa.array(a.astype("int64"), typ)
        else:
            cols[key] = pa.array(a.astype(bool), typ)
    cols["synthetic"] = pa.array(np.ones(int(present.sum()), dtype=bool))
    table = pa.table(cols)

    labels = _labels(
        rng,
        codes,
        validity,
        last=last,
        rev=rev[:, -1],
        emp=emp[:, -1],
        assets=assets[:, -1],
        rd=rd[:, -1],
        high_tech=high_tech[:, -1],
        tech_staff=tech_staff[:, -1],
        ip1=ip1[:, -1],
        ip2=ip2[:, -1],
        niche=niche[:, -1],
        ind=ind,
    )
    return EnterpriseChunk(table, labels)


def _labels(
    rng: np.random.Generator,
    codes: np.ndarray,
    validity: Mapping[str, int | None],
    *,
    last: int,
    rev: np.ndarray,
    emp: np.ndarray,
    assets: np.ndarray,
    rd: np.ndarray,
    high_tech: np.ndarray,
    tech_staff: np.ndarray,
    ip1: np.ndarray,
    ip2: np.ndarray,
    niche: np.ndarray,
    ind: np.ndarray,
) -> pa.Table:
    """Labels of the last year's values (model in the module docstring)."""
    m = len(codes)
    intensity = rd / rev
    band = np.where(rev <= 5000.0, 0.05, np.where(rev <= 20000.0, 0.04, 0.03))
    staff_share = np.divide(tech_staff, emp, out=np.zeros(m), where=emp > 0)
    hnte = (
        (intensity >= band)
        & (high_tech >= 0.6 * rev)
        & (staff_share >= 0.1)
        & ((ip1 >= 1) | (ip2 >= 4))
        & (rng.random(m) < 0.7)
    )
    tech_sme = (
        (emp <= 500)
        & (rev <= 20000.0)
        & (assets <= 20000.0)
        & (rd > 0)
        & ((staff_share >= 0.1) | (ip1 >= 1) | (intensity >= 0.03))
        & (rng.random(m) < 0.25)
    )
    innovative = (
        (emp < 1000)
        & (rev < 40000.0)
        & (intensity >= 0.02)
        & ((ip1 >= 1) | (ip2 >= 2))
        & (rng.random(m) < 0.5)
    )
    srdi = innovative & (niche >= 2) & (rev >= 1000.0) & (intensity >= 0.03)
    srdi &= rng.random(m) < 0.5
    giant = srdi & (rev >= 5000.0) & (rng.random(m) < 0.3)
    champion = ind & (rev >= 40000.0) & (niche >= 3) & (rng.random(m) < 0.2)
    holders = {
        "tech_sme": tech_sme,
        "innovative_sme": innovative,
        "srdi_sme": srdi,
        "little_giant": giant,
        "hnte": hnte,
        "single_champion": champion,
    }
    known = firm_labels()
    parts_code: list[np.ndarray] = []
    parts_label: list[np.ndarray] = []
    parts_from: list[np.ndarray] = []
    parts_to: list[np.ndarray] = []
    for key, mask in holders.items():  # over label kinds, not firms
        if key not in known:
            continue
        n = int(mask.sum())
        years_valid = validity.get(key)
        span = 4 if years_valid is None or years_valid > 1 else 2
        vf, vt = _label_window(rng, n, last, span, years_valid)
        parts_code.append(codes[mask])
        parts_label.append(np.full(n, key, dtype=object))
        parts_from.append(vf)
        parts_to.append(vt)
    code = np.concatenate(parts_code) if parts_code else np.array([], dtype=object)
    vf_all = np.concatenate(parts_from) if parts_from else np.array([], dtype="datetime64[D]")
    vt_all = np.concatenate(parts_to) if parts_to else np.array([], dtype="datetime64[D]")
    return pa.table(
        {
            "credit_code": pa.array(code, pa.string()),
            "label": pa.array(
                np.concatenate(parts_label) if parts_label else code, pa.string()
            ).dictionary_encode(),
            "valid_from": pa.array(vf_all, pa.date32()),
            "valid_to": pa.array(vt_all, pa.date32(), mask=np.isnat(vt_all)),
            "synthetic": pa.array(np.ones(len(code), dtype=bool)),
        }
    )


def generate_firm_years(
    firms: pa.Table | pd.DataFrame,
    years: Sequence[int],
    *,
    seed: int,
    validity: Mapping[str, int | None],
    place_names: Mapping[str, str] | None = None,
    offset: int = 0,
    places: Mapping[str, Any] | None = None,
) -> EnterpriseChunk:
    """Synthetic firm-year rows and labels (示例数据) for one table of registry firms.

    Parameters
    ----------
    firms : Arrow table or DataFrame
        Registry rows with at least ``credit_code``, ``region_code``, ``section``, ``founded``,
        ``status`` (and ideally ``division``, ``employees``, ``revenue``, ``name``). Firms whose
        status is not active (:func:`xinzhi.codes.firm_status.active_statuses`; empty counts
        as active) or founded after the last year get no rows; a firm founded in a data year
        has rows from that year on.
    years : sequence of int
        Data years (e.g. the last three); the registry revenue is that of the latest.
    seed : int
        Random seed.
    validity : mapping
        Label key → validity in years (None: no end, ``valid_to`` NULL); labels not listed
        have no end either.
    place_names : mapping, optional
        region_code → county name used in park names (default: the place in the synthetic
        firm name, else the code).
    offset : int
        Position of this table in a longer registry (selects its random stream).
    places : mapping, optional
        region_code → county polygon (shapely, longitude / latitude): firms get
        ``longitude`` / ``latitude`` inside it (:func:`place_firms`); without, NULL.

    Returns
    -------
    EnterpriseChunk
    """
    return _chunk(
        firms,
        _years(years),
        seed=seed,
        offset=offset,
        validity=validity,
        place_names=place_names,
        places=places,
    )


def iter_firm_years(
    chunks: Iterable[pa.Table | pa.RecordBatch | pd.DataFrame],
    years: Sequence[int],
    *,
    seed: int,
    validity: Mapping[str, int | None],
    place_names: Mapping[str, str] | None = None,
    places: Mapping[str, Any] | None = None,
) -> Iterator[EnterpriseChunk]:
    """:func:`generate_firm_years` over a registry read in chunks (e.g. a record-batch reader
    of 10 M firms); the output depends on the seed and the chunk boundaries (keep the chunk
    size fixed to reproduce a warehouse exactly)."""
    ys = _years(years)
    offset = 0
    for chunk in chunks:
        table = pa.Table.from_batches([chunk]) if isinstance(chunk, pa.RecordBatch) else chunk
        yield _chunk(
            table,
            ys,
            seed=seed,
            offset=offset,
            validity=validity,
            place_names=place_names,
            places=places,
        )
        offset += len(table)
