"""The registry of analyses: each analysis is declared once, every surface derives from it.

A declaration (:class:`Analysis`) names the pipeline function that answers the task, its typed
options with Chinese labels and defaults (:class:`Option`), the formula key of the report's method
appendix (``report/formulas.yaml``) and the reference test. The CLI options, the REST API
parameters, the web controls and the report's method appendix are built from it:

* :mod:`xinzhi.cli.registry_cmd` — one typer command per declaration;
* :mod:`xinzhi.api.routes_registry` — one ``GET /api/analyses/<key>`` route per declaration
  (and ``GET /api/analyses``, the catalogue);
* :func:`xinzhi.web._controls.option_controls` — one control per option on the web pages;
* the method appendix reads :func:`analyses` (title, formula key, defaults).

Adding an analysis package means writing the analysis (pure), its pipeline function (store +
analysis, keyword-only options whose defaults are read from the declaration) and the declaration
in a ``xinzhi.registry.<family>`` module — no hand-written surfaces.

This module sits at the bottom of the layers (it imports nothing of xinzhi but the errors): the
declarations hold the pipeline as a ``"module:function"`` reference, imported when the analysis
runs, so that ``xinzhi --help`` builds its commands without importing pandas.

>>> from xinzhi.registry import get
>>> a = get("markov")
>>> a.title, a.default("k"), a.option("classification").choices
('马尔可夫转移矩阵', 4, ('pooled', 'per-year'))
>>> a.resolve({"evaluation": "nqpf-county", "k": "5"})["k"]
5
"""

from __future__ import annotations

from xinzhi.registry import (
    audit,
    causal,
    disparity,
    enterprise,
    evaluation,
    industry,
    match_talent,
    match_tech,
    monitor,
    policy,
    typology,
)
from xinzhi.registry.core import FAMILIES, Analysis, Option, analyses, get, register

__all__ = [
    "FAMILIES",
    "Analysis",
    "Option",
    "analyses",
    "audit",
    "causal",
    "disparity",
    "enterprise",
    "evaluation",
    "get",
    "industry",
    "match_talent",
    "match_tech",
    "monitor",
    "policy",
    "register",
    "typology",
]
