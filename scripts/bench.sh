#!/usr/bin/env bash
# Whole-process timing and peak memory of the release binary on the reference policy and on
# generated policies of growing size (to show validate/build scale linearly).
# Usage: scripts/bench.sh [validate|build]   (default validate; build needs the compiler)
# Prints: policy, waves, accounts, mean wall ms over N runs, peak RSS MiB.
# PATCHFORM_BIN=path times that binary instead of building target/release/patchform (to compare
# two builds, e.g. before and after a profile change).
set -euo pipefail
cd "$(dirname "$0")/.."
command=${1:-validate}
runs=${RUNS:-20}
if [ -n "${PATCHFORM_BIN:-}" ]; then
  bin=$PATCHFORM_BIN
else
  cargo build --release --quiet
  bin=target/release/patchform
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
policies=("policies/acme-fleet.yaml:3:1")
for waves in 50 100 150 200 400; do
  accounts=$((waves * 25))
  python3 scripts/gen-large-policy.py "$waves" "$accounts" > "$work/large-$waves.yaml"
  policies+=("$work/large-$waves.yaml:$waves:$accounts")
done
printf '%-28s %6s %9s %10s %12s\n' policy waves accounts mean_ms peak_rss_mib
for entry in "${policies[@]}"; do
  IFS=: read -r policy waves accounts <<<"$entry"
  args=("$command" "$policy")
  [ "$command" = build ] && args=(build --artifact-bucket bench-artifacts --out "$work/out" "$policy")
  if ! "$bin" "${args[@]}" >/dev/null 2>"$work/err"; then
    printf '%-28s %6s %9s   refused: %s\n' "$(basename "$policy")" "$waves" "$accounts" "$(tail -1 "$work/err" | cut -c1-90)"
    continue
  fi
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$bin" "${args[@]}" >/dev/null 2>&1; done
  end=$(date +%s%N)
  mean=$(( (end - start) / runs / 1000 ))
  rss=$(/usr/bin/time -f '%M' "$bin" "${args[@]}" 2>&1 >/dev/null | tail -1)
  printf '%-28s %6s %9s %7d.%03d %12.1f\n' "$(basename "$policy")" "$waves" "$accounts" $((mean / 1000)) $((mean % 1000)) "$(echo "$rss / 1024" | bc -l)"
done
