"""The access policy (:mod:`xinzhi.auth.policy`): role × resource → allowed / denied, written
out literally; the batch-visibility SQL on a small warehouse built in code; the audit entry of
a download."""

from __future__ import annotations

import json

import duckdb
import pytest

from xinzhi.auth import ensure_auth_tables
from xinzhi.auth.accounts import User
from xinzhi.auth.audit import export_target, write_export
from xinzhi.auth.policy import (
    AccessDenied,
    Action,
    Kind,
    PublicSourceError,
    allows,
    can_view_batch,
    can_view_county,
    may_download,
    public_sources,
    require,
    require_download,
    require_upload_source,
    upload_county,
    visible_batches_sql,
)
from xinzhi.store.schema import ensure_schema

OWN = "430321"  # 湘潭县
OTHER = "110108"  # 海淀区

ADMIN = User(1, "管理员甲", "admin", None, False)
ANALYST = User(2, "分析员乙", "analyst", None, False)
COUNTY = User(3, "湘潭县发改局", "county", OWN, False)
COUNTY_NO_CODE = User(4, "未配置县区", "county", None, False)
UNKNOWN = User(5, "来历不明", "guest", None, False)
USERS = {
    "admin": ADMIN,
    "analyst": ANALYST,
    "county": COUNTY,
    "county_no_code": COUNTY_NO_CODE,
    "unknown": UNKNOWN,
}

# (role, kind, county the file is about / batch owner, batch source) → allowed
DOWNLOADS: list[tuple[str, Kind, str | None, str | None, bool]] = [
    ("admin", Kind.REPORT, OWN, None, True),
    ("admin", Kind.REPORT, OTHER, None, True),
    ("admin", Kind.PROFILE, OTHER, None, True),
    ("admin", Kind.EVALUATION, None, None, True),
    ("admin", Kind.RANKING, None, None, True),
    ("admin", Kind.QUARANTINE, OTHER, "county-110108-gdp", True),
    ("admin", Kind.QUARANTINE, None, "gdp", True),
    ("analyst", Kind.REPORT, OWN, None, True),
    ("analyst", Kind.REPORT, OTHER, None, True),
    ("analyst", Kind.PROFILE, OTHER, None, True),
    ("analyst", Kind.EVALUATION, None, None, True),
    ("analyst", Kind.RANKING, None, None, True),
    ("analyst", Kind.QUARANTINE, OTHER, "county-110108-gdp", True),
    ("analyst", Kind.QUARANTINE, None, "gdp", True),
    ("county", Kind.REPORT, OWN, None, True),
    ("county", Kind.REPORT, OTHER, None, False),
    ("county", Kind.REPORT, None, None, False),
    ("county", Kind.PROFILE, OWN, None, True),
    ("county", Kind.PROFILE, OTHER, None, False),
    ("county", Kind.EVALUATION, None, None, False),
    ("county", Kind.RANKING, None, None, True),
    ("county", Kind.QUARANTINE, OWN, "county-430321-gdp", True),
    ("county", Kind.QUARANTINE, OTHER, "county-110108-gdp", False),
    ("county", Kind.QUARANTINE, None, "gdp", False),  # an analyst's upload
    ("county", Kind.QUARANTINE, None, "census2020", True),  # public batch
    ("county_no_code", Kind.REPORT, OWN, None, False),
    ("county_no_code", Kind.QUARANTINE, None, "gdp", False),
    ("county_no_code", Kind.QUARANTINE, None, "census2010", True),
    ("county_no_code", Kind.RANKING, None, None, True),
    ("unknown", Kind.REPORT, OWN, None, False),
    ("unknown", Kind.PROFILE, OWN, None, False),
    ("unknown", Kind.EVALUATION, None, None, False),
    ("unknown", Kind.QUARANTINE, None, "gdp", False),
    ("unknown", Kind.QUARANTINE, None, "census2020", True),
    ("unknown", Kind.RANKING, None, None, True),
]

ACTIONS: list[tuple[str, Action, bool]] = [
    ("admin", Action.ADMINISTER, True),
    ("admin", Action.RUN_EVALUATION, True),
    ("admin", Action.UPLOAD, True),
    ("analyst", Action.ADMINISTER, False),
    ("analyst", Action.RUN_EVALUATION, True),
    ("analyst", Action.UPLOAD, True),
    ("county", Action.ADMINISTER, False),
    ("county", Action.RUN_EVALUATION, False),
    ("county", Action.UPLOAD, True),
    ("unknown", Action.ADMINISTER, False),
    ("unknown", Action.RUN_EVALUATION, False),
    ("unknown", Action.UPLOAD, False),
]

# record-level data of a county
COUNTIES: list[tuple[str, str | None, bool]] = [
    ("admin", OWN, True),
    ("admin", OTHER, True),
    ("analyst", OTHER, True),
    ("county", OWN, True),
    ("county", OTHER, False),
    ("county", None, False),
    ("county_no_code", OWN, False),
    ("county_no_code", None, False),
    ("unknown", OWN, False),
]


@pytest.mark.parametrize(("role", "kind", "county", "source", "allowed"), DOWNLOADS)
def test_download_table(
    role: str, kind: Kind, county: str | None, source: str | None, allowed: bool
) -> None:
    user = USERS[role]
    assert may_download(user, kind, county, source=source) is allowed
    if allowed:
        require_download(user, kind, county, source=source)
    else:
        with pytest.raises(AccessDenied):
            require_download(user, kind, county, source=source)


@pytest.mark.parametrize(("role", "action", "allowed"), ACTIONS)
def test_action_table(role: str, action: Action, allowed: bool) -> None:
    user = USERS[role]
    assert allows(user, action) is allowed
    if allowed:
        require(user, action)
    else:
        with pytest.raises(AccessDenied, match=r"^当前角色没有此操作的权限$"):
            require(user, action)


@pytest.mark.parametrize(("role", "county", "allowed"), COUNTIES)
def test_county_table(role: str, county: str | None, allowed: bool) -> None:
    assert can_view_county(USERS[role], county) is allowed


@pytest.mark.parametrize(
    ("kind", "county", "message"),
    [
        (Kind.REPORT, OTHER, "县区用户只能下载本县区的报告"),
        (Kind.PROFILE, OTHER, "县区用户只能导出本县区的画像"),
        (Kind.EVALUATION, None, "县区用户不能导出整个评价结果（可以导出本县区的画像与报告）"),
        (Kind.QUARANTINE, OTHER, "县区用户只能下载本县区或公共数据的导入批次"),
    ],
)
def test_county_refusals_name_the_rule(kind: Kind, county: str | None, message: str) -> None:
    with pytest.raises(AccessDenied) as err:
        require_download(COUNTY, kind, county, source="county-110108-gdp")
    assert str(err.value) == message


def test_unknown_role_refusal_is_the_generic_message() -> None:
    with pytest.raises(AccessDenied) as err:
        require_download(UNKNOWN, Kind.REPORT, OWN)
    assert str(err.value) == "当前角色没有此操作的权限"


def test_public_sources_are_the_registry_datasets() -> None:
    assert {"census2010", "census2020"} <= public_sources()
    assert "gdp" not in public_sources()
    assert can_view_batch(COUNTY, "census2010", None) is True
    assert can_view_batch(COUNTY, "county-110108-gdp", OTHER) is False


def test_upload_rules() -> None:
    assert upload_county(ADMIN) is None
    assert upload_county(ANALYST) is None
    assert upload_county(COUNTY) == OWN
    with pytest.raises(AccessDenied) as err:
        upload_county(COUNTY_NO_CODE)
    assert str(err.value) == "该县区账户没有所属县区代码，不能上传数据（请管理员补充）"
    with pytest.raises(AccessDenied):
        upload_county(UNKNOWN)
    require_upload_source("gdp")
    with pytest.raises(PublicSourceError) as perr:
        require_upload_source("census2020")
    assert str(perr.value) == "census2020 是公共数据批次，不能通过上传替换"


@pytest.fixture
def batches() -> duckdb.DuckDBPyConnection:
    """Five batches: two public census batches, an analyst's upload, one upload for each of
    two counties."""
    con = duckdb.connect()
    ensure_schema(con)
    ensure_auth_tables(con)
    rows = [
        (1, "census2010"),
        (2, "census2020"),
        (3, "gdp"),
        (4, f"county-{OWN}-gdp"),
        (5, f"county-{OTHER}-gdp"),
    ]
    for bid, src in rows:
        con.execute(
            "INSERT INTO import_batches VALUES (?, 'f.csv', 'x', current_timestamp, 'u', ?, "
            "'wide', 0, 0, 0, 0, 0, 'active', NULL, NULL)",
            [bid, src],
        )
    con.execute(
        "INSERT INTO auth_batch_owners VALUES (3, '分析员乙', NULL), (4, '湘潭县发改局', ?), "
        "(5, '海淀区用户', ?)",
        [OWN, OTHER],
    )
    return con


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("admin", [1, 2, 3, 4, 5]),
        ("analyst", [1, 2, 3, 4, 5]),
        ("county", [1, 2, 4]),
        ("county_no_code", [1, 2]),
        ("unknown", [1, 2]),
    ],
)
def test_visible_batches_sql(
    batches: duckdb.DuckDBPyConnection, role: str, visible: list[int]
) -> None:
    sql, params = visible_batches_sql(USERS[role], "b")
    got = batches.execute(
        f"SELECT batch_id FROM import_batches b WHERE {sql} ORDER BY batch_id", params
    ).fetchall()
    assert [r[0] for r in got] == visible


def test_visible_batches_sql_agrees_with_can_view_batch(batches: duckdb.DuckDBPyConnection) -> None:
    rows = batches.execute(
        "SELECT b.batch_id, b.source, w.county_code FROM import_batches b "
        "LEFT JOIN auth_batch_owners w USING (batch_id) ORDER BY b.batch_id"
    ).fetchall()
    for user in USERS.values():
        sql, params = visible_batches_sql(user, "b")
        in_sql = {
            r[0]
            for r in batches.execute(
                f"SELECT batch_id FROM import_batches b WHERE {sql}", params
            ).fetchall()
        }
        in_python = {bid for bid, src, owner in rows if can_view_batch(user, src, owner)}
        assert in_sql == in_python, user.role


def test_sql_alias_must_be_an_identifier() -> None:
    with pytest.raises(ValueError):
        visible_batches_sql(COUNTY, "b; DROP TABLE x")


def test_export_entry_shape() -> None:
    con = duckdb.connect()
    ensure_auth_tables(con)
    write_export(
        con,
        Kind.REPORT,
        user="湘潭县发改局",
        fmt="pdf",
        via="web",
        ip="127.0.0.1",
        evaluation="nqpf-county",
        county=OWN,
        year=2020,
    )
    write_export(con, Kind.QUARANTINE, user="u", fmt="csv", via="api", ip=None, batch_id=7, rows=2)
    got = con.execute(
        "SELECT user_name, action, target, CAST(detail AS VARCHAR), ip FROM auth_audit "
        "ORDER BY audit_id"
    ).fetchall()
    assert [(r[0], r[1], r[2], r[4]) for r in got] == [
        ("湘潭县发改局", "export", "report:nqpf-county:430321:2020.pdf", "127.0.0.1"),
        ("u", "export", "quarantine:7", None),
    ]
    assert json.loads(got[0][3]) == {
        "kind": "report",
        "format": "pdf",
        "evaluation": "nqpf-county",
        "county": "430321",
        "year": 2020,
        "via": "web",
    }
    assert json.loads(got[1][3]) == {
        "kind": "quarantine",
        "format": "csv",
        "batch_id": 7,
        "rows": 2,
        "via": "api",
    }


@pytest.mark.parametrize(
    ("kind", "fields", "target"),
    [
        (Kind.PROFILE, {"evaluation": "demo", "county": OWN}, "profile:demo:430321"),
        (Kind.EVALUATION, {"evaluation": "demo"}, "evaluation:demo"),
        (Kind.RANKING, {"evaluation": "demo", "year": 2020}, "ranking:demo:2020"),
    ],
)
def test_export_targets(kind: Kind, fields: dict[str, object], target: str) -> None:
    assert export_target(kind, fmt="xlsx", **fields) == target  # type: ignore[arg-type]


# ------------------------------------------------------------- support policies (issue #15)
from xinzhi.auth.policy import (  # noqa: E402
    can_edit_policy,
    can_view_policy,
    mask_personal,
    policy_county,
    require_policy_edit,
    require_policy_view,
    sees_personal_data,
)

# (role, document region, published?) → the account sees the document
POLICY_VIEW: list[tuple[str, str, bool, bool]] = [
    ("admin", "110108", True, True),
    ("admin", "110108", False, True),
    ("analyst", "43", False, True),
    ("county", "430321", True, True),  # its own county
    ("county", "4303", True, True),  # its city (湘潭市)
    ("county", "43", True, True),  # its province
    ("county", "", True, True),  # nationwide
    ("county", "430381", True, False),  # a neighbour (湘乡市)
    ("county", "4304", True, False),  # another city
    ("county", "110108", True, False),
    ("county", "430321", False, True),  # its own draft
    ("county", "43", False, False),  # the province's draft
    ("county_no_code", "43", True, False),
    ("unknown", "43", True, False),
]

# (role, document region) → the account may draft, publish, retire it
POLICY_EDIT: list[tuple[str, str, bool]] = [
    ("admin", "110108", True),
    ("analyst", "43", True),
    ("county", "430321", True),
    ("county", "43", False),
    ("county", "430381", False),
    ("county_no_code", "430321", False),
    ("unknown", "430321", False),
]


@pytest.mark.parametrize(("role", "region", "published", "allowed"), POLICY_VIEW)
def test_policy_document_view_table(role: str, region: str, published: bool, allowed: bool) -> None:
    user = USERS[role]
    assert can_view_policy(user, region, published=published) is allowed
    if allowed:
        require_policy_view(user, region, published=published)
    else:
        with pytest.raises(AccessDenied):
            require_policy_view(user, region, published=published)


@pytest.mark.parametrize(("role", "region", "allowed"), POLICY_EDIT)
def test_policy_document_edit_table(role: str, region: str, allowed: bool) -> None:
    user = USERS[role]
    assert can_edit_policy(user, region) is allowed
    if allowed:
        require_policy_edit(user, region)
    else:
        with pytest.raises(AccessDenied):
            require_policy_edit(user, region)


def test_policy_refusals_name_the_rule() -> None:
    with pytest.raises(AccessDenied) as err:
        require_policy_view(COUNTY, "110108")
    assert str(err.value) == "县区用户只能查看适用于本县区的政策文件（请求的文件适用于 110108）"
    with pytest.raises(AccessDenied) as err:
        require_policy_edit(COUNTY, "43")
    assert str(err.value) == "县区用户只能起草、发布或废止本县区的政策文件（该文件适用于 43）"
    with pytest.raises(AccessDenied) as err:
        require_policy_view(COUNTY, "43", published=False)
    assert str(err.value) == "只有可以编辑该政策文件的账户能查看未发布的草稿或已废止的文件"
    with pytest.raises(AccessDenied, match=r"^当前角色没有此操作的权限$"):
        require_policy_edit(UNKNOWN, "430321")


def test_policy_county() -> None:
    assert policy_county(ADMIN) is None and policy_county(ANALYST) is None
    assert policy_county(COUNTY) == OWN
    with pytest.raises(AccessDenied, match="没有所属县区代码"):
        policy_county(COUNTY_NO_CODE)
    with pytest.raises(AccessDenied, match=r"^当前角色没有此操作的权限$"):
        policy_county(UNKNOWN)


def test_personal_data_masked_for_analysts_only() -> None:
    import pandas as pd

    persons = pd.DataFrame(
        {
            "person_id": ["430321199001011234", "P7"],
            "name": ["张三", "欧阳娜娜"],
            "phone": ["13812345678", None],
            "amount": [1.5, 2.0],
        }
    )
    assert [sees_personal_data(USERS[r]) for r in ("admin", "analyst", "county", "unknown")] == [
        True,
        False,
        True,
        False,
    ]
    assert mask_personal(persons, ADMIN) is persons
    masked = mask_personal(persons, ANALYST)
    # first character kept; 8+ characters: first three and last four kept
    assert masked["person_id"].tolist() == ["430***********1234", "P*"]
    assert masked["name"].tolist() == ["张*", "欧***"]
    assert masked["phone"].tolist() == ["138****5678", None]
    assert masked["amount"].tolist() == [1.5, 2.0]
    assert persons["name"].tolist() == ["张三", "欧阳娜娜"]  # the input is not changed
    # firms: the name of a firm is not personal data
    firms = pd.DataFrame({"credit_code": ["91430321MA4L000000"], "name": ["甲公司"]})
    assert mask_personal(firms, ANALYST)["name"].tolist() == ["甲公司"]
