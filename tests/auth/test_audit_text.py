"""The 管理 page's audit details read in Chinese (#13 part 6: no code names on pages)."""

from __future__ import annotations

import json

from xinzhi.auth.audit import detail_text, import_detail


class _Report:
    batch_id = 7
    status = "loaded"
    source = "湖南年鉴.xlsx"
    rows_read = 10
    rows_loaded = 8
    rows_quarantined = 1
    rows_skipped = 1


def test_login_and_export_details() -> None:
    assert detail_text('{"via": "web"}') == "途径：网页"
    stored = json.dumps({"kind": "ranking", "format": "xlsx", "year": 2020, "via": "api"})
    assert detail_text(stored) == "类别：排名表；格式：xlsx；年份：2020；途径：接口"


def test_import_detail_keeps_every_count() -> None:
    text = detail_text(import_detail(_Report(), "web"))
    assert text == (
        "批次：7；状态：已载入；来源：湖南年鉴.xlsx；读入：10；载入：8；隔离：1；跳过：1；途径：网页"
    )


def test_unknown_keys_and_text_are_kept_as_they_are() -> None:
    assert detail_text('{"extra": "x", "note": null}') == "extra：x"
    assert detail_text("not json") == "not json"
    assert detail_text(None) == "" and detail_text("") == ""
