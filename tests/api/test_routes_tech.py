"""揭榜挂帅 over REST (``/api/tech/*``) on a warehouse built in code: six synthetic demands of
湘潭县 and eight teams (示例数据, seed 3), plus one demand of 长沙县 imported from a file.

Access: a county account sees and acts on its own county's demands only (403); the workflow
roles (publisher / applicant for the county account of the demand, reviewer for analysts,
everything for admin); a step the state machine forbids → 409 with the Chinese message; every
step leaves one audit-trail row (who, role, action, from-state, to-state)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_helpers import account_client, role_accounts
from fastapi.testclient import TestClient

OWN = "430321"  # 湘潭县
OTHER = "430121"  # 长沙县
ACCOUNTS = role_accounts(OWN, OTHER)
D1 = "TD4303210001"


class Api:
    def __init__(self, client: TestClient, tokens: dict[str, str], db: Path) -> None:
        self.client, self.tokens, self.db = client, tokens, db

    def get(self, path: str, who: str, **kw: Any) -> Any:
        return self.client.get(
            "/api" + path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw
        )

    def post(self, path: str, who: str, body: Any | None = None) -> Any:
        return self.client.post(
            "/api" + path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, json=body or {}
        )


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from xinzhi import store
    from xinzhi.pipelines.tech import generate_tech, import_tech

    folder = tmp_path_factory.mktemp("tech-api")
    db = folder / "xinzhi.duckdb"
    con = store.connect(db)
    generate_tech(county=OWN, n_demands=6, n_teams=8, seed=3, con=con)
    other = folder / "长沙县需求.csv"
    other.write_text(
        "需求编号,企业名称,区划代码,需求名称,技术领域,预算(万元),联系电话\n"
        "CS1,长沙某公司,430121,外县需求,新材料,10,13900000000\n",
        encoding="utf-8",
    )
    rep = import_tech(other, kind="demands", county=OTHER, con=con)
    assert (rep.rows_read, rep.rows_loaded) == (1, 1)
    con.close()
    with account_client(db, ACCOUNTS) as (client, tokens):
        yield Api(client, tokens, db)


def test_county_accounts_see_their_own_county(api: Api) -> None:
    own = api.get("/tech/demands", "county1").json()
    assert [d["demand_id"] for d in own["items"]] == [f"TD{OWN}{i:04d}" for i in range(1, 7)]
    assert own["notes"][0].startswith("【示例数据】")
    other = api.get("/tech/demands", "county2").json()["items"]
    assert [(d["demand_id"], d["phone"]) for d in other] == [("CS1", "13900000000")]
    everyone = api.get("/tech/demands", "analyst1").json()["items"]
    assert len(everyone) == 7  # 6 + 1
    cs1 = next(d for d in everyone if d["demand_id"] == "CS1")
    assert cs1["phone"] == "139****0000"  # analysts: contact data masked
    r = api.get("/tech/demands", "county2", params={"county": OWN})
    assert r.status_code == 403
    r = api.get(f"/tech/demands/{D1}", "county2")
    assert r.status_code == 403
    assert "本县区" in r.json()["error"]["message"]
    r = api.post(f"/tech/demands/{D1}/publish", "county2")
    assert r.status_code == 403
    assert api.get("/tech/demands/NOPE", "admin1").status_code == 404


def test_teams_mask_contact_data_for_analysts(api: Api) -> None:
    mine = api.get("/tech/teams", "county1").json()["items"]
    theirs = api.get("/tech/teams", "analyst1").json()["items"]
    assert len(mine) == len(theirs) == 8
    assert mine[0]["phone"] == "13800000000"
    assert theirs[0]["phone"] == "138****0000"
    assert theirs[0]["email"] != mine[0]["email"]


def test_top_teams_with_reasons(api: Api) -> None:
    r = api.get(f"/tech/demands/{D1}/teams", "county1", params={"k": 3, "embedder": "none"})
    assert r.status_code == 200, r.text
    rows = r.json()["items"]
    assert [x["rank"] for x in rows] == [1, 2, 3]
    assert all(x["reasons"].startswith("领域：") for x in rows)
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]
    assert api.get(f"/tech/demands/{D1}/teams", "county2").status_code == 403


def test_graph_and_workflow(api: Api) -> None:
    g = api.get("/tech/graph", "county1").json()["items"]
    assert sum(x["demands"] for x in g) == 6
    all_ = api.get("/tech/graph", "admin1").json()["items"]
    assert sum(x["demands"] for x in all_) == 7
    wf = api.get("/tech/workflow", "county1").json()["items"]
    assert len(wf) == 14


def _step(api: Api, who: str, action: str, body: dict[str, Any] | None = None) -> Any:
    return api.post(f"/tech/demands/{D1}/{action}", who, body)


def test_the_whole_workflow_and_its_audit_trail(api: Api) -> None:
    r = _step(api, "county1", "publish")
    assert r.status_code == 200, r.text
    assert (r.json()["from_state"], r.json()["to_state"], r.json()["to_label"]) == (
        "draft",
        "published",
        "揭榜中",
    )
    # forbidden step → 409 with the Chinese message
    r = _step(api, "county1", "publish")
    assert r.status_code == 409
    assert (
        r.json()["error"]["message"]
        == "榜单当前状态为“揭榜中”，不能执行“发布榜单”（只能在“待发布”时执行）"
    )
    r = _step(api, "county1", "start_review")
    assert r.status_code == 409 and "尚无揭榜申请" in r.json()["error"]["message"]
    r = _step(api, "county1", "apply", {"team_id": "RT0001", "plan": "方案", "budget": 30})
    assert r.status_code == 200 and r.json()["application_id"] == f"{D1}-A1"
    r = _step(api, "county1", "apply", {"team_id": "RT0001"})
    assert r.status_code == 409 and "不能重复申请" in r.json()["error"]["message"]
    assert _step(api, "county1", "apply", {"team_id": "NOPE"}).status_code == 404
    # an analyst is a reviewer, not an applicant
    r = _step(api, "analyst1", "apply", {"team_id": "RT0002"})
    assert r.status_code == 403 and "揭榜方" in r.json()["error"]["message"]
    assert _step(api, "county1", "start_review").status_code == 200
    app_id = f"{D1}-A1"
    r = _step(api, "county1", "award", {"application_id": app_id})
    assert r.status_code == 409 and r.json()["error"]["message"] == "该揭榜申请尚未评审，不能定榜"
    r = _step(api, "county1", "review", {"application_id": app_id, "score": 90})
    assert r.status_code == 403  # the publisher does not review
    r = _step(api, "analyst1", "review", {"application_id": app_id, "score": 101})
    assert r.status_code == 400  # 0–100
    r = _step(api, "analyst1", "review", {"application_id": app_id, "score": 85})
    assert r.status_code == 200
    r = _step(api, "admin1", "review", {"application_id": app_id, "score": 75})
    assert r.status_code == 200
    view = api.get(f"/tech/demands/{D1}", "county1").json()
    assert view["applications"][0]["mean_score"] == 80.0  # (85 + 75) / 2
    assert [a["action"] for a in view["actions"]] == ["reopen", "award", "withdraw"]
    assert view["roles"] == ["applicant", "publisher"]
    r = _step(api, "analyst1", "award", {"application_id": app_id})
    assert r.status_code == 403
    r = _step(api, "county1", "award", {"application_id": app_id, "amount": 50})
    assert r.status_code == 200 and r.json()["to_state"] == "awarded"
    r = _step(api, "county1", "track", {"title": "完成方案设计", "progress": 30})
    assert r.status_code == 200 and r.json()["to_state"] == "tracking"
    r = _step(api, "county1", "accept")
    assert r.status_code == 200 and r.json()["to_label"] == "已验收"
    r = _step(api, "county1", "withdraw")
    assert r.status_code == 409
    assert r.json()["error"]["message"].startswith("榜单当前状态为“已验收”，不能执行“撤榜”")
    # the audit trail: one row per step taken, in order, with who and which role
    view = api.get(f"/tech/demands/{D1}", "analyst1").json()
    trail = [
        (e["account"], e["role"], e["action"], e["from_state"], e["to_state"])
        for e in view["events"]
    ]
    assert trail == [
        ("county1", "publisher", "publish", "draft", "published"),
        ("county1", "applicant", "apply", "published", "published"),
        ("county1", "publisher", "start_review", "published", "reviewing"),
        ("analyst1", "reviewer", "review", "reviewing", "reviewing"),
        ("admin1", "reviewer", "review", "reviewing", "reviewing"),
        ("county1", "publisher", "award", "reviewing", "awarded"),
        ("county1", "publisher", "track", "awarded", "tracking"),
        ("county1", "publisher", "accept", "tracking", "completed"),
    ]
    assert view["events"][5]["detail"] == {
        "application_id": app_id,
        "team_id": "RT0001",
        "amount": 50.0,
    }
    assert view["state_label"] == "已验收" and view["actions"] == []
    assert [m["title"] for m in view["milestones"]] == ["完成方案设计"]
    r = api.get("/tech/demands", "county1").json()["items"]
    assert next(d for d in r if d["demand_id"] == D1)["state_label"] == "已验收"


def test_unknown_action_is_rejected(api: Api) -> None:
    assert _step(api, "admin1", "bribe").status_code == 422


def test_semantic_similarity_and_the_embedding_cache(api: Api) -> None:
    """With the bundled e5 model the reasons name the semantic similarity; the texts' vectors
    are stored once in the warehouse's embedding cache (6 demand + 8 team texts; the demand of
    长沙县 belongs to another county and is not embedded for 湘潭县's match)."""
    d2 = f"TD{OWN}0002"
    r = api.get(f"/tech/demands/{d2}/teams", "county1", params={"k": 2, "embedder": "e5"})
    assert r.status_code == 200, r.text
    rows = r.json()["items"]
    assert len(rows) == 2 and all("语义相似度" in x["reasons"] for x in rows)
    cur = api.client.app.state.db.cursor()  # type: ignore[attr-defined]
    try:
        n = cur.execute(
            "SELECT count(*) FROM embedding_cache WHERE model LIKE 'tech:%'"
        ).fetchall()[0][0]
    finally:
        cur.close()
    open_demands = 6 - 1  # D1 was completed by the workflow test above: no longer open
    assert n == open_demands + 8


def test_match_workbook_download(api: Api) -> None:
    """A county account downloads its own county's recommendations (not another county's);
    the download is audited (kind firms, analysis tech-match)."""
    import io

    from openpyxl import load_workbook

    r = api.get("/tech/match.xlsx", "county1", params={"embedder": "none", "k": 2})
    assert r.status_code == 200, (r.status_code, r.headers)
    book = load_workbook(io.BytesIO(r.content), read_only=True)
    assert book.sheetnames[:2] == ["需求→团队", "团队→需求"]
    assert api.get("/tech/match.xlsx", "county1", params={"county": OTHER}).status_code == 403
    cur = api.client.app.state.db.cursor()  # type: ignore[attr-defined]
    try:
        rows = cur.execute(
            "SELECT user_name, detail FROM auth_audit WHERE action = 'export' "
            "AND detail LIKE '%tech-match%'"
        ).fetchall()
    finally:
        cur.close()
    assert [r[0] for r in rows] == ["county1"]


def test_a_prefecture_is_not_a_county(api: Api) -> None:
    """430300 湘潭市 is refused as not county-level (InputError → 400, the Chinese message of
    xinzhi.auth.accounts.not_county_error), not answered with an empty list of demands."""
    r = api.get("/tech/demands", "analyst1", params={"county": "430300"})
    assert r.status_code == 400
    assert r.json()["error"]["message"].startswith(
        "430300 不是县级单位：430300 湘潭市是地级区划；请写县级单位"
    )
    r = api.get("/tech/demands", "analyst1", params={"county": "湘潭县"})
    assert r.status_code == 200
