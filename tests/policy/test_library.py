"""builtin_documents(): the shipped policies load, ids equal file stems, package data is
included; a broken file is reported with its name and key path."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import pytest

from xinzhi.errors import ConfigError
from xinzhi.policy import builtin_documents
from xinzhi.policy.library import load_folder

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "src" / "xinzhi" / "policy" / "policies"


def test_every_shipped_file_loads_with_its_stem_as_id() -> None:
    docs = builtin_documents()
    stems = sorted(p.stem for p in FOLDER.glob("*.yaml"))
    assert sorted(docs) == stems
    for key, doc in docs.items():
        assert doc.id == key
        assert doc.source and doc.issuer and doc.title
        assert len({c.id for c in doc.clauses}) == len(doc.clauses)


def test_package_data_includes_policies_and_facts() -> None:
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = conf["tool"]["setuptools"]["package-data"]["xinzhi"]
    for rel in ("policy/policies/liuhe-2023-key-industries.yaml", "policy/facts.yaml"):
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), rel


GOOD = """
document: {id: ok, title: 示例（示例数据）, issuer: 示例, date: 2024-01-01, region: "22",
           subject: firm, category: 综合, source: 示例数据}
clauses:
  - {id: "1", title: t, when: {field: revenue, ge: 1}, benefit: {fixed: 1}}
"""


def test_load_folder(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(GOOD, "utf-8")
    (tmp_path / "notes.txt").write_text("ignored", "utf-8")
    docs = load_folder(tmp_path)
    assert [d.id for d in docs] == ["ok"]
    assert load_folder(tmp_path / "missing") == ()


def test_load_folder_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text(GOOD, "utf-8")
    with pytest.raises(
        ConfigError,
        match=r"政策文件 policies/other.yaml：document.id：应与文件名一致（other），实际为 ok",
    ):
        load_folder(tmp_path)
    (tmp_path / "other.yaml").write_text(
        GOOD.replace("ge: 1", "ge: x").replace("id: ok", "id: other"), "utf-8"
    )
    with pytest.raises(
        ConfigError, match=r"政策文件 policies/other.yaml：clauses\[0\].when.ge：应为数值"
    ):
        load_folder(tmp_path)


@pytest.mark.parametrize("name", ["xinzhi.policy.library"])
def test_module_doctests(name: str) -> None:
    # tests/test_doctests.py lists modules by hand; until the policy modules are added there
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0
