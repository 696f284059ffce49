#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ under libFuzzer (cargo fuzz, nightly), one
# after the other, each for RUNS inputs (default 10,000,000), as a single
# job in a single process. Not part of CI: a full run takes tens of minutes.
#
#   scripts/fuzz.sh [RUNS] [TARGET...]
#
#   scripts/fuzz.sh                          # every target, 10^7 inputs each
#   scripts/fuzz.sh 1000000 calldata_walker  # one target, 10^6 inputs
#   FUZZ_NICE=0 scripts/fuzz.sh              # at normal priority (default: nice 10)
#
# Installs cargo-fuzz when missing. Builds without a sanitizer (the fuzzed
# code has no `unsafe`; overflow checks and debug assertions stay on), then
# runs each target with `-runs=RUNS -jobs=1 -workers=1 -print_final_stats=1`
# and prints its executions (libFuzzer's stat::number_of_executed_units),
# its rate and whether it crashed. A crash does not stop the other targets;
# the script exits non-zero if any target crashed, and libFuzzer leaves the
# input in fuzz/artifacts/<target>/; each run's full libFuzzer output is in
# fuzz/artifacts/<target>.log. The corpus grows in fuzz/corpus/<target>/
# (both ignored by git).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs="${1:-10000000}"
shift || true
case "$runs" in
    '' | *[!0-9]*)
        echo "fuzz: RUNS must be a number, not '$runs'" >&2
        exit 2
        ;;
esac
nice_level="${FUZZ_NICE:-10}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir fuzz)
fi

fuzz=(cargo +nightly fuzz)
build_flags=(--fuzz-dir fuzz --sanitizer none --debug-assertions)
echo "==> building ${targets[*]}"
for target in "${targets[@]}"; do
    nice -n "$nice_level" "${fuzz[@]}" build "${build_flags[@]}" "$target"
done

mkdir -p fuzz/artifacts
summary=()
crashed=0
total=0
for target in "${targets[@]}"; do
    echo "==> $target: $runs inputs"
    log="fuzz/artifacts/$target.log"
    # With -jobs=1 libFuzzer fuzzes in one child process, writes its output
    # to fuzz-0.log in the working directory and prints it at the end.
    status=0
    start="$(date +%s)"
    nice -n "$nice_level" "${fuzz[@]}" run "${build_flags[@]}" "$target" -- \
        -runs="$runs" -jobs=1 -workers=1 -print_final_stats=1 >"$log" 2>&1 || status=$?
    seconds=$(($(date +%s) - start))
    rm -f fuzz-0.log
    grep -E "^#[0-9]+\s+(INITED|DONE)|^stat::(number_of_executed_units|average_exec_per_sec)|panicked|^SUMMARY" "$log" || true
    executed="$(grep -oE 'stat::number_of_executed_units:\s+[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)"
    rate="$(grep -oE 'stat::average_exec_per_sec:\s+[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)"
    if [ "$status" -ne 0 ] || grep -qE "panicked|ERROR: libFuzzer|^SUMMARY: libFuzzer" "$log"; then
        crashed=1
        result="CRASH (exit $status; input in fuzz/artifacts/$target/)"
        tail -40 "$log" >&2
    elif [ -z "$executed" ]; then
        crashed=1
        result="FAILED (no final stats; exit $status)"
        tail -40 "$log" >&2
    else
        result="no crash"
    fi
    total=$((total + ${executed:-0}))
    summary+=("$(printf '%-20s %10s executions  %7s exec/s  %6s s  %s' \
        "$target" "${executed:-?}" "${rate:-?}" "$seconds" "$result")")
    echo "fuzz: ${summary[-1]}"
done

echo "==> summary (${#targets[@]} targets, $runs runs each requested)"
printf '%s\n' "${summary[@]}"
echo "total: $total executions"
if [ "$crashed" -ne 0 ]; then
    echo "fuzz: at least one target crashed or failed" >&2
    exit 1
fi
echo "fuzz: no crash"
