//! The owner's side of a reference account: its validation, a new account
//! owned by a key, and management calls sent from the owner's EOA.
//!
//! The owner's validation is the session-signer at [`OWNER_ENTITY`] with the
//! owner as signer, **global** (it reaches every function, including
//! `installValidation`), for user operations and ERC-1271 signatures. The
//! owner's EOA then calls the account directly through
//! `executeWithRuntimeValidation(data, options ‖ entityId ‖ 0xFF)`: the
//! session-signer's runtime validation requires the caller to be the signer.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use localnet::deployer_init_code;
use localnet::entry_point::ENTRY_POINT;

use crate::abi::IEntryPoint;
use crate::chain::{Chain, ChainError, Receipt, TxRequest};
use crate::deploy::{onchain_code, DeployError, ACCOUNT};
use crate::encode::{
    execute_with_runtime_validation, validation_config, ValidationInstall, VALIDATION_GLOBAL,
    VALIDATION_SIGNATURE, VALIDATION_USER_OP,
};
use crate::modules::Modules;
use crate::session::SignerSpec;
use crate::signer::Key;

/// The owner's validation entity id.
pub const OWNER_ENTITY: u32 = 0;

/// The owner's validation: session-signer at [`OWNER_ENTITY`] for `owner`,
/// global, no hooks.
pub fn owner_validation(modules: &Modules, owner: Address) -> ValidationInstall {
    owner_validation_at(modules, OWNER_ENTITY, owner)
}

/// An owner's validation at `entity_id`: the session-signer for `owner`,
/// **global**, user-op and signature validation, no selectors, no hooks.
pub fn owner_validation_at(modules: &Modules, entity_id: u32, owner: Address) -> ValidationInstall {
    ValidationInstall {
        config: validation_config(
            modules.session_signer,
            entity_id,
            VALIDATION_GLOBAL | VALIDATION_USER_OP | VALIDATION_SIGNATURE,
        ),
        selectors: vec![],
        install_data: SignerSpec::Address(owner).install_data(entity_id),
        hooks: vec![],
    }
}

/// Sends `inner` (e.g. `installValidation` calldata) to `account` from the
/// owner's EOA, validated by the owner's global validation at
/// `owner_entity`. A revert is a receipt with `success == false`.
pub fn send_as_owner(
    chain: &mut dyn Chain,
    owner: &Key,
    account: Address,
    owner_entity: u32,
    inner: &[u8],
) -> Result<Receipt, ChainError> {
    let data = execute_with_runtime_validation(inner, owner_entity, true);
    chain.send(owner, TxRequest::call(account, data))
}

/// A new account and what creating it cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreatedAccount {
    /// Its address.
    pub address: Address,
    /// Gas of the transactions sent (deploy, initialize, deposit).
    pub gas_used: u64,
}

/// Sends `tx` and requires it to succeed.
fn sent(
    chain: &mut dyn Chain,
    from: &Key,
    tx: TxRequest,
    what: &str,
) -> Result<Receipt, DeployError> {
    let receipt = chain.send(from, tx)?;
    if receipt.success {
        Ok(receipt)
    } else {
        Err(DeployError::Reverted {
            what: what.into(),
            reason: receipt.failure_reason(),
        })
    }
}

/// Deploys a new instance of the reference account's code (activated once
/// per code hash by [`crate::deploy::deploy_all`]), initializes it with
/// [`owner_validation`] for `owner`, and deposits `deposit` wei in the
/// EntryPoint for its operations (nothing when zero). The same key sends
/// everything: the account's `initialize` is open to its first caller.
pub fn create_account(
    chain: &mut dyn Chain,
    owner: &Key,
    modules: &Modules,
    deposit: U256,
) -> Result<CreatedAccount, DeployError> {
    let code = onchain_code(ACCOUNT)?;
    let created = sent(
        chain,
        owner,
        TxRequest::create(deployer_init_code(&code)),
        "deploying the account",
    )?;
    let address = created
        .contract_address
        .ok_or_else(|| DeployError::Reverted {
            what: "deploying the account".into(),
            reason: "the receipt has no contract address".into(),
        })?;
    let init = owner_validation(modules, owner.address()).initialize_calldata();
    let initialized = sent(
        chain,
        owner,
        TxRequest::call(address, init),
        "initializing the account",
    )?;
    let mut gas_used = created.gas_used + initialized.gas_used;
    if !deposit.is_zero() {
        let call = IEntryPoint::depositToCall { account: address }.abi_encode();
        let tx = TxRequest::call(ENTRY_POINT, call).with_value(deposit);
        gas_used += sent(chain, owner, tx, "depositing for the account")?.gas_used;
    }
    Ok(CreatedAccount { address, gas_used })
}
