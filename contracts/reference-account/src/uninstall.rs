//! `uninstallValidation(bytes24 moduleEntity, bytes uninstallData, bytes[]
//! hookUninstallData)`.
//!
//! As MAv2 v2.0.x (`src/account/ModuleManagerInternals.sol`,
//! `_uninstallValidation`, and `src/libraries/ModuleInstallCommonsLib.sol`,
//! `onUninstall`):
//! - the validation is found by its entity id alone; the module named in
//!   `moduleEntity` is not checked against the installed one. It is the
//!   module that gets `onUninstall(uninstallData)` and that the event
//!   names. An id with nothing installed uninstalls successfully;
//! - when `hookUninstallData` is given it holds one entry per hook: the
//!   validation hooks first, then the execution hooks, each group **newest
//!   first** (MAv2's hook lists prepend on insert, and uninstall walks them
//!   from the head);
//! - each hook whose entry is non-empty gets `onUninstall(data)` while the
//!   validation is still installed; then the account forgets the
//!   validation, its hooks and its selectors; then the validation module
//!   gets `onUninstall(uninstallData)` if that is non-empty;
//! - the first call that fails ends the calls (MAv2 chains them with a
//!   short-circuit `&&`): no later hook, nor the validation module, is
//!   called, and the event reports `false`. A failure never reverts the
//!   uninstall.
//!
//! The account's own records are cleared in O(1) by bumping the
//! validation's generation.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::Host;
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::selectors::{keccak, ON_UNINSTALL};
use permission_core::{Address, U256};

use crate::calls::{call, ALL_GAS};
use crate::errors::*;
use crate::storage::*;

/// Topic of `ValidationUninstalled(address,uint32,bool)`.
pub const VALIDATION_UNINSTALLED: [u8; 32] = keccak("ValidationUninstalled(address,uint32,bool)");

/// `onUninstall(data)` when `data` is non-empty; whether it succeeded. A
/// module without code reverts the whole uninstall, as MAv2's `try` call
/// does (its code-size check fails outside the `try`).
fn on_uninstall<H: Host>(host: &H, module: Address, data: &[u8]) -> Result<bool, Vec<u8>> {
    if data.is_empty() {
        return Ok(true);
    }
    if host.code_size(module) == 0 {
        return Err(with_address(MODULE_CODE_MISSING, module));
    }
    let call_data = AbiWriter::new(1)
        .dyn_bytes(data)
        .finish_with_selector(ON_UNINSTALL);
    Ok(call(host, module, U256::ZERO, &call_data, ALL_GAS).is_ok())
}

/// `uninstallValidation`.
pub fn uninstall_validation<H: Host>(host: &H, args: &AbiReader<'_>) -> Result<Vec<u8>, Vec<u8>> {
    let entity_word = args.head(0).or_revert()?;
    let mut module_entity = [0u8; 24];
    module_entity.copy_from_slice(&entity_word[..24]);
    let module = Address::from_slice(&module_entity[..20]);
    let entity_id = u32::from_be_bytes([
        module_entity[20],
        module_entity[21],
        module_entity[22],
        module_entity[23],
    ]);
    let validation = load_validation(host, entity_id);
    let uninstall_data = args.dyn_bytes(1).or_revert()?;
    let (count, hook_data) = args.array(2).or_revert()?;
    let hooks = usize::from(validation.validation_hooks) + usize::from(validation.execution_hooks);
    if count != 0 && count != hooks {
        return Err(ARRAY_LENGTH_MISMATCH.to_vec());
    }
    // Every entry decodes before any call, so a malformed one reverts the
    // whole uninstall and changes nothing.
    let mut entries = Vec::with_capacity(count);
    for i in 0..count {
        entries.push(hook_data.dyn_bytes(i).or_revert()?);
    }

    // The hooks first, each group newest first, while the validation is
    // still installed; the first failure ends the calls, as MAv2's
    // short-circuit `&&`.
    let mut succeeded = true;
    if count != 0 {
        let validation_hooks = (0..validation.validation_hooks)
            .rev()
            .map(|i| load_hook(host, true, entity_id, i));
        let execution_hooks = (0..validation.execution_hooks)
            .rev()
            .map(|i| load_hook(host, false, entity_id, i));
        for (hook, data) in validation_hooks.chain(execution_hooks).zip(&entries) {
            if !on_uninstall(host, hook.module(), data)? {
                succeeded = false;
                break;
            }
        }
    }
    // Then the account forgets the validation (nothing to write when
    // nothing is installed at this id), and the module is told.
    if !validation.module.is_zero() {
        store_validation(
            host,
            entity_id,
            &Validation {
                generation: validation.generation.wrapping_add(1),
                ..Validation::default()
            },
        );
    }
    let succeeded = succeeded && on_uninstall(host, module, uninstall_data)?;

    // Same shape as the modules' events: (address indexed, uint32 indexed).
    emit_account_event(
        host,
        VALIDATION_UNINSTALLED,
        module,
        entity_id,
        &AbiWriter::new(1).bool(succeeded).finish(),
    );
    Ok(Vec::new())
}
