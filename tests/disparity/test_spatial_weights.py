"""Spatial weights (:mod:`xinzhi.disparity.spatial_weights`): hand-computed cases, libpysal
``KNN`` / ``DistanceBand`` on the same coordinates, esda Moran on a user's matrix, and the
validation of a user's matrix (Chinese errors naming the row and column)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinzhi.disparity.spatial_autocorrelation import moran
from xinzhi.disparity.spatial_weights import (
    EARTH_RADIUS_KM,
    MatrixWeights,
    align_weights,
    coordinate_frame,
    distance_matrix,
    economic_distance_weights,
    inverse_distance_weights,
    knn_weights,
    matrix_from_table,
    nested_weights,
)
from xinzhi.errors import InputError

# Four points on a 3 × 4 rectangle (km): d_ab = 3, d_ac = 4, d_ad = 5, d_bc = 5, d_bd = 4, d_cd = 3.
RECT = pd.DataFrame(
    {"x": [0.0, 3.0, 0.0, 3.0], "y": [0.0, 0.0, 4.0, 4.0]}, index=["a", "b", "c", "d"]
)
RECT.attrs["metric"] = "euclidean"


def test_distances_on_the_rectangle() -> None:
    d = distance_matrix(RECT)
    assert d.tolist() == [
        [0.0, 3.0, 4.0, 5.0],
        [3.0, 0.0, 5.0, 4.0],
        [4.0, 5.0, 0.0, 3.0],
        [5.0, 4.0, 3.0, 0.0],
    ]


def test_great_circle_distances_by_hand() -> None:
    c = pd.DataFrame({"lon": [0.0, 1.0, 0.0], "lat": [0.0, 0.0, 90.0]}, index=["a", "b", "p"])
    d = distance_matrix(c, "arc")
    # one degree of the equator = 2πR/360; equator to pole = πR/2
    assert d[0, 1] == pytest.approx(2 * np.pi * EARTH_RADIUS_KM / 360, rel=1e-12)
    assert d[0, 2] == pytest.approx(np.pi * EARTH_RADIUS_KM / 2, rel=1e-12)
    assert d[1, 2] == pytest.approx(np.pi * EARTH_RADIUS_KM / 2, rel=1e-12)


def test_inverse_distance_power_one_without_cutoff() -> None:
    w = inverse_distance_weights(RECT, power=1)
    np.testing.assert_allclose(
        w.full(),
        [
            [0, 1 / 3, 1 / 4, 1 / 5],
            [1 / 3, 0, 1 / 5, 1 / 4],
            [1 / 4, 1 / 5, 0, 1 / 3],
            [1 / 5, 1 / 4, 1 / 3, 0],
        ],
        rtol=1e-15,
    )
    # row standardisation: row a sums to 1/3 + 1/4 + 1/5 = (20 + 15 + 12)/60 = 47/60
    aw = align_weights(w, ["a", "b", "c", "d"], transform="r")
    np.testing.assert_allclose(aw.matrix.toarray()[0], [0, 20 / 47, 15 / 47, 12 / 47], rtol=1e-15)
    # standardise none: the weights as built
    raw = align_weights(w, ["a", "b", "c", "d"], transform="b")
    np.testing.assert_allclose(raw.matrix.toarray()[0], [0, 1 / 3, 1 / 4, 1 / 5], rtol=1e-15)


def test_inverse_distance_power_two_with_cutoff() -> None:
    # cut-off 4.5 km drops the diagonals (5 km): each unit keeps 1/3² = 1/9 and 1/4² = 1/16
    w = inverse_distance_weights(RECT, power=2, cutoff=4.5)
    np.testing.assert_allclose(
        w.full(),
        [
            [0, 1 / 9, 1 / 16, 0],
            [1 / 9, 0, 0, 1 / 16],
            [1 / 16, 0, 0, 1 / 9],
            [0, 1 / 16, 1 / 9, 0],
        ],
        rtol=1e-15,
    )
    # row standardised: (1/9)/(1/9 + 1/16) = 16/25, (1/16)/(25/144) = 9/25
    aw = align_weights(w, ["a", "b", "c", "d"])
    np.testing.assert_allclose(aw.matrix.toarray()[0], [0, 16 / 25, 9 / 25, 0], rtol=1e-15)


def test_cutoff_edges_are_inclusive() -> None:
    at = inverse_distance_weights(RECT, power=1, cutoff=4.0).full()  # d_ac = 4 kept
    below = inverse_distance_weights(RECT, power=1, cutoff=3.999).full()  # d_ac = 4 dropped
    above = inverse_distance_weights(RECT, power=1, cutoff=4.001).full()
    assert at[0, 2] == 0.25 and below[0, 2] == 0.0 and above[0, 2] == 0.25
    assert at[0, 3] == 0.0  # d_ad = 5 > 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"power": 3}, "幂次只能是 1 或 2"),
        ({"power": 0}, "幂次只能是 1 或 2"),
        ({"cutoff": 0.0}, "截断距离必须大于 0"),
        ({"cutoff": -1.0}, "截断距离必须大于 0"),
    ],
)
def test_inverse_distance_options_are_checked(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(InputError, match=message):
        inverse_distance_weights(RECT, **kwargs)  # type: ignore[arg-type]


def test_two_units_at_one_place_are_refused() -> None:
    same = pd.DataFrame({"x": [0.0, 0.0, 1.0], "y": [0.0, 0.0, 1.0]}, index=["a", "b", "c"])
    with pytest.raises(InputError, match="a 与 b 的坐标相同"):
        inverse_distance_weights(same, metric="euclidean")


def test_knn_by_hand() -> None:
    # nearest of each corner is the corner 3 km away: a–b, c–d
    w1 = knn_weights(RECT, 1).full()
    assert w1.tolist() == [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
    # k = 2 adds the corner 4 km away: a–c, b–d
    w2 = knn_weights(RECT, 2).full()
    assert w2.tolist() == [[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]]


@pytest.mark.parametrize("k", [0, 4, 5])
def test_knn_k_must_be_between_one_and_n_minus_one(k: int) -> None:
    with pytest.raises(InputError, match="1 ≤ k < 单元数 4"):
        knn_weights(RECT, k)


def test_economic_distance_by_hand_with_a_tie() -> None:
    ybar = pd.Series([1.0, 2.0, 4.0, 4.0], index=["a", "b", "c", "d"])
    w = economic_distance_weights(ybar)
    # |1−2| = 1, |1−4| = 3, |2−4| = 2; c and d tie (|4−4| = 0): the largest finite weight,
    # 1 / min positive difference = 1/1 = 1
    np.testing.assert_allclose(
        w.full(),
        [
            [0, 1, 1 / 3, 1 / 3],
            [1, 0, 1 / 2, 1 / 2],
            [1 / 3, 1 / 2, 0, 1],
            [1 / 3, 1 / 2, 1, 0],
        ],
        rtol=1e-15,
    )
    assert w.options["tied_pairs"] == 1
    with pytest.raises(InputError, match="单元 c 与 d 的变量均值相同"):
        economic_distance_weights(ybar, ties="error")
    with pytest.raises(InputError, match="所有单元的均值都相同"):
        economic_distance_weights(pd.Series([2.0, 2.0], index=["a", "b"]))
    with pytest.raises(InputError, match="变量均值缺失：b"):
        economic_distance_weights(pd.Series([2.0, np.nan, 1.0], index=["a", "b", "c"]))


def test_nested_economic_geographic_by_hand() -> None:
    ybar = pd.Series([1.0, 2.0, 3.0, 6.0], index=["a", "b", "c", "d"])  # mean ȳ = 12/4 = 3
    w = nested_weights(inverse_distance_weights(RECT, power=1), ybar)
    s = [1 / 3, 2 / 3, 1.0, 2.0]  # ȳ_j / ȳ
    # w_ij = (1/d_ij) · ȳ_j/ȳ
    np.testing.assert_allclose(
        w.full(),
        [
            [0, 1 / 3 * s[1], 1 / 4 * s[2], 1 / 5 * s[3]],
            [1 / 3 * s[0], 0, 1 / 5 * s[2], 1 / 4 * s[3]],
            [1 / 4 * s[0], 1 / 5 * s[1], 0, 1 / 3 * s[3]],
            [1 / 5 * s[0], 1 / 4 * s[1], 1 / 3 * s[2], 0],
        ],
        rtol=1e-15,
    )
    # row a: 2/9 + 1/4 + 2/5 = (40 + 45 + 72)/180 = 157/180; standardised 40/157, 45/157, 72/157
    aw = align_weights(w, ["a", "b", "c", "d"])
    np.testing.assert_allclose(
        aw.matrix.toarray()[0], [0, 40 / 157, 45 / 157, 72 / 157], rtol=1e-14
    )
    with pytest.raises(InputError, match="均值为正"):
        nested_weights(inverse_distance_weights(RECT), ybar * -1)


def _scatter(seed: int, n: int = 12) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(0.0, 500.0, n), rng.uniform(0.0, 400.0, n)])


def test_knn_equals_libpysal() -> None:
    from libpysal.weights import KNN

    pts = _scatter(3)
    ids = [f"u{i:02d}" for i in range(len(pts))]
    xy = pd.DataFrame(pts, columns=["x", "y"], index=ids)
    for k in (1, 3, 6):
        ref = KNN.from_array(pts, k=k, silence_warnings=True)
        np.testing.assert_array_equal(knn_weights(xy, k, metric="euclidean").full(), ref.full()[0])


def test_knn_on_the_sphere_equals_libpysal_arc() -> None:
    from libpysal.weights import KNN

    rng = np.random.default_rng(8)
    lonlat = np.column_stack([rng.uniform(100.0, 120.0, 10), rng.uniform(20.0, 45.0, 10)])
    ll = pd.DataFrame(lonlat, columns=["lon", "lat"], index=[str(i) for i in range(10)])
    ref = KNN.from_array(
        lonlat, k=3, distance_metric="arc", radius=EARTH_RADIUS_KM, silence_warnings=True
    )
    np.testing.assert_array_equal(knn_weights(ll, 3, metric="arc").full(), ref.full()[0])


@pytest.mark.parametrize("power", [1, 2])
def test_inverse_distance_equals_libpysal_distance_band(power: int) -> None:
    from libpysal.weights import DistanceBand

    pts = _scatter(5)
    xy = pd.DataFrame(pts, columns=["x", "y"], index=[str(i) for i in range(len(pts))])
    for cutoff in (150.0, 300.0, 1e4):
        ref = DistanceBand(
            pts, threshold=cutoff, binary=False, alpha=-float(power), silence_warnings=True
        )
        ours = inverse_distance_weights(xy, power=power, cutoff=cutoff, metric="euclidean")
        np.testing.assert_allclose(ours.full(), ref.full()[0], rtol=1e-12)


def test_great_circle_inverse_distance_equals_libpysal_arc() -> None:
    from libpysal.weights import DistanceBand

    rng = np.random.default_rng(2)
    lonlat = np.column_stack([rng.uniform(100.0, 120.0, 9), rng.uniform(20.0, 45.0, 9)])
    ll = pd.DataFrame(lonlat, columns=["lon", "lat"], index=[str(i) for i in range(9)])
    ref = DistanceBand(
        lonlat,
        threshold=900.0,
        binary=False,
        alpha=-2.0,
        distance_metric="arc",
        radius=EARTH_RADIUS_KM,
        silence_warnings=True,
    )
    ours = inverse_distance_weights(ll, power=2, cutoff=900.0)
    np.testing.assert_allclose(ours.full(), ref.full()[0], rtol=1e-10)


# a user's matrix -------------------------------------------------------------------------------

CODES = ["110101", "110102", "110105", "110106", "110107"]
MAT = np.array(
    [
        [0.0, 1.0, 0.5, 0.0, 0.0],
        [1.0, 0.0, 2.0, 0.3, 0.0],
        [0.5, 0.0, 0.0, 1.0, 1.0],
        [0.0, 0.3, 1.0, 0.0, 4.0],
        [0.2, 0.0, 1.0, 4.0, 0.0],
    ]
)


def _layout_codes_both(order: list[int]) -> pd.DataFrame:
    """Header and first column of codes; the columns in another ``order``."""
    t = pd.DataFrame(MAT[:, order], columns=[CODES[j] for j in order])
    t.insert(0, "代码", CODES)
    return t


def test_matrix_layouts_give_the_same_weights() -> None:
    both = matrix_from_table(_layout_codes_both([4, 2, 0, 1, 3]))  # columns matched by code
    rows_only = pd.DataFrame(MAT, columns=[f"c{j}" for j in range(5)])
    rows_only.insert(0, "code", CODES)
    header_only = pd.DataFrame(MAT, columns=CODES)
    for w in (both, matrix_from_table(rows_only), matrix_from_table(header_only)):
        assert w.id_order == CODES
        np.testing.assert_array_equal(w.full(), MAT)


def test_moran_on_a_user_matrix_equals_esda() -> None:
    import esda
    from libpysal.weights import full2W

    y = np.array([3.0, 5.0, 1.0, 4.0, 2.5])
    w = matrix_from_table(_layout_codes_both([0, 1, 2, 3, 4]))
    got = moran(pd.DataFrame({"unit": CODES, "y": y}), "y", "unit", w, permutations=0)
    ref_w = full2W(MAT, ids=CODES)
    ref_w.transform = "r"
    ref = esda.Moran(y, ref_w, permutations=0)
    np.testing.assert_allclose(got.table["I"], [ref.I], rtol=1e-12)
    np.testing.assert_allclose(got.table["z_norm"], [ref.z_norm], rtol=1e-12)
    # standardise none ("b"): the raw matrix, esda with transform "O"
    raw = moran(
        pd.DataFrame({"unit": CODES, "y": y}), "y", "unit", w, permutations=0, transform="b"
    )
    raw_ref = esda.Moran(y, full2W(MAT, ids=CODES), transformation="O", permutations=0)
    np.testing.assert_allclose(raw.table["I"], [raw_ref.I], rtol=1e-12)


def _bad(cell: tuple[int, int], value: object) -> pd.DataFrame:
    t = _layout_codes_both([0, 1, 2, 3, 4]).astype(object)
    t.iloc[cell[0], cell[1] + 1] = value
    return t


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (_bad((1, 3), "x"), r"第 2 行（110102）第 4 列（110106）不是数值：'x'"),
        (_bad((3, 0), -0.5), r"第 4 行（110106）第 1 列（110101）为负数：-0.5"),
        (_bad((2, 2), 1.0), r"对角线必须为 0：第 3 行（110105）的自身权重为 1"),
        (_bad((0, 4), None), r"第 1 行（110101）第 5 列（110107）不是数值"),
        (pd.DataFrame(MAT[:, :4], columns=CODES[:4]), r"不是方阵：5 行数据，4 列"),
    ],
)
def test_matrix_errors_name_the_row_and_column(table: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=message):
        matrix_from_table(table)


def test_matrix_codes_are_checked() -> None:
    dup = _layout_codes_both([0, 1, 2, 3, 4])
    dup.iloc[4, 0] = "110101"
    with pytest.raises(InputError, match="第一列的区划代码重复：110101"):
        matrix_from_table(dup)
    odd = _layout_codes_both([0, 1, 2, 3, 4]).rename(columns={"110107": "110108"})
    with pytest.raises(InputError, match="表头中 110108 不在第一列"):
        matrix_from_table(odd)
    with pytest.raises(InputError, match="未知的区划代码：110107"):
        matrix_from_table(_layout_codes_both([0, 1, 2, 3, 4]), known=CODES[:4])


def test_coordinate_frame_checks_its_table() -> None:
    ok = coordinate_frame(
        pd.DataFrame({"unit": [110101, 110102], "经度": [116.4, 116.3], "纬度": [39.9, 39.9]})
    )
    assert ok.index.tolist() == ["110101", "110102"] and ok.attrs["metric"] == "arc"
    with pytest.raises(InputError, match="lon、lat 两列"):
        coordinate_frame(pd.DataFrame({"unit": ["a"], "east": [1.0]}))
    with pytest.raises(InputError, match="单元代码重复：a"):
        coordinate_frame(pd.DataFrame({"unit": ["a", "a"], "x": [1.0, 2.0], "y": [0.0, 0.0]}))
    with pytest.raises(InputError, match="单元 b 的 y 不是数值"):
        coordinate_frame(pd.DataFrame({"unit": ["a", "b"], "x": [1.0, 2.0], "y": [0.0, "?"]}))
    with pytest.raises(InputError, match="纬度超出"):
        coordinate_frame(pd.DataFrame({"unit": ["a"], "lon": [1.0], "lat": [91.0]}))


def test_matrix_weights_round_trip_to_libpysal() -> None:
    w = matrix_from_table(_layout_codes_both([0, 1, 2, 3, 4]))
    assert isinstance(w, MatrixWeights)
    lw = w.to_w()
    assert list(lw.id_order) == CODES
    np.testing.assert_array_equal(lw.full()[0], MAT)
