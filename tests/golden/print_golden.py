"""Print the golden table rows of ``README.md`` from the files the CLI wrote.

Usage (after the commands in ``README.md``)::

    python tests/golden/print_golden.py OUT_DIR

``OUT_DIR`` holds ``evaluate.csv`` (``xinzhi evaluate --output``), ``typology-2020.csv``
(``xinzhi typology --output``) and ``县域新质生产力指数.xlsx`` (``xinzhi demo --output-dir``).
Only reads those files: no xinzhi function computes anything here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

CODES = ("430321", "320583", "532823")


def main(out: Path) -> None:
    """Print the score table and the type table (Markdown rows)."""
    ev = pd.read_csv(out / "evaluate.csv", dtype={"unit": str}, encoding="utf-8-sig")
    book = out / "县域新质生产力指数.xlsx"
    ranks = pd.read_excel(book, sheet_name="得分", dtype={"区划代码": str}, engine="openpyxl")
    short = pd.read_excel(book, sheet_name="短板", dtype={"区划代码": str}, engine="openpyxl")
    types = pd.read_csv(
        out / "typology-2020.csv", dtype={"region_code": str}, keep_default_na=False
    )
    print("| code | year | score | rank | province rank | top shortfall | obstacle |")
    print("|---|---|---|---|---|---|---|")
    for code in CODES:
        for year in (2010, 2020):
            e = ev[(ev["unit"] == code) & (ev["year"] == year)].iloc[0]
            r = ranks[(ranks["区划代码"] == code) & (ranks["年份"] == year)].iloc[0]
            s = short[(short["区划代码"] == code) & (short["年份"] == year)]
            top = s.sort_values("障碍度", ascending=False).iloc[0]
            print(
                f"| {code} | {year} | {float(e['score'])!r} | {int(e['rank'])} "
                f"| {int(r['省内排名'])} | {top['短板']} | {float(top['障碍度'])!r} |"
            )
    print()
    print("| code | name | primary type | secondary type |")
    print("|---|---|---|---|")
    for code in CODES:
        t = types[types["region_code"] == code].iloc[0]
        print(f"| {code} | {t['name']} | {t['primary_type']} | {t['secondary_type'] or '—'} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
