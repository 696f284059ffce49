//! Encoders for MAv2's packed types, nonces, signatures and account calls
//! (docs/design/mav2-account.md §1, §3.2, §3.4, §3.7, §3.10).
//!
//! | what | layout |
//! |---|---|
//! | `ModuleEntity` (`bytes24`) | `module(20) ‖ entityId(4)` |
//! | `ValidationConfig` (`bytes25`) | `module(20) ‖ entityId(4) ‖ flags(1)`: `0x04` global, `0x02` signature, `0x01` user op |
//! | `HookConfig` (`bytes25`) | `module(20) ‖ hookEntityId(4) ‖ flags(1)`: `0x01` validation hook; execution hook: bit 0 clear, `0x04` pre, `0x02` post |
//! | `installValidation` hook element | `HookConfig(25) ‖ hook install data` |
//! | nonce key (`uint192`) | `parallel << 40 ‖ entityId << 8 ‖ options` (`0x01` global) |
//! | nonce | `key << 64 ‖ sequence(8)` |
//! | user-op signature | `{ index(1) ‖ length(4, BE) ‖ body }* ‖ 0xFF ‖ validation signature` |

use alloy_primitives::{aliases::U192, Address, Bytes, FixedBytes, Log, U256};
use alloy_sol_types::{SolCall, SolEvent};

use crate::abi::IReferenceAccount;

/// `ValidationConfig` flag: the validation may call every globally allowed
/// function. Never set it for a session key.
pub const VALIDATION_GLOBAL: u8 = 0x04;
/// `ValidationConfig` flag: the validation checks ERC-1271 signatures.
pub const VALIDATION_SIGNATURE: u8 = 0x02;
/// `ValidationConfig` flag: the validation checks user operations.
pub const VALIDATION_USER_OP: u8 = 0x01;

/// `HookConfig` flag: a validation hook (otherwise an execution hook).
pub const HOOK_VALIDATION: u8 = 0x01;
/// `HookConfig` flag of an execution hook: it has a pre hook.
pub const HOOK_PRE_EXECUTION: u8 = 0x04;
/// `HookConfig` flag of an execution hook: it has a post hook.
pub const HOOK_POST_EXECUTION: u8 = 0x02;

/// Nonce-key option bit: the validation is used as a global one.
pub const NONCE_GLOBAL: u8 = 0x01;

/// The index of the final (validation) signature segment.
pub const VALIDATION_SEGMENT: u8 = 0xFF;

/// The `executeUserOp` selector (`0x8dd7712f`): callData starting with it
/// makes the EntryPoint call `executeUserOp(userOp, userOpHash)`.
pub const EXECUTE_USER_OP: [u8; 4] = IReferenceAccount::executeUserOpCall::SELECTOR;

/// `ModuleEntity = module ‖ entityId`.
pub fn module_entity(module: Address, entity_id: u32) -> FixedBytes<24> {
    let mut out = [0u8; 24];
    out[..20].copy_from_slice(module.as_slice());
    out[20..].copy_from_slice(&entity_id.to_be_bytes());
    out.into()
}

/// The module and entity id of a `ModuleEntity`.
pub fn split_module_entity(entity: FixedBytes<24>) -> (Address, u32) {
    let module = Address::from_slice(&entity[..20]);
    let id = u32::from_be_bytes(entity[20..].try_into().expect("4 bytes"));
    (module, id)
}

fn packed25(module: Address, entity_id: u32, flags: u8) -> FixedBytes<25> {
    let mut out = [0u8; 25];
    out[..24].copy_from_slice(module_entity(module, entity_id).as_slice());
    out[24] = flags;
    out.into()
}

/// `ValidationConfig = module ‖ entityId ‖ flags` (flags: [`VALIDATION_GLOBAL`],
/// [`VALIDATION_SIGNATURE`], [`VALIDATION_USER_OP`]).
pub fn validation_config(module: Address, entity_id: u32, flags: u8) -> FixedBytes<25> {
    packed25(module, entity_id, flags)
}

/// A validation-hook `HookConfig`: `module ‖ hookEntityId ‖ 0x01`.
pub fn validation_hook(module: Address, entity_id: u32) -> FixedBytes<25> {
    packed25(module, entity_id, HOOK_VALIDATION)
}

/// An execution-hook `HookConfig`: `module ‖ hookEntityId ‖ (pre ? 0x04) | (post ? 0x02)`.
pub fn execution_hook(module: Address, entity_id: u32, pre: bool, post: bool) -> FixedBytes<25> {
    let mut flags = 0;
    if pre {
        flags |= HOOK_PRE_EXECUTION;
    }
    if post {
        flags |= HOOK_POST_EXECUTION;
    }
    packed25(module, entity_id, flags)
}

/// One element of `installValidation`'s `hooks`: `hookConfig ‖ installData`
/// (empty install data: the account does not call the hook's `onInstall`).
pub fn hook_with_data(hook_config: FixedBytes<25>, install_data: &[u8]) -> Bytes {
    [hook_config.as_slice(), install_data].concat().into()
}

/// The arguments of `initialize` / `installValidation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationInstall {
    /// [`validation_config`].
    pub config: FixedBytes<25>,
    /// The selectors the validation may call (a non-global validation reaches
    /// only these).
    pub selectors: Vec<[u8; 4]>,
    /// The validation module's `onInstall` data.
    pub install_data: Bytes,
    /// [`hook_with_data`] elements, in the order the hooks run.
    pub hooks: Vec<Bytes>,
}

impl ValidationInstall {
    fn selectors(&self) -> Vec<FixedBytes<4>> {
        self.selectors.iter().map(|s| FixedBytes(*s)).collect()
    }

    /// `initialize(bytes25,bytes4[],bytes,bytes[])` calldata.
    pub fn initialize_calldata(&self) -> Vec<u8> {
        IReferenceAccount::initializeCall {
            validationConfig: self.config,
            selectors: self.selectors(),
            installData: self.install_data.clone(),
            hooks: self.hooks.clone(),
        }
        .abi_encode()
    }

    /// Each hook's module and entity id, validation hooks and execution
    /// hooks apart, each in install order (the order the account's
    /// `getValidationData` lists them in).
    pub fn hook_entities(&self) -> InstalledHooks {
        let entity = |hook: &&Bytes| split_module_entity(FixedBytes::from_slice(&hook[..24]));
        let (validation, execution): (Vec<&Bytes>, Vec<&Bytes>) = self
            .hooks
            .iter()
            .partition(|hook| hook[24] & HOOK_VALIDATION != 0);
        InstalledHooks {
            validation: validation.iter().map(entity).collect(),
            execution: execution.iter().map(entity).collect(),
        }
    }

    /// The `uninstallValidation` calldata that removes this validation and
    /// every hook's state ([`uninstall_validation`]).
    pub fn uninstall_validation_calldata(&self) -> Vec<u8> {
        let (module, entity_id) = split_module_entity(FixedBytes::from_slice(&self.config[..24]));
        uninstall_validation(module, entity_id, &self.hook_entities())
    }

    /// `installValidation(bytes25,bytes4[],bytes,bytes[])` calldata.
    pub fn install_validation_calldata(&self) -> Vec<u8> {
        IReferenceAccount::installValidationCall {
            validationConfig: self.config,
            selectors: self.selectors(),
            installData: self.install_data.clone(),
            hooks: self.hooks.clone(),
        }
        .abi_encode()
    }
}

/// The user-op nonce key of a validation: `(entityId << 8) | (global ? 1 : 0)`
/// (parallel key 0).
pub fn nonce_key(entity_id: u32, global: bool) -> U192 {
    nonce_key_parallel(U192::ZERO, entity_id, global)
}

/// The nonce key with a parallel key (at most 19 bytes):
/// `parallel << 40 | entityId << 8 | options`.
pub fn nonce_key_parallel(parallel: U192, entity_id: u32, global: bool) -> U192 {
    assert!(
        parallel.bit_len() <= 152,
        "parallel nonce key over 19 bytes"
    );
    let options = if global { NONCE_GLOBAL } else { 0 };
    (parallel << 40) | (U192::from(entity_id) << 8) | U192::from(options)
}

/// `key << 64 | sequence`.
pub fn nonce(key: U192, sequence: u64) -> U256 {
    (U256::from(key) << 64) | U256::from(sequence)
}

/// The user-op signature: each `(index, body)` segment as
/// `index ‖ uint32(len) ‖ body`, then `0xFF ‖ validation_signature`.
///
/// Segments are written as given (no sorting, no check that bodies are
/// non-empty), so tests can build malformed ones too.
pub fn signature(segments: &[(u8, &[u8])], validation_signature: &[u8]) -> Bytes {
    let mut out = Vec::new();
    for (index, body) in segments {
        out.push(*index);
        let len = u32::try_from(body.len()).expect("a segment of at most 2^32 - 1 bytes");
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(body);
    }
    out.push(VALIDATION_SEGMENT);
    out.extend_from_slice(validation_signature);
    out.into()
}

/// The `signature` argument of the account's ERC-1271 `isValidSignature`
/// for the validation at `entity_id`: `options(1) = 0 ‖ entityId(4) ‖`
/// [`signature`]`(segments, validation_signature)`.
pub fn erc1271_signature(
    entity_id: u32,
    segments: &[(u8, &[u8])],
    validation_signature: &[u8],
) -> Bytes {
    let mut out = vec![0u8];
    out.extend_from_slice(&entity_id.to_be_bytes());
    out.extend_from_slice(&signature(segments, validation_signature));
    out.into()
}

/// `execute(target, value, data)` calldata.
pub fn execute(target: Address, value: U256, data: impl Into<Bytes>) -> Vec<u8> {
    IReferenceAccount::executeCall {
        target,
        value,
        data: data.into(),
    }
    .abi_encode()
}

/// `executeBatch((target, value, data)[])` calldata.
pub fn execute_batch(calls: impl IntoIterator<Item = (Address, U256, Vec<u8>)>) -> Vec<u8> {
    IReferenceAccount::executeBatchCall {
        calls: calls
            .into_iter()
            .map(|(target, value, data)| IReferenceAccount::Call {
                target,
                value,
                data: data.into(),
            })
            .collect(),
    }
    .abi_encode()
}

/// The `executeUserOp` prefix form: `0x8dd7712f ‖ inner`.
pub fn user_op_prefixed(inner: &[u8]) -> Vec<u8> {
    [&EXECUTE_USER_OP[..], inner].concat()
}

/// The `authorization` of `executeWithRuntimeValidation` for the
/// validation at `entity_id` with no hook data:
/// `options(1) ‖ entityId(4) ‖ 0xFF` (options `0x01`: used as global).
pub fn runtime_authorization(entity_id: u32, global: bool) -> Vec<u8> {
    let mut out = vec![if global { NONCE_GLOBAL } else { 0 }];
    out.extend_from_slice(&entity_id.to_be_bytes());
    out.push(VALIDATION_SEGMENT);
    out
}

/// `executeWithRuntimeValidation(data, authorization)` calldata: how an
/// owner EOA calls its account directly, validated by its (global)
/// validation at `entity_id` (runtime validation: the caller must be the
/// validation's signer).
pub fn execute_with_runtime_validation(data: &[u8], entity_id: u32, global: bool) -> Vec<u8> {
    IReferenceAccount::executeWithRuntimeValidationCall {
        data: data.to_vec().into(),
        authorization: runtime_authorization(entity_id, global).into(),
    }
    .abi_encode()
}

/// A validation's hooks, each as its module and its entity id, each role
/// in install order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstalledHooks {
    /// The validation hooks.
    pub validation: Vec<(Address, u32)>,
    /// The execution hooks.
    pub execution: Vec<(Address, u32)>,
}

impl InstalledHooks {
    /// The hooks in the order MAv2 v2.0.x's `uninstallValidation` pairs
    /// them with `hookUninstallData`: the validation hooks, then the
    /// execution hooks, each group **newest first** (its hook lists prepend
    /// on insert, and uninstall walks them from the head).
    pub fn uninstall_order(&self) -> Vec<(Address, u32)> {
        let newest_first =
            |hooks: &[(Address, u32)]| hooks.iter().rev().copied().collect::<Vec<_>>();
        let mut order = newest_first(&self.validation);
        order.extend(newest_first(&self.execution));
        order
    }

    /// How many hooks.
    pub fn len(&self) -> usize {
        self.validation.len() + self.execution.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `uninstallValidation(module ‖ entityId, abi.encode(entityId), hookData)`
/// calldata for a validation whose hooks are `hooks`, with one entry per
/// hook in the order the account consumes them
/// ([`InstalledHooks::uninstall_order`]): every hook gets
/// `abi.encode(entityId)` (each module's uninstall data), except a hook
/// whose (module, entity id) comes earlier in that order (a module's second
/// role, which shares the first one's state): it gets empty data, so the
/// account does not call it. (Our modules' `onUninstall` also succeeds
/// when nothing is left, so even a wrong pairing cannot stop the rest.)
pub fn uninstall_validation(module: Address, entity_id: u32, hooks: &InstalledHooks) -> Vec<u8> {
    let order = hooks.uninstall_order();
    IReferenceAccount::uninstallValidationCall {
        moduleEntity: module_entity(module, entity_id),
        uninstallData: permission_core::install::encode_entity_id(entity_id).into(),
        hookUninstallData: order
            .iter()
            .enumerate()
            .map(|(i, &(_, hook_entity))| {
                if order[..i].contains(&order[i]) {
                    Bytes::new()
                } else {
                    permission_core::install::encode_entity_id(hook_entity).into()
                }
            })
            .collect(),
    }
    .abi_encode()
}

/// What an account's `ValidationUninstalled(module, entityId,
/// onUninstallSucceeded)` log among `logs` says: `Some(succeeded)` for the
/// first one `account` emitted for `entity_id`, `None` if it emitted none.
/// `false` means an `onUninstall` failed: MAv2 v2.0.x then calls no later
/// hook nor the validation module, whose state stays behind.
pub fn validation_uninstalled(logs: &[Log], account: Address, entity_id: u32) -> Option<bool> {
    logs.iter()
        .filter(|log| log.address == account)
        .filter_map(|log| IReferenceAccount::ValidationUninstalled::decode_log_data(&log.data).ok())
        .find(|event| event.entityId == entity_id)
        .map(|event| event.onUninstallSucceeded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolCall;

    #[test]
    fn uninstall_data_follows_v2_0_xs_order_and_a_second_role_gets_nothing() {
        let [allowlist, window, limit, targets] = [1u8, 2, 3, 4].map(Address::repeat_byte);
        let hooks = InstalledHooks {
            validation: vec![(allowlist, 7), (window, 7), (limit, 7)],
            execution: vec![(targets, 7), (limit, 7)],
        };
        assert_eq!(
            hooks.uninstall_order(),
            vec![
                (limit, 7),
                (window, 7),
                (allowlist, 7),
                (limit, 7),
                (targets, 7)
            ]
        );
        let call = IReferenceAccount::uninstallValidationCall::abi_decode(&uninstall_validation(
            Address::repeat_byte(9),
            7,
            &hooks,
        ))
        .unwrap();
        let id: Bytes = permission_core::install::encode_entity_id(7).into();
        assert_eq!(call.moduleEntity, module_entity(Address::repeat_byte(9), 7));
        assert_eq!(call.uninstallData, id);
        // spending-limit clears both roles on its first call; its second
        // entry (the execution role) is empty, so it is not called again.
        assert_eq!(
            call.hookUninstallData,
            vec![id.clone(), id.clone(), id.clone(), Bytes::new(), id]
        );
    }
}
