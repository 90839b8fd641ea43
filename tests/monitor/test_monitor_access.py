"""Who reads which monitoring analysis through the generic REST route (``registry/monitor.py``
scopes; access policy ``xinzhi.auth.policy``, ``docs/server.md``).

A county's yearly targets are its own data: the signals and the digest (which may read them)
are county-scoped, the trend tests (observations only) public. 示例数据: the monitoring panel of
``warehouse_data`` plus one target typed in per county for gdp 2021 —
长沙县 430121: target 10, value 12.01 → relative gap (12.01 − 10)/10 = 20.1 % > 20 % → 红;
湘潭县 430321: target 10 000, value 10 000 → gap 0, on the cut 浅蓝/绿 (the colour nearer green) → 绿.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warehouse_data import monitor_warehouse

from api.api_helpers import account_client
from xinzhi import registry

ACCOUNTS = [
    ("analyst1", "analyst", None),
    ("xiangtan", "county", "430321"),  # 湘潭县
    ("changsha", "county", "430121"),  # 长沙县
]
TARGET = {"method": "target", "indicators": "gdp", "basis": "level"}


def test_declared_scopes() -> None:
    assert registry.get("monitor-signals").scope == "county"
    assert registry.get("monitor-digest").scope == "county"
    assert registry.get("monitor-trend").scope == "public"


@pytest.fixture(scope="module")
def client(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:

    from xinzhi import store
    from xinzhi.pipelines.monitor import set_target

    db: Path = monitor_warehouse(small_warehouse, tmp_path_factory.mktemp("monitor-access"))
    con = store.connect(db)
    try:
        set_target(con, "430121", "gdp", 2021, 10.0, account="changsha")
        set_target(con, "430321", "gdp", 2021, 10_000.0, account="xiangtan")
    finally:
        con.close()
    with account_client(db, ACCOUNTS) as (c, tokens):
        c.tokens = {who: {"Authorization": f"Bearer {t}"} for who, t in tokens.items()}  # type: ignore[attr-defined]
        yield c


def _get(client: Any, who: str, key: str, **params: Any) -> Any:
    return client.get(f"/api/analyses/{key}", params=params, headers=client.tokens[who])


def _colours(body: dict[str, Any]) -> dict[tuple[str, int], str]:
    rows = body["tables"]["信号"]
    return {
        (r["region_code"], int(r["year"])): r["signal"]
        for r in rows
        if r["indicator"] == "gdp" and r["signal"]
    }


def test_authorise_own_county_and_analyst(client: Any) -> None:
    """The access check itself (what every surface calls before running the analysis)."""
    from xinzhi.auth import get_user
    from xinzhi.auth.policy import AccessDenied
    from xinzhi.pipelines.analyses import authorise

    cur = client.app.state.db.cursor()
    try:
        signals = registry.get("monitor-signals")
        changsha, analyst = get_user(cur, "changsha"), get_user(cur, "analyst1")
        authorise(cur, signals, {"county": "430121", **TARGET}, changsha)  # own county: allowed
        authorise(cur, signals, {"county": "430321", **TARGET}, analyst)
        authorise(cur, signals, dict(TARGET), analyst)  # every county: admin / analyst only
        with pytest.raises(AccessDenied):
            authorise(cur, signals, {"county": "430321", **TARGET}, changsha)
        with pytest.raises(AccessDenied):
            authorise(cur, signals, dict(TARGET), changsha)
        res = signals.run(cur, **TARGET)
        t = res.tidy()
        got = {
            (r.region_code, int(r.year)): r.signal
            for r in t.itertuples()
            if r.indicator == "gdp" and isinstance(r.signal, str) and r.signal
        }
        assert got == {("430121", 2021): "红", ("430321", 2021): "绿"}
    finally:
        cur.close()


def test_county_reads_its_own_target_signals(client: Any) -> None:
    r = _get(client, "changsha", "monitor-signals", county="430121", **TARGET)
    assert r.status_code == 200, r.text
    got = _colours(r.json())
    assert got == {("430121", 2021): "红"}


def test_county_cannot_read_another_countys_target_signals(client: Any) -> None:
    r = _get(client, "changsha", "monitor-signals", county="430321", **TARGET)
    assert r.status_code == 403, r.text
    assert "430321" in r.text
    # nor every county at once (no county named)
    assert _get(client, "changsha", "monitor-signals", **TARGET).status_code == 403
    # nor the other county's digest, nor its workbook
    r = _get(client, "xiangtan", "monitor-digest", county="430121", **TARGET)
    assert r.status_code == 403, r.text
    r = client.get(
        "/api/analyses/monitor-signals/export",
        params={"county": "430321", **TARGET},
        headers=client.tokens["changsha"],
    )
    assert r.status_code in (403, 404), r.text


def test_analyst_reads_every_county(client: Any) -> None:
    r = _get(client, "analyst1", "monitor-signals", **TARGET)
    assert r.status_code == 200, r.text
    got = _colours(r.json())
    assert got[("430121", 2021)] == "红" and got[("430321", 2021)] == "绿"


def test_trends_stay_public(client: Any) -> None:
    """Mann–Kendall on observations only: a county account reads every county's trends."""
    r = _get(client, "changsha", "monitor-trend", indicators="gdp")
    assert r.status_code == 200, r.text
