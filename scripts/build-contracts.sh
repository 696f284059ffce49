#!/usr/bin/env bash
# Builds every contract under contracts/ for Stylus, shrinks each with
# binaryen's wasm-opt -Oz (pinned, see scripts/lib/wasm-opt.sh), and turns it
# into its deployable artifact with the stylus-artifact tool:
#
#   target/stylus/NAME.wasm   the exact deployed wasm (canonical, no custom sections)
#   target/stylus/NAME.code   EF F0 00 00 + brotli, the bytes to deploy
#
# and prints a size / entry-gas table. Fails if any contract breaks a Nitro
# activation rule or the project's budget (code size, 1-page memory, entry gas).
#
# Usage: scripts/build-contracts.sh [stylus-artifact options, e.g. --json]
# Runs from any directory. Honours CARGO_TARGET_DIR.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in
  /*) ;;
  *) target_dir="$root/$target_dir" ;;
esac
wasm_target="wasm32-unknown-unknown"
profile="contract"

name="build-contracts"
source "$root/scripts/lib/npm-artifact.sh"
source "$root/scripts/lib/wasm-opt.sh"
wasm_opt="$(wasm_opt_path)"
# The features rustc's wasm32 code may use and Nitro accepts; multi-value and
# reference types stay off, so the optimizer cannot introduce them.
wasm_opt_features=(--enable-bulk-memory --enable-sign-ext --enable-mutable-globals
  --enable-nontrapping-float-to-int)
opt_dir="$target_dir/stylus-opt"
mkdir -p "$opt_dir"

# Cheap when the target is already installed for the pinned toolchain.
if ! rustup_out="$(rustup target add "$wasm_target" 2>&1)"; then
  echo "$rustup_out" >&2
  exit 1
fi

contracts=()
for manifest in contracts/*/Cargo.toml; do
  [[ -f "$manifest" ]] || continue
  contracts+=("$(basename "$(dirname "$manifest")")")
done
if [[ ${#contracts[@]} -eq 0 ]]; then
  echo "build-contracts: no contracts found (expected contracts/<name>/Cargo.toml)" >&2
  exit 1
fi

# Contracts are checked against the default budget (24 KiB, 1 page, uncached
# entry under 25,000 gas: what a permission module must meet) unless
# contracts/NAME/stylus-budget holds other stylus-artifact flags, e.g.
# "--entry-gas-limit none" for an account, which no 30,000-gas check calls.
declare -A groups=()
for name in "${contracts[@]}"; do
  echo "build-contracts: building $name" >&2
  # One cargo invocation per contract, so that features of one contract's
  # dependencies cannot leak into another's wasm.
  cargo build --target "$wasm_target" --profile "$profile" -p "$name"
  wasm="$target_dir/$wasm_target/$profile/${name//-/_}.wasm"
  if [[ ! -f "$wasm" ]]; then
    echo "build-contracts: $name built no $wasm (is it a cdylib?)" >&2
    exit 1
  fi
  # -Oz: about 10% less wasm and half the functions, which is ~3,000 gas
  # less on every uncached entry (init cost is per function and per byte).
  opt="$opt_dir/$name.wasm"
  node "$wasm_opt" -Oz "${wasm_opt_features[@]}" "$wasm" -o "$opt"
  wasm="$opt"
  budget="default"
  if [[ -f "contracts/$name/stylus-budget" ]]; then
    budget="$(tr '\n' ' ' < "contracts/$name/stylus-budget")"
  fi
  groups["$budget"]+="$name=$wasm "
done

for budget in "${!groups[@]}"; do
  flags=""
  [[ "$budget" == "default" ]] || flags="$budget"
  # shellcheck disable=SC2086 # the flags and the inputs are word lists
  cargo run --quiet --release -p stylus-artifact -- \
    --out-dir "$target_dir/stylus" $flags "$@" ${groups[$budget]}
done
