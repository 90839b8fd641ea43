"""The import report: what was read, loaded, quarantined and skipped, and why.

A *row* is a source row: in a wide table one county(-year) line, in a long table one record
line. Header, unit and title lines are not rows. Always::

    rows_read = rows_loaded + rows_quarantined + rows_skipped
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from xinzhi.ingest.reasons import reason_label

if TYPE_CHECKING:
    from xinzhi.store.batches import BatchRecord

__all__ = ["ImportReport"]


_FORMATS = {"wide": "宽表（指标为列）", "long": "长表（指标、数值成列）", "manual": "人工更正"}
"""Chinese names of the table layouts (the report never shows the option's code name)."""


@dataclass
class ImportReport:
    """Outcome of one import (or of a no-op re-import).

    ``status`` is ``"loaded"`` (a new batch), or ``"noop"`` (the same file was already the
    active batch of this source; the counts are those of that batch).
    """

    file_name: str
    source: str
    format: str
    status: str
    batch_id: int | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    values_loaded: int = 0
    values_missing: int = 0
    missing_by_marker: dict[str, int] = field(default_factory=dict)
    superseded: list[int] = field(default_factory=list)
    sha256: str = ""
    encoding: str | None = None
    sheet: str | None = None
    years: list[int] = field(default_factory=list)
    regions_loaded: int = 0
    indicators_loaded: list[str] = field(default_factory=list)
    columns_matched: dict[str, str] = field(default_factory=dict)
    columns_ignored: list[str] = field(default_factory=list)
    columns_new: dict[str, str] = field(default_factory=dict)
    """Header → the user indicator it was stored as (columns the catalogue does not know)."""
    unit_conversions: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rows_not_stored: int = 0
    """Quarantined and skipped rows counted but not stored (beyond the per-batch cap)."""

    def __post_init__(self) -> None:
        self.check()

    @classmethod
    def noop(cls, record: BatchRecord, fmt: str) -> ImportReport:
        """The report of re-importing a file that is already the active batch ``record``:
        the details stored with the batch (``fmt`` when it stored none), its counts, status
        ``noop``."""
        batch: dict[str, Any] = {
            "file_name": record.file_name,
            "source": record.source,
            "batch_id": record.batch_id,
            "rows_read": record.rows_read,
            "rows_loaded": record.rows_loaded,
            "rows_quarantined": record.rows_quarantined,
            "rows_skipped": record.rows_skipped,
            "values_loaded": record.values_loaded,
            "sha256": record.sha256,
        }
        fields = cls.__dataclass_fields__
        stored = {k: v for k, v in record.report.items() if k in fields}
        noop = {"status": "noop", "superseded": [], "warnings": []}
        return cls(**{"format": fmt, **stored, **batch, **noop})

    def check(self) -> None:
        """Assert the row-count invariant (read = loaded + quarantined + skipped)."""
        assert self.rows_read == self.rows_loaded + self.rows_quarantined + self.rows_skipped, (
            "行数不守恒：读入 ≠ 载入 + 隔离 + 跳过"
        )
        assert sum(self.quarantined_by_reason.values()) == self.rows_quarantined
        assert sum(self.skipped_by_reason.values()) == self.rows_skipped

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for ``--json``."""
        return asdict(self)

    def summary(self) -> str:
        """Chinese text rendering."""
        head = "未重复导入（同一文件已是当前批次）" if self.status == "noop" else "导入完成"
        where = f"工作表“{self.sheet}”，" if self.sheet else ""
        form = _FORMATS.get(self.format, self.format)
        lines = [
            f"{head}：{self.file_name}（{where}来源 {self.source}，{form}，批次 {self.batch_id}）",
            f"读入 {self.rows_read} 行 = 载入 {self.rows_loaded} + 隔离 {self.rows_quarantined}"
            f" + 跳过 {self.rows_skipped}",
            f"载入数值 {self.values_loaded} 个；缺失 {self.values_missing} 个",
        ]
        if self.years:
            lines.append(
                f"年份：{'、'.join(str(y) for y in self.years)}；地区 {self.regions_loaded} 个"
            )
        for title, counts in (
            ("隔离原因", self.quarantined_by_reason),
            ("跳过原因", self.skipped_by_reason),
        ):
            if counts:
                lines.append(title + "：")
                lines += [f"  {reason_label(k)}：{v} 行" for k, v in counts.items()]
        if self.missing_by_marker:
            marks = "；".join(f"“{k or '空白'}” {v}" for k, v in self.missing_by_marker.items())
            lines.append(f"缺失标记：{marks}")
        if self.unit_conversions:
            lines.append("单位换算：")
            lines += [f"  {k}：{v}" for k, v in self.unit_conversions.items()]
        if self.columns_new:
            lines.append(f"新建用户指标 {len(self.columns_new)} 个（目录中没有的列，按表头保存）：")
            lines += [f"  {k} → {v}" for k, v in self.columns_new.items()]
        if self.columns_ignored:
            lines.append(f"未识别的列：{'、'.join(self.columns_ignored)}")
        if self.superseded:
            lines.append(f"替代了此前的批次：{'、'.join(str(b) for b in self.superseded)}")
        lines += [f"提示：{w}" for w in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
