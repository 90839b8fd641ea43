"""Supply meets demand (供需对接): occupations of the 国家职业分类大典 2022, the text engine
(BM25 + bundled embedders), résumé and posting parsing, talent ↔ job matching and assignment,
the shortage catalogue (紧缺人才目录) and technology demand ↔ research team matching (揭榜挂帅).

Pure analyses like :mod:`xinzhi.evaluate`: no warehouse, files or configuration; models and
vocabularies come from installed packages and files shipped inside this package. Overview in
``docs/match.md``.
"""
