"""The warehouse: one DuckDB file with regions, the indicator catalogue, import batches,
observations (long form), quarantine and skipped rows. See ``docs/warehouse.md``."""

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
