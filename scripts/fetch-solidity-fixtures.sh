#!/usr/bin/env bash
# Fetches the Solidity fixtures: compiled OpenZeppelin contracts from the npm
# package @openzeppelin/contracts (4.x ships Truffle-style build artifacts in
# build/contracts/), with the npm client, into the git-ignored cache
# target/fixtures/ (under the root's target/, or CARGO_TARGET_DIR).
#
# Fixtures fetched (4.9.6, solc 0.8.13, no PUSH0):
#
#   ERC20PresetFixedSupply     OpenZeppelin's Solidity ERC-20, the counterpart
#                              of the Stylus fixture oz-erc20
#                              (scripts/build-fixtures.sh).
#   ERC1155PresetMinterPauser  OpenZeppelin's Solidity ERC-1155: batch
#                              transfers with array arguments, for parameter
#                              rules that follow ABI paths.
#
# Outputs, in target/fixtures/, for each NAME:
#
#   NAME.bin    creation bytecode (init code), lowercase hex without 0x and
#               without a newline
#   NAME.json   the package's artifact (abi, bytecode, ...)
#   openzeppelin-contracts-4.9.6.tgz   the package tarball (integrity-checked)
#
# Deploying: init code = hex-decoded .bin followed by the ABI-encoded
# constructor arguments:
#
#   ERC20PresetFixedSupply(string name, string symbol, uint256 initialSupply, address owner)
#     mints initialSupply to owner (one Transfer event from address(0));
#     decimals() is 18. The token also has burn(uint256) and
#     burnFrom(address,uint256) (ERC20Burnable), and increaseAllowance /
#     decreaseAllowance.
#   ERC1155PresetMinterPauser(string uri)
#     gives the deployer the minter role: mint / mintBatch(to, ids, amounts,
#     data).
#
# Idempotent: does nothing for a .bin already there.
# Needs: npm (the npm registry), tar, node. Runs from any directory.
set -euo pipefail

name="fetch-solidity-fixtures"
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm-artifact.sh"
cache="$(fixtures_cache)"

package="@openzeppelin/contracts"
version="4.9.6"
tarball="openzeppelin-contracts-$version.tgz"
integrity="sha512-xSmezSupL+y9VkHZJGDoCBpmnB2ogM13ccaYDWqJTfS3dbuHkgjuwDFUmaFauBCboQMGB/S5UqUl2y54X99BmA=="

# NAME and its constructor's parameter types, which the tests encode.
fixtures=(
  "ERC20PresetFixedSupply string,string,uint256,address"
  "ERC1155PresetMinterPauser string"
)

for fixture in "${fixtures[@]}"; do
  read -r contract constructor <<<"$fixture"
  bin="$cache/$contract.bin"
  if [[ -s "$bin" ]]; then
    echo "$name: $bin is already there" >&2
    continue
  fi
  fetch_npm_artifact "$package" "$version" "$tarball" "$integrity" \
    "build/contracts/$contract.json" "$cache/$contract.json"

  node -e '
    const fs = require("fs");
    const [json, out, expected] = process.argv.slice(1);
    const a = JSON.parse(fs.readFileSync(json, "utf8"));
    const hex = String(a.bytecode || "").replace(/^0x/, "").toLowerCase();
    if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/.test(hex)) {
      console.error(`${json}: bytecode is not hex (unlinked libraries?)`);
      process.exit(1);
    }
    const ctor = (a.abi || []).find((e) => e.type === "constructor");
    const types = ctor ? ctor.inputs.map((i) => i.type).join(",") : "";
    if (types !== expected) {
      console.error(`${json}: constructor is (${types}), expected (${expected})`);
      process.exit(1);
    }
    fs.writeFileSync(out + ".tmp", hex);
    fs.renameSync(out + ".tmp", out);
    console.error(`fetch-solidity-fixtures: wrote ${out} (${hex.length / 2} bytes of init code)`);
  ' "$cache/$contract.json" "$bin" "$constructor"
done
