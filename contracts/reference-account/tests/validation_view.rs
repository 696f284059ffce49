//! `getValidationData` (ERC-6900 v0.8 IModularAccountView), and the
//! interface file against the account's router.
//!
//! Every case runs twice: natively, with the account's router on the SDK's
//! `TestVM`, and on the compiled WASM (`target/stylus/reference-account.code`,
//! from `scripts/build-contracts.sh`) deployed in localnet. Calls and
//! answers are encoded and decoded with alloy from
//! `interface/IReferenceAccount.sol`, independently of the account's own
//! encoder.
//!
//! The validations and hooks are installed with empty install data, so the
//! account makes no ERC-165 check and no `onInstall` call (MAv2's rule) and
//! their modules need no code. `installValidation` and
//! `uninstallValidation` are sent from the EntryPoint's address, one of the
//! two callers the account accepts for them.

use alloy_primitives::{hex, keccak256, Address, Bytes, FixedBytes, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolInterface};
use module_kit::testing::Backend;
use reference_account::ENTRY_POINT;
use stylus_sdk::testing::TestVM;

mod common;
use common::{config, module_entity};

alloy_sol_types::sol!(
    #[sol(all_derives)]
    "interface/IReferenceAccount.sol"
);

use IReferenceAccount::ValidationDataView;
use IReferenceAccount::{IReferenceAccountCalls as Calls, IReferenceAccountErrors as Errors};

/// The owner's validation module (entity 0).
const OWNER_MODULE: Address = Address::new([0x0A; 20]);
/// The session key's validation module.
const SIGNER: Address = Address::new([0x5E; 20]);
/// Hook modules.
const HOOK_A: Address = Address::new([0xA1; 20]);
const HOOK_B: Address = Address::new([0xB2; 20]);
const HOOK_C: Address = Address::new([0xC3; 20]);
const HOOK_D: Address = Address::new([0xD4; 20]);
const HOOK_E: Address = Address::new([0xE5; 20]);
/// Anyone: the view is unguarded.
const STRANGER: Address = Address::new([0x77; 20]);
/// The session key's validation entity.
const ENTITY: u32 = 1;

const EXECUTE: [u8; 4] = IReferenceAccount::executeCall::SELECTOR;
const EXECUTE_BATCH: [u8; 4] = IReferenceAccount::executeBatchCall::SELECTOR;

// ------------------------------------------------------------ backends

/// The account's router on a `TestVM`.
struct Native(TestVM);

impl Native {
    fn new() -> Self {
        let vm = TestVM::new();
        vm.set_contract_address(Address::new([0xAC; 20]));
        Self(vm)
    }
}

impl Backend for Native {
    fn call(&self, from: Address, value: U256, calldata: &[u8]) -> module_kit::Output {
        self.0.set_sender(from);
        self.0.set_value(value);
        reference_account::route(&self.0, calldata)
    }

    fn set_timestamp(&self, timestamp: u64) {
        self.0.set_block_timestamp(timestamp);
    }

    fn storage(&self) -> std::collections::HashMap<U256, B256> {
        let storage = self.0.snapshot().storage;
        storage.into_iter().filter(|(_, v)| !v.is_zero()).collect()
    }

    fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.0.get_emitted_logs()
    }
}

fn native() -> Box<dyn Backend> {
    Box::new(Native::new())
}

fn chain() -> Box<dyn Backend> {
    Box::new(module_kit::chain::Chain::deploy("reference-account"))
}

// ------------------------------------------------------------- helpers

/// `flags` bits of a ValidationConfig.
const GLOBAL: u8 = 0x04;
const SIGNATURE: u8 = 0x02;
const USER_OP: u8 = 0x01;

/// A validation hook's HookConfig (flag bit 0).
fn validation_hook(module: Address, entity_id: u32) -> FixedBytes<25> {
    config(module, entity_id, 0x01)
}

/// An execution hook's HookConfig with a pre (0x04) and a post (0x02) hook.
fn execution_hook(module: Address, entity_id: u32) -> FixedBytes<25> {
    config(module, entity_id, 0x06)
}

fn install_call(
    validation: FixedBytes<25>,
    selectors: &[[u8; 4]],
    hooks: &[FixedBytes<25>],
) -> Vec<u8> {
    IReferenceAccount::installValidationCall {
        validationConfig: validation,
        selectors: selectors.iter().map(|s| FixedBytes(*s)).collect(),
        installData: Bytes::new(),
        // HookConfig with empty hook data: no onInstall.
        hooks: hooks.iter().map(|h| Bytes::from(h.to_vec())).collect(),
    }
    .abi_encode()
}

/// `installValidation` from the EntryPoint; panics on a revert.
#[track_caller]
fn install(
    b: &dyn Backend,
    validation: FixedBytes<25>,
    selectors: &[[u8; 4]],
    hooks: &[FixedBytes<25>],
) {
    let out = b.call(
        ENTRY_POINT,
        U256::ZERO,
        &install_call(validation, selectors, hooks),
    );
    assert_eq!(out, Ok(vec![]), "installValidation");
}

/// `uninstallValidation(module ‖ entity, "", [])` from the EntryPoint.
#[track_caller]
fn uninstall(b: &dyn Backend, module: Address, entity_id: u32) {
    let call = IReferenceAccount::uninstallValidationCall {
        moduleEntity: module_entity(module, entity_id),
        uninstallData: Bytes::new(),
        hookUninstallData: vec![],
    };
    assert_eq!(
        b.call(ENTRY_POINT, U256::ZERO, &call.abi_encode()),
        Ok(vec![]),
        "uninstallValidation"
    );
}

/// The account initialized with the owner's global validation at entity 0.
fn account(b: Box<dyn Backend>) -> Box<dyn Backend> {
    let call = IReferenceAccount::initializeCall {
        validationConfig: config(OWNER_MODULE, 0, GLOBAL | SIGNATURE | USER_OP),
        selectors: vec![],
        installData: Bytes::new(),
        hooks: vec![],
    };
    assert_eq!(b.call(STRANGER, U256::ZERO, &call.abi_encode()), Ok(vec![]));
    b
}

/// `getValidationData(module ‖ entity)`'s raw answer, called by a stranger.
#[track_caller]
fn view_raw(b: &dyn Backend, module: Address, entity_id: u32) -> Vec<u8> {
    let call = IReferenceAccount::getValidationDataCall {
        validationFunction: module_entity(module, entity_id),
    };
    b.call(STRANGER, U256::ZERO, &call.abi_encode())
        .unwrap_or_else(|e| panic!("getValidationData reverted: 0x{}", hex::encode(e)))
}

/// `getValidationData(module ‖ entity)`, decoded strictly by alloy.
#[track_caller]
fn view(b: &dyn Backend, module: Address, entity_id: u32) -> ValidationDataView {
    let raw = view_raw(b, module, entity_id);
    let decoded = IReferenceAccount::getValidationDataCall::abi_decode_returns_validate(&raw)
        .expect("a valid ValidationDataView");
    // The account's encoding is the canonical one.
    assert_eq!(
        IReferenceAccount::getValidationDataCall::abi_encode_returns(&decoded),
        raw
    );
    decoded
}

fn expected(
    flags: u8,
    validation_hooks: &[FixedBytes<25>],
    execution_hooks: &[FixedBytes<25>],
    selectors: &[[u8; 4]],
) -> ValidationDataView {
    ValidationDataView {
        validationFlags: flags,
        validationHooks: validation_hooks.to_vec(),
        executionHooks: execution_hooks.to_vec(),
        selectors: selectors.iter().map(|s| FixedBytes(*s)).collect(),
    }
}

fn empty() -> ValidationDataView {
    expected(0, &[], &[], &[])
}

/// The session key's shape: selectors `[execute, executeBatch]`, two
/// validation hooks and one execution hook, given interleaved (the account
/// keeps each role's install order).
fn install_session(b: &dyn Backend) -> (Vec<FixedBytes<25>>, Vec<FixedBytes<25>>) {
    let first = validation_hook(HOOK_A, ENTITY);
    let exec = execution_hook(HOOK_C, ENTITY);
    let second = validation_hook(HOOK_B, 7);
    install(
        b,
        config(SIGNER, ENTITY, SIGNATURE | USER_OP),
        &[EXECUTE, EXECUTE_BATCH],
        &[first, exec, second],
    );
    (vec![first, second], vec![exec])
}

// --------------------------------------------------------------- cases

fn shows_flags_hooks_in_install_order_and_selectors(b: Box<dyn Backend>) {
    let b = account(b);
    let (validation_hooks, execution_hooks) = install_session(&*b);
    assert_eq!(
        view(&*b, SIGNER, ENTITY),
        expected(
            SIGNATURE | USER_OP,
            &validation_hooks,
            &execution_hooks,
            &[EXECUTE, EXECUTE_BATCH]
        )
    );
    // The owner's validation beside it: global, no hooks, no selectors.
    assert_eq!(
        view(&*b, OWNER_MODULE, 0),
        expected(GLOBAL | SIGNATURE | USER_OP, &[], &[], &[])
    );
}

fn is_empty_after_uninstall_and_shows_only_a_reinstalls_records(b: Box<dyn Backend>) {
    let b = account(b);
    install_session(&*b);
    uninstall(&*b, SIGNER, ENTITY);
    assert_eq!(view(&*b, SIGNER, ENTITY), empty());

    // A reinstall under the same entity with other hooks and one selector.
    let hook = validation_hook(HOOK_D, ENTITY);
    let exec = execution_hook(HOOK_E, 2);
    install(
        &*b,
        config(SIGNER, ENTITY, USER_OP),
        &[EXECUTE_BATCH],
        &[exec, hook],
    );
    assert_eq!(
        view(&*b, SIGNER, ENTITY),
        expected(USER_OP, &[hook], &[exec], &[EXECUTE_BATCH])
    );

    // A selector the previous generation held can be installed again.
    install(&*b, config(SIGNER, ENTITY, USER_OP), &[EXECUTE], &[]);
    assert_eq!(
        view(&*b, SIGNER, ENTITY).selectors,
        vec![FixedBytes(EXECUTE_BATCH), FixedBytes(EXECUTE)]
    );
}

fn an_unknown_entity_gives_the_empty_view(b: Box<dyn Backend>) {
    let b = account(b);
    install_session(&*b);
    assert_eq!(view(&*b, SIGNER, 2), empty());
    assert_eq!(view(&*b, Address::ZERO, u32::MAX), empty());
    // The exact bytes: offset 0x20; the flags byte 0; the three arrays'
    // offsets (0x80, 0xa0, 0xc0 from the struct); three zero lengths.
    let raw: Vec<u8> = [0x20u64, 0, 0x80, 0xa0, 0xc0, 0, 0, 0]
        .into_iter()
        .flat_map(|w| U256::from(w).to_be_bytes::<32>())
        .collect();
    assert_eq!(view_raw(&*b, SIGNER, 2), raw);
}

fn updates_append_selectors_and_replace_flags(b: Box<dyn Backend>) {
    let b = account(b);
    let (validation_hooks, execution_hooks) = install_session(&*b);
    let more = validation_hook(HOOK_D, ENTITY);
    install(
        &*b,
        config(SIGNER, ENTITY, SIGNATURE),
        &[hex!("deadbeef")],
        &[more],
    );
    let mut all_hooks = validation_hooks;
    all_hooks.push(more);
    assert_eq!(
        view(&*b, SIGNER, ENTITY),
        expected(
            SIGNATURE,
            &all_hooks,
            &execution_hooks,
            &[EXECUTE, EXECUTE_BATCH, hex!("deadbeef")]
        )
    );
}

fn a_refused_install_leaves_the_view_unchanged(b: Box<dyn Backend>) {
    let b = account(b);
    install_session(&*b);
    let before = view(&*b, SIGNER, ENTITY);
    // A new selector then one already installed: ValidationAlreadySet.
    let out = b.call(
        ENTRY_POINT,
        U256::ZERO,
        &install_call(
            config(SIGNER, ENTITY, GLOBAL),
            &[hex!("12345678"), EXECUTE],
            &[],
        ),
    );
    let revert = out.expect_err("a selector installed twice");
    assert_eq!(
        Errors::abi_decode(&revert).unwrap(),
        Errors::ValidationAlreadySet(IReferenceAccount::ValidationAlreadySet {
            selector: FixedBytes(EXECUTE),
            moduleEntity: module_entity(SIGNER, ENTITY),
        })
    );
    assert_eq!(view(&*b, SIGNER, ENTITY), before);
}

/// As MAv2 (its lookup key is the entityId alone): the module half of the
/// argument is not compared with the installed module.
fn the_validation_is_found_by_its_entity_id(b: Box<dyn Backend>) {
    let b = account(b);
    install_session(&*b);
    assert_eq!(view(&*b, HOOK_E, ENTITY), view(&*b, SIGNER, ENTITY));
}

/// The view is unguarded, writes nothing, and reverts with a named error
/// on short calldata.
fn is_a_plain_view(b: Box<dyn Backend>) {
    let b = account(b);
    install_session(&*b);
    let storage = b.storage();
    let logs = b.logs().len();
    for caller in [STRANGER, ENTRY_POINT, SIGNER, Address::ZERO] {
        let call = IReferenceAccount::getValidationDataCall {
            validationFunction: module_entity(SIGNER, ENTITY),
        };
        assert!(b.call(caller, U256::ZERO, &call.abi_encode()).is_ok());
    }
    assert_eq!(b.storage(), storage);
    assert_eq!(b.logs().len(), logs);
    let out = b.call(
        STRANGER,
        U256::ZERO,
        &IReferenceAccount::getValidationDataCall::SELECTOR,
    );
    assert_eq!(
        out,
        Err(IReferenceAccount::MalformedCalldata { reason: 1 }.abi_encode())
    );
}

/// Every function of the interface file is routed (the router answers
/// anything but `UnrecognizedFunction`), and no other selector is.
fn the_interface_matches_the_router(b: Box<dyn Backend>) {
    let b = account(b);
    let unrecognized = |selector: [u8; 4]| {
        IReferenceAccount::UnrecognizedFunction {
            selector: FixedBytes(selector),
        }
        .abi_encode()
    };
    for selector in Calls::SELECTORS {
        let mut calldata = selector.to_vec();
        calldata.extend_from_slice(&[0u8; 32 * 6]);
        if let Err(revert) = b.call(STRANGER, U256::ZERO, &calldata) {
            assert_ne!(
                revert,
                unrecognized(*selector),
                "0x{} is not routed",
                hex::encode(selector)
            );
        }
    }
    let unknown = hex!("d31b575c");
    assert_eq!(
        b.call(STRANGER, U256::ZERO, &unknown),
        Err(unrecognized(unknown))
    );
}

/// The selector list is where `storage.rs` says: the account's own slots
/// `keccak(6 ‖ entityId ‖ generation ‖ index)`, the selector left-aligned,
/// with the count in bytes 1..5 of the validation's word
/// `keccak(1 ‖ entityId)`.
fn stores_the_selector_list_where_the_storage_notes_say(b: Box<dyn Backend>) {
    let b = account(b);
    let slot = |tag: u8, key: &[u8]| {
        let mut preimage = vec![tag];
        preimage.extend_from_slice(&ENTITY.to_be_bytes());
        preimage.extend_from_slice(key);
        U256::from_be_bytes(keccak256(&preimage).0)
    };
    let list_slot = |generation: u32, index: u32| {
        let mut key = generation.to_be_bytes().to_vec();
        key.extend_from_slice(&index.to_be_bytes());
        slot(6, &key)
    };
    let left_aligned = |selector: [u8; 4]| {
        let mut word = B256::ZERO;
        word[..4].copy_from_slice(&selector);
        word
    };
    install_session(&*b);
    let storage = b.storage();
    assert_eq!(storage[&list_slot(0, 0)], left_aligned(EXECUTE));
    assert_eq!(storage[&list_slot(0, 1)], left_aligned(EXECUTE_BATCH));
    let word = storage[&slot(1, &[])];
    assert_eq!(word[1..5], 2u32.to_be_bytes());
    assert_eq!(word[5..9], 0u32.to_be_bytes());

    // Uninstall is O(1): the list stays, unreachable, and generation 1
    // starts a new one.
    uninstall(&*b, SIGNER, ENTITY);
    install(&*b, config(SIGNER, ENTITY, USER_OP), &[EXECUTE_BATCH], &[]);
    let storage = b.storage();
    assert_eq!(storage[&list_slot(0, 0)], left_aligned(EXECUTE));
    assert_eq!(storage[&list_slot(1, 0)], left_aligned(EXECUTE_BATCH));
    let word = storage[&slot(1, &[])];
    assert_eq!(word[1..5], 1u32.to_be_bytes());
    assert_eq!(word[5..9], 1u32.to_be_bytes());
}

macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        mod native {
            $(#[test] fn $case() { super::$case(super::native()) })*
        }
        mod chain {
            $(#[test] fn $case() { super::$case(super::chain()) })*
        }
    };
}

cases!(
    shows_flags_hooks_in_install_order_and_selectors,
    is_empty_after_uninstall_and_shows_only_a_reinstalls_records,
    an_unknown_entity_gives_the_empty_view,
    updates_append_selectors_and_replace_flags,
    a_refused_install_leaves_the_view_unchanged,
    the_validation_is_found_by_its_entity_id,
    is_a_plain_view,
    the_interface_matches_the_router,
    stores_the_selector_list_where_the_storage_notes_say,
);

// -------------------------------------------------------- the Rust ABI

#[test]
fn selectors_and_errors_match_the_interface() {
    assert_eq!(
        IReferenceAccount::getValidationDataCall::SELECTOR,
        hex!("d31b575b")
    );
    assert_eq!(
        reference_account::GET_VALIDATION_DATA,
        IReferenceAccount::getValidationDataCall::SELECTOR
    );
    assert_eq!(
        IReferenceAccount::getValidationDataCall::SIGNATURE,
        "getValidationData(bytes24)"
    );
    assert_eq!(
        reference_account::errors::SELECTOR_LIMIT_EXCEEDED,
        IReferenceAccount::SelectorLimitExceeded::SELECTOR
    );
    assert_eq!(
        reference_account::INITIALIZE,
        IReferenceAccount::initializeCall::SELECTOR
    );
}
