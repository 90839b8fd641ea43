"""Readers and cleaners: CSV/XLSX (wide 统计年鉴 tables and long tables) and the built-in census
readers. See ``docs/import.md``."""

from xinzhi.ingest.census import import_census, import_tudigong
from xinzhi.ingest.clean import SUBTOTAL_NAMES, classify_rows, default_resolver
from xinzhi.ingest.importer import file_sha256, import_file
from xinzhi.ingest.report import QUARANTINE_REASONS, SKIP_REASONS, ImportReport
from xinzhi.ingest.values import MISSING_MARKERS, parse_values

__all__ = [
    "MISSING_MARKERS",
    "QUARANTINE_REASONS",
    "SKIP_REASONS",
    "SUBTOTAL_NAMES",
    "ImportReport",
    "classify_rows",
    "default_resolver",
    "file_sha256",
    "import_census",
    "import_file",
    "import_tudigong",
    "parse_values",
]
