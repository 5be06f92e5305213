#!/usr/bin/env bash
# The full packaging check (needs the package registry): build the wheel, install it with
# its dependencies into an empty virtual environment, and run the bundled case study and a
# small Monte Carlo batch from an empty directory. tests/test_wheel.py is the offline version.
#
#   bash tools/check_wheel.sh            # core install
#   EXTRAS=cluster bash tools/check_wheel.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 -m venv "$TMP/venv"
"$TMP/venv/bin/python" -m pip install --quiet --upgrade pip build
"$TMP/venv/bin/python" -m build --wheel --outdir "$TMP/dist" "$ROOT" 2>&1 | grep -i deprecat && exit 1
WHEEL=$(ls "$TMP"/dist/iadsim-*.whl)
"$TMP/venv/bin/python" -m pip install --quiet "$WHEEL${EXTRAS:+[$EXTRAS]}"
mkdir "$TMP/work" && cd "$TMP/work"
"$TMP/venv/bin/iadsim" --version
"$TMP/venv/bin/iadsim" examples
"$TMP/venv/bin/iadsim" run caracas --seed 1 --out out/caracas
"$TMP/venv/bin/iadsim" mc caracas -n 8 --workers 2 --out out/mc --quiet
echo "wheel check passed: $(basename "$WHEEL")"
