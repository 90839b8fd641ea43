"""The public datasets of the registry (:mod:`xinzhi.datasets`) for the surfaces: the catalogue,
fetching (mirror first, then download; sha256 checked) and verifying local files —
``xinzhi datasets list | fetch | verify``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xinzhi import datasets

__all__ = ["STATUSES", "DatasetCheck", "dataset_catalogue", "fetch_datasets", "verify_datasets"]

STATUSES = ("ok", "missing", "mismatch")
"""Statuses of a verified file: sha256 matches, no local copy, sha256 differs."""


def dataset_catalogue(*, planner: bool = False) -> list[dict[str, Any]]:
    """One row per registered dataset: ``name, title, repo, commit, licence, licence_zh,
    files`` (count); ``planner=True`` keeps the data a planner's analyses use (no reference
    values or test fixtures — the web's 数据 page)."""
    return [
        {
            "name": d.name,
            "title": d.title,
            "repo": d.repo,
            "commit": d.commit,
            "licence": d.licence,
            "licence_zh": d.licence_zh,
            "files": len(d.files),
        }
        for d in datasets.list_datasets()
        if not planner or d.audience == "planner"
    ]


def fetch_datasets(
    names: Sequence[str] | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> list[dict[str, str]]:
    """Make every file of the named datasets (all when None or empty) available and verified;
    one row per file: ``dataset, file, path``."""
    got = datasets.fetch(list(names) if names else None, data_dir=data_dir)
    return [{"dataset": s.dataset, "file": s.local, "path": str(s.path)} for s in got]


@dataclass
class DatasetCheck:
    """Verified files (``dataset, file, status`` rows) and the number per status."""

    files: list[dict[str, str]]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def mismatch(self) -> bool:
        """Whether a local file's sha256 differs from the registry's."""
        return self.counts.get("mismatch", 0) > 0


def verify_datasets(
    names: Sequence[str] | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> DatasetCheck:
    """Check the sha256 of every local file of the named datasets (all when None or empty)
    without downloading anything."""
    res = datasets.verify(list(names) if names else None, data_dir=data_dir)
    files = [{"dataset": s.dataset, "file": s.local, "status": s.status} for s in res]
    counts = {k: sum(s.status == k for s in res) for k in STATUSES}
    return DatasetCheck(files, counts)
