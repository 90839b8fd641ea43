"""The monitoring section of the county report (xinzhi.pipelines.report_sections.
monitoring_section): 湘潭县 in 2020 on the small warehouse with a yearly fiscal-revenue series
(示例数据, tests/monitor/warehouse_data.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.warehouse import EVALUATION, SmallWarehouse
from monitor.warehouse_data import monitor_warehouse
from xinzhi.pipelines.report import county_report_data
from xinzhi.report.view import county_view


@pytest.fixture
def db(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    return monitor_warehouse(small_warehouse, tmp_path)


def test_county_report_has_the_monitoring_digest(db: Path) -> None:
    d = county_report_data("430321", 2020, db=db, evaluation=EVALUATION)
    m = d.monitoring
    # only indicators with a signal in 2019 or 2020: fiscal revenue, 绿 → 红
    assert m[["indicator", "signal_prev", "signal", "change"]].values.tolist() == [
        ["一般公共预算收入", "绿", "红", "新亮红灯"]
    ]
    assert "新亮红灯（过热/超常） 1 项：一般公共预算收入（绿→红）" in d.monitoring_summary
    assert "监测预警" in d.sheets()
    v = county_view(d, charts_on=False)
    assert v["monitoring"]["header"][:4] == ["指标", "上年信号", "本年信号", "变化"]
    assert any(e.formula == "monitor:digest" for e in d.methods)


def test_monitoring_unavailable_is_a_note(small_warehouse: SmallWarehouse) -> None:
    # the plain small warehouse has only 2010 and 2020: no history, no signal
    d = county_report_data("430321", 2020, db=small_warehouse.db, evaluation=EVALUATION)
    assert d.monitoring.empty
    assert any(n.startswith("监测预警不可用") for n in d.notes)
    assert "监测预警" not in d.sheets()
