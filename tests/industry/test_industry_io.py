"""Input-output: identities, pymrio's calc_A/calc_L on its offline test system, China 2020."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from xinzhi.errors import InputError
from xinzhi.industry.io import io_analysis
from xinzhi.pipelines.industry import load_io_table

# Miller & Blair (2009), section 2.3 two-sector example: Z = [[150, 500], [200, 100]],
# x = [1000, 2000] -> A = [[.15, .25], [.2, .05]], L = [[1.2541, .3300], [.2640, 1.1221]]
Z_MB = np.array([[150.0, 500.0], [200.0, 100.0]])
X_MB = np.array([1000.0, 2000.0])


def test_miller_blair_two_sector_example() -> None:
    r = io_analysis(Z_MB, X_MB)
    np.testing.assert_allclose(r.a, [[0.15, 0.25], [0.2, 0.05]], rtol=1e-14)
    np.testing.assert_allclose(r.l, [[1.2541, 0.3300], [0.2640, 1.1221]], atol=5e-5)
    # B = x̂⁻¹ Z = [[.15, .5], [.1, .05]]
    np.testing.assert_allclose(r.b, [[0.15, 0.5], [0.1, 0.05]], rtol=1e-14)


def test_identities_and_means() -> None:
    rng = np.random.default_rng(3)
    z = rng.uniform(0, 10, (12, 12))
    x = z.sum(axis=1) + rng.uniform(5, 50, 12)  # final demand > 0
    r = io_analysis(z, x, forward="ghosh")
    eye = np.eye(12)
    np.testing.assert_allclose((eye - r.a) @ r.l, eye, atol=1e-12)
    np.testing.assert_allclose((eye - r.b) @ r.g, eye, atol=1e-12)
    # Ghosh and Leontief inverses are similar matrices: G = x̂⁻¹ L x̂
    np.testing.assert_allclose(r.g, (r.l * x[None, :]) / x[:, None], rtol=1e-10)
    for v in (r.backward, r.forward_leontief, r.forward_ghosh):
        assert v.mean() == pytest.approx(1.0, rel=1e-14)
    t = r.tidy()
    np.testing.assert_array_equal(t["key_sector"], (r.backward > 1) & (r.forward_ghosh > 1))


def test_against_pymrio_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    pymrio = pytest.importorskip("pymrio")

    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_network)  # load_test must not need the internet
    test_mrio = pymrio.load_test()
    z = test_mrio.Z
    x = pymrio.calc_x(z, test_mrio.Y)
    a_ref = pymrio.calc_A(z, x)
    l_ref = pymrio.calc_L(a_ref)
    r = io_analysis(z.to_numpy(), x.to_numpy().ravel())
    np.testing.assert_allclose(r.a, a_ref.to_numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(r.l, l_ref.to_numpy(), rtol=1e-9, atol=1e-12)


def test_lead_sector_links() -> None:
    r = io_analysis(
        Z_MB * [[1, 1], [1, 1]], X_MB, codes=["a", "b"], names=["甲", "乙"], lead="甲", top=1
    )
    links = r.lead_links
    assert list(links["方向"]) == ["上游", "下游"]
    assert list(links["部门代码"]) == ["b", "b"]
    assert links["直接系数"].tolist() == pytest.approx([0.2, 0.5])
    with pytest.raises(InputError, match="主导部门"):
        io_analysis(Z_MB, X_MB, lead="zz")


def test_china_2020_42(data_dir: Path, tmp_path: Path) -> None:
    t = load_io_table("2020-42", data_dir=data_dir)
    assert t.n == 42 and t.layout == "non-competitive"
    assert t.names_zh[0] == "农林牧渔产品和服务"
    assert t.z_imports is not None and t.z_imports.shape == (42, 42)
    assert (t.z_imports >= 0).all()  # imported intermediate use: no negative flows
    # Σ column inputs (domestic + imported) + value added = gross output (within rounding)
    np.testing.assert_allclose(t.total_inputs(), t.x, rtol=1e-9)
    # totals of the published 2020 table as read from the mirror file: gross output
    # 26,990,278,045 万元 (≈ 270 trillion yuan), value added 10,164,220,013 万元 (≈ GDP 2020,
    # 101.6 trillion yuan)
    assert t.x.sum() == pytest.approx(26990278045.432274, rel=1e-12)
    assert t.value_added.sum() == pytest.approx(10164220012.648592, rel=1e-12)
    # rows: intermediate use + final use = gross output for domestic products
    np.testing.assert_allclose(t.z.sum(axis=1) + t.final_demand["TFU"].to_numpy(), t.x, rtol=1e-9)
    r = io_analysis(t.z, t.x, codes=t.codes, names=t.names_zh, lead="20")
    eye = np.eye(42)
    np.testing.assert_allclose((eye - r.a) @ r.l, eye, atol=1e-10)
    assert r.backward.mean() == pytest.approx(1.0)
    assert len(r.lead_links) == 10
    out = r.to_excel(tmp_path / "io.xlsx")
    assert out.exists()
    assert "关键部门" in r.summary()


def test_competitive_layout_loads(data_dir: Path) -> None:
    t = load_io_table("2017-149", data_dir=data_dir)
    assert t.layout == "competitive" and t.n == 149 and t.z_imports is None
    np.testing.assert_allclose(t.total_inputs(), t.x, rtol=1e-9)
    with pytest.raises(InputError, match="未知的投入产出表"):
        load_io_table("1999-1", data_dir=data_dir)
