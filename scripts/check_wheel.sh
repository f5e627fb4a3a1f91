#!/usr/bin/env bash
# The wheel a user gets: build it, install it into a fresh venv (no source tree, no editable
# install, dependencies resolved from the wheel's metadata; pip's cache makes this quick after
# the first run), and convert ../shared/seeds there with the installed `jixiao` command.
#   bash scripts/check_wheel.sh [PYTHON]   (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY=${1:-.venv/bin/python}
# absolute without resolving symlinks (a venv's python is a symlink): the script changes folder below
case "$PY" in */*) PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")" ;; esac
SEEDS="$REPO/../shared/seeds"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jixiao-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# sdist first, the wheel from the sdist: a stale build/ folder of an earlier local build (modules
# since moved or deleted) cannot leak into the wheel, and the sdist is proven complete.
"$PY" -m build --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
WHEEL=$(ls "$WORK"/dist/jixiao-*.whl)
echo "built $(basename "$WHEEL")"

BASE=$("$PY" -c 'import sys; print(getattr(sys, "_base_executable", sys.executable))')
"$BASE" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL" >"$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log"; exit 1; }

# Run from an empty folder so nothing can be imported from the source tree.
mkdir "$WORK/run" && cd "$WORK/run"
VERSION=$("$WORK/venv/bin/jixiao" --version)
EXPECTED="jixiao $("$PY" -c 'import runpy; print(runpy.run_path("'"$REPO"'/jixiao/version.py")["__version__"])')"
[ "$VERSION" = "$EXPECTED" ] || { echo "installed version '$VERSION', expected '$EXPECTED'"; exit 1; }
"$WORK/venv/bin/jixiao" convert "$SEEDS" -o "$WORK/out" >"$WORK/convert.log" 2>&1 \
  || { cat "$WORK/convert.log"; echo "the installed wheel failed to convert $SEEDS"; exit 1; }
test -s "$WORK/out/forms.csv" && test -s "$WORK/out/report.html" && test -s "$WORK/out/jixiao.duckdb"
FORMS=$(($(wc -l <"$WORK/out/forms.csv") - 1))
[ "$FORMS" -gt 0 ] || { echo "the installed wheel found no forms in $SEEDS"; exit 1; }
# the Python API from the installed package (a script file: the worker pool re-imports __main__)
cat >"$WORK/run/api_check.py" <<'PY'
import sys

import jixiao

where = jixiao.__file__
assert "/site-packages/" in where, f"jixiao imported from {where}, not from the installed wheel"
if __name__ == "__main__":  # worker processes re-import this script
    result = jixiao.convert(sys.argv[1])
    assert len(result.forms) and len(result.indicators), result
PY
"$WORK/venv/bin/python" "$WORK/run/api_check.py" "$SEEDS"
echo "wheel OK: $VERSION installs into a fresh venv and converts $FORMS forms from ../shared/seeds"
