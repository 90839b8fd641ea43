"""Helpers of the API tests: accounts of every role built in code and an app on a warehouse copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


@contextmanager
def account_client(
    db_path: Path, accounts: Iterable[tuple[str, str, str | None]], password: str = PASSWORD
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app over ``db_path`` with ``accounts`` (name, role, county) added, and their tokens.

    Yields the test client (inside its lifespan) and the bearer token of every account.
    """
    from xinzhi import auth
    from xinzhi.server import create_app

    accounts = list(accounts)
    app = create_app(db_path)
    cur = app.state.db.cursor()
    for who, role, county in accounts:
        auth.add_user(cur, who, password, role, county)
    cur.close()
    with TestClient(app) as client:
        tokens = {}
        for who, _, _ in accounts:
            r = client.post("/api/auth/token", json={"username": who, "password": password})
            assert r.status_code == 200, r.text
            tokens[who] = r.json()["access_token"]
        yield client, tokens


def role_accounts(county: str, other: str) -> list[tuple[str, str, str | None]]:
    """admin1, analyst1, county1 (of ``county``) and county2 (of ``other``)."""
    return [
        ("admin1", "admin", None),
        ("analyst1", "analyst", None),
        ("county1", "county", county),
        ("county2", "county", other),
    ]


ROLE_ACCOUNTS = role_accounts(COUNTY, OTHER_COUNTY)


def make_api(src: Path, dest_dir: Path) -> Iterator[Api]:
    db_path = dest_dir / "xinzhi.duckdb"
    shutil.copy(src, db_path)
    with account_client(db_path, ROLE_ACCOUNTS) as (client, tokens):
        yield Api(client, db_path, tokens)
