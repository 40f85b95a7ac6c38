#!/usr/bin/env bash
# Install the pinned tools the tests use: cfn-lint, statelint and moto server into .venv/
# (tools/requirements.txt), checkov into .venv-checkov/ (tools/requirements-checkov.txt), and
# jsonata and mermaid into tools/node (tools/node/package-lock.json, `npm ci`). Idempotent:
# reinstalls only what a changed pin concerns.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=.venv/.requirements.sha256
want=$(sha256sum tools/requirements.txt | cut -d' ' -f1)
if ! [ -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r tools/requirements.txt
  echo "$want" > "$stamp"
  echo "tools installed in .venv/: $(.venv/bin/cfn-lint --version), statelint, moto $(.venv/bin/python -c 'import moto; print(moto.__version__)')"
fi

checkov_stamp=.venv-checkov/.requirements.sha256
checkov_want=$(sha256sum tools/requirements-checkov.txt | cut -d' ' -f1)
if ! [ -x .venv-checkov/bin/python ] || [ "$(cat "$checkov_stamp" 2>/dev/null)" != "$checkov_want" ]; then
  python3 -m venv .venv-checkov
  .venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check -r tools/requirements-checkov.txt
  echo "$checkov_want" > "$checkov_stamp"
  echo "tools installed in .venv-checkov/: checkov $(.venv-checkov/bin/checkov --version)"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "error: the rollout tests run the JSONata reference implementation on Node.js; install node and npm (Node.js 20 or later)" >&2
  exit 1
fi
node_stamp=tools/node/node_modules/.package-lock.sha256
node_want=$(sha256sum tools/node/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$node_stamp" 2>/dev/null)" != "$node_want" ]; then
  (cd tools/node && npm ci --silent --no-audit --no-fund)
  echo "$node_want" > "$node_stamp"
  echo "tools installed in tools/node/: jsonata $(node -p 'require("./tools/node/node_modules/jsonata/package.json").version')"
fi
