#!/usr/bin/env bash
# Install (if needed) and run lint, type checks and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${XINZHI_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
  export XINZHI_DATA_DIR="$(cd ../shared/data && pwd)"
fi
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
.venv/bin/lint-imports
exec .venv/bin/pytest -n 2 "$@"
