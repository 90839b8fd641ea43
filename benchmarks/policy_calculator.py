"""Benchmark: the 政策计算器 of one firm (``POST /api/policy/check`` with a credit code) in a
county of about 5,000 firms (示例数据), issue #15 target: ≤ 300 ms server time.

The warehouse is the one of ``benchmarks/enterprise_page.py`` (a synthetic registry of
``--total`` firms, 2022–2024 firm-year data and labels, one county 430321 湘潭县 of about
``--firms`` firms), copied into ``--cache`` (default ``$TMPDIR/xinzhi-bench/policy-calculator``)
(built afresh under ``--cache``/enterprise, the schema of this checkout) with policy facts generated for the county
(:func:`xinzhi.pipelines.policy.generate_policy_facts`, 示例数据). The requests go through the
real FastAPI application in this process (:class:`fastapi.testclient.TestClient`, an analyst
account) and the time printed is the request's wall time measured around the call (the
server's time: no network):

* cold — the first lookup of a firm after the server started (nothing of the county read yet,
  the SQL of the frame not yet compiled);
* warm — lookups of ``--lookups`` other firms of the same county afterwards (median and max);
* fields — ``GET /api/policy/fields`` (the calculator's form), first and again;
* the pipeline alone — :func:`xinzhi.pipelines.policy.calculator` for the same firms (the API
  view adds the documents the account sees, titles, labels and the explanation).

The peer (what a calculator without a single-firm path would do): the same answer read from the
check of the whole county (:func:`xinzhi.pipelines.policy.policy_check` over every firm of the
county, then the firm's rows), first (nothing of the county read) and again (the county's
frame kept), printed with the ratios peer first / cold and peer again / pipeline warm.

    .venv/bin/python benchmarks/policy_calculator.py [--firms 5000] [--total 300000] [--lookups 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from enterprise_page import build as build_enterprise

ON = dt.date(2025, 6, 30)
USER = ("bench", "bench-password-1")


def build(cache: Path, county_firms: int, total: int) -> tuple[Path, str]:
    """The enterprise-page warehouse copied into ``cache`` with the county's policy facts."""
    import hashlib

    from xinzhi import auth, store
    from xinzhi.codes.firm_fields import firm_fields
    from xinzhi.pipelines.policy import generate_policy_facts

    # the warehouse's schema follows the firm-field catalogue: a cache of another catalogue is
    # built afresh
    schema = hashlib.sha256(" ".join(sorted(firm_fields())).encode()).hexdigest()[:12]
    db = cache / "xinzhi.duckdb"
    marker = cache / "done"
    want = f"{county_firms} {total} {schema}"
    if marker.is_file() and marker.read_text().split("\n")[0] == want:
        return db, marker.read_text().split("\n")[1]
    shutil.rmtree(cache, ignore_errors=True)
    src, county = build_enterprise(cache / "enterprise", county_firms, total)
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, db)
    con = store.connect(db)
    try:
        t0 = time.perf_counter()
        rep = generate_policy_facts(con, county=county, on=ON)
        print(f"政策事实（示例数据）{rep.rows_loaded:,} 行：{time.perf_counter() - t0:.1f} 秒")
        auth.ensure_auth_tables(con)
        if auth.get_user(con, USER[0]) is None:
            auth.add_user(con, USER[0], USER[1], "analyst")
    finally:
        con.close()
    marker.write_text(f"{want}\n{county}\n")
    return db, county


def _ms(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=5000, help="该县企业数（约）")
    ap.add_argument("--total", type=int, default=300_000, help="数据仓库企业总数")
    ap.add_argument("--lookups", type=int, default=20, help="热查询的企业数")
    ap.add_argument("--cache", type=Path, default=None)
    args = ap.parse_args()
    cache = args.cache or Path(tempfile.gettempdir()) / "xinzhi-bench" / "policy-calculator"
    db, county = build(cache, args.firms, args.total)

    import ibis  # noqa: F401  (imports are not part of a request)
    from fastapi.testclient import TestClient

    from xinzhi import store
    from xinzhi.pipelines.policy import policy_check
    from xinzhi.server import create_app

    con = store.connect(db, read_only=True)
    try:
        codes = [
            r[0]
            for r in con.execute(
                "SELECT credit_code FROM current_firm_years y JOIN current_firms f "
                "USING (credit_code) WHERE y.year = 2024 AND f.region_code = ? "
                "ORDER BY credit_code",
                [county],
            ).fetchall()
        ]
    finally:
        con.close()
    step = max(1, len(codes) // (args.lookups + 1))
    firms = codes[::step][: args.lookups + 1]
    print(f"县 {county}：2024 年有年度数据的企业 {len(codes):,} 家（示例数据）；评定日 {ON}")

    app = create_app(db)
    with TestClient(app) as client:
        r = client.post("/api/auth/token", json={"username": USER[0], "password": USER[1]})
        r.raise_for_status()
        head = {"Authorization": f"Bearer {r.json()['access_token']}"}

        def lookup(code: str) -> Any:
            body = {"credit_code": code, "on": ON.isoformat()}
            resp = client.post("/api/policy/check", json=body, headers=head)
            resp.raise_for_status()
            return resp.json()

        cold, first = _ms(lambda: lookup(firms[0]))
        warm = [_ms(lambda c=c: lookup(c))[0] for c in firms[1:]]

        def fields() -> Any:
            resp = client.get("/api/policy/fields", headers=head)
            resp.raise_for_status()
            return resp.json()

        f_first, form = _ms(fields)
        f_again, _ = _ms(fields)
    counts = first["counts"]
    print(
        f"计算器（企业 {firms[0]}）：{len(first['rows'])} 条款，"
        + "、".join(f"{k} {v}" for k, v in counts.items())
    )
    med = statistics.median(warm)
    print(f"冷（首个查询）：{cold:7.0f} ms")
    print(
        f"热（{len(warm)} 家其他企业）：中位数 {med:6.0f} ms，最大 {max(warm):6.0f} ms（目标 ≤ 300 ms）"
    )
    print(
        f"表单字段：首次 {f_first:6.0f} ms，再次 {f_again:6.0f} ms（{len(form['fields'])} 个字段）"
    )

    from xinzhi.pipelines import enterprise_data, policy

    con = store.connect(db, read_only=True)
    try:
        pipe = statistics.median(
            _ms(lambda c=c: policy.calculator(con, county=county, credit_code=c, on=ON))[0]
            for c in firms[1:]
        )
        print(f"其中管线 calculator（不含 API 视图）：热查询中位数 {pipe:6.0f} ms")
        enterprise_data.clear_frames()
        policy._FRAMES.clear()  # the peer starts from nothing read, like the cold lookup
        peer_cold, _ = _ms(lambda: policy_check(con, county=county, on=ON))
        peer, res = _ms(lambda: policy_check(con, county=county, on=ON))
        t = res.tidy()
        t = t[t["credit_code"] == firms[0]]
    finally:
        con.close()
    print(
        f"peer（全县 {len(codes):,} 家评估后取该企业 {len(t)} 行）：首次 {peer_cold:7.0f} ms，"
        f"再次 {peer:7.0f} ms；耗时比 peer 首次 / 计算器冷 = {peer_cold / cold:.1f}×，"
        f"peer 再次 / 管线 calculator 热 = {peer / pipe:.1f}×"
    )


if __name__ == "__main__":
    main()
