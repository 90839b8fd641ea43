"""Industry map and chain analysis of one warehouse county (one place for every surface).

- :func:`county_industry_map`: 主导—配套—潜力 three-tier map. Section level: census employment by
  county (``emp_sec_A…T`` × ``pop_total``: employment shares times resident population, a proxy
  for employed persons by section; RCA and density over every county of the year). Division
  level: the ``firms`` table (enterprise records) summed by county × division. Linkages: the
  42-sector national IO table through :mod:`xinzhi.industry.concordance`.
- :func:`county_chain`: chain segments, gaps, 同质化 warnings, 链主 and lead lists from the
  ``firms`` table; without firm records the census section RCA is reported and segments are
  "unknown".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from xinzhi import store
from xinzhi.auth.accounts import resolve_county as resolve_county_code
from xinzhi.codes import gbt4754
from xinzhi.codes.gbt4754 import divisions, sections
from xinzhi.errors import DataUnavailableError, InputError, NotFoundError, RegionError
from xinzhi.industry.chains import (
    ChainOptions,
    ChainResult,
    ChainTemplate,
    chain_analysis,
    chain_from_mapping,
    load_chain,
)
from xinzhi.industry.complexity import rca
from xinzhi.industry.concordance import industry_links
from xinzhi.industry.io import IOResult, io_analysis
from xinzhi.industry.io_tables import IOTable, parse_io_frame
from xinzhi.industry.specialization import specialization
from xinzhi.industry.tiers import TierOptions, TierResult, industry_tiers
from xinzhi.ingest.chain_templates import is_template_file, read_chain_template
from xinzhi.ingest.io_tables import read_io_frame
from xinzhi.pipelines.enterprise_data import latest_firm_year
from xinzhi.pipelines.evaluation import region_names
from xinzhi.pipelines.warehouse import warehouse_registry
from xinzhi.registry import industry as decl

__all__ = [
    "SECTION_CODES",
    "IndustryInputs",
    "census_section_matrix",
    "chain_template",
    "county_chain",
    "county_industry_map",
    "county_specialization",
    "firm_division_matrix",
    "has_firms",
    "industry_chain",
    "industry_inputs",
    "industry_map",
    "io_linkages",
    "load_io_table",
    "resolve_county",
    "tiers_for",
]

SECTION_CODES: list[str] = [f"emp_sec_{x}" for x in gbt4754.SECTION_CODES]
_DIVISION_EXCLUDE = ("91", "92", "93", "94", "95", "96", "97")


def resolve_county(
    con: duckdb.DuckDBPyConnection, county: str, year: int | None = None
) -> tuple[str, str]:
    """``(code, name)`` of a county-level unit given by 6-digit code or name (the warehouse's
    region registry, :func:`xinzhi.pipelines.warehouse.warehouse_registry`; ``year`` None: its
    latest year). The check is :func:`xinzhi.auth.accounts.resolve_county`: a province or
    prefecture (code or name) is an :class:`~xinzhi.errors.InputError`, an unknown code a
    :class:`~xinzhi.errors.RegionError`."""
    registry = warehouse_registry(con)
    text = resolve_county_code(con, str(county), year, registry=registry)
    y = registry.latest_year if year is None else int(year)
    names = region_names(con, pd.DataFrame({"region_code": [text], "year": [y]}))
    name = names["name"].iloc[0] if not names.empty else None
    if not isinstance(name, str):
        raise RegionError(f"数据仓库的区划表中没有 {text}（请先运行 xinzhi demo 建立数据仓库）")
    return text, name


def _firms_relation(con: duckdb.DuckDBPyConnection) -> str | None:
    """``current_firms`` (active import batches) when present, else ``firms``, else None."""
    names = set(
        con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name IN ('firms', 'current_firms')"
        )
        .df()["table_name"]
        .astype(str)
    )
    for rel in ("current_firms", "firms"):
        if rel in names:
            return rel
    return None


def has_firms(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse has enterprise records (``current_firms`` or ``firms``)."""
    rel = _firms_relation(con)
    if rel is None:
        return False
    rows = con.execute(f"SELECT count(*) FROM {rel}").fetchall()
    return bool(rows[0][0] > 0)


def census_section_matrix(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """County × section matrix of employed persons (proxy): ``emp_sec_X × pop_total``.

    Rows with a missing share or population are left out (all sections must be present).
    """
    wide = store.read_wide(con, [*SECTION_CODES, "pop_total"], [year])
    wide = wide.dropna(subset=[*SECTION_CODES, "pop_total"])
    if wide.empty:
        raise DataUnavailableError(
            f"数据仓库中没有 {year} 年的县级人口普查分行业就业数据（请先运行 xinzhi demo）"
        )
    shares = wide[SECTION_CODES].to_numpy(dtype=float)
    mat = pd.DataFrame(
        shares * wide["pop_total"].to_numpy(dtype=float)[:, None],
        index=wide["region_code"].astype(str).to_numpy(),
        columns=[c.removeprefix("emp_sec_") for c in SECTION_CODES],
    )
    return mat


def firm_division_matrix(
    con: duckdb.DuckDBPyConnection, measure: str = "employees"
) -> pd.DataFrame:
    """County × division matrix of the ``firms`` table (sum of ``measure``)."""
    if measure not in ("employees", "revenue", "registered_capital"):
        raise InputError(
            f"未知的企业规模口径：{measure}（可选 employees、revenue、registered_capital）"
        )
    if not has_firms(con):
        raise DataUnavailableError(
            "数据仓库中没有企业记录（firms 表），无法做大类层级的分析；请导入企业名录，"
            "或改用门类层级（--level section，人口普查就业数据）"
        )
    rel = _firms_relation(con)
    long = con.execute(
        f"SELECT region_code, substr(industry_code, 1, 2) AS division, "
        f"sum(coalesce({measure}, 0)) AS value FROM {rel} "
        "WHERE industry_code IS NOT NULL GROUP BY ALL"
    ).df()
    return long.pivot_table(
        index="region_code", columns="division", values="value", aggfunc="sum", fill_value=0.0
    )


def _firms_synthetic(con: duckdb.DuckDBPyConnection) -> bool:
    rel = _firms_relation(con)
    cols = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [rel]
    ).df()["column_name"]
    if "synthetic" not in set(cols):
        return False
    row = con.execute(f"SELECT bool_or(coalesce(synthetic, false)) FROM {rel}").fetchall()
    return bool(row[0][0])


@dataclass
class IndustryInputs:
    """What the tier maps of every county share for one year and level: the county × industry
    matrix, industry names, IO linkages and the source note (read once by
    :func:`industry_inputs`, then :func:`tiers_for` per county)."""

    matrix: pd.DataFrame
    names: dict[str, str]
    links: pd.DataFrame
    source: str
    level: str
    year: int
    io_table: str
    measure: str


def load_io_table(
    table: str = "2020-42", *, data_dir: str | os.PathLike[str] | None = None
) -> IOTable:
    """One national input-output table (dataset ``io-tables``, e.g. ``"2020-42"``): read by
    :func:`xinzhi.ingest.io_tables.read_io_frame`, parsed by
    :func:`xinzhi.industry.io_tables.parse_io_frame`."""
    return parse_io_frame(read_io_frame(table, data_dir=data_dir), name=table)


def industry_inputs(
    con: duckdb.DuckDBPyConnection,
    year: int = 2020,
    level: str = "section",
    *,
    io_table: str = "2020-42",
    measure: str = "employees",
    data_dir: str | os.PathLike[str] | None = None,
) -> IndustryInputs:
    """Read the matrix and linkages of :func:`county_industry_map` (see its parameters)."""
    if level not in ("section", "division"):
        raise InputError(f"未知的行业层级 --level {level}（可选 section、division）")
    if level == "section":
        mat = census_section_matrix(con, year)
        sec = sections("2017")
        names = dict(zip(sec["code"], sec["name"], strict=True))
        source = (
            f"{year} 年人口普查分县就业（门类就业比重 × 常住人口，{len(mat)} 个县级单位为参照）"
        )
    else:
        mat = firm_division_matrix(con, measure)
        d = divisions()
        names = dict(zip(d["division"], d["name"], strict=True))
        source = f"企业记录（firms 表，{measure} 按县 × 大类汇总，{len(mat)} 个县级单位为参照）"
        if _firms_synthetic(con):
            source += "；【示例数据】企业记录为合成示例数据"
    table = load_io_table(io_table, data_dir=Path(data_dir) if data_dir is not None else None)
    links = industry_links(table, level=level)  # type: ignore[arg-type]
    source += f"；产业关联：{io_table} 全国投入产出表（{table.n} 部门，经部门—行业对照）"
    return IndustryInputs(mat, names, links, source, level, year, io_table, measure)


def tiers_for(
    inputs: IndustryInputs, code: str, name: str, options: TierOptions | None = None
) -> TierResult:
    """Three-tier map of county ``code`` from shared :class:`IndustryInputs`; at division level
    the default options exclude divisions 91–97 (public administration, international
    organisations)."""
    if code not in inputs.matrix.index:
        where = f"{inputs.year} 年人口普查" if inputs.level == "section" else "企业记录"
        raise InputError(f"{name}（{code}）在{where}中没有数据")
    if options is None and inputs.level == "division":
        options = TierOptions(exclude=_DIVISION_EXCLUDE)
    res = industry_tiers(
        inputs.matrix,
        code,
        links=inputs.links,
        names=inputs.names,
        options=options,
        level=inputs.level,
        county_name=name,
        source=inputs.source,
    )
    res.options.update(
        {"year": inputs.year, "io_table": inputs.io_table, "measure": inputs.measure}
    )
    return res


def county_industry_map(
    county: str,
    year: int = 2020,
    level: str = "section",
    db: str | os.PathLike[str] | None = None,
    *,
    options: TierOptions | None = None,
    io_table: str = "2020-42",
    measure: str = "employees",
    con: duckdb.DuckDBPyConnection | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> TierResult:
    """Three-tier industry map (主导/配套/潜力) of one county.

    Parameters
    ----------
    county : str
        Name (resolved with the region registry) or 6-digit code.
    year : int
        Census year (2010 or 2020) for ``level="section"``.
    level : {"section", "division"}
        Section: census employment; division: the ``firms`` table (``measure`` summed).
    options : TierOptions, optional
        Tier rules; at division level the default excludes divisions 91–97 (public
        administration, international organisations).
    io_table : str
        National table for the linkages: 42 sectors (``"2017-42"``, ``"2018-42"``,
        ``"2020-42"``) or 153 sectors (``"2018-153"``, ``"2020-153"``; finer at division level).
    """
    if level not in ("section", "division"):
        raise InputError(f"未知的行业层级 --level {level}（可选 section、division）")
    own = con is None
    con = con or store.connect(db)
    try:
        code, name = resolve_county(con, county, year)
        inputs = industry_inputs(
            con, year, level, io_table=io_table, measure=measure, data_dir=data_dir
        )
    finally:
        if own:
            con.close()
    return tiers_for(inputs, code, name, options)


def chain_template(chain: str | os.PathLike[str]) -> ChainTemplate:
    """A chain template: a user's YAML file (read by
    :func:`xinzhi.ingest.chain_templates.read_chain_template`, validated by
    :func:`xinzhi.industry.chains.chain_from_mapping`) or a built-in one by key or name
    (:func:`xinzhi.industry.chains.load_chain`)."""
    if is_template_file(chain):
        return chain_from_mapping(read_chain_template(chain), str(chain))
    return load_chain(str(chain))


def county_chain(
    county: str,
    chain: str,
    db: str | os.PathLike[str] | None = None,
    *,
    year: int = 2020,
    options: ChainOptions | None = None,
    neighbors: Sequence[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    data_dir: str | os.PathLike[str] | Path | None = None,
) -> ChainResult:
    """Chain analysis of one county (segments, 补链 gaps, 同质化, 链主, 招商线索).

    ``neighbors`` defaults to the queen-contiguity neighbours of the county
    (:func:`xinzhi.regions.queen_weights`).
    """
    template = chain_template(chain)
    opt = options or ChainOptions()
    if opt.measure not in ("employees", "revenue", "registered_capital"):
        raise InputError(
            f"未知的企业规模口径：{opt.measure}（可选 employees、revenue、registered_capital）"
        )
    own = con is None
    con = con or store.connect(db)
    try:
        code, name = resolve_county(con, county, year)
        if neighbors is None:
            from xinzhi.regions import queen_weights

            nbrs = list(
                queen_weights(data_dir=Path(data_dir) if data_dir else None).neighbors.get(code, [])
            )
        else:
            nbrs = [str(n) for n in neighbors]
        try:
            mat = census_section_matrix(con, year)
            mat = mat.loc[mat.sum(axis=1) > 0, mat.sum(axis=0) > 0]
            sec_rca = pd.DataFrame(rca(mat.to_numpy()), index=mat.index, columns=mat.columns)
        except DataUnavailableError:
            sec_rca = None
        firms = totals = None
        synthetic = False
        size_year: int | None = None
        if has_firms(con):
            codes = template.codes()
            cls = [c for c in codes if len(c) == 4]
            divs = [c for c in codes if len(c) == 2]
            rel, size_year = _sized_firms(con)
            firms = con.execute(
                f"SELECT * FROM {rel} WHERE list_contains(?, industry_code) "
                "OR list_contains(?, substr(industry_code, 1, 2))",
                [cls, divs],
            ).df()
            totals = (
                con.execute(
                    f"SELECT region_code, sum(coalesce({opt.measure}, 0)) AS v FROM {rel} "
                    "GROUP BY region_code"
                )
                .df()
                .set_index("region_code")["v"]
            )
            synthetic = _firms_synthetic(con)
        region_codes = sorted({code, *nbrs, *([] if firms is None else firms["region_code"])})
        rn = region_names(con, pd.DataFrame({"region_code": region_codes, "year": year}))
        names = {
            r: n for r, n in zip(rn["region_code"], rn["name"], strict=True) if isinstance(n, str)
        }
    finally:
        if own:
            con.close()
    res = chain_analysis(
        template,
        code,
        firms=firms,
        totals=totals,
        neighbors=nbrs,
        section_rca=sec_rca,
        region_names=names,
        options=opt,
        county_name=name,
    )
    res.synthetic = res.synthetic or synthetic
    res.options["year"] = year
    if firms is not None and size_year is not None:
        res.notes.append(
            f"企业规模（营业收入、从业人员）取 {size_year} 年企业年度数据；没有年度数据的企业用名录中的数值"
        )
    return res


def _sized_firms(con: duckdb.DuckDBPyConnection) -> tuple[str, int | None]:
    """The firm relation for chain analyses and the data year of its sizes: the registry with
    revenue and employees of the latest year of firm-year data when imported (the enterprise
    data feed the chain's leaders and segment sizes), else the registry alone."""
    rel = _firms_relation(con)
    year = latest_firm_year(con)
    if year is None:
        return str(rel), None
    sized = (
        f"(SELECT f.* REPLACE (coalesce(y.revenue, f.revenue) AS revenue, "
        f"coalesce(y.employees, f.employees) AS employees) FROM {rel} f "
        f"LEFT JOIN (SELECT credit_code, revenue, employees FROM current_firm_years "
        f"WHERE year = {int(year)}) y USING (credit_code))"
    )
    return sized, year


def county_specialization(
    con: duckdb.DuckDBPyConnection, region_code: str, year: int | None = None
) -> pd.DataFrame:
    """Location quotients of one county's employment by GB/T 4754 section (census shares).

    Employment counts are approximated by ``emp_sec_X × pop_total`` (section share of the
    employed times resident population; the employed/population ratio cancels within a county
    and is assumed uniform across counties for the national reference), then

    ``LQ_ri = (E_ri / E_r) / (E_i / E)``  (location quotient, e.g. Isard 1960)

    with the nation = all counties with the census values in that year.

    Returns
    -------
    DataFrame
        ``section, share, national_share, lq`` sorted by ``lq`` descending; attribute
        ``year`` in ``.attrs``.
    """
    codes = SECTION_CODES
    long = con.execute(
        """SELECT region_code, year, indicator, value FROM current_observations
           WHERE list_contains(?, indicator) AND value IS NOT NULL""",
        [[*codes, "pop_total"]],
    ).df()
    have = long.loc[long["region_code"] == region_code, "year"].unique()
    if len(have) == 0:
        raise NotFoundError(f"数据仓库中没有县区 {region_code} 的普查分行业就业数据")
    y = int(max(have)) if year is None else int(year)
    if y not in set(int(v) for v in have):
        raise NotFoundError(f"数据仓库中没有县区 {region_code} {y} 年的普查分行业就业数据")
    long = long[long["year"] == y]
    wide = long.pivot_table(index="region_code", columns="indicator", values="value")
    if "pop_total" not in wide.columns:
        raise InputError(
            f"数据仓库中没有 {y} 年的指标 pop_total（常住人口）：区位商以分行业就业占比 × "
            "常住人口估算就业人数，请导入该年的常住人口（如运行 xinzhi demo）"
        )
    wide = wide.dropna(subset=["pop_total"])
    present = [c for c in codes if c in wide.columns]
    emp = wide[present].fillna(0.0).mul(wide["pop_total"], axis=0)
    emp = emp[emp.sum(axis=1) > 0]
    data = emp.reset_index().melt(id_vars="region_code", var_name="section", value_name="value")
    data["section"] = data["section"].str.removeprefix("emp_sec_")
    res = specialization(data, location="region_code", industry="section", value="value")
    t = res.tidy()
    t = t[t["location"] == region_code]
    out = t.rename(columns={"industry": "section", "reference_share": "national_share"})[
        ["section", "share", "national_share", "lq"]
    ]
    out = out.sort_values("lq", ascending=False).reset_index(drop=True)
    out.attrs["year"] = y
    return out


def io_linkages(
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    table: str = decl.IO.default("table"),
    lead: str | None = decl.IO.default("lead"),
    forward: str = decl.IO.default("forward"),
    imports: str = decl.IO.default("imports"),
    top: int = decl.IO.default("top"),
    data_dir: str | os.PathLike[str] | None = None,
) -> IOResult:
    """Input–output linkages of a national table (:func:`xinzhi.industry.io.io_analysis`):
    direct requirements, Leontief and Ghosh inverses, power and sensitivity of dispersion, key
    sectors, and the upstream/downstream sectors of ``lead``.

    ``imports="total"`` adds the imported intermediate flows of a non-competitive table to the
    domestic ones (competitive tables have none). ``con`` is not used: the tables are public
    datasets (signature shared by every declared pipeline).
    """
    decl.IO.resolve(
        {"table": table, "lead": lead, "forward": forward, "imports": imports, "top": top}
    )
    t = load_io_table(table, data_dir=data_dir)
    z = t.z if imports == "domestic" or t.z_imports is None else t.z + t.z_imports
    return io_analysis(
        z,
        t.x,
        codes=t.codes,
        names=t.names_zh,
        forward=forward,  # type: ignore[arg-type]
        lead=lead,
        top=top,
        table=f"{table}（{'竞争型进口表' if t.z_imports is None else imports}）",
    )


def industry_map(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str,
    year: int = decl.INDUSTRY_MAP.default("year"),
    level: str = decl.INDUSTRY_MAP.default("level"),
    io_table: str = decl.INDUSTRY_MAP.default("io_table"),
    data_dir: str | os.PathLike[str] | None = None,
) -> TierResult:
    """The declared analysis ``industry-map`` (:data:`xinzhi.registry.industry.INDUSTRY_MAP`):
    :func:`county_industry_map` with the declared options."""
    decl.INDUSTRY_MAP.resolve(
        {"county": county, "year": year, "level": level, "io_table": io_table}
    )
    return county_industry_map(county, year, level, con=con, io_table=io_table, data_dir=data_dir)


def industry_chain(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str,
    chain: str,
    year: int = decl.CHAIN.default("year"),
    data_dir: str | os.PathLike[str] | None = None,
) -> ChainResult:
    """The declared analysis ``chain`` (:data:`xinzhi.registry.industry.CHAIN`):
    :func:`county_chain` with the declared options (record-level: firm names of the county)."""
    decl.CHAIN.resolve({"county": county, "chain": chain, "year": year})
    return county_chain(county, chain, year=year, con=con, data_dir=data_dir)
