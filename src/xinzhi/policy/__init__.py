"""County support policies as executable rules (政策计算器 / 免申即享).

Pure analyses: the rule language (:mod:`xinzhi.policy.rules`), the tri-state evaluator over a firm
or person frame (:mod:`xinzhi.policy.evaluate`), amounts (:mod:`xinzhi.policy.benefits`), the
encoded real policies (``policies/*.yaml``) and the clause extractor (:mod:`xinzhi.policy.extract`).
Reading files, the warehouse and the surfaces live in :mod:`xinzhi.pipelines.policy`.
"""

from xinzhi.policy.evaluate import STATUSES, PolicyResult, evaluate
from xinzhi.policy.facts import FieldSpec, firm_field_specs, person_field_specs, policy_facts
from xinzhi.policy.library import builtin_documents
from xinzhi.policy.rules import (
    Band,
    Benefit,
    Budget,
    Clause,
    Condition,
    PolicyDocument,
    load_document,
)

__all__ = [
    "STATUSES",
    "Band",
    "Benefit",
    "Budget",
    "Clause",
    "Condition",
    "FieldSpec",
    "PolicyDocument",
    "PolicyResult",
    "builtin_documents",
    "evaluate",
    "firm_field_specs",
    "load_document",
    "person_field_specs",
    "policy_facts",
]
