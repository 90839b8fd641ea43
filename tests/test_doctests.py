"""Run the doctests of every analysis module (one per method family).

Each module's docstring states its formula, a worked example with literal output checked by
hand arithmetic, and where its reference test, CLI command and docs page are. This test keeps
those examples true. (Doctests are run here rather than with ``--doctest-modules`` so that the
list of modules is explicit.)
"""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    # auth
    "xinzhi.auth.audit",
    # evaluate
    "xinzhi.evaluate.normalize",
    "xinzhi.evaluate.weights",
    "xinzhi.evaluate.ahp",
    "xinzhi.evaluate.aggregate",
    "xinzhi.evaluate.obstacle",
    "xinzhi.evaluate.coupling",
    "xinzhi.evaluate.robustness",
    "xinzhi.evaluate.audit",
    "xinzhi.evaluate.engine",
    "xinzhi.evaluate.impute",
    # disparity
    "xinzhi.disparity.dagum",
    "xinzhi.disparity.inequality_indices",
    "xinzhi.disparity.kernel_density",
    "xinzhi.disparity.markov",
    "xinzhi.disparity.markov_ergodic",
    "xinzhi.disparity.spatial_autocorrelation",
    "xinzhi.disparity.spatial_weights",
    "xinzhi.disparity.convergence",
    # typology
    "xinzhi.typology.classifier",
    "xinzhi.typology.peers",
    "xinzhi.typology.shortfall",
    "xinzhi.typology.paths",
    "xinzhi.typology.cluster",
    # industry
    "xinzhi.industry.specialization",
    "xinzhi.industry.shiftshare",
    "xinzhi.industry.complexity",
    "xinzhi.industry.io",
    "xinzhi.industry.tiers",
    "xinzhi.industry.chains",
    "xinzhi.industry.firms",
    # enterprise
    "xinzhi.enterprise.mujun",
    "xinzhi.enterprise.presets",
    "xinzhi.enterprise.simulation",
    "xinzhi.enterprise.tiers",
    "xinzhi.enterprise.size",
    "xinzhi.enterprise.synthetic",
    "xinzhi.ingest.firm_years",
    # policy (rules, tri-state conditions, amounts, evaluation, shipped library, extractor)
    "xinzhi.policy.facts",
    "xinzhi.policy.rules",
    "xinzhi.policy.conditions",
    "xinzhi.policy.benefits",
    "xinzhi.policy.evaluate",
    "xinzhi.policy.library",
    "xinzhi.policy.extract",
    "xinzhi.codes.sei",
    # causal evaluation and monitoring (issue #17)
    "xinzhi.causal.cs",
    "xinzhi.causal.sdid",
    "xinzhi.causal.robustness",
    "xinzhi.monitor.panel",
    "xinzhi.monitor.signals",
    "xinzhi.monitor.trend",
    "xinzhi.monitor.digest",
    # supply meets demand: technology demands, 揭榜挂帅 (issue #16)
    "xinzhi.match.tech",
    "xinzhi.codes.tech_fields",
    "xinzhi.match.synthetic_tech",
    # supply meets demand: talent base, shortage catalogue, 能力雷达图 (issue #16)
    "xinzhi.match.shortage",
    "xinzhi.match.radar",
    "xinzhi.match.synthetic_talent",
    "xinzhi.ingest.talent",
    # supply meets demand: text engine, occupations (issue #16 parts 1-2)
    "xinzhi.match.text",
    "xinzhi.match.occupations",
    # supply meets demand: two-sided matching, assignment, ranking metrics (issue #16 part 4)
    "xinzhi.match.metrics",
    "xinzhi.match.assign",
    "xinzhi.match.pairing",
    # supply meets demand: parsing, NER, vocabularies (issue #16 part 3)
    "xinzhi.match.vocab",
    "xinzhi.match.ner",
    "xinzhi.match.parse",
    # declarations and method texts
    "xinzhi.registry",
    "xinzhi.report.methods",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted >= 1, f"{name} has no doctest example"
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {name}"
