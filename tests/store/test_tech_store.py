"""The technology tables (:mod:`xinzhi.store.tech`): idempotent creation, the newest active
batch per id, the append-only audit trail and the state it gives, the team load."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from fixtures.policy_warehouse import batch
from xinzhi import store
from xinzhi.store import tech as ts


def _demand(title: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "demand_id": ["D1"],
            "region_code": ["430321"],
            "title": [title],
            "field": ["新材料"],
            "budget": [50.0],
            "deadline": [pd.Timestamp("2026-06-30").date()],
            "phone": ["13800000000"],
        }
    )


def _team(capacity: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"team_id": ["T1"], "name": ["甲团队"], "kind": ["团队"], "capacity": [capacity]}
    )


def test_tables_are_idempotent(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    assert not ts.has_tech_tables(con)
    assert ts.read_demands(con).empty and ts.read_events(con).empty  # no tables: no error
    assert ts.challenge_state(con, "D1") == "draft" and ts.team_load(con) == {}
    ts.ensure_tech_tables(con)
    ts.ensure_tech_tables(con)
    assert ts.has_tech_tables(con)
    cols = [r[0] for r in con.execute("DESCRIBE tech_demands").fetchall()]
    assert cols == [*ts.DEMAND_COLUMNS[:-1], "batch_id", "synthetic"]
    cols = [r[0] for r in con.execute("DESCRIBE tech_teams").fetchall()]
    assert cols == [*ts.TEAM_COLUMNS[:-1], "batch_id", "synthetic"]
    con.close()


def test_newest_active_batch_wins(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    ts.ensure_tech_tables(con)
    batch(con, "tech_demands:a", lambda c, b: ts.insert_demands(c, _demand("旧标题"), b))
    batch(con, "tech_demands:b", lambda c, b: ts.insert_demands(c, _demand("新标题"), b))
    got = ts.read_demands(con)
    assert got[["demand_id", "title", "state", "synthetic"]].values.tolist() == [
        ["D1", "新标题", "draft", False]
    ]
    assert ts.read_demands(con, county="430322").empty
    assert len(ts.read_demands(con, ids=["D1"])) == 1
    con.execute("UPDATE import_batches SET status = 'superseded' WHERE source = 'tech_demands:b'")
    assert ts.read_demands(con)["title"].tolist() == ["旧标题"]
    batch(con, "tech_teams:a", lambda c, b: ts.insert_teams(c, _team(2), b))
    assert ts.read_teams(con)[["team_id", "capacity"]].values.tolist() == [["T1", 2]]
    con.close()


def test_audit_trail_states_and_load(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    ts.ensure_tech_tables(con)
    steps = [
        ("publish", "draft", "published"),
        ("apply", "published", "published"),
        ("start_review", "published", "reviewing"),
        ("award", "reviewing", "awarded"),
    ]
    for i, (action, src, dst) in enumerate(steps, start=1):
        seq = ts.append_event(
            con,
            challenge_id="D1",
            account="county1",
            role="publisher",
            action=action,
            from_state=src,
            to_state=dst,
            detail={"n": i},
        )
        assert seq == i
    assert ts.challenge_state(con, "D1") == "awarded"
    assert ts.challenge_state(con, "D2") == "draft"
    ev = ts.read_events(con, challenge_ids=["D1"])
    assert ev["action"].tolist() == ["publish", "apply", "start_review", "award"]
    assert json.loads(ev["detail"].iloc[3]) == {"n": 4}
    app = ts.write_application(con, challenge_id="D1", team_id="T1", account="county1")
    assert app == "D1-A1"
    assert ts.write_application(con, challenge_id="D1", team_id="T2", account="c") == "D1-A2"
    ts.write_review(con, challenge_id="D1", application_id=app, reviewer="a", score=88)
    ts.write_award(con, challenge_id="D1", application_id=app, team_id="T1", account="c")
    assert ts.team_load(con) == {"T1": 1}
    assert ts.write_milestone(con, challenge_id="D1", title="方案", account="c") == 1
    assert ts.write_milestone(con, challenge_id="D1", title="样机", account="c") == 2
    assert ts.read_milestones(con)["title"].tolist() == ["方案", "样机"]
    assert ts.read_reviews(con)["score"].tolist() == [88.0]
    # completed: no longer counts against the team's capacity
    ts.append_event(
        con,
        challenge_id="D1",
        account="c",
        role="publisher",
        action="accept",
        from_state="tracking",
        to_state="completed",
    )
    assert ts.team_load(con) == {}
    con.close()
