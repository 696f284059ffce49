# Binaryen's wasm-opt, pinned, for build-contracts.sh (sourced, not run).
#
#   wasm_opt_path   -> fetches binaryen's npm build once and prints the path
#                      of its self-contained wasm-opt (run it with node)
#
# The npm package (binaryen.js, the same C++ compiled to wasm) is pinned by
# version and integrity like the fixtures, so every machine that builds the
# contracts runs the same optimizer, and the deployed bytes are reproducible.

wasm_opt_version="132.0.0"
wasm_opt_integrity="sha512-4Usg7yEvwO3FMso3Oov6qkOOHSod1IEv+boKkh77kTljM+eNBouqCTbqWswGzbG+vDNO/b/v2C4gfEh1WgB9Lg=="

wasm_opt_path() {
  local cache dest
  cache="$(fixtures_cache)/binaryen"
  dest="$cache/wasm-opt-$wasm_opt_version.cjs"
  if [[ ! -s "$dest" ]]; then
    mkdir -p "$cache"
    fetch_npm_artifact binaryen "$wasm_opt_version" "binaryen-$wasm_opt_version.tgz" \
      "$wasm_opt_integrity" "bin/wasm-opt" "$dest" >&2 || return 1
  fi
  echo "$dest"
}
