#!/usr/bin/env bash
# Fetches the Solidity fixtures: compiled OpenZeppelin contracts from the npm
# package @openzeppelin/contracts (4.x ships Truffle-style build artifacts in
# build/contracts/), with the npm client, into the git-ignored cache
# target/fixtures/ (under the root's target/, or CARGO_TARGET_DIR).
#
# Fixtures fetched:
#
#   ERC20PresetFixedSupply   OpenZeppelin's Solidity ERC-20 (4.9.6, solc 0.8.13, no PUSH0),
#                            the counterpart of the Stylus fixture oz-erc20
#                            (scripts/build-fixtures.sh).
#
# Outputs, in target/fixtures/:
#
#   ERC20PresetFixedSupply.bin    creation bytecode (init code), lowercase hex
#                                 without 0x and without a newline
#   ERC20PresetFixedSupply.json   the package's artifact (abi, bytecode, ...)
#   openzeppelin-contracts-4.9.6.tgz   the package tarball (integrity-checked)
#
# Deploying: init code = hex-decoded .bin followed by the ABI-encoded
# constructor arguments
#
#   constructor(string name, string symbol, uint256 initialSupply, address owner)
#
# which mints initialSupply to owner (one Transfer event from address(0));
# decimals() is 18. The token also has burn(uint256) and
# burnFrom(address,uint256) (ERC20Burnable), and increaseAllowance /
# decreaseAllowance.
#
# Idempotent: does nothing when the .bin is already there.
# Needs: npm (the npm registry), tar, node. Runs from any directory.
set -euo pipefail

name="fetch-solidity-fixtures"
# shellcheck source=lib/npm-artifact.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm-artifact.sh"
cache="$(fixtures_cache)"

package="@openzeppelin/contracts"
version="4.9.6"
tarball="openzeppelin-contracts-$version.tgz"
# dist.integrity of the package version, as the registry reports it.
integrity="sha512-xSmezSupL+y9VkHZJGDoCBpmnB2ogM13ccaYDWqJTfS3dbuHkgjuwDFUmaFauBCboQMGB/S5UqUl2y54X99BmA=="
contract="ERC20PresetFixedSupply"

bin="$cache/$contract.bin"
if [[ -s "$bin" ]]; then
  echo "$name: $bin is already there" >&2
  exit 0
fi
fetch_npm_artifact "$package" "$version" "$tarball" "$integrity" \
  "build/contracts/$contract.json" "$cache/$contract.json"

# The creation bytecode, checked: hex, no unlinked library placeholders,
# and the constructor the docs above promise.
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
  const types = ctor ? ctor.inputs.map((i) => i.type).join(",") : "";
  if (types !== "string,string,uint256,address") {
    console.error(`${json}: constructor is (${types}), expected (string,string,uint256,address)`);
    process.exit(1);
  }
  fs.writeFileSync(out + ".tmp", hex);
  fs.renameSync(out + ".tmp", out);
  console.error(`fetch-solidity-fixtures: wrote ${out} (${hex.length / 2} bytes of init code)`);
' "$cache/$contract.json" "$bin"
