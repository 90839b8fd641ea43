"""The public-data registry: mirror lookup, sha256 verification, download, clear errors."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinzhi import datasets
from xinzhi.cli import app
from xinzhi.errors import DataUnavailableError, IntegrityError

NAMES = {
    "areacodes",
    "census2010",
    "census2020",
    "tudigong",
    "io-tables",
    "replication-green",
    "replication-ecomplexity",
}


def test_registry_lists_the_product_datasets() -> None:
    names = {d.name for d in datasets.list_datasets()}
    assert names >= NAMES
    census = datasets.get("census2020").file("census_county_2020_v1.xlsx")
    assert census.url == (
        "https://raw.githubusercontent.com/leiii/census/0ba0f1efae092f4aa6569ef38e53b3bb4d2f0087/"
        "data/census/census_county_2020_v1.xlsx"
    )
    assert census.sha256 == "04d37df90d4e358c13aac85a76051caab12afa84eca8a3b4f58cf2227ce69f43"
    eco = datasets.get("replication-ecomplexity").file("trade_data_sample.csv")
    assert "600401b75c83ff183a7e6e7d9df659695b785e94" in str(eco.url)


def test_every_registered_file_is_in_the_mirror_with_its_hash(data_dir: Path) -> None:
    res = datasets.verify(data_dir=data_dir)
    bad = [(s.dataset, s.local, s.status) for s in res if s.status != "ok"]
    assert bad == []
    assert len(res) == sum(len(d.files) for d in datasets.list_datasets())


def _mirror_with(tmp_path: Path, data_dir: Path, local: str) -> Path:
    mirror = tmp_path / "mirror"
    (mirror / local).parent.mkdir(parents=True)
    shutil.copy(data_dir / local, mirror / local)
    return mirror


def test_mirror_file_is_found_and_verified(tmp_path: Path, data_dir: Path) -> None:
    mirror = _mirror_with(tmp_path, data_dir, "areacodes/result.csv")
    p = datasets.path("areacodes", "result.csv", data_dir=mirror, download=False)
    assert p == mirror / "areacodes/result.csv"


def test_sha256_mismatch_is_detected(tmp_path: Path, data_dir: Path) -> None:
    mirror = _mirror_with(tmp_path, data_dir, "areacodes/result.csv")
    f = mirror / "areacodes/result.csv"
    raw = bytearray(f.read_bytes())
    raw[-2] ^= 1  # flip one bit
    f.write_bytes(bytes(raw))
    with pytest.raises(IntegrityError, match="sha256 不符"):
        datasets.path("areacodes", "result.csv", data_dir=mirror)
    statuses = {s.local: s.status for s in datasets.verify(["areacodes"], data_dir=mirror)}
    assert statuses["areacodes/result.csv"] == "mismatch"
    assert statuses["areacodes/codes.json"] == "missing"


def test_no_mirror_no_internet_gives_clear_chinese_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XINZHI_DATA_DIR", raising=False)
    monkeypatch.setenv("XINZHI_CACHE", str(tmp_path / "cache"))

    def offline(**kwargs: object) -> str:
        raise ConnectionError("network is unreachable")

    monkeypatch.setattr("pooch.retrieve", offline)
    with pytest.raises(DataUnavailableError) as info:
        datasets.path("census2020", "census_county_2020_v1.xlsx")
    msg = str(info.value)
    assert "无法获取公共数据" in msg
    assert "XINZHI_DATA_DIR" in msg and "xinzhi datasets fetch census2020" in msg


@pytest.fixture
def local_server(data_dir: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(data_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_download_goes_to_cache_and_is_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, local_server: str
) -> None:
    monkeypatch.setenv("XINZHI_CACHE", str(tmp_path / "cache"))
    ds = datasets.get("areacodes")
    good = ds.file("areacodes/errata.md")
    served = datasets.DatasetFile(good.local, good.sha256, f"{local_server}/areacodes/errata.md")
    p = datasets._download(ds, served)
    assert p == tmp_path / "cache/areacodes/errata.md"
    assert datasets.sha256_of(p) == good.sha256
    wrong = datasets.DatasetFile(
        "areacodes/LICENSE", good.sha256, f"{local_server}/areacodes/LICENSE"
    )
    with pytest.raises(IntegrityError):
        datasets._download(ds, wrong)


def test_cli_list_and_verify(data_dir: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["datasets", "list", "--json"])
    assert res.exit_code == 0
    listed = {d["name"]: d for d in json.loads(res.stdout)}
    assert set(listed) == {d.name for d in datasets.list_datasets()}
    # datasets.yaml: census2020 = leiii/census at 0ba0f1e…, MIT, LICENSE + the county workbook
    assert listed["census2020"] == {
        "name": "census2020",
        "title": "第七次全国人口普查分县资料（2020，leiii/census）",
        "repo": "leiii/census",
        "commit": "0ba0f1efae092f4aa6569ef38e53b3bb4d2f0087",
        "licence": "MIT",
        "licence_zh": "MIT 许可（可自由使用，需保留版权声明）",
        "files": 2,
    }
    res = runner.invoke(app, ["--data-dir", str(data_dir), "datasets", "verify", "areacodes"])
    assert res.exit_code == 0, res.output
    assert "不符 0" in res.stdout and "缺失 0" in res.stdout


def test_cli_unknown_dataset_exits_2() -> None:
    res = CliRunner().invoke(app, ["datasets", "verify", "nope"])
    assert res.exit_code == 2
    assert "未知数据集" in res.output


def test_planner_catalogue_lists_no_test_data_and_chinese_licences() -> None:
    from xinzhi.pipelines.public_data import dataset_catalogue

    everything = {r["name"] for r in dataset_catalogue()}
    shown = dataset_catalogue(planner=True)
    names = {r["name"] for r in shown}
    # reference values and fixtures stay on the CLI list, not on the planner's page
    assert {"replication-green", "replication-causal-basque", "resume-ner"} <= everything - names
    assert {"areacodes", "census2010", "census2020", "io-tables"} <= names
    licences = {r["name"]: r["licence_zh"] for r in shown}
    assert licences["areacodes"] == "CC0 1.0（放弃版权，可自由使用）"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in v) for v in licences.values())
