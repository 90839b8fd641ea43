"""Helpers of the API tests: accounts of every role built in code and an app on a warehouse copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

PASSWORD = "correct-horse-1"
COUNTY = "430321"  # 湘潭县
OTHER_COUNTY = "110108"  # 海淀区


@dataclass
class Api:
    client: TestClient
    db_path: Path
    tokens: dict[str, str]

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def make_api(src: Path, dest_dir: Path) -> Iterator[Api]:
    from xinzhi import auth
    from xinzhi.server import create_app

    db_path = dest_dir / "xinzhi.duckdb"
    shutil.copy(src, db_path)
    app = create_app(db_path)
    cur = app.state.db.cursor()
    auth.add_user(cur, "admin1", PASSWORD, "admin")
    auth.add_user(cur, "analyst1", PASSWORD, "analyst")
    auth.add_user(cur, "county1", PASSWORD, "county", COUNTY)
    auth.add_user(cur, "county2", PASSWORD, "county", OTHER_COUNTY)
    cur.close()
    with TestClient(app) as client:
        tokens = {}
        for who in ("admin1", "analyst1", "county1", "county2"):
            r = client.post("/api/auth/token", json={"username": who, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[who] = r.json()["access_token"]
        yield Api(client, db_path, tokens)
