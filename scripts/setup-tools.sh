#!/usr/bin/env bash
# Create .venv/ with the pinned Python tools the tests use (cfn-lint, statelint, moto server).
# Idempotent: reinstalls only when tools/requirements.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha256
want=$(sha256sum tools/requirements.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tools/requirements.txt
echo "$want" > "$stamp"
echo "tools installed in .venv/: $(.venv/bin/cfn-lint --version), statelint, moto $(.venv/bin/python -c 'import moto; print(moto.__version__)')"
