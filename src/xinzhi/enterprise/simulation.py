"""亩均评价结果的差别化政策模拟（policy simulation）: what differentiated electricity, water
and gas prices would raise and land-use-tax rebates would return, per firm, per park and in
total; and a what-if that moves the class cut-offs.

Schedule (YAML, validated by :func:`parse_schedule`; the built-in default is
``presets/schedule_default.yaml``, :func:`default_schedule`)::

    electricity: {D: [0.05, 0.10, 0.15]}   # 元/kWh by class; D by consecutive years in D
    land_tax: {rate: 6.0, rebate: {A: 1.0, B: 0.5, C: 0, D: 0}}   # 元/m²·年, share returned
    water: {D: 0.5}                        # 元/吨
    gas: {D: 0.3}                          # 元/m³

The default electricity surcharge is Shandong's for 亩产效益 class D (限制发展类): 0.05 元/kWh
in the first year, 0.10 in the second consecutive year, 0.15 from the third (济南日报,
2022-03-03, "山东明确‘亩产效益’评价企业差别化价格政策"); the land-tax rate and rebates and the
water and gas add-ons are illustrative (示意，未核实原文).

Formulas (units: the firm frame's electricity is 万千瓦时, water 万吨, gas 万立方米, land 亩)::

    electricity surcharge (万元) = electricity (万kWh) × surcharge (元/kWh)   [万 × 元 = 万元]
    water surcharge (万元)       = water (万吨) × add-on (元/吨)
    gas surcharge (万元)         = gas (万m³) × add-on (元/m³)
    land-tax rebate (万元)       = rate (元/m²) × land_area (亩) × 666.67 (m²/亩) × share / 10 000
    raised = electricity + water + gas surcharges;   returned = land-tax rebate;   net = raised − returned

(1 亩 = 10 000/15 m² ≈ 666.67 m².) A firm's consecutive years in D (``consecutive_d``, this year
included) select the D surcharge: 1 → first entry, 2 → second, ≥ the list's length → last;
default 1. Firms of class T pay and receive nothing. A missing electricity / water / gas / land
value gives a missing amount (needs data) and is left out of the sums.

Examples
--------
Two firms: a D firm in its second consecutive year using 100 万kWh pays 100 × 0.10 = 10 万元;
an A firm with 15 亩 gets 6 × 15 × 666.67 × 1.0 / 10 000 = 6 万元 back:

>>> import pandas as pd
>>> from xinzhi.enterprise.mujun import evaluate_mujun
>>> from xinzhi.enterprise.presets import parse_preset
>>> p = parse_preset({"key": "d", "name": "示例", "source": {"issuer": "示例数据"},
...     "lists": {"above_scale": {"indicators": {"tax_per_mu": 100}}},
...     "classes": {"method": "thresholds", "thresholds": {"A": 100, "B": 90, "C": 80}}})
>>> firms = pd.DataFrame({"credit_code": ["a", "d"], "above_scale": True,
...     "land_area": [15.0, 15.0], "tax": [300.0, 100.0], "electricity": [50.0, 100.0]})
>>> r = evaluate_mujun(firms, p)
>>> r.tidy()[["credit_code", "score", "class"]].values.tolist()
[['a', 150.0, 'A'], ['d', 50.0, 'D']]
>>> s = simulate(r, firms, consecutive_d={"d": 2})
>>> s.tidy()[["credit_code", "raised", "returned"]].round(6).values.tolist()
[['a', 0.0, 6.0], ['d', 10.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import yaml

from xinzhi import yamlfile
from xinzhi.enterprise.mujun import MujunResult, class_expr
from xinzhi.enterprise.presets import CLASSES, LIST_LABELS, ClassRule, Source, parse_classes
from xinzhi.errors import ConfigError, InputError
from xinzhi.results import Result

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "M2_PER_MU",
    "PolicySchedule",
    "SimulationResult",
    "default_schedule",
    "parse_schedule",
    "simulate",
    "what_if",
]

M2_PER_MU = 10000.0 / 15.0
"""Square metres per 亩 (≈ 666.67)."""

_TOP = {"key", "name", "source", "electricity", "land_tax", "water", "gas", "notes"}
_SOURCE = {"issuer", "document", "title", "date", "url", "note"}


@dataclass(frozen=True)
class PolicySchedule:
    """A validated schedule: surcharges by class (D by consecutive years), land-tax rebates."""

    key: str
    name: str
    source: Source
    electricity: dict[str, tuple[float, ...]]
    water: dict[str, tuple[float, ...]]
    gas: dict[str, tuple[float, ...]]
    land_tax_rate: float
    land_tax_rebate: dict[str, float]
    notes: str = ""


def _num(v: Any, where: str, *, low: float | None = None) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(float(v)):
        raise ConfigError(f"政策方案的 {where} 应为数值，现为 {v!r}")
    if low is not None and float(v) < low:
        raise ConfigError(f"政策方案的 {where} 不能小于 {low:g}，现为 {v!r}")
    return float(v)


def _keys(d: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(d, Mapping):
        raise ConfigError(f"政策方案的 {where} 应为键值映射（mapping），现为 {type(d).__name__}")
    for k in d:
        if str(k) not in allowed:
            raise ConfigError(
                f"政策方案中有未知的键 {k!r}（位置：{where}）；可用的键：{'、'.join(sorted(allowed))}"
            )
    return {str(k): v for k, v in d.items()}


def _by_class(d: Any, where: str) -> dict[str, tuple[float, ...]]:
    out: dict[str, tuple[float, ...]] = {}
    for c, v in _keys(d or {}, set(CLASSES), where).items():
        if isinstance(v, list):
            if c != "D":
                raise ConfigError(f"政策方案的 {where}.{c} 应为数值：只有 D 类可按连续年数给出列表")
            if not v:
                raise ConfigError(f"政策方案的 {where}.D 列表不能为空")
            out[c] = tuple(_num(x, f"{where}.D[{i}]", low=0) for i, x in enumerate(v))
        else:
            out[c] = (_num(v, f"{where}.{c}", low=0),)
    return out


def parse_schedule(data: dict[str, Any] | str) -> PolicySchedule:
    """Validate a schedule (YAML text or dict; keys in the module docstring).

    Raises
    ------
    ConfigError
        Chinese message naming the key at fault (unknown key or class, a value that is not a
        number, a rebate share outside 0–1, a list for a class other than D).
    """
    if isinstance(data, str):
        try:
            data = yamlfile.safe_load(data)
        except yaml.YAMLError as exc:
            raise ConfigError(f"政策方案 YAML 无法解析：{exc}") from exc
    d = _keys(data, _TOP, "顶层")
    src = _keys(d.get("source") or {"issuer": "用户方案"}, _SOURCE, "source")
    if not src.get("issuer"):
        raise ConfigError("政策方案的 source.issuer（发文机关）不能为空")
    lt = _keys(d.get("land_tax") or {}, {"rate", "rebate"}, "land_tax")
    rebate: dict[str, float] = {}
    for c, v in _keys(lt.get("rebate") or {}, set(CLASSES), "land_tax.rebate").items():
        share = _num(v, f"land_tax.rebate.{c}", low=0)
        if share > 1:
            raise ConfigError(
                f"政策方案的 land_tax.rebate.{c} 为返还比例，应在 0–1 之间，现为 {v!r}"
            )
        rebate[c] = share
    return PolicySchedule(
        key=str(d.get("key") or "custom"),
        name=str(d.get("name") or "自定义政策方案"),
        source=Source(**{k: (None if v is None else str(v)) for k, v in src.items()}),  # type: ignore[arg-type]
        electricity=_by_class(d.get("electricity"), "electricity"),
        water=_by_class(d.get("water"), "water"),
        gas=_by_class(d.get("gas"), "gas"),
        land_tax_rate=_num(lt.get("rate", 0.0), "land_tax.rate", low=0),
        land_tax_rebate=rebate,
        notes=str(d.get("notes") or ""),
    )


@cache
def default_schedule() -> PolicySchedule:
    """The built-in schedule (``presets/schedule_default.yaml``; sources in the module docstring)."""
    text = (
        resources.files("xinzhi.enterprise")
        .joinpath("presets")
        .joinpath("schedule_default.yaml")
        .read_text("utf-8")
    )
    return parse_schedule(text)


def _rate(cls: pd.Series, years: pd.Series, table: dict[str, tuple[float, ...]]) -> pd.Series:
    """Per-firm rate: the class's value; for a D list, entry min(years, len) − 1."""
    out = pd.Series(0.0, index=cls.index)
    for c, values in table.items():
        idx = (years.clip(lower=1, upper=len(values)) - 1).astype(int).to_numpy()
        out = out.where(cls != c, pd.Series(np.asarray(values)[idx], index=cls.index))
    return out


class SimulationResult(Result):
    """Per-firm amounts raised and returned (万元), with park and overall totals."""

    headers: ClassVar[dict[str, str]] = {
        "credit_code": "统一社会信用代码",
        "name": "企业名称",
        "park": "园区",
        "list": "名单",
        "class": "类别",
        "years_in_d": "连续列入D类年数",
        "electricity_surcharge": "电价加价（万元）",
        "water_surcharge": "水价加价（万元）",
        "gas_surcharge": "气价加价（万元）",
        "raised": "加价合计（万元）",
        "land_tax_rebate": "土地使用税返还（万元）",
        "returned": "返还合计（万元）",
        "net": "净额（万元）",
        "firms": "企业数",
    }

    def __init__(self, table: pd.DataFrame, schedule: PolicySchedule) -> None:
        self.table = table
        self.schedule = schedule

    def tidy(self) -> pd.DataFrame:
        """One row per firm (columns of :attr:`headers`)."""
        return self.table.copy()

    def _sums(self, df: pd.DataFrame) -> dict[str, Any]:
        cols = [
            "electricity_surcharge",
            "water_surcharge",
            "gas_surcharge",
            "raised",
            "land_tax_rebate",
            "returned",
            "net",
        ]
        return {"firms": len(df), **{c: float(df[c].sum(min_count=1)) for c in cols}}

    def park_totals(self) -> pd.DataFrame:
        """Sums per park (firms without a park under "（未填园区）")."""
        df = self.table.assign(park=self.table["park"].fillna("（未填园区）"))
        rows = [{"park": k, **self._sums(g)} for k, g in df.groupby("park", sort=True)]
        return pd.DataFrame(rows)

    def totals(self) -> pd.DataFrame:
        """One row: the sums over all firms."""
        return pd.DataFrame([{"park": "合计", **self._sums(self.table)}])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"企业明细": self.tidy(), "园区汇总": self.park_totals(), "合计": self.totals()}

    def summary(self) -> str:
        t = self.totals().iloc[0]
        s = self.schedule
        return self.labelled(
            "\n".join(
                [
                    f"差别化政策模拟（{s.name}；依据：{s.source.text()}）",
                    f"企业 {int(t['firms'])} 家：加价合计 {t['raised']:.2f} 万元"
                    f"（电 {t['electricity_surcharge']:.2f}、水 {t['water_surcharge']:.2f}、"
                    f"气 {t['gas_surcharge']:.2f}），土地使用税返还 {t['returned']:.2f} 万元，"
                    f"净额 {t['net']:.2f} 万元",
                ]
            )
        )


def _frame(firms: pd.DataFrame | ir.Table) -> pd.DataFrame:
    if isinstance(firms, pd.DataFrame):
        df = firms
    else:
        keep = [
            c
            for c in ("credit_code", "electricity", "water", "gas", "land_area")
            if c in firms.columns
        ]
        df = firms.select(keep).execute()
    if "credit_code" not in df.columns:
        raise InputError("企业数据缺少统一社会信用代码列 credit_code")
    out = pd.DataFrame({"credit_code": df["credit_code"].astype(str)})
    for c in ("electricity", "water", "gas", "land_area"):
        out[c] = pd.to_numeric(df[c], errors="coerce") if c in df.columns else np.nan
    return out.drop_duplicates("credit_code")


def simulate(
    result: MujunResult,
    firms: pd.DataFrame | ir.Table,
    schedule: PolicySchedule | dict[str, Any] | str | None = None,
    consecutive_d: Mapping[str, int] | pd.Series | None = None,
) -> SimulationResult:
    """Amounts raised (surcharges) and returned (land-tax rebates) per firm, in 万元.

    Parameters
    ----------
    result : MujunResult
        The classes (from :func:`xinzhi.enterprise.mujun.evaluate_mujun`).
    firms : DataFrame or ibis Table
        The firm frame: credit_code, electricity (万千瓦时), water (万吨), gas (万立方米),
        land_area (亩).
    schedule : PolicySchedule, dict, YAML text or None
        Default :func:`default_schedule`.
    consecutive_d : mapping or Series, optional
        credit_code → consecutive years in class D including this one (default 1).

    Returns
    -------
    SimulationResult
    """
    if schedule is None:
        sched = default_schedule()
    elif isinstance(schedule, PolicySchedule):
        sched = schedule
    else:
        sched = parse_schedule(schedule)
    base = result.table[["credit_code", "name", "park", "list_key", "class"]].copy()
    base["credit_code"] = base["credit_code"].astype(str)
    df = base.merge(_frame(firms), on="credit_code", how="left")
    years = pd.Series(1, index=df.index, dtype="int64")
    if consecutive_d is not None:
        given = pd.Series(consecutive_d, dtype="float64")
        years = df["credit_code"].map(given).fillna(1).astype("int64").clip(lower=1)
    df["years_in_d"] = years.where(df["class"] == "D")
    cls = df["class"]
    df["electricity_surcharge"] = df["electricity"] * _rate(cls, years, sched.electricity)
    df["water_surcharge"] = df["water"] * _rate(cls, years, sched.water)
    df["gas_surcharge"] = df["gas"] * _rate(cls, years, sched.gas)
    share = cls.map(sched.land_tax_rebate).fillna(0.0).astype(float)
    df["land_tax_rebate"] = sched.land_tax_rate * df["land_area"] * M2_PER_MU * share / 10000.0
    # a zero rate needs no data: 0 × NaN counts as 0
    for col, rate in (
        ("electricity_surcharge", _rate(cls, years, sched.electricity)),
        ("water_surcharge", _rate(cls, years, sched.water)),
        ("gas_surcharge", _rate(cls, years, sched.gas)),
        ("land_tax_rebate", share * sched.land_tax_rate),
    ):
        df[col] = df[col].where(rate != 0, 0.0)
    parts = df[["electricity_surcharge", "water_surcharge", "gas_surcharge"]]
    df["raised"] = parts.sum(axis=1, min_count=1)
    df["returned"] = df["land_tax_rebate"]
    df["net"] = df["raised"] - df["returned"]
    df["list"] = df["list_key"].map(LIST_LABELS)
    cols = [
        "credit_code",
        "name",
        "park",
        "list",
        "class",
        "years_in_d",
        "electricity_surcharge",
        "water_surcharge",
        "gas_surcharge",
        "raised",
        "land_tax_rebate",
        "returned",
        "net",
    ]
    return SimulationResult(df[cols].reset_index(drop=True), sched)


def what_if(result: MujunResult, cutoffs: ClassRule | dict[str, Any]) -> pd.DataFrame:
    """Re-cut the classes of every list with other cut-offs and list who changes class.

    Parameters
    ----------
    result : MujunResult
        The evaluation (its scores are kept).
    cutoffs : ClassRule or dict
        ``{"method": "percentile", "shares": {"A": …, "B": …, "C": …, "D": …}}`` or
        ``{"method": "thresholds", "thresholds": {"A": …, "B": …, "C": …}}`` (validated like a
        preset's ``classes``), applied to all lists.

    Returns
    -------
    DataFrame
        credit_code, name, list, score, class, class_new, change (升 / 降), only the firms
        whose class changes, best new class first.
    """
    import ibis

    rule = cutoffs if isinstance(cutoffs, ClassRule) else parse_classes(cutoffs, "cutoffs")
    df = result.table
    t = ibis.memtable(
        pd.DataFrame(
            {
                "credit_code": df["credit_code"].astype(str),
                "region_code": df["region_code"].astype(object),
                "list_key": df["list_key"].astype(str),
                "rated": df["rated"].astype(bool),
                "score": df["score"].astype(float),
            }
        )
    )
    t = t.mutate(region_code=t.region_code.cast("string"))
    new = class_expr(t, {}, rule).select("credit_code", "class").execute()
    new = new.rename(columns={"class": "class_new"})
    out = df[["credit_code", "name", "list_key", "score", "class"]].merge(new, on="credit_code")
    out = out[out["class"] != out["class_new"]].copy()
    order = {c: i for i, c in enumerate(CLASSES)}
    out["change"] = np.where(out["class_new"].map(order) < out["class"].map(order), "升", "降")
    out["list"] = out["list_key"].map(LIST_LABELS)
    out = out.sort_values(["class_new", "score"], ascending=[True, False])
    return out[
        ["credit_code", "name", "list", "score", "class", "class_new", "change"]
    ].reset_index(drop=True)
