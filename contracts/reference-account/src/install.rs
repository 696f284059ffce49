//! `installValidation` (and `initialize`, which installs the first one).
//!
//! As MAv2: a validation is keyed by its entityId alone; its flags are
//! overwritten and its selectors appended; hooks are installed in the order
//! given (validation hooks and execution hooks each keep that order), and an
//! identical HookConfig twice is refused; each
//! module with non-empty install data must answer `supportsInterface` for
//! its role within a 30,000-gas static call, then `onInstall(data)`; the
//! validation module is installed last. Emits `ValidationInstalled`.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::Host;
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::selectors::*;
use permission_core::{Address, U256};

use crate::calls::{call, static_call, ALL_GAS};
use crate::errors::*;
use crate::storage::*;

/// MAv2's gas cap for the install-time ERC-165 check.
pub const SUPPORTS_INTERFACE_GAS: u64 = 30_000;

/// Topic of `ValidationInstalled(address,uint32)`.
pub const VALIDATION_INSTALLED: [u8; 32] = keccak("ValidationInstalled(address,uint32)");

/// The ERC-165 check and `onInstall`, when `data` is non-empty.
fn on_install<H: Host>(
    host: &H,
    module: Address,
    interface: [u8; 4],
    data: &[u8],
) -> Result<(), Vec<u8>> {
    if data.is_empty() {
        return Ok(());
    }
    let mut query = SUPPORTS_INTERFACE.to_vec();
    query.extend_from_slice(&interface);
    query.extend_from_slice(&[0u8; 28]);
    let supported = static_call(host, module, &query, SUPPORTS_INTERFACE_GAS)
        .ok()
        .and_then(|out| out.get(..32).map(|w| w.iter().any(|b| *b != 0)))
        .unwrap_or(false);
    if !supported {
        return Err(with_address(INTERFACE_NOT_SUPPORTED, module));
    }
    let call_data = AbiWriter::new(1)
        .dyn_bytes(data)
        .finish_with_selector(ON_INSTALL);
    call(host, module, U256::ZERO, &call_data, ALL_GAS).map_err(|reason| {
        AbiWriter::new(2)
            .address(module)
            .dyn_bytes(&reason)
            .finish_with_selector(MODULE_INSTALL_CALLBACK_FAILED)
    })?;
    Ok(())
}

/// `installValidation(bytes25 config, bytes4[] selectors, bytes installData, bytes[] hooks)`.
pub fn install_validation<H: Host>(host: &H, args: &AbiReader<'_>) -> Result<Vec<u8>, Vec<u8>> {
    let config = args.head(0).or_revert()?;
    let module = Address::from_slice(&config[..20]);
    let entity_id = u32::from_be_bytes([config[20], config[21], config[22], config[23]]);
    let flags = config[24];
    let entity = module_entity(module, entity_id);

    let mut validation = load_validation(host, entity_id);
    if !validation.module.is_zero() && validation.module != module {
        return Err(VALIDATION_ENTITY_ID_IN_USE.to_vec());
    }
    validation.module = module;
    validation.flags = flags;

    // The validation's hook 0, copied into the word of each selector added.
    let first_hook = (validation.validation_hooks > 0).then(|| load_hook(host, true, entity_id, 0));
    let (count, selectors) = args.array(1).or_revert()?;
    for i in 0..count {
        let selector = selectors.bytes4(i).or_revert()?;
        if has_selector(host, entity_id, &validation, selector) {
            let mut word = [0u8; 32];
            word[..24].copy_from_slice(&entity);
            return Err(AbiWriter::new(2)
                .bytes4(selector)
                .word(word)
                .finish_with_selector(VALIDATION_ALREADY_SET));
        }
        add_selector(
            host,
            entity_id,
            &mut validation,
            selector,
            first_hook.as_ref(),
        )
        .ok_or_else(|| SELECTOR_LIMIT_EXCEEDED.to_vec())?;
    }

    let install_data = args.dyn_bytes(2).or_revert()?;
    let (hook_count, hooks) = args.array(3).or_revert()?;
    let mut pending: Vec<(Address, [u8; 4], &[u8])> = Vec::new();
    let mut new_first_hook = None;
    for i in 0..hook_count {
        let element = hooks.dyn_bytes(i).or_revert()?;
        if element.len() < 25 {
            return Err(module_kit::errors::calldata(
                permission_core::CalldataError::TooShort,
            ));
        }
        let mut bytes = [0u8; 25];
        bytes.copy_from_slice(&element[..25]);
        let hook = HookConfig(bytes);
        let (counter, interface) = if hook.is_validation_hook() {
            (&mut validation.validation_hooks, IVALIDATION_HOOK_MODULE_ID)
        } else {
            (&mut validation.execution_hooks, IEXECUTION_HOOK_MODULE_ID)
        };
        let index = *counter;
        if (0..index).any(|i| load_hook(host, hook.is_validation_hook(), entity_id, i) == hook) {
            return Err(if hook.is_validation_hook() {
                PRE_VALIDATION_HOOK_DUPLICATE.to_vec()
            } else {
                let mut word = [0u8; 32];
                word[..25].copy_from_slice(&hook.0);
                AbiWriter::new(1)
                    .word(word)
                    .finish_with_selector(EXECUTION_HOOK_ALREADY_SET)
            });
        }
        *counter = counter
            .checked_add(1)
            .ok_or_else(|| HOOK_LIMIT_EXCEEDED.to_vec())?;
        store_hook(host, entity_id, index, &hook);
        if hook.is_validation_hook() && index == 0 {
            new_first_hook = Some(hook);
        }
        pending.push((hook.module(), interface, &element[25..]));
    }
    if let Some(hook) = new_first_hook {
        copy_first_hook_to_selectors(host, entity_id, &validation, &hook);
    }
    store_validation(host, entity_id, &validation);

    for (hook_module, interface, data) in pending {
        on_install(host, hook_module, interface, data)?;
    }
    on_install(host, module, IVALIDATION_MODULE_ID, install_data)?;

    // Same shape as the modules' events: (address indexed, uint32 indexed).
    emit_account_event(host, VALIDATION_INSTALLED, module, entity_id, &[]);
    Ok(Vec::new())
}
