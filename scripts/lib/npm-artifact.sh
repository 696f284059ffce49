# Shared by the fixture scripts that take a compiled contract from an npm
# package (sourced, not run). Usage, after setting `name` (the caller's name
# for messages):
#
#   fixtures_cache            -> prints target/fixtures (or under CARGO_TARGET_DIR)
#   fetch_npm_artifact PACKAGE VERSION TARBALL INTEGRITY PATH_IN_PACKAGE DEST_JSON
#
# fetch_npm_artifact packs PACKAGE@VERSION into the cache with the npm client,
# checks the tarball against the registry's pinned `dist.integrity`, and
# extracts package/PATH_IN_PACKAGE to DEST_JSON.

fixtures_cache() {
  local root target_dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  target_dir="${CARGO_TARGET_DIR:-$root/target}"
  case "$target_dir" in
    /*) ;;
    *) target_dir="$root/$target_dir" ;;
  esac
  echo "$target_dir/fixtures"
}

fetch_npm_artifact() {
  local package="$1" version="$2" tarball="$3" integrity="$4" path="$5" dest="$6"
  local cache tool actual tmp
  cache="$(dirname "$dest")"
  for tool in npm node tar; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$name: needs $tool" >&2
      return 1
    fi
  done
  mkdir -p "$cache"
  if [[ ! -f "$cache/$tarball" ]]; then
    echo "$name: npm pack $package@$version" >&2
    # npm pack checks the tarball against the registry's integrity itself.
    npm pack --silent --pack-destination "$cache" "$package@$version" >/dev/null
  fi
  actual="sha512-$(node -e '
    const c = require("crypto"), fs = require("fs");
    process.stdout.write(c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
  ' "$cache/$tarball")"
  if [[ "$actual" != "$integrity" ]]; then
    echo "$name: $cache/$tarball has integrity $actual, expected $integrity" >&2
    rm -f "$cache/$tarball"
    return 1
  fi
  tmp="$(mktemp -d)"
  tar -xzf "$cache/$tarball" -C "$tmp" "package/$path"
  cp "$tmp/package/$path" "$dest"
  rm -rf "$tmp"
}
