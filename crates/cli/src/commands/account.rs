//! `session-keys account`: deploys a reference account owned by the
//! signing key (a new instance of the activated `reference-account` code,
//! initialized with the owner's global validation at entity 0), and
//! optionally funds its EntryPoint deposit: something to grant keys on, on
//! a devnode or a testnet.

use alloy_primitives::{Address, U256};
use serde::Serialize;
use session_keys::account::{create_account, OWNER_ENTITY};
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
    let created = create_account(&mut chain, &owner, &modules, deposit)?;
    let (account, gas_used) = (created.address, created.gas_used);
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
