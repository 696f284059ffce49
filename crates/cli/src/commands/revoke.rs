//! `session-keys revoke`: the `uninstallValidation` of a key, with one
//! uninstall entry per hook (read from the account's `getValidationData`),
//! so every module clears the key's state and a later grant at the same
//! entity id starts clean. Printed, or sent with `--send`.

use alloy_primitives::{hex, Address};
use serde::Serialize;
use session_keys::encode::{uninstall_validation, validation_uninstalled, InstalledHooks};

use crate::args::RevokeArgs;
use crate::commands::inspect::account_view;
use crate::commands::{connect, load_deployment, owner_call, Sent};
use crate::error::CliError;
use crate::output::Output;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Revoked {
    account: Address,
    entity_id: u32,
    hooks: usize,
    uninstall_validation: String,
    execute_with_runtime_validation: String,
    sent: Option<Sent>,
}

/// Runs `revoke`.
pub fn run(out: &Output, args: RevokeArgs) -> Result<(), CliError> {
    let mut chain = connect(&args.chain.rpc)?;
    let (_, modules) = load_deployment(&mut chain, args.deployment.deployment.as_deref())?;
    let view = account_view(&mut chain, &modules, args.key.account, args.key.entity_id)?;
    if !view.is_installed() {
        return Err(CliError::BadInput(format!(
            "no session key at entity {} on {}: nothing to revoke (see `session-keys inspect`)",
            args.key.entity_id, args.key.account
        )));
    }
    // The view lists each role in install order; uninstall_validation pairs
    // the entries as the account consumes them (each role newest first),
    // and gives a module's second role an empty entry.
    let role = |role: &str| -> Vec<(Address, u32)> {
        view.hooks
            .iter()
            .filter(|h| h.role == role)
            .map(|h| (h.address, h.entity_id))
            .collect()
    };
    let hooks = InstalledHooks {
        validation: role("validation"),
        execution: role("execution"),
    };
    let calldata = uninstall_validation(modules.session_signer, args.key.entity_id, &hooks);
    let call = owner_call(
        &mut chain,
        args.send.then_some(args.chain.keystore.as_deref()),
        args.key.account,
        args.owner_entity,
        &calldata,
        "uninstallValidation",
    )?;
    if call.sent.is_some() {
        match validation_uninstalled(&call.logs, args.key.account, args.key.entity_id) {
            Some(true) => {}
            Some(false) => {
                return Err(CliError::Reverted(format!(
                    "uninstallValidation ran, but a module's onUninstall failed (ValidationUninstalled reported false): the account no longer accepts the key at entity {}, but the modules after the failing one still hold its state, so that id is not free. See `session-keys inspect --entity-id {}`",
                    args.key.entity_id, args.key.entity_id
                )))
            }
            None => {
                return Err(CliError::Unexpected(format!(
                    "uninstallValidation succeeded but {} emitted no ValidationUninstalled for entity {}: is it an ERC-6900 account?",
                    args.key.account, args.key.entity_id
                )))
            }
        }
    }
    let revoked = Revoked {
        account: args.key.account,
        entity_id: args.key.entity_id,
        hooks: view.hooks.len(),
        uninstall_validation: format!("0x{}", hex::encode(&calldata)),
        execute_with_runtime_validation: format!("0x{}", hex::encode(&call.calldata)),
        sent: call.sent,
    };
    out.result(&revoked, || match &revoked.sent {
        Some(sent) => format!(
            "revoked entity {} on {} ({} hooks uninstalled): {} gas",
            revoked.entity_id, revoked.account, revoked.hooks, sent.gas_used
        ),
        None => format!(
            "uninstallValidation calldata (send from the account):\n{}\nor, from the owner's EOA (executeWithRuntimeValidation):\n{}\n(add --send to send it now)",
            revoked.uninstall_validation, revoked.execute_with_runtime_validation
        ),
    });
    Ok(())
}
