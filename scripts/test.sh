#!/usr/bin/env bash
# The whole test suite, as CI runs it: tools, formatting, lints, every test (unit, integration,
# snapshot, cfn-lint, statelint, moto server). On a fresh machine this installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup-tools.sh
export PATH="$PWD/.venv/bin:$PATH"
export PATCHFORM_TOOLS="$PWD/.venv/bin"
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
# The build without the AWS SDK (README's first command, CI jobs that only validate, build and
# diff): warning-free, and its AWS commands say how to get them (src/run.rs `without_aws`).
cargo clippy --no-default-features --all-targets --locked -- -D warnings
cargo test --no-default-features --lib --locked
