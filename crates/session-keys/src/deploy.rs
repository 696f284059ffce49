//! Deployment at deterministic addresses, on any [`Chain`].
//!
//! Every contract goes through the deterministic deployment proxy
//! ([`DETERMINISTIC_DEPLOYER`], `0x4e59…956c`, on Arbitrum One, Arbitrum
//! Sepolia and most chains; a Nitro devnode gets it from
//! `scripts/devnode.sh`), so its address depends only on its code and
//! [`SALT`], and a second deploy finds it there and skips it:
//!
//! 1. a Stylus program's init code returns its onchain code
//!    (`EF F0 00 ‖ brotli(wasm)`, `target/stylus/NAME.code`); the proxy is
//!    sent `SALT ‖ initCode`, unless the address already has code;
//! 2. it is activated through `ArbWasm.activateProgram(address)` (0x71)
//!    with the data fee, unless `ArbWasm.codehashVersion` already answers
//!    the current `stylusVersion` (activation is per code hash, so every
//!    later instance of the same code is active at once);
//! 3. EntryPoint v0.7 is deployed at its canonical address from its
//!    published creation code, when a chain does not have it.
//!
//! The data fee is learned by simulating `activateProgram` with a generous
//! value; the transaction then sends that fee plus 20%, and ArbWasm refunds
//! what it does not take.

use std::path::PathBuf;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use localnet::abi::ArbWasm;
use localnet::entry_point::{
    load_entry_point_init_code, DETERMINISTIC_DEPLOYER, ENTRY_POINT, ENTRY_POINT_SALT,
};
use localnet::{contract_code_path, deployer_init_code, ARBWASM};
use serde::{Deserialize, Serialize};

use crate::chain::{Chain, ChainError, TxRequest};
use crate::modules::{Modules, MODULE_NAMES};
use crate::signer::Key;

/// The CREATE2 salt of every contract this project deploys.
pub const SALT: B256 = B256::ZERO;

/// The reference account's build name.
pub const ACCOUNT: &str = "reference-account";

/// The simulated value for learning the data fee: 1 ether.
const FEE_PROBE: u128 = 1_000_000_000_000_000_000;

/// Why a deployment stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The chain could not be reached or refused a transaction.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A build output is missing.
    #[error("{path}: {reason}. Build the contracts first: `session-keys build` (or scripts/build-contracts.sh)")]
    MissingBuild {
        /// The file.
        path: PathBuf,
        /// What reading it said.
        reason: String,
    },
    /// The chain has no CREATE2 deployment proxy.
    #[error("{describe} has no deterministic deployment proxy at {DETERMINISTIC_DEPLOYER}; deploy it first (scripts/devnode.sh does on a Nitro devnode; see https://github.com/Arachnid/deterministic-deployment-proxy)")]
    NoDeployer {
        /// The chain.
        describe: String,
    },
    /// A transaction reverted.
    #[error("{what} reverted: {reason}")]
    Reverted {
        /// What was being done.
        what: String,
        /// The decoded revert.
        reason: String,
    },
    /// The chain is not an Arbitrum chain with Stylus.
    #[error("{0} does not answer ArbWasm at 0x71: not an Arbitrum chain with Stylus")]
    NoStylus(String),
}

/// What happened to one contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Deployed (and activated) now.
    Deployed,
    /// Already there; activated now.
    Activated,
    /// Already deployed and active.
    Skipped,
}

/// One contract of a deployment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    /// Its build name (`session-signer`, ..., `EntryPoint`).
    pub name: String,
    /// Its address.
    pub address: Address,
    /// keccak256 of its onchain code.
    pub code_hash: B256,
    /// What was done.
    pub action: Action,
    /// Gas of the transactions sent for it.
    pub gas_used: u64,
    /// The activation data fee paid, in wei.
    pub data_fee: U256,
}

/// The record written to `deployments/<chain-id>.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The chain id.
    pub chain_id: u64,
    /// EntryPoint v0.7.
    pub entry_point: Address,
    /// Every contract, modules first, then the reference account.
    pub contracts: Vec<Deployed>,
}

impl Deployment {
    /// The modules' addresses.
    pub fn modules(&self) -> Option<Modules> {
        Modules::from_named(self.contracts.iter().map(|c| (c.name.as_str(), c.address)))
    }

    /// The address of the contract named `name`.
    pub fn address_of(&self, name: &str) -> Option<Address> {
        self.contracts
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.address)
    }
}

/// The onchain code of a built contract (`target/stylus/NAME.code`).
pub fn onchain_code(name: &str) -> Result<Vec<u8>, DeployError> {
    let path = contract_code_path(name);
    std::fs::read(&path).map_err(|e| DeployError::MissingBuild {
        path,
        reason: e.to_string(),
    })
}

/// Why the built contracts [`deploy_all`] deploys cannot be used, if they
/// cannot: the first one missing or older than its sources
/// ([`localnet::stale_contract_build`]). `None`: all fresh.
pub fn stale_contracts() -> Option<String> {
    MODULE_NAMES
        .iter()
        .copied()
        .chain([ACCOUNT])
        .find_map(localnet::stale_contract_build)
}

/// Where a built contract lands: `CREATE2(proxy, SALT, keccak(initCode))`.
pub fn deterministic_address(onchain_code: &[u8]) -> Address {
    DETERMINISTIC_DEPLOYER.create2_from_code(SALT, deployer_init_code(onchain_code))
}

/// Progress reports from [`deploy_all`].
pub trait Progress {
    /// Starting on `name`.
    fn start(&mut self, name: &str);
    /// Done with `name`.
    fn done(&mut self, deployed: &Deployed);
}

/// No progress display.
impl Progress for () {
    fn start(&mut self, _: &str) {}
    fn done(&mut self, _: &Deployed) {}
}

/// Deploys (or finds) and activates every module and the reference
/// account, and EntryPoint v0.7 if the chain lacks it, from `deployer`.
pub fn deploy_all(
    chain: &mut dyn Chain,
    deployer: &Key,
    progress: &mut dyn Progress,
) -> Result<Deployment, DeployError> {
    let chain_id = chain.chain_id()?;
    if chain.code(DETERMINISTIC_DEPLOYER)?.is_empty() {
        return Err(DeployError::NoDeployer {
            describe: chain.describe(),
        });
    }
    let stylus_version = stylus_version(chain)?;
    let mut contracts = Vec::new();
    for name in MODULE_NAMES.iter().copied().chain([ACCOUNT]) {
        progress.start(name);
        let code = onchain_code(name)?;
        let deployed = deploy_program(chain, deployer, name, &code, stylus_version)?;
        progress.done(&deployed);
        contracts.push(deployed);
    }
    progress.start("EntryPoint");
    let entry_point = deploy_entry_point(chain, deployer)?;
    progress.done(&entry_point);
    contracts.push(entry_point);
    Ok(Deployment {
        chain_id,
        entry_point: ENTRY_POINT,
        contracts,
    })
}

fn stylus_version(chain: &mut dyn Chain) -> Result<u16, DeployError> {
    let data = ArbWasm::stylusVersionCall {}.abi_encode();
    let answer = chain.call(Address::ZERO, ARBWASM, data.into())?;
    if !answer.success {
        return Err(DeployError::NoStylus(chain.describe()));
    }
    ArbWasm::stylusVersionCall::abi_decode_returns(&answer.output)
        .map_err(|_| DeployError::NoStylus(chain.describe()))
}

/// Sends `salt ‖ init_code` to the proxy and checks that code landed at
/// `address`; returns the gas used.
fn create2(
    chain: &mut dyn Chain,
    deployer: &Key,
    what: &str,
    salt: B256,
    init_code: &[u8],
    address: Address,
) -> Result<u64, DeployError> {
    let data: Bytes = [salt.as_slice(), init_code].concat().into();
    let receipt = chain.send(deployer, TxRequest::call(DETERMINISTIC_DEPLOYER, data))?;
    if !receipt.success || chain.code(address)?.is_empty() {
        return Err(DeployError::Reverted {
            what: format!("deploying {what} through the CREATE2 proxy"),
            reason: receipt.failure_reason(),
        });
    }
    Ok(receipt.gas_used)
}

/// Deploys and activates one Stylus program (see the module docs).
pub fn deploy_program(
    chain: &mut dyn Chain,
    deployer: &Key,
    name: &str,
    onchain_code: &[u8],
    stylus_version: u16,
) -> Result<Deployed, DeployError> {
    let address = deterministic_address(onchain_code);
    let code_hash = keccak256(onchain_code);
    let created = if chain.code(address)?.is_empty() {
        let init_code = deployer_init_code(onchain_code);
        Some(create2(chain, deployer, name, SALT, &init_code, address)?)
    } else {
        None
    };
    let mut gas_used = created.unwrap_or(0);
    let mut data_fee = U256::ZERO;
    let active = is_active(chain, code_hash, stylus_version)?;
    if !active {
        let (fee, gas) = activate(chain, deployer, name, address)?;
        data_fee = fee;
        gas_used += gas;
    }
    let action = match (created.is_some(), active) {
        (true, _) => Action::Deployed,
        (false, false) => Action::Activated,
        (false, true) => Action::Skipped,
    };
    Ok(Deployed {
        name: name.into(),
        address,
        code_hash,
        action,
        gas_used,
        data_fee,
    })
}

fn is_active(
    chain: &mut dyn Chain,
    code_hash: B256,
    stylus_version: u16,
) -> Result<bool, DeployError> {
    let data = ArbWasm::codehashVersionCall {
        codehash: code_hash,
    }
    .abi_encode();
    let answer = chain.call(Address::ZERO, ARBWASM, data.into())?;
    Ok(answer.success
        && ArbWasm::codehashVersionCall::abi_decode_returns(&answer.output)
            .is_ok_and(|v| v == stylus_version))
}

/// Activates the program at `address`, paying the data fee plus 20%
/// (ArbWasm refunds the excess). Returns the fee and the gas used.
fn activate(
    chain: &mut dyn Chain,
    deployer: &Key,
    name: &str,
    address: Address,
) -> Result<(U256, u64), DeployError> {
    let data: Bytes = ArbWasm::activateProgramCall { program: address }
        .abi_encode()
        .into();
    let fee = {
        // Simulated from the deployer with a generous value: the answer
        // is the fee this chain charges now.
        // eth_call checks the sender can pay the value: probe with at most
        // half its balance.
        let balance = chain.balance(deployer.address())?;
        let probe_value = U256::from(FEE_PROBE).min(balance / U256::from(2));
        let probe = chain.simulate(
            deployer.address(),
            TxRequest::call(ARBWASM, data.clone()).with_value(probe_value),
        )?;
        if !probe.success {
            return Err(DeployError::Reverted {
                what: format!("activating {name} (simulated)"),
                reason: crate::describe(&probe.output),
            });
        }
        ArbWasm::activateProgramCall::abi_decode_returns(&probe.output)
            .map_err(|e| DeployError::Reverted {
                what: format!("activating {name} (simulated)"),
                reason: e.to_string(),
            })?
            .dataFee
    };
    let value = fee + fee / U256::from(5);
    let receipt = chain.send(deployer, TxRequest::call(ARBWASM, data).with_value(value))?;
    if !receipt.success {
        return Err(DeployError::Reverted {
            what: format!("activating {name}"),
            reason: receipt.failure_reason(),
        });
    }
    Ok((fee, receipt.gas_used))
}

/// Deploys EntryPoint v0.7 at its canonical address if it is missing
/// (creation code from `target/fixtures/EntryPoint.bin`).
pub fn deploy_entry_point(chain: &mut dyn Chain, deployer: &Key) -> Result<Deployed, DeployError> {
    let created = if chain.code(ENTRY_POINT)?.is_empty() {
        let init_code = load_entry_point_init_code().map_err(|e| DeployError::MissingBuild {
            path: localnet::entry_point::entry_point_init_code_path(),
            reason: format!("{e}; fetch it with scripts/fetch-entrypoint.sh"),
        })?;
        let what = "EntryPoint v0.7";
        Some(create2(
            chain,
            deployer,
            what,
            ENTRY_POINT_SALT,
            &init_code,
            ENTRY_POINT,
        )?)
    } else {
        None
    };
    Ok(Deployed {
        name: "EntryPoint".into(),
        address: ENTRY_POINT,
        code_hash: keccak256(chain.code(ENTRY_POINT)?),
        action: if created.is_some() {
            Action::Deployed
        } else {
            Action::Skipped
        },
        gas_used: created.unwrap_or(0),
        data_fee: U256::ZERO,
    })
}
