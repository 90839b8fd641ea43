"""Enterprise registry status texts (经营状态 / 登记状态): which count as still operating.

Data in ``firm_status.yaml`` beside this module. The importer keeps the status text verbatim;
record-level aggregations count a firm as active when its status is listed as active or empty.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from xinzhi import yamlfile

__all__ = ["active_statuses"]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.codes").joinpath("firm_status.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


def active_statuses() -> list[str]:
    """Status texts of firms still operating (存续, 在业, 开业, …)."""
    return [str(s) for s in _data()["active_status"]]
