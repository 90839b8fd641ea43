"""Development-path recommender over the knowledge base ``paths.yaml``.

Each measure in ``paths.yaml`` paraphrases (never quotes) a recommendation of a seed article and
carries the county types and the shortfalls it addresses. A county's measures are those whose
types include one of the county's types or whose shortfalls include one of its main shortfalls;
measures matching both rank first, then by the county's type order and shortfall rank.

(docs/typology.md §4.) A three-measure knowledge base for a 文旅融合主导型 county whose main
shortfall is 产业链条短: "both" matches type and shortfall and comes first; "type" (type only,
position 0) comes before "general" (no type restriction, selected by the shortfall); "other"
belongs to another type and is left out:

>>> kb = PathBase(sources={}, measures=(
...     Measure("type", "…", ("文旅融合主导型",), (), "000", "", ""),
...     Measure("general", "…", (), ("产业链条短",), "000", "", ""),
...     Measure("both", "…", ("文旅融合主导型",), ("产业链条短",), "000", "", ""),
...     Measure("other", "…", ("资源能源开发型",), ("产业链条短",), "002", "", "")))
>>> t = recommend(["文旅融合主导型"], ["产业链条短"], base=kb).tidy()
>>> t["measure_id"].tolist()
['both', 'type', 'general']
>>> t["reason"].iloc[0]
'因为本县属于文旅融合主导型且短板为产业链条短'

Where to look
-------------
* Docs: ``docs/typology.md`` §4 (发展路径知识库).
* Tests: ``tests/typology/test_typology_paths.py`` (incl. the no-quotation check against the
  seed articles), ``tests/typology/test_typology_pipeline.py``.
* CLI: the 路径 section of ``xinzhi report``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from xinzhi import yamlfile
from xinzhi.errors import ConfigError, InputError
from xinzhi.results import Result
from xinzhi.typology.classifier import MIXED, UNCLASSIFIED
from xinzhi.typology.shortfall import SHORTFALLS

__all__ = ["Measure", "PathBase", "Recommendation", "load_paths", "recommend"]


@dataclass(frozen=True)
class Measure:
    """One development measure with its citation."""

    id: str
    text: str
    types: tuple[str, ...]  # empty = applies to every type (selected by shortfall)
    shortfalls: tuple[str, ...]
    source: str
    title: str
    author: str


@dataclass(frozen=True)
class PathBase:
    """Sources (seed id -> first_line/title/author) and measures."""

    sources: dict[str, dict[str, str]]
    measures: tuple[Measure, ...]

    def types(self) -> list[str]:
        """County types covered, in order of first appearance."""
        return list(dict.fromkeys(t for m in self.measures for t in m.types))

    def table(self) -> pd.DataFrame:
        """All measures as a table."""
        return pd.DataFrame(
            {
                "id": [m.id for m in self.measures],
                "text": [m.text for m in self.measures],
                "types": ["、".join(m.types) for m in self.measures],
                "shortfalls": ["、".join(m.shortfalls) for m in self.measures],
                "source": [m.source for m in self.measures],
                "title": [m.title for m in self.measures],
                "author": [m.author for m in self.measures],
            }
        )


def load_paths(path: str | Path | None = None) -> PathBase:
    """Load the knowledge base (built-in ``paths.yaml`` by default) and check citations."""
    if path is None:
        text = resources.files("xinzhi.typology").joinpath("paths.yaml").read_text("utf-8")
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"找不到路径知识库文件：{p}")
        text = p.read_text("utf-8")
    raw = yamlfile.safe_load(text)
    if not isinstance(raw, dict) or "measures" not in raw or "sources" not in raw:
        raise ConfigError("路径知识库须包含 sources 与 measures 两节")
    sources = {str(k): {kk: str(vv) for kk, vv in v.items()} for k, v in raw["sources"].items()}
    measures: list[Measure] = []
    for m in raw["measures"]:
        src = str(m.get("source", ""))
        if src not in sources:
            raise ConfigError(f"措施 {m.get('id')} 引用了不存在的文章编号 {src!r}")
        bad = [s for s in m.get("shortfalls") or [] if s not in SHORTFALLS]
        if bad:
            raise ConfigError(f"措施 {m.get('id')} 的短板名称无效：{'、'.join(bad)}")
        measures.append(
            Measure(
                id=str(m["id"]),
                text=str(m["text"]).strip(),
                types=tuple(m.get("types") or ()),
                shortfalls=tuple(m.get("shortfalls") or ()),
                source=src,
                title=sources[src]["title"],
                author=sources[src]["author"],
            )
        )
    return PathBase(sources, tuple(measures))


@dataclass
class Recommendation(Result):
    """Measures selected for one county, each with the reason (Chinese)."""

    types: list[str]
    shortfalls: list[str]
    measures: pd.DataFrame
    explanation: str
    options: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """``rank, measure_id, text, reason, matched_type, matched_shortfall, source, title, author``."""
        return self.measures.copy()

    def summary(self) -> str:
        lines = [self.explanation]
        for r in self.measures.itertuples():
            lines.append(
                f"  {r.rank}. {r.text}（{r.reason}；出处：{r.source}《{r.title}》{r.author}）"
            )
        return "\n".join(lines)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "推荐措施": self.measures.rename(
                columns={
                    "rank": "序号",
                    "measure_id": "措施编号",
                    "text": "措施",
                    "reason": "推荐理由",
                    "matched_type": "对应类型",
                    "matched_shortfall": "对应短板",
                    "source": "文章编号",
                    "title": "文章标题",
                    "author": "作者",
                }
            )
        }


def recommend(
    types: Sequence[str],
    shortfalls: Sequence[str] = (),
    *,
    base: PathBase | None = None,
    max_measures: int | None = 8,
) -> Recommendation:
    """Select the measures for a county from its types and its main shortfalls.

    Parameters
    ----------
    types : sequence of str
        The county's types, primary first (``未归类`` and empty strings are ignored). A
        多元复合型 county passes ``[多元复合型, "A、B"]`` (its ``primary_type`` and
        ``secondary_type``): the measures of both A and B apply.
    shortfalls : sequence of str
        Main shortfalls, most severe first (names of :data:`SHORTFALLS`).
    base : PathBase, optional
        Knowledge base (default: built-in ``paths.yaml``).
    max_measures : int or None
        Keep at most this many measures (None = all).

    Returns
    -------
    Recommendation
        Measures ranked: matching both a type and a shortfall first, then by the position of the
        matched type / shortfall.
    """
    kb = base if base is not None else load_paths()
    mixed = MIXED in types
    tps = [p for t in types if t for p in str(t).split("、") if p not in (UNCLASSIFIED, MIXED)]
    sfs = list(shortfalls)
    bad = [s for s in sfs if s not in SHORTFALLS]
    if bad:
        raise InputError(f"短板名称无效：{'、'.join(bad)}（可选：{'、'.join(SHORTFALLS)}）")
    unknown = [t for t in tps if t not in kb.types()]
    if unknown:
        raise InputError(f"知识库中没有类型：{'、'.join(unknown)}")
    rows: list[dict[str, Any]] = []
    big = 99
    for m in kb.measures:  # loop over the (few dozen) measures of the knowledge base
        mt = next((t for t in tps if t in m.types), "")
        ms = next((s for s in sfs if s in m.shortfalls), "")
        if (not mt and not ms) or (m.types and not mt):
            continue  # type-specific measures only for counties of those types
        if mt and ms:
            reason = f"因为本县属于{mt}且短板为{ms}"
        elif mt:
            reason = f"因为本县属于{mt}"
        else:
            reason = f"因为本县短板为{ms}"
        rows.append(
            {
                "_both": 0 if (mt and ms) else 1,
                "_t": tps.index(mt) if mt else big,
                "_s": sfs.index(ms) if ms else big,
                "measure_id": m.id,
                "text": m.text,
                "reason": reason,
                "matched_type": mt,
                "matched_shortfall": ms,
                "source": m.source,
                "title": m.title,
                "author": m.author,
            }
        )
    cols = [
        "rank",
        "measure_id",
        "text",
        "reason",
        "matched_type",
        "matched_shortfall",
        "source",
        "title",
        "author",
    ]
    if rows:
        df = pd.DataFrame(rows)
        df["_min"] = df[["_t", "_s"]].min(axis=1)
        df = df.sort_values(["_both", "_min", "_t", "_s"], kind="stable")
        if max_measures is not None:
            df = df.head(max_measures)
        df["rank"] = range(1, len(df) + 1)
        df = df[cols].reset_index(drop=True)
    else:
        df = pd.DataFrame(columns=cols)
    who = "、".join(tps) if tps else "未归类县域"
    if mixed:
        who = f"{MIXED}（兼有{'与'.join(tps)}的特征）" if tps else MIXED
    sf = "、".join(sfs) if sfs else "（未提供短板）"
    explanation = f"因为本县属于{who}且短板为{sf}，推荐以下 {len(df)} 条措施："
    return Recommendation(tps, sfs, df, explanation, {"max_measures": max_measures})
