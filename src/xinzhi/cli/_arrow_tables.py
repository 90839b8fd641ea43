"""Writing a large pyarrow table without a pandas frame (issue #12 part 10).

:func:`write_arrow` writes ``.csv`` with the bytes :func:`xinzhi.cli._tables.write_csv` (and so
``DataFrame.to_csv(index=False, encoding="utf-8-sig")``) writes for the same values, ``.parquet``
through pyarrow, and any other suffix through the pandas path of :func:`write_table`.

How the CSV is made, per slice of :data:`ROWS_PER_SLICE` rows:

- float64 columns: orjson writes the shortest text that reads back to the same float (as
  Python's ``repr`` and pandas do, ``1.0`` for whole floats, ``1e+16`` from 10¹⁶ on); below
  10⁻⁴ in magnitude it writes ``0.00001`` where Python writes ``1e-05``, so those cells (and
  ±inf) are formatted by numpy (``astype(str)``, pandas' own formatter); NaN is an empty cell.
  The text of a column is cut into cells at its commas with numpy (no loop over rows);
- booleans ``True`` / ``False``; integers and text as pyarrow writes them;
- dictionary columns (a location's ECI repeated for every product) are formatted once per
  distinct value and then repeated;
- pyarrow's CSV writer puts the columns together (no quoting).

A table whose text needs quoting (a comma, a quote or a line break in a cell), a column of
another type (dates, lists …) or a table of one column goes through the pandas path.

>>> import numpy as np, pyarrow as pa
>>> float_text(pa.array(np.array([1.0, 0.1, 1e-05, np.nan, 2.5e16, -np.inf]))).to_pylist()
['1.0', '0.1', '1e-05', None, '2.5e+16', '-inf']
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

__all__ = ["ROWS_PER_SLICE", "float_text", "write_arrow", "write_arrow_csv"]

ROWS_PER_SLICE = 1 << 18
"""Rows formatted at a time (bounds the memory the text of a slice takes). 2¹⁸ rather than 2²⁰:
on the 3.9 M-row complexity output the larger slices took 3.7–5.7 s of system time (fresh
pages for each slice's buffers) against 0.6–0.8 s, at the same user time (2026-12-05)."""

WRITE_THREADS = 2
"""Threads formatting slices (one formats the next slice while the other's text is written)."""

_SMALL = 1e-4
"""Below this magnitude orjson's text differs from Python's (``0.00001`` / ``1e-05``)."""


class _NeedsPandas(Exception):
    """The table has a column this writer does not format like pandas."""


def float_text(arr: Any) -> Any:
    """A float64 Arrow array as the text pandas writes in a CSV cell (null for NaN / null)."""
    import numpy as np
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    x = arr.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    n = x.size
    if n == 0:
        return pa.array([], pa.string())
    body = orjson.dumps(x, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1]  # without [ ]
    raw = np.frombuffer(body, dtype=np.uint8)
    commas = np.flatnonzero(raw == ord(","))
    if commas.size != n - 1:
        raise _NeedsPandas("unexpected orjson text")
    keep = np.ones(raw.size, dtype=bool)
    keep[commas] = False
    offsets = np.empty(n + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:-1] = commas - np.arange(n - 1)
    offsets[-1] = raw.size - (n - 1)
    data = raw[keep]
    text = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    text = pc.cast(text, pa.string()) if data.size < 2**31 else text
    ax = np.abs(x)
    odd = ~np.isfinite(x) | ((ax < _SMALL) & (ax > 0))
    if arr.null_count:
        odd |= np.asarray(arr.is_null(), dtype=bool)
    if odd.any():
        sub = x[odd]
        fixed = pa.array(sub.astype(str), pa.string())
        fixed = pc.if_else(pa.array(np.isnan(sub)), pa.scalar(None, pa.string()), fixed)
        text = pc.replace_with_mask(text, pa.array(odd), fixed.cast(text.type))
    return text


def _text(arr: Any) -> Any:
    """One column (an Arrow array) as the values the CSV writer formats like pandas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = arr.type
    if pa.types.is_dictionary(t):
        return pc.take(_text(arr.dictionary), arr.indices)
    if pa.types.is_float64(t):
        return float_text(arr)
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "True", "False")
    if pa.types.is_null(t) or pa.types.is_integer(t):
        return arr
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        if pc.any(pc.match_substring_regex(arr, r'[,"\r\n]')).as_py():
            raise _NeedsPandas("text to quote")
        return arr
    raise _NeedsPandas(f"column type {t}")


def _header(names: list[str]) -> bytes:
    """The header line as pandas writes it (names quoted only where needed)."""
    cells = [
        f'"{c.replace(chr(34), chr(34) * 2)}"' if any(ch in c for ch in ',"\r\n') else c
        for c in names
    ]
    return (",".join(cells) + "\n").encode("utf-8")


def write_arrow_csv(table: Any, path: Path) -> None:
    """``table`` as UTF-8 CSV with BOM, pandas' text for every cell (see the module).

    Raises ``_NeedsPandas`` for a table this writer does not format like pandas (``path`` is
    removed again when it was already begun)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(c) for c in table.column_names]
    if table.num_columns < 2 or table.num_rows == 0 or len(set(names)) != len(names):
        raise _NeedsPandas("shape")
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")

    def text_of(start: int) -> Any:
        part = table.slice(start, ROWS_PER_SLICE)
        cols = [_text(part.column(i).combine_chunks()) for i in range(part.num_columns)]
        return pa.table(cols, names=names)

    starts = list(range(0, table.num_rows, ROWS_PER_SLICE))
    done = False
    try:
        # the next slice is formatted while one is written (numpy, pyarrow and the CSV writer
        # release the GIL; the file is a pyarrow OSFile: written without the GIL); at most two
        # slices of text in memory
        with pa.OSFile(str(path), "wb") as out, ThreadPoolExecutor(WRITE_THREADS) as pool:
            out.write(b"\xef\xbb\xbf" + _header(names))
            pending = [pool.submit(text_of, s) for s in starts[:2]]
            for k in range(len(starts)):
                text = pending.pop(0).result()
                if k + 2 < len(starts):
                    pending.append(pool.submit(text_of, starts[k + 2]))
                pacsv.write_csv(text, out, options)
                del text
        done = True
    finally:
        if not done:
            path.unlink(missing_ok=True)


def write_arrow(table: Any, path: Path) -> None:
    """Write ``table`` by suffix: .csv (UTF-8 with BOM, pandas' text), .parquet (pyarrow),
    others (and a CSV this writer cannot make) through :func:`xinzhi.cli._tables.write_table`
    of ``table.to_pandas()``."""
    from xinzhi.cli._tables import check_output, write_table

    check_output(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            write_arrow_csv(table, path)
            return
        except _NeedsPandas:
            pass
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
        return
    write_table(table.to_pandas(), path)
