#!/usr/bin/env bash
# Set everything up and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/venv.sh
.venv/bin/ruff check jixiao tests examples
.venv/bin/python -m pytest "$@"
# the wheel a user installs: built, installed into a fresh venv, converting ../shared/seeds there
bash scripts/check_wheel.sh .venv/bin/python
