"""The one result base class: behaviour shared by every result object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from xinzhi.disparity._common import DisparityResult
from xinzhi.evaluate.result import EvaluationResult
from xinzhi.industry.io import IOResult
from xinzhi.regions.harmonise import HarmonisedPanel
from xinzhi.results import Result
from xinzhi.typology.classifier import TypologyResult


@dataclass(repr=False)
class _Toy(Result):
    values: list[float]
    headers: ClassVar[dict[str, str]] = {"unit": "单元", "value": "数值"}

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "结果": pd.DataFrame({"unit": ["a", "b"], "value": self.values}),
            "一个很长很长很长很长很长很长很长很长很长很长很长很长很长的表名": pd.DataFrame(
                {"x": [1]}
            ),
        }

    def summary(self) -> str:
        return "合计 <" + str(sum(self.values)) + ">"


@dataclass
class _ToyDisparity(DisparityResult):
    title: ClassVar[str] = "示例差异"

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"结果": pd.DataFrame({"g": [0.25]})}


def test_every_result_family_shares_the_base() -> None:
    for cls in (EvaluationResult, DisparityResult, TypologyResult, IOResult, HarmonisedPanel):
        assert issubclass(cls, Result), cls


def test_tidy_summary_html_and_repr() -> None:
    r = _Toy([1.0, 2.5])
    assert r.tidy().to_dict("list") == {"unit": ["a", "b"], "value": [1.0, 2.5]}
    assert r.summary() == "合计 <3.5>"
    assert repr(r) == "合计 <3.5>"
    assert r._repr_html_() == "<pre>合计 &lt;3.5&gt;</pre>"


def test_to_excel_chinese_headers_and_sheet_names(tmp_path: Path) -> None:
    out = _Toy([1.0, 2.5]).to_excel(tmp_path / "toy.xlsx")
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets) == [
        "结果",
        "一个很长很长很长很长很长很长很长很长很长很长很长很长很长的表名"[:31],
    ]
    assert list(sheets["结果"].columns) == ["单元", "数值"]


def test_disparity_result_adds_the_info_sheet(tmp_path: Path) -> None:
    r = _ToyDisparity(options={"k": 3}, notes=["一个注"])
    sheets = pd.read_excel(r.to_excel(tmp_path / "d.xlsx"), sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["结果", "说明"]
    assert sheets["说明"].to_dict("list") == {
        "项目": ["分析", "k", "注"],
        "取值": ["示例差异", "3", "一个注"],
    }
    assert r.summary().splitlines()[:3] == ["示例差异", "选项：k=3", "注：一个注"]
