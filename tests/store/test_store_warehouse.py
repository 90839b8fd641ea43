"""Warehouse: idempotent schema, atomic imports (killed mid-way), supersession, wide reads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from xinzhi import store
from xinzhi.store.batches import PAUSE_ENV

_FAKE_IMPORT = textwrap.dedent(
    """
    import sys
    import pandas as pd
    from xinzhi.ingest import import_file

    def resolver(values, year, parent):
        n = len(values)
        return pd.DataFrame({"input": list(values), "code": list(values),
                             "status": ["ok"] * n, "message": [""] * n})

    rep = import_file(sys.argv[1], db=sys.argv[2], year=2020, resolver=resolver)
    print(rep.status, rep.rows_loaded)
    """
)


def _write_csv(path: Path, n: int, offset: float = 0.0) -> Path:
    codes = [f"{i:06d}" for i in range(1, n * 2) if i % 100][:n]
    frame = pd.DataFrame(
        {
            "区划代码": codes,
            "常住人口": [1000.0 + i + offset for i in range(n)],
            "地区生产总值(亿元)": [0.5 + i for i in range(n)],
            "城镇化率(%)": [50.0] * n,
        }
    )
    frame.to_csv(path, index=False)
    return path


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    con = store.connect(db)
    try:
        return {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("import_batches", "observations", "quarantine", "skipped", "indicators")
        }
    finally:
        con.close()


def _import(csv: Path, db: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _FAKE_IMPORT, str(csv), str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_schema_is_idempotent_and_versioned(tmp_path):
    db = tmp_path / "w.duckdb"
    store.connect(db).close()
    con = store.connect(db)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(store.SCHEMA_VERSION,)]
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert {
        "regions",
        "indicators",
        "observations",
        "import_batches",
        "quarantine",
        "skipped",
        "current_observations",
    } <= tables


def test_opening_a_complete_warehouse_writes_nothing(tmp_path):
    """Connections opened at once from threads of one process (the report prefetch) used to
    conflict replacing the view; a complete schema is now left alone, an old or damaged one
    is completed and the new version recorded."""
    from concurrent.futures import ThreadPoolExecutor

    db = tmp_path / "w.duckdb"
    store.connect(db).close()
    first = store.connect(db)
    try:
        with ThreadPoolExecutor(4) as pool:
            cons = list(pool.map(lambda _: store.connect(db), range(8)))
        for c in cons:
            c.close()
        first.execute("DROP VIEW current_observations")
        first.execute("UPDATE schema_version SET version = 0")
    finally:
        first.close()
    con = store.connect(db)
    assert con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall() == [
        (0,),
        (store.SCHEMA_VERSION,),
    ]
    assert con.execute("SELECT count(*) FROM current_observations").fetchone() == (0,)
    con.close()


def test_killed_import_leaves_warehouse_unchanged(tmp_path):
    import os

    db = tmp_path / "w.duckdb"
    small = _write_csv(tmp_path / "small.csv", 50)
    done = _import(small, db)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    assert out.split() == ["loaded", "50"]
    before = _snapshot(db)
    assert len(before["import_batches"]) == 1 and len(before["observations"]) == 150

    big = _write_csv(tmp_path / "big.csv", 20_000)
    env = {**os.environ, PAUSE_ENV: "120"}
    proc = _import(big, db, env)
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until the rows are inserted but not committed
        if "XINZHI_IMPORT_PAUSED" in line:
            break
    proc.kill()
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert _snapshot(db) == before  # not even a batch row


def test_supersede_history_and_current_view(tmp_path):
    db = tmp_path / "w.duckdb"
    first = _write_csv(tmp_path / "data.csv", 10)
    p = _import(first, db)
    assert p.communicate(timeout=120)[0].split() == ["loaded", "10"]
    p = _import(first, db)
    assert p.communicate(timeout=120)[0].split() == ["noop", "10"]
    # corrected file, same source name (a whole number of people: 常住人口 is a count, #18)
    _write_csv(first, 10, offset=1.0)
    p = _import(first, db)
    assert p.communicate(timeout=120)[0].split() == ["loaded", "10"]
    con = store.connect(db)
    assert con.execute("SELECT batch_id, status FROM import_batches ORDER BY 1").fetchall() == [
        (1, "superseded"),
        (2, "active"),
    ]
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == 60
    wide = store.read_wide(con, ["pop_total", "gdp", "urban_share"], [2020])
    assert wide.shape == (10, 5)
    assert wide.iloc[0].tolist() == ["000001", 2020, 1001.0, 5000.0, 0.5]


def test_read_wide_levels_and_empty(tmp_path):
    con = store.connect(tmp_path / "w.duckdb")
    obs = pd.DataFrame(
        {
            "region_code": ["110101", "110100", "110000", "110101"],
            "year": [2020, 2020, 2020, 2021],
            "indicator": ["gdp"] * 4,
            "value": [1.0, 2.0, 3.0, 4.0],
        }
    )
    empty = pd.DataFrame(columns=["row_number", "raw", "reason", "message"])
    store.write_batch(
        con,
        file_name="x.csv",
        sha256="0" * 64,
        source="x",
        fmt="wide",
        counts=dict.fromkeys(
            ("rows_read", "rows_loaded", "rows_quarantined", "rows_skipped", "values_loaded"), 0
        ),
        report={},
        observations=obs,
        quarantine=empty,
        skipped=empty.drop(columns="message"),
    )
    assert store.read_wide(con, ["gdp"])["gdp"].tolist() == [1.0, 4.0]
    assert store.read_wide(con, ["gdp"], level="prefecture")["region_code"].tolist() == ["110100"]
    assert store.read_wide(con, ["gdp"], level="province")["gdp"].tolist() == [3.0]
    assert list(store.read_wide(con, ["nope"]).columns) == ["region_code", "year", "nope"]
    with pytest.raises(Exception, match="未知的区划级别"):
        store.read_wide(con, level="town")
