//! A real ERC-20 for the session key to spend: OpenZeppelin's Solidity
//! `ERC20PresetFixedSupply` 4.9.6 (`target/fixtures/ERC20PresetFixedSupply.bin`,
//! fetched by `scripts/fetch-solidity-fixtures.sh`), deployed on the EVM side
//! of the chain with `constructor(string name, string symbol, uint256
//! initialSupply, address owner)`, which mints the whole supply to `owner`.
//! 18 decimals: [`tokens`] converts whole tokens to the smallest unit.

use std::path::PathBuf;

use alloy_primitives::{hex, Address, U256};
use alloy_sol_types::{SolCall, SolConstructor};
use localnet::entry_point::entry_point_init_code_path;
use localnet::Localnet;

use crate::abi::{ERC20PresetFixedSupply, IERC20};

/// The token's decimals.
pub const DECIMALS: u8 = 18;

/// `n` whole tokens in the smallest unit (`n × 10^18`).
pub fn tokens(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(DECIMALS))
}

/// `target/fixtures/ERC20PresetFixedSupply.bin` (under `CARGO_TARGET_DIR`
/// when it is set): the creation code as hex.
pub fn token_fixture_path() -> PathBuf {
    entry_point_init_code_path().with_file_name("ERC20PresetFixedSupply.bin")
}

/// `transfer(address,uint256)`.
pub const TRANSFER: [u8; 4] = IERC20::transferCall::SELECTOR;

/// A deployed `ERC20PresetFixedSupply`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Its address.
    pub address: Address,
}

impl Token {
    /// The fixture's creation code with its constructor arguments: `supply`
    /// minted to `owner`. `Err` says how to fetch a missing fixture.
    pub fn init_code(symbol: &str, supply: U256, owner: Address) -> Result<Vec<u8>, String> {
        let path = token_fixture_path();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{}: {e}; fetch it with scripts/fetch-solidity-fixtures.sh",
                path.display()
            )
        })?;
        let mut init_code =
            hex::decode(text.trim()).map_err(|e| format!("{}: not hex: {e}", path.display()))?;
        init_code.extend(
            ERC20PresetFixedSupply::constructorCall {
                name: format!("{symbol} Token"),
                symbol: symbol.into(),
                initialSupply: supply,
                owner,
            }
            .abi_encode(),
        );
        Ok(init_code)
    }

    /// Deploys the fixture on `net` with `supply` minted to `owner`; panics
    /// if the fixture is missing (check `e2e::fixtures::available` with
    /// `Needs::Token` first).
    #[track_caller]
    pub fn deploy(net: &mut Localnet, symbol: &str, supply: U256, owner: Address) -> Self {
        let init_code = Self::init_code(symbol, supply, owner).unwrap_or_else(|e| panic!("{e}"));
        let address = net.deploy_evm(init_code);
        let token = Self { address };
        assert_eq!(token.balance_of(net, owner), supply, "minted to the owner");
        token
    }

    /// `balanceOf(who)`.
    #[track_caller]
    pub fn balance_of(&self, net: &mut Localnet, who: Address) -> U256 {
        net.call(
            Address::ZERO,
            self.address,
            IERC20::balanceOfCall { account: who }.abi_encode(),
        )
        .decode_return::<IERC20::balanceOfCall>()
        .unwrap_or_else(|e| panic!("balanceOf: {e}"))
    }

    /// The calldata of `transfer(to, value)`.
    pub fn transfer_calldata(to: Address, value: U256) -> Vec<u8> {
        IERC20::transferCall { to, value }.abi_encode()
    }
}
