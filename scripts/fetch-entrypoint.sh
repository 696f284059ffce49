#!/usr/bin/env bash
# Fetches the ERC-4337 EntryPoint v0.7: the compiled contract from the npm
# package @account-abstraction/contracts@0.7.0 (a Hardhat artifact in
# artifacts/EntryPoint.json), with the npm client, into the git-ignored cache
# target/fixtures/ (under the root's target/, or CARGO_TARGET_DIR).
#
# Outputs, in target/fixtures/:
#
#   EntryPoint.bin    creation bytecode (init code), lowercase hex without 0x
#                     and without a newline (16,650 bytes of code; solc 0.8.23,
#                     viaIR, no PUSH0, no constructor arguments, no libraries)
#   EntryPoint.json   the package's artifact (abi, bytecode, ...)
#   account-abstraction-contracts-0.7.0.tgz   the package tarball
#                                             (integrity-checked)
#
# Deploying: the init code as is; deployed with CREATE2 through the
# deterministic deployment proxy 0x4e59b44847b379578588920ca78fbf26c0b4956c
# and the v0.7.0 salt
#   0x90d8084deab30c2a37c45e8d47f49f2f7965183cb6990a98943ef94940681de3
# it lands at the canonical 0x0000000071727De22E5E9d8BAf0edAc6f37da032
# (crates/localnet/src/entry_point.rs: Localnet::deploy_entry_point). Its
# constructor creates the SenderCreator (CREATE from the EntryPoint, nonce 1).
#
# Idempotent: does nothing when the .bin is already there.
# Needs: npm (the npm registry), tar, node. Runs from any directory.
set -euo pipefail

name="fetch-entrypoint"
# shellcheck source=lib/npm-artifact.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm-artifact.sh"
cache="$(fixtures_cache)"

package="@account-abstraction/contracts"
version="0.7.0"
tarball="account-abstraction-contracts-$version.tgz"
# dist.integrity of the package version, as the registry reports it.
integrity="sha512-Bt/66ilu3u8I9+vFZ9fTd+cWs55fdb9J5YKfrhsrFafH1drkzwuCSL/xEot1GGyXXNJLQuXbMRztQPyelNbY1A=="
contract="EntryPoint"

bin="$cache/$contract.bin"
if [[ -s "$bin" ]]; then
  echo "$name: $bin is already there" >&2
  exit 0
fi
fetch_npm_artifact "$package" "$version" "$tarball" "$integrity" \
  "artifacts/$contract.json" "$cache/$contract.json"

# The creation bytecode, checked: hex, no unlinked library placeholders, no
# constructor arguments, and the v0.7 handleOps. (keccak256 of the init code,
# 0x30516d9cdbeabfaf62ea32d081a10ee3b95b92e5549cfc86353bbe85741c1404, which
# the canonical address follows from, is checked by the Rust loader: node's
# crypto has SHA-3, not keccak256.)
node -e '
  const fs = require("fs");
  const [json, out] = process.argv.slice(1);
  const a = JSON.parse(fs.readFileSync(json, "utf8"));
  const hex = String(a.bytecode || "").replace(/^0x/, "").toLowerCase();
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/.test(hex)) {
    console.error(`${json}: bytecode is not hex (unlinked libraries?)`);
    process.exit(1);
  }
  const ctor = (a.abi || []).find((e) => e.type === "constructor");
  if (ctor && ctor.inputs.length !== 0) {
    console.error(`${json}: the constructor takes arguments, expected none`);
    process.exit(1);
  }
  const handleOps = (a.abi || []).find((e) => e.type === "function" && e.name === "handleOps");
  const tuple = handleOps && handleOps.inputs[0] && handleOps.inputs[0].components;
  if (!tuple || tuple.length !== 9 || tuple[4].name !== "accountGasLimits") {
    console.error(`${json}: no v0.7 handleOps(PackedUserOperation[],address)`);
    process.exit(1);
  }
  fs.writeFileSync(out + ".tmp", hex);
  fs.renameSync(out + ".tmp", out);
  console.error(`fetch-entrypoint: wrote ${out} (${hex.length / 2} bytes of init code)`);
' "$cache/$contract.json" "$bin"
