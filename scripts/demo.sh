#!/usr/bin/env bash
# The main job, until the session-keys CLI lands: builds the four permission
# modules into deployable Stylus code (size and entry-gas table), then deploys
# them on the embedded local chain and prints what each hook costs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/build-contracts.sh
echo
cargo run --quiet --release -p bench --bin bench-modules
