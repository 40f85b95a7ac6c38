#!/usr/bin/env bash
# Run the rollout scenarios on policies: build each with patchform, then execute its state
# machines on moto's Step Functions engine (tools/rollout_harness). One line per scenario;
# exit 1 when any failed, 2 when the tools are missing (run scripts/setup-tools.sh).
#
#   scripts/rollout-check.sh POLICY.yaml...        (PATCHFORM_BIN=path/to/patchform to skip cargo)
#   ROLLOUT_ONLY="dry-run 5" scripts/rollout-check.sh policies/acme-fleet.yaml
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -eq 0 ]; then
  echo "usage: scripts/rollout-check.sh POLICY.yaml..." >&2
  exit 2
fi
python="$root/.venv/bin/python"
if [ ! -x "$python" ] || [ ! -f "$root/tools/node/node_modules/jsonata/package.json" ] || ! command -v node >/dev/null; then
  echo "error: the rollout harness needs .venv (moto) and tools/node (jsonata 2.0.6) and node on PATH: run scripts/setup-tools.sh" >&2
  exit 2
fi
bin="${PATCHFORM_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --quiet --locked --manifest-path "$root/Cargo.toml"
  bin="$root/target/debug/patchform"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# the schema (and its defaults) of the binary under test
"$bin" schema > "$work/policy.schema.json"
cases=()
index=0
for policy in "$@"; do
  index=$((index + 1))
  out="$work/$index"
  if ! "$bin" build --out "$out" "$policy" >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    echo "error: $policy does not build; the rollout scenarios need a valid policy" >&2
    exit 1
  fi
  generated=("$out"/*/)
  cases+=(--case "$(cd "$(dirname "$policy")" && pwd)/$(basename "$policy")=${generated[0]%/}")
done
only=()
for name in ${ROLLOUT_ONLY:-}; do
  only+=(--only "$name")
done
cd "$root/tools"
"$python" -m rollout_harness check --jobs "${ROLLOUT_JOBS:-2}" --schema "$work/policy.schema.json" "${cases[@]}" "${only[@]}"
