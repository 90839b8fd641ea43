"""``xinzhi match …``: occupations, talent ↔ job matching, shortage catalogue, technology demands.

Each part registers its commands from its own module (``register(app)``), so the command group is
one line in :mod:`xinzhi.cli`.
"""

from __future__ import annotations

import typer

from xinzhi.cli import match_occupations_cmd, match_talent_cmd, match_tech_cmd

app = typer.Typer(
    help="供需对接：职业编码（大典 2022）、人岗匹配、紧缺人才目录、技术需求与揭榜挂帅。",
    no_args_is_help=True,
)
for _part in (match_occupations_cmd, match_talent_cmd, match_tech_cmd):
    _part.register(app)
