"""The encoded real policies shipped with the package (``policies/*.yaml``).

One YAML file per document, named by its id (``policies/<id>.yaml``), read with
:mod:`importlib.resources` and validated by :func:`~xinzhi.policy.rules.load_document`. Each
carries its issuer, 文号, date and the source where its text was read; see
``docs/policy_library.md``.

>>> docs = builtin_documents()
>>> all(doc.id == key for key, doc in docs.items())
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from xinzhi.errors import ConfigError, InputError
from xinzhi.policy.rules import PolicyDocument, load_document

__all__ = ["builtin_documents", "load_folder"]


@cache
def _load() -> tuple[PolicyDocument, ...]:
    return load_folder(resources.files("xinzhi.policy").joinpath("policies"))


def load_folder(folder: Traversable) -> tuple[PolicyDocument, ...]:
    """Every ``*.yaml`` document of a folder, sorted by file name; each id must equal its
    file stem (:class:`~xinzhi.errors.ConfigError` naming the file otherwise)."""
    if not folder.is_dir():
        return ()
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        stem = entry.name[: -len(".yaml")]
        name = f"policies/{entry.name}"
        try:
            doc = load_document(entry.read_text("utf-8"), name=name)
        except InputError as exc:
            raise ConfigError(str(exc)) from exc
        if doc.id != stem:
            raise ConfigError(
                f"政策文件 {name}：document.id：应与文件名一致（{stem}），实际为 {doc.id}"
            )
        out.append(doc)
    return tuple(out)


def builtin_documents() -> dict[str, PolicyDocument]:
    """The package's encoded policies by document id (sorted by id).

    Raises
    ------
    ConfigError
        When a shipped file is invalid (its message names the file and the key path).
    """
    return {d.id: d for d in _load()}
