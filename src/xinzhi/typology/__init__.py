"""County typology (分类施策), peers and benchmarks (对标), shortfall diagnosis (短板) and the
path knowledge base (发展路径), derived from the policy articles in ``shared/seeds``.

All functions are pure: DataFrames in, result objects out. See ``docs/typology.md``.

Quick use::

    from xinzhi import typology
    feats = typology.build_features(census_wide, ghsl, regions_table)
    res = typology.classify(feats)              # TypologyResult
    res.tidy(); print(res.summary())
    typology.cluster_check(res, feats).adjusted_rand
"""

from __future__ import annotations

from xinzhi.typology.classifier import (
    MIXED,
    MIXED_MARGIN,
    UNCLASSIFIED,
    TypologyResult,
    classify,
    condition_membership,
)
from xinzhi.typology.cluster import ClusterCheck, adjusted_rand_index, cluster_check, kmeans
from xinzhi.typology.features import build_features, national_shares
from xinzhi.typology.paths import Measure, Recommendation, load_paths, recommend
from xinzhi.typology.peers import BenchmarkResult, benchmark, nearest_peers
from xinzhi.typology.rules import RuleSet, load_rules
from xinzhi.typology.shortfall import SHORTFALLS, ShortfallResult, diagnose_shortfalls

__all__ = [
    "MIXED",
    "MIXED_MARGIN",
    "SHORTFALLS",
    "UNCLASSIFIED",
    "BenchmarkResult",
    "ClusterCheck",
    "Measure",
    "Recommendation",
    "RuleSet",
    "ShortfallResult",
    "TypologyResult",
    "adjusted_rand_index",
    "benchmark",
    "build_features",
    "classify",
    "cluster_check",
    "condition_membership",
    "diagnose_shortfalls",
    "kmeans",
    "load_paths",
    "load_rules",
    "national_shares",
    "nearest_peers",
    "recommend",
]
