#!/usr/bin/env bash
# Builds the Stylus test fixtures that live outside the root workspace and
# turns each into its deployable artifact with the stylus-artifact tool.
#
# Fixtures built:
#
#   oz-erc20   fixtures/oz-erc20-stylus: OpenZeppelin's Stylus ERC-20
#              (openzeppelin-stylus 0.3.0 Erc20 + Erc20Metadata, stylus-sdk
#              0.9.0), for comparing a Stylus token with OpenZeppelin's
#              Solidity ERC20PresetFixedSupply (scripts/fetch-solidity-fixtures.sh)
#              on the same chain. Set up with one plain call of
#              initialize(string name, string symbol, uint256 initialSupply, address owner)
#              (the constructor's arguments of ERC20PresetFixedSupply); see
#              the crate docs in fixtures/oz-erc20-stylus/src/lib.rs.
#
# Outputs:
#
#   target/stylus/oz-erc20.wasm   the exact deployed wasm (canonical)
#   target/stylus/oz-erc20.code   EF F0 00 00 + brotli, the bytes to deploy
#
# The fixture is its own Cargo workspace (own Cargo.lock, built --locked)
# because it pins other SDK and alloy versions than the root workspace. It is
# built from its own directory so that its rust-toolchain.toml and
# .cargo/config.toml (the same Stylus flags as the root's) apply, into
# target/fixtures/oz-erc20-stylus.
#
# It must pass Nitro's activation rules, the 24 KiB code limit and the
# one-page initial memory, but it is not held to the project's entry-gas
# budget (--entry-gas-limit none): OpenZeppelin's router and ABI handling
# cost about 27,700 gas uncached / 7,100 cached on entry, more than our own
# modules are allowed.
#
# Usage: scripts/build-fixtures.sh [stylus-artifact options, e.g. --json]
# Runs from any directory. Honours CARGO_TARGET_DIR (for the root's target).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in
  /*) ;;
  *) target_dir="$root/$target_dir" ;;
esac
wasm_target="wasm32-unknown-unknown"

fixture_dir="$root/fixtures/oz-erc20-stylus"
fixture_target="$target_dir/fixtures/oz-erc20-stylus"

echo "build-fixtures: building oz-erc20 (fixtures/oz-erc20-stylus)" >&2
(
  cd "$fixture_dir"
  # Cheap when the target is already installed for the pinned toolchain.
  if ! rustup_out="$(rustup target add "$wasm_target" 2>&1)"; then
    echo "$rustup_out" >&2
    exit 1
  fi
  CARGO_TARGET_DIR="$fixture_target" \
    cargo build --locked --release --target "$wasm_target" --lib
)
wasm="$fixture_target/$wasm_target/release/oz_erc20.wasm"
if [[ ! -f "$wasm" ]]; then
  echo "build-fixtures: oz-erc20 built no $wasm" >&2
  exit 1
fi

cargo run --quiet --release -p stylus-artifact -- \
  --out-dir "$target_dir/stylus" --entry-gas-limit none "$@" \
  "oz-erc20=$wasm"
