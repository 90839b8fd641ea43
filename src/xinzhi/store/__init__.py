"""The warehouse: one DuckDB file. Every table is defined here (``docs/warehouse.md``):

- :mod:`xinzhi.store.schema` — regions, indicators, import_batches, observations, quarantine,
  skipped (and the view current_observations);
- :mod:`xinzhi.store.firms` — firms (and the view current_firms);
- :mod:`xinzhi.store.evaluations` — evaluations and their scores, dimensions, weights, obstacles;
- :mod:`xinzhi.store.auth_tables` — accounts, sessions, login failures, audit log, batch owners.
"""

from xinzhi.store.batches import (
    BatchRecord,
    find_active_batch,
    insert_frame,
    refresh_indicators,
    refresh_regions,
    write_batch,
)
from xinzhi.store.connection import connect
from xinzhi.store.read import read_long, read_region_history, read_regions, read_wide
from xinzhi.store.schema import SCHEMA_VERSION, ensure_schema

__all__ = [
    "SCHEMA_VERSION",
    "BatchRecord",
    "connect",
    "ensure_schema",
    "find_active_batch",
    "insert_frame",
    "read_long",
    "read_region_history",
    "read_regions",
    "read_wide",
    "refresh_indicators",
    "refresh_regions",
    "write_batch",
]
