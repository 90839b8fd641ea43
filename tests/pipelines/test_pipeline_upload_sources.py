"""How the 数据 page names a batch's source (#13 part 6: no code names on pages)."""

from __future__ import annotations

import doctest

import xinzhi.pipelines.uploads as uploads
from xinzhi.pipelines.uploads import source_label


def test_public_datasets_by_their_title() -> None:
    # src/xinzhi/datasets.yaml: census2020 / census2010 titles
    assert source_label("census2020") == "第七次全国人口普查分县资料（2020，leiii/census）"
    assert source_label("census2010") == "第六次全国人口普查分县资料（2010，leiii/census）"


def test_importer_kinds_in_chinese() -> None:
    assert source_label("firms:demo-firms-430321") == "企业名录：demo-firms-430321"
    assert source_label("enterprise:示例数据") == "企业年度数据：示例数据"
    assert source_label("policy_facts:示例数据:430321") == "政策事实：示例数据，430321"
    assert source_label("talents:示例数据:430321") == "人才库：示例数据，430321"


def test_other_sources_as_they_are() -> None:
    assert source_label("湖南年鉴") == "湖南年鉴"
    assert source_label("unknown:x") == "unknown:x"


def test_doctest() -> None:
    assert doctest.testmod(uploads).failed == 0
