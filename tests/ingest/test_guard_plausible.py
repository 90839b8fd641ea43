"""Issue #18 item 5: plausible ranges, integer and part ≤ whole rules per catalogue indicator
(documented with their reasoning in the catalogue YAML); values outside are quarantined with the
reason; a currency xinzhi does not convert (美元) is refused, not assumed to be 万元."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from fixtures.snapshot import warehouse_state
from xinzhi.cli import app
from xinzhi.indicators.catalogue import FLAG_UNIT, SHARE_UNIT, load_catalogue
from xinzhi.ingest import import_file


def _quarantine(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT row_number, reason, message FROM quarantine ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


def test_every_catalogue_indicator_has_a_documented_range() -> None:
    for e in load_catalogue().entries.values():
        assert e.plausible_min is not None and e.plausible_max is not None, e.code
        assert e.plausible_min <= e.plausible_max, e.code
        if e.unit in (SHARE_UNIT, FLAG_UNIT):
            assert (e.plausible_min, e.plausible_max) == (0.0, 1.0), e.code
        else:
            assert len(e.plausible_note) > 10, e.code  # the reasoning, in the YAML
    cat = load_catalogue()
    assert cat["gdp"].plausible_max == 5e8  # 5 万亿元 in 万元
    assert cat["fiscal_revenue"].at_most == ("gdp",)
    assert cat["industrial_enterprises"].integer and cat["pop_registered"].integer


def test_attack_values_are_quarantined_with_the_reason(tmp_path: Path, resolver) -> None:
    f = tmp_path / "x.csv"
    f.write_text(
        "地区,年份,地区生产总值(亿元),户籍人口(万人),规模以上工业企业单位数,一般公共预算收入(亿元)\n"
        "东城区,2020,1e300,80,10,5\n"          # GDP 1e300 亿元
        "西城区,2020,500,99999999999,10,5\n"   # 户籍人口 99,999,999,999 万人
        "湘潭县,2020,500,80,0.5,5\n"           # 0.5 enterprises
        "临颍县,2020,500,80,10,600\n"          # fiscal revenue above GDP
        "东城区,2021,500,80,10,500\n",         # equal to GDP: allowed (not above)
        encoding="utf-8",
    )  # fmt: skip
    db = tmp_path / "w.duckdb"
    rep = import_file(f, db=db, resolver=resolver)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (5, 1, 4)
    assert rep.quarantined_by_reason == {
        "implausible_value": 2,
        "not_integer": 1,
        "inconsistent_value": 1,
    }
    assert _quarantine(db) == [
        # 1e300 亿元 × 1e4 = 1e304 万元 > 5e8
        (2, "implausible_value",
         "地区生产总值 = 1e+304 万元，超出县级单位的合理范围 0 – 5e+08 万元"),
        # 99,999,999,999 万人 × 1e4 = 999,999,999,990,000 人 > 3e7
        (3, "implausible_value",
         "户籍人口 = 1e+15 人，超出县级单位的合理范围 0 – 3e+07 人"),
        (4, "not_integer", "规模以上工业企业单位数 = 0.5 个，应为整数"),
        # 600 亿元 = 6e6 万元 > 500 亿元 = 5e6 万元
        (5, "inconsistent_value",
         "一般公共预算收入 6e+06 万元 大于同地区同年份的地区生产总值 5e+06 万元（不应超过）"),
    ]  # fmt: skip


def test_a_long_table_checks_the_whole_across_records(tmp_path: Path, resolver) -> None:
    f = tmp_path / "long.csv"
    f.write_text(
        "地区,年份,指标,数值,单位\n湘潭县,2020,地区生产总值,100,亿元\n"
        "湘潭县,2020,一般公共预算收入,120,亿元\n临颍县,2020,一般公共预算收入,120,亿元\n",
        encoding="utf-8",
    )
    rep = import_file(f, db=tmp_path / "w.duckdb", resolver=resolver)
    # 湘潭县: revenue 120 > GDP 100 → quarantined; 临颍县 has no GDP in the file → loads
    assert (rep.rows_loaded, rep.quarantined_by_reason) == (2, {"inconsistent_value": 1})


@pytest.mark.parametrize(
    "header", ["地区生产总值(美元)", "地区生产总值(万美元)", "地区生产总值(USD)"]
)
def test_a_foreign_currency_column_is_refused(tmp_path: Path, data_dir: Path, header: str) -> None:
    db = tmp_path / "w.duckdb"
    ok = tmp_path / "ok.csv"
    ok.write_text("地区,地区生产总值(亿元)\n湘潭县,400\n", encoding="utf-8")
    assert (
        CliRunner().invoke(app, ["import", str(ok), "--year", "2020", "--db", str(db)]).exit_code
        == 0
    )
    before = warehouse_state(db)
    f = tmp_path / "usd.csv"
    f.write_text(f"地区,{header}\n湘潭县,100\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["import", str(f), "--year", "2020", "--db", str(db)])
    assert res.exit_code == 2, res.output
    unit = header[header.index("(") + 1 : -1]
    assert (
        f"列“{header}”的单位 {unit} 无法换算为指标 地区生产总值 的单位 万元"
        in res.output.replace("\n", "")
    )
    assert "xinzhi 不做汇率换算" in res.output.replace("\n", "")
    assert warehouse_state(db) == before


def test_a_foreign_currency_record_of_a_long_table_is_quarantined(tmp_path: Path, resolver) -> None:
    f = tmp_path / "long.csv"
    f.write_text(
        "地区,年份,指标,数值,单位\n湘潭县,2020,地区生产总值,100,美元\n临颍县,2020,地区生产总值,3,亿元\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    rep = import_file(f, db=db, resolver=resolver)
    assert (rep.rows_loaded, rep.quarantined_by_reason) == (1, {"unknown_unit": 1})
    assert _quarantine(db) == [
        (2, "unknown_unit", "单位“美元”无法换算为 万元（不做汇率换算，请换算成人民币）")
    ]


def test_per_capita_and_renminbi_units_still_read(tmp_path: Path, resolver) -> None:
    f = tmp_path / "x.csv"
    f.write_text(
        "地区,人均地区生产总值(元/人),地区生产总值(人民币亿元)\n湘潭县,60000,400\n",
        encoding="utf-8",
    )
    rep = import_file(f, year=2020, db=tmp_path / "w.duckdb", resolver=resolver)
    assert (rep.rows_loaded, rep.values_loaded) == (1, 2)
    assert rep.unit_conversions == {"地区生产总值(人民币亿元)": "亿元 → 万元（×10000）"}


def test_cli_json_of_the_attack_row(tmp_path: Path, data_dir: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("地区,地区生产总值(亿元)\n湘潭县,1e300\n临颍县,400\n", encoding="utf-8")
    res = CliRunner().invoke(
        app, ["import", str(f), "--year", "2020", "--json", "--db", str(tmp_path / "w.duckdb")]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["quarantined_by_reason"] == {"implausible_value": 1}
