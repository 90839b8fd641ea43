"""Benchmark: policy evaluation of 100,000 firms × 200 clauses (示例数据), target ≤ 10 s.

xinzhi's :func:`xinzhi.policy.evaluate` (numpy over whole columns, loops only over clauses and
condition nodes) against a peer that evaluates **the same 200 clauses row by row in plain
Python** (a small tri-state interpreter of the same condition trees and amount rules, one firm
at a time — what a straightforward ``DataFrame.apply``-style implementation does). The peer
runs on a 2,000-firm sample and its time is **extrapolated linearly** to 100,000 firms (× 50);
it is not run on all firms. The peer's statuses are checked against xinzhi's on the sample.
The peer leaves out stacking, caps per document and budgets (xinzhi does them as well), so the
ratio slightly favours the peer.

Firms and documents are synthetic (示例数据): 10 documents × 20 clauses mixing every condition
form (thresholds, ratios, labels with dates, industry prefixes and exclusions, years since
founding, date windows, size classes, any / all / not) and every benefit form.

    .venv/bin/python benchmarks/policy_eval.py [N_FIRMS] [N_SAMPLE]

Both wall-clock and process CPU time are printed with the machine's load average: the machine is
shared (2 cores), and under load the wall clock mostly measures waiting for a core.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

ON = dt.date(2024, 6, 30)
LABELS = ["tech_sme", "innovative_sme", "srdi_sme", "little_giant", "hnte"]


def firms(n: int, seed: int = 0) -> pd.DataFrame:
    """n synthetic firms (示例数据) with ~10 % NULLs in numeric fields."""
    rng = np.random.default_rng(seed)

    def num(scale: float) -> np.ndarray:
        v = rng.lognormal(np.log(scale), 1.0, n)
        v[rng.random(n) < 0.1] = np.nan
        return v

    ind = rng.choice(
        ["1310", "1391", "2710", "3911", "0610", "0810", "3011", "6510", "4411", "1495"], n
    )
    founded = pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 24 * 365, n), unit="D")
    out = pd.DataFrame(
        {
            "credit_code": [f"9122052400{i:08d}" for i in range(n)],
            "region_code": rng.choice(["220524", "220524", "220524", "220581"], n),
            "industry_code": ind,
            "founded": founded,
            "size_class": rng.choice(["大", "中", "小", "微", None], n),
            "revenue": num(3000),
            "revenue_prev1": num(2800),
            "tax": num(150),
            "rd_expenditure": num(90),
            "employees": np.where(rng.random(n) < 0.1, np.nan, rng.integers(5, 800, n)).astype(
                "float64"
            ),
            "project_investment": num(1500),
            "project_land_area": num(8),
            "local_fiscal_contribution": num(60),
            "production_start": founded + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"),
            "safety_incident": rng.random(n) < 0.03,
            "synthetic": True,
        }
    )
    for lab in LABELS:
        held = pd.array(rng.random(n) < 0.2, dtype="boolean")
        held[rng.random(n) < 0.05] = pd.NA
        out[f"label_{lab}"] = held
        out[f"label_{lab}_since"] = pd.Timestamp("2019-01-01") + pd.to_timedelta(
            rng.integers(0, 2000, n), unit="D"
        )
    return out


def clause(i: int) -> dict[str, Any]:
    """The i-th synthetic clause (forms cycle; thresholds vary with i)."""
    k = i % 10
    t = 1 + (i % 7) / 10
    forms: list[dict[str, Any]] = [
        {"field": "revenue", "ge": 2000 * t},
        {"ratio": ["rd_expenditure", "revenue"], "ge": 0.02 * t},
        {"label": LABELS[i % 5], "held": True},
        {"field": "industry_code", "prefix": ["13", "39", "27"]},
        {"not": {"field": "industry_code", "prefix": ["06", "07", "08", "09", "10"]}},
        {"years_since": "founded", "le": 3 + i % 8},
        {"date": "production_start", "on_or_after": "2015-01-01"},
        {"size": ["小", "微"]},
        {"any": [{"field": "tax", "ge": 100 * t}, {"label": "hnte", "since_within_years": 2}]},
        {"ratio": ["revenue", "revenue_prev1"], "gt": 1.0 + 0.05 * t},
    ]
    when = {"all": [forms[k], forms[(k + 3) % 10], {"field": "safety_incident", "is": False}]}
    benefits: list[dict[str, Any]] = [
        {"fixed": 10 + i % 20},
        {"percent": {"base": "rd_expenditure", "rate": 0.1}, "cap": 50},
        {"percent": {"base": "project_investment", "rate": [0.05, 0.2]}, "cap": 300},
        {"per_unit": {"base": "employees", "amount": 0.05}, "cap": 20},
        {
            "bands": {
                "on": "tax",
                "base": "local_fiscal_contribution",
                "bands": [
                    {"ge": 50, "lt": 200, "rate": 0.3},
                    {"ge": 200, "lt": 500, "rate": 0.5},
                    {"ge": 500, "rate": 0.8},
                ],
            }
        },
    ]
    return {"id": f"{i}", "title": f"条款{i}（示例数据）", "when": when, "benefit": benefits[i % 5]}


def documents(n_docs: int = 10, per_doc: int = 20) -> list[Any]:
    from xinzhi.policy import load_document

    out = []
    for d in range(n_docs):
        head = {
            "id": f"bench-{d}",
            "title": f"示例政策{d}（示例数据）",
            "issuer": "示例县人民政府",
            "date": "2023-01-01",
            "region": "220524" if d % 3 else "2205",
            "subject": "firm",
            "category": "综合",
            "source": "示例数据",
        }
        if d % 4 == 1:
            head["budget"] = {"total": 5000, "allocation": "pro_rata"}
        if d % 4 == 2:
            head["budget"] = {"total": 3000, "allocation": "ranked", "rank_by": "tax"}
        if d % 4 == 3:
            head["cap_per_subject"] = 100
        out.append(
            load_document(
                {"document": head, "clauses": [clause(d * per_doc + j) for j in range(per_doc)]}
            )
        )
    return out


# ---- the peer: the same clauses, one firm at a time, in plain Python -------------------------


def _v(row: dict[str, Any], key: str) -> Any:
    v = row.get(key)
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    return v


def _cmp(op: str, a: Any, b: Any) -> bool:
    return {"ge": a >= b, "gt": a > b, "le": a <= b, "lt": a < b, "eq": a == b, "ne": a != b}[op]


def _years(d: dt.date, on: dt.date) -> int:
    return on.year - d.year - ((on.month, on.day) < (d.month, d.day))


def row_condition(c: Any, row: dict[str, Any], on: dt.date) -> bool | None:
    if c.kind in ("all", "any"):
        vals = [row_condition(k, row, on) for k in c.children]
        if c.kind == "all":
            return False if False in vals else (None if None in vals else True)
        return True if True in vals else (None if None in vals else False)
    if c.kind == "not":
        v = row_condition(c.children[0], row, on)
        return None if v is None else not v
    if c.kind == "field":
        v = _v(row, c.fields[0])
        if v is None:
            return None
        if c.op == "prefix":
            return any(str(v).startswith(p) for p in c.value)
        if c.op == "is":
            return bool(v) == c.value
        return _cmp(c.op, v, c.value)
    if c.kind == "ratio":
        a, b = _v(row, c.fields[0]), _v(row, c.fields[1])
        if b is not None and b <= 0:
            return False
        if a is None or b is None:
            return None
        return _cmp(c.op, a / b, c.value)
    if c.kind == "label":
        held = _v(row, c.fields[0])
        if held is None:
            return None
        if c.op == "held":
            return bool(held) == c.value
        if not held:
            return False
        since = _v(row, c.fields[1])
        if since is None:
            return None
        since = since.date()
        cutoff = on.replace(year=on.year - int(c.value))
        return cutoff <= since <= on
    if c.kind == "years_since":
        d = _v(row, c.fields[0])
        return None if d is None else _cmp(c.op, _years(d.date(), on), c.value)
    if c.kind == "date":
        d = _v(row, c.fields[0])
        if d is None:
            return None
        op = {"on_or_after": "ge", "after": "gt", "before": "lt", "on_or_before": "le"}[c.op]
        return _cmp(op, d.date(), c.value)
    if c.kind == "size":
        v = _v(row, "size_class")
        return None if v is None else v in c.value
    raise ValueError(c.kind)


def row_amount(b: Any, row: dict[str, Any]) -> tuple[float, float, bool]:
    """(amount_min, amount_max, an input of the amount is missing)."""
    inf = math.inf
    need = False
    if b.kind == "fixed":
        lo = b.amount
        hi = b.amount if b.amount_high is None else b.amount_high
    elif b.kind in ("percent", "per_unit"):
        base = _v(row, b.base)
        if base is not None and b.kind == "per_unit" and b.per is not None:
            base = math.floor(base / b.per)
        r1, r2 = b.rate if b.kind == "percent" else (b.amount, b.amount)
        lo, hi = (-inf, inf) if base is None else (base * r1, base * r2)
        need = base is None
    else:
        on, base = _v(row, b.on), _v(row, b.base)
        if on is None:
            lo, hi = -inf, inf
            need = True
        else:
            lo = hi = 0.0
            for band in b.bands:
                ok = (
                    band.lower is None
                    or (on >= band.lower if band.lower_inclusive else on > band.lower)
                ) and (
                    band.upper is None
                    or (on <= band.upper if band.upper_inclusive else on < band.upper)
                )
                if ok:
                    if band.amount is not None:
                        lo = hi = band.amount
                    else:
                        lo, hi = (
                            (-inf, inf) if base is None else (base * band.rate, base * band.rate)
                        )
                        need = base is None
                    break
    lo, hi = max(lo, b.floor), max(hi, b.floor)
    if b.cap is not None:
        lo, hi = min(lo, b.cap), min(hi, b.cap)
    return lo, hi, need


def peer(docs: list[Any], frame: pd.DataFrame, on: dt.date) -> list[tuple[str, str, str, str]]:
    out = []
    status_text = {True: "符合", None: "可能符合", False: "不符合"}
    for row in frame.to_dict("records"):  # one firm at a time
        for doc in docs:
            region = _v(row, "region_code")
            if region is None or not str(region).startswith(doc.region):
                continue
            for c in doc.clauses:
                s = row_condition(c.when, row, on)
                if s is not False and c.benefit is not None:
                    *_, need = row_amount(c.benefit, row)
                    if s is True and need:  # 符合 only with every datum of the amount
                        s = None
                out.append((row["credit_code"], doc.id, c.id, status_text[s]))
    return out


def main() -> None:
    from xinzhi.policy import evaluate

    args = [int(a) for a in sys.argv[1:]]
    n = args[0] if args else 100_000
    n_sample = args[1] if len(args) > 1 else 2_000
    docs = documents()
    n_clauses = sum(len(d.clauses) for d in docs)
    frame = firms(n)
    print(f"{n:,} 家示例企业（示例数据）× {n_clauses} 个条款（{len(docs)} 个示例政策文件）")

    t0, c0 = time.perf_counter(), time.process_time()
    res = evaluate(docs, frame, on=ON)
    t_eval, c_eval = time.perf_counter() - t0, time.process_time() - c0
    table = res.tidy()
    counts = table["status"].value_counts()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"xinzhi evaluate（numpy 按列）：{t_eval:.2f} 秒（本进程 CPU 时间 {c_eval:.2f} 秒；"
        f"机器 {os.cpu_count()} 核，1 分钟平均负载 {load:.1f}，负载高时墙钟时间含等待 CPU），"
        f"{len(table):,} 条判定"
        f"（符合 {counts['符合']:,}，可能符合 {counts['可能符合']:,}，不符合 {counts['不符合']:,}）"
        f"  目标 ≤ 10 秒：{'达到' if t_eval <= 10 else '未达到'}"
    )

    t0 = time.perf_counter()
    res.by_clause()
    res.summary()
    print(f"按条款汇总与摘要：{time.perf_counter() - t0:.2f} 秒（不计入上面的评价时间）")

    sample = frame.iloc[:n_sample]
    t0, c0 = time.perf_counter(), time.process_time()
    rows = peer(docs, sample, ON)
    t_peer, c_peer = time.perf_counter() - t0, time.process_time() - c0
    t_peer_full, c_peer_full = t_peer * n / n_sample, c_peer * n / n_sample
    print(
        f"对照（逐行纯 Python，同样的条款）：{n_sample:,} 家用时 {t_peer:.2f} 秒（CPU {c_peer:.2f} 秒），"
        f"线性外推到 {n:,} 家约 {t_peer_full:.1f} 秒（CPU {c_peer_full:.1f} 秒；外推值，未实测）"
    )
    print(
        f"比值（对照外推 / xinzhi）：墙钟 {t_peer_full / t_eval:.1f} 倍，CPU 时间 {c_peer_full / c_eval:.1f} 倍"
    )

    # the peer agrees with xinzhi on the sample
    mine = evaluate(docs, sample, on=ON).tidy()
    got = sorted(
        zip(
            mine["credit_code"],
            mine["document"].astype(str),
            mine["clause"].astype(str),
            mine["status"].astype(str),
            strict=True,
        )
    )
    same = got == sorted(rows)
    print(f"样本上两者判定一致：{'是' if same else '否'}（{len(rows):,} 条）")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
