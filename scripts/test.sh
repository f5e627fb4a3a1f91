#!/usr/bin/env bash
# Set everything up and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/venv.sh
.venv/bin/ruff check jixiao tests
exec .venv/bin/python -m pytest "$@"
