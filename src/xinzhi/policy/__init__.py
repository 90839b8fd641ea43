"""County support policies as executable rules (政策计算器 / 免申即享).

Pure analyses: the rule language (:mod:`xinzhi.policy.rules`), the tri-state evaluator over a firm
or person frame (:mod:`xinzhi.policy.evaluate`), amounts (:mod:`xinzhi.policy.benefits`), the
encoded real policies (``policies/*.yaml``) and the clause extractor (:mod:`xinzhi.policy.extract`).
Reading files, the warehouse and the surfaces live in :mod:`xinzhi.pipelines.policy`.
"""
