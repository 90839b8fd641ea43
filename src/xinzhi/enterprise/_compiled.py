"""Run the enterprise expressions on in-memory tables with their SQL compiled once.

Turning a large Ibis expression into SQL (ibis's rewrites and sqlglot) costs a few tenths of a
second — more than executing it on the 5,000 firms of a county. The SQL of an expression
depends only on its parameters (preset, year, date, options) and on the *schema* of its input
tables, not on their rows; so the expression is built once over unbound placeholder tables of
that schema, compiled for DuckDB, and the SQL text is kept (a small LRU cache). Each call
registers the in-memory input tables under the placeholder names in the thread's in-process
DuckDB connection (kept open; the names are dropped after each call) and runs the cached SQL;
the Arrow result is converted to pandas exactly as ibis's DuckDB backend converts it (same
dtypes as ``expr.execute()``).

Tables bound to a backend (a DuckDB warehouse, PySpark) run through ibis unchanged: there the
data, not the compilation, dominates.

No file or warehouse I/O: the connection is in memory.
"""

from __future__ import annotations

import atexit
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

__all__ = ["execute", "execute_arrow", "in_memory", "to_pandas"]

_MAX = 64
_LOCK = threading.Lock()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    schema: Any  # ibis Schema of the result
    memtables: tuple[Any, ...]  # InMemoryTable operations the expression itself holds


_CACHE: OrderedDict[Hashable, _Compiled] = OrderedDict()
_LOCAL = threading.local()
_OPENED: list[Any] = []


def _close_all() -> None:
    """Close every thread's connection at exit: a connection left to the interpreter's final
    clean-up of a worker thread (a server's or a test client's) aborts the process."""
    with _LOCK:
        while _OPENED:
            _OPENED.pop().close()


atexit.register(_close_all)


def _connection() -> Any:
    """This thread's in-memory DuckDB connection (opening one costs ~20 ms, more than running a
    county's query; a connection is used by one thread at a time)."""
    import duckdb

    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = _LOCAL.con = duckdb.connect()
        with _LOCK:
            _OPENED.append(con)
    return con


def in_memory(t: ir.Table) -> bool:
    """Whether ``t`` is a plain in-memory table (``ibis.memtable``)."""
    import ibis.expr.operations as ops

    return isinstance(t.op(), ops.InMemoryTable)


def _compiled(
    key: Hashable, build: Callable[..., ir.Table], inputs: Mapping[str, ir.Table]
) -> _Compiled:
    import ibis
    import ibis.expr.operations as ops

    full = (key, tuple((name, tuple(t.schema().items())) for name, t in inputs.items()))
    with _LOCK:
        hit = _CACHE.get(full)
        if hit is not None:
            _CACHE.move_to_end(full)
            return hit
    holders = {name: ibis.table(t.schema(), name=name) for name, t in inputs.items()}
    expr = build(**holders)
    entry = _Compiled(
        sql=str(ibis.to_sql(expr, dialect="duckdb")),
        schema=expr.schema(),
        memtables=tuple(expr.op().find(ops.InMemoryTable)),
    )
    with _LOCK:
        _CACHE[full] = entry
        while len(_CACHE) > _MAX:
            _CACHE.popitem(last=False)
    return entry


def execute_arrow(
    key: Hashable, build: Callable[..., ir.Table], inputs: Mapping[str, ir.Table]
) -> tuple[pa.Table, Any]:
    """``build(**inputs)`` run on DuckDB from cached SQL; the Arrow result and its ibis schema.

    ``inputs`` maps placeholder names to in-memory tables; ``key`` (hashable) must determine
    the expression together with the inputs' schemas.
    """
    comp = _compiled(key, build, inputs)
    con = _connection()
    names: list[str] = []
    try:
        for name, t in inputs.items():
            op = t.op()
            con.register(name, op.data.to_pyarrow(op.schema))
            names.append(name)
        for op in comp.memtables:
            con.register(op.name, op.data.to_pyarrow(op.schema))
            names.append(op.name)
        return con.sql(comp.sql).to_arrow_table(), comp.schema
    finally:
        for name in names:  # the connection keeps no rows between calls
            con.unregister(name)


def execute(
    key: Hashable, build: Callable[..., ir.Table], inputs: Mapping[str, ir.Table]
) -> pd.DataFrame:
    """:func:`execute_arrow` converted to pandas as ``expr.execute()`` on DuckDB does."""
    return to_pandas(*execute_arrow(key, build, inputs))


def to_pandas(table: pa.Table, schema: Any) -> pd.DataFrame:
    """An Arrow result (or a slice of its rows) converted to pandas as ``expr.execute()`` on
    DuckDB converts it, ``schema`` being the expression's ibis schema."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    df = pd.DataFrame(
        {
            name: (
                col.to_pylist()
                if pat.is_nested(col.type) or pat.is_dictionary(col.type) or col.null_count
                else col.to_pandas()
            )
            for name, col in zip(table.column_names, table.columns, strict=True)
        }
    )
    out: pd.DataFrame = DuckDBPandasData.convert_table(df, schema)
    return out
