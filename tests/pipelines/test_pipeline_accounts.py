"""Account administration pipeline (xinzhi.pipelines.accounts): what the CLI ``xinzhi users`` and
the web's 管理 page ask — every change checked and audited."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from xinzhi import auth, store
from xinzhi.auth.audit import ACTION_LABELS
from xinzhi.errors import InputError
from xinzhi.pipelines.accounts import (
    add_account,
    change_account_role,
    disable_account,
    enable_account,
    list_accounts,
    reset_account_password,
)


@pytest.fixture
def db(small_warehouse: Any, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, path)
    return path


def test_add_role_disable_enable_reset_audited(db: Path) -> None:
    add_account("管理员甲", "admin-pass-123", "admin", actor="cli:root", db=db)
    add_account("分析员乙", "analyst-pass-1", "analyst", actor="管理员甲", db=db)
    # analyst → county account of 湘潭县 (name resolved to its code 430321)
    user = change_account_role(
        "分析员乙", "county", "湘潭县", actor="管理员甲", db=db, ip="10.0.0.2"
    )
    assert (user.role, user.county_code) == ("county", "430321")
    assert disable_account("分析员乙", actor="管理员甲", db=db).disabled is True
    con = store.connect(db)
    try:
        assert auth.authenticate(con, "分析员乙", "analyst-pass-1") is None  # disabled
    finally:
        con.close()
    assert enable_account("分析员乙", actor="管理员甲", db=db).disabled is False
    reset_account_password("分析员乙", "new-pass-9876", actor="管理员甲", db=db)
    con = store.connect(db)
    try:
        assert auth.authenticate(con, "分析员乙", "analyst-pass-1") is None
        assert auth.authenticate(con, "分析员乙", "new-pass-9876") is not None
        _, log = auth.read_audit(con, limit=50)
    finally:
        con.close()
    mine = log[log["target"] == "分析员乙"].sort_values("audit_id")
    assert list(mine["action"]) == [
        "user_add",
        "user_role",
        "user_disable",
        "user_enable",
        "user_reset_password",
    ]
    assert set(mine["user_name"]) == {"管理员甲"}
    role_row = mine[mine["action"] == "user_role"].iloc[0]
    assert role_row["ip"] == "10.0.0.2"
    assert '"from": ["analyst", null]' in role_row["detail"]
    assert '"to": ["county", "430321"]' in role_row["detail"]
    assert [ACTION_LABELS[a] for a in mine["action"]] == [
        "新建账户",
        "修改角色",
        "停用账户",
        "启用账户",
        "重置密码",
    ]
    assert [u.username for u in list_accounts(db=db)] == sorted(["管理员甲", "分析员乙"])


def test_refusals_are_chinese_and_change_nothing(db: Path) -> None:
    add_account("管理员甲", "admin-pass-123", "admin", actor="cli:root", db=db)
    add_account("分析员乙", "analyst-pass-1", "analyst", actor="管理员甲", db=db)
    with pytest.raises(InputError, match="县区用户必须指定所属县区"):
        change_account_role("分析员乙", "county", None, actor="管理员甲", db=db)
    with pytest.raises(InputError, match="只有县区用户"):
        change_account_role("分析员乙", "analyst", "湘潭县", actor="管理员甲", db=db)
    with pytest.raises(InputError, match="未知的角色"):
        change_account_role("分析员乙", "root", None, actor="管理员甲", db=db)
    with pytest.raises(InputError, match="不能停用自己"):
        disable_account("管理员甲", actor="管理员甲", db=db)
    with pytest.raises(InputError, match="不能修改自己"):
        change_account_role("管理员甲", "analyst", None, actor="管理员甲", db=db)
    with pytest.raises(InputError, match="用户 无此人 不存在"):
        enable_account("无此人", actor="管理员甲", db=db)
    users = {u.username: (u.role, u.county_code, u.disabled) for u in list_accounts(db=db)}
    assert users == {"管理员甲": ("admin", None, False), "分析员乙": ("analyst", None, False)}
