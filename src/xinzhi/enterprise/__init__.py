"""Enterprise evaluation (企业评价): 亩均效益 scoring with presets and policy simulation
(:mod:`xinzhi.enterprise.mujun`), the SME cultivation ladder with dated rule versions
(:mod:`xinzhi.enterprise.tiers`) and enterprise size classes (:mod:`xinzhi.enterprise.size`).

Analyses layer: pure. The computations are Ibis expressions over a *firm frame* (one row per
firm for one data year; columns in :mod:`xinzhi.codes.firm_fields`), run unchanged on DuckDB
(default) or PySpark local mode, like :mod:`xinzhi.industry.firms`.
"""
