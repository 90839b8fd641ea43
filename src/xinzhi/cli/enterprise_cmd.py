"""``xinzhi enterprise mujun | mujun-policy | tiers | size | import | labels-import``.

The evaluations are the declarations of family ``enterprise`` in :mod:`xinzhi.registry` (the
same commands as ``xinzhi analysis <key>``, options derived from the declaration); the two import
commands load a county's firm-year data and honours into the warehouse.
"""

from __future__ import annotations

import typer

from xinzhi import registry
from xinzhi.cli.analysis_cmd import declared_command

app = typer.Typer(
    help="企业评价：亩均效益、差别化政策模拟、梯度培育、大中小微划型；导入企业年度数据与荣誉资质。",
    no_args_is_help=True,
)

for _a in registry.analyses("enterprise"):
    app.command(_a.key)(declared_command(_a))
