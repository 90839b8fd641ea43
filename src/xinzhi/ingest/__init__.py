"""Readers and cleaners: CSV/XLSX (wide 统计年鉴 tables and long tables) and the built-in census
readers. See ``docs/import.md``."""

from xinzhi.ingest.batch import file_sha256
from xinzhi.ingest.census import import_census, import_tudigong
from xinzhi.ingest.clean import SUBTOTAL_NAMES, classify_rows, default_resolver
from xinzhi.ingest.importer import import_file
from xinzhi.ingest.reasons import QUARANTINE_REASONS, SKIP_REASONS, reason_label
from xinzhi.ingest.report import ImportReport
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
    "reason_label",
]
