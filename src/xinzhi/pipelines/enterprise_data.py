"""Enterprise data for the enterprise evaluations: import firm-year data and labels, generate
them for the synthetic registry (示例数据), and build the *firm frame* the engines read.

The firm frame (one row per firm for data year ``year``) joins

* the registry ``current_firms``: ``credit_code, name, region_code, industry_code, division,
  section, founded, status, registered_capital, synthetic``;
* ``current_firm_years`` of ``year``: every catalogue field
  (:func:`xinzhi.codes.firm_fields.firm_fields`);
* the numeric fields of ``year − 1`` and ``year − 2`` as ``<field>_prev1`` / ``<field>_prev2``;
* ``label_<key>`` for every label key (:func:`xinzhi.codes.firm_fields.firm_labels`): True when
  the firm holds the label on the date ``on`` (``valid_from ≤ on ≤ valid_to``, a NULL
  ``valid_to`` = still valid), False otherwise — NULL for every firm when no label was imported
  at all (unknown, not "none").

Firms in the frame: those with a row of ``year`` in ``firm_years``, and the registry's active
firms (status active or empty, :func:`xinzhi.codes.firm_status.active_statuses`) founded by
31 December of ``year`` (or without a founding date) — their fields are NULL ("needs data").
Columns are always present; a field that was not imported is NULL. ``synthetic`` is True when
the registry row or the firm-year row is 示例数据.

The frame is one Ibis expression, executed on the DuckDB warehouse itself (default) or on a
local SparkSession (the three tables, narrowed to the county and the three years, are handed
to Spark as temporary views).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from xinzhi import store
from xinzhi.auth.accounts import resolve_county
from xinzhi.codes.firm_fields import firm_fields
from xinzhi.codes.firm_fields import firm_labels as label_keys
from xinzhi.codes.firm_status import active_statuses
from xinzhi.enterprise._compiled import execute_arrow, in_memory
from xinzhi.enterprise.synthetic import SYNTHETIC_LABEL, iter_firm_years
from xinzhi.errors import DataUnavailableError, InputError, XinzhiError
from xinzhi.ingest.batch import loaded_report, run_import, write_rows_batch
from xinzhi.ingest.firm_years import (
    catalogue_sql_types,
    import_firm_labels,
    import_firm_years,
    label_validity,
)
from xinzhi.ingest.report import ImportReport
from xinzhi.pipelines.warehouse import warehouse_registry
from xinzhi.store.firm_years import (
    FIRM_LABELS_COLUMNS,
    ensure_firm_year_tables,
    firm_year_columns,
    has_firm_year_tables,
)
from xinzhi.store.firms import ensure_firms_table

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "FRAME_REGISTRY_COLUMNS",
    "SYNTHETIC_SOURCE",
    "Backend",
    "EnterpriseGeneration",
    "clear_frames",
    "county_code",
    "county_codes",
    "county_places",
    "county_year_counts",
    "firm_frame",
    "firm_frame_columns",
    "firm_frame_df",
    "generate_enterprise_data",
    "import_firm_labels_file",
    "import_firm_years_file",
    "latest_firm_year",
    "warehouse_stamp",
    "write_enterprise_parquet",
]

Backend = Literal["duckdb", "spark"]

FRAME_REGISTRY_COLUMNS = [
    "credit_code",
    "name",
    "region_code",
    "industry_code",
    "division",
    "section",
    "founded",
    "status",
    "registered_capital",
    "synthetic",
]
"""Registry columns of the firm frame."""

SYNTHETIC_SOURCE = "enterprise:示例数据"
"""Import source of the generated firm-year data and labels."""

_CHUNK = 1_000_000


def _numeric() -> list[str]:
    return [k for k, f in firm_fields().items() if f.type in ("double", "integer")]


def firm_frame_columns() -> list[str]:
    """Columns of the firm frame, in order: registry, fields, ``_prev1``, ``_prev2``,
    ``label_<key>``."""
    num = _numeric()
    return [
        *FRAME_REGISTRY_COLUMNS,
        *firm_fields(),
        *[f"{k}_prev1" for k in num],
        *[f"{k}_prev2" for k in num],
        *[f"label_{k}" for k in label_keys()],
    ]


# ---------------------------------------------------------------------------- imports
def import_firm_years_file(
    path: str | os.PathLike[str],
    *,
    year: int | None = None,
    source: str | None = None,
    sheet: str | None = None,
    db: str | os.PathLike[str] | None = None,
    coordinates: str | None = None,
) -> ImportReport:
    """Import a firm-year table (CSV/XLSX; one row per firm and year, a ``年份`` column or
    ``year``) into ``firm_years``; the import report (rows read = loaded + quarantined +
    skipped, reasons, unit conversions, unknown columns). ``coordinates``: the coordinate
    system of 经度 / 纬度 (wgs84, gcj02 or bd09; see
    :func:`xinzhi.ingest.firm_years.clean_firm_years`)."""
    return import_firm_years(
        path, year=year, source=source, sheet=sheet, db=db, coordinates=coordinates
    )


def import_firm_labels_file(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    sheet: str | None = None,
    db: str | os.PathLike[str] | None = None,
) -> ImportReport:
    """Import a table of honours (荣誉 / 资质: credit code, name, 认定日期, 有效期至) into
    ``firm_labels``; the import report. See
    :func:`xinzhi.ingest.firm_years.clean_firm_labels`."""
    return import_firm_labels(path, source=source, sheet=sheet, db=db)


# ---------------------------------------------------------------------------- sources
def _schemas() -> dict[str, dict[str, str]]:
    """Ibis schemas of the three tables (for empty stand-ins and typed frames)."""
    ibis_type = {
        "double": "float64",
        "integer": "int32",
        "boolean": "boolean",
        "date": "date",
        "varchar": "string",
    }
    firms = {
        "credit_code": "string",
        "name": "string",
        "region_code": "string",
        "industry_code": "string",
        "division": "string",
        "section": "string",
        "registered_capital": "float64",
        "founded": "date",
        "employees": "int32",
        "revenue": "float64",
        "status": "string",
        "synthetic": "boolean",
    }
    years = {"credit_code": "string", "year": "int32"}
    years |= {k: ibis_type[f.type] for k, f in firm_fields().items()}
    years["synthetic"] = "boolean"
    labels = {
        "credit_code": "string",
        "label": "string",
        "valid_from": "date",
        "valid_to": "date",
        "synthetic": "boolean",
    }
    return {"firms": firms, "firm_years": years, "firm_labels": labels}


def _typed(df: pd.DataFrame, schema: Mapping[str, str]) -> pd.DataFrame:
    """A frame with exactly the schema's columns (missing ones NULL) in pandas types that
    DuckDB and Spark read alike."""
    out = pd.DataFrame(index=df.index)
    for c, t in schema.items():
        s = df[c] if c in df.columns else pd.Series([None] * len(df), index=df.index)
        if t == "date":
            out[c] = pd.to_datetime(s, errors="coerce").dt.date.astype(object)
            out[c] = out[c].where(pd.notna(out[c]), None)
        elif t == "float64":
            out[c] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif t == "int32":
            out[c] = pd.to_numeric(s, errors="coerce").astype("Int32")
        elif t == "boolean":
            out[c] = s.astype("boolean")
        else:
            out[c] = s.astype(object).where(s.notna(), None)
    return out.reset_index(drop=True)


def _warehouse_frames(
    con: duckdb.DuckDBPyConnection, years: Sequence[int] | None, county: str | None
) -> dict[str, pd.DataFrame]:
    """The three current views, narrowed to ``county`` and ``years`` (None: every year), as
    DataFrames.

    With a county the views are read for the county's credit codes given as a list: the views
    keep the latest active row per credit code (and year, label), so a filter on the credit code
    passes through their window and only the county's rows are ranked (a filter on
    ``region_code`` or a join would rank every firm of the warehouse first). The candidate codes
    are those with a row of the county in the ``firms`` table (any batch); the view's latest row
    must still be of the county.
    """
    _require_firms(con)
    sch = _schemas()
    cols = ", ".join(sch["firms"])
    if county:
        scope = "credit_code IN (SELECT unnest(?::VARCHAR[]))"
        firms = con.execute(
            f"SELECT {cols} FROM current_firms WHERE {scope} AND region_code = ?",
            [_candidates(con, county), county],
        ).df()
        args: list[Any] = [firms["credit_code"].astype(str).tolist()]
    else:
        scope = "TRUE"
        args = []
        firms = con.execute(f"SELECT {cols} FROM current_firms").df()
    if not has_firm_year_tables(con):
        empty = {k: pd.DataFrame(columns=list(v)) for k, v in sch.items() if k != "firms"}
        return {"firms": firms, **empty}
    # a warehouse written before a field joined the catalogue lacks its column (NULL below)
    fy_cols = ", ".join(c for c in sch["firm_years"] if c in _view_columns(con))
    if years is not None:
        scope_years = f"year IN ({', '.join(str(int(y)) for y in years)}) AND {scope}"
    else:
        scope_years = scope
    fy = con.execute(f"SELECT {fy_cols} FROM current_firm_years WHERE {scope_years}", args).df()
    lb_cols = ", ".join(sch["firm_labels"])
    labels = con.execute(f"SELECT {lb_cols} FROM current_firm_labels WHERE {scope}", args).df()
    return {"firms": firms, "firm_years": fy, "firm_labels": labels}


def _view_columns(con: duckdb.DuckDBPyConnection, view: str = "current_firm_years") -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [view]
    ).fetchall()
    return {str(r[0]) for r in rows}


def _candidates(con: duckdb.DuckDBPyConnection, county: str) -> list[str]:
    """Credit codes with a registry row of ``county`` in any batch (a superset of the
    county's current firms)."""
    rows = con.execute(
        "SELECT DISTINCT credit_code FROM firms WHERE region_code = ?", [county]
    ).fetchall()
    return [r[0] for r in rows]


def county_code(con: duckdb.DuckDBPyConnection, county: str | None) -> str | None:
    """6-digit code of a county-level unit given by code, name or full name (None or blank:
    None, every county) — the one county check of the pipelines,
    :func:`xinzhi.auth.accounts.resolve_county`.

    A code is checked against the warehouse's ``regions`` records sharing its first four digits
    (no registry is built); a name is resolved by the warehouse's registry
    (:func:`xinzhi.pipelines.warehouse.warehouse_registry`, kept per process).

    Raises
    ------
    InputError
        A province or prefecture (430300 湘潭市, 湖南省): not county-level
        (:func:`xinzhi.auth.accounts.not_county_error`).
    RegionError
        A code or name the region table does not hold.
    """
    if county is None or str(county).strip() == "":
        return None
    text = str(county).strip()
    if text.isdigit() and len(text) == 6:
        return resolve_county(con, text)
    return resolve_county(con, text, registry=warehouse_registry(con))


def county_codes(con: duckdb.DuckDBPyConnection, county: str) -> list[str]:
    """Credit codes of the current firms of ``county`` (``current_firms``), read so that the
    view ranks only the county's rows (see :func:`_warehouse_frames`)."""
    _require_firms(con)
    rows = con.execute(
        "SELECT credit_code FROM current_firms WHERE credit_code IN "
        "(SELECT unnest(?::VARCHAR[])) AND region_code = ?",
        [_candidates(con, county), county],
    ).fetchall()
    return [r[0] for r in rows]


def _labels_imported(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any label row exists in the warehouse (else labels are unknown, not False)."""
    if not has_firm_year_tables(con):
        return False
    row = con.execute("SELECT count(*) FROM current_firm_labels").fetchone()
    return bool(row and row[0])


_FRAMES: OrderedDict[Any, pa.Table] = OrderedDict()
_FRAMES_LOCK = threading.Lock()
_COUNTY_TABLES: OrderedDict[Any, tuple[dict[str, pa.Table], bool]] = OrderedDict()


def _county_tables(
    con: duckdb.DuckDBPyConnection, county: str, stamp: Any
) -> tuple[dict[str, pa.Table], bool]:
    """The three current views of ``county`` (every data year) as Arrow tables of the Ibis
    schemas, and whether any label row exists — read once per warehouse stamp and county (a
    page's frames of this year, the year before and other label dates share one read)."""
    import ibis

    key = (stamp, county)
    with _FRAMES_LOCK:
        hit = _COUNTY_TABLES.get(key)
        if hit is not None:
            _COUNTY_TABLES.move_to_end(key)
            return hit
    sch = _schemas()
    frames = _warehouse_frames(con, None, county)
    tables = {}
    for k, v in sch.items():
        schema = ibis.schema(v)
        tables[k] = ibis.memtable(_typed(frames[k], v), schema=schema).op().data.to_pyarrow(schema)
    out = (tables, _labels_imported(con))
    with _FRAMES_LOCK:
        _COUNTY_TABLES[key] = out
        while len(_COUNTY_TABLES) > 8:
            _COUNTY_TABLES.popitem(last=False)
    return out


def county_year_counts(
    con: duckdb.DuckDBPyConnection, county: str, stamp: Any = None
) -> dict[int, tuple[int, bool]] | None:
    """Data year → (firm-year rows of the current firms of ``county``, whether any of them is
    示例数据), counted on the county's tables kept for the warehouse stamp (the frames of the
    county read the same tables); None when ``con`` is not a warehouse file (no stamp).
    ``stamp``: :func:`warehouse_stamp` when the caller has read it (None: read here)."""
    stamp = stamp if stamp is not None else warehouse_stamp(con)
    if stamp is None:
        return None
    fy = _county_tables(con, county, stamp)[0]["firm_years"]
    if not fy.num_rows:
        return {}
    g = fy.group_by("year").aggregate([("year", "count"), ("synthetic", "any")]).to_pydict()
    return {
        int(y): (int(n), bool(s))
        for y, n, s in zip(g["year"], g["year_count"], g["synthetic_any"], strict=True)
    }


def _ibis_tables(
    source: Any,
    backend: str,
    years: Sequence[int],
    county: str | None,
    spark: Any,
    stamp: Any = None,
) -> tuple[dict[str, ir.Table], bool]:
    """Ibis tables ``firms``, ``firm_years``, ``firm_labels`` on ``backend`` and whether any
    label row exists (``stamp``: the warehouse stamp of a county's read, see
    :func:`_county_tables`)."""
    import ibis  # heavy; imported on first use

    if backend not in ("duckdb", "spark"):
        raise InputError(f"未知的计算引擎 {backend!r}：可选 duckdb 或 spark")
    sch = _schemas()
    if backend == "duckdb" and county and stamp is not None:
        import pyarrow.compute as pc

        arrow, known = _county_tables(source, county, stamp)
        fy = arrow["firm_years"]
        fy = fy.filter(
            pc.is_in(fy["year"], value_set=pa.array([int(y) for y in years], pa.int32()))
        )
        return {k: ibis.memtable(fy if k == "firm_years" else v) for k, v in arrow.items()}, known
    if backend == "duckdb" and isinstance(source, duckdb.DuckDBPyConnection) and not county:
        _require_firms(source)
        con = ibis.duckdb.from_connection(source)
        if not has_firm_year_tables(source):
            tables = {"firms": con.table("current_firms")}
            for k in ("firm_years", "firm_labels"):
                tables[k] = ibis.memtable(
                    pd.DataFrame(columns=list(sch[k])), schema=ibis.schema(sch[k])
                )
            return tables, False
        n = source.execute("SELECT count(*) FROM current_firm_labels").fetchall()[0][0]
        fy = con.table("current_firm_years")
        absent = {  # fields that joined the catalogue after this warehouse was written
            k: ibis.null().cast(t) for k, t in sch["firm_years"].items() if k not in fy.columns
        }
        return {
            "firms": con.table("current_firms"),
            "firm_years": fy.mutate(**absent) if absent else fy,
            "firm_labels": con.table("current_firm_labels"),
        }, bool(n)
    frames = _frames_of(source, years, county)
    if isinstance(source, duckdb.DuckDBPyConnection):  # as for the whole warehouse
        has_labels = _labels_imported(source)
    else:
        has_labels = len(frames["firm_labels"]) > 0
    typed = {k: _typed(frames[k], sch[k]) for k in sch}
    if backend == "duckdb":
        return {
            k: ibis.memtable(v, schema=ibis.schema(sch[k])) for k, v in typed.items()
        }, has_labels
    from xinzhi.store.spark import spark_session

    session = spark if spark is not None else spark_session()
    scon = ibis.pyspark.connect(session)
    out = {}
    for k, v in typed.items():
        name = f"xinzhi_{k}"
        sdf = (
            session.createDataFrame(v, schema=_spark_schema(sch[k]))
            if len(v)
            else (session.createDataFrame([], schema=_spark_schema(sch[k])))
        )
        sdf.createOrReplaceTempView(name)
        out[k] = scon.table(name)
    return out, has_labels


def _spark_schema(schema: Mapping[str, str]) -> Any:
    from pyspark.sql import types as T

    kinds = {
        "string": T.StringType(),
        "float64": T.DoubleType(),
        "int32": T.IntegerType(),
        "boolean": T.BooleanType(),
        "date": T.DateType(),
    }
    return T.StructType([T.StructField(c, kinds[t], True) for c, t in schema.items()])


def _require_firms(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'current_firms'"
    ).fetchone()
    if not row or not row[0]:
        raise InputError("数据仓库中没有企业表：请先运行 xinzhi industry firms-import")


def _frames_of(source: Any, years: Sequence[int], county: str | None) -> dict[str, pd.DataFrame]:
    """DataFrames of the three tables from a connection, a warehouse path or a mapping."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        return _warehouse_frames(source, years, county)
    if isinstance(source, Mapping):
        out: dict[str, pd.DataFrame] = {}
        for k in ("firms", "firm_years", "firm_labels"):
            v = source.get(k)
            out[k] = pd.DataFrame(columns=list(_schemas()[k])) if v is None else pd.DataFrame(v)
        if county:
            f = out["firms"]
            out["firms"] = f[f["region_code"].astype(str) == county]
        return out
    if isinstance(source, str | os.PathLike):
        con = store.connect(source, read_only=True)
        try:
            return _warehouse_frames(con, years, county)
        finally:
            con.close()
    raise InputError(
        "企业数据源应为数据仓库连接、数据仓库文件或 {firms, firm_years, firm_labels} 表"
    )


# ---------------------------------------------------------------------------- the frame
def _default_on(year: int) -> dt.date:
    return min(dt.date.today(), dt.date(year + 1, 12, 31))


def frame_expr(
    firms: ir.Table,
    firm_years: ir.Table,
    firm_labels: ir.Table,
    *,
    year: int,
    on: dt.date,
    county: str | None = None,
    labels_known: bool = True,
) -> ir.Table:
    """The firm frame as one Ibis expression over the three tables (any backend); see the
    module docstring for the rules."""
    import ibis

    f = firms
    if county:
        f = f.filter(f.region_code == county)
    # registry employees / revenue (of unknown year) give way to the year's fields
    f = f.select(*FRAME_REGISTRY_COLUMNS)
    fields = list(firm_fields())
    num = _numeric()
    fy = firm_years
    t0 = fy.filter(fy.year == year)
    cur = t0.select(_k0=t0.credit_code, _ys=t0.synthetic, **{k: t0[k] for k in fields})
    t1 = fy.filter(fy.year == year - 1)
    p1 = t1.select(_k1=t1.credit_code, **{f"{k}_prev1": t1[k] for k in num})
    t2 = fy.filter(fy.year == year - 2)
    p2 = t2.select(_k2=t2.credit_code, **{f"{k}_prev2": t2[k] for k in num})
    lb = firm_labels
    on_lit = ibis.literal(on, type="date")
    valid = lb.filter((lb.valid_from <= on_lit) & (lb.valid_to.isnull() | (lb.valid_to >= on_lit)))
    keys = list(label_keys())
    held = valid.group_by(_k3=valid.credit_code).aggregate(
        **{f"_has_{k}": (valid.label == k).any() for k in keys}
    )
    j = f.left_join(cur, f.credit_code == cur._k0)
    j = j.left_join(p1, j.credit_code == p1._k1)
    j = j.left_join(p2, j.credit_code == p2._k2)
    j = j.left_join(held, j.credit_code == held._k3)
    year_end = ibis.literal(dt.date(year, 12, 31), type="date")
    active = j.status.isnull() | j.status.isin(active_statuses())
    founded_ok = j.founded.isnull() | (j.founded <= year_end)
    j = j.filter(j._k0.notnull() | (active & founded_ok))
    types = {
        "double": "float64",
        "integer": "int32",
        "boolean": "boolean",
        "date": "date",
        "varchar": "string",
    }
    cat = firm_fields()
    out: dict[str, Any] = {
        "credit_code": j.credit_code,
        "name": j.name,
        "region_code": j.region_code,
        "industry_code": j.industry_code,
        "division": j.division,
        "section": j.section,
        "founded": j.founded,
        "status": j.status,
        "registered_capital": j.registered_capital.cast("float64"),
        "synthetic": j.synthetic.fill_null(False) | j._ys.fill_null(False),
    }
    out |= {k: j[k].cast(types[cat[k].type]) for k in fields}
    out |= {f"{k}_prev1": j[f"{k}_prev1"].cast(types[cat[k].type]) for k in num}
    out |= {f"{k}_prev2": j[f"{k}_prev2"].cast(types[cat[k].type]) for k in num}
    for k in keys:
        col = j[f"_has_{k}"]
        out[f"label_{k}"] = col.fill_null(False) if labels_known else ibis.null().cast("boolean")
    return j.select(**out)


def clear_frames() -> None:
    """Forget the cached county tables and frames (see :func:`firm_frame`)."""
    with _FRAMES_LOCK:
        _FRAMES.clear()
        _COUNTY_TABLES.clear()


def warehouse_stamp(source: Any) -> tuple[str, int, int] | None:
    """(file, newest batch id, sum of the active batch ids) of a warehouse connection: a county's
    frame (or an evaluation of it) computed for a stamp is reused while the stamp stays; every
    import or batch change gives a new stamp (None: not a warehouse file)."""
    if not isinstance(source, duckdb.DuckDBPyConnection):
        return None
    try:  # one query: a page asks for the stamp a few times per evaluation
        row = source.execute(
            "SELECT (SELECT path FROM duckdb_databases() "
            "WHERE database_name = current_database()), coalesce(max(batch_id), 0), "
            "coalesce(sum(batch_id) FILTER (WHERE status = 'active'), 0) FROM import_batches"
        ).fetchall()  # fetched to the end: a relation query may follow on this connection
    except duckdb.Error:  # no batch table: nothing to key the cache on
        return None
    if not row or not row[0][0]:  # an in-memory warehouse
        return None
    return (str(row[0][0]), int(row[0][1]), int(row[0][2]))


def firm_frame(
    con_or_source: Any,
    *,
    year: int,
    on: dt.date | None = None,
    county: str | None = None,
    backend: Backend = "duckdb",
    spark: Any = None,
    stamp: Any = None,
) -> ir.Table:
    """The firm frame of data year ``year`` as an Ibis table.

    Parameters
    ----------
    con_or_source : DuckDB connection, path or mapping
        An open warehouse connection (the expression reads its views directly on DuckDB),
        a warehouse file (opened read-only), or ``{"firms": df, "firm_years": df,
        "firm_labels": df}`` (the columns of the warehouse tables; any may be missing).
    year : int
        Data year (上年度 of the assessment).
    on : date, optional
        Date on which labels must be valid; default the earlier of today and 31 December of
        ``year + 1``.
    county : str, optional
        6-digit county code: only its firms.
    backend : {"duckdb", "spark"}
        Where the expression runs.
    spark : SparkSession, optional
        Session for ``backend="spark"`` (default :func:`xinzhi.store.spark.spark_session`).
    stamp : tuple, optional
        :func:`warehouse_stamp` of the connection when the caller has just read it (a county's
        frame on DuckDB is cached per stamp; None: read here).

    Returns
    -------
    ibis Table
        Columns :func:`firm_frame_columns`.
    """
    day = on if on is not None else _default_on(int(year))
    if county is not None and not (len(str(county)) == 6 and str(county).isdigit()):
        raise InputError(f"区县代码应为 6 位数字：{county!r}")
    ys = [int(year) - 2, int(year) - 1, int(year)]
    if backend != "duckdb" or not county:
        stamp = None
    elif stamp is None:
        stamp = warehouse_stamp(con_or_source)
    cache_key = (stamp, int(year), day, county)
    if stamp is not None:
        with _FRAMES_LOCK:
            hit = _FRAMES.get(cache_key)
        if hit is not None:
            import ibis

            return ibis.memtable(hit)
    tables, has_labels = _ibis_tables(con_or_source, backend, ys, county, spark, stamp)

    def build(firms: ir.Table, firm_years: ir.Table, firm_labels: ir.Table) -> ir.Table:
        return frame_expr(
            firms,
            firm_years,
            firm_labels,
            year=int(year),
            on=day,
            county=county,
            labels_known=has_labels,
        )

    if backend == "duckdb" and all(in_memory(t) for t in tables.values()):
        # rows already in memory (a county, a file): the frame is computed now from SQL compiled
        # once per year, date and county, and handed on as one in-memory table, so the
        # evaluations read it without joining again
        import ibis

        key = ("frame", int(year), day, county, has_labels)
        arrow, _ = execute_arrow(key, build, tables)
        if stamp is not None:  # the same county, year and date again (another evaluation)
            with _FRAMES_LOCK:
                _FRAMES[cache_key] = arrow
                while len(_FRAMES) > 16:
                    _FRAMES.popitem(last=False)
        return ibis.memtable(arrow)
    return build(**tables)


def firm_frame_df(
    con_or_source: Any,
    *,
    year: int,
    on: dt.date | None = None,
    county: str | None = None,
    backend: Backend = "duckdb",
    spark: Any = None,
) -> pd.DataFrame:
    """:func:`firm_frame` executed: a pandas DataFrame sorted by ``credit_code`` (dates as
    ``datetime.date``, integers as nullable ``Int32``, booleans as nullable ``boolean``)."""
    expr = firm_frame(con_or_source, year=year, on=on, county=county, backend=backend, spark=spark)
    df = expr.to_pandas()
    df = df.sort_values("credit_code", kind="stable").reset_index(drop=True)
    cat = firm_fields()
    for c in df.columns:
        base = c.removesuffix("_prev1").removesuffix("_prev2")
        kind = cat[base].type if base in cat else None
        if kind == "integer":
            df[c] = pd.to_numeric(df[c]).astype("Int32")
        elif kind == "boolean" or c.startswith("label_") or c == "synthetic":
            df[c] = df[c].astype("boolean")
        elif kind == "date" or c == "founded":
            df[c] = pd.to_datetime(df[c]).dt.date.astype(object)
            df[c] = df[c].where(df[c].notna(), None)
        elif kind == "double" or c == "registered_capital":
            df[c] = pd.to_numeric(df[c]).astype("float64")
    return df[firm_frame_columns()]


def latest_firm_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest data year in ``current_firm_years`` (None when there is none)."""
    if not has_firm_year_tables(con):
        return None
    # the view keeps one row per credit code and year of the active batches, so its latest
    # year is that of the active batches' rows — read without ranking every row
    row = con.execute(
        "SELECT max(y.year) FROM firm_years y JOIN import_batches b USING (batch_id) "
        "WHERE b.status = 'active'"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


# ---------------------------------------------------------------------------- synthetic
@dataclass
class EnterpriseGeneration:
    """Synthetic firm-year data and labels (示例数据) written for the synthetic registry."""

    years: list[int]
    seed: int
    firm_year_rows: int
    label_rows: int
    seconds: float
    report: ImportReport
    label: str = SYNTHETIC_LABEL


def _registry_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    row = con.execute("SELECT max(year(founded)) FROM current_firms WHERE synthetic").fetchone()
    if not row or row[0] is None:
        raise InputError(
            "数据仓库中没有示例企业名录：请先运行 xinzhi industry firms-generate --load"
        )
    last = int(row[0])
    return [last - 2, last - 1, last]


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns as plain strings (chunks of one Parquet file share a schema)."""
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(f.type.value_type))
    return table


def _firm_batches(
    firms: duckdb.DuckDBPyConnection | str | os.PathLike[str], chunk_size: int
) -> Any:
    """Record batches of the synthetic registry: the warehouse's ``current_firms`` (ordered by
    credit code) or a Parquet file of :func:`xinzhi.industry.synthetic.write_parquet`."""
    cols = [
        "credit_code",
        "name",
        "region_code",
        "division",
        "section",
        "founded",
        "employees",
        "revenue",
        "status",
    ]
    if isinstance(firms, duckdb.DuckDBPyConnection):
        return firms.sql(
            f"SELECT {', '.join(cols)} FROM current_firms WHERE synthetic ORDER BY credit_code"
        ).to_arrow_reader(chunk_size)
    path = Path(firms)
    if path.suffix.lower() != ".parquet" or not path.is_file():
        raise InputError(f"示例企业名录应为数据仓库或 .parquet 文件：{path}")
    return pq.ParquetFile(path).iter_batches(batch_size=chunk_size, columns=cols)


def write_enterprise_parquet(
    firms: duckdb.DuckDBPyConnection | str | os.PathLike[str],
    directory: str | os.PathLike[str],
    *,
    seed: int,
    years: Sequence[int],
    chunk_size: int = _CHUNK,
    places: Mapping[str, Any] | None = None,
) -> tuple[Path, Path, int, int]:
    """Generate firm-year data and labels (示例数据) for a synthetic registry chunk by chunk
    into ``directory/firm_years.parquet`` and ``directory/firm_labels.parquet`` (memory stays
    bounded by one chunk, so 10 M firms fit). ``places`` (county code → polygon, e.g.
    :func:`county_places`) puts every firm inside its county, clustered by park; without it
    the coordinates are NULL.

    Returns
    -------
    (firm_years path, firm_labels path, firm-year rows, label rows)
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / "firm_years.parquet", out / "firm_labels.parquet")
    meta = {b"xinzhi.synthetic": SYNTHETIC_LABEL.encode(), b"xinzhi.seed": str(seed).encode()}
    writers: list[pq.ParquetWriter | None] = [None, None]
    counts = [0, 0]
    validity = label_validity()
    try:
        batches = _firm_batches(firms, chunk_size)
        chunks = iter_firm_years(batches, years, seed=seed, validity=validity, places=places)
        for chunk in chunks:
            for i, table in enumerate((chunk.firm_years, chunk.firm_labels)):
                plain = _plain(table)
                if writers[i] is None:
                    schema = plain.schema.with_metadata(meta)
                    writers[i] = pq.ParquetWriter(str(paths[i]), schema, compression="zstd")
                w = writers[i]
                assert w is not None
                w.write_table(plain.replace_schema_metadata(w.schema.metadata))
                counts[i] += plain.num_rows
    finally:
        for w in writers:
            if w is not None:
                w.close()
    for i, p in enumerate(paths):  # no firms at all: empty files with the right columns
        if writers[i] is None:
            pq.write_table(_empty_synthetic(i == 0), str(p))
    return paths[0], paths[1], counts[0], counts[1]


def county_places(year: int) -> dict[str, Any]:
    """County code → polygon (longitude / latitude) of the built-in boundaries
    (:func:`xinzhi.regions.county_polygons`, codes valid in ``year`` when the region registry
    is available, else the boundaries' own codes) — where synthetic firms are placed; empty
    when the boundaries cannot be read (the firms then have no coordinates)."""
    from xinzhi.regions import county_polygons  # geopandas: imported on first use

    try:
        try:
            gdf = county_polygons(year=int(year))
        except DataUnavailableError:
            gdf = county_polygons()
    except (XinzhiError, ImportError, OSError):
        return {}
    return dict(zip(gdf["code"].astype(str), gdf.geometry.to_numpy(), strict=True))


def _empty_synthetic(years: bool) -> pa.Table:
    import ibis

    name = "firm_years" if years else "firm_labels"
    return ibis.schema(_schemas()[name]).to_pyarrow().empty_table()


def generate_enterprise_data(
    con: duckdb.DuckDBPyConnection,
    seed: int = 1,
    years: Sequence[int] | None = None,
    *,
    chunk_size: int = _CHUNK,
) -> EnterpriseGeneration:
    """Generate firm-year data and labels (示例数据) for the synthetic firms of the warehouse
    (``current_firms`` with ``synthetic``) and store them as one import batch of source
    :data:`SYNTHETIC_SOURCE` (a new generation supersedes the previous one; the same seed,
    years and registry again is a no-op).

    Parameters
    ----------
    con : DuckDB connection
        The warehouse (writable).
    seed : int
        Random seed of :func:`xinzhi.enterprise.synthetic.generate_firm_years`.
    years : sequence of int, optional
        Data years; default the last three years of the registry (its latest founding year
        and the two before).
    chunk_size : int
        Firms per chunk (keep it fixed to reproduce a warehouse exactly).
    """
    ensure_firms_table(con)
    ensure_firm_year_tables(con, catalogue_sql_types())
    ys = sorted({int(y) for y in years}) if years is not None else _registry_years(con)
    row = con.execute(
        "SELECT list(DISTINCT batch_id ORDER BY batch_id) FROM current_firms WHERE synthetic"
    ).fetchone()
    # places=1: firms located inside their counties (a warehouse generated before gets them)
    ident = f"seed={seed};years={ys};firms={row[0] if row else None};chunk={chunk_size};places=1"
    sha = hashlib.sha256(ident.encode()).hexdigest()
    counts = {"years": 0, "labels": 0}
    start = time.perf_counter()

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        with tempfile.TemporaryDirectory(prefix="xinzhi-enterprise-") as tmp:
            fy_path, lb_path, n_years, n_labels = write_enterprise_parquet(
                connection,
                tmp,
                seed=seed,
                years=ys,
                chunk_size=chunk_size,
                places=county_places(ys[-1]),
            )
            counts.update(years=n_years, labels=n_labels)
            report = loaded_report(
                file_name=f"示例数据 seed={seed}",
                source=SYNTHETIC_SOURCE,
                fmt="enterprise-synthetic",
                rows=n_years + n_labels,
                sha256=sha,
                years=ys,
                warnings=[f"示例数据：企业年度数据 {n_years} 行，荣誉/资质 {n_labels} 条"],
            )

            def insert(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
                cols = [x for x in firm_year_columns(catalogue_sql_types()) if x != "batch_id"]
                c.execute(
                    f"INSERT INTO firm_years ({', '.join(cols)}, batch_id) "
                    f"SELECT {', '.join(cols)}, ? FROM read_parquet(?)",
                    [batch_id, str(fy_path)],
                )
                lcols = [*FIRM_LABELS_COLUMNS[:4], "synthetic"]
                c.execute(
                    f"INSERT INTO firm_labels ({', '.join(lcols)}, batch_id) "
                    f"SELECT {', '.join(lcols)}, ? FROM read_parquet(?)",
                    [batch_id, str(lb_path)],
                )

            return write_rows_batch(connection, report, insert)

    report = run_import(
        load, sha256=sha, source=SYNTHETIC_SOURCE, fmt="enterprise-synthetic", con=con
    )
    if report.status == "noop":  # the stored batch's rows
        for key, table in (("years", "firm_years"), ("labels", "firm_labels")):
            row = con.execute(
                f"SELECT count(*) FROM {table} WHERE batch_id = ?", [report.batch_id]
            ).fetchone()
            counts[key] = int(row[0]) if row else 0
    return EnterpriseGeneration(
        years=ys,
        seed=seed,
        firm_year_rows=counts["years"],
        label_rows=counts["labels"],
        seconds=time.perf_counter() - start,
        report=report,
    )
