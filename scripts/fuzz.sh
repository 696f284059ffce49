#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ under libFuzzer (cargo fuzz, nightly), one
# after the other, each for RUNS inputs (default 10,000,000), in one process.
# Not part of CI: a full run takes tens of minutes.
#
#   scripts/fuzz.sh [RUNS] [TARGET...]
#
# Prints each target's executions and exits non-zero on the first crash
# (libFuzzer leaves the input in fuzz/artifacts/<target>/). The corpus
# grows in fuzz/corpus/<target>/ (ignored by git).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs="${1:-10000000}"
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir fuzz)
fi

total=0
for target in "${targets[@]}"; do
    echo "==> $target: $runs inputs"
    log="$(mktemp)"
    cargo +nightly fuzz run --fuzz-dir fuzz "$target" -- \
        -runs="$runs" -print_final_stats=1 2>&1 | tee "$log" |
        grep -E "^(#[0-9]+\s+(DONE|INITED)|SUMMARY|stat::number_of_executed_units)|panicked" || true
    if grep -qE "panicked|ERROR: libFuzzer|SUMMARY: .*Sanitizer" "$log"; then
        echo "fuzz: $target crashed; the input is in fuzz/artifacts/$target/" >&2
        rm -f "$log"
        exit 1
    fi
    executed="$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)"
    rm -f "$log"
    echo "fuzz: $target: ${executed:-?} inputs, no crash"
    total=$((total + ${executed:-0}))
done
echo "fuzz: ${#targets[@]} targets, $total inputs, no crash"
