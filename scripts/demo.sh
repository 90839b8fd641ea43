#!/usr/bin/env bash
# Install (if needed) and run the main job end to end: `xinzhi demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${XINZHI_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
  export XINZHI_DATA_DIR="$(cd ../shared/data && pwd)"
  echo "[demo] 使用公共数据镜像 $XINZHI_DATA_DIR"
fi
exec .venv/bin/xinzhi demo "$@"
