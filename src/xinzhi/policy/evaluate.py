"""Evaluate policy documents against every subject of a frame: status, amount, reason.

For each document in force on the assessment date ``on`` (``valid_from`` ≤ on ≤ ``valid_to``)
and each subject inside its region (``region_code`` starts with the document's region; a frame
without ``region_code`` is taken as inside, a NULL code as outside), every clause gets one row:

* ``status`` — **符合** (condition true: all data present and every condition met; 免申即享),
  **可能符合** (no condition fails but data are missing: 快申快享, ``missing`` lists exactly the
  field keys to ask for), **不符合** (``reason`` names the first failing condition);
* ``amount_min`` / ``amount_max`` (万元) — only for 符合 / 可能符合 and clauses with a benefit; a
  range when an input of the amount is NULL or the rate is a range; ``amount_max`` NULL =
  unbounded (see :mod:`xinzhi.policy.benefits`); then stacking (就高不重复), the document's
  ``cap_per_subject`` and its budget (``allocated``).

Conditions are evaluated with numpy over whole columns (:mod:`xinzhi.policy.conditions`); the
only loops are over documents, clauses and condition nodes.

Examples
--------
Two firms against a 研发奖励 clause (R&D ≥ 100 万元 and 高企; 10 % of R&D, cap 50 万元) on
2024-06-30. A: R&D 300, 高企 → 符合, 300 × 0.1 = 30. B: R&D 800, 高企 unknown → 可能符合,
800 × 0.1 = 80 → capped at 50. C: R&D 99 → 不符合.

>>> import datetime as dt
>>> import pandas as pd
>>> from xinzhi.policy.rules import load_document
>>> doc = load_document({"document": {"id": "demo", "title": "示例政策", "issuer": "示例县",
...     "date": "2024-01-01", "region": "220524", "subject": "firm", "category": "科技创新",
...     "source": "示例数据"}, "clauses": [{"id": "1-1", "title": "研发奖励",
...     "when": {"all": [{"field": "rd_expenditure", "ge": 100}, {"label": "hnte", "held": True}]},
...     "benefit": {"percent": {"base": "rd_expenditure", "rate": 0.1}, "cap": 50}}]})
>>> firms = pd.DataFrame({"credit_code": ["A", "B", "C"], "rd_expenditure": [300.0, 800.0, 99.0],
...     "label_hnte": [True, None, True]})
>>> res = evaluate([doc], firms, on=dt.date(2024, 6, 30))
>>> res.tidy()[["credit_code", "status", "amount_min", "amount_max", "missing"]].values.tolist()
[['A', '符合', 30.0, 30.0, ''], ['B', '可能符合', 50.0, 50.0, 'label_hnte'], ['C', '不符合', nan, nan, '']]
>>> res.tidy()["reason"].tolist()[2]
'不符合：研发费用 ≥ 100 万元'
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.policy.benefits import (
    FAIL,
    MAYBE,
    MEET,
    allocate,
    amount_missing,
    amount_range,
    apply_stacking,
    apply_subject_cap,
)
from xinzhi.policy.conditions import Columns, Outcome, condition_outcome
from xinzhi.policy.facts import FieldSpec
from xinzhi.policy.rules import Clause, Condition, PolicyDocument, _num
from xinzhi.results import Result

__all__ = ["STATUSES", "PolicyResult", "evaluate"]

#: Status texts in code order (0, 1, 2 → 不符合, 可能符合, 符合).
STATUSES = ("不符合", "可能符合", "符合")
_EXCEL_ROWS = 1_048_575


class _Interner:
    """Strings → integer codes (for categorical columns)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def __call__(self, s: str) -> int:
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.items)
            self.items.append(s)
        return i


def _meet_text(clause: Clause) -> str:
    w = clause.when
    if w is None:
        return "符合：本条款无限制条件"
    parts = [c.text for c in w.children] if w.kind == "all" else [w.text]
    return "符合：" + "；".join(parts)


def evaluate(
    documents: Iterable[PolicyDocument],
    frame: pd.DataFrame,
    *,
    on: dt.date,
    key: str = "credit_code",
    subject: str | None = None,
) -> PolicyResult:
    """Evaluate every clause of every document for every subject of ``frame``.

    Parameters
    ----------
    documents
        Validated documents (:func:`~xinzhi.policy.rules.load_document`).
    frame
        One row per subject (the firm frame, or persons), with the key column; any other column
        may be absent or NULL.
    on
        Assessment date: documents in force, labels held, whole years and date windows.
    key
        The subject key column (``credit_code`` for firms, ``person_id`` for persons).
    subject
        Evaluate only documents of this subject (``firm`` / ``person``); default: ``firm`` when
        ``key`` is ``credit_code``, ``person`` when it is ``person_id``, else every document.

    Returns
    -------
    PolicyResult
    """
    docs = list(documents)
    if not isinstance(on, dt.date):
        raise InputError(f"评价日期 on 应为日期，实际为 {on!r}")
    if isinstance(on, dt.datetime):
        on = on.date()
    if key not in frame.columns:
        raise InputError(f"主体表缺少主键列 {key}")
    keys = frame[key]
    if keys.isna().any():
        raise InputError(
            f"主键列 {key} 有空值（第 {int(np.flatnonzero(keys.isna().to_numpy())[0]) + 1} 行）"
        )
    dup = keys.duplicated()
    if dup.any():
        raise InputError(f"主键列 {key} 有重复值：{keys[dup].iloc[0]}")
    if subject is None:
        subject = {"credit_code": "firm", "person_id": "person"}.get(key)
    if subject is not None and subject not in ("firm", "person"):
        raise InputError(f"subject 应为 firm 或 person，实际为 {subject!r}")
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise InputError(f"政策文件编号重复：{next(i for i in ids if ids.count(i) > 1)}")
    frame = frame.reset_index(drop=True)
    fields: dict[str, FieldSpec] = {}
    for d in docs:
        for k, s in d.fields.items():
            fields.setdefault(k, s)
    cols = Columns(frame, on, fields)
    _, region_known = cols.text("region_code")
    has_region = cols.has("region_code")

    reasons, missing_codes = _Interner(), _Interner()
    missing_codes("")
    clause_names = _Interner()
    used: list[PolicyDocument] = []
    scopes: list[np.ndarray] = []
    skipped: list[tuple[str, str]] = []
    for doc in docs:
        if subject is not None and doc.subject != subject:
            skipped.append((doc.id, f"适用对象为 {doc.subject}"))
            continue
        if not doc.applies_on(on):
            skipped.append((doc.id, f"{on.isoformat()} 不在有效期内"))
            continue
        used.append(doc)
        if has_region:
            head = cols.slice("region_code", len(doc.region))
            inside = region_known & head.eq(doc.region).to_numpy(dtype=bool, na_value=False)
            scopes.append(np.flatnonzero(inside))
        else:
            scopes.append(np.arange(cols.n))
        for clause in doc.clauses:
            clause_names(clause.id)

    # output columns, filled document by document (rows: document, clause, subject)
    total = sum(len(d.clauses) * len(p) for d, p in zip(used, scopes, strict=True))
    subj_codes = np.empty(total, dtype=_code_dtype(cols.n))
    doc_codes = np.empty(total, dtype=_code_dtype(len(used)))
    clause_codes = np.empty(total, dtype=_code_dtype(len(clause_names.items)))
    status_all = np.empty(total, dtype="int8")
    amounts = np.empty((3, total))  # amount_min, amount_max, allocated (every row written)
    reason_all = np.empty(total, dtype="int32")
    missing_all = np.zeros(total, dtype="int32")
    offset = 0
    for d_i, (doc, pos) in enumerate(zip(used, scopes, strict=True)):
        n_c, n = len(doc.clauses), len(pos)
        sl = slice(offset, offset + n_c * n)
        offset += n_c * n
        subj_codes[sl] = np.tile(pos, n_c)
        doc_codes[sl] = d_i
        clause_codes[sl] = np.repeat([clause_names.index[c.id] for c in doc.clauses], n)
        status = status_all[sl].reshape(n_c, n)
        lo = amounts[0, sl].reshape(n_c, n)
        hi = amounts[1, sl].reshape(n_c, n)
        reason = reason_all[sl].reshape(n_c, n)
        miss = missing_all[sl].reshape(n_c, n)
        whole = n == cols.n  # every subject in scope: no gather needed
        for c_i, clause in enumerate(doc.clauses):
            trace: dict[str, Outcome] = {}
            out = condition_outcome(clause.when, cols, trace)
            t = out.t if whole else out.t[pos]
            fail = out.f if whole else out.f[pos]
            st = status[c_i]
            st.fill(MAYBE)
            st[t] = MEET
            st[fail] = FAIL
            if clause.benefit is not None:
                a, b = amount_range(clause.benefit, cols)
                np.take(a, pos, out=lo[c_i])
                np.take(b, pos, out=hi[c_i])
                lo[c_i][fail] = np.nan
                hi[c_i][fail] = np.nan
            else:
                lo[c_i] = np.nan
                hi[c_i] = np.nan
            # reasons: 符合 text, first failing condition, missing fields
            r = reason[c_i]
            r.fill(reasons(_meet_text(clause)))
            if clause.when is not None:
                w = clause.when
                kids = list(w.children) if w.kind == "all" else [w]
                codes = np.array([reasons("不符合：" + k.fail_text) for k in kids], dtype="int32")
                if len(kids) == 1:
                    r[fail] = codes[0]
                else:
                    # the first failing child wins: write from the last to the first
                    for k_i in range(len(kids) - 1, -1, -1):
                        kf = trace[kids[k_i].path].f
                        r[kf if whole else kf[pos]] = codes[k_i]
                maybe = ~(t | fail)
                if maybe.any():
                    in_scope = {k: m if whole else m[pos] for k, m in out.missing.items()}
                    sets, which = _missing_sets(in_scope, maybe)
                    mc = np.array([missing_codes(",".join(f)) for f in sets], dtype="int32")
                    rc = np.array(
                        [reasons(f"可能符合，需补充：{_labels(doc, f)}") for f in sets],
                        dtype="int32",
                    )
                    miss[c_i, maybe] = mc[which]
                    r[maybe] = rc[which]
            if clause.benefit is not None:
                _amount_data(
                    clause, doc, cols, pos, whole, st, r, miss[c_i], reasons, missing_codes
                )
        # stacking, cap per subject, budget
        if doc.stacking:
            by, alt = apply_stacking([c.group for c in doc.clauses], doc.stacking, status, lo, hi)
            win_codes = np.array(
                [reasons(f"就高不重复：已享受 {c.id} {c.title}") for c in doc.clauses],
                dtype="int32",
            )
            lost = by >= 0
            reason[lost] = win_codes[by[lost]]
            pend = alt >= 0
            if pend.any():
                # 可能符合 rows keep their reason (fields to supply) and name the certain winner
                pair = reason[pend].astype("int64") * len(doc.clauses) + alt[pend]
                uniq, inv = np.unique(pair, return_inverse=True)
                texts = np.array(
                    [
                        reasons(
                            f"{reasons.items[int(u) // len(doc.clauses)]}；就高不重复：若符合，与 "
                            f"{doc.clauses[int(u) % len(doc.clauses)].id} "
                            f"{doc.clauses[int(u) % len(doc.clauses)].title} 取高者"
                        )
                        for u in uniq
                    ],
                    dtype="int32",
                )
                reason[pend] = texts[inv.ravel()]
        if doc.cap_per_subject is not None:
            apply_subject_cap(doc.cap_per_subject, status, lo, hi)
        rank = None
        if doc.budget is not None and doc.budget.rank_by:
            rank = cols.numeric(doc.budget.rank_by)[0][pos]
        amounts[2, sl] = allocate(
            status,
            hi,
            total=doc.budget.total if doc.budget else None,
            allocation=doc.budget.allocation if doc.budget else "pro_rata",
            rank=rank,
            descending=doc.budget.descending if doc.budget else True,
        ).ravel()
    amounts[1][np.isinf(amounts[1])] = np.nan  # unbounded → NULL

    # the float columns as one block without copying (pandas keeps blocks as columns × rows)
    table = pd.DataFrame(amounts.T, columns=["amount_min", "amount_max", "allocated"], copy=False)
    table.insert(0, key, pd.Series(_categorical(subj_codes, keys), copy=False))
    table.insert(
        1, "document", pd.Series(_categorical(doc_codes, [d.id for d in used]), copy=False)
    )
    table.insert(2, "clause", pd.Series(_categorical(clause_codes, clause_names.items), copy=False))
    table.insert(3, "status", pd.Series(_categorical(status_all, list(STATUSES)), copy=False))
    table["reason"] = _categorical(reason_all, reasons.items)
    table["missing"] = _categorical(missing_all, missing_codes.items)
    return PolicyResult(
        table=table,
        documents=used,
        frame=frame,
        on=on,
        key=key,
        subject=subject,
        skipped=skipped,
        synthetic=bool(cols.boolean("synthetic")[0].any()) if cols.has("synthetic") else False,
    )


def _amount_data(
    clause: Clause,
    doc: PolicyDocument,
    cols: Columns,
    pos: np.ndarray,
    whole: bool,
    st: np.ndarray,
    r: np.ndarray,
    miss: np.ndarray,
    reasons: _Interner,
    missing_codes: _Interner,
) -> None:
    """符合 rows whose amount needs a NULL field become 可能符合 (in place on the status,
    reason and missing codes of one clause): 符合 means all data present."""
    assert clause.benefit is not None
    need = {k: (m if whole else m[pos]) for k, m in amount_missing(clause.benefit, cols).items()}
    if not need:
        return
    meet = st == MEET
    sets, which = _missing_sets(need, meet)
    rows = np.flatnonzero(meet)
    for s_i, fields in enumerate(sets):
        if not fields:  # every field of the amount present
            continue
        at = rows[which == s_i]
        st[at] = MAYBE
        miss[at] = missing_codes(",".join(fields))
        r[at] = reasons(f"可能符合：金额所需数据缺失，需补充：{_labels(doc, fields)}")


def _missing_sets(
    missing: Mapping[str, np.ndarray], rows: np.ndarray
) -> tuple[list[list[str]], np.ndarray]:
    """The distinct sets of missing fields among the subjects ``rows`` (a boolean mask) and,
    for each of those subjects, the index of its set (the first 62 fields of ``missing``, one
    bit each)."""
    names = list(missing)[:62]
    bits = np.zeros(int(rows.sum()), dtype="int64")
    for b_i, name in enumerate(names):
        bits |= missing[name][rows].astype("int64") << b_i
    uniq, inv = np.unique(bits, return_inverse=True)
    sets = [[nm for b_i, nm in enumerate(names) if (int(u) >> b_i) & 1] for u in uniq]
    return sets, inv.ravel()


def _labels(doc: PolicyDocument, fields: Iterable[str]) -> str:
    """The Chinese labels of ``fields``, joined with 、."""
    return "、".join(doc.field_label(f) for f in fields)


def _float(x: Any) -> float:
    return float(x)


def _code_dtype(n_categories: int) -> str:
    """The smallest integer dtype pandas uses for codes of this many categories."""
    if n_categories < np.iinfo(np.int8).max:
        return "int8"
    if n_categories < np.iinfo(np.int16).max:
        return "int16"
    return "int32" if n_categories < np.iinfo(np.int32).max else "int64"


def _categorical(codes: np.ndarray, categories: Sequence[Any] | pd.Series) -> pd.Categorical:
    """A categorical column from integer codes (categories unique; codes cast to the dtype
    pandas keeps, so that nothing is copied twice)."""
    cats = (
        pd.Index(categories)
        if isinstance(categories, pd.Series)
        else pd.Index(list(categories), dtype=object)
    )
    return pd.Categorical.from_codes(
        codes.astype(_code_dtype(len(cats)), copy=False), categories=cats
    )


def _fmt_amount(lo: float, hi: float) -> str:
    if math.isnan(lo):
        return "—"
    if math.isnan(hi):
        return f"不少于 {_num(round(lo, 4))} 万元（上限待定）"
    if abs(hi - lo) < 1e-9:
        return f"{_num(round(lo, 4))} 万元"
    return f"{_num(round(lo, 4))}–{_num(round(hi, 4))} 万元"


class PolicyResult(Result):
    """Clause-by-clause status of every subject (see :func:`evaluate`).

    ``tidy()`` columns: the key (e.g. ``credit_code``), ``document``, ``clause``, ``status``
    (符合 / 可能符合 / 不符合), ``amount_min``, ``amount_max`` (万元; NULL for 不符合 and clauses
    without an amount; ``amount_max`` NULL = unbounded), ``allocated`` (万元 under the budget,
    符合 rows only), ``reason`` (Chinese) and ``missing`` (comma-joined field keys, 可能符合
    only). ``document``, ``clause``, ``status``, ``reason`` and ``missing`` are pandas
    categoricals (group with ``observed=True``).
    """

    headers: ClassVar[dict[str, str]] = {
        "credit_code": "统一社会信用代码",
        "person_id": "人员编号",
        "document": "政策文件",
        "clause": "条款",
        "title": "条款标题",
        "status": "判定",
        "amount_min": "金额下限（万元）",
        "amount_max": "金额上限（万元）",
        "allocated": "预算内分配（万元）",
        "reason": "理由",
        "missing": "需补充字段",
        "amount_min_total": "金额下限合计（万元）",
        "amount_max_total": "金额上限合计（万元）",
        "allocated_total": "分配合计（万元）",
        "issuer": "发文机关",
        "doc_number": "文号",
        "date": "发文日期",
        "source": "来源",
        "clauses": "条款数",
        "budget": "预算（万元）",
    }

    def __init__(
        self,
        *,
        table: pd.DataFrame,
        documents: Sequence[PolicyDocument],
        frame: pd.DataFrame,
        on: dt.date,
        key: str,
        subject: str | None,
        skipped: Sequence[tuple[str, str]] = (),
        synthetic: bool = False,
    ) -> None:
        self.table = table
        self.documents = list(documents)
        self.frame = frame
        self.on = on
        self.key = key
        self.subject = subject
        self.skipped = list(skipped)
        self.synthetic = synthetic

    def tidy(self) -> pd.DataFrame:
        """One row per subject × clause (see the class docstring)."""
        return self.table.copy(deep=False)  # copy-on-write: changes to it never reach the result

    def by_clause(self) -> pd.DataFrame:
        """Per document and clause: counts by status and the amount totals (万元).

        Columns: document, clause, title, 符合, 可能符合, 不符合, amount_min_total,
        amount_max_total (NULL when some amount is unbounded), allocated_total.
        """
        t = self.table
        g = ["document", "clause"]
        counts = t.groupby([*g, "status"], observed=True).size()
        elig = t[t["status"] != "不符合"]
        sums = elig.groupby(g, observed=True)[["amount_min", "allocated"]].sum()
        unbounded = (
            elig["amount_max"]
            .isna()
            .groupby([elig["document"], elig["clause"]], observed=True)
            .any()
        )
        maxes = elig.groupby(g, observed=True)["amount_max"].sum()
        rows = []
        for doc in self.documents:
            for clause in doc.clauses:
                k = (doc.id, clause.id)
                has = clause.benefit is not None and k in sums.index
                rows.append(
                    {
                        "document": doc.id,
                        "clause": clause.id,
                        "title": clause.title,
                        **{s: int(counts.get((*k, s), 0)) for s in ("符合", "可能符合", "不符合")},
                        "amount_min_total": _float(sums.at[k, "amount_min"]) if has else np.nan,
                        "amount_max_total": _float(maxes.loc[k])
                        if has and not bool(unbounded.loc[k])
                        else np.nan,
                        "allocated_total": _float(sums.at[k, "allocated"]) if has else np.nan,
                    }
                )
        return pd.DataFrame(
            rows,
            columns=[
                "document",
                "clause",
                "title",
                "符合",
                "可能符合",
                "不符合",
                "amount_min_total",
                "amount_max_total",
                "allocated_total",
            ],
        )

    def documents_table(self) -> pd.DataFrame:
        """The evaluated documents with issuer, 文号, date, source and budget."""
        return pd.DataFrame(
            [
                {
                    "document": d.id,
                    "title": d.title,
                    "issuer": d.issuer,
                    "doc_number": d.doc_number,
                    "date": d.date.isoformat() if d.date else None,
                    "source": d.source,
                    "clauses": len(d.clauses),
                    "budget": d.budget.total if d.budget else np.nan,
                }
                for d in self.documents
            ],
            columns=[
                "document",
                "title",
                "issuer",
                "doc_number",
                "date",
                "source",
                "clauses",
                "budget",
            ],
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """政策匹配结果 (tidy), 按条款汇总 (by_clause), 政策文件 (documents)."""
        return {
            "政策匹配结果": self.tidy(),
            "按条款汇总": self.by_clause(),
            "政策文件": self.documents_table(),
        }

    def info_table(self) -> pd.DataFrame:
        """说明: assessment date, subjects, documents skipped and why."""
        rows = [
            ("评价日期", self.on.isoformat()),
            ("主体数", str(self.frame.shape[0])),
            (
                "判定规则",
                "符合：数据齐全且全部条件满足；可能符合：无条件不满足但缺少数据；不符合：有条件不满足",
            ),
        ]
        rows += [(f"未评价：{d}", why) for d, why in self.skipped]
        return pd.DataFrame(rows, columns=["项目", "内容"])

    def to_excel(self, path: str | Path) -> Path:
        """Workbook with sheets 政策匹配结果 (split into numbered sheets beyond Excel's
        1,048,575 rows), 按条款汇总, 政策文件 and 说明; Chinese headers."""
        out = Path(path)
        headers = self.excel_headers()
        with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
            for name, table in self.tables().items():
                t = table.rename(columns=headers)
                if len(t) <= _EXCEL_ROWS:
                    t.to_excel(writer, sheet_name=name, index=False)
                    continue
                for i, start in enumerate(range(0, len(t), _EXCEL_ROWS)):
                    t.iloc[start : start + _EXCEL_ROWS].to_excel(
                        writer, sheet_name=f"{name}{i + 1}", index=False
                    )
            info = self._info_labelled()
            if info is not None:
                info.to_excel(writer, sheet_name="说明", index=False)
        return out

    def summary(self) -> str:
        """Chinese summary: date, subjects, documents, counts by status and amounts."""
        t = self.table
        counts = t["status"].value_counts()
        subj = "人员" if self.subject == "person" else "企业"
        lines = [
            f"政策匹配（评价日 {self.on.isoformat()}）：{self.frame.shape[0]} 个{subj}，"
            f"{len(self.documents)} 个政策文件，"
            f"{sum(len(d.clauses) for d in self.documents)} 个条款，共 {len(t)} 条判定",
            f"符合 {int(counts.get('符合', 0))} 条，可能符合 {int(counts.get('可能符合', 0))} 条，"
            f"不符合 {int(counts.get('不符合', 0))} 条",
        ]
        meet = t[t["status"] == "符合"]
        if len(meet):
            lines.append(
                f"符合条款涉及 {meet[self.key].nunique()} 个{subj}，金额下限合计 "
                f"{_num(round(float(meet['amount_min'].sum()), 4))} 万元，预算内分配合计 "
                f"{_num(round(float(meet['allocated'].sum()), 4))} 万元"
            )
        for d, why in self.skipped:
            lines.append(f"未评价 {d}：{why}")
        return self.labelled("\n".join(lines))

    def explain(self, subject_key: Any, document: str | None = None) -> str:
        """Plain-Chinese explanation for one subject: per document and clause the status, each
        condition with ✓ (met) ✗ (not met) ? (unknown) and the values used, and the amount.

        Raises
        ------
        InputError
            When ``subject_key`` is not in the frame or ``document`` was not evaluated.
        """
        match = np.flatnonzero(
            (self.frame[self.key] == subject_key).to_numpy(dtype=bool, na_value=False)
        )
        if len(match) == 0:
            raise InputError(f"没有主体 {subject_key}（{self.key}）")
        docs = self.documents
        if document is not None:
            docs = [d for d in docs if d.id == document]
            if not docs:
                raise InputError(f"政策文件 {document} 未参与本次评价")
        row = self.frame.iloc[match[:1]].reset_index(drop=True)
        t = self.table
        mine = t[t[self.key] == subject_key]
        name = (
            row["name"].iloc[0] if "name" in row.columns and pd.notna(row["name"].iloc[0]) else ""
        )
        lines = [
            f"{subject_key}{'（' + str(name) + '）' if name else ''} 于 {self.on.isoformat()} 的政策匹配"
        ]
        if self.synthetic:
            lines.insert(0, "【示例数据】")
        for doc in docs:
            lines.append(f"\n{doc.citation}")
            rows = mine[mine["document"] == doc.id]
            if rows.empty:
                lines.append("  不在本文件适用地区内，未评价")
                continue
            cols = Columns(row, self.on, doc.fields)
            for clause in doc.clauses:
                r = rows[rows["clause"] == clause.id]
                if r.empty:  # pragma: no cover - every in-scope clause has a row
                    continue
                rr = r.iloc[0]
                head = f"  {clause.article + ' ' if clause.article else ''}{clause.id} {clause.title}：{rr['status']}"
                if rr["status"] != "不符合" and clause.benefit is not None:
                    head += (
                        f"，金额 {_fmt_amount(float(rr['amount_min']), float(rr['amount_max']))}"
                    )
                    if pd.notna(rr["allocated"]) and doc.budget is not None:
                        head += f"（预算内分配 {_num(round(float(rr['allocated']), 4))} 万元）"
                lines.append(head)
                trace: dict[str, Outcome] = {}
                condition_outcome(clause.when, cols, trace)
                if clause.when is None:
                    lines.append("    （无限制条件）")
                else:
                    lines.extend(_explain_node(clause.when, trace, row, doc, 2))
                if clause.benefit is not None:
                    lines.append(f"    金额规则：{clause.benefit.text}")
                note = str(rr["reason"])
                if "就高不重复" in note:
                    lines.append(f"    {note[note.index('就高不重复') :]}")
                if rr["missing"]:
                    labels = _labels(doc, str(rr["missing"]).split(","))
                    lines.append(f"    请补充：{labels}")
        return "\n".join(lines)


def _value_text(doc: PolicyDocument, row: pd.DataFrame, key: str) -> str:
    spec = doc.fields.get(key)
    label = doc.field_label(key)
    if key not in row.columns or pd.isna(row[key].iloc[0]) or str(row[key].iloc[0]).strip() == "":
        return f"{label}：缺少"
    v = row[key].iloc[0]
    if isinstance(v, bool | np.bool_):
        shown = "是" if v else "否"
    elif isinstance(v, float | np.floating):
        shown = _num(round(float(v), 6))
    elif isinstance(v, pd.Timestamp | dt.datetime):
        shown = v.date().isoformat()
    else:
        shown = str(v)
    unit = f" {spec.unit}" if spec and spec.unit and spec.unit != "0–1" else ""
    return f"{label} {shown}{unit}"


def _explain_node(
    c: Condition, trace: dict[str, Outcome], row: pd.DataFrame, doc: PolicyDocument, depth: int
) -> list[str]:
    out = trace[c.path]
    mark = "✓" if out.t[0] else ("✗" if out.f[0] else "?")
    pad = "  " * depth
    if c.children:
        word = {"all": "需全部满足", "any": "需满足其一", "not": "不得属于以下情形"}[c.kind]
        lines = [f"{pad}{mark} {word}："]
        for k in c.children:
            lines.extend(_explain_node(k, trace, row, doc, depth + 1))
        return lines
    keys = [k for k in c.fields if k in doc.fields or k in row.columns]
    if c.kind == "label" and c.op == "held":
        keys = [
            k
            for k in (c.fields[0], f"{c.fields[0]}_since", f"{c.fields[0]}_until")
            if k in row.columns
        ] or [c.fields[0]]
    values = "；".join(_value_text(doc, row, k) for k in keys)
    if c.kind == "ratio":
        a, b = (
            pd.to_numeric(row[k], errors="coerce").iloc[0] if k in row.columns else np.nan
            for k in c.fields
        )
        if pd.notna(a) and pd.notna(b) and b > 0:
            values += f"；比值 {_num(round(float(a) / float(b), 4))}"
    if c.kind == "diff":
        a, b = (
            pd.to_numeric(row[k], errors="coerce").iloc[0] if k in row.columns else np.nan
            for k in c.fields
        )
        if pd.notna(a) and pd.notna(b):
            values += f"；差额 {_num(round(float(a) - float(b), 4))}"
    return [f"{pad}{mark} {c.text}（{values}）"]
