"""Declarations of the county typology (pipeline :func:`xinzhi.pipelines.typology.county_types`,
rules in :mod:`xinzhi.typology`, documentation ``docs/typology.md``)."""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["TYPOLOGY"]

TYPOLOGY = Analysis(
    key="typology",
    family="typology",
    title="县域类型（分类施策）",
    pipeline="xinzhi.pipelines.typology:county_types",
    options=(
        Option(
            "year", "年份", int, 2020, minimum=2010, maximum=2020, help="人口普查年份 2010 或 2020"
        ),
    ),
    formula="types",
    reference_test="tests/typology/test_typology_classify.py",
    doc="docs/typology.md",
)

register(TYPOLOGY)
