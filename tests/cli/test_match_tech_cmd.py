"""``xinzhi match tech generate | import | list | match | assign | graph | publish | apply |
start-review | review | award | track | accept | show`` end to end on a warehouse in tmp."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from xinzhi.cli import app

runner = CliRunner()


def _run(db: Path, *args: str) -> object:
    return runner.invoke(app, ["--db", str(db), "match", "tech", *args])


def _ok(r: object) -> str:
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    return str(r.output)  # type: ignore[attr-defined]


def test_tech_commands_end_to_end(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    out = _ok(_run(db, "generate", "--demands", "5", "--teams", "6", "--seed", "4"))
    assert out.startswith("【示例数据】")
    assert "读入 5 行 = 载入 5 + 隔离 0 + 跳过 0" in out
    f = tmp_path / "需求.csv"
    pd.DataFrame(
        {
            "需求名称": ["电机降噪", ""],
            "企业名称": ["（示例）甲公司", "（示例）乙公司"],
            "技术领域": ["先进制造", "新材料"],
            "预算(万元)": ["20", "5"],
        }
    ).to_csv(f, index=False)
    out = _ok(_run(db, "import", str(f), "--kind", "demands", "--county", "430321"))
    assert "读入 2 行 = 载入 1 + 隔离 1 + 跳过 0" in out  # the empty title
    rows = json.loads(_ok(_run(db, "list", "--county", "430321", "--json")))
    assert len(rows) == 6 and {r["state_label"] for r in rows} == {"待发布"}
    out = _ok(_run(db, "match", "--county", "430321", "--embedder", "none", "--k", "2"))
    assert "技术需求 6 项 × 团队/专家/飞地 6 个，双向前 2 名" in out
    x = tmp_path / "m.xlsx"
    _ok(_run(db, "match", "--embedder", "none", "--output", str(x)))
    assert x.is_file()
    out = _ok(_run(db, "assign", "--embedder", "none"))
    assert "容量约束分配" in out
    graph = json.loads(_ok(_run(db, "graph", "--json")))
    assert sum(g["demands"] for g in graph) == 6

    d = "TD4303210001"
    assert "待发布 → 揭榜中" in _ok(_run(db, "publish", d))
    out = _ok(_run(db, "apply", d, "--team", "RT0001", "--budget", "10"))
    assert f"申请编号 {d}-A1" in out
    _ok(_run(db, "start-review", d))
    _ok(_run(db, "review", d, "--application", f"{d}-A1", "--score", "88"))
    assert "评审中 → 已定榜" in _ok(_run(db, "award", d, "--application", f"{d}-A1"))
    _ok(_run(db, "track", d, "--title", "样机试制", "--progress", "50"))
    assert "攻关中 → 已验收" in _ok(_run(db, "accept", d))
    r = _run(db, "withdraw", d)
    assert r.exit_code != 0  # type: ignore[attr-defined]
    assert "不能执行“撤榜”" in r.output  # type: ignore[attr-defined]
    shown = json.loads(_ok(_run(db, "show", d, "--json")))
    assert shown["state"] == "completed"
    assert [e["action"] for e in shown["events"]] == [
        "publish",
        "apply",
        "start_review",
        "review",
        "award",
        "track",
        "accept",
    ]
