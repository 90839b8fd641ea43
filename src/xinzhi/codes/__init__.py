"""National code standards used as keys, beside :mod:`xinzhi.regions` (GB/T 2260):

- :mod:`xinzhi.codes.gbt4754` — 国民经济行业分类 GB/T 4754 (sections, divisions, classes);
- :mod:`xinzhi.codes.credit` — 统一社会信用代码 GB 32100-2015 and organisation codes GB 11714;
- :mod:`xinzhi.codes.firm_status` — enterprise registry status texts (存续, 注销, …).

Reference layer: imports only the core (errors, yamlfile); readers and analyses build on it.
"""
