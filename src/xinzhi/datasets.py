"""Registry of the public datasets the product uses.

Each dataset is pinned to an upstream repository commit; each file has the sha256 of its exact
bytes (``datasets.yaml`` beside this module). A file is looked up, in order:

1. in the mirror directory (``data_dir`` argument, ``--data-dir`` or ``XINZHI_DATA_DIR``),
2. in the download cache (``XINZHI_CACHE`` or ``~/.xinzhi/cache``),
3. downloaded from the pinned upstream URL with :mod:`pooch` into the cache.

The sha256 is verified in every case; a mismatch raises :class:`~xinzhi.errors.IntegrityError`.
With neither a mirror nor internet, :class:`~xinzhi.errors.DataUnavailableError` explains in
Chinese how to obtain the data.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from xinzhi import config, yamlfile
from xinzhi.errors import DataUnavailableError, IntegrityError, XinzhiError

__all__ = [
    "Dataset",
    "DatasetFile",
    "FileStatus",
    "fetch",
    "get",
    "list_datasets",
    "path",
    "verify",
]


@dataclass(frozen=True)
class DatasetFile:
    """One file of a dataset: its path in a mirror, its upstream URL and its sha256."""

    local: str
    sha256: str
    url: str | None


@dataclass(frozen=True)
class Dataset:
    """A public dataset pinned to an upstream commit."""

    name: str
    title: str
    repo: str | None
    commit: str | None
    licence: str
    used_by: str
    files: tuple[DatasetFile, ...] = field(default_factory=tuple)
    licence_zh: str = ""
    """The licence in Chinese words (what the web shows)."""
    audience: str = "planner"
    """``planner``: data a county planner's analyses use (listed on the web's 数据 page);
    ``developer``: reference values and test fixtures (CLI ``datasets list`` only)."""

    def file(self, local: str) -> DatasetFile:
        for f in self.files:
            if f.local == local or f.local.endswith("/" + local):
                return f
        raise XinzhiError(f"数据集 {self.name} 中没有文件 {local}")


@dataclass(frozen=True)
class FileStatus:
    """Result of verifying one file."""

    dataset: str
    local: str
    status: str  # "ok" | "missing" | "mismatch"
    path: Path | None


@cache
def _registry() -> dict[str, Dataset]:
    text = resources.files("xinzhi").joinpath("datasets.yaml").read_text(encoding="utf-8")
    raw: dict[str, Any] = yamlfile.safe_load(text)
    pattern: str = raw["url_pattern"]
    out: dict[str, Dataset] = {}
    for name, d in raw["datasets"].items():
        commits = d.get("file_commits", {})
        files = []
        for local, spec in d["files"].items():
            url = None
            if d.get("repo") and spec.get("upstream"):
                commit = commits.get(local, d["commit"])
                url = pattern.format(repo=d["repo"], commit=commit, path=spec["upstream"])
            files.append(DatasetFile(local=local, sha256=spec["sha256"], url=url))
        out[name] = Dataset(
            name=name,
            title=d["title"],
            repo=d.get("repo"),
            commit=d.get("commit"),
            licence=d["licence"],
            used_by=d["used_by"],
            files=tuple(files),
            licence_zh=d.get("licence_zh", d["licence"]),
            audience=d.get("audience", "planner"),
        )
    return out


def list_datasets() -> list[Dataset]:
    """All registered datasets, in registry order."""
    return list(_registry().values())


def get(name: str) -> Dataset:
    """A dataset by name; unknown names raise a Chinese error listing the known ones."""
    reg = _registry()
    if name not in reg:
        raise XinzhiError(f"未知数据集：{name}。可用数据集：{', '.join(reg)}")
    return reg[name]


def sha256_of(p: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# (path, size, mtime_ns) -> sha256, so a file is hashed once per process unless it changes.
_verified: dict[tuple[str, int, int], str] = {}


def _check(p: Path, f: DatasetFile) -> bool:
    st = p.stat()
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    digest = _verified.get(key)
    if digest is None:
        digest = sha256_of(p)
        _verified[key] = digest
    return digest == f.sha256


def _how_to_get(ds: Dataset, f: DatasetFile) -> str:
    src = f.url or "（该数据集仅以镜像目录形式提供）"
    return (
        f"无法获取公共数据 {ds.name}/{f.local}：没有可用的镜像目录，且无法联网下载。\n"
        f"解决办法：(1) 在能联网的机器上运行 `xinzhi datasets fetch {ds.name}`，再把缓存目录 "
        f"{config.cache_dir()} 复制过来；或 (2) 把数据镜像目录（如 ../shared/data）通过 "
        f"`--data-dir DIR` 或环境变量 XINZHI_DATA_DIR 指定给 xinzhi。\n上游地址：{src}"
    )


def _locate(
    ds: Dataset, f: DatasetFile, data_dir: str | os.PathLike[str] | None, download: bool
) -> Path:
    mirror = config.data_dir(data_dir)
    for base in (mirror, config.cache_dir()):
        if base is None:
            continue
        p = Path(base) / f.local
        if p.is_file():
            if not _check(p, f):
                raise IntegrityError(
                    f"文件校验失败（sha256 不符）：{p}\n期望 {f.sha256}\n"
                    "文件可能被修改或损坏，请重新获取该数据集。"
                )
            return p
    if not download or f.url is None:
        raise DataUnavailableError(_how_to_get(ds, f))
    return _download(ds, f)


def _download(ds: Dataset, f: DatasetFile) -> Path:
    import pooch

    target = config.cache_dir() / f.local
    try:
        got = pooch.retrieve(
            url=f.url,
            known_hash=f"sha256:{f.sha256}",
            fname=target.name,
            path=target.parent,
            progressbar=False,
        )
    except ValueError as exc:  # pooch raises ValueError on a hash mismatch
        raise IntegrityError(f"下载的文件 sha256 不符：{f.url}\n{exc}") from exc
    except Exception as exc:  # network errors of every kind
        raise DataUnavailableError(_how_to_get(ds, f) + f"\n（下载错误：{exc}）") from exc
    return Path(got)


def path(
    name: str,
    file: str | None = None,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
) -> Path:
    """Local path of a verified file of dataset ``name``.

    ``file`` is the path inside the mirror (``census/census_county_2020_v1.xlsx``) or its tail
    (``census_county_2020_v1.xlsx``); it may be omitted for single-file datasets.
    """
    ds = get(name)
    if file is None:
        if len(ds.files) != 1:
            raise XinzhiError(f"数据集 {name} 有 {len(ds.files)} 个文件，请指定文件名")
        f = ds.files[0]
    else:
        f = ds.file(file)
    return _locate(ds, f, data_dir, download)


def fetch(
    names: list[str] | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> list[FileStatus]:
    """Make every file of the named datasets (all when empty) available and verified."""
    out = []
    for ds in [get(n) for n in names] if names else list_datasets():
        for f in ds.files:
            p = _locate(ds, f, data_dir, download=True)
            out.append(FileStatus(ds.name, f.local, "ok", p))
    return out


def verify(
    names: list[str] | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> list[FileStatus]:
    """Check the sha256 of every locally available file without downloading anything."""
    out = []
    for ds in [get(n) for n in names] if names else list_datasets():
        for f in ds.files:
            try:
                p = _locate(ds, f, data_dir, download=False)
                out.append(FileStatus(ds.name, f.local, "ok", p))
            except IntegrityError:
                out.append(FileStatus(ds.name, f.local, "mismatch", None))
            except DataUnavailableError:
                out.append(FileStatus(ds.name, f.local, "missing", None))
    return out
