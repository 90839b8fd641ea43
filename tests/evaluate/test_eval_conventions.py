"""Conventions of published evaluation studies (issue #12 parts 1–4, 6), each by hand.

Small cases with the arithmetic written out; per-year entropy on ``replication/green`` equals
nine separate single-year runs; the green study's weights and scores are re-derived from the
reported intermediates (d_j/Σd = its entropy weights, D⁻/(D⁺ + D⁻) = its TOPSIS scores).
"""

from __future__ import annotations

import inspect
from math import log, sqrt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from xinzhi import datasets
from xinzhi.cli import app, evaluate_cmd
from xinzhi.errors import ConfigError, InputError
from xinzhi.evaluate import evaluate
from xinzhi.evaluate import weights as wts
from xinzhi.evaluate.options import EvaluationOptions, parse_range
from xinzhi.indicators.system import IndicatorSystem
from xinzhi.registry.evaluation import EVALUATION

# -- the small panel: 3 units × 2 years, a and b benefit indicators (示例数据) ----------------
# 2020: a = (1, 2, 3) → z = (0, ½, 1), p = (0, ⅓, ⅔);  b = (0, 0, 5) → z = (0, 0, 1), p = (0, 0, 1)
# 2021: a = (5, 1, 3) → z = (1, 0, ½), p = (⅔, 0, ⅓);  b = (1, 2, 3) → z = (0, ½, 1), p = (0, ⅓, ⅔)
PANEL = pd.DataFrame(
    {
        "unit": ["甲", "乙", "丙"] * 2,
        "year": [2020] * 3 + [2021] * 3,
        "a": [1.0, 2.0, 3.0, 5.0, 1.0, 3.0],
        "b": [0.0, 0.0, 5.0, 1.0, 2.0, 3.0],
    }
)
TWO = IndicatorSystem.from_dict(
    {
        "name": "示例",
        "dimensions": [
            {"name": "D1", "indicators": [{"code": "a", "name": "a", "direction": "+"}]},
            {"name": "D2", "indicators": [{"code": "b", "name": "b", "direction": "+"}]},
        ],
    }
)
H_THIRDS = -(1 / 3 * log(1 / 3) + 2 / 3 * log(2 / 3))  # −Σ p ln p of (0, ⅓, ⅔) = 0.636514
E_THIRDS = H_THIRDS / log(3)  # 0.579380 (k = 1/ln 3)


def _approx(x: object) -> object:
    return pytest.approx(x, abs=1e-12)


# ------------------------------------------------------------------ part 1: weights per year
def test_weights_per_year_by_hand() -> None:
    res = evaluate(PANEL, TWO, weights="entropy", weight_scope="year")
    wt = res.weight_table()
    assert list(wt.columns[:3]) == ["year", "indicator", "name"]
    # 2020: e_a = 0.579380, e_b = 0 (p = (0, 0, 1)); d = (0.420620, 1); w = d/Σd
    d20 = np.array([1 - E_THIRDS, 1.0])
    w20 = d20 / d20.sum()  # (0.296082, 0.703918)
    # 2021: both columns have p = a permutation of (0, ⅓, ⅔): equal entropy, w = (½, ½)
    y20, y21 = wt[wt["year"] == 2020], wt[wt["year"] == 2021]
    assert y20["weight"].tolist() == _approx(w20.tolist())
    assert y21["weight"].tolist() == _approx([0.5, 0.5])
    assert y20["entropy_e"].tolist() == _approx([E_THIRDS, 0.0])
    assert y20["entropy_d"].tolist() == _approx(d20.tolist())
    # scores (weighted sum, per-year min–max): 2020 甲 0, 乙 ½·w_a, 丙 w_a + w_b = 1;
    # 2021 甲 ½·1 = 0.5, 乙 ½·½ = 0.25, 丙 ½·½ + ½·1 = 0.75
    assert res.score.tolist() == _approx([0.0, 0.5 * w20[0], 1.0, 0.5, 0.25, 0.75])
    # the result's one-vector weights are the mean of the yearly ones (stored evaluations)
    assert res.weights.tolist() == _approx(((w20 + 0.5) / 2).tolist())
    assert len(res.weight_table(by_year=False)) == 2
    assert "逐年赋权" in res.summary()


def test_pooled_weights_differ_and_keep_one_row_per_indicator() -> None:
    res = evaluate(PANEL, TWO, weights="entropy")
    wt = res.weight_table()
    assert "year" not in wt.columns and len(wt) == 2
    # pooled min–max: a over (1,2,3,5,1,3) → (0, ¼, ½, 1, 0, ½), Σ = 2.25
    p = np.array([0, 0.25, 0.5, 1, 0, 0.5]) / 2.25
    nz = p[p > 0]
    e_a = -(nz * np.log(nz)).sum() / log(6)
    assert wt["entropy_e"].iloc[0] == _approx(e_a)


def test_year_scope_equals_single_year_runs_by_hand_panel() -> None:
    res = evaluate(PANEL, TWO, weights="critic", aggregate="topsis", weight_scope="year")
    for y in (2020, 2021):
        one = evaluate(PANEL[PANEL["year"] == y], TWO, weights="critic", aggregate="topsis")
        rows = res.years == y
        assert res.score[rows].tolist() == _approx(one.score.tolist())
        got = res.weight_table()
        assert got[got["year"] == y]["weight"].tolist() == _approx(one.weights.tolist())


def test_year_scope_needs_two_units_per_year() -> None:
    with pytest.raises(Exception, match="只有 1 个评价单元"):
        evaluate(PANEL.iloc[:4], TWO, weights="entropy", weight_scope="year")


# ------------------------------------------------------------------ part 2: entropy variants
def test_entropy_k_nonzero_and_zero_log_zero() -> None:
    z = np.array([[0.0, 0.0], [0.5, 0.0], [1.0, 1.0]])  # the 2020 cross-section
    n = wts.entropy_parts(z, k="n")
    assert n.e.tolist() == _approx([E_THIRDS, 0.0])  # 0·ln0 := 0 in both columns
    nz = wts.entropy_parts(z, k="nonzero")
    # a: 2 non-zero p → k = 1/ln 2, e = 0.636514/0.693147 = 0.918296; b: 1 non-zero → e := 0
    assert nz.e.tolist() == _approx([H_THIRDS / log(2), 0.0])
    assert nz.k.tolist() == _approx([1 / log(2), 0.0])
    d = np.array([1 - H_THIRDS / log(2), 1.0])
    assert nz.weight.tolist() == _approx((d / d.sum()).tolist())
    res = evaluate(PANEL, TWO, weights="entropy", weight_scope="year", entropy_k="nonzero")
    wt = res.weight_table()
    assert wt[wt["year"] == 2020]["weight"].tolist() == _approx((d / d.sum()).tolist())


def test_entropy_shift_by_hand() -> None:
    # a in 2020: z + 1 = (1, 1.5, 2), Σ = 4.5, p = (2/9, 1/3, 4/9)
    p = np.array([2 / 9, 1 / 3, 4 / 9])
    e = -(p * np.log(p)).sum() / log(3)
    parts = wts.entropy_parts(np.array([[0.0], [0.5], [1.0]]), shift=1.0)
    assert parts.e[0] == _approx(e)
    assert parts.d[0] == _approx(1 - e)


def test_rescale_to_a_range_by_hand() -> None:
    # 2020 a: z = (0, ½, 1) → 0.002 + 0.996·z = (0.002, 0.5, 0.998); Σ = 1.5
    res = evaluate(PANEL, TWO, weights="entropy", weight_scope="year", rescale="0.002,0.998")
    assert res.normalized[:3, 0].tolist() == _approx([0.002, 0.5, 0.998])
    p = np.array([0.002, 0.5, 0.998]) / 1.5
    e = -(p * np.log(p)).sum() / log(3)
    wt = res.weight_table()
    assert wt[wt["year"] == 2020]["entropy_e"].iloc[0] == _approx(e)
    # obstacle degrees stay on the plain min–max values: 甲 2020 has gap (1, 1) → w_a, w_b
    w = wt[wt["year"] == 2020]["weight"].to_numpy()
    assert res.obstacle_matrix[0].tolist() == _approx(w.tolist())


def test_rescale_is_parsed_and_checked() -> None:
    assert parse_range("0.002, 0.998") == (0.002, 0.998)
    assert parse_range("[0.1, 0.9]") == (0.1, 0.9)
    assert EvaluationOptions.resolve({"rescale": [0.002, 0.998]}).rescale == (0.002, 0.998)
    with pytest.raises(ConfigError, match="下限应小于上限"):
        EvaluationOptions.resolve({"rescale": "1,0"})
    with pytest.raises(ConfigError, match="两个数"):
        EvaluationOptions.resolve({"rescale": "0.1"})
    with pytest.raises(ConfigError, match="只用于极差标准化"):
        EvaluationOptions.resolve({"rescale": "0,1", "normalization": "zscore"})
    with pytest.raises(ConfigError, match="entropy_k"):
        EvaluationOptions.resolve({"entropy_k": "all"})


# ------------------------------------------------------------------ part 3: score basis
def test_score_basis_proportion_by_hand() -> None:
    res = evaluate(PANEL, TWO, weights="entropy", weight_scope="year", score_basis="proportion")
    # 2021: w = (½, ½), p_a = (⅔, 0, ⅓), p_b = (0, ⅓, ⅔) → S = (⅓, ⅙, ½)
    assert res.score[3:].tolist() == _approx([1 / 3, 1 / 6, 1 / 2])
    # 2020: p_a = (0, ⅓, ⅔), p_b = (0, 0, 1) → S = (0, ⅓·w_a, ⅔·w_a + w_b)
    d = np.array([1 - E_THIRDS, 1.0])
    w = d / d.sum()
    assert res.score[:3].tolist() == _approx([0.0, w[0] / 3, 2 * w[0] / 3 + w[1]])
    with pytest.raises(ConfigError, match="只用于线性加权"):
        evaluate(PANEL, TWO, score_basis="proportion", aggregate="topsis")


# ------------------------------------------------------------------ part 4: two-stage entropy
THREE = IndicatorSystem.from_dict(
    {
        "name": "示例",
        "dimensions": [
            {"name": "D1", "indicators": [{"code": "a", "name": "a", "direction": "+"}]},
            {
                "name": "D2",
                "indicators": [
                    {"code": "b", "name": "b", "direction": "+"},
                    {"code": "c", "name": "c", "direction": "+"},
                ],
            },
        ],
    }
)
ONE_YEAR = pd.DataFrame(
    {"unit": ["甲", "乙", "丙"], "a": [5.0, 1.0, 3.0], "b": [1.0, 2.0, 3.0], "c": [1.0, 3.0, 2.0]}
)


def test_two_stage_entropy_by_hand() -> None:
    res = evaluate(ONE_YEAR, THREE, weights="equal", dimension_weights="entropy")
    # stage 1 (equal weights, within D2 ½ each): z_a = (1, 0, ½); z_b = (0, ½, 1),
    # z_c = (0, 1, ½) → S_D1 = (1, 0, ½), S_D2 = (0, ¾, ¾)
    assert res.dimension_scores.ravel().tolist() == _approx([1, 0, 0, 0.75, 0.5, 0.75])
    # re-normalised: S'_D1 = (1, 0, ½), S'_D2 = (0, 1, 1); second entropy:
    # e_1 = 0.636514/ln 3 = 0.579380 (p = ⅔, 0, ⅓), e_2 = ln 2/ln 3 = 0.630930 (p = 0, ½, ½)
    d = np.array([1 - E_THIRDS, 1 - log(2) / log(3)])  # (0.420620, 0.369070)
    w = d / d.sum()  # (0.532639, 0.467361)
    assert res.dimension_weights.tolist() == _approx(w.tolist())
    assert res.score.tolist() == _approx([w[0], w[1], 0.5 * w[0] + w[1]])
    dwt = res.dimension_weight_table()
    assert dwt["entropy_e"].tolist() == _approx([E_THIRDS, log(2) / log(3)])
    det = res.details()
    assert det["dim_norm:D2"].tolist() == _approx([0.0, 1.0, 1.0])
    assert "维度权重" in res.tables()
    assert "两阶段：维度得分混合再标准化，entropy 赋维度权重" in res.summary()


def test_two_stage_critic_by_hand() -> None:
    res = evaluate(ONE_YEAR, THREE, weights="equal", dimension_weights="critic")
    # S' = (1, 0, ½) and (0, 1, 1): s_1 = ½, s_2 = √(1/3) = 0.577350;
    # centred (½, −½, 0), (−⅔, ⅓, ⅓): cov = (−⅓ − ⅙ + 0)/2 = −¼, r = −¼/(½·0.577350) = −0.866025
    s1, s2 = 0.5, sqrt(1 / 3)
    r = -0.25 / (s1 * s2)
    c = np.array([s1 * (1 - r), s2 * (1 - r)])
    w = c / c.sum()
    assert res.dimension_weights.tolist() == _approx(w.tolist())
    assert res.score.tolist() == _approx([w[0], w[1], 0.5 * w[0] + w[1]])


def test_two_stage_renormalises_per_year() -> None:
    res = evaluate(PANEL, TWO, weights="equal", dimension_weights="entropy", dimension_scope="year")
    det = res.details()
    for _, g in det.groupby("year"):
        assert g["dim_norm:D1"].min() == 0.0 and g["dim_norm:D1"].max() == 1.0
    pooled = evaluate(PANEL, TWO, weights="equal", dimension_weights="entropy").details()
    # pooled min–max of S_D1 = z_a pooled = (0, ¼, ½, 1, 0, ½) stays as it is
    assert pooled["dim_norm:D1"].tolist() == _approx([0, 0.25, 0.5, 1, 0, 0.5])


# ------------------------------------------------------------------ part 6: intermediates
def test_critic_intermediates_by_hand() -> None:
    cp = wts.critic_parts(np.array([[0.0, 0.0], [0.5, 0.0], [1.0, 1.0]]))
    # s_a = ½, s_b = √(1/3); centred (−½, 0, ½), (−⅓, −⅓, ⅔): cov = (⅙ + ⅓)/2 = ¼,
    # r = ¼/(½·0.577350) = 0.866025; conflict = 1 − r for both
    r = 0.25 / (0.5 * sqrt(1 / 3))
    assert cp.sigma.tolist() == _approx([0.5, sqrt(1 / 3)])
    assert cp.conflict.tolist() == _approx([1 - r, 1 - r])
    assert cp.information.tolist() == _approx([0.5 * (1 - r), sqrt(1 / 3) * (1 - r)])
    assert cp.weight.tolist() == _approx(
        [0.5 / (0.5 + sqrt(1 / 3)), sqrt(1 / 3) / (0.5 + sqrt(1 / 3))]
    )


TOPSIS_DATA = pd.DataFrame({"unit": ["甲", "乙", "丙"], "a": [2.0, 0.0, 1.0], "b": [0.0, 2.0, 1.0]})


def test_topsis_distances_and_grey_coefficients_by_hand() -> None:
    w = {"a": 0.6, "b": 0.4}
    res = evaluate(TOPSIS_DATA, TWO, weights="expert", expert_weights=w, aggregate="topsis")
    # z = (1, 0), (0, 1), (½, ½); v = (0.6, 0), (0, 0.4), (0.3, 0.2); v⁺ = (0.6, 0.4), v⁻ = 0
    det = res.details()
    assert det["topsis_d_plus"].tolist() == _approx([0.4, 0.6, sqrt(0.3**2 + 0.2**2)])
    assert det["topsis_d_minus"].tolist() == _approx([0.6, 0.4, sqrt(0.3**2 + 0.2**2)])
    assert res.score.tolist() == _approx([0.6, 0.4, 0.5])
    grey = evaluate(TOPSIS_DATA, TWO, weights="expert", expert_weights=w, aggregate="grey")
    # Δ = |1 − z| = (0, 1), (1, 0), (½, ½); Δmin = 0, Δmax = 1, ρ = ½: ξ = ½/(Δ + ½)
    g = grey.details()
    assert g["grey:a"].tolist() == _approx([1.0, 1 / 3, 0.5])
    assert g["grey:b"].tolist() == _approx([1 / 3, 1.0, 0.5])
    assert grey.score.tolist() == _approx([0.6 + 0.4 / 3, 0.6 / 3 + 0.4, 0.5])
    assert "中间结果" in grey.tables() and "中间结果" in res.tables()
    plain = evaluate(TOPSIS_DATA, TWO, weights="equal").details()
    assert list(plain.columns) == ["unit", "year", "score"]


def test_workbook_has_chinese_sheets_and_headers(tmp_path: Path) -> None:
    res = evaluate(PANEL, TWO, weights="combined", aggregate="topsis", weight_scope="year")
    path = res.to_excel(tmp_path / "r.xlsx")
    book = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert {"综合得分", "权重", "中间结果"} <= set(book)
    cols = set(book["权重"].columns)
    assert {"年份", "熵权法权重", "CRITIC权重", "信息熵e_j", "差异系数d_j（1−e_j）"} <= cols
    assert {"标准差σ_j", "冲突性Σ(1−r)", "信息量C_j"} <= cols
    assert "entropy" not in cols  # the deprecated alias is not in the workbook
    assert {"正理想解距离D⁺", "负理想解距离D⁻"} <= set(book["中间结果"].columns)


# ------------------------------------------------------------------ surfaces
def test_every_declared_method_option_has_a_cli_flag() -> None:
    params = set(inspect.signature(evaluate_cmd.evaluate).parameters)
    declared = {o.name for o in EVALUATION.options} - {"system", "save_as", "years", "scope"}
    assert declared <= params
    assert set(evaluate_cmd.METHOD_FLAGS) <= declared
    yaml_keys = {f for f in EvaluationOptions.__dataclass_fields__} - {
        "extra", "years", "ahp", "expert_weights", "missing", "weights", "aggregate", "scope"
    }  # fmt: skip
    assert yaml_keys == set(evaluate_cmd.METHOD_FLAGS)


def _system_file(tmp_path: Path, options: dict) -> Path:
    path = tmp_path / "s.yaml"
    d = {
        "name": "示例",
        "options": options,
        "dimensions": [
            {"name": "D1", "indicators": [{"code": "a", "name": "a", "direction": "+"}]},
            {"name": "D2", "indicators": [{"code": "b", "name": "b", "direction": "+"}]},
        ],
    }
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return path


def test_cli_flags_override_the_yaml(tmp_path: Path) -> None:
    sys_file = _system_file(
        tmp_path, {"weights": "entropy", "weight_scope": "pooled", "entropy_k": "n"}
    )
    inp = tmp_path / "in.csv"
    PANEL.to_csv(inp, index=False)
    w, det = tmp_path / "w.csv", tmp_path / "d.csv"
    res = CliRunner().invoke(
        app,
        ["evaluate", "--system", str(sys_file), "--input", str(inp), "--weight-scope", "year",
         "--entropy-k", "nonzero", "--aggregate", "topsis", "--weights-output", str(w),
         "--details-output", str(det)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    wt = pd.read_csv(w)
    assert list(wt.columns[:2]) == ["year", "indicator"]
    d = np.array([1 - H_THIRDS / log(2), 1.0])  # 2020 with k = 1/ln(non-zero count)
    assert wt[wt["year"] == 2020]["weight"].tolist() == _approx((d / d.sum()).tolist())
    assert {"entropy_weight", "entropy_e", "entropy_d", "entropy"} <= set(wt.columns)
    details = pd.read_csv(det)
    assert {"unit", "year", "score", "topsis_d_plus", "topsis_d_minus"} <= set(details.columns)
    # without the flags the YAML's pooled weights apply: one row per indicator
    res = CliRunner().invoke(
        app,
        ["evaluate", "--system", str(sys_file), "--input", str(inp), "--weights-output", str(w)],
    )
    assert res.exit_code == 0, res.output
    assert "year" not in pd.read_csv(w).columns


def test_cli_refuses_an_invalid_flag_in_chinese(tmp_path: Path) -> None:
    sys_file = _system_file(tmp_path, {})
    inp = tmp_path / "in.csv"
    PANEL.to_csv(inp, index=False)
    res = CliRunner().invoke(
        app, ["evaluate", "--system", str(sys_file), "--input", str(inp), "--weight-scope", "x"]
    )
    assert res.exit_code != 0
    assert "weight_scope" in res.output


def test_ingredients_from_a_flag() -> None:
    opts = EvaluationOptions.resolve({"weights": "combined", "ingredients": "entropy,cv"})
    assert opts.ingredients == ("entropy", "cv")
    with pytest.raises(InputError):
        EVALUATION.option("grey_rho").check(0)


# ------------------------------------------------------------------ replication/green
#: constant within some year of the green data (every province 0 before 5G; the hub-node
#: dummy is 0 everywhere in early years): no per-year min–max exists, so they are left out of
#: the per-year comparison
CONSTANT_IN_A_YEAR = ("每万人5G基站数", "国家算力枢纽节点编码（编码）")
FIXED = "国家算力枢纽节点编码（编码）"


def _green_system(*, per_year: bool) -> IndicatorSystem:
    info = pd.read_excel(
        datasets.path("replication-green", "clean_data.xlsx"), "indicator_info", engine="calamine"
    )
    dims: dict[str, list[dict]] = {}
    for name, dim, direction in info[["指标名称", "一级维度", "指标方向"]].itertuples(index=False):
        if per_year and name in CONSTANT_IN_A_YEAR:
            continue
        ind = {"code": name, "name": name, "direction": "+" if direction == "正向" else "-"}
        if name == FIXED:
            ind["fixed_weight"] = 0.04  # as in the study (test_eval_green.py)
        dims.setdefault(dim, []).append(ind)
    return IndicatorSystem.from_dict(
        {"name": "green", "dimensions": [{"name": k, "indicators": v} for k, v in dims.items()]}
    )


@pytest.fixture(scope="module")
def green_raw(data_dir: Path) -> pd.DataFrame:
    raw = pd.read_excel(
        datasets.path("replication-green", "clean_data.xlsx"), "clean_data", engine="calamine"
    )
    return raw.rename(columns={"省份": "地区"})


def test_green_per_year_entropy_equals_nine_single_year_runs(green_raw: pd.DataFrame) -> None:
    system = _green_system(per_year=True)
    assert len(system.codes) == 32
    res = evaluate(green_raw, system, weights="entropy", aggregate="topsis", weight_scope="year")
    wt = res.weight_table()
    years = sorted(green_raw["年份"].unique())
    assert len(years) == 9 and sorted(wt["year"].unique()) == years
    for y in years:
        one = evaluate(
            green_raw[green_raw["年份"] == y], system, weights="entropy", aggregate="topsis"
        )
        ow = one.weight_table().set_index("indicator")
        yw = wt[wt["year"] == y].set_index("indicator")
        assert np.abs(yw["weight"] - ow["weight"]).max() < 1e-12
        assert np.abs(yw["entropy_e"] - ow["entropy_e"]).max() < 1e-12
        rows = res.years == y
        assert np.abs(res.score[rows] - one.score).max() < 1e-12
        assert (res.rank[rows] == one.rank).all()


def test_green_intermediates_reproduce_its_tables(green_raw: pd.DataFrame) -> None:
    """表3-2's entropy weights = d_j/Σd_j with d_j = 1 − e_j; 表3-3's scores = D⁻/(D⁺ + D⁻)."""
    system = _green_system(per_year=False)
    res = evaluate(green_raw, system, weights="combined", aggregate="topsis")
    wt = res.weight_table().set_index("indicator")
    ref = pd.read_excel(
        datasets.path("replication-green", "表3-2_组合权重结果.xlsx"), engine="calamine"
    ).set_index("指标名称")
    d = 1 - wt["entropy_e"]
    assert np.abs(wt["entropy_d"] - d).max() < 1e-15
    assert np.abs(d / d.sum() - ref.loc[wt.index, "熵权法权重"]).max() < 1e-9
    det = res.details()
    closeness = det["topsis_d_minus"] / (det["topsis_d_plus"] + det["topsis_d_minus"])
    scores = pd.read_excel(
        datasets.path("replication-green", "表3-3_绿色算力综合得分(1).xlsx"), engine="calamine"
    ).rename(columns={"省份": "unit", "年份": "year"})
    m = det.assign(c=closeness).astype({"year": "int64"}).merge(scores, on=["unit", "year"])
    assert len(m) == 279
    assert np.abs(m["c"] - m["综合得分"]).max() < 1e-9
