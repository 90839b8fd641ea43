"""Page 方法: choose a built-in indicator system or upload a YAML system file (validated by
:func:`xinzhi.pipelines.systems.load_system_file`; the Chinese error names the key),
run and save a named evaluation (:func:`xinzhi.pipelines.evaluation.evaluate_counties`), and
compare the rankings of two stored evaluations.

The evaluation's controls are derived from its declaration
(:data:`xinzhi.registry.evaluation.EVALUATION`, the options of
:data:`xinzhi.pipelines.evaluation.METHOD_OPTIONS`): one control per declared method option —
a select with the declared choices and Chinese labels, a number with the declared bounds, a
yes / no select, or a text field — so a new declared option appears here without a line of
this module (:func:`control_spec`, :func:`given_options`). Left unset, an option takes the
indicator system's own (YAML ``options``), then the engine's default."""

from __future__ import annotations

import asyncio
import html
import tempfile
from pathlib import Path
from typing import Any

from fastapi import Request
from nicegui import events, ui

from xinzhi import auth
from xinzhi.auth import policy
from xinzhi.errors import ConfigError, XinzhiError
from xinzhi.pipelines.comparison import compare_rankings
from xinzhi.pipelines.evaluation import METHOD_OPTIONS, evaluate_counties
from xinzhi.pipelines.systems import (
    builtin_system_labels,
    load_system_file,
    method_defaults,
    system_table,
)
from xinzhi.pipelines.uploads import safe_file_name
from xinzhi.registry.core import Option
from xinzhi.registry.defaults import DEFAULT_SYSTEM
from xinzhi.registry.evaluation import EVALUATION
from xinzhi.web._context import connection
from xinzhi.web._data import evaluation_names, scores_of
from xinzhi.web._frame import guarded, table_of
from xinzhi.years import parse_years

__all__ = ["MAIN_OPTIONS", "control_spec", "given_options", "register"]

MAX_SYSTEM_FILE = 1024 * 1024

UNSET = "（体系默认）"
"""Label of the empty choice: the option is left unset (the system's own, then the engine's)."""

MAIN_OPTIONS = ("normalization", "weights", "aggregate", "missing", "scope", "weight_scope")
"""Shown first; every other declared method option is under 更多方法选项."""


def control_spec(option: Option) -> dict[str, Any]:
    """How the page shows a declared option: ``kind`` (select | number | text), ``label``,
    ``options`` (value → Chinese label, with ``""`` = :data:`UNSET` when it may stay unset),
    ``min`` / ``max`` (numbers) and ``help`` — all from the declaration.

    >>> control_spec(EVALUATION.option("entropy_k"))["options"]
    {'': '（体系默认）', 'n': 'k = 1/ln n（样本数）', 'nonzero': 'k = 1/ln（非零比重个数）'}
    """
    spec: dict[str, Any] = {
        "name": option.name,
        "label": option.label,
        "help": option.describe(),
    }
    unset = {"": UNSET} if option.optional else {}
    if option.choices:
        labels = {c: option.choice_label(c) for c in option.choices}
        spec.update(kind="select", options={**unset, **labels})
    elif option.type is bool:
        spec.update(kind="select", options={**unset, "true": "是", "false": "否"})
    elif option.type in (int, float):
        spec.update(kind="number", min=option.minimum, max=option.maximum)
    else:
        spec.update(kind="text")
    return spec


def given_options(values: dict[str, Any]) -> dict[str, Any]:
    """The options a user set on the page (empty controls left out), each converted and checked
    by its declaration (:meth:`Option.check`; the Chinese error names the option)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[name] = EVALUATION.option(name).check(value)
    return out


def _control(spec: dict[str, Any], value: Any) -> Any:
    """The NiceGUI control of a :func:`control_spec` (data-testid ``opt-<name>``)."""
    testid = f'data-testid="opt-{spec["name"]}"'
    if spec["kind"] == "select":
        c: Any = ui.select(spec["options"], value=value or "", label=spec["label"])
    elif spec["kind"] == "number":
        c = ui.number(spec["label"], value=value, min=spec["min"], max=spec["max"])
    else:
        c = ui.input(spec["label"], value=value or "")
    return c.props(testid).classes("w-64").tooltip(spec["help"])


def register() -> None:
    """Define the page."""

    @ui.page("/method", title="方法 · 新质 县域新质生产力")
    @guarded()
    async def method_page(request: Request, session: auth.Session) -> None:
        ui.label("方法：指标体系、运行并保存评价").classes("text-xl font-bold")
        may_run = policy.allows(session.user, policy.Action.RUN_EVALUATION)
        state: dict[str, Any] = {"custom": None}
        with ui.card().classes("w-full"):
            ui.label("指标体系").classes("font-bold")
            source = ui.toggle(
                {"builtin": "内置指标体系", "upload": "上传的 YAML 文件"}, value="builtin"
            ).props('data-testid="system-source"')
            builtin = ui.select(
                builtin_system_labels(), value=DEFAULT_SYSTEM, label="内置指标体系"
            ).classes("w-64")
            ui.label(
                "自定义体系：YAML 文件，键 name、title、options、dimensions（每个维度 name、"
                "indicators；每个指标 code、name、direction '+'/'-'，可选 unit、fixed_weight、"
                "transform、optional、shortfall），写法见 docs/evaluate.md。"
            ).classes("text-xs text-gray-500")
            status = ui.column().classes("w-full").props('data-testid="system-status"')

            async def handle_yaml(e: events.UploadEventArguments) -> None:
                shown = e.file.name
                safe = safe_file_name(shown)
                status.clear()
                state["custom"] = None
                if Path(safe).suffix.lower() not in (".yaml", ".yml"):
                    with status:
                        ui.label(f"只支持 .yaml / .yml 指标体系文件：{shown}").classes(
                            "text-negative"
                        ).props('data-testid="system-error"')
                    return
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / safe
                    await e.file.save(path)
                    try:
                        system = await asyncio.to_thread(load_system_file, path, shown)
                    except ConfigError as exc:
                        with status:
                            ui.label(f"指标体系文件无效：{shown}").classes(
                                "font-bold text-negative"
                            )
                            ui.label(str(exc)).classes("text-negative").props(
                                'data-testid="system-error"'
                            )
                        return
                state["custom"] = system
                source.value = "upload"
                with status:
                    ui.label(
                        f"已载入上传的指标体系 {system.name}"
                        + (f"（{system.title}）" if system.title else "")
                        + f"：{len(system.dimensions)} 个维度、{len(system.codes)} 个指标"
                    ).classes("text-positive").props('data-testid="system-ok"')
                    table_of(
                        system_table(system),
                        {
                            "dimension": "维度",
                            "code": "指标编码",
                            "name": "指标",
                            "direction": "方向",
                        },
                        row_key="code",
                        pagination=10,
                    )

            ui.upload(
                label="上传指标体系 YAML",
                auto_upload=True,
                on_upload=handle_yaml,
                max_file_size=MAX_SYSTEM_FILE,
            ).props('accept=".yaml,.yml" data-testid="system-upload"').classes("w-96")

        with ui.card().classes("w-full"):
            ui.label("运行并保存评价").classes("font-bold")
            # one control per declared option; preselected: the system's own weights and
            # aggregation, the others unset (the system's own, then the engine's default)
            chosen = method_defaults(DEFAULT_SYSTEM)
            controls: dict[str, Any] = {}
            with ui.row().classes("w-full"):
                for name in MAIN_OPTIONS:
                    spec = control_spec(EVALUATION.option(name))
                    controls[name] = _control(spec, chosen.get(name))
            with ui.expansion("更多方法选项（未设置时用指标体系自己的选项）").classes("w-full"):
                with ui.row().classes("w-full"):
                    for name in METHOD_OPTIONS:
                        if name not in MAIN_OPTIONS:
                            controls[name] = _control(control_spec(EVALUATION.option(name)), None)
            with ui.row().classes("items-end"):
                area = (
                    ui.input(
                        "评价范围（不填为全国）",
                        placeholder="湖南省、湘潭市，或逗号分隔的县区",
                    )
                    .props('data-testid="evaluation-area"')
                    .classes("w-80")
                    .tooltip(EVALUATION.option("area").describe())
                )
                years_in = (
                    ui.input("年份（不填为全部）", placeholder="2020 或 2010-2020")
                    .props('data-testid="evaluation-years"')
                    .classes("w-56")
                    .tooltip(EVALUATION.option("years").describe())
                )
                save_as = ui.input("保存名称", value="my-evaluation").classes("w-64")
            if not may_run:
                ui.label("运行并保存评价限管理员和分析员。").classes("text-sm text-gray-500")
            out = ui.column()

            async def run() -> None:
                if not save_as.value:
                    ui.notify("请填写保存名称", type="negative")
                    return
                if source.value == "upload" and state["custom"] is None:
                    ui.notify("请先上传有效的指标体系文件", type="negative")
                    return
                system = state["custom"] if source.value == "upload" else builtin.value
                label = system if isinstance(system, str) else system.name
                try:
                    options = given_options({n: c.value for n, c in controls.items()})
                    years = parse_years((years_in.value or "").strip() or None)
                    with connection(write=True) as con:
                        ev = await asyncio.to_thread(
                            evaluate_counties,
                            system,
                            options=options,
                            years=years,
                            con=con,
                            save_as=save_as.value,
                            area=(area.value or "").strip() or None,
                        )
                        auth.write_audit(
                            con,
                            "evaluate",
                            user=session.user.username,
                            target=save_as.value,
                            detail={
                                "system": label,
                                "area": area.value or "全国",
                                **{k: str(v) for k, v in options.items()},
                            },
                        )
                except XinzhiError as exc:
                    ui.notify(str(exc), type="negative", multi_line=True)
                    return
                out.clear()
                with out:
                    ui.html(
                        "<pre class='text-sm whitespace-pre-wrap'>"
                        + html.escape(ev.summary(10))
                        + "</pre>",
                        sanitize=False,
                    ).props('data-testid="run-summary"')
                    ui.label("本次评价的指标权重").classes("font-bold mt-2")
                    table_of(
                        ev.result.weight_table(),
                        {
                            "indicator": "指标编码",
                            "name": "指标",
                            "dimension": "维度",
                            "weight": "权重",
                        },
                        pagination=None,
                    ).props('data-testid="run-weights"')

            ui.button("运行并保存", on_click=run).props(
                "disable" if not may_run else 'data-testid="run-evaluation"'
            )

        with ui.card().classes("w-full"):
            ui.label("比较两个评价结果").classes("font-bold")
            names = evaluation_names()
            a = ui.select(names, label="评价 A").classes("w-64")
            b = ui.select(names, label="评价 B").classes("w-64")
            box = ui.column().classes("w-full")

            def compare() -> None:
                if not a.value or not b.value:
                    ui.notify("请选择两个评价结果", type="warning")
                    return
                m = compare_rankings(scores_of(a.value), scores_of(b.value))
                box.clear()
                with box:
                    table_of(
                        m,
                        {
                            "region_code": "代码",
                            "name": "县区",
                            "year": "年份",
                            "rank_a": "A 排名",
                            "rank_b": "B 排名",
                            "score_a": "A 得分",
                            "score_b": "B 得分",
                        },
                        row_key="key",
                    ).props('data-testid="compare-table"')

            ui.button("比较", on_click=compare)
