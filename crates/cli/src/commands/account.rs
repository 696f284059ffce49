//! `session-keys account`: deploys a reference account owned by the
//! signing key (a new instance of the activated `reference-account` code,
//! initialized with the owner's global validation at entity 0), and
//! optionally funds its EntryPoint deposit: something to grant keys on, on
//! a devnode or a testnet.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use localnet::deployer_init_code;
use localnet::entry_point::ENTRY_POINT;
use serde::Serialize;
use session_keys::abi::IEntryPoint;
use session_keys::chain::{Chain, TxRequest};
use session_keys::demo::{owner_validation, OWNER_ENTITY};
use session_keys::deploy::{onchain_code, ACCOUNT};
use session_keys::permissions::file::parse_amount;

use crate::args::AccountArgs;
use crate::commands::{connect, load_deployment};
use crate::error::CliError;
use crate::keys::signing_key;
use crate::output::Output;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    account: Address,
    owner: Address,
    owner_entity: u32,
    deposit: U256,
    gas_used: u64,
}

fn sent(
    chain: &mut dyn Chain,
    owner: &session_keys::Key,
    tx: TxRequest,
    what: &str,
) -> Result<session_keys::Receipt, CliError> {
    let receipt = chain.send(owner, tx)?;
    if receipt.success {
        Ok(receipt)
    } else {
        Err(CliError::Reverted(format!(
            "{what} reverted: {}",
            receipt.failure_reason()
        )))
    }
}

/// Runs `account`.
pub fn run(out: &Output, args: AccountArgs) -> Result<(), CliError> {
    let deposit = match &args.deposit {
        Some(text) => {
            parse_amount(text).map_err(|e| CliError::BadInput(format!("--deposit: {e}")))?
        }
        None => U256::ZERO,
    };
    let owner = signing_key(args.chain.keystore.as_deref())?;
    let mut chain = connect(&args.chain.rpc)?;
    let (_, modules) = load_deployment(&mut chain, args.deployment.deployment.as_deref())?;
    let code = onchain_code(ACCOUNT)?;
    let created = sent(
        &mut chain,
        &owner,
        TxRequest::create(deployer_init_code(&code)),
        "deploying the account",
    )?;
    let account = created
        .contract_address
        .ok_or_else(|| CliError::Chain("the node's receipt has no contract address".into()))?;
    let init = owner_validation(&modules, owner.address()).initialize_calldata();
    let initialized = sent(
        &mut chain,
        &owner,
        TxRequest::call(account, init),
        "initializing the account",
    )?;
    let mut gas_used = created.gas_used + initialized.gas_used;
    if !deposit.is_zero() {
        let call = IEntryPoint::depositToCall { account }.abi_encode();
        let receipt = sent(
            &mut chain,
            &owner,
            TxRequest::call(ENTRY_POINT, call).with_value(deposit),
            "the EntryPoint deposit",
        )?;
        gas_used += receipt.gas_used;
    }
    let result = Created {
        account,
        owner: owner.address(),
        owner_entity: OWNER_ENTITY,
        deposit,
        gas_used,
    };
    out.result(&result, || {
        format!(
            "account {account}, owned by {} (global validation at entity {OWNER_ENTITY}), EntryPoint deposit {deposit} wei, {gas_used} gas\n\
             next: session-keys grant --rpc {} --account {account} …",
            result.owner, args.chain.rpc
        )
    });
    Ok(())
}
