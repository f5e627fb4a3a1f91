#!/usr/bin/env bash
# Set everything up and convert the bundled examples (the real seeds and the fixtures) into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/venv.sh
inputs=(../shared/seeds)
[ -d ../shared/real ] && inputs+=(../shared/real)
[ -d fixtures/office ] && inputs+=(fixtures/office)
[ -d fixtures/pdf ] && inputs+=(fixtures/pdf)
set +e
.venv/bin/jixiao convert "${inputs[@]}" -o out
code=$?
set -e
echo "output: out/ (report.html, documents.csv, forms.csv, indicators.csv, amounts.csv, narrative.csv, facts.csv, findings.csv, jixiao.duckdb)"
exit $code
