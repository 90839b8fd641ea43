"""Issue #18 item 7: the worker process that reads an upload has a memory and a time limit; when
it runs out of either, the caller gets a Chinese error and lives on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from xinzhi.errors import InputError
from xinzhi.ingest.isolate import ReadLimits, run_limited
from xinzhi.ingest.tables import check_sheet_extent

MEMORY = "读取文件时超出内存上限（每个上传 256 MB）"


def read_whole_sheet(path: str) -> int:
    """What the reader did before the extent check: allocate the whole used range."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(path)
    return int(wb.get_sheet_by_name(wb.sheet_names[0]).height)


def far_cell_workbook(path: Path, row: int = 1048576, column: int = 16384) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "地区"
    ws.cell(row=row, column=column, value="x")
    wb.save(path)
    return path


def test_an_allocation_over_the_budget_is_a_chinese_error() -> None:
    with pytest.raises(InputError) as err:
        run_limited(bytearray, 2 * 2**30, limits=ReadLimits(memory_mb=256, seconds=60))
    assert MEMORY in str(err.value)
    # the caller goes on: a small job in a new worker works
    assert run_limited(len, "abc", limits=ReadLimits(memory_mb=256, seconds=60)) == 3


def test_the_far_cell_workbook_aborts_only_the_worker(tmp_path: Path) -> None:
    f = far_cell_workbook(tmp_path / "far.xlsx")
    with pytest.raises(InputError) as err:
        run_limited(read_whole_sheet, str(f), limits=ReadLimits(memory_mb=256, seconds=60))
    assert MEMORY in str(err.value)


def test_a_worker_over_the_time_limit_is_stopped() -> None:
    t0 = time.monotonic()
    with pytest.raises(InputError) as err:
        run_limited(time.sleep, 30, limits=ReadLimits(memory_mb=256, seconds=1))
    assert "读取文件超过 1 秒，已停止" in str(err.value)
    assert time.monotonic() - t0 < 15


def test_errors_of_the_reader_come_back_as_they_were(tmp_path: Path) -> None:
    f = far_cell_workbook(tmp_path / "far.xlsx")
    with pytest.raises(InputError) as err:
        run_limited(check_sheet_extent, f, "Sheet", limits=ReadLimits(seconds=60))
    assert "工作表 Sheet 的使用范围过大（至少 A1:XFD1048576" in str(err.value)


@pytest.mark.parametrize(
    ("row", "column", "refused"),
    [
        # 2,000,000 cells allowed: 1000 rows × 2000 columns = 2,000,000 (equal: read)
        (1000, 2000, False),
        # 1000 × 2001 = 2,001,000 > 2,000,000
        (1000, 2001, True),
    ],
)
def test_the_extent_limit_edges(tmp_path: Path, row: int, column: int, refused: bool) -> None:
    f = far_cell_workbook(tmp_path / "edge.xlsx", row, column)
    if refused:
        with pytest.raises(InputError, match="使用范围过大"):
            check_sheet_extent(f, "Sheet")
    else:
        check_sheet_extent(f, "Sheet")


def test_limits_must_be_positive() -> None:
    with pytest.raises(InputError, match="读取上传文件的内存与时间上限必须为正数"):
        ReadLimits(memory_mb=0)
