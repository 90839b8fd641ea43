"""Import of technology demands and teams (:mod:`xinzhi.ingest.tech`): Chinese header aliases,
every row accounted for (read = loaded + quarantined + skipped, each with its reason), the
county of the import, the warehouse batch and the no-op re-import."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.ingest.tech import clean_demands, clean_teams, import_tech_file
from xinzhi.store import tech as ts

OWN = "430321"
# a valid credit code (GB 32100) of 湘潭县 and one with a wrong check character
GOOD = "9143032170000001X2"
BAD = "9143032170000001X3"

DEMANDS = pd.DataFrame(
    {
        "需求编号": ["D1", "D2", "D3", "D4", "D5", None, "D1", "D7", "D8", "D9"],
        "企业名称": ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司", None, "甲公司", "己公司", "庚公司", "辛公司"],
        "统一社会信用代码": [GOOD, None, BAD, None, None, None, GOOD, None, None, None],
        "所在县": ["430321", "湘潭县", "430321", "430121", "430321", None, "430321", "", "430321", "430321"],
        "需求名称": ["陶瓷烧结", "电机控制", "秸秆利用", "外县需求", "", None, "陶瓷烧结", "无县区", "领域错", "预算错"],
        "技术领域": ["新材料", "电子信息", "资源与环境", "新材料", "新材料", None, "新材料", "新材料", "农业", "新能源"],
        "预算(万元)": ["50", "30", "10", "5", "5", None, "50", "1", "1", "很多"],
        "截止日期": ["2026-06-30", None, None, None, None, None, "2026-06-30", None, None, None],
        "备注": ["x"] * 5 + [None] + ["x"] * 4,
    }
)  # fmt: skip
# rows: D1 loaded; D2 loaded (name → code); D3 credit_code_check; D4 other_county;
# D5 title_missing; row 7 empty → skipped; D1 again identical → skipped (duplicate);
# D7 empty region → filled with the import's county → loaded; D8 field_unknown; D9 non_numeric


def test_demands_row_accounting() -> None:
    clean = clean_demands(DEMANDS, county=OWN, names={"湘潭县": OWN})
    assert clean.rows_read == 10
    assert clean.rows["demand_id"].tolist() == ["D1", "D2", "D7"]
    assert dict(zip(clean.quarantine["row_number"], clean.quarantine["reason"], strict=True)) == {
        4: "credit_code_check",  # row numbers: header is row 1, D3 is row 4
        5: "other_county",
        6: "title_missing",
        10: "field_unknown",
        11: "non_numeric",
    }
    assert clean.skipped["reason"].tolist() == ["empty", "duplicate"]
    assert len(clean.rows) + len(clean.quarantine) + len(clean.skipped) == 10  # 3 + 5 + 2
    d1 = clean.rows.iloc[0]
    assert (d1["region_code"], d1["budget"], str(d1["deadline"]), d1["status"]) == (
        OWN,
        50.0,
        "2026-06-30",
        "征集中",
    )
    assert clean.rows["region_code"].tolist() == [OWN, OWN, OWN]
    assert clean.columns_ignored == ["备注"]


def test_demand_headers_and_units() -> None:
    frame = pd.DataFrame(
        {"榜单名称": ["A"], "区划代码": [OWN], "领域": ["智能制造"], "悬赏金额(元)": ["200000"]}
    )
    clean = clean_demands(frame)
    row = clean.rows.iloc[0]
    assert (row["field"], row["budget"]) == ("先进制造与自动化", 20.0)  # 200,000 元 = 20 万元
    assert row["demand_id"].startswith("TD")  # derived from firm and title
    with pytest.raises(InputError, match="需求名称"):
        clean_demands(pd.DataFrame({"企业名称": ["x"], "技术领域": ["新材料"]}), county=OWN)
    with pytest.raises(InputError, match="区划代码"):
        clean_demands(pd.DataFrame({"需求名称": ["x"], "技术领域": ["新材料"]}))


TEAMS = pd.DataFrame(
    {
        "团队名称": ["甲团队", "乙专家", "丙飞地", "", "丁团队", "戊团队", "己团队"],
        "类型": ["团队", "专家", "科创飞地", "团队", "外包", "团队", "团队"],
        "依托单位": ["湘潭大学", "中南大学", "湘潭县（长沙）科创飞地", "x", "x", "x", "x"],
        "区划代码": ["430302", "430104", "430104", None, None, None, None],
        "服务县区": [None, None, OWN, None, None, None, None],
        "研究领域": [
            "新材料；先进制造",
            "电子信息",
            "新能源",
            "新材料",
            "新材料",
            "新材料",
            "历史",
        ],
        "可承接项目数": ["2", None, "3", "1", "1", "1.5", "1"],
        "联系电话": ["13800000001", None, None, None, None, None, None],
    }
)
# 甲 loaded (fields 新材料;先进制造与自动化); 乙 loaded (capacity default 1); 丙 loaded (飞地);
# row 5 team_name_missing; 丁 team_kind_invalid; 戊 capacity_invalid; 己 field_unknown


def test_teams_row_accounting() -> None:
    clean = clean_teams(TEAMS)
    assert clean.rows_read == 7
    assert clean.rows["name"].tolist() == ["甲团队", "乙专家", "丙飞地"]
    assert clean.rows["kind"].tolist() == ["团队", "专家", "飞地"]
    assert clean.rows["fields"].tolist() == ["新材料;先进制造与自动化", "电子信息", "新能源与节能"]
    assert clean.rows["capacity"].tolist() == [2, 1, 3]
    assert clean.rows["partner_county"].tolist()[2] == OWN
    assert clean.quarantine["reason"].tolist() == [
        "team_name_missing",
        "team_kind_invalid",
        "capacity_invalid",
        "field_unknown",
    ]
    assert clean.skipped.empty


def test_import_into_the_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    src = tmp_path / "技术需求.csv"
    DEMANDS.to_csv(src, index=False)
    rep = import_tech_file(src, kind="demands", county=OWN, names={"湘潭县": OWN}, db=db)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (
        10,
        3,
        5,
        2,
    )
    assert rep.quarantined_by_reason == {
        "credit_code_check": 1,
        "other_county": 1,
        "title_missing": 1,
        "field_unknown": 1,
        "non_numeric": 1,
    }
    again = import_tech_file(src, kind="demands", county=OWN, names={"湘潭县": OWN}, db=db)
    assert again.status == "noop"
    teams = tmp_path / "团队.xlsx"
    TEAMS.to_excel(teams, index=False)
    rep = import_tech_file(teams, kind="teams", db=db)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (7, 3, 4)
    con = store.connect(db)
    assert ts.read_demands(con)["demand_id"].tolist() == ["D1", "D2", "D7"]
    got = ts.read_teams(con).set_index("name")["capacity"].to_dict()
    assert got == {"甲团队": 2, "乙专家": 1, "丙飞地": 3}
    n = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    assert n == 5 + 4
    con.close()
    with pytest.raises(InputError, match="导入类型"):
        import_tech_file(src, kind="firms", db=db)
