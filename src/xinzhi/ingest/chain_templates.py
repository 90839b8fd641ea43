"""Reader of a user's industry-chain template file (YAML; the format of the built-in templates
in ``xinzhi/industry/chains/``, see ``docs/chains.md``). Parsing and validation:
:func:`xinzhi.industry.chains.chain_from_mapping`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from xinzhi import yamlfile
from xinzhi.errors import InputError

__all__ = ["is_template_file", "read_chain_template"]


def is_template_file(name: str | os.PathLike[str]) -> bool:
    """True when ``name`` is an existing ``.yaml`` / ``.yml`` file (not a template name)."""
    p = Path(str(name))
    return p.suffix.lower() in (".yaml", ".yml") and p.is_file()


def read_chain_template(path: str | os.PathLike[str]) -> Any:
    """The parsed YAML of a template file; Chinese error when it is missing or not YAML."""
    p = Path(path)
    try:
        return yamlfile.safe_load(p.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"产业链模板文件不存在：{p}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"无法读取产业链模板文件 {p}：{exc}") from exc
