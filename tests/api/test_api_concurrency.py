"""Two imports at once and reads during the imports leave the warehouse consistent."""

from __future__ import annotations

import threading

from api_helpers import make_api

CSV_A = "地区,地区生产总值(亿元)\n湘潭县,465.2\n韶山市,100\n湘乡市,300\n".encode()
CSV_B = "地区,地区生产总值(亿元)\n海淀区,1000\n东城区,200\n".encode()


def test_concurrent_imports_and_reads(evaluated_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("XINZHI_IMPORT_PAUSE", "0.4")  # hold each import transaction open
    gen = make_api(evaluated_warehouse, tmp_path)
    api = next(gen)
    cur = api.client.app.state.db.cursor()  # type: ignore[attr-defined]
    (last,) = cur.execute("SELECT max(batch_id) FROM import_batches").fetchone()
    cur.close()
    results: dict[str, object] = {}
    seen: list[int] = []
    stop = threading.Event()

    def upload(name: str, data: bytes) -> None:
        r = api.client.post(
            "/api/imports",
            files={"file": (name, data, "text/csv")},
            data={"year": "2020"},
            headers=api.h("analyst1"),
        )
        results[name] = r

    def read() -> None:
        while not stop.is_set():
            r = api.client.get(
                "/api/observations", params={"indicator": "gdp"}, headers=api.h("admin1")
            )
            assert r.status_code == 200
            seen.append(r.json()["total"])

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [
        threading.Thread(target=upload, args=("a.csv", CSV_A)),
        threading.Thread(target=upload, args=("b.csv", CSV_B)),
    ]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join(timeout=60)
    stop.set()
    for t in readers:
        t.join(timeout=60)
    ra, rb = results["a.csv"], results["b.csv"]
    assert ra.status_code == rb.status_code == 200, (ra.text, rb.text)
    assert ra.json()["rows_loaded"] == 3 and rb.json()["rows_loaded"] == 2
    # the two batches right after the warehouse's last one (census, tudigong, firms …)
    assert {ra.json()["batch_id"], rb.json()["batch_id"]} == {last + 1, last + 2}
    # every read saw a whole number of batches: never a half-written import
    assert seen and set(seen) <= {0, 2, 3, 5}
    final = api.client.get(
        "/api/observations", params={"indicator": "gdp"}, headers=api.h("admin1")
    ).json()
    assert final["total"] == 5
    cur = api.client.app.state.db.cursor()
    (n_obs,) = cur.execute(
        "SELECT count(*) FROM observations WHERE batch_id IN (?, ?)", [last + 1, last + 2]
    ).fetchall()[0]
    (owners,) = cur.execute("SELECT count(*) FROM auth_batch_owners").fetchall()[0]
    cur.close()
    assert (n_obs, owners) == (5, 2)
    gen.close()
