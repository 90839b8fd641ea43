"""The county report: CLI and PDF agree on name, score and rank; the PDF renders, embeds Noto
CJK and has no missing glyphs; a county lacking an indicator still gets a report saying so."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from xinzhi import store
from xinzhi.cli import app
from xinzhi.pipelines.report import county_report_data
from xinzhi.pipelines.report_context import load_report_context
from xinzhi.report import render_html
from xinzhi.report.fonts import font_dirs
from xinzhi.report.view import county_view

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="需要 poppler-utils（scripts/setup.sh 安装）"
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdftotext(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    )
    return out.stdout


@pytest.fixture(scope="module")
def xiangtan(report_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    pdf = tmp_path_factory.mktemp("report") / "湘潭县.pdf"
    res = CliRunner().invoke(
        app,
        ["report", "--db", str(report_db), "--county", "湘潭县", "--year", "2020", "-o", str(pdf)],
    )
    assert res.exit_code == 0, res.output
    return res.output, pdf


def test_cli_prints_the_stored_numbers(xiangtan: tuple[str, Path]) -> None:
    """The stored evaluation's numbers (query in test_report_stored_scores.py)."""
    out, _ = xiangtan
    assert out.splitlines()[0] == (
        "湘潭县（430321）2020 年综合得分 0.2480，全国排名 1511/2847，省内排名 63/122，"
        "全国百分位 47.0%"
    )
    assert "示例数据" not in out


def test_pdf_text_has_name_score_and_rank_as_printed(xiangtan: tuple[str, Path]) -> None:
    out, pdf = xiangtan
    text = _squash(_pdftotext(pdf))
    head = out.splitlines()[0]
    assert _squash(head) in text
    score = re.search(r"综合得分 (\d\.\d{4})", head)
    rank = re.search(r"全国排名 (\d+/\d+)", head)
    assert score and rank
    assert "湖南省湘潭市湘潭县" in text
    assert score.group(1) in text and rank.group(1) in text
    for title in (
        "能力雷达图",
        "短板诊断",
        "县域类型与判定依据",
        "推荐发展路径",
        "产业选择：主导—配套—潜力",
        "全省县域得分地图",
        "指数稳健性",
    ):
        assert title in text
    assert "附录：指标体系与计算方法" in text
    assert "审图号" in text and "leiii/census" in text
    # chart text is laid out as text by Typst (SVG <text>, not outlines)
    for label in ("全省平均", "按短板汇总（障碍度占比，%）", "边界示意，无审图号"):
        assert _squash(label) in text
    assert "示例数据" not in text


def test_every_page_renders_non_blank(xiangtan: tuple[str, Path], tmp_path: Path) -> None:
    from PIL import Image

    _, pdf = xiangtan
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages >= 5
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == pages
    for png in pngs:
        a = np.asarray(Image.open(png).convert("L"), dtype=float)
        assert (a < 200).mean() > 0.002, png.name  # some ink on every page


def test_only_noto_cjk_fonts_embedded(xiangtan: tuple[str, Path]) -> None:
    _, pdf = xiangtan
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    assert rows
    for r in rows:
        assert "NotoSansCJK" in r, r
        cols = r.split()
        assert cols[-5] == "yes"  # emb


def test_no_character_lacks_a_glyph(report_db: Path) -> None:
    from matplotlib.ft2font import FT2Font

    font = next(p for d in font_dirs() for p in sorted(d.glob("NotoSansCJK-Regular.*")))
    cmap = FT2Font(str(font)).get_charmap()
    ctx = load_report_context(db=report_db)
    v = county_view(county_report_data("430321", 2020, context=ctx))
    text = repr(v)  # the charts' SVG text too: Typst sets it with the same font
    assert "按短板汇总" in v["charts"]["obstacle"]
    missing = sorted({c for c in text if ord(c) > 32 and ord(c) not in cmap})
    assert missing == []


def test_county_with_missing_indicator_gets_a_report(report_db: Path, tmp_path: Path) -> None:
    """Data deleted after the evaluation was stored: the report keeps showing the stored score
    until the user re-evaluates (``xinzhi evaluate --save``); then it says what is missing."""
    db = tmp_path / "w.duckdb"
    shutil.copy(report_db, db)
    con = store.connect(db)
    con.execute(
        "DELETE FROM observations WHERE region_code = '430321' AND year = 2020 "
        "AND indicator = 'occ_2'"
    )
    con.close()
    pdf = tmp_path / "missing.pdf"
    args = ["report", "--db", str(db), "--county", "430321", "--year", "2020", "-o", str(pdf)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("湘潭县（430321）2020 年综合得分 0.2480，")
    redo = CliRunner().invoke(app, ["evaluate", "--db", str(db), "--save", "nqpf-county"])
    assert redo.exit_code == 0, redo.output
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == "湘潭县（430321）2020 年未参评：缺少 专业技术人员比重"
    text = _squash(_pdftotext(pdf))
    assert "未参评" in text and "专业技术人员比重" in text
    assert "缺失（未参评原因）" in text
    # the 2010 score is still there: the history table shows the re-saved evaluation's score
    con = duckdb.connect(str(db), read_only=True)
    (r10,) = con.execute(
        "SELECT score FROM evaluation_scores WHERE name = 'nqpf-county' "
        "AND region_code = '430321' AND year = 2010"
    ).fetchone()
    con.close()
    assert f"{r10:.4f}" in text


def test_html_report_has_the_same_headline_and_inline_charts(report_db: Path) -> None:
    ctx = load_report_context(db=report_db)
    d = county_report_data("湘潭县", 2020, context=ctx)
    html = render_html(d)
    assert d.headline() in html
    assert html.count("<svg") == 5  # radar, obstacles, history, map, rank intervals
    assert "示例数据" not in html
    # the history holds 2010 and 2020 from the pooled evaluation
    assert d.history["year"].tolist() == [2010, 2020]
    assert d.dimensions["dimension"].tolist() == ["劳动者", "劳动资料", "劳动对象"]
    # shortfall shares of the county sum to its mapped obstacle share (all indicators mapped)
    assert d.shortfalls["share"].sum() == pytest.approx(1.0)


def test_industry_section_lists_the_census_tiers(report_db: Path) -> None:
    from xinzhi.pipelines.industry import county_industry_map

    data = county_report_data("神木市", 2020, db=report_db)
    tiers = county_industry_map("610881", 2020, db=report_db).tidy()
    leading = tiers.loc[tiers["tier"] == "主导", "industry"].tolist()
    assert data.industry.loc[data.industry["tier"] == "主导", "industry"].tolist() == leading
    assert leading[0] == "B"  # 采矿业 leads in 神木市


def test_history_follows_a_rename(report_db: Path) -> None:
    """玉环县 331021 became 玉环市 331083 in 2017: its 2010 score is the city's 2010 history,
    with a note; a merged unit (南通 崇川区 320613) gets no 2010 row."""
    ctx = load_report_context(db=report_db)
    s = ctx.scores
    old = s[(s["region_code"] == "331021") & (s["year"] == 2010)].iloc[0]
    d = county_report_data("331083", 2020, context=ctx)
    h = d.history.set_index("year")
    assert list(h.index) == [2010, 2020]
    assert h.loc[2010, "score"] == old["score"] and h.loc[2010, "rank"] == old["rank"]
    assert any("331021" in n and "玉环县" in n for n in d.notes)
    merged = county_report_data("320613", 2020, context=ctx)
    assert list(merged.history["year"]) == [2020]


@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_unwritable_output_is_a_clear_error(report_db: Path, tmp_path: Path, suffix: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = blocker / f"report{suffix}"  # a directory that is a file
    res = CliRunner().invoke(
        app,
        ["report", "--db", str(report_db), "--county", "430321", "--year", "2020", "-o", str(out)],
    )
    assert res.exit_code == 2
    assert f"无法写入报告文件 {out}" in res.output
