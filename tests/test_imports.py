"""Every ``from xinzhi… import name`` in the package resolves — including the imports inside
functions, which run only when a page, a route or a command is used (mypy is configured with
``ignore_missing_imports``, so it does not catch a moved module)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "xinzhi"


def _imports() -> list[tuple[str, int, str, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module == "xinzhi" or node.module.startswith("xinzhi."):
                    for alias in node.names:
                        rel = str(path.relative_to(SRC.parent))
                        found.append((rel, node.lineno, node.module, alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("xinzhi."):
                        rel = str(path.relative_to(SRC.parent))
                        found.append((rel, node.lineno, alias.name, ""))
    return found


IMPORTS = _imports()


def test_the_package_has_internal_imports() -> None:
    # the scan itself works: the CLI imports its commands from xinzhi.cli modules
    assert ("xinzhi/cli/__init__.py" in {f for f, *_ in IMPORTS}) is True
    assert len({m for _, _, m, _ in IMPORTS}) >= 60


def _resolves(module: str, name: str) -> bool:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:
        return False
    if not name or name == "*" or hasattr(mod, name):
        return True
    try:  # a submodule imported by name (``from xinzhi import registry``)
        importlib.import_module(f"{module}.{name}")
    except ModuleNotFoundError:
        return False
    return True


def test_every_internal_import_resolves() -> None:
    broken = [f"{w}:{n}: {m} {name}" for w, n, m, name in IMPORTS if not _resolves(m, name)]
    assert broken == []
