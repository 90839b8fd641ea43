"""Enterprise data by year (企业年度数据) and enterprise labels (荣誉 / 资质) → the warehouse
tables ``firm_years`` and ``firm_labels`` (:mod:`xinzhi.store.firm_years`).

Firm-year files (CSV/XLSX) hold one row per firm and data year: a credit-code column, a
``年份`` column (or the year given by the caller) and any of the catalogue fields of
:func:`xinzhi.codes.firm_fields.firm_fields`, recognised by their aliases. Label files hold one
row per firm and honour: credit code, the honour's name (荣誉 / 资质), 认定日期 and optionally
有效期至. Every data row ends up exactly once as loaded, quarantined (with a reason) or
skipped (empty rows, identical repeats)::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Cleaning rules (units, booleans, dates, label names, validity) are documented in
``docs/enterprise_data.md``. Credit codes, money units, dates and header matching reuse the
helpers of the registry importer :mod:`xinzhi.ingest.enterprises`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from xinzhi import yamlfile
from xinzhi.codes.firm_fields import firm_fields

__all__ = ["catalogue_sql_types", "label_validity"]


def catalogue_sql_types() -> dict[str, str]:
    """The catalogue fields as ``{key: SQL type}``, for :mod:`xinzhi.store.firm_years`."""
    return {k: f.sql_type for k, f in firm_fields().items()}


@cache
def _config() -> dict[str, Any]:
    path = Path(__file__).with_name("firm_years.yaml")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yamlfile.safe_load(fh)
    return data


def label_validity() -> dict[str, int | None]:
    """Label key → validity in years applied when a file gives only 认定日期 (None: no end;
    ``valid_to`` stays NULL). Sources in ``firm_years.yaml`` and ``docs/enterprise_data.md``."""
    raw = dict(_config()["validity_years"])
    return {str(k): (None if v is None else int(v)) for k, v in raw.items()}
