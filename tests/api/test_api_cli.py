"""``xinzhi users``, ``backup`` and ``restore``."""

from __future__ import annotations

import json
import shutil

import duckdb
from typer.testing import CliRunner

from xinzhi.cli import app


def test_users_backup_restore(evaluated_warehouse, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(evaluated_warehouse, db)
    run = CliRunner()
    r = run.invoke(
        app,
        [
            "--db",
            str(db),
            "users",
            "add",
            "xt",
            "--role",
            "county",
            "--county",
            "湘潭县",
            "--password-stdin",
        ],
        input="pass-word-1\n",
    )
    assert r.exit_code == 0, r.output
    assert "430321" in r.output
    r = run.invoke(app, ["--db", str(db), "users", "add", "an", "--role", "analyst"])
    assert r.exit_code == 0 and "只显示这一次" in r.output  # no tty: generated password
    r = run.invoke(app, ["--db", str(db), "users", "add", "bad", "--role", "root"], input="")
    assert r.exit_code == 2 and "未知的角色" in r.output
    run.invoke(app, ["--db", str(db), "users", "disable", "an"])
    r = run.invoke(app, ["--db", str(db), "users", "list", "--json"])
    users = {u["username"]: u for u in json.loads(r.output)}
    assert users["xt"]["county_code"] == "430321" and users["an"]["disabled"] is True
    r = run.invoke(
        app,
        ["--db", str(db), "users", "reset-password", "xt", "--password-stdin"],
        input="new-pass-12\n",
    )
    assert r.exit_code == 0
    from xinzhi import auth

    con = duckdb.connect(str(db))
    assert auth.authenticate(con, "xt", "new-pass-12") is not None
    con.close()

    out = tmp_path / "bk.duckdb"
    assert run.invoke(app, ["--db", str(db), "backup", "--output", str(out)]).exit_code == 0
    r = run.invoke(app, ["--db", str(db), "backup", "--output", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    target = tmp_path / "restored.duckdb"
    assert run.invoke(app, ["--db", str(target), "restore", str(out)]).exit_code == 0
    r = run.invoke(app, ["--db", str(target), "restore", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    assert run.invoke(app, ["--db", str(target), "restore", str(out), "--force"]).exit_code == 0
    con = duckdb.connect(str(target), read_only=True)
    n = con.execute("SELECT count(*) FROM evaluation_scores WHERE name = 'demo'").fetchall()[0][0]
    con.close()
    assert n > 5000
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_bytes(b"not a database")
    r = run.invoke(app, ["--db", str(target), "restore", str(bogus), "--force"])
    assert r.exit_code == 2
