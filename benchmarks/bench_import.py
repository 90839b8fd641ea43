"""Benchmark: import of the full 2020 census county file (census_county_2020_v1.xlsx).

xinzhi: ``import_census("census2020")`` into a fresh warehouse — calamine read, recipe
computation, region resolution, quarantine/skip classification, one transaction with bulk
inserts through DataFrame registration. The region registry is loaded once beforehand (it is
cached per process and shared by every import); its load time is printed separately.

Peer (naive): ``pandas.read_excel(engine="openpyxl")`` of the same file, then the same
observations inserted row by row (``executemany`` of one INSERT per value) into DuckDB.

Run: ``XINZHI_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_import.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from xinzhi import datasets, regions, store
from xinzhi.ingest import import_census


def main() -> None:
    path = datasets.path("census2020", "census_county_2020_v1.xlsx")
    t0 = time.perf_counter()
    regions.load_registry()
    t_registry = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(Path(tmp) / "w.duckdb")
        t0 = time.perf_counter()
        report = import_census("census2020", con=con)
        t_ours = time.perf_counter() - t0
        obs = con.execute("SELECT region_code, year, indicator, value FROM observations").df()
        con.close()

        t0 = time.perf_counter()
        raw = pd.read_excel(path, engine="openpyxl")
        t_read = time.perf_counter() - t0
        peer = duckdb.connect(str(Path(tmp) / "peer.duckdb"))
        peer.execute(
            "CREATE TABLE observations (region_code VARCHAR, year INTEGER, indicator VARCHAR,"
            " value DOUBLE)"
        )
        rows = list(obs.itertuples(index=False, name=None))
        t1 = time.perf_counter()
        peer.execute("BEGIN TRANSACTION")
        peer.executemany("INSERT INTO observations VALUES (?, ?, ?, ?)", rows)
        peer.execute("COMMIT")
        t_insert = time.perf_counter() - t1
        peer.close()
    t_peer = t_read + t_insert
    print(f"region registry load (once per process): {t_registry:.2f} s")
    print(
        f"xinzhi import_census('census2020'): {t_ours:.2f} s — {report.rows_read} rows read, "
        f"{report.values_loaded} values loaded"
    )
    print(
        f"peer read_excel(openpyxl) {t_read:.2f} s ({raw.shape[0]} rows) + row-wise insert of "
        f"{len(rows)} values {t_insert:.2f} s = {t_peer:.2f} s"
    )
    print(f"ratio peer / xinzhi: {t_peer / t_ours:.1f}×")


if __name__ == "__main__":
    main()
