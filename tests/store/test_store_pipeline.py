"""``build_warehouse`` / ``xinzhi demo``: builds from the public data, idempotent second run."""

from __future__ import annotations

from typer.testing import CliRunner

from xinzhi.cli import app
from xinzhi.pipelines.warehouse import build_warehouse


def test_build_twice_second_is_noop(tmp_path, data_dir):
    db = tmp_path / "w.duckdb"
    first = build_warehouse(db, data_dir)
    assert [b.status for b in first.batches] == ["loaded", "loaded"]
    assert first.counties_by_year == {2010: 2859, 2020: 2847}
    assert first.indicators == 50 and first.years == [2010, 2020]
    assert first.regions == 6823  # the data rows of areacodes result.csv (6824 lines − header)
    res = CliRunner().invoke(
        app, ["--data-dir", str(data_dir), "demo", "--db", str(db), "-o", str(tmp_path / "out")]
    )
    assert res.exit_code == 0, res.output
    assert res.output.count("未变化（no-op）") == 2
    assert "2010 年县级单位 2859 个" in res.output
    second = build_warehouse(db, data_dir)
    assert [b.status for b in second.batches] == ["noop", "noop"]
    assert [b.batch_id for b in second.batches] == [b.batch_id for b in first.batches]
    assert second.tidy()["rows_loaded"].tolist() == [2859, 2848]
