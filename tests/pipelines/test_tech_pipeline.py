"""The technology pipeline (:mod:`xinzhi.pipelines.tech`) on a warehouse built in code: the
示例数据 generator's batches, county scope and masking, the dense similarity of the bundled e5
model (same ranking twice), capacity through awards, the preconditions of the steps and the
CLI operator."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("XINZHI_THREADS", "1")

from xinzhi import store
from xinzhi.auth.accounts import User
from xinzhi.auth.policy import AccessDenied
from xinzhi.errors import InputError, NotFoundError
from xinzhi.match.tech import TransitionError
from xinzhi.pipelines import tech as pt

OWN = "430321"
ADMIN = User(1, "admin1", "admin", None, False)
ANALYST = User(2, "analyst1", "analyst", None, False)
COUNTY = User(3, "county1", "county", OWN, False)
OTHER = User(4, "county2", "county", "430121", False)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[Any]:
    c = store.connect(tmp_path / "w.duckdb")
    a, b = pt.generate_tech(county=OWN, n_demands=4, n_teams=3, seed=7, con=c)
    assert (a.rows_read, a.rows_loaded, b.rows_read, b.rows_loaded) == (4, 4, 3, 3)
    again = pt.generate_tech(county=OWN, n_demands=4, n_teams=3, seed=7, con=c)
    assert again[0].status == "noop"  # the same frame: no second batch
    yield c
    c.close()


def test_scope_and_masking(con: Any) -> None:
    assert len(pt.list_demands(con, COUNTY)) == 4
    with pytest.raises(AccessDenied):
        pt.list_demands(con, OTHER, county=OWN)
    assert pt.list_demands(con, OTHER).empty  # its own county has none
    teams = pt.list_teams(con, ANALYST)
    assert teams["phone"].str.contains(r"\*").all()
    assert not pt.list_teams(con, COUNTY)["phone"].str.contains(r"\*").any()
    assert pt.list_teams(con, ADMIN)["load"].tolist() == [0, 0, 0]


def test_dense_similarity_is_stable(con: Any) -> None:
    a = pt.tech_match(con, county=OWN, k=2, embedder="e5")
    b = pt.tech_match(con, county=OWN, k=2, embedder="e5")
    assert a.pairs[["demand_id", "team_id", "rank"]].equals(
        b.pairs[["demand_id", "team_id", "rank"]]
    )
    assert a.pairs["dense"].between(0, 1).all()
    assert "语义相似度" in a.pairs["reasons"].iloc[0]
    with pytest.raises(InputError):
        pt.tech_match(con, county=OWN, embedder="gpt")


def _award(con: Any, demand: str, team: str) -> None:
    pt.act(con, COUNTY, demand, "publish")
    app = pt.act(con, COUNTY, demand, "apply", team_id=team)["application_id"]
    pt.act(con, COUNTY, demand, "start_review")
    pt.act(con, ANALYST, demand, "review", application_id=app, score=70)
    pt.act(con, COUNTY, demand, "award", application_id=app)


def test_capacity_counts_awards_in_progress(con: Any) -> None:
    teams = pt.list_teams(con)
    team = str(teams["team_id"].iloc[0])
    cap = int(teams["capacity"].iloc[0])
    demands = pt.list_demands(con)["demand_id"].tolist()
    for d in demands[:cap]:
        _award(con, d, team)
    assert pt.list_teams(con).set_index("team_id").loc[team, "load"] == cap
    # the team is full: not recommended, and a further award is refused
    m = pt.tech_match(con, county=OWN, embedder="none")
    assert team not in set(m.pairs["team_id"])
    assert set(m.demand_ids) == set(demands[cap:])  # awarded demands are no longer open
    nxt = demands[cap]
    pt.act(con, COUNTY, nxt, "publish")
    app = pt.act(con, COUNTY, nxt, "apply", team_id=team)["application_id"]
    pt.act(con, COUNTY, nxt, "start_review")
    pt.act(con, ADMIN, nxt, "review", application_id=app, score=60)
    with pytest.raises(TransitionError, match="已满负荷"):
        pt.act(con, COUNTY, nxt, "award", application_id=app)
    with pytest.raises(TransitionError, match="不能重复评审"):
        pt.act(con, ADMIN, nxt, "review", application_id=app, score=61)
    # the refused steps left no trace: the trail of nxt has four events
    assert len(pt.challenge_view(con, ADMIN, nxt).events) == 4
    # finishing one frees a place
    pt.act(con, COUNTY, demands[0], "track", title="进展")
    pt.act(con, COUNTY, demands[0], "accept")
    assert pt.act(con, COUNTY, nxt, "award", application_id=app)["to_state"] == "awarded"


def test_step_errors(con: Any) -> None:
    d = pt.list_demands(con)["demand_id"].iloc[0]
    with pytest.raises(NotFoundError):
        pt.act(con, COUNTY, "NOPE", "publish")
    with pytest.raises(InputError, match="未知的揭榜挂帅操作"):
        pt.act(con, COUNTY, d, "bribe")
    with pytest.raises(AccessDenied, match="本县区"):
        pt.act(con, OTHER, d, "publish")
    with pytest.raises(AccessDenied, match="评审专家"):
        pt.act(con, COUNTY, d, "review")
    with pytest.raises(AccessDenied, match="发榜方"):
        pt.act(con, ANALYST, d, "publish")
    pt.act(con, COUNTY, d, "publish")
    with pytest.raises(InputError, match="team_id"):
        pt.act(con, COUNTY, d, "apply")
    with pytest.raises(InputError, match="非负数"):
        pt.act(con, COUNTY, d, "apply", team_id="RT0001", budget=-1)
    v = pt.challenge_view(con, COUNTY, d)
    assert (v.state, [a["action"] for a in v.actions]) == (
        "published",
        ["apply", "start_review", "withdraw"],
    )
    assert pt.challenge_view(con, ANALYST, d).actions == []  # a reviewer has nothing to do yet


def test_operator(con: Any) -> None:
    op = pt.operator(con, "someone")
    assert (op.username, op.role) == ("someone", "admin")


def test_vectors_are_kept_in_the_warehouse(con: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinzhi.match.text import get_embedder

    pt._VEC_CACHE.clear()  # other tests of this module embedded the same texts
    assert pt.missing_vectors(con, county=OWN) == 4 + 3  # 4 demand texts, 3 team texts
    assert pt.cache_vectors(con, county=OWN) == 7
    assert pt.cache_vectors(con, county=OWN) == 0
    n = con.execute("SELECT count(*) FROM embedding_cache WHERE model LIKE 'tech:%'").fetchall()
    assert n[0][0] == 7
    first = pt.tech_match(con, county=OWN, embedder="e5").pairs
    # a new process (empty in-process cache) reads them back instead of embedding again
    pt._VEC_CACHE.clear()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("embedded again")

    monkeypatch.setattr(get_embedder("e5"), "embed", refuse)
    assert pt.missing_vectors(con, county=OWN) == 0
    again = pt.tech_match(con, county=OWN, embedder="e5").pairs
    assert again[["demand_id", "team_id", "rank"]].equals(first[["demand_id", "team_id", "rank"]])
    assert pt.cache_vectors(con, county=OWN, embedder="none") == 0


def test_workflow_roles_by_account() -> None:
    """auth.policy.tech_roles written out: role × (own county, other county)."""
    from xinzhi.auth.policy import tech_roles

    table = {
        (u.username, county): sorted(tech_roles(u, county))
        for u in (ADMIN, ANALYST, COUNTY, OTHER, User(5, "x", "guest", OWN, False))
        for county in (OWN, "430121")
    }
    assert table == {
        ("admin1", OWN): ["applicant", "publisher", "reviewer"],
        ("admin1", "430121"): ["applicant", "publisher", "reviewer"],
        ("analyst1", OWN): ["reviewer"],
        ("analyst1", "430121"): ["reviewer"],
        ("county1", OWN): ["applicant", "publisher"],
        ("county1", "430121"): [],
        ("county2", OWN): [],
        ("county2", "430121"): ["applicant", "publisher"],
        ("x", OWN): [],
        ("x", "430121"): [],
    }
