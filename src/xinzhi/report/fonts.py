"""Noto CJK fonts for the reports (Debian ``fonts-noto-cjk``, installed by ``scripts/setup.sh``).

The PDF engine (Typst) gets the fonts by file path, never from the internet; the SVG charts
name this family and Typst lays their text out with the same files. ``XINZHI_FONT_DIR`` points
at another directory holding ``NotoSansCJK-Regular.ttc`` (or ``.otf``/``.ttf`` files of Noto
Sans CJK SC).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from xinzhi.errors import ConfigError

__all__ = ["CJK_FAMILY", "font_dirs"]

CJK_FAMILY = "Noto Sans CJK SC"
"""Font family used in the reports and the charts."""

_CANDIDATE_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/local/share/fonts",
)


def _cjk_files(d: Path) -> list[Path]:
    if not d.is_dir():
        return []
    return sorted(p for p in d.glob("NotoSansCJK*") if p.suffix.lower() in (".ttc", ".otf", ".ttf"))


@cache
def font_dirs() -> tuple[Path, ...]:
    """Directories holding the Noto Sans CJK fonts (first: ``XINZHI_FONT_DIR`` if set).

    Raises
    ------
    ConfigError
        No Noto Sans CJK font file found (Chinese message naming the Debian package).
    """
    env = os.environ.get("XINZHI_FONT_DIR")
    dirs = [Path(env)] if env else []
    dirs += [Path(d) for d in _CANDIDATE_DIRS]
    found = tuple(d for d in dirs if _cjk_files(d))
    if not found:
        raise ConfigError(
            "找不到思源黑体（Noto Sans CJK）字体文件，无法生成中文报告；请运行 scripts/setup.sh "
            "（安装 Debian 软件包 fonts-noto-cjk），或用环境变量 XINZHI_FONT_DIR 指定字体目录"
        )
    return found
