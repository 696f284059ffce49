//! Which functions a validation may reach (MAv2's applicability rules).
//!
//! - A global validation reaches the globally allowed native functions.
//! - A selector validation reaches exactly the selectors installed with it.
//! - The `executeUserOp` prefix is looked through (one level).
//! - `execute` to the account itself is always refused, and each call of an
//!   `executeBatch` to the account itself is checked like a top-level call
//!   (and refused if it is `execute` or `executeBatch`).

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::Host;
use permission_core::abi::{padded_selector, split_selector, AbiReader};
use permission_core::calls::decode_execute_call;
use permission_core::selectors::*;
use permission_core::Address;

use crate::errors::*;
use crate::storage::{load_selector, HookConfig, Validation, FLAG_GLOBAL};

/// The native functions a global validation may call.
pub const GLOBALLY_ALLOWED: [[u8; 4]; 10] = [
    EXECUTE,
    EXECUTE_BATCH,
    INSTALL_EXECUTION,
    UNINSTALL_EXECUTION,
    INSTALL_VALIDATION,
    UNINSTALL_VALIDATION,
    PERFORM_CREATE,
    UPGRADE_TO_AND_CALL,
    EXECUTE_USER_OP,
    EXECUTE_WITH_RUNTIME_VALIDATION,
];

/// The selector of `data`, or `UnrecognizedFunction` for fewer than 4 bytes.
fn selector_of(data: &[u8]) -> Result<[u8; 4], Vec<u8>> {
    split_selector(data)
        .map(|(s, _)| s)
        .map_err(|_| with_selector(UNRECOGNIZED_FUNCTION, padded_selector(data)))
}

/// Checks that `validation` (entity `entity_id`) may make the account call
/// `call_data`, as `global` or as a selector validation. A selector
/// validation's answer is its first validation hook, which the selector's
/// word records (`None`: global, or no hooks): the caller need not read it.
pub fn check_applies<H: Host>(
    host: &H,
    account: Address,
    entity_id: u32,
    validation: &Validation,
    global: bool,
    call_data: &[u8],
) -> Result<Option<HookConfig>, Vec<u8>> {
    let mut data = call_data;
    let mut selector = selector_of(data)?;
    if selector == EXECUTE_USER_OP {
        data = &data[4..];
        selector = selector_of(data)?;
    }
    let allowed = |selector: [u8; 4]| -> Result<Option<HookConfig>, Vec<u8>> {
        let missing = || with_selector(VALIDATION_FUNCTION_MISSING, selector);
        if global {
            if validation.flags & FLAG_GLOBAL != 0 && GLOBALLY_ALLOWED.contains(&selector) {
                Ok(None)
            } else {
                Err(missing())
            }
        } else {
            load_selector(host, entity_id, validation, selector)
                .map(|record| record.first_hook)
                .ok_or_else(missing)
        }
    };
    let first_hook = allowed(selector)?;
    match selector {
        EXECUTE => {
            let target = AbiReader::new(&data[4..]).address(0).or_revert()?;
            if target == account {
                return Err(SELF_CALL_RECURSION.to_vec());
            }
        }
        EXECUTE_BATCH => {
            for call in decode_execute_call(data).or_revert()? {
                let call = call.or_revert()?;
                if call.target != account {
                    continue;
                }
                let inner = selector_of(call.data)?;
                if inner == EXECUTE || inner == EXECUTE_BATCH {
                    return Err(SELF_CALL_RECURSION.to_vec());
                }
                allowed(inner)?;
            }
        }
        _ => {}
    }
    Ok(first_hook)
}
